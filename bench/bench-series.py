#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""bench-series.py - how long scripts/apply-series.sh takes on the full
Debian 6.12 tree, against what it cannot avoid doing.

Usage: scripts/py bench/bench-series.py [--runs N] [--json FILE] [--keep]

On a clone of the cached, baselined linux-source-6.12 tree (made by
scripts/prepare-tree.sh; the one-time baseline commit is not measured):

  series         apply-series.sh --prereq drop-z3fold, the whole run
                 (prerequisite, analysis, five steps, commits, branch);
  git grep       one 'git grep' for the series' tokens over the tree;
  spatch touched each step's spatch run on just the files the series
                 changes (what any tool doing this rework must pay);
  naive          each step as 'spatch --dir' over a plain (non-git) copy of
                 the tree after the prerequisite, as a user without the
                 series script would run it.

Each figure is the median of --runs runs (default 3; the naive run once).
The target: series <= 3 x (git grep + spatch touched).

Exit: 0 measured (whatever the figures), 1 a run failed.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from movops import facts as F
from movops.series import series_steps

REPO = Path(__file__).resolve().parents[1]


APPLY = REPO / "scripts" / "apply-series.sh"
TARGET_RATIO = 3.0


def sh(cmd, cwd=None, env=None, out=subprocess.DEVNULL):
    res = subprocess.run(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.PIPE, text=True)
    if res.returncode != 0:
        sys.stderr.write(f"bench-series: {' '.join(map(str, cmd))} failed:\n{res.stderr}")
        sys.exit(1)
    return res


def timed(fn, runs):
    times = []
    for _ in range(runs):
        t = time.monotonic()
        fn()
        times.append(time.monotonic() - t)
    return statistics.median(times)


def log(msg):
    print(f"bench-series: {msg}", file=sys.stderr, flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    ap.add_argument("--keep", action="store_true", help="keep the bench directory")
    args = ap.parse_args()

    prepared = sh([str(REPO / "scripts" / "prepare-tree.sh"), "-q", "--pinned", "6.12"],
                  out=subprocess.PIPE)
    sys.stderr.write(prepared.stderr)     # the fallback line, if the pin is gone
    tree = prepared.stdout.strip().splitlines()[-1]
    work = Path(tempfile.mkdtemp(prefix="movops-bench-series-"))
    try:
        kdir = work / "linux"
        log(f"cloning {tree}")
        sh(["git", "clone", "-q", "--shared", tree, str(kdir)])
        sh(["git", "-C", str(kdir), "config", "user.name", "movops bench"])
        sh(["git", "-C", str(kdir), "config", "user.email", "bench@localhost"])
        # Warm the page cache the way a user's tree is warm: one read.
        sh(["git", "-C", str(kdir), "grep", "-q", "-e", "__SetPageMovable"])

        n = [0]

        def series():
            n[0] += 1
            sh([str(APPLY), "-q", "--prereq", "drop-z3fold", "--branch", f"bench{n[0]}",
                str(kdir)])
        log(f"series x{args.runs}")
        t_series = timed(series, args.runs)

        def grep():
            sh(["git", "-C", str(kdir), "grep", "-l", "-I", "-P", "-e", F.CANDIDATE_RE,
                "--", *F.CODE_PATHSPECS])
        log(f"git grep x{args.runs}")
        t_grep = timed(grep, args.runs)

        # The plan and the touched files of the series, once.
        plan = work / "plan.json"
        prereq = sh(["git", "-C", str(kdir), "rev-list", "--reverse", "master..bench1"],
                    out=subprocess.PIPE).stdout.split()[0]
        sh(["git", "-C", str(kdir), "branch", "after-prereq", prereq])
        sh([str(APPLY), "-q", "--analyze", "--base", "after-prereq", "--json", str(plan),
            str(kdir)])
        touched = sh(["git", "-C", str(kdir), "diff", "--name-only", "after-prereq", "bench1"],
                     out=subprocess.PIPE).stdout.split()
        small = work / "touched"
        for rel in touched:
            (small / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(kdir / rel, small / rel)
        env = dict(F.spatch_env(), MOVOPS_PLAN=str(plan))
        steps = series_steps()

        def spatch_on(root, extra=()):
            for st in steps:
                sh(["spatch", "--very-quiet", "-D", "patch", "--sp-file", str(st.path),
                    "--include-headers", "--no-includes", "--jobs", "2", "--chunksize", "1",
                    *extra, "--dir", "."], cwd=root, env=env)
        log(f"spatch on the {len(touched)} touched files x{args.runs}")
        t_touched = timed(lambda: spatch_on(small), args.runs)

        plain = work / "plain"
        plain.mkdir()
        tar = subprocess.run(["git", "-C", str(kdir), "archive", "after-prereq"],
                             stdout=subprocess.PIPE, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(plain)], input=tar, check=True)
        del tar
        log("naive: each step as spatch --dir over a plain copy (once)")
        t_naive = timed(lambda: spatch_on(plain), 1)
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    floor = t_grep + t_touched
    ratio = t_series / floor
    rows = [
        ("series (apply-series.sh, --prereq drop-z3fold)", t_series),
        ("git grep over the tree", t_grep),
        (f"spatch, {len(steps)} steps, on the {len(touched)} touched files", t_touched),
        ("naive: each step as spatch --dir, plain tree", t_naive),
    ]
    load = os.getloadavg()[0]
    print(f"Series benchmark: Linux 6.12 (Debian), {os.cpu_count()} cores, "
          f"load {load:.2f}, median of {args.runs}")
    print(f"  {'what':<58} {'seconds':>8}")
    print(f"  {'-' * 58} {'-' * 8}")
    for label, t in rows:
        print(f"  {label:<58} {t:>8.2f}")
    verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
    print(f"  series / (git grep + spatch touched) = {ratio:.2f} "
          f"({verdict} the target <= {TARGET_RATIO:.0f}); naive / series = "
          f"{t_naive / t_series:.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "series": t_series, "git_grep": t_grep, "spatch_touched": t_touched,
            "naive": t_naive, "ratio": ratio, "target": TARGET_RATIO, "load": load,
            "touched_files": touched}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
