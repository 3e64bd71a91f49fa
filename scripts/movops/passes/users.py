# SPDX-License-Identifier: GPL-2.0
"""users: each movable_operations object a page is marked with, every place
its pages are marked and through which forwarding helpers; or, in a tree
converted to a static dispatch already, the users its branches name."""
import re
from dataclasses import dataclass, field

from .. import facts as F
from .. import plan as P
from ..factset import page_arg
from .context import Outcome, blocker

NAME = "users"
RUNS_AFTER = ("shape",)


@dataclass
class Users(Outcome):
    users: dict = field(default_factory=dict)       # ops -> plan.User
    helpers: dict = field(default_factory=dict)     # name -> plan.Helper


def run(ctx, facts, done):
    helpers = forwarding_helpers(facts)
    # Before v6.0 the marks pass address spaces: none names a user.
    marks = [] if done["shape"].pre_v6 else facts.marks
    users, blockers = users_of(facts, helpers, marks)
    if not users and not facts.decodings:
        # Converted by a static dispatch (the series' dispatch step, or
        # upstream's 84caf98838a3): its branches name the users.
        users = users_from_dispatch(ctx, facts)
    return Users(users=users, helpers=helpers, blockers=blockers)


def forwarding_helpers(facts):
    """Functions whose ops parameter is only passed on to
    __SetPageMovable() or to another such function, transitively."""
    params = {}
    for f in facts.opsparams:
        if f.func == "__SetPageMovable":
            continue
        params[(f.file, f.func)] = f
    known = {"__SetPageMovable": 1}
    helpers = {}
    changed = True
    while changed:
        changed = False
        for (file, fn), p in params.items():
            if fn in helpers:
                continue
            uses = [u for u in facts.opsparam_uses if u.file == file and u.func == fn]
            fwd = [c for c in facts.opsparam_calls
                   if c.file == file and c.func == fn
                   and c.callee in known and c.index == known[c.callee]]
            if uses and len(fwd) == len(uses):
                helpers[fn] = P.Helper(file=file, line=p.line, param=p.param, index=p.index)
                known[fn] = p.index
                changed = True
    return helpers


def resolve_ops(facts, helpers, file, fn, expr, seen=()):
    """Ops objects an ops argument EXPR can denote: ({names}, [problems])."""
    e = F.norm(expr)
    m = re.fullmatch(r"&(\w+)", e)
    if m:
        return {m.group(1)}, []
    if not re.fullmatch(r"\w+", e):
        return set(), [f"'{expr}' is not '&object' or a variable"]
    # A forwarding helper's parameter: resolved at the helper's callers.
    h = helpers.get(fn)
    if h and h.param == e and (file, fn) not in seen:
        objs, probs = set(), []
        callers = facts.calls_of(fn)
        if not callers:
            probs.append(f"helper {fn}() has no caller in the files analysed")
        for c in callers:
            arg = page_arg(c, h.index)
            o, p = resolve_ops(facts, helpers, c.file, c.fn, arg or "", seen + ((file, fn),))
            objs |= o
            probs += p
        return objs, probs
    # A local variable: every '&X' assigned to it in the function.
    vals = {f.obj for f in facts.var_addrs if f.file == file and f.fn == fn and f.var == e}
    if len(vals) == 1:
        return vals, []
    if len(vals) > 1:
        return set(), [f"variable '{e}' in {fn}() holds several ops objects: "
                       + ", ".join(sorted(vals))]
    return set(), [f"cannot tell which movable_operations '{e}' in {fn}() points to"]


def users_of(facts, helpers, marks):
    """The users MARKS (and the calls of HELPERS) name: ({ops: plan.User},
    blockers)."""
    users, blockers = {}, []
    opsdefs = {d.obj: d for d in facts.opsdefs}
    static_defs = {d.obj for d in facts.opsdefs_static}
    for m in marks:
        if m.fn in helpers:
            # A mark inside a forwarding helper happens where the helper
            # is called; those calls are added below.
            continue
        objs, probs = resolve_ops(facts, helpers, m.file, m.fn, m.ops)
        for p in probs:
            blockers.append(blocker(
                "unresolved-ops", m.file, m.line,
                f"__SetPageMovable({m.page}, {m.ops}) in {m.fn}(): {p}",
                "the static dispatch must name every ops object a page can be "
                "marked with; an ops pointer that cannot be traced to an object "
                "would be lost",
                "pass '&the_ops_object' (or a local variable assigned only from it)"))
        for o in sorted(objs):
            u = users.setdefault(o, new_user(facts, o, opsdefs.get(o), o in static_defs))
            u.marks.append(P.Mark(file=m.file, line=m.line, fn=m.fn,
                                  page=F.norm(m.page), via=[]))
    # Where helpers are called with an object: those are marking sites too.
    for name, h in helpers.items():
        for c in facts.calls_of(name):
            arg = page_arg(c, h.index)
            objs, _ = resolve_ops(facts, helpers, c.file, c.fn, arg or "")
            for o in objs:
                if o not in users:
                    users[o] = new_user(facts, o, opsdefs.get(o), o in static_defs)
                users[o].marks.append(P.Mark(file=c.file, line=c.line, fn=c.fn,
                                             page=page_arg(c, 0), via=[name]))
    for u in users.values():
        uniq = {(k.file, k.line): k for k in u.marks}
        u.marks = [uniq[key] for key in sorted(uniq)]
        u.files = sorted({k.file for k in u.marks}
                         | ({u.defined.file} if u.defined else set()))
        if u.defined is None:
            blockers.append(blocker(
                "ops-not-found", u.marks[0].file, u.marks[0].line,
                f"no definition of {u.ops} among the files that use it",
                "the dispatch must reference the object, and its guard comes from "
                "where it is defined",
                f"make sure {u.ops} is defined as 'const struct movable_operations' "
                "in a file of this tree", u.ops))
    return users, blockers


def users_from_dispatch(ctx, facts):
    """The users a static dispatch in the tree names ('if
    (PageZsmalloc(page)) return &zsmalloc_mops;'), with the page type of
    each branch: what the registration step needs when it runs after
    the dispatch step, on its own or on a tree converted before it
    existed.  {} unless every branch names a page type and an ops
    object defined in the tree."""
    branches = sorted(facts.dispatch_branches, key=lambda f: (f.file, f.line))
    opsdefs = {d.obj: d for d in facts.opsdefs}
    static_defs = {d.obj for d in facts.opsdefs_static}
    by_test = {t.test: name for name, t in ctx.types.items()}
    users = {}
    for b in branches:
        d, t = opsdefs.get(b.ops), by_test.get(b.test)
        if d is None or t is None or b.ops in users:
            return {}
        u = new_user(facts, b.ops, d, b.ops in static_defs)
        u.page_type, u.type_test = t, b.test
        u.files = [d.file]
        u.from_dispatch = P.Site(file=b.file, line=b.line)
        # The branch's comment, as the dispatch step writes it.
        lines = ctx.read(b.file).splitlines()
        nxt = lines[b.line].strip() if b.line < len(lines) else ""
        u.remark = nxt.startswith("/*")
        users[b.ops] = u
    return users


def new_user(facts, obj, d, static):
    """A plan.User of OBJ, defined by D (an OpsDef, or None)."""
    return P.User(
        ops=obj,
        name=None,
        defined=P.Defined(file=d.file, line=d.line, static=static) if d else None,
        callbacks=d.callbacks if d else {},
        forward_decls=[P.Site(file=x.file, line=x.line) for x in facts.opsdecls_static
                       if x.obj == obj],
        extern_decls=[P.Site(file=x.file, line=x.line) for x in facts.opsdecls_extern
                      if x.obj == obj],
        exports=[P.Site(file=x.file, line=x.line) for x in facts.exports if x.obj == obj],
        marks=[])
