# SPDX-License-Identifier: GPL-2.0
"""Configure and build the small guest kernel, out of tree, incrementally.

The configuration is derived like verify's: tinyconfig plus a list of
options, each with its conjunctive dependencies (movops.kbuild.derive_config),
and every option checked to have ended up =y.  The derived .config is reused
as long as the option list and the revision's Kconfig files are unchanged.
"""
import hashlib
import json
import shutil
from pathlib import Path

from core import fingerprint as code
from core.errors import EnvironmentFailure
from core.paths import write_whole
from core.proc import run_long
from kbuildengine import image
from kbuildengine.targets import HOST, TARGETS
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
    # ACPI: the guest powers itself off ('poweroff -f': the kernel enters S5
    # through the FADT's PM1 control registers, prints "reboot: Power
    # down", and QEMU exits with status 0), and its CPUs are found in the
    # MADT, whatever QEMU's CPU topology (see guest.py).  ACPICA is most of
    # what ACPI adds to the build; DISABLE keeps out the rest it would
    # bring along.
    "ACPI",
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

# The two guests.  "builtin" has every option above =y.  "modular" is the
# configuration distributions ship (Debian's cloud-amd64: ZSMALLOC=m,
# ZRAM=m, VIRTIO_BALLOON=m), in which a dispatch compiled under
# '#if defined(CONFIG_ZSMALLOC)' loses its zsmalloc branch; the balloon's
# ops (BALLOON_COMPACTION, a bool) stay in the kernel.  MODULE_UNLOAD: the
# guest removes the modules again, which is what proves that their exit
# path gives up what their init registered.
#
# Both have module support.  The modular guest's build starts as a copy of
# the built-in one's; with MODULES the same in both, the objects that
# y -> m rebuilds (mmzone.h tests IS_ENABLED(CONFIG_ZSMALLOC), so about
# 830 of 1040) preprocess to the same text and come from ccache, where
# MODULES=n in one of them would recompile nearly the whole kernel: about
# eight minutes of a fresh machine's runtime layer.  MODULES=n is left to
# verify's configuration-space proof.
MODULE_SUPPORT = ["MODULES", "MODULE_UNLOAD"]
AS_MODULES = ["ZSMALLOC", "ZRAM", "VIRTIO_BALLOON"]
# Where make modules_install puts the modules, inside the build directory.
MODULES_STAGING = image.MODULES_STAGING


# The modular guest's CONFIG_ZPOOL, for the registration fault: a failed
# load of zsmalloc must not leave its zpool driver registered either, and
# zs_init() registers one only with CONFIG_ZPOOL, which only zswap
# selects.  zswap's default allocator is zbud, not the choice's default
# zsmalloc, which would select ZSMALLOC=y.  zswap stays disabled (its
# pool is made when it is enabled).  A tree without that choice (zbud went
# in v6.15, and zswap then selects zsmalloc) gets no zswap.
#
# The built-in guest has them too, though it loads nothing: CONFIG_ZSWAP
# adds entries to enum vm_event_item (vm_event_item.h, which most of the
# kernel includes), so zswap in one guest only would make the modular
# build's y -> m objects preprocess differently from the built-in ones and
# miss ccache: 873 objects, 509 s where they came from ccache in 197 s.
ZPOOL_OPTIONS = ["ZSWAP", "ZSWAP_ZPOOL_DEFAULT_ZBUD"]


def zpool_options(tree):
    """ZPOOL_OPTIONS where TREE (a movops.tree.Tree) can have them, else []."""
    text = tree.read("mm/Kconfig") or ""
    return list(ZPOOL_OPTIONS) if "\nconfig ZSWAP_ZPOOL_DEFAULT_ZBUD\n" in text else []


def guest_options(guest, tree=None):
    """(options =y, options =m) of GUEST's configuration, in TREE (a
    movops.tree.Tree: both guests' zpool options, zpool_options())."""
    zpool = zpool_options(tree) if tree is not None else []
    if guest == "builtin":
        return list(OPTIONS) + MODULE_SUPPORT + zpool, []
    if guest == "modular":
        return ([o for o in OPTIONS if o not in AS_MODULES] + MODULE_SUPPORT
                + zpool), list(AS_MODULES)
    raise ValueError(f"unknown guest {guest}")

# Options that come on by default with the ones above but do nothing for a
# guest with a serial console and no devices but a balloon: about 80 of the
# ~900 objects before ACPI, a tenth of a cold build, and 35 of what ACPI
# brings.  They stay off whatever the tree's defaults say; an option a tree
# does not have counts as off.
DISABLE = [
    "RD_BZIP2", "RD_LZMA", "RD_XZ", "RD_LZO", "RD_LZ4", "RD_ZSTD",  # the initramfs is gzip
    "VT", "INPUT", "SERIO", "HID_SUPPORT",       # no keyboard, screen or mouse
    "SCHED_MC_PRIO", "CPU_FREQ",                 # SCHED_MC_PRIO selects CPU_FREQ
    "PERF_EVENTS_INTEL_UNCORE", "PERF_EVENTS_INTEL_RAPL", "PERF_EVENTS_INTEL_CSTATE",
    "UPROBE_EVENTS", "UPROBES",                  # kprobe events are enough
    "INTEL_MEI", "VGA_ARB", "PCIEASPM",
    "SERIAL_8250_PCI", "SERIAL_8250_EXAR", "SERIAL_8250_LPSS", "SERIAL_8250_MID",
    "SERIAL_8250_PERICOM",                       # ttyS0/ttyS1 are the legacy ports
    # What ACPI turns on by default, unused by a guest that only needs its
    # tables (MADT, FADT) and S5.  On 6.12, ACPI adds 252 objects to the
    # 725 of the kernel without it, 217 with these off (156 are ACPICA).
    "ACPI_PROCESSOR", "CPU_IDLE",                # idle states, throttling (CPUs: MADT)
    "ACPI_THERMAL", "THERMAL", "ACPI_FAN",       # no thermal zones or fans
    "ACPI_AC", "ACPI_BATTERY",                   # nor a power supply
    "ACPI_TABLE_UPGRADE", "ACPI_SPCR_TABLE",     # QEMU's tables as they are; console= given
    "PCI_MMCONFIG",                              # -machine pc (i440FX) has no MCFG
    "SERIAL_8250_PNP",                           # legacy ports, as without ACPI
    "X86_PM_TIMER",                              # timekeeping as without ACPI
    "X86_MPPARSE",                               # no MP table fallback: CPUs from the MADT only
]
BASE_TARGET = "tinyconfig"
# The guests' target (kbuildengine.targets): its make variables and image.
TARGET = TARGETS[HOST]
ARCH_ARGS = TARGET.make_vars()
IMAGE = TARGET.image


def config_key(src, commit, guest="builtin"):
    """Changes when the options, any Kconfig file of the revision or the
    code that derives the configuration (kbuild.derive_config) change."""
    tree = Tree(src, commit)
    kconfigs = [f for f in tree.ls_files() if Path(f).name.startswith("Kconfig")]
    h = hashlib.sha256()
    spec = [BASE_TARGET, OPTIONS, DISABLE, ARCH_ARGS, code.fingerprint(["movops.kbuild"]),
            list(guest_options(guest, tree))]
    h.update(json.dumps(spec).encode())
    h.update(tree.content_hash(kconfigs).encode())
    return h.hexdigest()[:16]


def derive(src, commit, cache, log, guest="builtin"):
    """The stored configuration of GUEST for SRC at COMMIT: derived once,
    then kept in CACHE/configs by key, so switching between revisions
    (base and converted) does not derive again.

    A derivation is ~20 s of Kconfig evaluation on one core (make
    tinyconfig and olddefconfig each run the compiler for every cc-option
    of the Kconfig files), so check.run() derives the guests'
    configurations side by side.  Two derivations of different keys may
    run at once; each works in a scratch directory of its own.
    """
    key = config_key(src, commit, guest)
    store = Path(cache) / "configs"
    stored = store / f"{key}.config"
    if not stored.exists():
        want, modules = guest_options(guest, Tree(src, commit))
        log(f"deriving the {guest} guest's configuration ({BASE_TARGET} + "
            f"{len(want)} options =y" + (f", {len(modules)} =m" if modules else "") + ")")
        scratch = store / f"scratch-{key}"
        if scratch.exists():
            shutil.rmtree(scratch)
        scratch.mkdir(parents=True)
        with open(store / f"{key}.log", "w") as out:
            try:
                _, failed = kbuild.derive_config(
                    src, scratch, BASE_TARGET, want, kbuild.Kconfig(Tree(src)),
                    disable=DISABLE, log=out, make_args=ARCH_ARGS, modules=modules,
                    until_met=True)
            except RuntimeError as e:
                raise EnvironmentFailure(f"configuring the guest kernel failed: {e}")
        if failed:
            raise EnvironmentFailure(f"{guest} guest configuration: could not set (or turn off) "
                                     + ", ".join(failed)
                                     + f" (see {store}/{key}.log)")
        write_whole(stored, (scratch / ".config").read_bytes())
        shutil.rmtree(scratch, ignore_errors=True)
        _prune(store, keep=8)
    return stored


def configure(build_dir, stored, log):
    """BUILD_DIR/.config from STORED (what derive() returned); returns the
    config dict.  The build directory's .config is only rewritten when its
    content changes."""
    build_dir = Path(build_dir)
    want = Path(stored).read_bytes()
    cfg = build_dir / ".config"
    build_dir.mkdir(parents=True, exist_ok=True)
    if not cfg.exists() or cfg.read_bytes() != want:
        if cfg.exists():
            log("  the derived configuration differs from the build directory's; updating it")
        cfg.write_bytes(want)
    return kbuild.read_config(cfg)


def _prune(store, keep):
    configs = sorted(store.glob("*.config"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in configs[keep:]:
        for p in (old, old.with_suffix(".log")):
            p.unlink(missing_ok=True)   # the other derivation may prune it too


# A cold build takes 4 to 5 minutes on 2 idle cores, but over 30 on the same
# cores shared with two other kernel builds: the limit is for a build that
# hangs, not for a busy machine.
BUILD_TIMEOUT = 3600


# The builds themselves are the kernel build engine's (kbuildengine.image:
# the target's make variables and image, ccache, modules_install, copies
# of a build directory); the guest's commands run through run_long.

def build(src, build_dir, cache, log, timeout=BUILD_TIMEOUT, what="kernel build",
          identity=None, modules=False):
    """make the guest's image (and with MODULES, the modules, installed into
    BUILD_DIR/MODULES_STAGING); returns (image path, seconds, ran make).
    See kbuildengine.image.build()."""
    return image.build(src, build_dir, cache, log, run_long, timeout, what=what,
                       identity=identity, modules=modules, target=TARGET)


config_digest = image.config_digest
seed_build_dir = image.seed_build_dir
compiled_objects = image.compiled_objects
