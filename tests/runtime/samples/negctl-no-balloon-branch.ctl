HELLO cpus=2 memtotal_kb=505368 memavail_kb=491360 uptime=1.24
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
STAT start meminfo:MemFree_kb 487680
STAT start meminfo:SwapUsed_kb 0
PHASE keeper uptime=1.43
PHASE filler uptime=3.03
PHASE balloon uptime=5.88
BALLOON 373
NOTE host says BALLOON-DONE 373
PHASE free uptime=8.41
STAT before vmstat:balloon_inflate 35584
STAT before vmstat:balloon_deflate 0
STAT before vmstat:balloon_migrate 0
STAT before vmstat:pgmigrate_success 0
STAT before vmstat:pgmigrate_fail 0
STAT before vmstat:compact_migrate_scanned 0
STAT before vmstat:compact_free_scanned 0
STAT before vmstat:compact_isolated 0
STAT before vmstat:pswpin 9
STAT before vmstat:pswpout 101061
STAT before kprobe:balloon_mops 0
STAT before kprobe:zsmalloc_mops 0
STAT before zram:orig_pages 30759
STAT before zram:zsmalloc_pages 8502
STAT before meminfo:MemFree_kb 312620
STAT before meminfo:SwapUsed_kb 123268
PHASE compact uptime=8.72
PHASE compacted uptime=8.79
STAT after vmstat:balloon_inflate 35584
STAT after vmstat:balloon_deflate 0
STAT after vmstat:balloon_migrate 0
STAT after vmstat:pgmigrate_success 8300
STAT after vmstat:pgmigrate_fail 714
STAT after vmstat:compact_migrate_scanned 61439
STAT after vmstat:compact_free_scanned 27716
STAT after vmstat:compact_isolated 17315
STAT after vmstat:pswpin 14
STAT after vmstat:pswpout 101061
STAT after kprobe:balloon_mops 0
STAT after kprobe:zsmalloc_mops 8279
STAT after zram:orig_pages 30759
STAT after zram:zsmalloc_pages 8502
STAT after meminfo:MemFree_kb 310528
STAT after meminfo:SwapUsed_kb 123268
PHASE check uptime=8.87
CHECK pages=30710 bad=0 first_bad=-1 sum=d505676e8be25085
KMSG warnings=0 bugs=0
DONE uptime=9.67
