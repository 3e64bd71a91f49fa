# SPDX-License-Identifier: GPL-2.0
"""users, continued: where each user's ops object is visible.  The option
that makes it exist (its guard), whether it can be a module, the header
that can declare it, and whether its export is still needed once ops stop
being passed; and every line of the tree that names an ops object or calls
a forwarding helper (the files a step may need)."""
import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import facts as F
from .. import kbuild
from .. import plan as P
from .context import Outcome, blocker
from .modules import module_evidence

NAME = "visibility"
RUNS_AFTER = ("users",)


@dataclass
class Visibility(Outcome):
    users: dict = field(default_factory=dict)       # ops -> plan.User
    ops_refs: dict = field(default_factory=dict)    # file -> [(line, text)] naming an ops object
    helper_refs: set = field(default_factory=set)   # files calling a forwarding helper


def run(ctx, facts, done):
    users = {k: copy.copy(u) for k, u in done["users"].users.items()}
    helpers = done["users"].helpers
    ops_refs, helper_refs = references(ctx, users, helpers)
    for u in users.values():
        export_needed(ctx, u, ops_refs)
    blockers = []
    for u in users.values():
        blockers += guard(ctx, u)
        blockers += header(ctx, u)
    return Visibility(users=users, ops_refs=ops_refs, helper_refs=helper_refs,
                      blockers=blockers)


def references(ctx, users, helpers):
    """({file: [(line, text)]} of the lines naming an ops object, {files
    calling a forwarding helper}): one git grep for both, since each git
    grep of a kernel tree costs most of a second."""
    ops_refs, helper_refs = {}, set()
    names = sorted(users) + sorted(helpers)
    if not names:
        return ops_refs, helper_refs
    pat = r"\b(" + "|".join(re.escape(o) for o in names) + r")\b"
    hits = ctx.tree.grep_lines(pat, F.CODE_PATHSPECS)
    ops_rx = re.compile(r"\b(" + "|".join(re.escape(o) for o in sorted(users)) + r")\b") \
        if users else None
    call_rx = re.compile(r"\b(" + "|".join(re.escape(h) for h in sorted(helpers))
                         + r")\s*\(") if helpers else None
    for f, ls in hits.items():
        mine = [(n, t) for n, t in ls if ops_rx and ops_rx.search(t)]
        if mine:
            ops_refs[f] = mine
        if call_rx and any(call_rx.search(t) for _, t in ls):
            helper_refs.add(f)
    return ops_refs, helper_refs


def export_needed(ctx, u, ops_refs):
    """Mark U's export droppable when no module needs it once ops stop
    being passed (sets U's drop_export, export_still_needed_by)."""
    u.drop_export = False
    if not u.exports or not u.defined:
        return
    o = u.ops
    refs = {f: [(n, t) for n, t in ls if re.search(rf"\b{re.escape(o)}\b", t)]
            for f, ls in ops_refs.items()}
    mark_lines = {(k.file, k.line) for k in u.marks}
    extern_lines = {(x.file, x.line) for x in u.extern_decls}
    remaining = []
    for file, lines in refs.items():
        if file == u.defined.file or module_evidence(ctx, file) is None:
            continue
        for line, text in lines:
            if (file, line) in mark_lines or (file, line) in extern_lines:
                continue
            if re.match(r"\s*(\*|/\*|//)", text):
                continue
            remaining.append(f"{file}:{line}")
    u.export_still_needed_by = remaining
    u.drop_export = not remaining


def guard(ctx, u):
    """Set U's guard, name and module; [blocker] when the guard cannot be
    derived."""
    if not u.defined:
        return []
    f, line = u.defined.file, u.defined.line
    text = ctx.read(f)
    try:
        raw = kbuild.obj_atoms(ctx.tree, f) + kbuild.guard_atoms(text, line)
    except kbuild.NotDerivable as e:
        return [blocker(
            "guard-not-derivable", f, line,
            f"cannot derive the option that makes {u.ops} exist: {e}",
            "each branch of the dispatch must be compiled exactly when its ops "
            "object exists, or the kernel fails to link or loses a user",
            "put the definition under #ifdef/#if defined() of options only, in a "
            "file built by an obj-$(CONFIG_...) line", u.ops)]
    atoms = kbuild.simplify(raw, ctx.kconfig)
    opening, closing = kbuild.format_guard(atoms) if atoms else (None, None)
    u.guard = P.Guard(raw=raw, atoms=atoms, open=opening, close=closing,
                      in_file=kbuild.guard_atoms(text, line))
    u.name = Path(f).stem.replace("_", " ")
    u.module = module_evidence(ctx, f)
    return []


def header(ctx, u):
    """Set the header that declares U's ops and the #include naming it;
    [blocker] when there is none."""
    if not u.defined:
        return []
    f = u.defined.file
    stem = Path(f).stem
    text = ctx.read(f)
    cand = f"include/linux/{stem}.h"
    hdr = None
    if ctx.tree.exists(cand) and re.search(rf"#\s*include\s*<linux/{stem}\.h>", text):
        hdr = cand
    elif u.extern_decls:
        hdr = u.extern_decls[0].file
    if hdr is None:
        return [blocker(
            "no-header", f, u.defined.line,
            f"no header to declare {u.ops} in: neither include/linux/{stem}.h "
            f"(included by {f}) nor an existing extern declaration",
            "the dispatch lives in another file and must see the object",
            f"add an 'extern const struct movable_operations {u.ops};' to the "
            f"header of {f}", u.ops)]
    u.header = hdr
    u.header_has_extern = any(x.file == hdr for x in u.extern_decls)
    if hdr.startswith("include/"):
        u.include = "<" + hdr[len("include/"):] + ">"
    else:
        u.include = f'"{Path(hdr).name}"'
    return []
