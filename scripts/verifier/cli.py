# SPDX-License-Identifier: GPL-2.0
"""Command line of scripts/verify.py."""
import os
import re
import sys
from pathlib import Path

from core import paths
from core.cli import Parser
from core.errors import (EXIT_INTERRUPTED, EXIT_NO, EXIT_OK, EXIT_USAGE, BadInput,
                         EnvironmentFailure)
from core.proc import interrupt_on_signals
from kbuildengine import targets
from movops.gitobjects import pin_config

from . import report, runtime
from .commits import DEFAULT_BRANCH
from .run import check_build_dir, verify


def parser():
    p = Parser(
        prog="verify.py",
        description="Check a movable_ops series made by apply-series.sh on a kernel "
                    "tree the way build bots and reviewers would: old API gone, "
                    "derived configurations, build, changed-line proof, sparse, "
                    "bisectability, checkpatch and the golden patches.",
        epilog="Exit status: 0 every check passed (or was skipped), 1 a check failed, "
               "2 bad input (KDIR, branch, base, options), 3 the verifier could not do its "
               "work (a command failed, a tool is missing), 130 interrupted (SIGINT, "
               "SIGTERM).")
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


def check_inputs(args):
    """The options that name files, before any work; BadInput in one line."""
    if args.json:
        paths.new_file(args.json, "--json", ours=paths.json_with_keys("ok", "checks", "kdir"),
                       tool="verify.py")
    if args.build_dir:
        check_build_dir(Path(args.build_dir).expanduser())
    # A --config is built by the host's target (run.py): the architecture
    # its own =y symbols name must be that one's (kbuildengine/targets.py).
    host = targets.TARGETS[targets.HOST]
    for c in args.config:
        path = Path(c).expanduser()
        if path.is_dir():
            raise BadInput(f"--config {c}: a directory; give a kernel .config file")
        if not path.is_file() or not os.access(path, os.R_OK):
            raise BadInput(f"--config {c}: no such readable file; give a kernel .config")
        text = path.read_text(errors="replace")
        if not re.search(r"^(CONFIG_\w+=|# CONFIG_\w+ is not set)", text, re.M):
            raise BadInput(f"--config {c}: not a kernel configuration (no CONFIG_ lines); "
                           "give a .config file (decompress a config.*.xz first)")
        symbol = targets.of_config(text)
        off = re.search(rf"^# CONFIG_{host.config_symbol} is not set", text, re.M)
        if (symbol and symbol != host.config_symbol) or off:
            what = f"CONFIG_{symbol}=y" if symbol else f"CONFIG_{host.config_symbol} off"
            raise BadInput(f"--config {c}: a configuration of another architecture ({what}), "
                           f"and verify builds a --config with {host.name}; give a "
                           f"{host.arch} configuration (CONFIG_{host.config_symbol}=y)")


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
    try:
        # Found out now, not after minutes of building.
        check_inputs(args)
    except BadInput as e:
        print(f"verify: {e}", file=sys.stderr)
        return e.status
    chosen = None
    if args.targets is not None:
        try:
            chosen = targets.parse(args.targets)
        except ValueError as e:
            print(f"verify: --targets {args.targets}: {e}", file=sys.stderr)
            return EXIT_USAGE
    # SIGTERM ends the run as Ctrl-C does: its commands stop, the build
    # directories keep no half-made object, the worktree's temporary
    # files go (Verification.cleanup()).
    interrupt_on_signals()
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
    except KeyboardInterrupt:
        print(f"verify: interrupted; {args.kdir} was not changed", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(report.table(results, extra.get("time_s")))
    text = report.details_text(results)
    if text:
        print()
        print(text)
    if args.json:
        report.write_json(args.json, report.to_json(series, results, extra))
    return EXIT_OK if all(r.ok for r in results) else EXIT_NO
