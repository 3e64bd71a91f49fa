# SPDX-License-Identifier: GPL-2.0
"""The text of the movable-ops-registration step (cocci/04-*.cocci).

A static dispatch can only name ops objects that are linked into the
kernel: a user whose object is built as a module (CONFIG_ZSMALLOC=m) gets
no branch, and its pages lose their movable_ops.  The step replaces the
branches by pointers that the users register, per page type, with
set_movable_ops() from their init path (and unregister from their exit
path).  Everything comes from the plan (movops.passes.registration):
the page types and their key constants, the init and exit functions, the
guards, and which visibility changes of the dispatch step to undo.

The inserted lines are text edits computed here: declarations in a
header's #ifdef/#else block, a new function and its table before the
dispatch, statements around #ifdef lines inside init and exit functions
(where in an init function, and how its failures unwind: initpath.py).
The one change SmPL makes is giving the ops objects back their 'static'.
"""
import re
import sys

from . import generate, initpath, kbuild, stepenv
from .initpath import function_span
from .textedit import Mismatch, TextEdits, read

HEADER = "include/linux/migrate.h"
FUNC = "set_movable_ops"


def _lines(text):
    return text.splitlines(keepends=True)


def _guarded(atoms, body):
    if not atoms:
        return body
    opening, closing = kbuild.format_guard(atoms)
    # A guard inside a function closes with a plain #endif: the kernel's
    # style comments only the #endif of long top-level blocks.
    return f"{opening}\n{body}#endif\n"


def _key_param(reg):
    return f"{reg.key.type} type"


# -- include/linux/migrate.h -------------------------------------------------

def header_edit(reg, text):
    """Declare set_movable_ops() at the end of the #ifdef part of the host's
    #ifdef/#else block, and its stub at the end of the #else part."""
    d = reg.decl
    lines = _lines(text)
    at_else, at_endif = d.else_line - 1, d.endif_line - 1
    if not (lines[at_else].startswith("#else") and lines[at_endif].startswith("#endif")):
        raise Mismatch(f"{HEADER}: expected #else at line {d.else_line} and #endif at "
                       f"line {d.endif_line} (the {d.option} block)")
    proto = f"int {FUNC}(const struct movable_operations *ops, {_key_param(reg)});\n"
    # Without the host nothing migrates pages: there is nothing to register
    # with, and no reason to fail a user's init for it.
    stub = (f"static inline int {FUNC}(const struct movable_operations *ops,\n"
            f"\t\t{_key_param(reg)})\n"
            "{\n"
            "\treturn 0;\n"
            "}\n")

    def before_blank(i):
        # The new lines go after the last line of a part, before the blank
        # line that separates it from the #else or #endif.
        j = i
        while j > 0 and not lines[j - 1].strip():
            j -= 1
        return j

    out = list(lines)
    e = before_blank(at_endif)
    out[e:e] = ["\n", *_lines(stub)]
    s = before_blank(at_else)
    out[s:s] = [proto]
    return "".join(out)


# -- the dispatch host ---------------------------------------------------------

def table_and_setter(reg):
    """The registered pointers and set_movable_ops(), before the dispatch."""
    entries = reg.entries
    out = [f"static const struct movable_operations *{e.var};\n" for e in entries]
    out.append("\n")
    out.append(
        "/**\n"
        f" * {FUNC} - register the movable_ops of the pages of one page type\n"
        " * @ops: the movable_operations of the user of that type, or NULL to\n"
        " *       unregister them\n"
        " * @type: the page type that identifies the user's pages\n"
        " *\n"
        " * page_movable_ops() finds a page's movable_ops from its page type.  A\n"
        " * user registers its ops before it marks any page movable, from code\n"
        " * that is built exactly when its ops are (its module's init function,\n"
        " * or an initcall), and unregisters them when its module goes.\n"
        " *\n"
        " * Return: 0, -EBUSY if @type has movable_ops already, or -EINVAL for a\n"
        " * page type that has no movable_ops pages.\n"
        " */\n")
    out.append(f"int {FUNC}(const struct movable_operations *ops, {_key_param(reg)})\n")
    out.append("{\n\tconst struct movable_operations **slot;\n\n\tswitch (type) {\n")
    for e in entries:
        out.append(f"\tcase {e.const}:\n\t\tslot = &{e.var};\n\t\tbreak;\n")
    out.append("\tdefault:\n\t\treturn -EINVAL;\n\t}\n")
    out.append("\tif (ops && *slot)\n\t\treturn -EBUSY;\n\t*slot = ops;\n\treturn 0;\n}\n")
    out.append(f"EXPORT_SYMBOL_GPL({FUNC});\n\n")
    return "".join(out)


def host_edit(plan, text):
    reg = plan.registration
    host = plan.dispatch.host
    span = function_span(text, generate.DISPATCH_NAME)
    if span is None:
        raise Mismatch(f"{host}: no definition of {generate.DISPATCH_NAME}() to turn "
                       "into a lookup of the registered movable_ops")
    first, last = span
    lines = _lines(text)
    old = "".join(lines[first:last + 1])
    want = generate.dispatch_function(plan) + "\n"
    if old != want:
        raise Mismatch(f"{host}:{first + 1}: {generate.DISPATCH_NAME}() is not the static "
                       "dispatch this series generated; it was edited since")
    new = table_and_setter(reg) + generate.dispatch_function(plan, registered=True) + "\n"
    out = lines[:first] + [new] + lines[last + 1:]
    # The users' headers were included for the dispatch only.
    drop = {f"#include {inc}\n" for inc in reg.drop_includes}
    missing = drop - set(out)
    if missing:
        raise Mismatch(f"{host}: expected '{sorted(missing)[0].strip()}', which the "
                       "dispatch step added")
    return "".join(l for l in out if l not in drop)


# -- the users -----------------------------------------------------------------

def user_edits(entry, reg, text):
    """The user's file with its registration (and unregistration) added."""
    lines = _lines(text)
    ops, const = entry.ops, entry.const
    call = f"{FUNC}(&{ops}, {const})"
    init = entry.init
    inserts = []        # (index, lines) inserted before line index; or replacements
    if init.kind == "initcall":
        # A function of its own right after the ops object, inside the
        # block that builds it: it exists exactly when the ops do.  The
        # earlier steps moved lines: the definition is found in the text.
        at = definition_end(text, ops)
        if at is None:
            raise Mismatch(f"{entry.file}: no definition of {ops} ending in '}};'")
        if at + 1 < len(lines) and re.match(r"EXPORT_SYMBOL(_GPL)?\(\s*" + re.escape(ops)
                                           + r"\s*\);", lines[at + 1]):
            at += 1
        fn = init.func
        block = ("\n"
                 f"static int __init {fn}(void)\n"
                 "{\n"
                 f"\treturn {call};\n"
                 "}\n"
                 f"{init.level}({fn});\n")
        inserts.append((at + 1, [block]))
    else:
        found = initpath.function_lines(text, init.func)
        if found is None:
            raise Mismatch(f"{entry.file}: no definition of {init.func}()")
        start, func = found
        d = initpath.decide(init.func, func)
        if isinstance(d, initpath.Refusal):
            raise Mismatch(f"{entry.file}: {d.problem}")
        want = init.placement
        if want is None or (init.func, want.var, want.declare, want.before,
                            tuple(want.labels), len(want.returns)) != d.signature():
            raise Mismatch(f"{entry.file}: {init.func}() is not the function the analysis "
                           f"read ({d.sentence()})")
        # First, before every other effect: its own failure has nothing to
        # undo, and every later failure unregisters (initpath.py).
        guard = (kbuild.format_guard(entry.guard)[0], "#endif") if entry.guard else None
        new = initpath.render(func, d, call, f"{FUNC}(NULL, {const})", guard)
        inserts.append((start, len(func), "".join(l + "\n" for l in new)))
    ex = entry.exit
    if ex:
        span = function_span(text, ex.func)
        if span is None:
            raise Mismatch(f"{entry.file}: no definition of {ex.func}()")
        # Unregistered last, when the module has no page left.
        body = _guarded(entry.guard, f"\t{FUNC}(NULL, {const});\n")
        inserts.append((span[1], [body]))
    out = list(lines)
    for item in sorted(inserts, key=lambda x: x[0], reverse=True):
        if len(item) == 3:      # (first line, how many, their new text)
            out[item[0]:item[0] + item[1]] = [item[2]]
        else:
            out[item[0]:item[0]] = item[1]
    return "".join(out)


def definition_end(text, ops):
    """0-based index of the '};' line that ends the definition of OPS."""
    lines = text.split("\n")
    head = re.compile(rf"^(static\s+)?const struct movable_operations {re.escape(ops)}\s*=\s*\{{")
    for i, line in enumerate(lines):
        if head.match(line):
            for j in range(i, len(lines)):
                if lines[j].startswith("};"):
                    return j
    return None


def drop_extern(text, ops):
    """TEXT without 'extern const struct movable_operations OPS;' and one
    blank line beside it: the one before it (the dispatch step puts one
    there), or else the one after it."""
    lines = _lines(text)
    want = f"extern const struct movable_operations {ops};\n"
    if want not in lines:
        raise Mismatch(f"expected '{want.strip()}' to remove")
    i = lines.index(want)
    start, end = i, i + 1
    if i > 0 and not lines[i - 1].strip():
        start = i - 1
    elif end < len(lines) and not lines[end].strip():
        end += 1
    return "".join(lines[:start] + lines[end:])


def edits(plan):
    """({rel: (old, new)}, [(rel, line, message)]) of the registration step."""
    reg = plan.registration
    out, messages = {}, []

    def change(rel, fn, what, line=1):
        old = out[rel][1] if rel in out else read(rel)
        if old is None:
            raise Mismatch(f"{rel}: no such file")
        out[rel] = (out[rel][0] if rel in out else old, fn(old))
        messages.append((rel, line, what))

    change(HEADER, lambda t: header_edit(reg, t),
           f"declare {FUNC}() and its stub without {reg.decl.option}",
           reg.decl.else_line)
    host = plan.dispatch.host
    change(host, lambda t: host_edit(plan, t),
           f"{generate.DISPATCH_NAME}() returns the movable_ops registered for the "
           "page's type")
    for e in reg.entries:
        init = e.init
        where = (f"{init.func}() ({init.level})" if init.kind == "initcall"
                 else f"{init.func}()")
        change(e.file, lambda t, e=e: user_edits(e, reg, t),
               f"register {e.ops} for {e.const} in {where}"
               + (f", unregister in {e.exit.func}()" if e.exit else ""),
               e.def_line)
        for header in e.drop_extern or []:
            change(header, lambda t, e=e: drop_extern(t, e.ops),
                   f"{e.ops} is named in its own file only: its extern declaration goes")
    return out, messages


def step(plan):
    """The step's TextEdits, or why it does not apply; when it applies, the
    users that can be modules, with evidence, go to stderr."""
    name = "movable-ops-registration"
    reg = plan.registration
    if stepenv.refuse_if_blocked(plan, name):
        return TextEdits.skipped(name, "the tree has blockers")
    if not reg.applies:
        return TextEdits.skipped(name, reg.reason or "nothing to register")
    try:
        out, messages = edits(plan)
    except Mismatch as e:
        return TextEdits.skipped(name, str(e) + "; nothing changed")
    for d in reg.decisions:
        print(f"movops: {name}: {d}", file=sys.stderr)
    for e in reg.entries:
        if e.init.placement is not None:
            print(f"movops: {name}: {e.init.placement.text}", file=sys.stderr)
    return TextEdits(name, out, messages)
