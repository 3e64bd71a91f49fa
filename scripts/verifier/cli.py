# SPDX-License-Identifier: GPL-2.0
"""Command line of scripts/verify.py."""
import argparse
import os
import re
import sys
from pathlib import Path

from core.errors import EXIT_NO, EXIT_OK, EXIT_USAGE, BadInput, EnvironmentFailure
from kbuildengine import targets
from movops.gitobjects import pin_config

from . import report, runtime
from .commits import DEFAULT_BRANCH
from .run import verify


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"verify: {message}; see verify.py --help\n")


def parser():
    p = _Parser(
        prog="verify.py",
        description="Check a movable_ops series made by apply-series.sh on a kernel "
                    "tree the way build bots and reviewers would: old API gone, "
                    "derived configurations, build, changed-line proof, sparse, "
                    "bisectability, checkpatch and the golden patches.",
        epilog="Exit status: 0 every check passed (or was skipped), 1 a check failed "
               "or the verifier could not do its work, 2 bad input (KDIR, branch, base, "
               "options).")
    p.add_argument("kdir", metavar="KDIR", help="the kernel tree (a git tree) holding the series")
    p.add_argument("--base", metavar="REV",
                   help="commit the series starts from (default: where the branch leaves "
                        "the other local branches, or else where apply-series.sh's commits "
                        "start)")
    p.add_argument("--branch", metavar="NAME", default=DEFAULT_BRANCH,
                   help=f"the series branch (default {DEFAULT_BRANCH})")
    p.add_argument("--json", metavar="FILE", help="also write the report as JSON to FILE")
    p.add_argument("--build-dir", metavar="DIR",
                   help="cache directory for the worktree, build directories and stored "
                        "results (default $MOVOPS_CACHE/verify/<hash of KDIR>); a fresh "
                        "one gives a cold run")
    p.add_argument("--config", metavar="FILE", action="append", default=[],
                   help="also build the series in this configuration of yours (a .config, "
                        "e.g. a distribution's; repeatable): olddefconfig on the base, the "
                        "affected objects at every commit, and the configuration-space "
                        "proof compared with its preprocessed dispatch")
    p.add_argument("--targets", metavar="LIST",
                   help="the build targets, comma-separated, or 'all' (default: every "
                        "target whose toolchain is installed or installable; known: "
                        f"{', '.join(targets.TARGETS)}); a target that cannot be had is "
                        "listed as not covered, with the reason")
    p.add_argument("-j", "--jobs", type=int, default=None, help="make -j (default: cores)")
    p.add_argument("--runtime", action="store_true",
                   help="also boot the tip in QEMU and watch balloon and zsmalloc pages "
                        "migrate (scripts/bootcheck, as scripts/runtime-check.py does): "
                        "rows 'runtime-builtin' and 'runtime-modular'; kernel builds, "
                        "minutes when not cached")
    from bootcheck.check import DEFAULT_MODULES, MODULES_MODES
    p.add_argument("--modules", choices=list(MODULES_MODES), default=DEFAULT_MODULES,
                   help="with --runtime: the built-in guest ('no'), the modular one "
                        "('only') or both (default: %(default)s)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    return p


def main(argv=None):
    # verify parses git's output and regenerates the series' patches: the
    # user's color, grep and diff settings must not reach it.
    pin_config()
    p = parser()
    try:
        args = p.parse_args(argv)
    except SystemExit as e:
        return EXIT_USAGE if e.code not in (0, None) else EXIT_OK
    if args.jobs is not None and args.jobs < 1:
        print(f"verify: -j {args.jobs}: give a number of jobs of at least 1", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        # Found out now, not after minutes of building.
        parent = Path(args.json).expanduser().resolve().parent
        if not parent.is_dir() or not os.access(parent, os.W_OK):
            print(f"verify: --json {args.json}: {parent} is not a writable directory",
                  file=sys.stderr)
            return EXIT_USAGE
    for c in args.config:
        path = Path(c).expanduser()
        if not path.is_file() or not os.access(path, os.R_OK):
            print(f"verify: --config {c}: no such readable file; give a kernel .config",
                  file=sys.stderr)
            return EXIT_USAGE
        if not re.search(r"^(CONFIG_\w+=|# CONFIG_\w+ is not set)", path.read_text(
                errors="replace"), re.M):
            print(f"verify: --config {c}: not a kernel configuration (no CONFIG_ lines); "
                  "give a .config file (decompress a config.*.xz first)", file=sys.stderr)
            return EXIT_USAGE
    chosen = None
    if args.targets is not None:
        try:
            chosen = targets.parse(args.targets)
        except ValueError as e:
            print(f"verify: --targets {args.targets}: {e}", file=sys.stderr)
            return EXIT_USAGE
    try:
        extra_checks = [runtime.checker(args.modules)] if args.runtime else []
        results, series, extra = verify(args.kdir, args.branch, args.base, args.build_dir,
                                        args.quiet, args.jobs, extra_checks,
                                        [str(Path(c).expanduser()) for c in args.config],
                                        chosen)
    except BadInput as e:
        print(f"verify: {e}", file=sys.stderr)
        return e.status
    except EnvironmentFailure as e:
        print(f"verify: error: {e}", file=sys.stderr)
        return e.status
    print(report.table(results, extra.get("time_s")))
    text = report.details_text(results)
    if text:
        print()
        print(text)
    if args.json:
        report.write_json(args.json, report.to_json(series, results, extra))
    return EXIT_OK if all(r.ok for r in results) else EXIT_NO
