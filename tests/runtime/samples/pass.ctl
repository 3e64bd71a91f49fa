HELLO cpus=2 memtotal_kb=507508 memavail_kb=491392 uptime=1.02
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
STAT start meminfo:MemFree_kb 488156
STAT start meminfo:SwapUsed_kb 0
PHASE keeper uptime=1.34
PHASE filler uptime=2.62
PHASE balloon uptime=5.36
BALLOON 375
NOTE host says BALLOON-DONE 375
PHASE free uptime=9.50
STAT before vmstat:balloon_inflate 35072
STAT before vmstat:balloon_deflate 0
STAT before vmstat:balloon_migrate 755
STAT before vmstat:pgmigrate_success 5147
STAT before vmstat:pgmigrate_fail 0
STAT before vmstat:compact_migrate_scanned 7589
STAT before vmstat:compact_free_scanned 21045
STAT before vmstat:compact_isolated 10315
STAT before vmstat:pswpin 9
STAT before vmstat:pswpout 98988
STAT before kprobe:balloon_mops 755
STAT before kprobe:zsmalloc_mops 2373
STAT before zram:orig_pages 30746
STAT before zram:zsmalloc_pages 8496
STAT before meminfo:MemFree_kb 317552
STAT before meminfo:SwapUsed_kb 123316
PHASE compact uptime=9.72
PHASE compacted uptime=9.92
STAT after vmstat:balloon_inflate 35072
STAT after vmstat:balloon_deflate 0
STAT after vmstat:balloon_migrate 9539
STAT after vmstat:pgmigrate_success 20869
STAT after vmstat:pgmigrate_fail 715
STAT after vmstat:compact_migrate_scanned 49572
STAT after vmstat:compact_free_scanned 65050
STAT after vmstat:compact_isolated 42886
STAT after vmstat:pswpin 14
STAT after vmstat:pswpout 98988
STAT after kprobe:balloon_mops 9539
STAT after kprobe:zsmalloc_mops 9293
STAT after zram:orig_pages 30746
STAT after zram:zsmalloc_pages 8496
STAT after meminfo:MemFree_kb 316896
STAT after meminfo:SwapUsed_kb 123316
PHASE check uptime=9.99
CHECK pages=30712 bad=0 first_bad=-1 sum=64f6079e1826d50f
KMSG warnings=0 bugs=0
DONE uptime=10.70
