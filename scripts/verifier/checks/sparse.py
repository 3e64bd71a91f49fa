# SPDX-License-Identifier: GPL-2.0
"""sparse: no sparse warning at the tip that the base does not have
(objects that build at both; a broken one is build's)."""
from kbuildengine import diag
from ..report import CheckResult
from .newdiags import NEW, compare


def check(matrix):
    r = CheckResult("sparse")
    if not matrix.configs:
        r.fail("no configuration could be made (see configs)")
        return r
    new = 0
    for name in matrix.configs:
        for o, what, d in compare(matrix.cell(matrix.tip, name),
                                  matrix.cell(matrix.base, name), ("sparse",)):
            if what == NEW:
                new += 1
                r.fail(f"[{name}] {o}: new {diag.fmt(d)}")
    at_base = sum(len(e.sparse) for n in matrix.configs
                  for e in matrix.cell(matrix.base, n).objects.values())
    r.count = new
    r.summary = (f"{new} new sparse warnings ({at_base} at the base, "
                 "matched without line numbers)")
    return r
