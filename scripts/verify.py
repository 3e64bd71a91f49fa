#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""verify.py - check a movable_ops series the way the kernel's build bots
and reviewers would.

Usage: scripts/verify.py [--base REV] [--branch NAME] [--json FILE]
                         [--build-dir DIR] [-j N] [--runtime [--modules both|no|only]]
                         [-q] KDIR

Verifies the commits between the base (default: where the series branch
leaves the other local branches, or where apply-series.sh's commits start)
and the branch (default movable-ops) of the git tree KDIR, without building
in or writing to KDIR.  Checks: old-api-gone, configs, build,
changed-lines, sparse, bisect, checkpatch, golden (see scripts/verifier/);
with --runtime also the QEMU boot check of scripts/bootcheck, one row per
guest (built-in, modular; --modules chooses).  Prints one
row per check; --json writes the same with a top-level "ok".

Exit: 0 every check passed or was skipped, 1 a check failed, 2 bad input,
3 the verifier could not do its work (README.md, "Exit status").
"""
import sys


from verifier.cli import main

if __name__ == "__main__":
    sys.exit(main())
