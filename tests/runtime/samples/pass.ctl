HELLO cpus=1 memtotal_kb=503460 memavail_kb=488868 uptime=1.11
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
STAT start meminfo:MemFree_kb 487296
STAT start meminfo:SwapUsed_kb 0
PHASE keeper uptime=1.25
PHASE filler uptime=2.78
PHASE balloon uptime=5.11
BALLOON 344
NOTE host says BALLOON-DONE 344
PHASE free uptime=7.37
STAT before vmstat:balloon_inflate 43008
STAT before vmstat:balloon_deflate 0
STAT before vmstat:balloon_migrate 1064
STAT before vmstat:pgmigrate_success 1684
STAT before vmstat:pgmigrate_fail 0
STAT before vmstat:compact_migrate_scanned 6222
STAT before vmstat:compact_free_scanned 8911
STAT before vmstat:compact_isolated 3331
STAT before vmstat:pswpin 9
STAT before vmstat:pswpout 103422
STAT before kprobe:balloon_mops 1064
STAT before kprobe:zsmalloc_mops 582
STAT before zram:orig_pages 30579
STAT before zram:zsmalloc_pages 8405
STAT before meminfo:MemFree_kb 280496
STAT before meminfo:SwapUsed_kb 122316
PHASE compact uptime=7.73
PHASE compacted uptime=7.96
STAT after vmstat:balloon_inflate 43008
STAT after vmstat:balloon_deflate 0
STAT after vmstat:balloon_migrate 9022
STAT after vmstat:pgmigrate_success 17256
STAT after vmstat:pgmigrate_fail 715
STAT after vmstat:compact_migrate_scanned 46157
STAT after vmstat:compact_free_scanned 60498
STAT after vmstat:compact_isolated 35837
STAT after vmstat:pswpin 14
STAT after vmstat:pswpout 103422
STAT after kprobe:balloon_mops 9022
STAT after kprobe:zsmalloc_mops 8180
STAT after zram:orig_pages 30579
STAT after zram:zsmalloc_pages 8405
STAT after meminfo:MemFree_kb 281660
STAT after meminfo:SwapUsed_kb 122316
PHASE check uptime=8.03
CHECK pages=30554 bad=0 first_bad=-1 sum=f441dcf6820f50c3
KMSG warnings=0 bugs=0
DONE uptime=8.79
