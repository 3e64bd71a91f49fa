HELLO cpus=2 memtotal_kb=507508 memavail_kb=492520 uptime=1.02
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
STAT start meminfo:MemFree_kb 488996
STAT start meminfo:SwapUsed_kb 0
PHASE keeper uptime=1.40
PHASE filler uptime=2.78
PHASE balloon uptime=6.14
BALLOON 375
NOTE host says BALLOON-DONE 375
PHASE free uptime=10.78
STAT before vmstat:balloon_inflate 35072
STAT before vmstat:balloon_deflate 0
STAT before vmstat:balloon_migrate 0
STAT before vmstat:pgmigrate_success 2828
STAT before vmstat:pgmigrate_fail 2
STAT before vmstat:compact_migrate_scanned 10455
STAT before vmstat:compact_free_scanned 35597
STAT before vmstat:compact_isolated 6647
STAT before vmstat:pswpin 8
STAT before vmstat:pswpout 100032
STAT before kprobe:balloon_mops 0
STAT before kprobe:zsmalloc_mops 1486
STAT before zram:orig_pages 30815
STAT before zram:zsmalloc_pages 8503
STAT before meminfo:MemFree_kb 316444
STAT before meminfo:SwapUsed_kb 123512
PHASE compact uptime=11.37
PHASE compacted uptime=11.51
STAT after vmstat:balloon_inflate 35072
STAT after vmstat:balloon_deflate 0
STAT after vmstat:balloon_migrate 0
STAT after vmstat:pgmigrate_success 11143
STAT after vmstat:pgmigrate_fail 716
STAT after vmstat:compact_migrate_scanned 73942
STAT after vmstat:compact_free_scanned 59389
STAT after vmstat:compact_isolated 23991
STAT after vmstat:pswpin 13
STAT after vmstat:pswpout 100032
STAT after kprobe:balloon_mops 0
STAT after kprobe:zsmalloc_mops 9782
STAT after zram:orig_pages 30815
STAT after zram:zsmalloc_pages 8503
STAT after meminfo:MemFree_kb 314296
STAT after meminfo:SwapUsed_kb 123512
PHASE check uptime=11.62
CHECK pages=30782 bad=0 first_bad=-1 sum=80236a83bf476445
KMSG warnings=0 bugs=0
DONE uptime=12.31
