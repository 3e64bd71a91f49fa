# SPDX-License-Identifier: GPL-2.0
"""The negative control: break the dispatch on purpose, expect a failure.

The mutation is applied to the private exported copy of the tree only
(never to the user's tree), built into a build directory of its own so the
good kernel's objects stay valid, and the source is restored byte for byte
and with its old modification time afterwards.

Mutations of page_movable_ops() in mm/migrate.c (the function the rework
adds), on its branches of the form 'if (PageXxx(page)) return X;', where X
is the ops object (&balloon_mops, in the static dispatch) or the pointer
registered for that page type (offline_movable_ops, once the users
register their ops):
  drop-first, drop-last - remove that branch: its user's pages no longer
          have ops, so compaction leaves them where they are;
  swap  - exchange the tests of the first two branches: each user's pages
          get the other user's ops.

The default removes the first branch.  On the trees at hand that is the
balloon's, and the resulting kernel runs to the end: the check fails on its
main criterion (balloon_page_migrate() is never called, balloon_migrate
does not move), not merely on a crash.  Removing the zsmalloc branch of a
6.12 tree instead trips DEBUG_VM (VM_BUG_ON_PAGE(!PageMovable(page)) in
__ClearPageMovable()), and swapping the tests crashes in the wrong user's
callbacks; both fail the check as well.
"""
import hashlib
import os
import re
from pathlib import Path

from core.errors import EnvironmentFailure

from . import kernel

DISPATCH_FILE = "mm/migrate.c"
DISPATCH_FUNC = "page_movable_ops"
MODES = ("drop-first", "drop-last", "swap")
DEFAULT_MODE = "drop-first"

BRANCH_RE = re.compile(
    r"(?P<indent>[ \t]*)if \((?P<test>!?\s*Page\w+\(\s*page\s*\))\)[ \t]*\n"
    r"(?P<body>(?:[ \t]*/\*.*?\*/[ \t]*\n)*[ \t]*return\s+(?P<ret>[^;\n]+?)\s*;[ \t]*\n)",
    re.S)


def function_span(text, name):
    """(start, end) of the definition of function NAME in TEXT, or None.

    A line of a comment that names the function ("page_movable_ops()
    finds ...", in set_movable_ops()'s kernel-doc) is not its definition,
    and the parameter list ends at its first ')': otherwise the match
    would run on to the next definition's '{'.
    """
    for m in re.finditer(rf"^(?![ \t]*(?:\*|/\*|//))[^\n;#]*\b{re.escape(name)}\s*"
                         rf"\([^;{{)]*\)\s*\{{", text, re.M):
        depth = 0
        for i in range(m.end() - 1, len(text)):
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
                if depth == 0:
                    return m.start(), i + 1
    return None


def mutate(text, mode=DEFAULT_MODE):
    """(mutated text, one-line description) of mm/migrate.c's TEXT."""
    if mode not in MODES:
        raise ValueError(f"unknown mutation {mode}")
    span = function_span(text, DISPATCH_FUNC)
    if span is None:
        raise EnvironmentFailure(f"negative control: no definition of {DISPATCH_FUNC}() in "
                                 f"{DISPATCH_FILE} (is this the converted tree?)")
    start, end = span
    body = text[start:end]
    branches = list(BRANCH_RE.finditer(body))
    if mode.startswith("drop"):
        if not branches:
            raise EnvironmentFailure(f"negative control: {DISPATCH_FUNC}() has no "
                                     "'if (PageXxx(page)) return ...;' branch to remove")
        b = branches[0] if mode == "drop-first" else branches[-1]
        new = body[:b.start()] + body[b.end():]
        desc = f"removed the branch 'if ({b.group('test')}) return {b.group('ret')};'"
    else:
        if len(branches) < 2:
            raise EnvironmentFailure(f"negative control: {DISPATCH_FUNC}() has fewer than two "
                                     "page-type branches to swap")
        a, b = branches[0], branches[1]
        new = (body[:a.start("test")] + b.group("test") + body[a.end("test"):b.start("test")]
               + a.group("test") + body[b.end("test"):])
        desc = f"swapped the tests {a.group('test')} and {b.group('test')}"
    return text[:start] + new + text[end:], f"{DISPATCH_FILE}: {DISPATCH_FUNC}(): {desc}"


class Mutated:
    """Context manager: SRC/mm/migrate.c mutated inside, restored after
    (or SRC/REL, changed by MUTATOR: text -> (text, description), as the
    registration-leak control does with mm/zsmalloc.c).

    The restored file gets back its modification time, so the good build
    does not recompile it.  BUILD_DIR (the negative control's own build
    directory) has its object for the file removed whenever the mutated
    text differs from the one it was last built from, since make alone
    would not notice (the mutated file carries the old time as well).
    """

    def __init__(self, src, build_dir, mode=DEFAULT_MODE, rel=DISPATCH_FILE, mutator=None):
        self.rel = rel
        self.path = Path(src) / rel
        self.build_dir = Path(build_dir)
        self.mutator = mutator or (lambda text: mutate(text, mode))
        self.mode = mode
        self.orig = None
        self.stat = None
        self.description = None

    def __enter__(self):
        self.orig = self.path.read_bytes()
        self.stat = os.stat(self.path)
        text, self.description = self.mutator(self.orig.decode("utf-8", "surrogateescape"))
        data = text.encode("utf-8", "surrogateescape")
        digest = hashlib.sha256(data).hexdigest()
        stamp = self.build_dir / ".movops-negctl-source"
        obj = self.build_dir / Path(self.rel).with_suffix(".o")
        if not stamp.exists() or stamp.read_text().strip() != digest:
            if obj.exists():
                obj.unlink()
        self.path.write_bytes(data)
        os.utime(self.path, ns=(self.stat.st_atime_ns, self.stat.st_mtime_ns))
        self._stamp, self.digest = stamp, digest
        return self

    def built(self):
        """Record that BUILD_DIR now holds the mutated object."""
        self._stamp.write_text(self.digest + "\n")

    def __exit__(self, *exc):
        self.path.write_bytes(self.orig)
        os.utime(self.path, ns=(self.stat.st_atime_ns, self.stat.st_mtime_ns))


def seed_build_dir(good, neg, log, what="the negative control"):
    """Make NEG a copy of the good build dir (kernel.seed_build_dir), without
    the record of a mutated object that a copy of an older NEG would lie
    about.  WHAT names the control in the log."""
    if kernel.seed_build_dir(good, neg, log, what):
        stale = Path(neg) / ".movops-negctl-source"
        if stale.exists():
            stale.unlink()
