#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""bench-verify.py - how long scripts/verify.py takes, against a full build.

Usage: scripts/py bench/bench-verify.py [--branch NAME] [--base REV] [--runs N]
                             [--config FILE]... [--no-full] [--rebuild-full]
                             [--keep] KDIR

Measures on the series of KDIR (a tree with a series branch):
  verify cold   scripts/verify.py with a fresh --build-dir (new worktree,
                configurations derived, every build from scratch), N times
                (--runs, default 3), each in a new directory: the median
                is the figure, the runs are listed beside it (a cold run
                writes and reads a few hundred MB, and this machine's disk
                and neighbours move one run by seconds);
  verify warm   a second run with the last cold run's --build-dir;
  proof         the configspace check's own time in the median cold run
                (every commit's proof over its configuration space);
  full vmlinux  'make vmlinux' of the first configuration verify derived
                ("full"), from scratch, with as many jobs as cores; measured
                once and cached in $MOVOPS_CACHE/bench-verify/full-build.json
                under the hash of the configuration (--rebuild-full measures
                it again, --no-full leaves it out).
and prints them with the targets (2 cores: cold <= 180 s, warm <= 60 s,
verify under 5 % of the full build), the cold run per commit and
configuration verify built (a cell) against the full build, for scale,
and the load average around each figure (other work on the machine
inflates them).  The bench directory is removed at the
end unless --keep.

Exit: 0 measured (whatever the figures), 1 verify or the build failed,
2 bad input.
"""
import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from core import cache
from verifier.configs import fingerprint

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


VERIFY = REPO / "scripts" / "verify.py"
TARGET_COLD = 180.0
TARGET_WARM = 60.0
TARGET_RATIO = 0.05


def load():
    """The 1-minute load average: the other work sharing the cores while
    a figure was measured, printed beside it."""
    return os.getloadavg()[0]


def child_cpu():
    """CPU seconds (user + system) of the finished child processes so far.
    Unlike wall time it hardly depends on what else the machine runs, so
    the ratio of verify to the full build is also given in CPU time."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_verify(kdir, root, args, report):
    cmd = [sys.executable, str(VERIFY), "-q", "--build-dir", str(root), "--json",
           str(report), *args, str(kdir)]
    t, c = time.monotonic(), child_cpu()
    res = subprocess.run(cmd, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    dt, cpu = time.monotonic() - t, child_cpu() - c
    if res.returncode == 2:
        sys.stderr.write(res.stdout)
        sys.exit(2)
    data = json.loads(report.read_text()) if report.exists() else {}
    return dt, cpu, res.returncode, data, res.stdout


def full_build(root, rebuild, log):
    """Seconds of 'make vmlinux' of the 'full' configuration, cached."""
    cfg = root / "build-full" / ".config"
    if not cfg.exists():
        return None, "no 'full' configuration in the verify directory"
    fp = fingerprint(cfg.read_text())
    store = cache.path("bench-verify", "full-build.json")
    store.parent.mkdir(parents=True, exist_ok=True)
    known = json.loads(store.read_text()) if store.exists() else {}
    if fp in known and not rebuild:
        return known[fp], None
    jobs = os.cpu_count() or 2
    bdir = root / "bench-full-build"
    if bdir.exists():
        shutil.rmtree(bdir)
    bdir.mkdir()
    shutil.copy(cfg, bdir / ".config")
    src = root / "src"
    log(f"full build: make O={bdir} -j{jobs} vmlinux (measured once; tens of minutes)")
    env = dict(os.environ, LC_ALL="C")
    subprocess.run(["make", "-s", "-C", str(src), f"O={bdir}", "olddefconfig"], env=env,
                   stdout=subprocess.DEVNULL, check=True)
    t, c = time.monotonic(), child_cpu()
    load0 = load()
    with open(root / "bench-full-build.log", "w") as f:
        res = subprocess.run(["make", "-C", str(src), f"O={bdir}", f"-j{jobs}", "vmlinux"],
                             env=env, stdout=f, stderr=subprocess.STDOUT)
    dt, cpu = time.monotonic() - t, child_cpu() - c
    load1 = load()
    shutil.rmtree(bdir, ignore_errors=True)
    if res.returncode != 0:
        return None, f"make vmlinux failed; see {root / 'bench-full-build.log'}"
    entry = {"seconds": round(dt, 1), "cpu_seconds": round(cpu, 1), "jobs": jobs,
             "config": fp,
             "load": f"{load0:.1f}->{load1:.1f}",
             "date": time.strftime("%Y-%m-%d %H:%M:%S"),
             "tree": subprocess.run(["git", "-C", str(src), "rev-parse", "HEAD"], text=True,
                                    stdout=subprocess.PIPE).stdout.strip()}
    known[fp] = entry
    store.write_text(json.dumps(known, indent=2) + "\n")
    return entry, None


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("kdir", metavar="KDIR")
    p.add_argument("--branch")
    p.add_argument("--base")
    p.add_argument("--runs", type=int, default=3, metavar="N",
                   help="cold runs, each in a new directory; the median counts (default 3)")
    p.add_argument("--config", action="append", default=[], metavar="FILE",
                   help="pass --config FILE to verify.py (a configuration of the user's "
                        "added to its builds; repeatable)")
    p.add_argument("--no-full", action="store_true", help="leave out the full build")
    p.add_argument("--rebuild-full", action="store_true", help="measure the full build again")
    p.add_argument("--keep", action="store_true", help="keep the bench directory")
    args = p.parse_args()
    if args.runs < 1:
        p.error("--runs must be at least 1")
    extra = []
    if args.branch:
        extra += ["--branch", args.branch]
    if args.base:
        extra += ["--base", args.base]
    for c in args.config:
        extra += ["--config", c]

    def log(msg):
        print(f"bench-verify: {msg}", file=sys.stderr, flush=True)

    # Interrupted, still remove the bench directory and its worktree.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    # A directory per cold run, all removed at the end, none between runs:
    # removing a run's ~10,000 files makes ext4 create files several times
    # slower for minutes afterwards (its inode allocator skips and
    # re-reads the recently deleted inodes: recently_deleted()), which
    # would slow each run down by the one before it.
    roots = [cache.path("bench-verify", f"run-{os.getpid()}-{i}")
             for i in range(1, args.runs + 1)]
    for root in roots:
        if root.exists():
            shutil.rmtree(root)
    rows = []
    status = 0
    try:
        l0 = load()
        runs = []
        for i, root in enumerate(roots, 1):
            root.mkdir(parents=True)
            log(f"verify cold, run {i} of {args.runs} ({root})")
            got = run_verify(args.kdir, root, extra, root.parent / "cold.json")
            runs.append(got)
            log(f"verify cold: {got[0]:.1f} s, exit {got[2]}")
            if got[2] != 0:
                break
        l1 = load()
        # The median run by wall time; its CPU time beside it.
        cold, cold_cpu, rc1, d1, out1 = sorted(runs, key=lambda r: r[0])[(len(runs) - 1) // 2]
        rc1 = max(r[2] for r in runs)
        log("verify warm")
        warm, warm_cpu, rc2, d2, out2 = run_verify(args.kdir, root, extra,
                                                   root.parent / "warm.json")
        l2 = load()
        log(f"verify warm: {warm:.1f} s, exit {rc2}")
        if rc1 != 0 or rc2 != 0:
            status = 1
            failed = [c["name"] for c in d1.get("checks", []) if not c.get("ok")]
            log(f"verify did not pass ({', '.join(failed) or out1[-300:]}); timings still shown")
        full, err = (None, "left out (--no-full)") if args.no_full else \
            full_build(root, args.rebuild_full, log)
        if err and not args.no_full:
            status = 1
        ncpu = os.cpu_count()
        commits = len(d1.get("commits", []))
        objs = len(d1.get("objects", []))
        cfgs = check_count(d1, "configs")

        def ratio(a, b):
            return f"{100 * a / b:.1f} %", "yes" if a / b < TARGET_RATIO else "NO"

        name = "verify cold" + (f" (median of {len(runs)})" if len(runs) > 1 else "")
        rows.append((name, f"{cold:.1f}", f"{cold_cpu:.1f}", f"<= {TARGET_COLD:.0f}",
                     "yes" if cold <= TARGET_COLD else "NO", f"{l0:.1f}->{l1:.1f}"))
        if len(runs) > 1:
            rows.append(("  the cold runs", " ".join(f"{r[0]:.1f}" for r in runs),
                         " ".join(f"{r[1]:.1f}" for r in runs), "", "", ""))
        rows.append(("verify warm", f"{warm:.1f}", f"{warm_cpu:.1f}", f"<= {TARGET_WARM:.0f}",
                     "yes" if warm <= TARGET_WARM else "NO", f"{l1:.1f}->{l2:.1f}"))
        proof = next((c for c in d1.get("checks", []) if c["name"] == "configspace"), None)
        if proof is not None:
            n = len(proof.get("data", {}).get("commits", []))
            rows.append((f"  configspace proof ({n} commits)", f"{proof['time_s']:.1f}", "",
                         "seconds", "", ""))
        if full:
            fs, fc = full["seconds"], full.get("cpu_seconds")
            rows.append((f"full vmlinux (-j{full['jobs']}, once)", f"{fs:.1f}",
                         f"{fc:.1f}" if fc else "-", "", "",
                         f"{full.get('load', '?')} ({full['date']})"))
            target = f"< {100 * TARGET_RATIO:.0f} %"
            rows.append(("cold / full (wall)", *ratio(cold, fs)[:1], "", target,
                         ratio(cold, fs)[1], ""))
            if fc:
                rows.append(("cold / full (CPU)", "", ratio(cold_cpu, fc)[0], target,
                             ratio(cold_cpu, fc)[1], ""))
            rows.append(("warm / full (wall)", *ratio(warm, fs)[:1], "", target,
                         ratio(warm, fs)[1], ""))
            # The target compares all of verify with one build of one
            # configuration; verify builds every commit in every
            # configuration.  What one of those cells costs, for scale.
            cells = commits * cfgs
            if cells:
                rows.append((f"cold / {cells} cells / full (wall)",
                             f"{100 * cold / cells / fs:.2f} %", "", "", "",
                             f"{commits} commits x {cfgs} configurations"))
        else:
            rows.append(("full vmlinux", "-", "-", "", err, ""))
        print(f"verify.py on {args.kdir}: {commits} commits, {objs} objects, {cfgs} "
              f"configurations{' (' + ', '.join(args.config) + ' added)' if args.config else ''}"
              f", {ncpu} cores")
        head = ("measure", "wall s", "CPU s", "target", "met", "load (1 min, before->after)")
        w = [max(len(r[i]) for r in rows + [head]) for i in range(6)]
        for r in [head] + rows:
            print(f"{r[0].ljust(w[0])}  {r[1].rjust(w[1])}  {r[2].rjust(w[2])}  "
                  f"{r[3].ljust(w[3])}  {r[4].ljust(w[4])}  {r[5]}".rstrip())
    finally:
        if not args.keep:
            for root in roots:
                drop_root(args.kdir, root)
    return status


def drop_root(kdir, root):
    """Remove a verify directory, and its worktree from KDIR's git."""
    subprocess.run(["git", "-C", kdir, "worktree", "remove", "--force", str(root / "src")],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.rmtree(root, ignore_errors=True)


def check_count(data, name):
    for c in data.get("checks", []):
        if c["name"] == name:
            return c["count"]
    return 0


if __name__ == "__main__":
    sys.exit(main())
