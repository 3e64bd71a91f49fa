HELLO cpus=2 memtotal_kb=505208 memavail_kb=489716 uptime=5.39
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
STAT start meminfo:MemFree_kb 486168
STAT start meminfo:SwapUsed_kb 0
PHASE keeper uptime=6.04
PHASE filler uptime=11.54
PHASE balloon uptime=31.97
BALLOON 373
NOTE host says BALLOON-DONE 374
PHASE free uptime=54.19
STAT before vmstat:balloon_inflate 35584
STAT before vmstat:balloon_deflate 0
STAT before vmstat:balloon_migrate 14
STAT before vmstat:pgmigrate_success 1514
STAT before vmstat:pgmigrate_fail 1
STAT before vmstat:compact_migrate_scanned 8383
STAT before vmstat:compact_free_scanned 19240
STAT before vmstat:compact_isolated 3344
STAT before vmstat:pswpin 8
STAT before vmstat:pswpout 104314
STAT before kprobe:balloon_mops 14
STAT before kprobe:zsmalloc_mops 442
STAT before zram:orig_pages 30634
STAT before zram:zsmalloc_pages 8449
STAT before meminfo:MemFree_kb 310524
STAT before meminfo:SwapUsed_kb 122840
PHASE compact uptime=58.49
PHASE compacted uptime=60.70
STAT after vmstat:balloon_inflate 35584
STAT after vmstat:balloon_deflate 0
STAT after vmstat:balloon_migrate 7381
STAT after vmstat:pgmigrate_success 16994
STAT after vmstat:pgmigrate_fail 748
STAT after vmstat:compact_migrate_scanned 61630
STAT after vmstat:compact_free_scanned 64007
STAT after vmstat:compact_isolated 35787
STAT after vmstat:pswpin 13
STAT after vmstat:pswpout 104314
STAT after kprobe:balloon_mops 7381
STAT after kprobe:zsmalloc_mops 8541
STAT after zram:orig_pages 30634
STAT after zram:zsmalloc_pages 8449
STAT after meminfo:MemFree_kb 311180
STAT after meminfo:SwapUsed_kb 122840
PHASE check uptime=60.80
CHECK pages=30607 bad=0 first_bad=-1 sum=88096798a645c8f2
PHASE unload uptime=69.38
STEP swapoff ok
STEP reset:zram0 ok
STEP rmmod:zram ok
STEP rmmod:zsmalloc ok
STAT unloaded vmstat:balloon_inflate 35584
STAT unloaded vmstat:balloon_deflate 0
STAT unloaded vmstat:balloon_migrate 7381
STAT unloaded vmstat:pgmigrate_success 16994
STAT unloaded vmstat:pgmigrate_fail 748
STAT unloaded vmstat:compact_migrate_scanned 61630
STAT unloaded vmstat:compact_free_scanned 64007
STAT unloaded vmstat:compact_isolated 35787
STAT unloaded vmstat:pswpin 30641
STAT unloaded vmstat:pswpout 104314
PHASE recompact uptime=71.18
PHASE recompacted uptime=71.20
STAT recompacted vmstat:balloon_inflate 35584
STAT recompacted vmstat:balloon_deflate 0
STAT recompacted vmstat:balloon_migrate 7381
STAT recompacted vmstat:pgmigrate_success 16994
STAT recompacted vmstat:pgmigrate_fail 1118
STAT recompacted vmstat:compact_migrate_scanned 63677
STAT recompacted vmstat:compact_free_scanned 80443
STAT recompacted vmstat:compact_isolated 36848
STAT recompacted vmstat:pswpin 30641
STAT recompacted vmstat:pswpout 104314
PHASE reload uptime=71.88
STEP insmod:zsmalloc ok
STEP rmmod:zsmalloc ok
PHASE unload-late uptime=72.43
STEP rmmod:virtio_balloon ok
STEP rmmod:lzo_decompress ok
STEP rmmod:lzo_compress ok
KMSG warnings=0 bugs=0
DONE uptime=73.50
