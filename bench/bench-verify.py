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
                ("full"), from scratch, with as many jobs as cores (none
                when an added configuration stood in for it);
  full build of the added configuration
                with --config: 'make' (vmlinux and every module) of the
                first configuration added, as the user gave it (the file,
                olddefconfig), from scratch: the build its distribution
                does;
both measured once and cached in $MOVOPS_CACHE/bench-verify/full-build.json
under the target and the hash of the configuration (--rebuild-full
measures them again, --no-full leaves them out).  It prints them with the
targets (2 cores: cold <= 180 s, warm <= 10 s, verify under 5 % of a full
build, against each full build measured), the cold run per commit and
configuration verify built (a cell) against the full vmlinux, for scale,
and the load average around each figure (other work on the machine
inflates them).  The bench directory is removed at the end unless --keep.

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
from core.proc import git
from core.tables import table
from kbuildengine import image
from kbuildengine import targets as tg
from kbuildengine.store import config_fingerprint as fingerprint
from verifier.configs import user_plans

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


VERIFY = REPO / "scripts" / "verify.py"
TARGET_COLD = 180.0
TARGET_WARM = 10.0   # issue 22: a warm run with every target
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


def full_build(kdir, root, plan, target, rebuild, log, source=None):
    """A from-scratch 'make TARGET' of the configuration verify built as
    PLAN (its build-PLAN/.config), or of the file SOURCE as it is, at the
    commit verify built last, in seconds; cached per target and
    configuration hash.  Returns (entry, None) or (None, why not)."""
    cfg = Path(source) if source else root / f"build-{plan}" / ".config"
    if not cfg.exists():
        return None, f"no '{plan}' configuration in the verify directory"
    text = cfg.read_text()
    key = f"{target}:{fingerprint(text)}"
    store = cache.path("bench-verify", "full-build.json")
    store.parent.mkdir(parents=True, exist_ok=True)
    known = json.loads(store.read_text()) if store.exists() else {}
    if key in known and not rebuild:
        return known[key], None
    jobs = os.cpu_count() or 2
    bdir = root / f"bench-full-{plan}"
    if bdir.exists():
        shutil.rmtree(bdir)
    bdir.mkdir()
    (bdir / ".config").write_text(text)
    # Verify's own worktree holds only the files its builds need (the rest
    # carry the skip-worktree bit), so a whole build gets a whole checkout.
    rev = git(root / "src", "rev-parse", "HEAD").strip()
    src = root / "bench-full-src"
    if not src.exists():
        git(kdir, "worktree", "add", "-f", "--detach", src, rev)
    logf = store.parent / f"full-build-{plan}.log"
    log(f"full build of '{plan}': make O={bdir} -j{jobs} {target or 'all'} "
        f"(measured once; tens of minutes or more; log {logf})")
    env = dict(os.environ, LC_ALL="C")
    subprocess.run(["make", "-s", "-C", str(src), f"O={bdir}", "olddefconfig"], env=env,
                   stdout=subprocess.DEVNULL, check=True)
    t, c = time.monotonic(), child_cpu()
    load0 = load()
    with open(logf, "w") as f:
        # The engine's command line for the host's target, without ccache:
        # measured from scratch.
        res = subprocess.run(image.make_command(src, bdir, [target] if target else [],
                                                jobs=jobs, ccache=False),
                             env=env, stdout=f, stderr=subprocess.STDOUT)
    dt, cpu = time.monotonic() - t, child_cpu() - c
    load1 = load()
    modules = sum(1 for _ in bdir.rglob("*.ko"))
    shutil.rmtree(bdir, ignore_errors=True)
    if res.returncode != 0:
        return None, f"make {target or 'all'} of '{plan}' failed; see {logf}"
    entry = {"seconds": round(dt, 1), "cpu_seconds": round(cpu, 1), "jobs": jobs,
             "config": key, "modules": modules,
             "load": f"{load0:.1f}->{load1:.1f}",
             "date": time.strftime("%Y-%m-%d %H:%M:%S"), "tree": rev}
    known[key] = entry
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
    p.add_argument("--per-target", action="store_true",
                   help="also verify with each target alone (--targets T), cold and warm: "
                        "a row per target with its share of the full build")
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
    per_target = list(tg.TARGETS) if args.per_target else []
    roots += [cache.path("bench-verify", f"run-{os.getpid()}-{t}") for t in per_target]
    for root in roots:
        if root.exists():
            shutil.rmtree(root)
    rows = []
    status = 0
    try:
        l0 = load()
        runs = []
        for i, root in enumerate(roots[:args.runs], 1):
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
        # Which full builds verify is held against: one vmlinux of its own
        # 'full' configuration, and, with --config, the distribution's
        # whole build (vmlinux and modules) of the first one added.
        # (The added one first: it is the one a user's target is read
        # against, and it takes the longest.)
        wanted = [("full vmlinux ('full')", "full", "vmlinux", None)]
        if args.config:
            plan = user_plans(args.config[:1])[0].name
            wanted.insert(0, ("full build, added config (make all)", plan, "", args.config[0]))
        # The added configuration stands in for 'full' when it has every
        # option on: then the configs row lists no 'full' to build.
        made = {c["name"] for r in d1.get("checks", []) if r["name"] == "configs"
                for c in r.get("data", {}).get("configs", [])}
        stood = bool(made) and "full" not in made
        fulls = []
        for label, plan, make_target, source in wanted:
            if plan == "full" and stood:
                fulls.append((label, make_target, None, "not made: the added configuration "
                              "stood in for it"))
                continue
            full, err = (None, "left out (--no-full)") if args.no_full else \
                full_build(args.kdir, root, plan, make_target, args.rebuild_full, log, source)
            if err and not args.no_full:
                status = 1
            fulls.append((label, make_target, full, err))
        ncpu = os.cpu_count()
        commits = len(d1.get("commits", []))
        objs = len(d1.get("objects", []))
        cfgs = check_count(d1, "configs")
        goal = f"< {100 * TARGET_RATIO:.0f} %"

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
        built = d1.get("targets", {}).get("built", [])
        if built:
            rows.append((f"  targets ({len(built)})", ", ".join(built), "", "", "", ""))
        # Each target alone: what it adds to a run, against the full
        # build (the first one measured below).
        alone = []
        for t, root_t in zip(per_target, roots[args.runs:]):
            root_t.mkdir(parents=True)
            la = load()
            log(f"verify cold, target {t} alone ({root_t})")
            c = run_verify(args.kdir, root_t, extra + ["--targets", t],
                           root_t.parent / f"cold-{t}.json")
            w = run_verify(args.kdir, root_t, extra + ["--targets", t],
                           root_t.parent / f"warm-{t}.json")
            alone.append((t, c, w, f"{la:.1f}->{load():.1f}"))
        proof = next((c for c in d1.get("checks", []) if c["name"] == "configspace"), None)
        if proof is not None:
            n = len(proof.get("data", {}).get("commits", []))
            rows.append((f"  configspace proof ({n} commits)", f"{proof['time_s']:.1f}", "",
                         "seconds", "", ""))
        full0 = next((f for _, _, f, _ in fulls if f), None)
        for t, c, w, loads in alone:
            share = f"{100 * c[0] / full0['seconds']:.1f} %" if full0 else "-"
            rows.append((f"  {t} alone: cold / warm", f"{c[0]:.1f} / {w[0]:.1f}",
                         f"{c[1]:.1f} / {w[1]:.1f}", f"share {share}",
                         "yes" if c[2] == 0 and w[2] == 0 else "FAILED", loads))
        for label, make_target, full, err in fulls:
            if not full:
                rows.append((label, "-", "-", "", "", err))
                continue
            fs, fc = full["seconds"], full.get("cpu_seconds")
            mods = f", {full['modules']} modules" if full.get("modules") else ""
            rows.append((f"{label} (-j{full['jobs']}, once)", f"{fs:.1f}",
                         f"{fc:.1f}" if fc else "-", "", "",
                         f"{full.get('load', '?')} ({full['date']}{mods})"))
            rows.append(("  cold / it (wall)", ratio(cold, fs)[0], "", goal,
                         ratio(cold, fs)[1], ""))
            if fc:
                rows.append(("  cold / it (CPU)", "", ratio(cold_cpu, fc)[0], goal,
                             ratio(cold_cpu, fc)[1], ""))
            rows.append(("  warm / it (wall)", ratio(warm, fs)[0], "", goal,
                         ratio(warm, fs)[1], ""))
            # Verify builds every commit in every configuration; against
            # one vmlinux, what one of those cells costs, for scale.
            cells = commits * cfgs
            if make_target == "vmlinux" and cells:
                rows.append((f"  cold / {cells} cells / it (wall)",
                             f"{100 * cold / cells / fs:.2f} %", "", "", "",
                             f"{commits} commits x {cfgs} configurations"))
        print(f"verify.py on {args.kdir}: {commits} commits, {objs} objects, {cfgs} "
              f"configurations{' (' + ', '.join(args.config) + ' added)' if args.config else ''}"
              f", {ncpu} cores")
        head = ("measure", "wall s", "CPU s", "target", "met", "load (1 min, before->after)")
        print("\n".join(table(head, rows, align="lrrll")))
    finally:
        if not args.keep:
            for root in roots:
                drop_root(args.kdir, root)
    return status


def drop_root(kdir, root):
    """Remove a verify directory, and its worktree from KDIR's git."""
    for wt in ("src", "bench-full-src"):
        git(kdir, "worktree", "remove", "--force", root / wt, check=False)
    shutil.rmtree(root, ignore_errors=True)


def check_count(data, name):
    for c in data.get("checks", []):
        if c["name"] == name:
            return c["count"]
    return 0


if __name__ == "__main__":
    sys.exit(main())
