HELLO cpus=2 memtotal_kb=505368 memavail_kb=491620 uptime=4.12
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
STAT start meminfo:MemFree_kb 487976
STAT start meminfo:SwapUsed_kb 0
PHASE keeper uptime=4.38
PHASE filler uptime=10.68
PHASE balloon uptime=40.36
BALLOON 373
NOTE host says BALLOON-DONE 373
PHASE free uptime=58.68
STAT before vmstat:balloon_inflate 35584
STAT before vmstat:balloon_deflate 0
STAT before vmstat:balloon_migrate 0
STAT before vmstat:pgmigrate_success 0
STAT before vmstat:pgmigrate_fail 0
STAT before vmstat:compact_migrate_scanned 0
STAT before vmstat:compact_free_scanned 0
STAT before vmstat:compact_isolated 0
STAT before vmstat:pswpin 9
STAT before vmstat:pswpout 105693
STAT before kprobe:balloon_mops 0
STAT before kprobe:zsmalloc_mops 0
STAT before zram:orig_pages 30817
STAT before zram:zsmalloc_pages 8632
STAT before meminfo:MemFree_kb 308916
STAT before meminfo:SwapUsed_kb 123660
PHASE compact uptime=59.85
PHASE compacted uptime=60.46
STAT after vmstat:balloon_inflate 35584
STAT after vmstat:balloon_deflate 0
STAT after vmstat:balloon_migrate 0
STAT after vmstat:pgmigrate_success 8336
STAT after vmstat:pgmigrate_fail 717
STAT after vmstat:compact_migrate_scanned 72703
STAT after vmstat:compact_free_scanned 23384
STAT after vmstat:compact_isolated 17390
STAT after vmstat:pswpin 14
STAT after vmstat:pswpout 105693
STAT after kprobe:balloon_mops 0
STAT after kprobe:zsmalloc_mops 8319
STAT after zram:orig_pages 30817
STAT after zram:zsmalloc_pages 8632
STAT after meminfo:MemFree_kb 309360
STAT after meminfo:SwapUsed_kb 123660
PHASE check uptime=60.81
CHECK pages=30726 bad=0 first_bad=-1 sum=68d52877c960858a
KMSG warnings=0 bugs=0
DONE uptime=64.49
