# SPDX-License-Identifier: GPL-2.0
"""Edits a step makes where Coccinelle cannot: comments, enumerators under
#ifdef, whole preprocessor blocks.

This is the one way a step hands text edits to whoever runs it.  The step's
module (dispatchtext, registration, pageflag, docstep) has a function
step(plan) that returns a TextEdits: the new text of each file, computed
against the files as they were before the step, the findings for the report
modes, or the reason the step does not apply.  finish() then writes it in
the form of the mode the step runs in; in patch mode that is a unified diff
on standard output, the stream spatch prints its own diff on, so
'make coccicheck MODE=patch' gives one patch for the whole step.

apply-series.sh runs spatch with --in-place: spatch writes its own changes
to the files (after the finalize rule, so the text edits cannot be made
there), and standard output holds only the step's text diff, which the
driver applies on top.  The edits touch other lines than the SmPL rules,
so the two apply one after the other.

A step that is only a text edit says so in its header ('// Step: text
MODULE', see stepenv.step_kind()); the driver runs it without spatch, as
'python3 -m movops.textedit STEP.cocci' in the tree, which prints the same.
"""
import argparse
import difflib
import importlib
import sys

from . import stepenv

MODES = ("patch", "report", "context", "org")


class Mismatch(Exception):
    """The file is not what the edit expects; nothing may change."""


class TextEdits:
    """A step's text edits: EDITS {rel: (old, new)}, MESSAGES [(rel, line,
    text)] for the report modes, and SKIP, why there are none, if so."""

    def __init__(self, step, edits=None, messages=(), skip=None):
        self.step = step
        self.edits = dict(edits or {})
        self.messages = list(messages)
        self.skip = skip

    @classmethod
    def skipped(cls, step, reason):
        """No edits, and the reason said on stderr, where the driver reads a
        step's notes ('movops: ' lines)."""
        print(f"movops: {step}: skipped: {reason}", file=sys.stderr)
        return cls(step, skip=reason)

    def diff(self, only=None):
        return "".join(as_diff(rel, old, new) for rel, (old, new) in sorted(self.edits.items())
                       if old != new and (only is None or rel == only))


def read(rel):
    p = stepenv.tree_root() / rel
    return p.read_text(errors="surrogateescape") if p.is_file() else None


def replace_once(text, old, new, what):
    n = text.count(old)
    if n != 1:
        first = old.splitlines()[0] if old else ""
        raise Mismatch(f"{what}: expected exactly one '{first.strip()}' block, found {n}")
    return text.replace(old, new)


def finish(text, mode, only=None):
    """Write TEXT (a TextEdits) in the way MODE asks for; ONLY limits it to
    one file (a rule that speaks per file)."""
    root = stepenv.tree_root()
    messages = [m for m in text.messages if only is None or m[0] == only]
    if mode == "patch":
        sys.stdout.write(text.diff(only))
    elif mode in ("report", "context"):
        for rel, line, msg in messages:
            print(f"{rel}:{line}:0-1: {msg}")
    elif mode == "org":
        for rel, line, msg in messages:
            print(f"* TODO [[view:{root / rel}::face=ovl-face1::linb={line}::colb=0"
                  f"::cole=1][{msg}]]")
    sys.stdout.flush()


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


def run_text_step(cocci_file, plan=None):
    """The TextEdits of a step declared '// Step: text MODULE'."""
    kind, module = stepenv.step_kind(cocci_file)
    if kind != "text":
        raise ValueError(f"{cocci_file} is not a text step")
    mod = importlib.import_module(module)
    if plan is None and getattr(mod, "NEEDS_PLAN", True):
        plan = stepenv.load_plan()
    return mod.step(plan)


def main(argv=None):
    p = argparse.ArgumentParser(
        prog="python3 -m movops.textedit",
        description="Run a text step (a .cocci file whose header says '// Step: text "
                    "MODULE') on the tree in the current directory, like spatch -D MODE.")
    p.add_argument("-D", dest="mode", choices=MODES, default="patch")
    p.add_argument("step", help="the step's .cocci file")
    a = p.parse_args(argv)
    finish(run_text_step(a.step), a.mode)
    return 0


if __name__ == "__main__":
    sys.exit(main())
