HELLO cpus=2 memtotal_kb=505208 memavail_kb=489712 uptime=5.17
MODULE zsmalloc loaded
MODULE lzo_compress loaded
MODULE lzo_decompress loaded
MODULE virtio_balloon loaded
MODULE zram loaded
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
STAT start meminfo:MemFree_kb 486152
STAT start meminfo:SwapUsed_kb 0
PHASE keeper uptime=5.44
PHASE filler uptime=13.57
PHASE balloon uptime=34.77
BALLOON 373
NOTE host says BALLOON-DONE 373
PHASE free uptime=71.74
STAT before vmstat:balloon_inflate 35584
STAT before vmstat:balloon_deflate 0
STAT before vmstat:balloon_migrate 0
STAT before vmstat:pgmigrate_success 0
STAT before vmstat:pgmigrate_fail 0
STAT before vmstat:compact_migrate_scanned 0
STAT before vmstat:compact_free_scanned 0
STAT before vmstat:compact_isolated 0
STAT before vmstat:pswpin 9
STAT before vmstat:pswpout 106133
STAT before kprobe:balloon_mops 0
STAT before kprobe:zsmalloc_mops 0
STAT before zram:orig_pages 30677
STAT before zram:zsmalloc_pages 8532
STAT before meminfo:MemFree_kb 311548
STAT before meminfo:SwapUsed_kb 122880
PHASE compact uptime=73.32
PHASE compacted uptime=74.30
STAT after vmstat:balloon_inflate 35584
STAT after vmstat:balloon_deflate 0
STAT after vmstat:balloon_migrate 5729
STAT after vmstat:pgmigrate_success 13944
STAT after vmstat:pgmigrate_fail 747
STAT after vmstat:compact_migrate_scanned 52223
STAT after vmstat:compact_free_scanned 45028
STAT after vmstat:compact_isolated 28836
STAT after vmstat:pswpin 14
STAT after vmstat:pswpout 106133
STAT after kprobe:balloon_mops 5729
STAT after kprobe:zsmalloc_mops 8198
STAT after zram:orig_pages 30677
STAT after zram:zsmalloc_pages 8532
STAT after meminfo:MemFree_kb 310048
STAT after meminfo:SwapUsed_kb 122880
PHASE check uptime=74.39
CHECK pages=30607 bad=0 first_bad=-1 sum=88096798a645c8f2
PHASE unload uptime=82.52
STEP swapoff ok
STEP reset:zram0 ok
STEP rmmod:zram ok
STEP rmmod:zsmalloc ok
STAT unloaded vmstat:balloon_inflate 35584
STAT unloaded vmstat:balloon_deflate 0
STAT unloaded vmstat:balloon_migrate 5729
STAT unloaded vmstat:pgmigrate_success 13944
STAT unloaded vmstat:pgmigrate_fail 747
STAT unloaded vmstat:compact_migrate_scanned 52223
STAT unloaded vmstat:compact_free_scanned 45028
STAT unloaded vmstat:compact_isolated 28836
STAT unloaded vmstat:pswpin 30644
STAT unloaded vmstat:pswpout 106133
PHASE recompact uptime=83.01
PHASE recompacted uptime=83.11
STAT recompacted vmstat:balloon_inflate 35584
STAT recompacted vmstat:balloon_deflate 0
STAT recompacted vmstat:balloon_migrate 5729
STAT recompacted vmstat:pgmigrate_success 13944
STAT recompacted vmstat:pgmigrate_fail 934
STAT recompacted vmstat:compact_migrate_scanned 54270
STAT recompacted vmstat:compact_free_scanned 56227
STAT recompacted vmstat:compact_isolated 29697
STAT recompacted vmstat:pswpin 30644
STAT recompacted vmstat:pswpout 106133
PHASE reload uptime=83.96
STEP insmod:zsmalloc error Device or resource busy
STEP rmmod:zsmalloc error No such file or directory
PHASE unload-late uptime=84.11
STEP rmmod:virtio_balloon ok
STEP rmmod:lzo_decompress ok
STEP rmmod:lzo_compress ok
KMSG warnings=0 bugs=0
DONE uptime=84.58
