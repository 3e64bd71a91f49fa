HELLO cpus=2 memtotal_kb=505368 memavail_kb=489276 uptime=1.43
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
STAT start meminfo:MemFree_kb 485884
STAT start meminfo:SwapUsed_kb 0
PHASE keeper uptime=1.75
PHASE filler uptime=3.14
PHASE balloon uptime=7.01
BALLOON 374
NOTE host says BALLOON-DONE 374
PHASE free uptime=13.56
