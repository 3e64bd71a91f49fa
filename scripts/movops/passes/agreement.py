# SPDX-License-Identifier: GPL-2.0
"""type/mark agreement: wherever a user un-marks a page
(__ClearPageMovable()) it clears the page type right after; wherever it
clears the type, the page is un-marked before or freed after.  Otherwise
the dispatch would return ops for a page that is no longer movable, or none
for one that still is."""
import copy
from dataclasses import dataclass, field

from .. import facts as F
from ..factset import page_arg
from .context import Outcome, blocker

NAME = "agreement"
RUNS_AFTER = ("pagetypes",)

# The kernel's page-release API.  Wrappers around it in a user's files are
# found from the facts.
RELEASE_FUNCS = {"put_page", "folio_put", "__folio_put", "__free_page",
                 "__free_pages", "free_pages", "free_page", "free_unref_page"}


@dataclass
class Agreement(Outcome):
    users: dict = field(default_factory=dict)       # ops -> plan.User


def run(ctx, facts, done):
    users = dict(done["pagetypes"].users)
    blockers = []
    for k, u in users.items():
        if u.from_dispatch or not u.defined or not u.page_type:
            continue
        u = users[k] = copy.copy(u)
        u.agreement, found = agree(ctx, facts, u, set(u.files))
        blockers += found
    return Agreement(users=users, blockers=blockers)


def agree(ctx, facts, u, files):
    """([why each un-mark and type clear of U is fine], [blockers])."""
    t = u.page_type
    unmarks = [f for f in facts.unmarks if f.file in files]
    base = ctx.types[t].clearers
    clears = [x for x in u.type_ops if x.op == "clear" and x.type == t and x.func in base]
    releases = facts.wrappers(sorted(RELEASE_FUNCS), files)
    ok, blockers = [], []
    for m in unmarks:
        page = F.norm(m.page)
        after = [c for c in clears if c.file == m.file and c.fn == m.fn
                 and c.line > m.line and F.norm(c.page) == page]
        if after:
            ok.append(f"{m.file}:{m.line} {m.fn}(): __ClearPageMovable() then "
                      f"{after[0].func}() at line {after[0].line}")
            continue
        blockers.append(blocker(
            "mark-type-disagree", m.file, m.line,
            f"{m.fn}() un-marks the page (__ClearPageMovable) but does not clear "
            f"its type {t} after it",
            f"the dispatch would keep returning {u.ops} for a page that is no "
            "longer movable (PageMovable() would stay true)",
            f"clear the page type (__ClearPage{t}()) right after __ClearPageMovable()",
            u.ops))
    for c in clears:
        page = F.norm(c.page)
        before = [m for m in unmarks if m.file == c.file and m.fn == c.fn
                  and m.line < c.line and F.norm(m.page) == page]
        if before:
            continue
        why = released_after(facts, c.file, c.fn, c.line, page, releases, files)
        if why:
            ok.append(f"{c.file}:{c.line} {c.fn}(): {c.func}() {why}")
            continue
        blockers.append(blocker(
            "mark-type-disagree", c.file, c.line,
            f"{c.fn}() clears the page type {t} ({c.func}) while the page is "
            "still marked movable and not freed",
            "the dispatch would return no ops for a page that is still movable: "
            "isolation or migration of it would fail or trip the VM checks",
            "clear the type only after __ClearPageMovable(), or just before the page "
            "is freed", u.ops))
    return ok, blockers


def released_after(facts, file, fn, line, page, releases, files, depth=0):
    """Why the page PAGE of FN is freed after LINE (every path), or None."""
    rel = [r for r in facts.calls_in(file, fn)
           if r.line >= line and r.func in releases
           and page_arg(r, releases[r.func]) == page]
    if rel:
        return f"just before {rel[0].func}() frees it at line {rel[0].line}"
    idx = facts.param_index(file, fn, page)
    if depth < 3 and idx is not None:
        if not facts.calls_of(fn):
            return f"in {fn}(), which nothing calls"
        callers = facts.calls_of(fn, files)
        if callers and all(released_after(
                facts, k.file, k.fn, k.line, page_arg(k, idx), releases, files, depth + 1)
                or any(m for m in facts.unmarks
                       if m.file == k.file and m.fn == k.fn and m.line < k.line)
                for k in callers):
            return (f"and every caller of {fn}() frees the page after it ("
                    + ", ".join(f"{k.file}:{k.line}" for k in callers) + ")")
    return None
