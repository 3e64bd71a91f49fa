# SPDX-License-Identifier: GPL-2.0
"""The analysis, for people: tables of users, preconditions and blockers."""
from core import tables


def _table(rows, header):
    return tables.table(header, rows, indent="  ")


def _guard(u):
    g = u.guard
    if not g:
        return "?"
    return " && ".join(a for a in g.atoms) or "always"


def format_analysis(a, upstream=False):
    """The analysis report; with UPSTREAM, the table of which upstream
    commits of the rework the tree has (the stable form's concern) too."""
    t = a.tree
    base = (t.commit or "")[:12]
    lines = [f"movable_ops analysis of {t.path} (Linux {t.version}"
             + (f", base {base}" if base else "") + ")", ""]
    lines.append(f"State: {a.state}")
    lines.append("")

    users = a.users
    registered = a.registered
    if not users and registered:
        # A tree in the registration shape: its users are what registers.
        lines.append(f"Users ({len(registered)}): ops objects registered with set_movable_ops()")
        lines += _table([[r.ops, r.defined or "not found", r.type,
                          r.test or "?", f"{r.fn}() ({r.file}:{r.line})",
                          _unregistered(r)] for r in registered],
                        ["ops", "defined at", "type", "page test", "registered in",
                         "unregistered in"])
    else:
        lines += _marking_tables(users)
    lines.append("")

    dec = a.decoding
    lines.append("Callers of the pointer decoding")
    rows = [[c.func, f"{c.file}:{c.line}", c.fn + "()"] for c in dec.callers]
    lines += _table(rows, ["decoding", "called at", "in"]) if rows else ["  none"]
    d = a.dispatch
    if d.host:
        kind = "static in " + d.host if d.static else \
            f"in {d.host}, declared in {d.decl_header}"
        lines.append(f"  => the dispatch lives {kind}")
    lines.append("")

    lines += format_registration(a)
    if a.adaptations:
        lines.append("Adaptations to this tree")
        lines += [f"  - {x}" for x in a.adaptations]
        lines.append("")
    if a.warnings:
        lines.append("Warnings")
        lines += [f"  - {w.file}:{w.line}: {w.warning}" for w in a.warnings]
        lines.append("")
    existing = [b for b in a.dispatch.branches if b.existing]
    if existing:
        lines.append("Dispatch already in the tree (page type -> ops)")
        if any(b.var for b in existing):
            lines += _table([[b.test, b.var, b.ops or "nothing registers it",
                              b.existing] for b in existing],
                            ["page type", "returns", "registered ops", "at"])
        else:
            lines += [f"  {b.test:<16} {b.ops:<16} {b.existing}" for b in existing]
        lines.append("")
    fl = a.flag_step
    if fl:
        lines.append("PG_movable_ops flag step: " + ("applies" if fl.applies else
                                                    "does not apply") + f" ({fl.reason})")
        lines.append("")
    if upstream and a.upstream:
        lines += format_upstream(a)
    lines += format_blockers(a)
    return "\n".join(lines) + "\n"


def format_upstream(a):
    """The upstream commits of the rework in this tree (plan.upstream):
    present, backported by this series, not needed, or missing, with the
    evidence read from the tree (movops.presence)."""
    rows = []
    for u in a.upstream:
        how = u.how + (f" [git: {u.history}]" if u.history else "")
        rows.append([u.key, (u.commit or "unconfirmed")[:12], u.status, how])
    return (["Upstream commits of the rework in this tree (evidence read from the tree)"]
            + tables.table(["upstream", "commit", "status", "evidence"], rows, indent="  ",
                           free_last=8)
            + [""])



def _marking_tables(users):
    """The users found from __SetPageMovable(): where they mark pages,
    with which page type, and whether type and mark agree."""
    lines = []
    if any(u.from_dispatch for u in users):
        lines.append(f"Users ({len(users)}): ops objects named by the static dispatch in the tree")
    else:
        lines.append(f"Users ({len(users)}): ops objects passed to __SetPageMovable()")
    rows = []
    for u in users:
        d = u.defined
        where = f"{d.file}:{d.line}" if d else "not found"
        rows.append([u.ops, where + (" (static)" if d and d.static else ""),
                     _guard(u), u.type_test or "NONE",
                     u.callbacks.get("migrate_page", "?")])
    lines += _table(rows, ["ops", "defined at", "guard", "page type", "migrate callback"])
    lines.append("")

    lines.append("Where pages are marked movable")
    rows = []
    for u in users:
        for m in u.marks:
            via = " via " + ", ".join(f"{h}()" for h in m.via) if m.via else ""
            rows.append([u.ops, f"{m.file}:{m.line}", f"{m.fn}(){via}"])
    lines += _table(rows, ["ops", "marked at", "in"])
    lines.append("")

    lines.append("Page type set before the mark (by source position within a function)")
    rows = []
    for u in users:
        if u.from_dispatch:
            fd = u.from_dispatch
            rows.append([u.ops, "-", u.page_type or "?",
                         f"the branch of the dispatch at {fd.file}:{fd.line}"])
        for e in u.evidence:
            rows.append([u.ops, e.mark, ", ".join(e.types) or "none",
                         e.how or "no page type set on this page"])
    lines += _table(rows, ["ops", "mark", "type", "how"])
    lines.append("")

    lines.append("Type and mark agree (un-marked together, or cleared when freed)")
    rows = []
    for u in users:
        if u.from_dispatch:
            rows.append([u.ops, "-", "not checked again (the dispatch is in the tree)"])
            continue
        if not u.type_test:
            rows.append([u.ops, "-", "no page type"])
            continue
        ok = u.agreement or []
        if not ok:
            rows.append([u.ops, "-", "never cleared by the user (only when freed)"])
        for e in ok:
            where, _, how = e.partition(" ")
            rows.append([u.ops, where, how])
    lines += _table(rows, ["ops", "at", "what"])
    return lines

def dispatch_summary(a):
    """Lines for the cover letter and the analysis: how the dispatch finds
    each user's ops, and which configurations lose a user."""
    reg = a.registration
    if not reg.needed:
        return []
    if reg.applies:
        return ["The dispatch returns the movable_ops users register for their page type",
                "(set_movable_ops()), because the static dispatch cannot name an ops",
                "object in a module:"] + [f"  - {d}: the registration step is added"
                                          for d in reg.decisions]
    if reg.mode == "static":
        return (["With --dispatch static, these configurations lose a user (no dispatch",
                 "branch can name an ops object in a module):"]
                + [f"  - {x.text}" for x in reg.lost])
    return ["The dispatch must return the movable_ops users register for their page",
            f"type, but the registration step is not added ({reg.reason}):"] + \
        [f"  - {d}: the registration step is needed" for d in reg.decisions]


def format_registration(a):
    reg = a.registration
    lines = []
    if reg.needed or reg.reason:
        lines.append("How the dispatch finds each user's ops")
        summary = dispatch_summary(a)
        if summary:
            lines += ["  " + l for l in summary]
        elif reg.reason.startswith(("the users register", "no movable_ops",
                                                "the tree predates")):
            lines.append(f"  {reg.reason}")
        else:
            lines.append(f"  static dispatch: {reg.reason}")
        if reg.applies:
            k, d = reg.key, reg.decl
            lines.append(f"  => set_movable_ops(ops, {k.type} type) in the dispatch host, "
                         f"declared in {d.header} ({d.option} block, a stub without it)")
            rows = []
            for e in reg.entries:
                init = e.init
                where = (f"new {init.level} {init.func}()" if init.kind == "initcall"
                         else f"{init.func}() ({init.where})")
                ex = e.exit
                vis = ("static again" if e.restore_static else
                       f"stays visible ({e.stays_visible})" if e.stays_visible
                       else "unchanged")
                rows.append([e.ops, e.const, where,
                             f"{ex.func}()" if ex else "- (built in)", vis])
            lines += _table(rows, ["ops", "type", "registered in", "unregistered in",
                                   "ops object"])
            # Where in each init function, and how its failures give the
            # ops up again (initpath.py).
            lines += [f"  {e.init.placement.text}" for e in reg.entries
                      if e.init.placement is not None]
        lines.append("")
    registered = a.registered
    if registered and a.users:
        lines.append("Registered movable_ops (set_movable_ops() calls in the tree)")
        lines += _table([[r.ops, r.type, f"{r.fn}() ({r.file}:{r.line})",
                          _unregistered(r)] for r in registered],
                        ["ops", "type", "registered in", "unregistered in"])
        lines.append("")
    return lines


def _unregistered(r):
    return ", ".join(f"{u.fn}() ({u.file}:{u.line})"
                     for u in r.unregistered) or (
        "NONE (a module)" if r.module else "- (built in)")


def format_blockers(a):
    bl = a.blockers
    if not bl:
        if a.state == "converted" and a.registration.applies:
            return ["Blockers: none; the tree is converted (no two-argument "
                    "__SetPageMovable(), no pointer decoding), but its static dispatch "
                    "cannot name an ops object in a module: the registration step applies."]
        if a.state == "converted":
            return ["Blockers: none; the tree is already converted (no two-argument "
                    "__SetPageMovable(), no pointer decoding)."]
        return ["Blockers: none; the rework can be applied."]
    lines = [f"Blockers ({len(bl)}): the series would be wrong on this tree; nothing was changed."]
    for b in bl:
        where = f"{b.file}:{b.line}" if b.line else b.file
        lines.append(f"  {where}: {b.problem}")
        lines.append(f"      why: {b.why}")
        lines.append(f"      fix: {b.fix}")
    return lines
