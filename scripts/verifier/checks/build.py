# SPDX-License-Identifier: GPL-2.0
"""build (one row per target: build, build-x86_64-clang, ...) and w1:
every affected object builds at the tip in every configuration of the
row that enables it, with no compiler or objtool diagnostic the base
does not have, and (COVERAGE) each one that the target can build is
built in at least one of them."""
from kbuildengine import diag
from ..report import CheckResult
from .newdiags import BROKEN, BROKEN_BEFORE, NEW, compare

TOOLS = ("cc", "objtool")


def check(matrix, objects, at_tip, name="build", coverage=True, target="", skip=()):
    """MATRIX: the row's builds (Matrix.view()); OBJECTS: the affected
    objects this target can build; AT_TIP: those whose source the tip has
    (an object only a commit in the middle had is bisect's); SKIP: objects
    another row judges (the users': checks/users.py)."""
    r = CheckResult(name)
    if not matrix.configs:
        r.fail("no configuration could be made (see configs)")
        return r
    built_anywhere = set()
    errors = new_warn = 0
    for cfg in matrix.configs:
        base = matrix.cell(matrix.base, cfg)
        tip = matrix.cell(matrix.tip, cfg)
        for e in tip.make_errors:
            r.fail(f"[{cfg}] make: {e}")
            errors += 1
        built_anywhere |= set(tip.objects)
        for o, what, x in compare(tip, base, TOOLS):
            if o in skip:
                continue
            if what == BROKEN:
                errors += 1
                r.fail(f"[{cfg}] {o} does not build at the tip: " + x.first_errors())
            elif what == BROKEN_BEFORE:
                r.fail(f"[{cfg}] {o} does not build at the base either: "
                       + x.first_errors())
            elif what == NEW:
                new_warn += 1
                r.fail(f"[{cfg}] {o}: new {diag.fmt(x)}")
    missing = [o for o in objects if o not in built_anywhere and o in at_tip and o not in skip]
    for o in missing if coverage else ():
        why = "; ".join(f"{n}: {matrix.cell(matrix.tip, n).skipped.get(o, 'did not build')}"
                        for n in matrix.configs)
        r.fail(f"{o}: built in no configuration ({why})")
        errors += 1
    r.count = errors + new_warn
    r.summary = (f"{target + ': ' if target else ''}{len(built_anywhere - set(skip))} objects x "
                 f"{len(matrix.configs)} configs at base and tip; {errors} failing, "
                 f"{new_warn} new warnings")
    r.data = {"target": target, "configs": list(matrix.configs),
              "objects": sorted(built_anywhere - set(skip))}
    return r
