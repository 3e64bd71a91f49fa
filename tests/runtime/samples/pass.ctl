HELLO cpus=2 memtotal_kb=503268 memavail_kb=486988 uptime=1.34
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
STAT start meminfo:MemFree_kb 485168
STAT start meminfo:SwapUsed_kb 0
PHASE keeper uptime=1.52
PHASE filler uptime=3.92
PHASE balloon uptime=8.06
BALLOON 344
NOTE host says BALLOON-DONE 344
PHASE free uptime=13.58
STAT before vmstat:balloon_inflate 43008
STAT before vmstat:balloon_deflate 0
STAT before vmstat:balloon_migrate 90
STAT before vmstat:pgmigrate_success 5479
STAT before vmstat:pgmigrate_fail 1
STAT before vmstat:compact_migrate_scanned 12556
STAT before vmstat:compact_free_scanned 28325
STAT before vmstat:compact_isolated 11059
STAT before vmstat:pswpin 9
STAT before vmstat:pswpout 112023
STAT before kprobe:balloon_mops 148
STAT before kprobe:zsmalloc_mops 2533
STAT before zram:orig_pages 30495
STAT before zram:zsmalloc_pages 8433
STAT before meminfo:MemFree_kb 278700
STAT before meminfo:SwapUsed_kb 122400
PHASE compact uptime=13.96
PHASE compacted uptime=14.26
STAT after vmstat:balloon_inflate 43008
STAT after vmstat:balloon_deflate 0
STAT after vmstat:balloon_migrate 12194
STAT after vmstat:pgmigrate_success 24435
STAT after vmstat:pgmigrate_fail 716
STAT after vmstat:compact_migrate_scanned 60683
STAT after vmstat:compact_free_scanned 81031
STAT after vmstat:compact_isolated 49869
STAT after vmstat:pswpin 14
STAT after vmstat:pswpout 112023
STAT after kprobe:balloon_mops 12252
STAT after kprobe:zsmalloc_mops 9369
STAT after zram:orig_pages 30495
STAT after zram:zsmalloc_pages 8433
STAT after meminfo:MemFree_kb 278060
STAT after meminfo:SwapUsed_kb 122400
PHASE check uptime=14.35
CHECK pages=30436 bad=0 first_bad=-1 sum=751fee55d1fc2d49
KMSG warnings=0 bugs=0
DONE uptime=15.26
