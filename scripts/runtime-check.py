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
all, 130 interrupted (README.md, "Exit status").
"""
import json
import sys
import time

from bootcheck import run
from bootcheck.check import DEFAULT_MODULES, MODULES_MODES
from bootcheck.report import render
from core import paths
from core.cli import Parser
from core.errors import EXIT_INTERRUPTED, EXIT_NO, EXIT_OK, BadInput, MovopsError
from core.proc import interrupt_on_signals


def main(argv=None):
    ap = Parser(
        prog="runtime-check.py",
        description="Boot a kernel built from KDIR at REV and prove balloon and "
                    "zsmalloc pages still migrate through the movable_ops dispatch.",
        epilog="Exit: 0 pass (and each control fails), 1 fail, 2 bad input, 3 the check "
               "could not be carried out at all, 130 interrupted.")
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
    try:
        # Before any work: nothing is built for a run that cannot report.
        if args.smp < 1:
            raise BadInput(f"--smp {args.smp}: give at least 1 guest CPU")
        paths.existing_dir(args.kdir, fix="give the top of the kernel tree holding the "
                                          "series")
        if args.json:
            paths.new_file(args.json, "--json", ours=paths.json_with_keys("ok", "guests"),
                           tool="runtime-check.py")
    except BadInput as e:
        print(f"runtime-check: {e}", file=sys.stderr)
        return e.status
    t0 = time.monotonic()

    def log(msg):
        print(f"[{time.monotonic() - t0:6.1f}s] {msg}", flush=True)

    # SIGTERM ends the run as Ctrl-C does (core.proc).
    interrupt_on_signals()
    try:
        result = run(args.kdir, rev=args.rev, cache_dir=args.cache,
                     negative_control=not args.no_negative_control, smp=args.smp, log=log,
                     modules=args.modules, static_control=not args.no_static_control,
                     leak_control=not args.no_leak_control)
    except MovopsError as e:
        print(f"runtime-check: {e}", file=sys.stderr)
        return e.status
    except KeyboardInterrupt:
        print(f"runtime-check: interrupted; {args.kdir} was not changed", file=sys.stderr)
        return EXIT_INTERRUPTED
    print()
    print(render(result))
    if args.json:
        paths.write_whole(args.json, json.dumps(result, indent=2) + "\n")
    return EXIT_OK if result["ok"] else EXIT_NO


if __name__ == "__main__":
    sys.exit(main())
