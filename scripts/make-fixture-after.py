#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""make-fixture-after.py - regenerate the after/ trees of tests/fixtures/
with the toolkit itself, for review with 'git diff tests/fixtures/'.

Usage: scripts/make-fixture-after.py [CASE...]      (default: every case)

For each case: a git copy of before/, scripts/apply-series.sh with the
case's args (case.json), and the tree the series branch leaves (before/
itself where the run makes no branch) written over after/.  The exit
status of the run is checked against case.json's "exit".

after/ is only as good as its review: read every line of the diff before
committing it.

Exit: 0 written, 2 bad usage, 3 a run did not exit as its case.json says or
a command failed (README.md, "Exit status").
"""
import json
import shutil
import sys
import tempfile
from pathlib import Path

from core.errors import EXIT_ENV, EXIT_OK, EXIT_USAGE, MovopsError
from core.proc import git, run

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
APPLY = REPO / "scripts" / "apply-series.sh"


def regenerate(case, work):
    data = json.loads((FIXTURES / case / "case.json").read_text())
    k = work / case
    shutil.copytree(FIXTURES / case / "before", k)
    git(k, "init", "-q")
    git(k, "add", "-A")
    git(k, "-c", "user.name=Fixture", "-c", "user.email=fixture@example.org",
        "commit", "-q", "-m", "fixture base")
    git(k, "config", "user.name", "Movops Tester")
    git(k, "config", "user.email", "tester@example.org")
    res = run([APPLY, "-q", *data["args"], k])
    if res.returncode != data["exit"]:
        print(f"make-fixture-after: {case}: apply-series exited {res.returncode}, "
              f"case.json says {data['exit']}:\n{res.stdout}{res.stderr}", file=sys.stderr)
        return False
    if git(k, "rev-parse", "-q", "--verify", "refs/heads/movable-ops",
           check=False, full=True).returncode == 0:
        git(k, "checkout", "-q", "movable-ops")
    shutil.rmtree(k / ".git")
    after = FIXTURES / case / "after"
    shutil.rmtree(after)
    shutil.copytree(k, after)
    print(f"make-fixture-after: {case}: after/ written")
    return True


def main():
    cases = sys.argv[1:] or sorted(p.parent.name for p in FIXTURES.glob("*/case.json"))
    if any(a.startswith("-") for a in cases):
        print(__doc__)
        return EXIT_OK if cases in (["-h"], ["--help"]) else EXIT_USAGE
    unknown = [c for c in cases if not (FIXTURES / c / "case.json").exists()]
    if unknown:
        print(f"make-fixture-after: no case {', '.join(unknown)} in {FIXTURES}",
              file=sys.stderr)
        return EXIT_USAGE
    ok = True
    with tempfile.TemporaryDirectory(prefix="movops-fixtures-") as tmp:
        for case in cases:
            try:
                ok &= regenerate(case, Path(tmp))
            except MovopsError as e:
                print(f"make-fixture-after: {case}: {e}", file=sys.stderr)
                ok = False
    return EXIT_OK if ok else EXIT_ENV


if __name__ == "__main__":
    sys.exit(main())
