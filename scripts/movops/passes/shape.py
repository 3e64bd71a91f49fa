# SPDX-License-Identifier: GPL-2.0
"""tree shape: a tree from before v6.0, where __SetPageMovable() takes an
address_space and migration goes through its a_ops.  Nothing else of the
analysis applies to it: one blocker says so."""
import re
from dataclasses import dataclass

from .context import Outcome, blocker

NAME = "shape"
RUNS_AFTER = ()


@dataclass
class Shape(Outcome):
    pre_v6: bool = False


def run(ctx, facts, done):
    marks = facts.marks
    if not marks or "struct movable_operations {" in ctx.read("include/linux/migrate.h"):
        return Shape()
    proto = None
    for f in ("include/linux/migrate.h", "mm/compaction.c"):
        for n, line in enumerate(ctx.read(f).splitlines(), 1):
            if re.search(r"\b__SetPageMovable\s*\(\s*struct page \*\w+\s*,\s*"
                         r"struct address_space \*", line):
                proto = (f, n)
                break
        if proto:
            break
    if proto is None:
        return Shape()
    users = sorted({m.file for m in marks})
    return Shape(pre_v6=True, blockers=[blocker(
        "no-movable-operations", proto[0], proto[1],
        "this tree predates struct movable_operations (v6.0): __SetPageMovable() "
        "takes an address_space, and migration reaches a driver through that "
        f"mapping's a_ops ({len(marks)} calls, in {', '.join(users)})",
        "there is no ops pointer in page->mapping to stop storing and nothing to "
        "dispatch to: the rework starts from the movable_operations interface",
        "apply the series to v6.0 or later, or backport v6.0's 'mm: Convert all "
        "PageMovable users to movable_operations' (struct movable_operations, "
        "__SetPageMovable(page, &ops)) first")])
