# SPDX-License-Identifier: GPL-2.0
"""The analysis, for people: tables of users, preconditions and blockers."""


def _table(rows, header):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    out = ["  " + "  ".join(str(h).ljust(w) for h, w in zip(header, widths)).rstrip()]
    out.append("  " + "  ".join("-" * w for w in widths))
    for r in rows:
        out.append("  " + "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
    return out


def _guard(u):
    g = u.get("guard")
    if not g:
        return "?"
    return " && ".join(a for a in g["atoms"]) or "always"


def format_analysis(a):
    t = a["tree"]
    base = (t.get("commit") or "")[:12]
    lines = [f"movable_ops analysis of {t['path']} (Linux {t['version']}"
             + (f", base {base}" if base else "") + ")", ""]
    lines.append(f"State: {a['state']}")
    lines.append("")

    users = a["users"]
    lines.append(f"Users ({len(users)}): ops objects passed to __SetPageMovable()")
    rows = []
    for u in users:
        d = u.get("defined") or {}
        where = f"{d.get('file')}:{d.get('line')}" if d else "not found"
        rows.append([u["ops"], where + (" (static)" if d.get("static") else ""),
                     _guard(u), u.get("type_test") or "NONE",
                     (u.get("callbacks") or {}).get("migrate_page", "?")])
    lines += _table(rows, ["ops", "defined at", "guard", "page type", "migrate callback"])
    lines.append("")

    lines.append("Where pages are marked movable")
    rows = []
    for u in users:
        for m in u["marks"]:
            via = " via " + ", ".join(f"{h}()" for h in m["via"]) if m.get("via") else ""
            rows.append([u["ops"], f"{m['file']}:{m['line']}", f"{m['fn']}(){via}"])
    lines += _table(rows, ["ops", "marked at", "in"])
    lines.append("")

    lines.append("Page type set before the mark (by source position within a function)")
    rows = []
    for u in users:
        for e in u.get("evidence", []):
            rows.append([u["ops"], e["mark"], ", ".join(e["types"]) or "none",
                         e.get("how") or "no page type set on this page"])
    lines += _table(rows, ["ops", "mark", "type", "how"])
    lines.append("")

    lines.append("Type and mark agree (un-marked together, or cleared when freed)")
    rows = []
    for u in users:
        if not u.get("type_test"):
            rows.append([u["ops"], "-", "no page type"])
            continue
        ok = u.get("agreement") or []
        if not ok:
            rows.append([u["ops"], "-", "never cleared by the user (only when freed)"])
        for e in ok:
            where, _, how = e.partition(" ")
            rows.append([u["ops"], where, how])
    lines += _table(rows, ["ops", "at", "what"])
    lines.append("")

    dec = a["decoding"]
    lines.append("Callers of the pointer decoding")
    rows = [[c["func"], f"{c['file']}:{c['line']}", c["fn"] + "()"] for c in dec["callers"]]
    lines += _table(rows, ["decoding", "called at", "in"]) if rows else ["  none"]
    d = a["dispatch"]
    if d.get("host"):
        kind = "static in " + d["host"] if d["static"] else \
            f"in {d['host']}, declared in {d['decl_header']}"
        lines.append(f"  => the dispatch lives {kind}")
    lines.append("")

    lines += format_registration(a)
    if a.get("adaptations"):
        lines.append("Adaptations to this tree")
        lines += [f"  - {x}" for x in a["adaptations"]]
        lines.append("")
    if a.get("warnings"):
        lines.append("Warnings")
        lines += [f"  - {w['file']}:{w['line']}: {w['warning']}" for w in a["warnings"]]
        lines.append("")
    existing = [b for b in (a.get("dispatch") or {}).get("branches", []) if b.get("existing")]
    if existing:
        lines.append("Dispatch already in the tree (page type -> ops)")
        lines += [f"  {b['test']:<16} {b['ops']:<16} {b['existing']}" for b in existing]
        lines.append("")
    fl = a.get("flag_step") or {}
    if fl:
        lines.append("PG_movable_ops flag step: " + ("applies" if fl.get("applies") else
                                                    "does not apply") + f" ({fl.get('reason')})")
        lines.append("")
    lines += format_blockers(a)
    return "\n".join(lines) + "\n"


def dispatch_summary(a):
    """Lines for the cover letter and the analysis: how the dispatch finds
    each user's ops, and which configurations lose a user."""
    reg = a.get("registration") or {}
    if not reg.get("needed"):
        return []
    if reg.get("applies"):
        return ["The dispatch returns the movable_ops users register for their page type",
                "(set_movable_ops()), because the static dispatch cannot name an ops",
                "object in a module:"] + [f"  - {d}" for d in reg["decisions"]]
    if reg.get("mode") == "static":
        return (["With --dispatch static, these configurations lose a user (no dispatch",
                 "branch can name an ops object in a module):"]
                + [f"  - {x['text']}" for x in reg["lost"]])
    return []


def format_registration(a):
    reg = a.get("registration") or {}
    lines = []
    if reg.get("needed") or reg.get("reason"):
        lines.append("How the dispatch finds each user's ops")
        summary = dispatch_summary(a)
        if summary:
            lines += ["  " + l for l in summary]
        else:
            lines.append(f"  static dispatch: {reg.get('reason')}")
        if reg.get("applies"):
            k, d = reg["key"], reg["decl"]
            lines.append(f"  => set_movable_ops(ops, {k['type']} type) in the dispatch host, "
                         f"declared in {d['header']} ({d['option']} block, a stub without it)")
            rows = []
            for e in reg["entries"]:
                init = e["init"]
                where = (f"new {init['level']} {init['func']}()" if init["kind"] == "initcall"
                         else f"{init['func']}() ({init['where']})")
                ex = e.get("exit")
                vis = ("static again" if e.get("restore_static") else
                       f"stays visible ({e['stays_visible']})" if e.get("stays_visible")
                       else "unchanged")
                rows.append([e["ops"], e["const"], where,
                             f"{ex['func']}()" if ex else "- (built in)", vis])
            lines += _table(rows, ["ops", "type", "registered in", "unregistered in",
                                   "ops object"])
        lines.append("")
    registered = a.get("registered") or []
    if registered:
        lines.append("Registered movable_ops (set_movable_ops() calls in the tree)")
        lines += _table([[r["ops"], r["type"], f"{r['file']}:{r['line']}", r["fn"] + "()"]
                         for r in registered], ["ops", "type", "at", "in"])
        lines.append("")
    return lines


def format_blockers(a):
    bl = a.get("blockers") or []
    if not bl:
        if a.get("state") == "converted":
            return ["Blockers: none; the tree is already converted (no two-argument "
                    "__SetPageMovable(), no pointer decoding)."]
        return ["Blockers: none; the rework can be applied."]
    lines = [f"Blockers ({len(bl)}): the series would be wrong on this tree; nothing was changed."]
    for b in bl:
        where = f"{b['file']}:{b['line']}" if b.get("line") else b["file"]
        lines.append(f"  {where}: {b['problem']}")
        lines.append(f"      why: {b['why']}")
        lines.append(f"      fix: {b['fix']}")
    return lines
