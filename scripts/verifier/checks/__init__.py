# SPDX-License-Identifier: GPL-2.0
"""The checks' verdicts: pure functions of the build matrix
(verifier/matrix.py) and the series, or of what a search found, each
returning a report.CheckResult (times are the caller's: it knows what the
work cost).  golden is verifier/golden.py's.

  build.py       build (one row per target: build, build-x86_64-clang, ...)
  w1.py          w1: new warnings only W=1 shows
  sparse.py      sparse: no new sparse warning at the tip
  bisect.py      bisect: every commit builds in every build
  lines.py       changed-lines: the compiler sees every changed line
  configs.py     configs: every planned configuration could be made
  configspace.py configspace: the configuration-space proof's verdicts
  users.py       users: every user of a changed definition builds cleanly
  kerneldoc.py   kernel-doc: no new kernel-doc warning in the changed files
  oldapi.py      old-api-gone (the search: verifier/oldapi.py)
  checkpatch.py  checkpatch (the runs: verifier/checkpatch.py)
  stable.py      stable (only for a series in the stable form)

newdiags.py is the one comparison they share: what a commit's build has
that the base's has not.
"""
