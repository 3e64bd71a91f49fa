HELLO cpus=2 memtotal_kb=505368 memavail_kb=491576 uptime=1.39
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
STAT start meminfo:MemFree_kb 487320
STAT start meminfo:SwapUsed_kb 0
PHASE keeper uptime=1.58
PHASE filler uptime=2.96
PHASE balloon uptime=5.43
BALLOON 373
NOTE host says BALLOON-DONE 373
PHASE free uptime=8.22
STAT before vmstat:balloon_inflate 35584
STAT before vmstat:balloon_deflate 0
STAT before vmstat:balloon_migrate 309
STAT before vmstat:pgmigrate_success 1888
STAT before vmstat:pgmigrate_fail 2
STAT before vmstat:compact_migrate_scanned 7247
STAT before vmstat:compact_free_scanned 24066
STAT before vmstat:compact_isolated 3882
STAT before vmstat:pswpin 8
STAT before vmstat:pswpout 99266
STAT before kprobe:balloon_mops 309
STAT before kprobe:zsmalloc_mops 901
STAT before zram:orig_pages 30752
STAT before zram:zsmalloc_pages 8458
STAT before meminfo:MemFree_kb 310444
STAT before meminfo:SwapUsed_kb 123248
PHASE compact uptime=8.57
PHASE compacted uptime=8.75
STAT after vmstat:balloon_inflate 35584
STAT after vmstat:balloon_deflate 0
STAT after vmstat:balloon_migrate 6244
STAT after vmstat:pgmigrate_success 15954
STAT after vmstat:pgmigrate_fail 717
STAT after vmstat:compact_migrate_scanned 49230
STAT after vmstat:compact_free_scanned 69603
STAT after vmstat:compact_isolated 32909
STAT after vmstat:pswpin 13
STAT after vmstat:pswpout 99266
STAT after kprobe:balloon_mops 6244
STAT after kprobe:zsmalloc_mops 9017
STAT after zram:orig_pages 30752
STAT after zram:zsmalloc_pages 8458
STAT after meminfo:MemFree_kb 308408
STAT after meminfo:SwapUsed_kb 123248
PHASE check uptime=8.82
CHECK pages=30723 bad=0 first_bad=-1 sum=e57a5b5fc6d7b106
KMSG warnings=0 bugs=0
DONE uptime=9.63
