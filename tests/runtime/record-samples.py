#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""record-samples.py - record tests/runtime/samples/ from real guest runs.

Usage: scripts/py tests/runtime/record-samples.py [--rev REV] [--out DIR] [--cache DIR] [KDIR]

KDIR is the converted 6.12 tree (default: the one the runtime test keeps,
$MOVOPS_CACHE/runtime/series/linux-6.12, branch movable-ops), with the
registration step.  Three runs of the runtime check, whose guests'
output is copied unedited:

  1. both guests, the default negative control (the dispatch without its
     first branch, the balloon's), the registration-leak control and the
     static-dispatch control:
       pass.*                        the built-in guest
       negctl-no-balloon-branch.*    the negative control
       modular-pass.*                the modular guest (with the
                                     registration fault: zsmalloc's load
                                     fails and leaves nothing behind)
       modular-registration-leak.*   the modular guest with zs_init() in
                                     the previous series' shape: its
                                     failed load leaves a hotplug state
       modular-static-dispatch.*     the modular guest at the commit before
                                     the registration step
  2. the built-in guest with 'drop-last' (without the zsmalloc branch):
       negctl-no-zsmalloc-branch.*
  3. the modular guest of a commit made on top of REV in a temporary clone
     of KDIR, whose zs_exit() does not unregister zsmalloc's ops:
       modular-no-unregister.*       (loading zsmalloc a second time fails)

.console is the run's console.log as it is, .ctl its ctl.log without the
host timestamps, .plan.json (modular guests) the module plan the host
gave the guest.  Stops without writing anything when a run does not end
as its sample must.
"""
import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from bootcheck import run
from core import cache

HERE = Path(__file__).resolve().parent


# What zs_exit() does to give up zsmalloc's registration (the registration
# step's text); the third run deletes it.
UNREGISTER_RE = re.compile(r"^\s*set_movable_ops\(NULL, \w+\);\n", re.M)


def logs(run_, plan=None):
    d = Path(run_["logs"])
    console = (d / "console.log").read_bytes()
    ctl = "".join(re.sub(r"^ *\d+\.\d+ ", "", line) + "\n"
                  for line in (d / "ctl.log").read_text().splitlines())
    return console, ctl, plan


def git(*args, cwd=None):
    return subprocess.run(["git", *args], cwd=cwd, check=True, text=True,
                          stdout=subprocess.PIPE).stdout.strip()


def no_unregister_commit(kdir, rev, work):
    """A clone of KDIR in WORK with one commit on REV: zs_exit() without its
    set_movable_ops(NULL, ...).  Returns (clone, commit).  Made with git
    plumbing, without checking out (and later deleting) a whole tree."""
    clone = Path(work) / "k"
    git("clone", "-q", "--shared", "--no-checkout", str(kdir), str(clone))
    base = git("rev-parse", rev, cwd=kdir)
    text = git("show", f"{base}:mm/zsmalloc.c", cwd=clone) + "\n"
    start = text.index("static void __exit zs_exit(void)")
    end = text.index("\n}\n", start)
    body, n = UNREGISTER_RE.subn("", text[start:end])
    if n != 1:
        sys.exit(f"record-samples: zs_exit() in {kdir} at {rev} has {n} "
                 "set_movable_ops(NULL, ...) calls, not one: is REV the registered series?")
    blob = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=clone, check=True,
                          text=True, input=text[:start] + body + text[end:],
                          stdout=subprocess.PIPE).stdout.strip()
    git("read-tree", base, cwd=clone)
    git("update-index", "--cacheinfo", f"100644,{blob},mm/zsmalloc.c", cwd=clone)
    tree = git("write-tree", cwd=clone)
    commit = git("-c", "user.name=record-samples", "-c", "user.email=record-samples@localhost",
                 "commit-tree", tree, "-p", base, "-m",
                 "zsmalloc: do not unregister the movable_ops (sample of a bug)", cwd=clone)
    git("update-ref", "refs/heads/no-unregister", commit, cwd=clone)
    return clone, commit


def main():
    ap = argparse.ArgumentParser(prog="record-samples.py")
    ap.add_argument("kdir", nargs="?", default=str(cache.path("runtime", "series", "linux-6.12")))
    ap.add_argument("--rev", default="movable-ops")
    ap.add_argument("--out", default=str(HERE / "samples"))
    ap.add_argument("--cache", help="the runtime check's cache (default: its own default)")
    args = ap.parse_args()
    samples = {}
    say = lambda m: print(m, flush=True)  # noqa: E731

    result = run(args.kdir, rev=args.rev, negative_control=True, smp=2, negctl_mode="drop-first",
                 modules="both", log=say, cache_dir=args.cache)
    g, neg, static = result["guests"], result["negative_control"] or {}, \
        result["static_control"] or {}
    if not (g.get("builtin", {}).get("ok") and g.get("modular", {}).get("ok")):
        sys.exit(f"record-samples: the check did not pass in both guests ({result['summary']})")
    if not neg.get("ok") or "PageOffline" not in (neg.get("mutation") or ""):
        sys.exit(f"record-samples: the drop-first negative control is not the PageOffline "
                 f"branch's, or did not fail as it should ({neg.get('mutation')})")
    if not static.get("ok"):
        sys.exit("record-samples: no static-dispatch control that failed as it should "
                 f"({static.get('skipped') or static.get('reasons')})")
    leak = result["leak_control"] or {}
    if not leak.get("ok"):
        sys.exit("record-samples: no registration-leak control that failed as it should "
                 f"({leak.get('skipped') or leak.get('reasons')})")
    plan = g["modular"]["kernel"]["modules"]
    samples["pass"] = logs(g["builtin"]["run"])
    samples["negctl-no-balloon-branch"] = logs(neg["run"])
    samples["modular-pass"] = logs(g["modular"]["run"], plan)
    samples["modular-static-dispatch"] = logs(static["run"], plan)
    samples["modular-registration-leak"] = logs(leak["run"], plan)

    result = run(args.kdir, rev=args.rev, negative_control=True, smp=2, negctl_mode="drop-last",
                 modules="no", log=say, cache_dir=args.cache)
    neg = result["negative_control"] or {}
    if not neg.get("ok") or "PageZsmalloc" not in (neg.get("mutation") or ""):
        sys.exit(f"record-samples: the drop-last negative control is not the PageZsmalloc "
                 f"branch's, or did not fail as it should ({neg.get('mutation')})")
    samples["negctl-no-zsmalloc-branch"] = logs(neg["run"])

    with tempfile.TemporaryDirectory(prefix="movops-samples-") as work:
        clone, commit = no_unregister_commit(args.kdir, args.rev, work)
        result = run(clone, rev=commit, negative_control=False, static_control=False,
                     leak_control=False, smp=2, modules="only", log=say, cache_dir=args.cache)
        mod = result["guests"].get("modular") or {}
        if mod.get("ok") or not mod.get("run") or not any(
                "insmod zsmalloc" in r for r in mod["reasons"]):
            sys.exit("record-samples: the modular guest without the unregistration did not "
                     f"fail on loading zsmalloc again ({mod.get('reasons')})")
        samples["modular-no-unregister"] = logs(mod["run"], mod["kernel"]["modules"])

    out = Path(args.out)
    for name, (console, ctl, plan_) in samples.items():
        (out / f"{name}.console").write_bytes(console)
        (out / f"{name}.ctl").write_text(ctl)
        if plan_ is not None:
            (out / f"{name}.plan.json").write_text(json.dumps(plan_, indent=1) + "\n")
        print(f"wrote {out / name}.console, .ctl" + (", .plan.json" if plan_ else ""))


if __name__ == "__main__":
    main()
