# SPDX-License-Identifier: GPL-2.0
"""bisect: every commit of the series before the tip builds in every
configuration of every target, with no compiler or objtool diagnostic the
base does not have.  (The tip is the build rows': build, build-TARGET and
w1 judge it, each for its own builds.)

A configuration with a W=1 twin is judged by the twin between the base
and the tip (Matrix.stand_in()): what 0-day and NIPA report of each patch
with W=1, bisect reports of each commit."""
from kbuildengine import diag
from ..matrix import W1
from ..report import CheckResult
from .newdiags import BROKEN, NEW, compare
from .build import TOOLS


def check(matrix, series):
    """MATRIX: every build (Matrix.view() of the plain configurations and
    their W=1 twins)."""
    r = CheckResult("bisect")
    plain = [n for n in matrix.configs if not n.endswith(W1)]
    if not plain:
        r.fail("no configuration could be made (see configs)")
        return r
    # Each commit's builds: a configuration's own, or its W=1 twin's.
    built = {c.sha: [matrix.stand_in(c.sha, p) for p in plain] for c in series.commits}
    n = len(series.commits)
    bad_steps = 0
    for i, c in enumerate(series.commits[:-1], 1):
        for name in built[c.sha]:
            cell = matrix.cell(c.sha, name)
            problems = [f"make: {e}" for e in cell.make_errors]
            # An object the base cannot build either is build's to report.
            for o, what, x in compare(cell, matrix.cell(matrix.base, name), TOOLS):
                if what == BROKEN:
                    problems.append(f"{o} does not build: " + x.first_errors())
                elif what == NEW:
                    problems.append(f"{o}: new {diag.fmt(x)}")
            if problems:
                bad_steps += 1
                r.fail(f"commit {i}/{n} {c.sha[:12]} {c.subject!r} "
                       f"[{name}]:\n  " + "\n  ".join(problems[:8]))
    r.count = bad_steps
    # How each commit was built: make, or its recorded compile commands
    # (Builder.build()); a build taken from the store says how it was made.
    builds = [{"commit": c.sha, "config": name,
               "how": matrix.cell(c.sha, name).how,
               "why_make": matrix.cell(c.sha, name).why_make}
              for c in series.commits for name in built[c.sha]]
    direct = sum(1 for b in builds if b["how"].startswith("direct"))
    twins = sum(1 for p in plain if p + W1 in matrix.configs)
    r.data = {"builds": builds}
    r.summary = (f"{n - 1} commits before the tip x {len(plain)} configs"
                 f"{f' ({twins} of them with W=1)' if twins and n > 1 else ''}; "
                 f"{bad_steps} failing ({direct} of {len(builds)} built without make)")
    return r
