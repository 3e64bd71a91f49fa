#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""make-expected.py - regenerate the golden files in expected/ with the
toolkit itself, for review with 'git diff expected/'.

Usage: scripts/make-expected.py [--only NAME] [--expected DIR]

For each known tree it runs scripts/apply-series.sh on a fresh clone and
writes what the run produced:

  mainline-fixture   tests/fixtures/mainline/before: the series as patches
  6.12-drop-z3fold   Debian linux-source-6.12 with --prereq drop-z3fold:
                     the series as patches
  6.12               stock Debian linux-source-6.12: the blocker report
  6.1                stock Debian linux-source-6.1: the blocker report
  6.1-drop-z3fold-zsmalloc-page-type
                     Debian linux-source-6.1 with --prereq drop-z3fold and
                     --prereq zsmalloc-page-type: the series as patches
  6.12-drop-z3fold-stable, 6.1-drop-z3fold-zsmalloc-page-type-stable
                     the same series in the stable form (--stable): one
                     commit per upstream commit; tree.json says "form":
                     "stable"

Each directory also gets tree.json: the tree's version, the source, the
prerequisites, the files the series reads, a hash of them at the base and
each one's git blob id, by which the tests and verify.py recognise the
tree: the same tree is compared byte for byte, another point release of
its stable line by content, the same version with other files is named
file by file and not judged (scripts/verifier/golden.py).  The Debian trees are the pinned
versions of scripts/pinned-trees.txt.  The git identity is fixed
(GOLDEN_IDENTITY) and the dates come from the base commit, so a run on the
same tree gives the same bytes.  The clone's path is written as <KDIR>.

The goldens are only as good as their review: read every line of the diff
before committing it.

Exit: 0 written, 2 bad usage, 3 a run did not end as expected or a
command failed, 130 interrupted (README.md, "Exit status").
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from core.cli import Parser
from core.errors import EXIT_ENV, EXIT_INTERRUPTED, EXIT_NO, EXIT_OK, MovopsError
from core.proc import interrupt_on_signals
from core.proc import git, run
from movops.plan import Plan
from movops.series import working_set
from movops.tree import Tree
from verifier.commits import blob_ids

REPO = Path(__file__).resolve().parents[1]

GOLDEN_IDENTITY = ("Movops Tester", "tester@example.org")
APPLY = REPO / "scripts" / "apply-series.sh"
PREPARE = REPO / "scripts" / "prepare-tree.sh"

# name: (source, prerequisites, expected exit status[, form])
ENTRIES = {
    "mainline-fixture": ("fixture:mainline", [], 0),
    "6.12-drop-z3fold": ("debian:6.12", ["drop-z3fold"], 0),
    "6.12": ("debian:6.12", [], EXIT_NO),
    "6.1": ("debian:6.1", [], EXIT_NO),
    "6.1-drop-z3fold-zsmalloc-page-type": ("debian:6.1", ["drop-z3fold", "zsmalloc-page-type"], 0),
    "6.12-drop-z3fold-stable": ("debian:6.12", ["drop-z3fold"], 0, "stable"),
    "6.1-drop-z3fold-zsmalloc-page-type-stable": (
        "debian:6.1", ["drop-z3fold", "zsmalloc-page-type"], 0, "stable"),
}

# Read by the analysis (Kconfig symbols, obj- lines) besides the files the
# steps read (movops.series.working_set()).
KBUILD_READ = ["mm/Kconfig", "mm/Makefile"]


def set_identity(kdir):
    git(kdir, "config", "user.name", GOLDEN_IDENTITY[0])
    git(kdir, "config", "user.email", GOLDEN_IDENTITY[1])


def clone(source, dest):
    kind, what = source.split(":")
    if kind == "fixture":
        shutil.copytree(REPO / "tests" / "fixtures" / what / "before", dest)
        git(dest, "init", "-q")
        git(dest, "add", "-A")
        # A fixed author and date, so the base commit (and all on it) is the
        # same on every machine.
        env = dict(os.environ, GIT_AUTHOR_DATE="@0 +0000", GIT_COMMITTER_DATE="@0 +0000",
                   GIT_AUTHOR_NAME="Fixture", GIT_AUTHOR_EMAIL="fixture@example.org",
                   GIT_COMMITTER_NAME="Fixture", GIT_COMMITTER_EMAIL="fixture@example.org")
        git(dest, "commit", "-q", "-m", "fixture base", env=env)
    else:
        tree = run([PREPARE, "-q", "--pinned", what], check=True,
                   stderr=None).stdout.strip().splitlines()[-1]
        Path(dest).parent.mkdir(parents=True, exist_ok=True)
        git(Path(dest).parent, "clone", "-q", "--shared", tree, str(dest))
    set_identity(dest)
    return Path(dest)


def read_files(kdir, plan, branch=None):
    tree = Tree(kdir, "HEAD")
    files = set(KBUILD_READ) | set(working_set(tree, plan) if plan else [])
    if branch:
        files |= set(git(kdir, "diff", "--name-only", "HEAD", branch).split())
    return sorted(files)


def make(name, dest_root, work):
    source, prereqs, want, *form = ENTRIES[name]
    kdir = clone(source, work / name / "linux")
    out = work / name / "out"
    pre = [a for p in prereqs for a in ("--prereq", p)] + (["--stable"] if form else [])
    analysis = work / name / "analysis.json"
    run([APPLY, "-q", "--analyze", "--json", analysis, *pre, kdir],
        stdout=subprocess.DEVNULL, stderr=None)
    res = run([APPLY, "-q", *pre, "--output", out, kdir])
    if res.returncode != want:
        print(f"make-expected: {name}: apply-series exited {res.returncode}, "
              f"expected {want}:\n{res.stderr}", file=sys.stderr)
        return False
    dest = dest_root / name
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    plan = Plan.load(analysis) if analysis.exists() else None
    if want == 0:
        for p in sorted(out.glob("*.patch")):
            shutil.copy(p, dest / p.name)
        files = read_files(kdir, plan, "movable-ops")
    else:
        text = (out / "analysis.txt").read_text().replace(str(kdir), "<KDIR>")
        (dest / "analysis.txt").write_text(text)
        files = read_files(kdir, plan)
    tree = Tree(kdir, "HEAD")
    # 'blobs': each file's git blob id, by which verify names the files a
    # tree differs in from the golden's (verifier/golden.py, differing()).
    blobs = blob_ids(kdir, tree.commit, files)
    meta = {"version": tree.version(), "source": source, "prereqs": prereqs,
            "exit": want, "files": files, "sha256": tree.content_hash(files),
            "blobs": {f: blobs.get(f) for f in files}}
    if form:
        meta["form"] = form[0]
    (dest / "tree.json").write_text(json.dumps(meta, indent=1) + "\n")
    print(f"make-expected: {name}: {len(list(dest.iterdir()))} files in {dest}")
    return True


def main():
    ap = Parser(prog="make-expected.py", description=__doc__.split("\n\n")[0],
                epilog="Exit: 0 written, 2 bad usage, 3 a run did not end as expected or a "
                       "command failed, 130 interrupted.")
    ap.add_argument("--only", choices=sorted(ENTRIES), action="append",
                    help="regenerate only this entry (repeatable)")
    ap.add_argument("--expected", default=str(REPO / "expected"),
                    help="where to write (default: expected/ of this repository)")
    args = ap.parse_args()
    interrupt_on_signals()
    try:
        with tempfile.TemporaryDirectory(prefix="movops-expected-") as tmp:
            # Every entry, even after one that failed.
            done = [make(name, Path(args.expected), Path(tmp)) for name in args.only or ENTRIES]
    except MovopsError as e:
        print(f"make-expected: {e}", file=sys.stderr)
        return e.status
    except KeyboardInterrupt:
        print("make-expected: interrupted; expected/ may be partly regenerated: "
              "'git diff expected/' shows what", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_OK if all(done) else EXIT_ENV


if __name__ == "__main__":
    sys.exit(main())
