# SPDX-License-Identifier: GPL-2.0
"""Configure and build the small guest kernel, out of tree, incrementally.

The configuration is derived like verify's: tinyconfig plus a list of
options, each with its conjunctive dependencies (movops.kbuild.derive_config),
and every option checked to have ended up =y.  The derived .config is reused
as long as the option list and the revision's Kconfig files are unchanged.
"""
import hashlib
import json
import os
import shutil
import time
from pathlib import Path

from .common import CheckError, run_cmd

from movops import kbuild
from movops.tree import Tree

# What a booting guest needs, and why tinyconfig lacks it.
GUEST_OPTIONS = [
    "64BIT",                 # x86_64 guest
    "SMP",                   # run with 2 CPUs: concurrency in compaction/migration
    "PRINTK", "PRINTK_TIME", # the kernel log is half of the verdict
    "BUG",                   # without it WARN_ON()/BUG_ON() print nothing
    "TTY", "SERIAL_8250", "SERIAL_8250_CONSOLE",   # ttyS0 console, ttyS1 control line
    "BLK_DEV_INITRD", "RD_GZIP",                   # gzip initramfs
    "DEVTMPFS", "PROC_FS", "SYSFS",
    "SYSCTL", "PROC_SYSCTL",                       # /proc/sys/vm/compact_memory
    "BINFMT_ELF", "BINFMT_SCRIPT",                 # static test program, /init script
    "BLOCK",
    "PCI", "VIRTIO_MENU", "VIRTIO_PCI",
    # No ACPI: it would be a fifth of the build.  The guest ends with an
    # orderly 'reboot -f' (the keyboard controller reset), which QEMU run
    # with -no-reboot turns into its own exit; SMP works from the BIOS's MP
    # table (X86_MPPARSE, on in tinyconfig).
    "ADVISE_SYSCALLS",       # madvise(MADV_PAGEOUT) pushes the checked data into zram
]

# What exercises the rework, and what observes it.
REWORK_OPTIONS = [
    "COMPACTION", "MIGRATION",
    "MEMORY_BALLOON", "BALLOON_COMPACTION", "VIRTIO_BALLOON",
    "ZSMALLOC", "ZRAM", "SWAP",
    "VM_EVENT_COUNTERS",     # balloon_*, pgmigrate_*, compact_* in /proc/vmstat
    "DEBUG_VM",              # the kernel's own checks on movable pages
    "KPROBES", "KPROBE_EVENTS",   # count calls of each user's migrate callback
]

OPTIONS = GUEST_OPTIONS + REWORK_OPTIONS
BASE_TARGET = "tinyconfig"
ARCH_ARGS = ["ARCH=x86_64"]
IMAGE = "arch/x86/boot/bzImage"


def make_env(cache):
    """Environment for kernel builds: ccache under the cache, fixed build
    identity (so a relink does not differ only in a date)."""
    env = dict(os.environ)
    env.update({
        "CCACHE_DIR": str(Path(cache) / "ccache"),
        "CCACHE_NOHASHDIR": "1",
        "CCACHE_MAXSIZE": env.get("CCACHE_MAXSIZE", "5G"),
        "KBUILD_BUILD_TIMESTAMP": "Thu Jan  1 00:00:00 UTC 1970",
        "KBUILD_BUILD_USER": "movops",
        "KBUILD_BUILD_HOST": "runtime-check",
        "LC_ALL": "C",
    })
    return env


def make_args(jobs=None):
    jobs = jobs or os.cpu_count() or 2
    args = list(ARCH_ARGS)
    if shutil.which("ccache"):
        args.append("CC=ccache gcc")
    return args + [f"-j{jobs}"]


def config_key(src, commit):
    """Changes when the options or any Kconfig file of the revision change."""
    tree = Tree(src, commit)
    kconfigs = [f for f in tree.ls_files() if Path(f).name.startswith("Kconfig")]
    h = hashlib.sha256()
    h.update(json.dumps([BASE_TARGET, OPTIONS, ARCH_ARGS]).encode())
    h.update(tree.content_hash(kconfigs).encode())
    return h.hexdigest()[:16]


def configure(src, commit, build_dir, cache, log):
    """BUILD_DIR/.config for the guest; returns the config dict."""
    build_dir = Path(build_dir)
    stamp = build_dir / ".movops-config-key"
    key = config_key(src, commit)
    cfg = build_dir / ".config"
    if cfg.exists() and stamp.exists() and stamp.read_text().strip() == key:
        return kbuild.read_config(cfg)
    log(f"deriving the guest configuration ({BASE_TARGET} + {len(OPTIONS)} options)")
    build_dir.mkdir(parents=True, exist_ok=True)
    with open(build_dir / "movops-config.log", "w") as out:
        try:
            have, failed = kbuild.derive_config(
                src, build_dir, BASE_TARGET, OPTIONS, kbuild.Kconfig(Tree(src)),
                log=out, make_args=ARCH_ARGS)
        except RuntimeError as e:
            raise CheckError(f"configuring the guest kernel failed: {e}")
    if failed:
        raise CheckError("guest configuration: could not set "
                         + ", ".join(failed) + f" (see {build_dir}/movops-config.log)")
    stamp.write_text(key + "\n")
    return have


def build(src, build_dir, cache, log, timeout=1800, what="kernel build"):
    """make bzImage; returns (image path, seconds)."""
    build_dir = Path(build_dir)
    logfile = build_dir / "movops-build.log"
    logfile.write_text("")
    t0 = time.monotonic()
    run_cmd(["make", "-C", src, f"O={build_dir}", *make_args(), "bzImage"],
            timeout=timeout, env=make_env(cache), logfile=logfile, what=what)
    image = build_dir / IMAGE
    if not image.exists():
        raise CheckError(f"{what}: no {image} after make")
    return image, time.monotonic() - t0


def compiled_objects(build_dir, since):
    """Objects (re)compiled after SINCE (an epoch time): tells a cold build
    from an incremental one in the report."""
    n = 0
    for root, _, files in os.walk(build_dir):
        for f in files:
            if f.endswith(".o"):
                try:
                    if os.stat(os.path.join(root, f)).st_mtime >= since:
                        n += 1
                except OSError:
                    pass
    return n
