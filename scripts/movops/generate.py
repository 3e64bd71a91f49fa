# SPDX-License-Identifier: GPL-2.0
"""Text the series' semantic patches insert, built from the analysis.

Only the shape of the dispatch is fixed here; every branch, its test, its
guard, and the sanity check at its top come from the tree (the plan).
"""
import re
from pathlib import Path

from . import kbuild

DISPATCH_NAME = "page_movable_ops"

DISPATCH_COMMENT = """\
	/*
	 * If we enable page migration for a page of a certain type by marking
	 * it as movable, the page type must be sticky until the page gets freed
	 * back to the buddy.
	 */"""


def dispatch_function(plan, registered=False):
    """The dispatch: a branch per user under its guard returning the
    user's ops object, or (REGISTERED) returning what the user registered
    for its page type, with no guard (set_movable_ops())."""
    d = plan.dispatch
    var = {e.ops: e.var for e in plan.registration.entries} if registered else {}
    lines = []
    head = "const struct movable_operations *page_movable_ops(struct page *page)"
    lines.append(("static " if d.static else "") + head)
    lines.append("{")
    if d.sanity:
        lines.append("\t" + d.sanity)
        lines.append("")
    lines.append(DISPATCH_COMMENT)
    for b in d.branches:
        if not registered:
            lines.append(b.open)
        lines.append(f"\tif ({b.test}(page))")
        if b.remark:
            lines.append(f"\t\t/* {b.remark} */")
        lines.append(f"\t\treturn {var[b.ops]};" if registered
                     else f"\t\treturn &{b.ops};")
        if not registered:
            lines.append(b.close)
    lines.append("\treturn NULL;")
    lines.append("}")
    return "\n".join(lines)


def include_lines(plan):
    # A leading newline: the text is printed right after the #include it
    # follows.
    return "".join(f"\n#include {inc}" for inc in plan.dispatch.includes)


def dispatch_declaration(plan):
    host = Path(plan.dispatch.host).name
    return (f"/* {host} */\n"
            "const struct movable_operations *page_movable_ops(struct page *page);")


def externs_for_header(plan, header):
    """Names of the ops objects HEADER must declare extern."""
    return [u.ops for u in plan.users
            if u.header == header and not u.header_has_extern
            and u.type_test]


def _text(path):
    try:
        return Path(path).read_text(errors="surrogateescape")
    except OSError:
        return ""


def last_include_line(path):
    """Line of the last '#include <linux/...>' of a file (0 if none)."""
    last = 0
    for i, line in enumerate(_text(path).splitlines(), 1):
        if re.match(r"#\s*include\s*<linux/", line):
            last = i
    return last


def at_top_level(path, line):
    """Is LINE outside every #if block (a header's include guard aside)?"""
    return not kbuild.if_nest(_text(path), line)


def dispatch_body(plan):
    """The dispatch's body without its final ';' (SmPL supplies it)."""
    text = dispatch_function(plan)
    body = text.split("{\n", 1)[1].rsplit("\n}", 1)[0]
    assert body.endswith("\treturn NULL;")
    return body[1:-1]
