#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the movops runtime-check guest (busybox sh).  Mounts what the
# test program needs, runs it, and powers the guest off whatever happens, so
# the host sees QEMU end by itself.  'poweroff -f' goes straight to the
# kernel's power-off (ACPI S5): the kernel prints "reboot: Power down" and
# QEMU exits with status 0, which is what the verdict requires.  A guest
# that does not get here is killed by the host's timeout and reported as
# failing.

/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox mount -t tracefs tracefs /sys/kernel/tracing

echo "movops-init: reached init, running /bin/movtest"
# The modular guest's initramfs lists its modules, in the order
# modules.dep gives (each after what it needs); movtest reports which of
# them are loaded, and removes them at the end.
if [ -f /etc/movops-modules ]; then
	echo "<5>movops: phase modules" > /dev/kmsg
	while read -r mod; do
		/bin/insmod "$mod" || echo "movops-init: insmod $mod failed"
	done < /etc/movops-modules
fi
/bin/movtest
echo "movops-init: movtest exited with status $?"
/bin/busybox sync
/bin/busybox poweroff -f
# poweroff -f does not return (a kernel that cannot power off halts
# instead); if it did, stop here rather than panic.
exec /bin/busybox sleep 3600
