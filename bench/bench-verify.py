#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""bench-verify.py - how long scripts/verify.py takes, against a full build.

Usage: bench/bench-verify.py [--branch NAME] [--base REV] [--no-full]
                             [--rebuild-full] [--keep] KDIR

Measures on the series of KDIR (a tree with a series branch):
  verify cold   scripts/verify.py with a fresh --build-dir (new worktree,
                configurations derived, every build from scratch);
  verify warm   a second run with the same --build-dir;
  full vmlinux  'make vmlinux' of the first configuration verify derived
                ("full"), from scratch, with as many jobs as cores; measured
                once and cached in $MOVOPS_CACHE/bench-verify/full-build.json
                under the hash of the configuration (--rebuild-full measures
                it again, --no-full leaves it out).
and prints them with the targets (2 cores: cold <= 180 s, warm <= 60 s,
verify under 5 % of the full build).  The bench directory is removed at the
end unless --keep.

Exit: 0 measured (whatever the figures), 1 verify or the build failed,
2 bad input.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "scripts"))

from verifier.configs import fingerprint  # noqa: E402
from verifier.util import cache_root  # noqa: E402

VERIFY = REPO / "scripts" / "verify.py"
TARGET_COLD = 180.0
TARGET_WARM = 60.0
TARGET_RATIO = 0.05


def run_verify(kdir, root, args, report):
    cmd = [sys.executable, str(VERIFY), "-q", "--build-dir", str(root), "--json",
           str(report), *args, str(kdir)]
    t = time.monotonic()
    res = subprocess.run(cmd, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    dt = time.monotonic() - t
    if res.returncode == 2:
        sys.stderr.write(res.stdout)
        sys.exit(2)
    data = json.loads(report.read_text()) if report.exists() else {}
    return dt, res.returncode, data, res.stdout


def full_build(root, rebuild, log):
    """Seconds of 'make vmlinux' of the 'full' configuration, cached."""
    cfg = root / "build-full" / ".config"
    if not cfg.exists():
        return None, "no 'full' configuration in the verify directory"
    fp = fingerprint(cfg.read_text())
    store = cache_root() / "bench-verify" / "full-build.json"
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
    t = time.monotonic()
    with open(root / "bench-full-build.log", "w") as f:
        res = subprocess.run(["make", "-C", str(src), f"O={bdir}", f"-j{jobs}", "vmlinux"],
                             env=env, stdout=f, stderr=subprocess.STDOUT)
    dt = time.monotonic() - t
    shutil.rmtree(bdir, ignore_errors=True)
    if res.returncode != 0:
        return None, f"make vmlinux failed; see {root / 'bench-full-build.log'}"
    entry = {"seconds": round(dt, 1), "jobs": jobs, "config": fp,
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
    p.add_argument("--no-full", action="store_true", help="leave out the full build")
    p.add_argument("--rebuild-full", action="store_true", help="measure the full build again")
    p.add_argument("--keep", action="store_true", help="keep the bench directory")
    args = p.parse_args()
    extra = []
    if args.branch:
        extra += ["--branch", args.branch]
    if args.base:
        extra += ["--base", args.base]

    def log(msg):
        print(f"bench-verify: {msg}", file=sys.stderr, flush=True)

    # Interrupted, still remove the bench directory and its worktree.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    root = cache_root() / "bench-verify" / f"run-{os.getpid()}"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    rows = []
    status = 0
    try:
        log(f"verify cold ({root})")
        cold, rc1, d1, out1 = run_verify(args.kdir, root, extra, root.parent / "cold.json")
        log(f"verify cold: {cold:.1f} s, exit {rc1}")
        log("verify warm")
        warm, rc2, d2, out2 = run_verify(args.kdir, root, extra, root.parent / "warm.json")
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
        rows.append(("verify cold", f"{cold:.1f}", f"<= {TARGET_COLD:.0f}",
                     "yes" if cold <= TARGET_COLD else "NO"))
        rows.append(("verify warm", f"{warm:.1f}", f"<= {TARGET_WARM:.0f}",
                     "yes" if warm <= TARGET_WARM else "NO"))
        if full:
            fs = full["seconds"]
            rows.append((f"full vmlinux (-j{full['jobs']}, once)", f"{fs:.1f}", "", ""))
            rows.append(("cold / full", f"{100 * cold / fs:.1f} %",
                         f"< {100 * TARGET_RATIO:.0f} %", "yes" if cold / fs < TARGET_RATIO else "NO"))
            rows.append(("warm / full", f"{100 * warm / fs:.1f} %",
                         f"< {100 * TARGET_RATIO:.0f} %", "yes" if warm / fs < TARGET_RATIO else "NO"))
        else:
            rows.append(("full vmlinux", "-", "", err))
        print(f"verify.py on {args.kdir}: {commits} commits, {objs} objects, {cfgs} "
              f"configurations, {ncpu} cores")
        w = [max(len(r[i]) for r in rows + [("measure", "seconds", "target", "met")])
             for i in range(4)]
        print(f"{'measure'.ljust(w[0])}  {'seconds'.rjust(w[1])}  {'target'.ljust(w[2])}  met")
        for r in rows:
            print(f"{r[0].ljust(w[0])}  {r[1].rjust(w[1])}  {r[2].ljust(w[2])}  {r[3]}")
    finally:
        if not args.keep:
            # The verify worktree is registered in KDIR's git; unregister it.
            subprocess.run(["git", "-C", args.kdir, "worktree", "remove", "--force",
                            str(root / "src")],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            shutil.rmtree(root, ignore_errors=True)
    return status


def check_count(data, name):
    for c in data.get("checks", []):
        if c["name"] == name:
            return c["count"]
    return 0


if __name__ == "__main__":
    sys.exit(main())
