# SPDX-License-Identifier: GPL-2.0
"""w1: no warning at the tip that only W=1 shows, new since the base.

Every target's first configuration is built with W=1 (the kernel's
extra warnings, which 0-day and NIPA build with and report new ones of)
at every commit (bisect judges the commits in between), and without it
at the base and the tip only where the W=1 build shows something new
(plain_needed()), so a plain build absent here had nothing new.  What
the W=1 build of an object has new at the tip, less what the plain
build of the same object has new (the build rows report that, and a
broken object too), is this row's: the warnings W=1 adds and the series
brings."""
from collections import Counter

from kbuildengine import diag
from ..matrix import W1 as SUFFIX
from ..report import CheckResult
from .build import TOOLS
from .newdiags import BROKEN, NEW, compare


def plain_needed(matrix, plain):
    """Whether the builds of the configuration PLAIN at the base and the
    tip are needed beside its W=1 twin's: the twin's show something new at
    the tip (a diagnostic, an object that does not build, make's own
    error), and only the plain builds tell what of it W=1 alone shows.
    Where the twin shows nothing new, neither would PLAIN: a W=1 build
    shows every diagnostic a plain one does."""
    twin = plain + SUFFIX
    if twin not in matrix.configs:
        return False
    tip, base = matrix.cell(matrix.tip, twin), matrix.cell(matrix.base, twin)
    return bool(tip.make_errors or base.make_errors or compare(tip, base, TOOLS))


def check(matrix, skip=()):
    """MATRIX: the builds of every configuration (Matrix.view() of the
    W=1 ones and their plain twins, named NAME and NAME+W1); SKIP: objects
    another row judges (the users')."""
    r = CheckResult("w1")
    pairs = [(c, c[:-len(SUFFIX)]) for c in matrix.configs
             if c.endswith(SUFFIX) and c[:-len(SUFFIX)] in matrix.configs]
    if not pairs:
        r.fail("no W=1 build could be made (see configs)")
        return r
    new = 0
    for w, plain in pairs:
        # A plain configuration not built at the tip (matrix.py): its W=1
        # twin has nothing new there.
        plain_new = []
        if (matrix.tip, plain) in matrix.cells:
            plain_new = compare(matrix.cell(matrix.tip, plain), matrix.cell(matrix.base, plain),
                                TOOLS)
        seen = Counter(diag.key(x) for o, what, x in plain_new if what == NEW)
        broken = {o for o, what, _ in plain_new if what == BROKEN}
        for o, what, x in compare(matrix.cell(matrix.tip, w), matrix.cell(matrix.base, w),
                                  TOOLS):
            if o in skip or o in broken:
                continue
            if what == BROKEN:
                r.fail(f"[{w}] {o} does not build with W=1 at the tip: {x.first_errors()}")
            elif what == NEW:
                k = diag.key(x)
                if seen[k] > 0:
                    seen[k] -= 1
                    continue
                new += 1
                r.fail(f"[{w}] {o}: new {diag.fmt(x)}")
    at_base = sum(len(e.cc) for w, _ in pairs
                  for e in matrix.cell(matrix.base, w).objects.values())
    r.count = new
    r.summary = (f"W=1 builds of {len(pairs)} targets: {new} new warnings only W=1 shows "
                 f"({at_base} compiler warnings at the base with W=1)")
    r.data = {"configs": [w for w, _ in pairs]}
    return r
