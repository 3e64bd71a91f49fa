// SPDX-License-Identifier: GPL-2.0
/*
 * movfault - guest-side kernel module of the movops runtime check: the
 * registration fault.
 *
 * Loaded while a movable_ops user's module is not, it registers movable_ops
 * of its own for that user's page type, MOVFAULT_TYPE: the constant the
 * user's set_movable_ops() call names, given at build time
 * (scripts/bootcheck/fault.py builds it against the guest's kernel).  The
 * user's set_movable_ops() then fails with -EBUSY, and with it the load of
 * its module: the test program (movtest.c) looks at what that failed load
 * left behind, then removes this module, which gives the type up again.
 *
 * Its ops are never called: no page of the type exists while the user's
 * module is not loaded.
 *
 * With MOVFAULT_ZPOOL (the type name of the zpool driver the user's init
 * registers) and a kernel with zpool, reading its parameter "zpool" says
 * whether a driver of that type is registered: "zsmalloc 0" after a
 * failed load that left nothing behind.
 */
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/migrate.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>

#ifndef MOVFAULT_TYPE
#error "build with -DMOVFAULT_TYPE=<the page type constant the user registers>"
#endif

static const struct movable_operations movfault_mops;

#if defined(MOVFAULT_ZPOOL) && IS_ENABLED(CONFIG_ZPOOL)
#include <linux/zpool.h>

static char movfault_zpool[] = MOVFAULT_ZPOOL;

/*
 * zpool_has_pool() asks modprobe for "zpool-<type>" when no driver of the
 * type is registered; the guest has no modprobe, so that asks nothing.  A
 * driver that a failed load left registered lies in the module's freed
 * memory, and reading it makes the kernel complain: the reader is a child
 * of the test program.
 */
static int movfault_zpool_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s %d\n", movfault_zpool, zpool_has_pool(movfault_zpool));
}

static const struct kernel_param_ops movfault_zpool_ops = {
	.get = movfault_zpool_get,
};
module_param_cb(zpool, &movfault_zpool_ops, NULL, 0444);
#endif

static int __init movfault_init(void)
{
	int err = set_movable_ops(&movfault_mops, MOVFAULT_TYPE);

	pr_notice("movfault: holding the movable_ops of %s: %d\n",
		  __stringify(MOVFAULT_TYPE), err);
	return err;
}

static void __exit movfault_exit(void)
{
	set_movable_ops(NULL, MOVFAULT_TYPE);
}

module_init(movfault_init);
module_exit(movfault_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("movops runtime check: holds the movable_ops of a page type");
