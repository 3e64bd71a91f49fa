# SPDX-License-Identifier: GPL-2.0
"""Edits a step makes where Coccinelle cannot: comments, enumerators under
#ifdef, whole preprocessor blocks.

A step computes them in its initialize rule (so it can refuse before any
SmPL rule runs) and hands them over in its finalize rule.  They behave like
spatch's own output: written in place under --in-place (apply-series.sh),
printed as a unified diff otherwise ('make coccicheck MODE=patch'), listed
as file:line findings in report mode.  A file edited this way is never also
changed by the step's SmPL rules, so the two never disagree.
"""
import difflib
import sys
from pathlib import Path

from . import stepenv


class Mismatch(Exception):
    """The file is not what the edit expects; nothing may change."""


def read(rel):
    p = stepenv.tree_root() / rel
    return p.read_text(errors="surrogateescape") if p.is_file() else None


def replace_once(text, old, new, what):
    n = text.count(old)
    if n != 1:
        first = old.splitlines()[0] if old else ""
        raise Mismatch(f"{what}: expected exactly one '{first.strip()}' block, found {n}")
    return text.replace(old, new)


def _in_place():
    return "--in-place" in stepenv._spatch_args()


def finish(edits, mode, messages=()):
    """Apply EDITS ({rel: (old, new)}) in the way MODE asks for.

    MODE is 'patch', 'report', 'context' or 'org'; MESSAGES are
    (rel, line, text) findings for the report modes.
    """
    root = stepenv.tree_root()
    if mode == "patch":
        for rel, (old, new) in sorted(edits.items()):
            if old == new:
                continue
            if _in_place():
                (root / rel).write_text(new, errors="surrogateescape")
            else:
                sys.stdout.write(f"diff -u -p a/{rel} b/{rel}\n")
                sys.stdout.writelines(difflib.unified_diff(
                    old.splitlines(keepends=True), new.splitlines(keepends=True),
                    f"a/{rel}", f"b/{rel}"))
    elif mode in ("report", "context"):
        for rel, line, text in messages:
            print(f"{rel}:{line}:0-1: {text}")
    elif mode == "org":
        for rel, line, text in messages:
            print(f"* TODO [[view:{root / rel}::face=ovl-face1::linb={line}::colb=0"
                  f"::cole=1][{text}]]")


def first_line_of(text, needle):
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return i
    return 1
