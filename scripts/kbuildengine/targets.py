# SPDX-License-Identifier: GPL-2.0
"""The build targets: an architecture and a compiler, one entry each.

A target is data: the make variables that select it (ARCH=,
CROSS_COMPILE=, LLVM=1), the compiler kbuild calls as CC (the engine puts
its diagnostics wrapper, and distcc when asked, in front of it), the
Debian packages of its toolchain (a purpose of core.deps), and what a
configuration of it starts from.  Adding a target is adding an entry to
TARGETS; nothing else names architectures.

The build bots a kernel series meets build more than the developer's own
machine: 0-day i386 and arm64 among its configurations, netdev's NIPA
clang (LLVM=1) and ARCH=i386, KernelCI gcc and clang on arm64 and x86.
The entries below are those of the movable_ops users: x86 (VMware's
balloon), powerpc pseries (CMM, the collaborative memory manager), and
arm64 and i386 for the 64/32-bit and architecture differences of the
core files.
"""
import re
import shutil
from dataclasses import dataclass, field

from core import deps


@dataclass(frozen=True)
class Target:
    name: str
    arch: str                   # ARCH= (kbuild's, e.g. i386 for 32-bit x86)
    srcarch: str                # the directory under arch/
    cc: str                     # the C compiler kbuild calls, without any wrapper
    cross_compile: str = ""     # CROSS_COMPILE=, the binutils' (and gcc's) prefix
    llvm: bool = False          # LLVM=1: clang, ld.lld and the llvm binutils
    toolchain: str = ""         # the core.deps purpose of its packages ('' = the host's)
    defconfig: str = "defconfig"
    # The Kconfig symbol only a configuration of this architecture sets =y
    # (verify refuses a --config of another target's before any work).
    config_symbol: str = ""
    # Kconfig symbols no configuration of this target can set (what
    # ARCH= fixes: 64BIT on i386): an option that depends on one is not
    # this target's to build (mm/memory_hotplug.c on i386 since v5.18).
    fixed_off: tuple = ()
    # What a booting guest of this target needs (bootcheck); None where
    # the runtime check cannot boot it.
    image: str = ""
    qemu: str = ""
    note: str = ""

    def make_vars(self):
        """The make variables that select the target (CC is the engine's)."""
        out = [f"ARCH={self.arch}"]
        if self.cross_compile:
            out.append(f"CROSS_COMPILE={self.cross_compile}")
        if self.llvm:
            out.append("LLVM=1")
        return out

    def packages(self):
        return deps.packages(self.toolchain) if self.toolchain else []

    def spec(self):
        """What a cache key needs of the target: everything that changes
        what its builds produce."""
        return {"name": self.name, "vars": self.make_vars(), "cc": self.cc,
                "defconfig": self.defconfig}


TARGETS = {t.name: t for t in (
    Target("x86_64-gcc", "x86_64", "x86", "gcc", config_symbol="X86_64",
           image="arch/x86/boot/bzImage", qemu="qemu-system-x86_64",
           note="the host's compiler"),
    Target("x86_64-clang", "x86_64", "x86", "clang", llvm=True, toolchain="toolchain-llvm",
           config_symbol="X86_64", note="LLVM=1, as NIPA and KernelCI build"),
    Target("i386-gcc", "i386", "x86", "gcc", config_symbol="X86_32", fixed_off=("64BIT",),
           note="32-bit x86 with the host's gcc (-m32), as 0-day and NIPA build"),
    Target("arm64-gcc", "arm64", "arm64", "aarch64-linux-gnu-gcc",
           cross_compile="aarch64-linux-gnu-", toolchain="toolchain-arm64",
           config_symbol="ARM64"),
    Target("powerpc64le-gcc", "powerpc", "powerpc", "powerpc64le-linux-gnu-gcc",
           cross_compile="powerpc64le-linux-gnu-", toolchain="toolchain-powerpc64le",
           defconfig="ppc64le_defconfig", config_symbol="PPC64",
           note="pseries (ppc64le_defconfig), where CONFIG_CMM lives"),
)}

# The target of every build that names none: the one the checks before
# targets existed built, and the runtime check's guests.
HOST = "x86_64-gcc"


@dataclass
class Availability:
    target: Target
    ok: bool
    why: str = ""               # why not, when not
    installed: list = field(default_factory=list)   # packages installed for it now


def missing_tools(target):
    """The commands of TARGET's toolchain not found on PATH."""
    tools = [target.cc]
    if target.llvm:
        tools += ["ld.lld", "llvm-objcopy", "llvm-ar", "llvm-nm"]
    elif target.cross_compile:
        tools += [target.cross_compile + t for t in ("ld", "objcopy", "ar", "nm")]
    return [t for t in tools if shutil.which(t) is None]


def available(target, install=True, log=print):
    """Whether TARGET can be built here: its compiler and binutils are on
    PATH, after installing its packages (core.deps) when INSTALL."""
    gone = missing_tools(target)
    if not gone:
        return Availability(target, True)
    pkgs = target.packages()
    if install and pkgs:
        want = deps.missing(pkgs)
        if want and deps.ensure(target.toolchain, log=log):
            gone = missing_tools(target)
            if not gone:
                return Availability(target, True, installed=want)
    how = f" (Debian packages {', '.join(pkgs)})" if pkgs else ""
    return Availability(target, False, f"{', '.join(gone)} not found{how}; install them "
                        f"with 'scripts/py -m core.deps {target.toolchain or 'build'}'")


def parse(text):
    """[Target] of a --targets value: names separated by commas, or 'all'.
    Raises ValueError naming an unknown one."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    if names == ["all"]:
        return list(TARGETS.values())
    unknown = [n for n in names if n not in TARGETS]
    if unknown or not names:
        raise ValueError(f"unknown target {', '.join(unknown) or repr(text)}; "
                         f"known: {', '.join(TARGETS)} (or 'all')")
    return [TARGETS[n] for n in dict.fromkeys(names)]


def by_srcarch(srcarch):
    """The targets building arch/SRCARCH."""
    return [t for t in TARGETS.values() if t.srcarch == srcarch]


def of_config(text):
    """The config_symbol a .config's TEXT sets =y among the targets' (one
    of them, 'X86_64'), or None (a configuration of an architecture no
    target builds, or a fragment naming none)."""
    on = set(re.findall(r"^CONFIG_(\w+)=y\s*$", text, re.M))
    # The more specific first: an x86_64 .config also sets CONFIG_X86.
    for t in TARGETS.values():
        if t.config_symbol and t.config_symbol in on:
            return t.config_symbol
    return None
