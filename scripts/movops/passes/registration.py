# SPDX-License-Identifier: GPL-2.0
"""modules and registration: whether the dispatch must look up the ops
users register by page type (some user can be a module, which a static
dispatch cannot name), and the registration step's plan: the key the
page type is registered under, where set_movable_ops() is declared, and
each typed user's entry (regentry.py)."""
import re
from dataclasses import dataclass
from typing import Optional

from .. import kbuild
from .. import plan as P
from . import regentry
from .context import Outcome, blocker, def_file
from .registered import REGISTER_FUNC

NAME = "registration"
RUNS_AFTER = ("visibility", "agreement", "registered", "dispatch")
MIGRATE_H = "include/linux/migrate.h"
PAGE_FLAGS_H = "include/linux/page-flags.h"


@dataclass
class Registration(Outcome):
    registration: Optional[P.Registration] = None


def run(ctx, facts, done):
    # Every pass that can find a blocker runs before this one (RUNS_AFTER,
    # transitively): a blocked tree gets no registration step.
    blocked = any(r.blockers for r in done.values())
    users = done["agreement"].users
    dispatch = done["dispatch"].dispatch
    registered = done["registered"].registered
    out = Registration()
    ordered = sorted(users.values(), key=def_file)
    typed = [u for u in ordered if u.type_test and u.guard]
    # Every user whose object can be a module, typed or not: one without a
    # page type is a blocker of its own, but the decision must not claim
    # that everything is built in.
    modular = [u for u in ordered if u.module]
    reg = out.registration = P.Registration(
        mode=ctx.dispatch_mode, needed=bool(modular),
        modules=[P.ModuleNote(ops=u.ops, why=u.module.why) for u in modular])
    for u in modular:
        reg.decisions.append(f"{u.ops} can live in a module ({u.module.why})")
        reg.lost.append(P.Lost(
            ops=u.ops, config=f"{u.module.option}=m",
            text=f"{u.module.option}=m: {u.ops} is in a module, which "
                 f"the static dispatch cannot name; {u.name} pages lose their "
                 "movable_ops and compaction no longer migrates them"))
    if not users:
        if done["shape"].pre_v6:
            reg.reason = ("the tree predates struct movable_operations: there is "
                          "no dispatch to find users' ops")
        elif registered:
            reg.reason = ("the users register their movable_ops with "
                          f"{REGISTER_FUNC}() already: "
                          + ", ".join(f"{r.ops} for {r.type}" for r in registered))
        else:
            reg.reason = "no movable_ops users in this tree"
        return out
    if not modular:
        reg.reason = ("every user's ops object is built into the kernel (no "
                      "tristate option builds it): the static dispatch names them all")
        return out
    if ctx.dispatch_mode == "static":
        reg.reason = "--dispatch static: the dispatch names the ops objects"
        return out
    if blocked or not dispatch.host:
        reg.reason = "the tree has blockers"
        return out
    key = type_key(ctx)
    u0 = modular[0]
    if key is None:
        out.blockers.append(blocker(
            "no-type-key", PAGE_FLAGS_H, None,
            f"{PAGE_FLAGS_H} has neither 'enum pagetype' nor "
            "PAGE_TYPE_BASE page-type bits to key set_movable_ops() on",
            f"{u0.ops} can live in a module ({u0.module.why}), so the "
            "dispatch must look up ops the users register by page type",
            "use '--dispatch static' and accept that such a build loses the user, or "
            "backport the page-type scheme first", u0.ops))
        return out
    ktype, pattern, kwhere = key
    reg.key = P.Key(type=ktype, where=kwhere)
    decl, found = registration_decl(ctx, dispatch.host)
    out.blockers += found
    if decl is None:
        return out
    reg.decl = decl
    host = ctx.read(dispatch.host)
    by_ops = {b.ops: b for b in dispatch.branches}
    for u in typed:
        entry, found = regentry.entry(ctx, facts, done, u, pattern, host, by_ops)
        out.blockers += found
        if entry:
            reg.entries.append(entry)
    reg.drop_includes = list(dispatch.includes or [])
    hist = done["dispatch"].history
    if any(u.from_dispatch for u in typed):
        # The dispatch is there already: what its commit added.
        reg.drop_includes = [i for i in (hist.includes if hist else [])
                             if re.search(rf"^#\s*include\s*{re.escape(i)}", host, re.M)]
    if not out.blockers:
        reg.applies = True
        reg.reason = "; ".join(reg.decisions)
    else:
        reg.reason = "the tree has blockers"
    return out


def type_key(ctx):
    """How set_movable_ops() names a page type in this tree: ('enum
    pagetype', 'PGTY_{}', where) since v6.12, ('unsigned int', 'PG_{}',
    where) in the older scheme of page-type bits, or None."""
    text = ctx.read(PAGE_FLAGS_H)
    for n, line in enumerate(text.splitlines(), 1):
        if re.match(r"enum pagetype\s*\{", line):
            return "enum pagetype", "PGTY_{}", f"{PAGE_FLAGS_H}:{n}"
    for n, line in enumerate(text.splitlines(), 1):
        if re.match(r"#define PAGE_TYPE_BASE\b", line):
            return "unsigned int", "PG_{}", f"{PAGE_FLAGS_H}:{n}"
    return None


def registration_decl(ctx, host):
    """(plan.Decl, []) where set_movable_ops() and its stub are declared:
    the top-level '#ifdef CONFIG_X ... #else ... #endif' block of migrate.h
    for the option that builds the host; or (None, [blocker])."""
    try:
        atoms = kbuild.obj_atoms(ctx.tree, host)
    except kbuild.NotDerivable:
        atoms = None
    lines = ctx.read(MIGRATE_H).splitlines()
    if atoms and len(atoms) == 1:
        opt = atoms[0]
        for i, line in enumerate(lines):
            if line.strip() != f"#ifdef {opt}" or kbuild.if_nest("\n".join(lines), i + 1):
                continue
            depth, els = 0, None
            for j in range(i + 1, len(lines)):
                t = lines[j].strip()
                if re.match(r"#\s*if", t):
                    depth += 1
                elif re.match(r"#\s*endif", t):
                    if depth == 0:
                        if els is not None:
                            return P.Decl(header=MIGRATE_H, option=opt, ifdef_line=i + 1,
                                          else_line=els + 1, endif_line=j + 1), []
                        break
                    depth -= 1
                elif re.match(r"#\s*else", t) and depth == 0:
                    els = j
    return None, [blocker(
        "no-registration-decl", MIGRATE_H, None,
        f"{MIGRATE_H} has no top-level '#ifdef {atoms[0] if atoms and len(atoms) == 1 else '...'}"
        f" ... #else ... #endif' block for the option that builds {host}",
        "set_movable_ops() lives in the dispatch host and needs a stub where the host "
        "is not built", f"declare the host's functions in an #ifdef/#else block of {MIGRATE_H}",
        None)]
