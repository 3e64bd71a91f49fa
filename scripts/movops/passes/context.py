# SPDX-License-Identifier: GPL-2.0
"""What every pass reads besides the facts, and what every pass returns.

Context is the tree as the passes see it: its files, Kconfig, page types,
the lines one git grep prefetched, and the dispatch mode asked for.  The
passes only read it.  Outcome is the part of every pass's result the
pipeline gathers: blockers, warnings and adaptations, as values.
"""
import re
from dataclasses import dataclass, field

from .. import plan as P


def blocker(kind, file, line, problem, why, fix, user=None):
    """One reason the rework would be wrong on this tree (a plan.Blocker)."""
    return P.Blocker(kind=kind, file=file, line=line, user=user, problem=problem,
                     why=why, fix=fix)


def def_file(u):
    """The file that defines U's ops, for ordering ('~' sorts last)."""
    return u.defined.file if u.defined else "~"


@dataclass(frozen=True)
class Adaptation:
    """How the series adapts to this tree (TEXT), and which step of cocci/
    (by name) it shapes: the stable form lists it under the upstream
    commit of that step (movops.stable)."""
    step: str
    text: str


@dataclass
class Outcome:
    """What a pass found that the plan lists whole: its blockers, its
    warnings (plan.Warning) and its adaptations."""
    blockers: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    adaptations: list = field(default_factory=list)


@dataclass(frozen=True)
class PageType:
    """A page type of PAGE_TYPE_OPS(NAME, LNAME, ...): its TEST (PageOffline)
    and the functions that set and clear it."""
    name: str
    lname: str
    test: str
    setters: frozenset
    clearers: frozenset


def page_types(text):
    """{name: PageType} of a tree, from PAGE_TYPE_OPS() in TEXT (page-flags.h)."""
    types = {}
    for m in re.finditer(r"^PAGE_TYPE_OPS\((\w+),\s*(\w+)(?:,\s*(\w+))?\)", text, re.M):
        uname, lname, fname = m.group(1), m.group(2), m.group(3) or m.group(2)
        types[uname] = PageType(
            name=uname, lname=lname, test=f"Page{uname}",
            setters=frozenset({f"__SetPage{uname}", f"__folio_set_{fname}"}),
            clearers=frozenset({f"__ClearPage{uname}", f"__folio_clear_{fname}"}))
    return types


@dataclass
class Context:
    """TREE (a movops.tree.Tree) with its KCONFIG (kbuild.Kconfig), its
    page TYPES (page_types()), LINES ({file: [(line, text)]} of the
    prefetch grep) and the DISPATCH_MODE asked for."""
    tree: object
    kconfig: object
    types: dict
    lines: dict
    dispatch_mode: str = "auto"

    def read(self, file):
        return self.tree.read(file) or ""

    def files_matching(self, pattern):
        rx = re.compile(pattern)
        return sorted(f for f, ls in self.lines.items() if any(rx.search(t) for _, t in ls))
