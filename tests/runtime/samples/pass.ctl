HELLO cpus=2 memtotal_kb=503148 memavail_kb=486600 uptime=1.57
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
STAT start meminfo:MemFree_kb 483256
STAT start meminfo:SwapUsed_kb 0
PHASE keeper uptime=1.76
PHASE filler uptime=3.47
PHASE balloon uptime=7.61
BALLOON 343
NOTE host says BALLOON-DONE 343
PHASE free uptime=14.21
STAT before vmstat:balloon_inflate 43264
STAT before vmstat:balloon_deflate 0
STAT before vmstat:balloon_migrate 662
STAT before vmstat:pgmigrate_success 9872
STAT before vmstat:pgmigrate_fail 0
STAT before vmstat:compact_migrate_scanned 13895
STAT before vmstat:compact_free_scanned 29660
STAT before vmstat:compact_isolated 19762
STAT before vmstat:pswpin 9
STAT before vmstat:pswpout 113243
STAT before kprobe:balloon_mops 662
STAT before kprobe:zsmalloc_mops 4749
STAT before zram:orig_pages 30425
STAT before zram:zsmalloc_pages 8410
STAT before meminfo:MemFree_kb 279912
STAT before meminfo:SwapUsed_kb 121844
PHASE compact uptime=14.62
PHASE compacted uptime=14.97
STAT after vmstat:balloon_inflate 43264
STAT after vmstat:balloon_deflate 0
STAT after vmstat:balloon_migrate 14706
STAT after vmstat:pgmigrate_success 29810
STAT after vmstat:pgmigrate_fail 715
STAT after vmstat:compact_migrate_scanned 62022
STAT after vmstat:compact_free_scanned 81857
STAT after vmstat:compact_isolated 61007
STAT after vmstat:pswpin 14
STAT after vmstat:pswpout 113243
STAT after kprobe:balloon_mops 14706
STAT after kprobe:zsmalloc_mops 10599
STAT after zram:orig_pages 30425
STAT after zram:zsmalloc_pages 8410
STAT after meminfo:MemFree_kb 278808
STAT after meminfo:SwapUsed_kb 121844
PHASE check uptime=15.12
CHECK pages=30412 bad=0 first_bad=-1 sum=487a6d53c2c9149b
KMSG warnings=0 bugs=0
DONE uptime=15.93
