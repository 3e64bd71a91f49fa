# SPDX-License-Identifier: GPL-2.0
"""modules and registration, per user: one typed user's plan.Entry, the
constant of its page type, where it registers its ops (its module_init(),
first thing and unwound on every later failure, or an initcall of its own
when it is always built in), where it gives them up, and whether its ops
object can be static again once nothing outside its file names it."""
import re
from pathlib import Path

from .. import initpath, kbuild
from .. import plan as P
from .context import blocker

PAGE_FLAGS_H = "include/linux/page-flags.h"


def entry(ctx, facts, done, u, pattern, host, by_ops):
    """(plan.Entry or None, [blockers]) of typed user U; PATTERN names a page
    type's constant ('PGTY_{}'), HOST is the dispatch host's text, BY_OPS
    the dispatch's branches by ops."""
    lname = ctx.types[u.page_type].lname
    const = key_const(ctx, pattern, lname)
    d = u.defined
    if const is None:
        return None, [blocker(
            "no-type-key", d.file, d.line,
            f"page type {u.page_type} of {u.ops} has no constant "
            f"{pattern.format(lname)} in {PAGE_FLAGS_H}",
            "set_movable_ops() names the page type a user registers its ops for",
            "define the page type's constant", u.ops)]
    var = f"{lname}_movable_ops"
    if re.search(rf"\b{var}\b", host):
        var = f"{u.ops}_registered"
    init, found = init_path(ctx, facts, u)
    if init is None:
        return None, found
    branch = by_ops.get(u.ops)
    return P.Entry(
        ops=u.ops, type=u.page_type, test=u.type_test, const=const, var=var,
        file=d.file, def_line=d.line, guard=u.guard.in_file, module=u.module,
        remark=branch.remark if branch else None, init=init[0], exit=init[1],
        **undo_visibility(u, done["visibility"].ops_refs)), []


def key_const(ctx, pattern, lname):
    """The constant of page type LNAME, if page-flags.h defines it."""
    name = pattern.format(lname)
    text = ctx.read(PAGE_FLAGS_H)
    return name if re.search(rf"^\s*(#define\s+)?{re.escape(name)}\b", text, re.M) \
        else None


def init_path(ctx, facts, u):
    """((plan.Init, plan.Exit or None), []): where U registers and
    unregisters its ops; or (None, [blocker])."""
    f = u.defined.file
    calls = {c.macro: c for c in facts.initcalls if c.file == f}
    text = ctx.read(f)
    init = calls.get("module_init")
    if init:
        ex = calls.get("module_exit")
        if not kbuild.if_nest(text, init.line):
            placement, found = place(u, init.func, text)
            if placement is None:
                return None, found
            return (P.Init(kind="module_init", func=init.func, where=f"{f}:{init.line}",
                           placement=placement),
                    P.Exit(func=ex.func, where=f"{f}:{ex.line}") if ex else None), []
    elif not u.module:
        name = f"{Path(f).stem}_init"
        while re.search(rf"\b{re.escape(name)}\b", text):
            name = "movable_ops_" + name
        return (P.Init(kind="initcall", func=name, level="core_initcall",
                       where=f"{f}:{u.defined.line}"), None), []
    return None, [blocker(
        "no-init-path", f, u.defined.line,
        f"{u.ops} can be built into a module, but {f} has no module_init() "
        "at the top level to register it from"
        + (f" ({u.module.why})" if u.module else ""),
        "a module's ops must be registered when it is loaded and unregistered before "
        "it goes; the series will not guess where its init path is",
        f"give {f} a module_init()/module_exit() pair, or use '--dispatch static'",
        u.ops)]


def place(u, func, text):
    """(plan.Placement, []) of U's registration in its init function FUNC
    (initpath.decide()), or (None, [blocker])."""
    f = u.defined.file
    found = initpath.function_lines(text, func)
    if found is None:
        d = initpath.Refusal(f"{func}(), which module_init() names, is not defined in {f}",
                             f"define {func}() in {f}")
        start = None
    else:
        start, lines = found
        d = initpath.decide(func, lines)
    if isinstance(d, initpath.Refusal):
        return None, [blocker(
            "init-cannot-unwind", f, start + 1 if start is not None else None,
            d.problem, f"{u.ops}'s registration must go first in {func}() and be given "
            "up by every failure after it, or a failed load leaves the ops (or what "
            "the init made before) behind, pointing into an unloaded module", d.fix,
            u.ops)]
    return P.Placement(var=d.var, declare=d.declare, before=d.before, labels=d.labels,
                       returns=[f"{f}:{start + 1 + k}" for k, _ in d.returns],
                       text=d.sentence(start + 1, f)), []


def undo_visibility(u, ops_refs):
    """Once the dispatch no longer names U's ops, and the ops argument is
    gone, the object is named in its own file only, unless something else
    still names it (OPS_REFS: {file: [(line, text)]}): then it is static
    again and its extern declarations go (the one the dispatch step added,
    and one a header had for inline markers, as balloon_compaction.h did).
    Returns those fields of U's plan.Entry."""
    d = u.defined
    marks = {(k.file, k.line) for k in u.marks}
    decls = {(x.file, x.line) for x in u.extern_decls + u.forward_decls}
    rx = re.compile(rf"\b{re.escape(u.ops)}\b")
    branch = re.compile(rf"\s*return &{re.escape(u.ops)};\s*")
    disp = u.from_dispatch
    others = []
    for f, ls in sorted(ops_refs.items()):
        for n, t in ls:
            if not rx.search(t) or (f, n) in marks or (f, n) in decls:
                continue
            if disp and f == disp.file and branch.fullmatch(t):
                continue    # the dispatch's own branch, which the step replaces
            if re.match(r"\s*(\*|/\*|//)", t) or re.match(r"EXPORT_SYMBOL", t.strip()):
                continue
            if f == d.file and n >= d.line:
                continue
            others.append(f"{f}:{n}")
    keep_export = bool(u.exports) and not u.drop_export
    free = not others and not keep_export
    why = ("named at " + ", ".join(others[:3]) if others else
           "exported for a module" if keep_export else "")
    # Every extern declaration goes, the one the dispatch step added to U's
    # header (in the tree already when the step runs on its own after it)
    # and one a header had for inline markers.
    headers = sorted({x.file for x in u.extern_decls} | ({u.header} if u.header else set()))
    return {"restore_static": free, "drop_extern": headers if free else [],
            "stays_visible": why}
