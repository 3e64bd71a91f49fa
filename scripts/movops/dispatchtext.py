# SPDX-License-Identifier: GPL-2.0
"""The text edits of the movable-ops-dispatch step (cocci/02-*.cocci):
declarations and #include lines, which have no C code to anchor a semantic
patch in a header that does not mention the rework yet (and which
Coccinelle's file prefilter would otherwise make it read the whole tree to
find).

- the host of the dispatch includes the users' headers, after its last
  #include <linux/...> line;
- each user's header declares its ops object extern, after the header's
  last top-level declaration;
- when some caller of the dispatch is outside the host, a shared header
  declares it, likewise.
"""
import re
from pathlib import Path

from . import kbuild, stepenv
from .textedit import TextEdits, read

DECL_END_RE = re.compile(r"\)\s*;\s*$|^\s*extern\b.*;\s*$")


def _last_include(text, prefix="<linux/"):
    last = None
    for i, line in enumerate(text.splitlines()):
        if re.match(r"#\s*include\s*" + re.escape(prefix), line):
            last = i
    return last


def _last_toplevel_decl_end(text):
    """Index of the line that ends the last top-level declaration (a ';' or
    a function body's '}' at depth 0) that is not inside an #if block."""
    lines = text.splitlines()
    depth = 0           # () [] and {} together
    in_comment = False
    last = None
    cont = False        # a preprocessor line continued with '\\'
    for i, line in enumerate(lines):
        if cont or (not in_comment and line.lstrip().startswith("#")):
            cont = line.endswith("\\")
            continue
        j, ended = 0, False
        while j < len(line):
            if in_comment:
                k = line.find("*/", j)
                if k < 0:
                    break
                in_comment, j = False, k + 2
                continue
            c = line[j]
            if line.startswith("/*", j):
                in_comment, j = True, j + 2
                continue
            if line.startswith("//", j):
                break
            if c in "\"'":
                k = j + 1
                while k < len(line) and line[k] != c:
                    k += 2 if line[k] == "\\" else 1
                j = k + 1
                continue
            if c in "([{":
                depth += 1
            elif c in ")]}":
                depth -= 1
                if c == "}" and depth == 0:
                    ended = True
            elif c == ";" and depth == 0:
                ended = True
            j += 1
        if ended and not kbuild.if_nest(text, i + 1):
            last = i
    return last


def _insert_after(text, index, block):
    lines = text.splitlines(keepends=True)
    return "".join(lines[:index + 1]) + block + "".join(lines[index + 1:])


def edits(plan):
    """({rel: (old, new)}, [(rel, line, message)])."""
    d = plan.dispatch
    out, messages = {}, []
    host = d.host
    if host and d.includes:
        text = read(host)
        if text is not None:
            at = _last_include(text)
            if at is not None:
                block = "".join(f"#include {inc}\n" for inc in d.includes)
                out[host] = (text, _insert_after(text, at, block))
                messages.append((host, at + 1, "include " + ", ".join(d.includes)
                                 + " for the dispatch by page type"))
    per_header = {}
    if not d.static and d.decl_header:
        per_header.setdefault(d.decl_header, []).append(
            f"/* {Path(host).name} */\n"
            "const struct movable_operations *page_movable_ops(struct page *page);\n")
    for u in plan.users:
        if u.header and not u.header_has_extern and u.type_test:
            per_header.setdefault(u.header, []).append(
                f"extern const struct movable_operations {u.ops};\n")
    for header, blocks in per_header.items():
        text = out.get(header, (read(header),))[-1] if header in out else read(header)
        if text is None:
            continue
        at = _last_toplevel_decl_end(text)
        if at is None:
            continue
        new = _insert_after(text, at, "\n" + "\n".join(blocks))
        out[header] = (read(header), new)
        messages.append((header, at + 1, "declare " + "; ".join(b.strip().splitlines()[-1]
                                                                 for b in blocks)))
    return out, messages


def step(plan):
    """The step's TextEdits; skip says why the whole step, SmPL included,
    changes nothing."""
    name = "movable-ops-dispatch"
    if stepenv.refuse_if_blocked(plan, name):
        return TextEdits(name, skip="the tree has blockers")
    if not plan.decoding.defs:
        # A tree that has its dispatch already (converted, or run on its own
        # after this step): the users in the plan come from that dispatch.
        return TextEdits.skipped(name, "no pointer decoding to replace")
    out, messages = edits(plan)
    return TextEdits(name, out, messages)
