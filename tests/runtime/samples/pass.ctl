HELLO cpus=2 memtotal_kb=505204 memavail_kb=491468 uptime=4.14
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
STAT start meminfo:MemFree_kb 487672
STAT start meminfo:SwapUsed_kb 0
PHASE keeper uptime=4.86
PHASE filler uptime=10.57
PHASE balloon uptime=32.70
BALLOON 373
NOTE host says BALLOON-DONE 373
PHASE free uptime=45.75
STAT before vmstat:balloon_inflate 35584
STAT before vmstat:balloon_deflate 0
STAT before vmstat:balloon_migrate 0
STAT before vmstat:pgmigrate_success 2705
STAT before vmstat:pgmigrate_fail 1
STAT before vmstat:compact_migrate_scanned 10406
STAT before vmstat:compact_free_scanned 24915
STAT before vmstat:compact_isolated 5767
STAT before vmstat:pswpin 10
STAT before vmstat:pswpout 104801
STAT before kprobe:balloon_mops 0
STAT before kprobe:zsmalloc_mops 1184
STAT before zram:orig_pages 30740
STAT before zram:zsmalloc_pages 8454
STAT before meminfo:MemFree_kb 312852
STAT before meminfo:SwapUsed_kb 123336
PHASE compact uptime=47.21
PHASE compacted uptime=47.84
STAT after vmstat:balloon_inflate 35584
STAT after vmstat:balloon_deflate 0
STAT after vmstat:balloon_migrate 6521
STAT after vmstat:pgmigrate_success 17160
STAT after vmstat:pgmigrate_fail 719
STAT after vmstat:compact_migrate_scanned 61605
STAT after vmstat:compact_free_scanned 70156
STAT after vmstat:compact_isolated 36095
STAT after vmstat:pswpin 15
STAT after vmstat:pswpout 104801
STAT after kprobe:balloon_mops 6521
STAT after kprobe:zsmalloc_mops 9107
STAT after zram:orig_pages 30740
STAT after zram:zsmalloc_pages 8454
STAT after meminfo:MemFree_kb 309352
STAT after meminfo:SwapUsed_kb 123336
PHASE check uptime=48.15
CHECK pages=30716 bad=0 first_bad=-1 sum=1120c2667f1d26c6
KMSG warnings=0 bugs=0
DONE uptime=51.57
