HELLO cpus=2 memtotal_kb=505368 memavail_kb=491420 uptime=5.22
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
STAT start meminfo:MemFree_kb 487724
STAT start meminfo:SwapUsed_kb 0
PHASE keeper uptime=5.74
PHASE filler uptime=16.05
PHASE balloon uptime=41.24
BALLOON 373
NOTE host says BALLOON-DONE 373
PHASE free uptime=56.55
STAT before vmstat:balloon_inflate 35584
STAT before vmstat:balloon_deflate 0
STAT before vmstat:balloon_migrate 0
STAT before vmstat:pgmigrate_success 1016
STAT before vmstat:pgmigrate_fail 1
STAT before vmstat:compact_migrate_scanned 3612
STAT before vmstat:compact_free_scanned 12359
STAT before vmstat:compact_isolated 2504
STAT before vmstat:pswpin 8
STAT before vmstat:pswpout 103183
STAT before kprobe:balloon_mops 0
STAT before kprobe:zsmalloc_mops 165
STAT before zram:orig_pages 30746
STAT before zram:zsmalloc_pages 8504
STAT before meminfo:MemFree_kb 312128
STAT before meminfo:SwapUsed_kb 123176
PHASE compact uptime=57.67
PHASE compacted uptime=58.98
STAT after vmstat:balloon_inflate 35584
STAT after vmstat:balloon_deflate 0
STAT after vmstat:balloon_migrate 6672
STAT after vmstat:pgmigrate_success 16003
STAT after vmstat:pgmigrate_fail 719
STAT after vmstat:compact_migrate_scanned 52763
STAT after vmstat:compact_free_scanned 57389
STAT after vmstat:compact_isolated 33662
STAT after vmstat:pswpin 13
STAT after vmstat:pswpout 103183
STAT after kprobe:balloon_mops 6672
STAT after kprobe:zsmalloc_mops 8464
STAT after zram:orig_pages 30746
STAT after zram:zsmalloc_pages 8504
STAT after meminfo:MemFree_kb 310340
STAT after meminfo:SwapUsed_kb 123176
PHASE check uptime=59.16
CHECK pages=30713 bad=0 first_bad=-1 sum=52d5e7a90e2541f3
KMSG warnings=0 bugs=0
DONE uptime=66.12
