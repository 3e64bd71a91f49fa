# SPDX-License-Identifier: GPL-2.0
"""Runtime proof of the movable_ops rework: build a small kernel from a
revision of a tree, boot it in QEMU, make compaction migrate balloon and
zsmalloc pages, and judge the counters and the kernel log.

    from bootcheck import run
    result = run(kdir, rev="movable-ops")

See check.run() for the result; scripts/runtime-check.py is the CLI.
"""
import sys as _sys
from pathlib import Path as _Path

_scripts = str(_Path(__file__).resolve().parent.parent)
if _scripts not in _sys.path:
    _sys.path.insert(0, _scripts)

from .common import BadInput, CheckError  # noqa: E402
from .check import run  # noqa: E402

__all__ = ["run", "BadInput", "CheckError"]
