# SPDX-License-Identifier: GPL-2.0
"""The users of what a series changes: every file of the tree that calls,
expands or names a definition the series changes or removes.

A changed line compiled is not every user of it compiled: the series
changes balloon_page_insert(), an inline of balloon_compaction.h, and
virtio_balloon.o compiles the changed line, but vmw_balloon.c (x86) and
cmm.c (powerpc pseries) expand it too, and a caller broken by the change
in either passes unless they are built.

The definitions (changed_definitions()) are read from the series' diff:
for every changed line of C (the tip's added lines, the base's removed
ones), the top-level construct around it, when it is a function (or its
prototype), a macro, or a struct movable_operations object.  Functions
static to a .c file are that file's own (already an object: it changed).
Types are left out: a changed structure is the compiler's to check in the
files that change, and naming every user of 'struct page' would build the
tree.

The users (find()) are the C files of the tip that name one of them as a
word (git grep -w), outside tools/, scripts/ and Documentation/ (not
kernel objects).  Headers that name one are listed, not built: their
includers are.
"""
import re
from dataclasses import dataclass, field

from core.proc import git
from movops.tree import Tree

FUNC, INLINE, MACRO, OPS = "function", "inline", "macro", "ops object"

# Not objects of a kernel build.
NOT_KERNEL = ("tools/", "scripts/", "Documentation/", "samples/", "usr/")

IDENT = r"[A-Za-z_]\w*"
DEFINE_RE = re.compile(rf"^\s*#\s*define\s+({IDENT})")
KEYWORDS = {"if", "for", "while", "switch", "return", "sizeof", "typeof", "__typeof__",
            "defined", "__attribute__", "__aligned", "__section"}


@dataclass(frozen=True)
class Definition:
    name: str
    kind: str
    file: str           # where the series changes it
    removed: bool = False


@dataclass
class Users:
    """What find() found: DEFINITIONS, and per user file the names it
    uses."""
    definitions: list = field(default_factory=list)     # [Definition]
    files: dict = field(default_factory=dict)           # path -> [name]

    def objects(self):
        """The users' objects (.c files; a header is compiled where it is
        included)."""
        return sorted(f[:-2] + ".o" for f in self.files if f.endswith(".c"))

    def headers(self):
        return sorted(f for f in self.files if f.endswith(".h"))

    def to_json(self):
        return {"definitions": [{"name": d.name, "kind": d.kind, "file": d.file,
                                 "removed": d.removed} for d in self.definitions],
                "files": self.files}

    @classmethod
    def from_json(cls, data):
        return cls([Definition(**d) for d in data["definitions"]], dict(data["files"]))


def _construct(lines, ln):
    """(name, kind) of the top-level construct around line LN (1-based) of
    LINES, or None."""
    i = ln - 1
    if i >= len(lines):
        return None
    # A macro: the #define line this one continues.
    j = i
    while j > 0 and lines[j - 1].rstrip().endswith("\\"):
        j -= 1
    m = DEFINE_RE.match(lines[j])
    if m:
        return m.group(1), MACRO
    body = lines[i].strip()
    if not body or body.startswith(("#", "/*", "*", "//")):
        return None
    # Back to the line that starts the construct: an identifier at column
    # 0 that is not a label.  A '}' at column 0 on the way ends an earlier
    # one (the line is between constructs); preprocessor lines inside a
    # function are passed over.
    start = None
    for k in range(i, -1, -1):
        s = lines[k]
        if k != i and s.startswith("}"):
            break
        if re.match(r"[A-Za-z_]", s) and not re.match(rf"{IDENT}:\s*($|/)", s):
            start = k
            break
    if start is None:
        return None
    head = " ".join(l.strip() for l in lines[start:min(start + 6, len(lines))])
    head = head.split("{", 1)[0]
    lhs = head.split("=", 1)[0]
    if "movable_operations" in lhs and "(" not in lhs:
        m = re.search(rf"({IDENT})\s*(?:\[[^]]*\]\s*)?$", lhs.split(";")[0].strip())
        if m is None:
            return None
        return m.group(1), ("static" if re.search(r"\bstatic\b", lhs) else OPS)
    head = lhs
    paren = head.find("(")
    if paren < 0 or ("=" in head[:paren]):
        return None
    names = re.findall(IDENT, head[:paren])
    # One identifier only is a macro called at file scope (EXPORT_SYMBOL(x);
    # module_init(f);), not a declaration.
    if len(names) < 2 or names[-1] in KEYWORDS:
        return None
    decl = head[:paren]
    static = re.search(r"\bstatic\b", decl) is not None
    inline = re.search(r"\binline\b|__always_inline", decl) is not None
    return names[-1], (INLINE if inline else "static" if static else FUNC)


def definitions_in(path, text, lines, removed=False):
    """The Definitions of PATH (its TEXT) around the changed LINES."""
    out = {}
    tl = (text or "").split("\n")
    for ln in lines:
        got = _construct(tl, ln)
        if got is None:
            continue
        name, kind = got
        # What a .c file defines is its own unless it has external
        # linkage: its macros, static functions and objects.
        if path.endswith(".c") and kind in ("static", MACRO, INLINE):
            continue
        if kind == "static":
            # A static function of a header is an inline in effect, a
            # static ops object of a header (none known) its includers'.
            kind = INLINE
        out.setdefault(name, Definition(name, kind, path, removed))
    return list(out.values())


def changed_definitions(series, changes):
    """The Definitions the series' CHANGES (commits.FileChange) change or
    remove, by name.  A change's lines are read in the revisions they are
    of: a commit's (commits.commit_changes()), or the base's and the tip's."""
    trees = {}

    def tree(rev):
        if rev not in trees:
            trees[rev] = Tree(series.kdir, rev)
        return trees[rev]

    found = {}
    for fc in changes:
        for t, path, lines, removed in ((tree(fc.new_rev or series.tip), fc.path, fc.added, False),
                                        (tree(fc.old_rev or series.base), fc.old_path, fc.removed,
                                         True)):
            if not path or not path.endswith((".c", ".h")) or not lines:
                continue
            for d in definitions_in(path, t.read(path), lines, removed):
                # Changed (at the tip) wins over removed.
                if d.name not in found or found[d.name].removed:
                    found[d.name] = d
    return sorted(found.values(), key=lambda d: (d.file, d.name))


def find(series, changes):
    """Users of what the series CHANGES: one git grep of the tip for every
    definition's name as a word."""
    defs = changed_definitions(series, changes)
    users = Users(defs)
    if not defs:
        return users
    args = [a for d in defs for a in ("-e", d.name)]
    res = git(series.kdir, "grep", "-o", "-w", "-I", *args, series.tip, "--", "*.c", "*.h",
              check=False, full=True)
    own = {d.name: d.file for d in defs}
    for line in res.stdout.splitlines():
        # REV:PATH:MATCH
        parts = line.split(":")
        if len(parts) < 3:
            continue
        path, name = parts[1], parts[-1]
        if path.startswith(NOT_KERNEL) or name not in own:
            continue
        names = users.files.setdefault(path, [])
        if name not in names:
            names.append(name)
    return users
