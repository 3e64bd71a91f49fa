#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the movops runtime-check guest (busybox sh).  Mounts what the
# test program needs, runs it, and shuts the guest down whatever happens, so
# the host sees QEMU end by itself.  The kernel has no ACPI, so the orderly
# shutdown is 'reboot -f' (the kernel prints "reboot: Restarting system"),
# which QEMU, started with -no-reboot, turns into its exit.  A guest that
# does not get here is killed by the host's timeout and reported as failing.

/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox mount -t tracefs tracefs /sys/kernel/tracing

echo "movops-init: reached init, running /bin/movtest"
/bin/movtest
echo "movops-init: movtest exited with status $?"
/bin/busybox sync
/bin/busybox reboot -f
# reboot -f does not return; if it did, stop here rather than panic.
exec /bin/busybox sleep 3600
