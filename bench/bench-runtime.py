#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""bench-runtime.py - what the runtime check costs, per guest, and what it
sees on the unconverted base and on the converted branch.

Usage: scripts/py bench/bench-runtime.py [--rev REV] [--base REV] [--modules both|no|only]
                              [--cache DIR] [--no-base] [--json FILE] KDIR

Three runs of scripts/runtime-check's check, in a cache directory of the
bench's own (default $MOVOPS_CACHE/bench/runtime, emptied first):

  cold  on REV (default movable-ops), with the controls, from the empty
        cache: what a fresh machine pays (ccache empty, every configuration
        derived, every kernel built from scratch);
  warm  on REV again, after removing the build directories but not the
        ccache, the derived configurations, the tree copy or the analysis:
        a kernel built from scratch with every object in ccache;
  base  on the unconverted base of REV's series, without controls (the
        base has no dispatch to break), built incrementally over the warm
        builds: its counters next to the converted ones.

Prints a row per guest (build cold, build warm, boot, whole guest run),
the controls' times, the whole check cold and warm, and the counters of
the base next to REV's.  Times depend on what else the machine runs.

The base is, unless given, the parent of the oldest commit of REV that no
other branch or tag of KDIR contains (the root commit when there is none).

Exit: 0 every run passes (and each control fails), 1 otherwise, 2 bad input.
"""
import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bootcheck import BadInput, run
from bootcheck.check import DEFAULT_MODULES, MODULES_MODES
from bootcheck.report import GUEST_LABELS, counter_rows, table
from bootcheck.source import resolve
from core import cache as cache_layout


def git(kdir, *args):
    res = subprocess.run(["git", "-C", str(kdir), *args], text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if res.returncode != 0:
        raise BadInput(f"git {' '.join(args)}: {res.stderr.strip()}")
    return res.stdout.strip()


def series_base(kdir, rev):
    tip = git(kdir, "rev-parse", "--verify", f"{rev}^{{commit}}")
    others = []
    for line in git(kdir, "for-each-ref", "--format=%(objectname) %(refname)",
                    "refs/heads", "refs/tags").splitlines():
        sha, ref = line.split()
        if sha != tip:
            others.append(ref)
    only = git(kdir, "rev-list", "--reverse", tip, "--not", *others).split() if others else []
    if only:
        first = only[0]
        parents = git(kdir, "rev-list", "--parents", "-n1", first).split()[1:]
        if parents:
            return parents[0]
    roots = git(kdir, "rev-list", "--max-parents=0", tip).split()
    if len(roots) != 1 or roots[0] == tip:
        raise BadInput(f"cannot tell the base of {rev} in {kdir}; give --base REV")
    return roots[0]


def _s(v):
    return "-" if v is None else f"{v:.1f} s"


def guest_rows(cold, warm):
    rows = []
    for name, g in cold["guests"].items():
        w = (warm or {}).get("guests", {}).get(name, {})
        run = g.get("run") or {}
        rows.append((GUEST_LABELS.get(name, name), _s(g.get("build_s")), _s(w.get("build_s")),
                     str((g.get("kernel") or {}).get("objects_compiled", "-")),
                     _s(g.get("boot_s")), _s(run.get("run_s")),
                     f"{run.get('accel', '?')}, {run.get('cpus', '?')}",
                     (g.get("verdict") or "-")))
    return table(rows, ("guest", "build cold", "build warm", "objects", "boot",
                        "whole run", "accel, CPUs", "verdict"))


def control_rows(cold, warm):
    rows = []
    for key, label in (("negative_control", "negative control"),
                       ("leak_control", "registration-leak control"),
                       ("static_control", "static-dispatch control")):
        c, w = cold.get(key), (warm or {}).get(key)
        if not c:
            continue
        if c.get("skipped"):
            rows.append((label, "-", "-", "-", "not run: " + c["skipped"].split(":")[0]))
            continue
        rows.append((label, _s(c.get("build_s")), _s((w or {}).get("build_s")),
                     _s((c.get("run") or {}).get("run_s")),
                     "failed as it should" if c.get("ok") else "DID NOT FAIL AS IT SHOULD"))
    rows.append(("whole check", "-", "-", "-",
                 f"cold {_s(cold['timings'].get('total_s'))}, "
                 f"warm {_s((warm or {}).get('timings', {}).get('total_s'))}"))
    return table(rows, ("control", "build cold", "build warm", "run", "outcome"))


def _v(d, k):
    v = (d or {}).get(k)
    return "-" if v is None else str(v)


def side_by_side(base, conv, name):
    b = (base["guests"].get(name) or {}).get("counters") or {}
    c = (conv["guests"].get(name) or {}).get("counters") or {}
    rows = []
    for k, label in counter_rows(conv):
        rows.append((label, _v(b.get("before"), k), _v(b.get("after"), k),
                     _v(b.get("delta"), k), _v(c.get("before"), k),
                     _v(c.get("after"), k), _v(c.get("delta"), k)))
    return table(rows, (f"{GUEST_LABELS.get(name, name)}: counter", "base before", "after",
                        "delta", "converted before", "after", "delta"))


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="bench-runtime.py",
        description="The runtime check from an empty cache and again with a warm ccache, "
                    "per guest, and on the unconverted base of REV's series.",
        epilog="Exit: 0 every run passes (and each control fails), 1 otherwise, "
               "2 bad input.")
    ap.add_argument("kdir", metavar="KDIR", help="kernel git tree (only read)")
    ap.add_argument("--rev", default="movable-ops",
                    help="converted revision (default: %(default)s)")
    ap.add_argument("--base", help="base revision (default: where REV's series starts)")
    ap.add_argument("--no-base", action="store_true", help="skip the run on the base")
    ap.add_argument("--modules", choices=list(MODULES_MODES), default=DEFAULT_MODULES,
                    help="guests (default: %(default)s)")
    ap.add_argument("--cache", metavar="DIR",
                    help="the bench's cache directory, emptied first (default: "
                         "$MOVOPS_CACHE/bench/runtime)")
    ap.add_argument("--json", metavar="FILE", help="write the results as JSON to FILE")
    ap.add_argument("--smp", type=int, default=2, help="guest CPUs (default: %(default)s)")
    args = ap.parse_args(argv)
    if args.smp < 1:
        print("bench-runtime: --smp must be at least 1", file=sys.stderr)
        return 2
    t0 = time.monotonic()

    def log(msg):
        print(f"[{time.monotonic() - t0:6.1f}s] {msg}", flush=True)

    cache = Path(args.cache or cache_layout.path("bench", "runtime"))
    try:
        resolve(args.kdir, args.rev)        # the runtime check's own messages
        if args.base:
            resolve(args.kdir, args.base)
        base_rev = None if args.no_base else (args.base or series_base(args.kdir, args.rev))
        if cache.exists():
            shutil.rmtree(cache)
        log(f"cold: the check of {args.rev} from an empty cache ({cache})")
        cold = run(args.kdir, rev=args.rev, cache_dir=cache, smp=args.smp, log=log,
                   modules=args.modules)
        # Kernels built from scratch again, with every object in ccache.
        shutil.rmtree(cache / "build", ignore_errors=True)
        log("warm: the same check, build directories removed, ccache kept")
        warm = run(args.kdir, rev=args.rev, cache_dir=cache, smp=args.smp, log=log,
                   modules=args.modules)
        base = None
        if base_rev:
            log(f"base: {base_rev[:12]}, without controls")
            base = run(args.kdir, rev=base_rev, cache_dir=cache, smp=args.smp, log=log,
                       modules=args.modules, negative_control=False, static_control=False,
                       leak_control=False)
    except BadInput as e:
        print(f"bench-runtime: {e}", file=sys.stderr)
        return 2
    print()
    print(f"Runtime check, Linux {cold['kernel']['version']}, {args.rev} "
          f"({cold['kernel']['commit'][:12]}); times depend on the machine's other load")
    print()
    print(guest_rows(cold, warm))
    print()
    print(control_rows(cold, warm))
    if base is not None:
        for name in base["guests"]:
            print()
            print(side_by_side(base, warm, name))
    for res, label in ((cold, "cold"), (warm, "warm"), (base, "base")):
        if res is None:
            continue
        for name, g in res["guests"].items():
            for r in g["reasons"]:
                print(f"{label}, {GUEST_LABELS.get(name, name)}: {r.splitlines()[0]}")
        for e in res["errors"]:
            print(f"{label}: error: {e.splitlines()[0]}")
    if args.json:
        Path(args.json).write_text(json.dumps({"cold": cold, "warm": warm, "base": base},
                                              indent=2, default=str) + "\n")
    ok = cold["ok"] and warm["ok"] and (base is None or all(
        g["ok"] for g in base["guests"].values()))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
