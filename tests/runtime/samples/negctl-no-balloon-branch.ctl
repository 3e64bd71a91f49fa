HELLO cpus=2 memtotal_kb=503268 memavail_kb=487316 uptime=1.50
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
STAT start meminfo:MemFree_kb 483676
STAT start meminfo:SwapUsed_kb 0
PHASE keeper uptime=1.63
PHASE filler uptime=4.59
PHASE balloon uptime=12.15
BALLOON 344
NOTE host says BALLOON-DONE 345
PHASE free uptime=20.36
STAT before vmstat:balloon_inflate 43008
STAT before vmstat:balloon_deflate 0
STAT before vmstat:balloon_migrate 0
STAT before vmstat:pgmigrate_success 5289
STAT before vmstat:pgmigrate_fail 2
STAT before vmstat:compact_migrate_scanned 14613
STAT before vmstat:compact_free_scanned 35859
STAT before vmstat:compact_isolated 11837
STAT before vmstat:pswpin 8
STAT before vmstat:pswpout 111321
STAT before kprobe:balloon_mops 0
STAT before kprobe:zsmalloc_mops 2512
STAT before zram:orig_pages 30531
STAT before zram:zsmalloc_pages 8529
STAT before meminfo:MemFree_kb 280872
STAT before meminfo:SwapUsed_kb 122276
PHASE compact uptime=20.82
PHASE compacted uptime=20.88
STAT after vmstat:balloon_inflate 43008
STAT after vmstat:balloon_deflate 0
STAT after vmstat:balloon_migrate 0
STAT after vmstat:pgmigrate_success 13285
STAT after vmstat:pgmigrate_fail 717
STAT after vmstat:compact_migrate_scanned 93460
STAT after vmstat:compact_free_scanned 57611
STAT after vmstat:compact_isolated 28548
STAT after vmstat:pswpin 13
STAT after vmstat:pswpout 111321
STAT after kprobe:balloon_mops 0
STAT after kprobe:zsmalloc_mops 10494
STAT after zram:orig_pages 30531
STAT after zram:zsmalloc_pages 8529
STAT after meminfo:MemFree_kb 279708
STAT after meminfo:SwapUsed_kb 122276
PHASE check uptime=21.15
CHECK pages=30457 bad=0 first_bad=-1 sum=513768d943675a3c
KMSG warnings=0 bugs=0
DONE uptime=21.96
