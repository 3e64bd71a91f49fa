HELLO cpus=2 memtotal_kb=505204 memavail_kb=491528 uptime=2.57
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
STAT start meminfo:MemFree_kb 487872
STAT start meminfo:SwapUsed_kb 0
PHASE keeper uptime=2.82
PHASE filler uptime=7.43
PHASE balloon uptime=20.02
BALLOON 373
NOTE host says BALLOON-DONE 373
PHASE free uptime=35.46
STAT before vmstat:balloon_inflate 35584
STAT before vmstat:balloon_deflate 0
STAT before vmstat:balloon_migrate 0
STAT before vmstat:pgmigrate_success 1684
STAT before vmstat:pgmigrate_fail 1
STAT before vmstat:compact_migrate_scanned 8202
STAT before vmstat:compact_free_scanned 15425
STAT before vmstat:compact_isolated 3530
STAT before vmstat:pswpin 10
STAT before vmstat:pswpout 103026
STAT before kprobe:balloon_mops 0
STAT before kprobe:zsmalloc_mops 741
STAT before zram:orig_pages 30765
STAT before zram:zsmalloc_pages 8522
STAT before meminfo:MemFree_kb 310584
STAT before meminfo:SwapUsed_kb 123368
PHASE compact uptime=36.27
PHASE compacted uptime=36.47
STAT after vmstat:balloon_inflate 35584
STAT after vmstat:balloon_deflate 0
STAT after vmstat:balloon_migrate 0
STAT after vmstat:pgmigrate_success 9920
STAT after vmstat:pgmigrate_fail 718
STAT after vmstat:compact_migrate_scanned 78857
STAT after vmstat:compact_free_scanned 36918
STAT after vmstat:compact_isolated 20719
STAT after vmstat:pswpin 15
STAT after vmstat:pswpout 103026
STAT after kprobe:balloon_mops 0
STAT after kprobe:zsmalloc_mops 8959
STAT after zram:orig_pages 30765
STAT after zram:zsmalloc_pages 8522
STAT after meminfo:MemFree_kb 312984
STAT after meminfo:SwapUsed_kb 123368
PHASE check uptime=36.63
CHECK pages=30720 bad=0 first_bad=-1 sum=80069eaa75f5fe36
KMSG warnings=0 bugs=0
DONE uptime=38.85
