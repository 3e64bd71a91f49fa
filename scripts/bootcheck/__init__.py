# SPDX-License-Identifier: GPL-2.0
"""Runtime proof of the movable_ops rework: build a small kernel from a
revision of a tree, boot it in QEMU, make compaction migrate balloon and
zsmalloc pages, and judge the counters and the kernel log.

    from bootcheck import run
    result = run(kdir, rev="movable-ops")

See check.run() for the result; scripts/runtime-check.py is the CLI.

  check.py      run(): export, configure, build, boot, judge; the guests
                and the controls, each built then booted
  source.py     the private, persistent copy of the revision checked
  kernel.py     the guest kernels' configuration and build (kbuildengine)
  callbacks.py  which function each movable_ops user migrates its pages with
  initramfs.py  the guest's initramfs (busybox, the test program, modules)
  modules.py    the modular guest's modules: which, load and unload order
  fault.py      the registration fault of the modular guest, and its control
  negctl.py     the negative control: the dispatch broken on purpose
  guest.py      QEMU: boot, the balloon, hard timeouts
  verdict.py    the judgement of one guest run from what it left behind
  report.py     text tables of a result (the CLI, verify, bench)

Its commands run through core.proc (run_long: a hard timeout, the whole
process group killed); what cannot be carried out is an EnvironmentFailure,
which fails the guest or control it belongs to, with its message.
"""
from core.errors import BadInput

from .check import run

__all__ = ["run", "BadInput"]
