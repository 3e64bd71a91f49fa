HELLO cpus=2 memtotal_kb=505208 memavail_kb=491280 uptime=2.91
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
STAT start meminfo:MemFree_kb 487456
STAT start meminfo:SwapUsed_kb 0
PHASE keeper uptime=3.65
PHASE filler uptime=7.79
PHASE balloon uptime=20.20
BALLOON 373
NOTE host says BALLOON-DONE 373
PHASE free uptime=32.88
STAT before vmstat:balloon_inflate 35584
STAT before vmstat:balloon_deflate 0
STAT before vmstat:balloon_migrate 0
STAT before vmstat:pgmigrate_success 0
STAT before vmstat:pgmigrate_fail 0
STAT before vmstat:compact_migrate_scanned 0
STAT before vmstat:compact_free_scanned 0
STAT before vmstat:compact_isolated 0
STAT before vmstat:pswpin 3
STAT before vmstat:pswpout 103550
STAT before kprobe:balloon_mops 0
STAT before kprobe:zsmalloc_mops 0
STAT before zram:orig_pages 30741
STAT before zram:zsmalloc_pages 8487
STAT before meminfo:MemFree_kb 312648
STAT before meminfo:SwapUsed_kb 123224
PHASE compact uptime=33.54
PHASE compacted uptime=33.94
STAT after vmstat:balloon_inflate 35584
STAT after vmstat:balloon_deflate 0
STAT after vmstat:balloon_migrate 5566
STAT after vmstat:pgmigrate_success 13850
STAT after vmstat:pgmigrate_fail 749
STAT after vmstat:compact_migrate_scanned 46079
STAT after vmstat:compact_free_scanned 45027
STAT after vmstat:compact_isolated 28490
STAT after vmstat:pswpin 7
STAT after vmstat:pswpout 103550
STAT after kprobe:balloon_mops 5566
STAT after kprobe:zsmalloc_mops 8269
STAT after zram:orig_pages 30741
STAT after zram:zsmalloc_pages 8487
STAT after meminfo:MemFree_kb 311940
STAT after meminfo:SwapUsed_kb 123224
PHASE check uptime=34.04
CHECK pages=30705 bad=0 first_bad=-1 sum=a695a6e7882ad99e
PHASE unload uptime=36.28
STEP swapoff ok
STEP reset:zram0 ok
STEP rmmod:zram ok
STEP rmmod:zsmalloc ok
STAT unloaded vmstat:balloon_inflate 35584
STAT unloaded vmstat:balloon_deflate 0
STAT unloaded vmstat:balloon_migrate 5566
STAT unloaded vmstat:pgmigrate_success 13850
STAT unloaded vmstat:pgmigrate_fail 749
STAT unloaded vmstat:compact_migrate_scanned 46079
STAT unloaded vmstat:compact_free_scanned 45027
STAT unloaded vmstat:compact_isolated 28490
STAT unloaded vmstat:pswpin 30733
STAT unloaded vmstat:pswpout 103550
PHASE recompact uptime=36.52
PHASE recompacted uptime=36.62
STAT recompacted vmstat:balloon_inflate 35584
STAT recompacted vmstat:balloon_deflate 0
STAT recompacted vmstat:balloon_migrate 5566
STAT recompacted vmstat:pgmigrate_success 14610
STAT recompacted vmstat:pgmigrate_fail 1498
STAT recompacted vmstat:compact_migrate_scanned 53246
STAT recompacted vmstat:compact_free_scanned 54606
STAT recompacted vmstat:compact_isolated 30938
STAT recompacted vmstat:pswpin 30733
STAT recompacted vmstat:pswpout 103550
PHASE fault uptime=36.67
STEP insmod:movfault error Device or resource busy
FAULT zsmalloc error Device or resource busy
FAULT-DONE left=0
STEP rmmod:movfault error No such file or directory
PHASE reload uptime=36.77
STEP insmod:zsmalloc error Device or resource busy
STEP rmmod:zsmalloc error No such file or directory
PHASE unload-late uptime=36.80
STEP rmmod:virtio_balloon ok
STEP rmmod:lzo_decompress ok
STEP rmmod:lzo_compress ok
KMSG warnings=0 bugs=0
DONE uptime=37.31
