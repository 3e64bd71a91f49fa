# SPDX-License-Identifier: GPL-2.0
"""What a step's SmPL needs to know about the whole tree.

A semantic patch sees one file at a time, but several steps of the series
need tree-wide facts: which ops objects exist, which helpers only forward an
ops pointer, where the dispatch lives.  Each step's initialize rule calls
load_plan(): apply-series.sh computes the analysis once and passes it in the
environment (MOVOPS_PLAN=file.json); run on its own, for example through
'make coccicheck', the step analyses the tree it is run on.

A step's Python rules import this package after one line that puts the
scripts/ directory beside the step's cocci/ on sys.path, found from the
step's own path (cocci.cocci_file):

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(cocci.cocci_file)), "..", "scripts"))
    from movops import stepenv

and learn the mode from initialize rules that depend on the virtual rules
(@initialize:python depends on report@), not from spatch's arguments.
"""
import os
import sys
from pathlib import Path

from core.errors import EXIT_USAGE


def step_kind(cocci_file):
    """('text', MODULE) for a step whose header says '// Step: text MODULE':
    a text edit made by MODULE.step(plan) (a movops.textedit.TextEdits),
    which the driver runs without spatch.  ('smpl', None) otherwise: a
    semantic patch, which may hand text edits over as well (textedit)."""
    for line in Path(cocci_file).read_text().splitlines():
        if line.startswith("// Step:"):
            words = line[len("// Step:"):].split()
            if words[:1] == ["text"] and len(words) == 2:
                return "text", words[1]
            raise ValueError(f"{cocci_file}: '{line}': expected '// Step: text MODULE'")
    return "smpl", None


def _spatch_dir():
    """spatch's --dir argument.  Python rules are not told the tree they run
    on, and it need not be the current directory ('spatch --dir ~/linux',
    as docs/steps.md shows); the one thing read from the command line."""
    try:
        args = Path("/proc/self/cmdline").read_bytes().decode().split("\0")
    except OSError:
        return None
    for i, a in enumerate(args):
        if a == "--dir" and i + 1 < len(args):
            return Path(args[i + 1]).resolve()
    return None


def tree_root():
    """The tree spatch works on: its --dir argument, or the directory that
    holds the files it was given, or the current directory."""
    d = _spatch_dir()
    if d:
        return d
    here = Path.cwd()
    for p in [here, *here.parents]:
        if (p / "mm").is_dir() and (p / "Makefile").is_file():
            return p
    return here


def load_plan():
    """The analysis of the tree (movops.analysis.analyze), a plan.Plan.

    A MOVOPS_PLAN that cannot be read as a plan (missing, empty, binary,
    truncated, another version) ends the process with one line on stderr
    and status 2, before the step has changed anything: spatch runs the
    initialize rule that calls this before it reads a file."""
    path = os.environ.get("MOVOPS_PLAN")
    if path:
        from .plan import Plan, PlanError
        try:
            return Plan.load(path, f"MOVOPS_PLAN={path}")
        except PlanError as e:
            print(f"movops: {e}; the step changed nothing", file=sys.stderr)
            sys.stderr.flush()
            sys.exit(EXIT_USAGE)
    from .analysis import analyze
    from .tree import Tree
    root = tree_root()
    print(f"movops: analysing {root} (set MOVOPS_PLAN to reuse an analysis)",
          file=sys.stderr)
    return analyze(Tree(root))


def refuse_if_blocked(plan, step):
    """Print the blockers and tell the caller to change nothing."""
    if not plan.blockers:
        return False
    print(f"movops: {step}: the tree has blockers; changing nothing:", file=sys.stderr)
    for b in plan.blockers:
        print(f"  {b.file}:{b.line or ''}: {b.problem}", file=sys.stderr)
    return True


def relpath(p):
    """A position's file relative to the tree root, for comparing with the
    plan's paths (spatch reports files as it was given them)."""
    root = tree_root()
    f = Path(p)
    if f.is_absolute():
        try:
            return str(f.relative_to(root))
        except ValueError:
            return str(f)
    s = str(f)
    return s[2:] if s.startswith("./") else s

