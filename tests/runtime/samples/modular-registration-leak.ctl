HELLO cpus=2 memtotal_kb=505208 memavail_kb=491072 uptime=4.55
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
STAT start meminfo:MemFree_kb 487520
STAT start meminfo:SwapUsed_kb 0
PHASE keeper uptime=5.14
PHASE filler uptime=11.89
PHASE balloon uptime=40.39
BALLOON 373
NOTE host says BALLOON-DONE 373
PHASE free uptime=55.15
STAT before vmstat:balloon_inflate 35584
STAT before vmstat:balloon_deflate 0
STAT before vmstat:balloon_migrate 133
STAT before vmstat:pgmigrate_success 3647
STAT before vmstat:pgmigrate_fail 1
STAT before vmstat:compact_migrate_scanned 13077
STAT before vmstat:compact_free_scanned 28128
STAT before vmstat:compact_isolated 7890
STAT before vmstat:pswpin 9
STAT before vmstat:pswpout 110654
STAT before kprobe:balloon_mops 133
STAT before kprobe:zsmalloc_mops 1312
STAT before zram:orig_pages 30768
STAT before zram:zsmalloc_pages 8530
STAT before meminfo:MemFree_kb 309600
STAT before meminfo:SwapUsed_kb 123332
PHASE compact uptime=56.34
PHASE compacted uptime=57.86
STAT after vmstat:balloon_inflate 35584
STAT after vmstat:balloon_deflate 0
STAT after vmstat:balloon_migrate 8491
STAT after vmstat:pgmigrate_success 19560
STAT after vmstat:pgmigrate_fail 750
STAT after vmstat:compact_migrate_scanned 70420
STAT after vmstat:compact_free_scanned 72641
STAT after vmstat:compact_isolated 41156
STAT after vmstat:pswpin 14
STAT after vmstat:pswpout 110654
STAT after kprobe:balloon_mops 8491
STAT after kprobe:zsmalloc_mops 8853
STAT after zram:orig_pages 30768
STAT after zram:zsmalloc_pages 8530
STAT after meminfo:MemFree_kb 310548
STAT after meminfo:SwapUsed_kb 123332
PHASE check uptime=57.95
CHECK pages=30692 bad=0 first_bad=-1 sum=b017677c1812dda5
PHASE unload uptime=60.30
STEP swapoff ok
STEP reset:zram0 ok
STEP rmmod:zram ok
STEP rmmod:zsmalloc ok
STAT unloaded vmstat:balloon_inflate 35584
STAT unloaded vmstat:balloon_deflate 0
STAT unloaded vmstat:balloon_migrate 8491
STAT unloaded vmstat:pgmigrate_success 19560
STAT unloaded vmstat:pgmigrate_fail 750
STAT unloaded vmstat:compact_migrate_scanned 70420
STAT unloaded vmstat:compact_free_scanned 72641
STAT unloaded vmstat:compact_isolated 41156
STAT unloaded vmstat:pswpin 30727
STAT unloaded vmstat:pswpout 110654
PHASE recompact uptime=60.67
PHASE recompacted uptime=60.68
STAT recompacted vmstat:balloon_inflate 35584
STAT recompacted vmstat:balloon_deflate 0
STAT recompacted vmstat:balloon_migrate 8491
STAT recompacted vmstat:pgmigrate_success 19560
STAT recompacted vmstat:pgmigrate_fail 1025
STAT recompacted vmstat:compact_migrate_scanned 72467
STAT recompacted vmstat:compact_free_scanned 84192
STAT recompacted vmstat:compact_isolated 42117
STAT recompacted vmstat:pswpin 30727
STAT recompacted vmstat:pswpout 110654
PHASE fault uptime=60.77
STEP insmod:movfault ok
FAULT zsmalloc error Device or resource busy
