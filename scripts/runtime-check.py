#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""runtime-check.py - prove at run time that a converted kernel still
migrates movable_ops pages (balloon and zsmalloc) through the new dispatch.

Usage: scripts/runtime-check.py [--rev REV] [--json FILE] [--modules both|no|only]
                                [--no-negative-control] [--no-static-control]
                                [--no-leak-control] [--smp N] KDIR

Builds small x86_64 kernels from REV (default movable-ops) of the git tree
KDIR, out of tree in $MOVOPS_CACHE/runtime (default ~/.cache/movops), boots
them in QEMU with a virtio balloon and zram swap, makes compaction migrate
balloon and zsmalloc pages, and judges the counters and the kernel log.
Two guests: the built-in one (every option =y) and the
modular one (zsmalloc, zram and virtio_balloon =m, loaded by /init, and
removed at the end, with one more compaction pass after that, and a
registration fault: a test module holds zsmalloc's page type, and
zsmalloc's load must fail and leave nothing behind); --modules chooses
(default both).  Then three controls must fail the same check: the
dispatch broken on purpose in a private copy (the negative control), the
modular guest whose zs_init() registers last and does not unwind (the
registration-leak control), and the modular guest built at the series'
commit before its registration step (the static-dispatch control).  KDIR
is never written to.

Exit: 0 pass, 1 fail, 2 bad input, 3 the check could not be carried out at
all (README.md, "Exit status").
"""
import argparse
import json
import sys
import time
from pathlib import Path

from bootcheck import run
from bootcheck.check import DEFAULT_MODULES, MODULES_MODES
from bootcheck.report import render
from core.errors import EXIT_NO, EXIT_OK, EXIT_USAGE, MovopsError


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="runtime-check.py",
        description="Boot a kernel built from KDIR at REV and prove balloon and "
                    "zsmalloc pages still migrate through the movable_ops dispatch.",
        epilog="Exit: 0 pass (and each control fails), 1 fail, 2 bad input, 3 the check "
               "could not be carried out at all.")
    ap.add_argument("kdir", metavar="KDIR", help="kernel git tree (only read)")
    ap.add_argument("--rev", default="movable-ops", help="revision to check (default: %(default)s)")
    ap.add_argument("--json", metavar="FILE", help="write the full result as JSON to FILE")
    ap.add_argument("--modules", choices=list(MODULES_MODES), default=DEFAULT_MODULES,
                    help="guests: 'no' the built-in one, 'only' the modular one, 'both' "
                         "(default: %(default)s)")
    ap.add_argument("--no-negative-control", action="store_true",
                    help="skip the run with a deliberately broken dispatch")
    ap.add_argument("--no-static-control", action="store_true",
                    help="skip the modular guest at the series' static-dispatch commit")
    ap.add_argument("--no-leak-control", action="store_true",
                    help="skip the modular guest whose init registers last and does not "
                         "unwind (the registration fault must fail it)")
    ap.add_argument("--smp", type=int, default=2, help="guest CPUs (default: %(default)s)")
    ap.add_argument("--cache", metavar="DIR", help="cache directory (default: $MOVOPS_CACHE/runtime)")
    args = ap.parse_args(argv)
    if args.smp < 1:
        print("runtime-check: --smp must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    t0 = time.monotonic()

    def log(msg):
        print(f"[{time.monotonic() - t0:6.1f}s] {msg}", flush=True)

    try:
        result = run(args.kdir, rev=args.rev, cache_dir=args.cache,
                     negative_control=not args.no_negative_control, smp=args.smp, log=log,
                     modules=args.modules, static_control=not args.no_static_control,
                     leak_control=not args.no_leak_control)
    except MovopsError as e:
        print(f"runtime-check: {e}", file=sys.stderr)
        return e.status
    print()
    print(render(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    return EXIT_OK if result["ok"] else EXIT_NO


if __name__ == "__main__":
    sys.exit(main())
