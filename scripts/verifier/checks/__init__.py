# SPDX-License-Identifier: GPL-2.0
"""The checks' verdicts: pure functions of the build matrix
(verifier/matrix.py) and the series, or of what a search found, each
returning a report.CheckResult (times are the caller's: it knows what the
work cost).  golden is verifier/golden.py's.

  build          build.py
  sparse         sparse.py
  bisect         bisect.py
  changed-lines  lines.py
  configs        configs.py
  configspace    configspace.py
  old-api-gone   oldapi.py (the search: verifier/oldapi.py)
  checkpatch     checkpatch.py (the runs: verifier/checkpatch.py)
  stable         stable.py (only for a series in the stable form)

newdiags.py is the one comparison they share: what a commit's build has
that the base's has not.
"""
