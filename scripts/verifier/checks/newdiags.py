# SPDX-License-Identifier: GPL-2.0
"""What one build (a Cell of the matrix) has that an earlier one of the
same configuration has not: the comparison behind build, sparse and
bisect."""
from kbuildengine import diag

BROKEN = "broken"                   # the object does not build
BROKEN_BEFORE = "broken-before"     # it builds, but not in the earlier build
NEW = "new"                         # a diagnostic the earlier build does not have


def compare(cell, before, kinds):
    """[(object, what, payload)] for CELL against BEFORE (a Cell or None),
    objects in name order.  KINDS: the diagnostics compared (matrix.KINDS).
    An object that does not build is BROKEN (payload: its Obj); one whose
    earlier build failed is BROKEN_BEFORE (payload: that Obj) and has no
    diagnostics compared; otherwise each NEW diagnostic (diag.new_diags:
    matched without line numbers, as a multiset) is one entry."""
    out = []
    for o, e in sorted(cell.objects.items()):
        if not e.ok:
            out.append((o, BROKEN, e))
            continue
        bo = before.objects.get(o) if before is not None else None
        if bo is not None and not bo.ok:
            out.append((o, BROKEN_BEFORE, bo))
            continue
        old = bo.diagnostics(kinds) if bo is not None else []
        out += [(o, NEW, d) for d in diag.new_diags(old, e.diagnostics(kinds))]
    return out
