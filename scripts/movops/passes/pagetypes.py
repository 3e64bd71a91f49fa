# SPDX-License-Identifier: GPL-2.0
"""page types: the page type that identifies each user's pages, set on
every page before it is marked movable; one user per type; and where else
the tree sets that type (the remark on the dispatch's branch).

Ordering within a function ("the type is set before the mark") is judged by
source position, which is exact for the straight-line code these helpers
are made of."""
import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import facts as F
from .. import plan as P
from ..factset import page_arg
from .context import Outcome, blocker

NAME = "pagetypes"
RUNS_AFTER = ("visibility",)

ALLOC_RE = re.compile(r"^(alloc_pages?|alloc_pages_node|__alloc_pages(_node)?|"
                      r"folio_alloc|__folio_alloc(_node)?|alloc_page_vma|"
                      r"alloc_pages_exact_nid|__alloc_pages_node)(_noprof)?$")

# What resolves the blocker of a user the kernel's history already knows.
# Only the advice comes from here; whether a user is blocked is derived.
KNOWN_USER_FIXES = {
    "z3fold_mops": ("z3fold was deprecated in v6.12 and removed upstream in "
                    "v6.15; '--prereq drop-z3fold' removes it from this tree "
                    "the same way"),
    "zsmalloc_mops": ("upstream gave zsmalloc pages their own page type "
                      "(PageZsmalloc, commit 'mm/zsmalloc: use a proper page "
                      "type', v6.10); '--prereq zsmalloc-page-type' does the "
                      "same in the older scheme of v6.1 (types as cleared bits "
                      "under PAGE_TYPE_BASE 0xf0000000)"),
}


@dataclass
class PageTypes(Outcome):
    users: dict = field(default_factory=dict)       # ops -> plan.User


def run(ctx, facts, done):
    users = dict(done["visibility"].users)
    helpers = done["users"].helpers
    by_type, blockers = {}, []
    # A user the tree's dispatch names has its type from the branch.
    for k, u in users.items():
        if u.from_dispatch or not u.defined:
            continue
        u = users[k] = copy.copy(u)
        files = user_files(ctx, facts, u, helpers)
        u.files = sorted(files)
        tops = type_ops(ctx, facts, files)
        u.type_ops = tops
        blockers += identify(ctx, facts, u, tops, files)
        if u.page_type:
            by_type.setdefault(u.page_type, []).append(u)
    for t, us in by_type.items():
        if len(us) > 1:
            names = ", ".join(x.ops for x in us)
            for x in us[1:]:
                blockers.append(blocker(
                    "shared-type", x.defined.file, x.defined.line,
                    f"page type {t} identifies more than one user: {names}",
                    "the dispatch decides by page type alone; two users of one type "
                    "cannot be told apart",
                    "give each user its own page type", x.ops))
    # The remark on a branch: the type is also set outside the user.
    for t, us in by_type.items():
        u = us[0]
        pat = r"\b(" + "|".join(re.escape(s) for s in sorted(ctx.types[t].setters)) + r")\s*\("
        others = [h for h in ctx.files_matching(pat) if h not in u.files
                  and h != "include/linux/page-flags.h"]
        u.type_also_set_in = others
        u.remark = bool(others)
    return PageTypes(users=users, blockers=blockers)


def user_files(ctx, facts, u, helpers):
    """The files that handle U's pages: its own, its header, the forwarding
    helpers' files (zpdesc.h for zsmalloc in mainline), and local headers
    beside its definition that its files name."""
    files = set(u.files)
    if u.header:
        files.add(u.header)
    for k in u.marks:
        for h in k.via:
            if h in helpers:
                files.add(helpers[h].file)
    files |= {f for f in {c.file for c in facts.calls}
              if Path(f).parent == Path(u.defined.file).parent
              and Path(f).suffix == ".h"
              and any(Path(f).name in ctx.read(x) for x in u.files)}
    return files


def type_ops(ctx, facts, files):
    """Setter/clearer calls (wrappers resolved) in FILES: [plan.TypeOp]."""
    setters, clearers = {}, {}
    for t in ctx.types.values():
        for s in t.setters:
            setters[s] = t.name
        for c in t.clearers:
            clearers[c] = t.name
    wrap_set = facts.wrappers(list(setters), files)
    wrap_clear = facts.wrappers(list(clearers), files)

    def type_of(name, base, wrappers):
        """The type a wrapper sets or clears: that of what it wraps."""
        if name in base:
            return base[name]
        for (file, fn) in facts.fndef:
            if fn != name:
                continue
            for c in facts.calls_in(file, fn):
                if c.func in wrappers and c.func != name:
                    return type_of(c.func, base, wrappers)
        return None
    out = []
    for c in facts.calls:
        if c.file not in files:
            continue
        for op, base, wraps in (("set", setters, wrap_set), ("clear", clearers, wrap_clear)):
            if c.func in wraps:
                t = type_of(c.func, base, wraps)
                if t:
                    out.append(P.TypeOp(op=op, type=t, file=c.file, fn=c.fn, line=c.line,
                                        func=c.func, page=page_arg(c, wraps[c.func])))
                break
    return out


def allocations_typed(facts, tops, files):
    """Does the user type every page it allocates, right after?

    Returns (typed, evidence) where typed is a set of type names that
    every allocation site is followed by, or None when the user
    allocates no pages itself.
    """
    alloc_names = {c.func for c in facts.calls if ALLOC_RE.match(c.func)}
    # Allocation wrappers: functions in the user's files that return a
    # page they allocate ('page = alloc_pages(..); return f(page);' or
    # 'return alloc_pages(..);').
    wrappers = set()
    returns = {}
    for r in facts.returns:
        returns.setdefault((r.file, r.fn), []).append(F.norm(r.expr))
    for (file, fn) in facts.fndef:
        if file not in files:
            continue
        rets = returns.get((file, fn), [])
        allocated = [F.norm(a.lhs) for a in facts.assign_calls
                     if a.file == file and a.fn == fn and ALLOC_RE.match(a.func)]
        if any(ALLOC_RE.match(name) for e in rets
               for name in re.findall(r"(\w+)\(", e)) or any(
                re.search(rf"\b{re.escape(v)}\b", e) for v in allocated for e in rets):
            wrappers.add(fn)
    sites = [a for a in facts.assign_calls
             if a.file in files and (a.func in alloc_names or a.func in wrappers)
             and a.fn not in wrappers]
    if not sites:
        return None, []
    common = None
    evidence = []
    for a in sites:
        lhs = F.norm(a.lhs)
        after = {t.type for t in tops if t.op == "set" and t.file == a.file
                 and t.fn == a.fn and t.line > a.line and F.norm(t.page) == lhs}
        evidence.append(f"{a.file}:{a.line} {a.func}() in {a.fn}() -> "
                        + (", ".join(sorted(after)) if after else "no type set"))
        common = after if common is None else common & after
    return common, evidence


def identify(ctx, facts, u, tops, files):
    """Set U's page type: the one set on every page before it is marked;
    else [blocker]."""
    covering = None
    evidence = []
    alloc_typed = None
    for k in u.marks:
        page = F.norm(k.page)
        fn, file = k.fn, k.file
        here = {t.type for t in tops if t.op == "set" and t.file == file
                and t.fn == fn and t.line <= k.line and F.norm(t.page) == page}
        how = None
        if here:
            how = f"set in {fn}() before the mark"
        else:
            idx = facts.param_index(file, fn, page)
            if idx is not None:
                callers = facts.calls_of(fn, files)
                per = []
                for c in callers:
                    arg = page_arg(c, idx)
                    per.append({t.type for t in tops if t.op == "set"
                                and t.file == c.file and t.fn == c.fn
                                and t.line <= c.line and F.norm(t.page) == arg})
                if callers and all(per):
                    here = set.intersection(*per)
                    how = (f"set by every caller of {fn}() before the call ("
                           + ", ".join(f"{c.file}:{c.line}" for c in callers) + ")")
            if not here:
                if alloc_typed is None:
                    alloc_typed = allocations_typed(facts, tops, files)
                typed, alloc_ev = alloc_typed
                if typed:
                    here = set(typed)
                    how = "set on every page the user allocates: " + "; ".join(alloc_ev)
        evidence.append(P.Evidence(mark=f"{file}:{k.line}", fn=fn, types=sorted(here), how=how))
        covering = set(here) if covering is None else covering & here
    u.evidence = evidence
    if covering and len(covering) == 1:
        t = covering.pop()
        u.page_type = t
        u.type_test = ctx.types[t].test
        return []
    return [no_type_blocker(ctx, u, tops, covering, evidence)]


def no_type_blocker(ctx, u, tops, covering, evidence):
    first = next((e for e in evidence if not e.types), evidence[0] if evidence else None)
    fix = KNOWN_USER_FIXES.get(u.ops, (
        f"make {u.defined.file} set a page type (PAGE_TYPE_OPS in "
        "include/linux/page-flags.h) on every page before __SetPageMovable() and "
        "clear it only with __ClearPageMovable() or when the page is freed"))
    if covering:
        problem = (f"{u.ops} pages carry several page types ({', '.join(sorted(covering))}); "
                   "none identifies them alone")
    elif not any(t.op == "set" for t in tops):
        problem = f"{u.ops} pages carry no page type: nothing in " \
                  f"{', '.join(sorted(set(u.files)))} sets one"
    else:
        problem = (f"the page marked movable at {first.mark} in {first.fn}() "
                   "has no page type set before it")
    # A user that keeps its own data in page->page_type (6.1's zsmalloc
    # keeps the first object's offset there) cannot just be given a
    # type, because that data has to move first.
    for f in sorted(set(u.files)):
        for ln, text in enumerate(ctx.read(f).splitlines(), 1):
            if re.search(r"->page_type\s*=[^=]", text):
                fix += (f"; note that {f}:{ln} stores its own data in page->page_type, "
                        "which a page type would overwrite: move that data first")
                break
        else:
            continue
        break
    mark = first.mark if first else f"{u.defined.file}:{u.defined.line}"
    file, line = mark.rsplit(":", 1)
    return blocker(
        "no-page-type", file, int(line), problem,
        "the static dispatch finds a page's movable_ops from its page type; a page "
        "marked movable without one would get no ops, so compaction could no longer "
        "isolate or migrate it",
        fix, u.ops)
