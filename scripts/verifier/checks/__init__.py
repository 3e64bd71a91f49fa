# SPDX-License-Identifier: GPL-2.0
"""The checks that judge the build matrix (verifier/matrix.py): pure
functions of a Matrix and the series, each returning a report.CheckResult
(times are the caller's: it knows what the builds cost).

  build          build.py
  sparse         sparse.py
  bisect         bisect.py
  changed-lines  lines.py
  configs        configs.py
  configspace    configspace.py

newdiags.py is the one comparison they share: what a commit's build has
that the base's has not.
"""
