# SPDX-License-Identifier: GPL-2.0
"""tree shape, continued: the tree's state.  Unconverted while a mark
passes an ops object or the pointer decoding is defined; converted when
the marks lost their ops argument, the users register their ops, or
mm/migrate.c has a static dispatch; else there are no users at all."""
import re
from dataclasses import dataclass

from .context import Outcome

NAME = "state"
RUNS_AFTER = ("shape", "registered")


@dataclass
class State(Outcome):
    state: str = "no-users"


def run(ctx, facts, done):
    marks = [] if done["shape"].pre_v6 else facts.marks
    if marks or facts.decodings:
        return State(state="unconverted")
    converted = facts.marks1 or done["registered"].registered or has_dispatch(ctx)
    return State(state="converted" if converted else "no-users")


def has_dispatch(ctx):
    text = ctx.read("mm/migrate.c")
    return bool(re.search(r"page_movable_ops\(struct page \*page\)\s*\n\{", text)
                and re.search(r"return &\w+;", text))
