# SPDX-License-Identifier: GPL-2.0
"""Verification of a movable_ops series on a real kernel tree.

    from verifier import verify
    results, series, extra = verify(kdir, branch="movable-ops")

scripts/verify.py is the command line; runner.py describes how the work is
shared between the checks, and each check's module says how it works.

The modules:

  run.py         verify(): the series, the targets, the build directory and
                 its lock, the Verification through its phases
  runner.py      Verification: the worktree, the configurations, the build
                 matrix, the rows of the builds
  background.py  Background: the checks beside the builds (API grep,
                 kernel-doc, configspace, old-API search, checkpatch, golden)
  stablerow.py   the stable row, with what it needs from git
  commits.py     the series: base, commits, changes, affected objects
  configs.py     the build configurations derived from the tree and series
  matrix.py      the build matrix (commit x configuration) and its Engine
  worktree.py    the private, partial checkout the builds read
  users.py       the users of what the series changes
  clines.py      which lines of a C file carry code (changed-lines)
  configspace.py the configuration-space proof
  oldapi.py      the old-API search (spatch with old-api.cocci, git grep)
  checkpatch.py  checkpatch.pl runs on the patches
  kerneldoc.py   kernel-doc runs at the base and every commit
  golden.py      the series against the reviewed golden series
  content.py     a series' content, for comparing it with its golden
  runtime.py     the runtime rows (verify.py --runtime, scripts/bootcheck)
  report.py      the rows (CheckResult), their table and JSON
  progress.py    the progress lines and where the time went
  cli.py         the command line of scripts/verify.py
  checks/        the verdicts: pure functions (checks/__init__.py)

Each row and where it is made:

  old-api-gone   oldapi.py + old-api.cocci
  configs        configs.py, checks/configs.py
  build, sparse, bisect   matrix.py (builds by kbuildengine/build.py) +
                 checks/build.py, checks/sparse.py, checks/bisect.py
                 (diagnostics matched by kbuildengine/diag.py, compared by
                 checks/newdiags.py)
  w1             checks/w1.py (the W=1 builds of the matrix)
  users          users.py + checks/users.py
  kernel-doc     kerneldoc.py + checks/kerneldoc.py
  changed-lines  matrix.Engine.mark_lines + checks/lines.py + clines.py
  configspace    configspace.py + checks/configspace.py
  checkpatch     checkpatch.py + checks/checkpatch.py
  golden         golden.py
  stable         checks/stable.py (only for a series in the stable form:
                 apply-series.sh --stable)
  runtime        runtime.py (only with verify.py --runtime: scripts/bootcheck)
"""
from .run import verify
from core.errors import BadInput, EnvironmentFailure

__all__ = ["verify", "BadInput", "EnvironmentFailure"]
