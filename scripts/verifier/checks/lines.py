# SPDX-License-Identifier: GPL-2.0
"""changed-lines: the compiler sees every changed line of code (JMake's
idea).

Which lines (select()): every line the final diff base..tip adds, in .c and
.h files, that has code outside comments and is not part of a preprocessor
directive (clines.classify() follows comments, strings and line splices
across lines to decide).

Method (matrix.Engine.mark_lines()): at the tip, each such line gets a
unique token __movops_line_<file>_<line> inserted in front of its first
code token; then, in every configuration, kbuild's own preprocessing step
(the command of make O=<build dir> foo.i, derived from the tip build's
foo.o command: Builder.preprocess()) runs for every affected object, with
exactly the flags of the real compilation, and the tokens are looked for
in the output.  The preprocessor passes an identifier through unchanged
exactly when the text around it is compiled: a line inside an #if branch
not taken, in a header no built object includes, or dropped by a macro
that discards its argument, loses its token; a line whose token survives
reaches the compiler proper.

Verdict (check()): a line is proven when its token survives in at least
one configuration; the others are listed as file:line and fail the check.
"""
from .. import clines
from .. import commits as ser
from ..report import CheckResult
from kbuildengine.store import sha256_text


def select(changes, read):
    """The lines to prove: ({file: (lines, text, info)}, [(file, line, why
    not code)]) from the series' file CHANGES; READ(path): the tip's text
    of a file, or None."""
    plan, skipped = {}, []
    for fc in changes:
        if not fc.path or not ser.is_c(fc.path) or not fc.added:
            continue
        text = read(fc.path)
        if text is None:
            continue
        info = clines.classify(text)
        tl = text.split("\n")
        lines = []
        for ln in fc.added:
            if clines.eligible(info, ln):
                lines.append(ln)
            else:
                skipped.append((fc.path, ln, clines.why_not(info, ln, tl[ln - 1]
                                                            if ln <= len(tl) else "")))
        if lines:
            plan[fc.path] = (lines, text, info)
    return plan, skipped


def plan_key(plan):
    return sha256_text(*[f"{f}:{plan[f][0]}" for f in sorted(plan)])


def check(matrix, plan, skipped):
    """The verdict from MATRIX.lines (the markers each configuration's
    preprocessed objects kept) on the lines PLAN marked."""
    r = CheckResult("changed-lines")
    for name in matrix.configs:
        if matrix.no_text.get(name):
            r.details.append(f"{name}: note: no preprocessor output for "
                             f"{', '.join(matrix.no_text[name])}")
    files = sorted(plan)
    total = [(f, ln) for f in files for ln in plan[f][0]]
    covered_by = {}
    for name, hits in matrix.lines.items():
        for h in hits:
            covered_by.setdefault(h, []).append(name)
    uncovered = [(f, ln) for f, ln in total if (f, ln) not in covered_by]
    for f, ln in uncovered:
        text = plan[f][1].split("\n")[ln - 1].strip()
        r.fail(f"{f}:{ln}: not compiled in any configuration: {text}")
    r.count = len(uncovered)
    per_cfg = ", ".join(f"{n} {len(matrix.lines.get(n, ()))}" for n in matrix.configs)
    r.summary = (f"{len(total) - len(uncovered)}/{len(total)} changed lines compiled "
                 f"({per_cfg}); {len(skipped)} not code")
    r.data = {"lines": len(total), "uncovered": [f"{f}:{l}" for f, l in uncovered],
              "not_code": [f"{f}:{l} ({why})" for f, l, why in skipped],
              "covered_by": {f"{f}:{l}": v for (f, l), v in sorted(covered_by.items())}}
    if not total:
        r.summary = f"no changed lines of C code ({len(skipped)} not code)"
    return r
