# SPDX-License-Identifier: GPL-2.0
"""The series' own check of what it made: its tip, re-read as text.

apply-series runs it on the tip before anything is published (no branch,
no patch file); verify.py's old-api-gone check uses old_api() for its
textual half.  What a converted tree must hold, whatever the analysis
concluded:

  - nothing of the old API: no __SetPageMovable() with two arguments or
    parameters, no movable_operations pointer encoded into or decoded from
    page->mapping;
  - exactly one definition of page_movable_ops(), the dispatch.

Text is read as the compiler would see it minus comments and literals
(csource.py), so that what spatch skipped is read too.  Pure functions.
"""
import re

from . import csource

# Files of the tip that can hold any of it (git grep, then read).
PATTERN = r"__SetPageMovable|page_movable_ops|PAGE_MAPPING_MOVABLE"


def old_api(text):
    """[(line, message)] of the old API in TEXT."""
    code = csource.strip_comments(text)
    hits = []
    for m in re.finditer(r"\b__SetPageMovable\s*\(", code):
        if re.search(r"(->|\.)\s*$", code[max(0, m.start() - 40):m.start()]):
            continue        # a function pointer member of the same name
        if csource.call_arity(code, m.end() - 1) >= 2:
            hits.append((csource.line_of(code, m.start()),
                         "__SetPageMovable() with two arguments or parameters"))
    for m in re.finditer(r"->\s*mapping\s*\)?\s*-\s*PAGE_MAPPING_MOVABLE\b", code):
        hits.append((csource.line_of(code, m.start()),
                     "movable_operations pointer decoded from ->mapping"))
    for m in re.finditer(r"\(\s*unsigned\s+long\s*\)\s*\w*ops\s*\|\s*PAGE_MAPPING_MOVABLE\b",
                         code):
        hits.append((csource.line_of(code, m.start()),
                     "movable_operations pointer encoded into ->mapping"))
    return sorted(set(hits))


def problems(texts):
    """['FILE:LINE: what is wrong'] of a converted tip whose files (those
    PATTERN finds) are TEXTS ({file: text}); [] when it holds."""
    out = []
    defs = []
    for f, text in sorted(texts.items()):
        if text is None:
            continue
        out += [f"{f}:{line}: {msg}" for line, msg in old_api(text)]
        defs += [(f, s.line) for s in csource.sites(text, ["page_movable_ops"])
                 if s.kind == "definition"]
    if len(defs) != 1:
        where = ", ".join(f"{f}:{l}" for f, l in defs) or "none"
        out.append(f"{defs[0][0] + ':' + str(defs[0][1]) if defs else 'the tip'}: "
                   f"page_movable_ops() is defined {len(defs)} times ({where}); a converted "
                   "tree has exactly one, the dispatch")
    return out
