HELLO cpus=2 memtotal_kb=505208 memavail_kb=491172 uptime=3.69
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
STAT start meminfo:MemFree_kb 487604
STAT start meminfo:SwapUsed_kb 0
PHASE keeper uptime=4.02
PHASE filler uptime=10.90
PHASE balloon uptime=26.48
BALLOON 373
NOTE host says BALLOON-DONE 373
PHASE free uptime=45.57
STAT before vmstat:balloon_inflate 35584
STAT before vmstat:balloon_deflate 0
STAT before vmstat:balloon_migrate 0
STAT before vmstat:pgmigrate_success 1952
STAT before vmstat:pgmigrate_fail 1
STAT before vmstat:compact_migrate_scanned 9382
STAT before vmstat:compact_free_scanned 22318
STAT before vmstat:compact_isolated 3968
STAT before vmstat:pswpin 10
STAT before vmstat:pswpout 103558
STAT before kprobe:balloon_mops 0
STAT before kprobe:zsmalloc_mops 786
STAT before zram:orig_pages 30740
STAT before zram:zsmalloc_pages 8516
STAT before meminfo:MemFree_kb 309816
STAT before meminfo:SwapUsed_kb 123188
PHASE compact uptime=46.65
PHASE compacted uptime=46.97
STAT after vmstat:balloon_inflate 35584
STAT after vmstat:balloon_deflate 0
STAT after vmstat:balloon_migrate 5600
STAT after vmstat:pgmigrate_success 15550
STAT after vmstat:pgmigrate_fail 750
STAT after vmstat:compact_migrate_scanned 58533
STAT after vmstat:compact_free_scanned 66326
STAT after vmstat:compact_isolated 32584
STAT after vmstat:pswpin 15
STAT after vmstat:pswpout 103558
STAT after kprobe:balloon_mops 5600
STAT after kprobe:zsmalloc_mops 8768
STAT after zram:orig_pages 30740
STAT after zram:zsmalloc_pages 8516
STAT after meminfo:MemFree_kb 312024
STAT after meminfo:SwapUsed_kb 123188
PHASE check uptime=47.06
CHECK pages=30698 bad=0 first_bad=-1 sum=e910a1d79253c833
PHASE unload uptime=50.10
STEP swapoff ok
STEP reset:zram0 ok
STEP rmmod:zram ok
STEP rmmod:zsmalloc ok
STAT unloaded vmstat:balloon_inflate 35584
STAT unloaded vmstat:balloon_deflate 0
STAT unloaded vmstat:balloon_migrate 5600
STAT unloaded vmstat:pgmigrate_success 15550
STAT unloaded vmstat:pgmigrate_fail 750
STAT unloaded vmstat:compact_migrate_scanned 58533
STAT unloaded vmstat:compact_free_scanned 66326
STAT unloaded vmstat:compact_isolated 32584
STAT unloaded vmstat:pswpin 30735
STAT unloaded vmstat:pswpout 103558
PHASE recompact uptime=51.91
PHASE recompacted uptime=52.09
STAT recompacted vmstat:balloon_inflate 35584
STAT recompacted vmstat:balloon_deflate 0
STAT recompacted vmstat:balloon_migrate 5600
STAT recompacted vmstat:pgmigrate_success 15550
STAT recompacted vmstat:pgmigrate_fail 936
STAT recompacted vmstat:compact_migrate_scanned 60580
STAT recompacted vmstat:compact_free_scanned 80507
STAT recompacted vmstat:compact_isolated 33445
STAT recompacted vmstat:pswpin 30735
STAT recompacted vmstat:pswpout 103558
PHASE fault uptime=52.79
STEP insmod:movfault ok
FAULT zsmalloc error Device or resource busy
FAULT-DONE left=0
STEP rmmod:movfault ok
PHASE reload uptime=53.21
STEP insmod:zsmalloc ok
STEP rmmod:zsmalloc ok
PHASE unload-late uptime=53.37
STEP rmmod:virtio_balloon ok
STEP rmmod:lzo_decompress ok
STEP rmmod:lzo_compress ok
KMSG warnings=0 bugs=0
DONE uptime=53.77
