# SPDX-License-Identifier: GPL-2.0
"""Which function each movable_ops user migrates its pages with.

The runtime check counts calls of these functions with kprobes, so the
names must come from the tree being checked, not from a list.

For now this reads the tree directly: every definition of a
'struct movable_operations' object with an initializer, found with git grep
in the revision, and its '.migrate_page = fn' designated initializer.  It
is meant to be switched to movops.analysis (facts["users"][i]["callbacks"]
["migrate_page"]) once that lands; users() is the one place to change.
"""
import re

from .common import BadInput

from movops.tree import Tree

DEF_RE = r"struct[[:space:]]+movable_operations[[:space:]]+[A-Za-z_][A-Za-z0-9_]*[[:space:]]*="
NAME_RE = re.compile(r"struct\s+movable_operations\s+(\w+)\s*=")
MIGRATE_RE = re.compile(r"\.migrate_page\s*=\s*&?\s*(\w+)")
IGNORED_DIRS = ("Documentation/", "tools/", "samples/")


def users(kdir, rev):
    """[{"ops", "file", "line", "migrate_page"}] for each definition found.

    "migrate_page" is None when the initializer does not name a function.
    """
    tree = Tree(kdir, rev)
    hits = tree.grep_lines(DEF_RE, ["*.c", "*.h"])
    out = []
    for f in sorted(hits):
        if f.startswith(IGNORED_DIRS):
            continue
        text = tree.read(f) or ""
        lines = text.splitlines()
        for lineno, line in hits[f]:
            m = NAME_RE.search(line)
            if not m:
                continue
            body = _initializer(lines, lineno - 1)
            mig = MIGRATE_RE.search(body)
            out.append({"ops": m.group(1), "file": f, "line": lineno,
                        "migrate_page": mig.group(1) if mig else None})
    return out


def _initializer(lines, start):
    """Text from the '=' on line START to the closing '};' of the object."""
    text = ""
    depth = 0
    opened = False
    for line in lines[start:start + 60]:
        seg = line.split("=", 1)[1] if not text and "=" in line else line
        text += seg + "\n"
        depth += seg.count("{") - seg.count("}")
        opened = opened or "{" in seg
        if opened and depth <= 0:
            break
    return text


def migrate_callbacks(kdir, rev):
    """{ops name: migrate callback} of the users of REV in KDIR."""
    try:
        found = users(kdir, rev)
    except Exception as e:          # TreeError and git failures alike
        raise BadInput(f"cannot read the movable_ops users of {kdir} at {rev}: {e}")
    return {u["ops"]: u["migrate_page"] for u in found if u["migrate_page"]}
