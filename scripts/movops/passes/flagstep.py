# SPDX-License-Identifier: GPL-2.0
"""flag step: whether the movable mark can become the PG_movable_ops page
flag (upstream's later step): only once nothing un-marks pages, since the
flag is never cleared before the page is freed."""
import re
from dataclasses import dataclass
from typing import Optional

from .. import plan as P
from .context import Outcome

NAME = "flagstep"
RUNS_AFTER = ("shape",)


@dataclass
class FlagStep(Outcome):
    flag_step: Optional[P.FlagStep] = None


def run(ctx, facts, done):
    return FlagStep(flag_step=decide(ctx, facts, done["shape"].pre_v6))


def decide(ctx, facts, pre_v6):
    def no(reason):
        return P.FlagStep(applies=False, reason=reason)
    if pre_v6:
        return no("the tree predates struct movable_operations")
    pf = ctx.read("include/linux/page-flags.h")
    if "PG_movable_ops" in pf:
        return no("the tree already has PG_movable_ops")
    unmarks = facts.unmarks
    if unmarks or ctx.files_matching(r"\b__ClearPageMovable\s*\("):
        where = ", ".join(f"{m.file}:{m.line}" for m in unmarks[:3])
        return no("the tree still un-marks pages with __ClearPageMovable() ("
                  + where + "); a PG_movable_ops flag is never cleared before "
                  "the page is freed, so upstream removed those calls first")
    if not re.search(r"bool page_has_movable_ops\(const struct page \*page\)\s*\{\s*return "
                     r"\(\(unsigned long\)page->mapping & PAGE_MAPPING_FLAGS\) ==",
                     pf.replace("\n", " ")):
        return no("include/linux/page-flags.h has no mapping-based "
                  "page_has_movable_ops() to convert")
    return P.FlagStep(applies=True, reason="no __ClearPageMovable() left; the movable "
                                           "mark can become the PG_movable_ops page flag")
