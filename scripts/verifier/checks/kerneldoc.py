# SPDX-License-Identifier: GPL-2.0
"""kernel-doc: no commit of the series has a kernel-doc warning (-Wall)
in the files the series changes that the base has not (matched as the
other diagnostics are, without line numbers: diag.new_diags)."""
from kbuildengine import diag
from ..report import CheckResult


def check(runs, files, series):
    """RUNS: {commit: (warnings, error)} of verifier/kerneldoc.run_at() at
    the base and every commit of SERIES; FILES: the files it read."""
    r = CheckResult("kernel-doc")
    base, berr = runs[series.base]
    if berr:
        r.fail(f"base: {berr}")
    new_total = 0
    n = len(series.commits)
    for i, c in enumerate(series.commits, 1):
        got, err = runs[c.sha]
        if err:
            r.fail(f"commit {i}/{n} {c.sha[:12]}: {err}")
            continue
        new = diag.new_diags(base, got)
        new_total += len(new) if c.sha == series.tip else 0
        for d in new:
            r.fail(f"commit {i}/{n} {c.sha[:12]} {c.subject!r}: new {diag.fmt(d)}")
    tip = runs[series.tip][0]
    r.count = new_total
    r.summary = (f"scripts/kernel-doc -none -Wall on {len(files)} files at the base and "
                 f"{n} commits: {len(base)} warnings at the base, {len(tip)} at the tip, "
                 f"{new_total} new at the tip")
    r.data = {"files": files, "base": len(base), "tip": len(tip)}
    return r
