# SPDX-License-Identifier: GPL-2.0
"""Runtime proof of the movable_ops rework: build a small kernel from a
revision of a tree, boot it in QEMU, make compaction migrate balloon and
zsmalloc pages, and judge the counters and the kernel log.

    from bootcheck import run
    result = run(kdir, rev="movable-ops")

See check.run() for the result; scripts/runtime-check.py is the CLI.
"""
from core.errors import BadInput

from .check import run

__all__ = ["run", "BadInput"]
