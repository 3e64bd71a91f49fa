# SPDX-License-Identifier: GPL-2.0
"""verify(): the run from its command line to its rows: the series, the
targets (those that cannot be had listed as not covered), the cache
directory and its lock, the Verification (runner.py) through its phases,
and what the report says besides the rows."""
import hashlib
import time
from pathlib import Path

from core import cache, deps, paths
from core.errors import BadInput, EnvironmentFailure
from core.locks import Lock
from kbuildengine import targets as tg

from . import commits as ser
from .progress import Progress
from .report import CHECKS
from .runner import Verification


def default_root(kdir):
    h = hashlib.sha256(str(Path(kdir).resolve()).encode()).hexdigest()[:12]
    return cache.path("verify", h)


def ensure_deps():
    if not deps.ensure("verify"):
        raise EnvironmentFailure("missing build tools; see the line above")


MARKER = ".movops-verify"


def check_build_dir(root):
    """BadInput unless ROOT is a directory, or one that can be made."""
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise BadInput(f"--build-dir {root}: not a directory; give a new or empty directory")
    if not root.exists():
        above = next(p for p in root.absolute().parents if p.exists())
        why = paths.cannot_write(above) if above.is_dir() else "not a directory"
        if why:
            raise BadInput(f"--build-dir {root}: cannot be made in {above} ({why}); give a "
                           "directory where you can write")


def claim_root(root):
    """Make ROOT a verify directory; refuse a non-empty directory that is not
    one already (the verifier deletes and rewrites things inside it)."""
    check_build_dir(root)
    if root.exists() and any(root.iterdir()) and not (root / MARKER).exists():
        raise BadInput(f"--build-dir {root} is not empty and was not made by verify.py; "
                       "give a new or empty directory")
    root.mkdir(parents=True, exist_ok=True)
    (root / MARKER).write_text("verify.py cache directory: worktree, build "
                               "directories and stored results; safe to delete\n")


def choose_targets(wanted, progress):
    """(the targets to build, {target: why not} for those of WANTED (a
    list of targets.Target; None: every target) that cannot be had).
    Missing toolchains are installed first (core.deps); the host's target
    leads when it is built: its configurations are derived in full."""
    asked = list(wanted) if wanted is not None else list(tg.TARGETS.values())
    ok, not_covered = [], {}
    for t in asked:
        a = tg.available(t, log=progress)
        if a.ok:
            ok.append(t)
        else:
            not_covered[t.name] = a.why
    for name in tg.TARGETS:
        if all(t.name != name for t in asked):
            not_covered[name] = "not among --targets"
    ok.sort(key=lambda t: t.name != tg.HOST)
    return ok, not_covered


def verify(kdir, branch=ser.DEFAULT_BRANCH, base=None, build_dir=None, quiet=False,
           jobs=None, extra_checks=(), user_configs=(), targets=None):
    """Run every check; returns (results, series, extra).

    EXTRA_CHECKS: callables f(verification) -> CheckResult (or a list of
    them), run last, whose rows follow the standard ones (the place for the
    runtime boot check).  TARGETS: the targets.Target to build (default:
    every target whose toolchain is installed or installable).
    Raises BadInput for input that cannot be verified.
    """
    progress = Progress(quiet)
    t_all = time.monotonic()
    series = ser.resolve(kdir, branch, base)
    progress(f"{series.kdir}: {series.describe()}, Linux {series.version}")
    # The build directory before any work (installing packages included).
    root = Path(build_dir).expanduser().resolve() if build_dir else default_root(series.kdir)
    if root == series.kdir or series.kdir in root.parents:
        raise BadInput(f"--build-dir {root} is inside {series.kdir}; the tree gets no "
                       "build products: choose a directory outside it")
    claim_root(root)
    ensure_deps()
    chosen, not_covered = choose_targets(targets, progress)
    if not chosen:
        raise EnvironmentFailure("no target can be built here: " + "; ".join(
            f"{n}: {w}" for n, w in not_covered.items()))
    progress(f"targets: {', '.join(t.name for t in chosen)}"
             + (f"; not covered: {', '.join(not_covered)}" if not_covered else ""))
    with Lock(root / "lock",
              waiting=lambda p: progress(f"waiting for another verify run using {p.parent}")):
        # What a killed run left (its temporary directories carry its PID).
        for prefix in ("patches-", "oldapi-"):
            paths.sweep(prefix, root)
        v = Verification(series, root, progress, jobs, user_configs, chosen, not_covered)
        try:
            v.start_worktree()
            v.start_defconfig()
            v.background.start_grep()
            v.background.start_configspace()
            v.background.start_old_api()
            v.analyse()
            v.background.start_kerneldoc()
            progress(f"{len(v.objects)} affected objects: {' '.join(v.objects)}")
            v.complete_tree()
            # checkpatch fills the cores that the configuration's serial
            # steps (defconfig, conf) leave idle.
            v.background.start_checkpatch()
            v.configure()
            v.build_matrix()
            v.prove_lines()
            v.evaluate_builds()
            v.background.check_old_api()
            v.background.check_kerneldoc()
            v.background.check_configspace()
            v.background.check_checkpatch()
            v.background.check_golden()
            results = [v.results[n] for n in CHECKS]
            # The stable form has a row of its own (report.STABLE).
            stable_row = v.check_stable()
            if stable_row is not None:
                results.append(stable_row)
            for f in extra_checks:
                out = f(v)
                results += out if isinstance(out, list) else [out]
        finally:
            v.cleanup()
    extra = {"time_s": round(time.monotonic() - t_all, 2), "build_root": str(root),
             "cache": {"hits": v.store.hits, "misses": v.store.misses},
             "objects": v.objects,
             "targets": {"built": [t.name for t in v.targets], "not_covered": v.not_covered}}
    return results, series, extra
