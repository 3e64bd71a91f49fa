#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""record-samples.py - record tests/runtime/samples/ from real guest runs.

Usage: tests/runtime/record-samples.py [--rev REV] [--out DIR] [KDIR]

KDIR is the converted 6.12 tree (default: the one the runtime test keeps,
$MOVOPS_CACHE/runtime/series/linux-6.12, branch movable-ops).  Runs the
runtime check twice, with the default negative control (the dispatch
without its first branch, the balloon's) and with 'drop-last' (without the
zsmalloc branch), and copies what the runs left behind, unedited:

  pass.*                       the check's guest run (2 CPUs)
  negctl-no-balloon-branch.*   the first negative control
  negctl-no-zsmalloc-branch.*  the second one

.console is the run's console.log as it is, .ctl its ctl.log without the
host timestamps.  Stops without writing anything when a run does not end
as its sample must (the check passing, each negative control failing).
"""
import argparse
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "scripts"))

from bootcheck import run  # noqa: E402

CACHE = Path(os.environ.get("MOVOPS_CACHE", Path.home() / ".cache" / "movops"))


def logs(run_):
    d = Path(run_["logs"])
    console = (d / "console.log").read_bytes()
    ctl = "".join(re.sub(r"^ *\d+\.\d+ ", "", l) + "\n"
                  for l in (d / "ctl.log").read_text().splitlines())
    return console, ctl


def main():
    ap = argparse.ArgumentParser(prog="record-samples.py")
    ap.add_argument("kdir", nargs="?", default=str(CACHE / "runtime" / "series" / "linux-6.12"))
    ap.add_argument("--rev", default="movable-ops")
    ap.add_argument("--out", default=str(HERE / "samples"))
    args = ap.parse_args()
    samples = {}
    for mode, branch, name in (("drop-first", "PageOffline", "negctl-no-balloon-branch"),
                               ("drop-last", "PageZsmalloc", "negctl-no-zsmalloc-branch")):
        result = run(args.kdir, rev=args.rev, negative_control=True, smp=2,
                     negctl_mode=mode, log=lambda m: print(m, flush=True))
        neg = result["negative_control"] or {}
        if not (result["runs"] and result["runs"][0]["ok"]):
            sys.exit(f"record-samples: the check did not pass ({result['summary']})")
        if not neg.get("ok") or branch not in (neg.get("mutation") or ""):
            sys.exit(f"record-samples: the {mode} negative control is not the {branch} "
                     f"branch's, or did not fail as it should ({neg.get('mutation')})")
        if "pass" not in samples:
            samples["pass"] = logs(result["runs"][0])
        samples[name] = logs(neg["run"])
    out = Path(args.out)
    for name, (console, ctl) in samples.items():
        (out / f"{name}.console").write_bytes(console)
        (out / f"{name}.ctl").write_text(ctl)
        print(f"wrote {out / name}.console, .ctl")


if __name__ == "__main__":
    main()
