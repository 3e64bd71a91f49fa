#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""bench-runtime.py - the runtime check on the unconverted base and on the
converted branch, side by side.

Usage: bench/bench-runtime.py [--rev REV] [--base REV] [--json FILE]
                              [--no-negative-control] KDIR

Runs scripts/runtime-check's check twice on the same cache slot: first on
the base (the commit the series starts from; without a negative control,
since the base has no dispatch to break), then on REV (default
movable-ops).  Prints one table of the counters around the compaction pass
(base vs converted) and one of the times.  Build times are those of the
build each run needed: the second build is incremental over the first.

The base is, unless given, the parent of the oldest commit of REV that no
other branch or tag of KDIR contains (the root commit when there is none).

Exit: 0 both runs pass (and the negative control fails), 1 otherwise,
2 bad input.
"""
import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from bootcheck import BadInput, run  # noqa: E402
from bootcheck.report import counter_rows, table  # noqa: E402
from bootcheck.source import resolve  # noqa: E402


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


def _v(d, k):
    v = (d or {}).get(k)
    return "-" if v is None else str(v)


def side_by_side(base, conv):
    rows = []
    keys = counter_rows(conv)
    for k, label in keys:
        rows.append((label, _v(base["counters"]["before"], k), _v(base["counters"]["after"], k),
                     _v(base["counters"]["delta"], k), _v(conv["counters"]["before"], k),
                     _v(conv["counters"]["after"], k), _v(conv["counters"]["delta"], k)))
    return table(rows, ("counter", "base before", "after", "delta",
                        "converted before", "after", "delta"))


def times(base, conv):
    def s(v):
        return "-" if v is None else f"{v:.1f} s"

    def r(res, key):
        runs = res.get("runs") or [{}]
        return runs[0].get(key)

    def neg(key):
        n = conv.get("negative_control") or {}
        return (n.get("run") or {}).get(key) if key == "run_s" else n.get(key)

    rows = [
        ("analysis (callbacks)", s(base["timings"].get("analysis_s")),
         s(conv["timings"].get("analysis_s"))),
        ("kernel build", s(base["build_s"]), s(conv["build_s"])),
        ("objects compiled", str(base["kernel"].get("objects_compiled", "-")),
         str(conv["kernel"].get("objects_compiled", "-"))),
        ("boot to init", s(base["boot_s"]), s(conv["boot_s"])),
        ("compaction pass", s(r(base, "compact_s")), s(r(conv, "compact_s"))),
        ("whole guest run", s(r(base, "run_s")), s(r(conv, "run_s"))),
        ("accelerator, CPUs", f"{r(base, 'accel')}, {r(base, 'cpus')}",
         f"{r(conv, 'accel')}, {r(conv, 'cpus')}"),
        ("verdict", "pass" if base["runs"] and base["runs"][0]["ok"] else "FAIL",
         "pass" if conv["runs"] and conv["runs"][0]["ok"] else "FAIL"),
        ("negative control build", "-", s(neg("build_s"))),
        ("negative control run", "-", s(neg("run_s"))),
        ("whole check", s(base["timings"].get("total_s")), s(conv["timings"].get("total_s"))),
    ]
    return table(rows, ("", "base", "converted"))


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="bench-runtime.py",
        description="The runtime check on the unconverted base of REV's series and on REV, "
                    "counters and times side by side.",
        epilog="Exit: 0 both runs pass (and the negative control fails), 1 otherwise, "
               "2 bad input.")
    ap.add_argument("kdir", metavar="KDIR", help="kernel git tree (only read)")
    ap.add_argument("--rev", default="movable-ops",
                    help="converted revision (default: %(default)s)")
    ap.add_argument("--base", help="base revision (default: where REV's series starts)")
    ap.add_argument("--json", metavar="FILE", help="write both results as JSON to FILE")
    ap.add_argument("--no-negative-control", action="store_true",
                    help="skip the negative control of the converted run")
    ap.add_argument("--smp", type=int, default=2, help="guest CPUs (default: %(default)s)")
    args = ap.parse_args(argv)
    if args.smp < 1:
        print("bench-runtime: --smp must be at least 1", file=sys.stderr)
        return 2
    t0 = time.monotonic()

    def log(msg):
        print(f"[{time.monotonic() - t0:6.1f}s] {msg}", flush=True)

    try:
        resolve(args.kdir, args.rev)        # the runtime check's own messages
        if args.base:
            resolve(args.kdir, args.base)
        base_rev = args.base or series_base(args.kdir, args.rev)
        log(f"base: {base_rev[:12]}; converted: {args.rev}")
        base = run(args.kdir, rev=base_rev, negative_control=False, smp=args.smp, log=log)
        conv = run(args.kdir, rev=args.rev, negative_control=not args.no_negative_control,
                   smp=args.smp, log=log)
    except BadInput as e:
        print(f"bench-runtime: {e}", file=sys.stderr)
        return 2
    print()
    print(f"Runtime check, Linux {conv['kernel']['version']}: base {base_rev[:12]} "
          f"vs {args.rev} ({conv['kernel']['commit'][:12]})")
    print()
    print(side_by_side(base, conv))
    print()
    print(times(base, conv))
    neg = conv.get("negative_control")
    if neg is not None:
        print()
        print("negative control (converted): "
              + ("failed as it should" if neg["ok"] else "DID NOT FAIL AS IT SHOULD")
              + (f" - {neg['mutation']}" if neg.get("mutation") else ""))
        for r in neg["reasons"]:
            print("  - " + r.splitlines()[0])
    for res, name in ((base, "base"), (conv, "converted")):
        for r in (res["runs"][0]["reasons"] if res["runs"] else res["errors"]):
            print(f"{name}: {r.splitlines()[0]}")
    if args.json:
        Path(args.json).write_text(json.dumps({"base": base, "converted": conv}, indent=2) + "\n")
    ok = base["runs"] and base["runs"][0]["ok"] and conv["ok"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
