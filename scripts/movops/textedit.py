# SPDX-License-Identifier: GPL-2.0
"""Edits a step makes where Coccinelle cannot: comments, enumerators under
#ifdef, whole preprocessor blocks.

A step computes them in its initialize rule (so it can refuse before any
SmPL rule runs) and hands them over in its finalize rule as a unified diff
against the files as they were: printed like spatch's own output ('make
coccicheck MODE=patch'), or, under --in-place, written to the file named by
MOVOPS_TEXT_PATCH for apply-series.sh to apply once spatch has written its
own changes (spatch writes its files after the finalize rule, so editing
them there would be undone).  The edits touch other lines than the SmPL
rules, so the two diffs apply one after the other.  In report mode they are
listed as file:line findings.
"""
import os
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
        text = "".join(as_diff(rel, old, new) for rel, (old, new) in sorted(edits.items())
                       if old != new)
        target = os.environ.get("MOVOPS_TEXT_PATCH")
        if _in_place() and target:
            with open(target, "a") as f:
                f.write(text)
        else:
            if _in_place() and text:
                print("movops: text edits are not applied in place without "
                      "MOVOPS_TEXT_PATCH; apply the diff below with 'patch -p1'",
                      file=sys.stderr)
            sys.stdout.write(text)
    elif mode in ("report", "context"):
        for rel, line, text in messages:
            print(f"{rel}:{line}:0-1: {text}")
    elif mode == "org":
        for rel, line, text in messages:
            print(f"* TODO [[view:{root / rel}::face=ovl-face1::linb={line}::colb=0"
                  f"::cole=1][{text}]]")


def as_diff(rel, old, new):
    return (f"diff -u -p a/{rel} b/{rel}\n"
            + "".join(difflib.unified_diff(old.splitlines(keepends=True),
                                           new.splitlines(keepends=True),
                                           f"a/{rel}", f"b/{rel}")))


def first_line_of(text, needle):
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return i
    return 1
