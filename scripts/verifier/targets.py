# SPDX-License-Identifier: GPL-2.0
"""The architectures verify knows, as data: one entry each.

verify builds natively, for the machine it runs on (host()); a
configuration given with --config must be of that architecture, which its
own =y symbols tell (of_config()).  A new target is one more entry here.
"""
import platform
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Arch:
    srcarch: str        # arch/<srcarch>/, and the name said to the user
    machines: tuple     # platform.machine() of hosts that build it natively
    symbols: tuple      # Kconfig symbols only a configuration of it sets =y


ARCHES = (
    Arch("x86", ("x86_64", "i386", "i686"), ("X86_64", "X86_32", "X86")),
    Arch("arm64", ("aarch64", "arm64"), ("ARM64",)),
    Arch("arm", ("armv7l", "armv6l", "arm"), ("ARM",)),
    Arch("powerpc", ("ppc64le", "ppc64", "ppc"), ("PPC64", "PPC32", "PPC")),
    Arch("riscv", ("riscv64", "riscv32"), ("RISCV",)),
    Arch("s390", ("s390x",), ("S390",)),
)


def host():
    """The Arch of this machine, or one named after its machine type."""
    m = platform.machine()
    for a in ARCHES:
        if m in a.machines:
            return a
    return Arch(m, (m,), ())


def of_config(text):
    """(Arch, symbol) of the architecture a .config's text sets, or
    (None, None) when it sets none that ARCHES knows (a fragment)."""
    on = set(re.findall(r"^CONFIG_(\w+)=y\s*$", text, re.M))
    for a in ARCHES:
        for s in a.symbols:
            if s in on:
                return a, f"CONFIG_{s}=y"
    return None, None
