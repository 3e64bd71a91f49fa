# SPDX-License-Identifier: GPL-2.0
"""Verification of a movable_ops series on a real kernel tree.

    from verifier import verify
    results, series, extra = verify(kdir, branch="movable-ops")

scripts/verify.py is the command line; runner.py describes how the work is
shared between the checks, and each check's module says how it works:

  old-api-gone   oldapi.py + old-api.cocci
  configs        configs.py, checks/configs.py
  build, sparse, bisect   matrix.py (builds by builder.py) + checks/build.py,
                 checks/sparse.py, checks/bisect.py (diagnostics matched by
                 diag.py, compared by checks/newdiags.py)
  changed-lines  matrix.Engine.mark_lines + checks/lines.py + clines.py
  configspace    configspace.py + checks/configspace.py
  checkpatch     checkpatch.py
  golden         golden.py
  stable         checks/stable.py (only for a series in the stable form:
                 apply-series.sh --stable)
  runtime        runtime.py (only with verify.py --runtime: scripts/bootcheck)
"""
from .run import verify
from core.errors import BadInput, EnvironmentFailure

__all__ = ["verify", "BadInput", "EnvironmentFailure"]
