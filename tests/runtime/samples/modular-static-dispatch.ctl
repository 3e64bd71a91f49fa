HELLO cpus=2 memtotal_kb=505208 memavail_kb=491108 uptime=1.70
MODULE zsmalloc loaded
MODULE lzo_compress loaded
MODULE lzo_decompress loaded
MODULE virtio_balloon loaded
MODULE zram loaded
PROBE balloon_mops balloon_page_migrate ok
PROBE zsmalloc_mops zs_page_migrate ok
STAT start vmstat:balloon_inflate 0
STAT start vmstat:balloon_deflate 0
STAT start vmstat:balloon_migrate 0
STAT start vmstat:pgmigrate_success 0
STAT start vmstat:pgmigrate_fail 0
STAT start vmstat:compact_migrate_scanned 0
STAT start vmstat:compact_free_scanned 0
STAT start vmstat:compact_isolated 0
STAT start vmstat:pswpin 0
STAT start vmstat:pswpout 0
STAT start kprobe:balloon_mops 0
STAT start kprobe:zsmalloc_mops 0
STAT start zram:orig_pages 1
STAT start zram:zsmalloc_pages 3
STAT start meminfo:MemFree_kb 487124
STAT start meminfo:SwapUsed_kb 0
PHASE keeper uptime=2.13
PHASE filler uptime=5.80
PHASE balloon uptime=16.90
BALLOON 373
NOTE host says BALLOON-DONE 373
PHASE free uptime=23.90
