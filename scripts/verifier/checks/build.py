# SPDX-License-Identifier: GPL-2.0
"""build: every affected object builds at the tip in every configuration
that enables it, with no compiler or objtool diagnostic the base does not
have, and each one is built in at least one configuration."""
from .. import diag
from ..report import CheckResult
from .newdiags import BROKEN, BROKEN_BEFORE, NEW, compare

TOOLS = ("cc", "objtool")


def check(matrix, objects, at_tip):
    """OBJECTS: the affected objects; AT_TIP: those whose source the tip
    has (an object only a commit in the middle had is bisect's)."""
    r = CheckResult("build")
    if not matrix.configs:
        r.fail("no configuration could be made (see configs)")
        return r
    built_anywhere = set()
    errors = new_warn = 0
    for name in matrix.configs:
        base = matrix.cell(matrix.base, name)
        tip = matrix.cell(matrix.tip, name)
        for e in tip.make_errors:
            r.fail(f"[{name}] make: {e}")
            errors += 1
        built_anywhere |= set(tip.objects)
        for o, what, x in compare(tip, base, TOOLS):
            if what == BROKEN:
                errors += 1
                r.fail(f"[{name}] {o} does not build at the tip: " + x.first_errors())
            elif what == BROKEN_BEFORE:
                r.fail(f"[{name}] {o} does not build at the base either: "
                       + x.first_errors())
            elif what == NEW:
                new_warn += 1
                r.fail(f"[{name}] {o}: new {diag.fmt(x)}")
    for o in objects:
        if o not in built_anywhere and o in at_tip:
            why = "; ".join(f"{n}: {matrix.cell(matrix.tip, n).skipped.get(o, '?')}"
                            for n in matrix.configs)
            r.fail(f"{o}: built in no configuration ({why})")
            errors += 1
    r.count = errors + new_warn
    r.summary = (f"{len(built_anywhere)} objects x {len(matrix.configs)} configs at base and "
                 f"tip; {errors} failing, {new_warn} new warnings")
    return r
