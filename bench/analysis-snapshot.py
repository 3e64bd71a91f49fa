#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""analysis-snapshot.py - the analysis of every tree the tests analyse,
written into one directory, so that a change meant to move the analysis
without changing it is checked by one 'diff -r before/ after/'.

Usage: scripts/py bench/analysis-snapshot.py [--no-real] [--work DIR] OUTDIR

For every fixture case (tests/fixtures/*/), on a git copy of its before/
and of its after/ tree, with the case's own arguments; and unless
--no-real on clones of the pinned Debian 6.12 and 6.1 trees, stock and with
their prerequisites: 'apply-series.sh --analyze --json' once as it is,
once with --stable and once with '--dispatch static'.  Each run leaves
NAME.json (the plan) and NAME.txt (exit status, then the report on stdout
and stderr), with the tree's path written <KDIR> and the progress lines'
seconds <T>.

The git copies are committed with fixed dates and names, so their commit
IDs, which the reports quote, are the same on every run.  The cached
Debian trees are cloned, never touched.

Exit: 0 written, 3 a run could not be made (a tree missing, a clone failed).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
APPLY = REPO / "scripts" / "apply-series.sh"
FIXTURES = REPO / "tests" / "fixtures"
VARIANTS = {"": [], "-stable": ["--stable"], "-static": ["--dispatch", "static"]}
REAL = [("6.12", "", []),
        ("6.12", "-drop-z3fold", ["--prereq", "drop-z3fold"]),
        ("6.1", "", []),
        ("6.1", "-prereqs", ["--prereq", "drop-z3fold", "--prereq", "zsmalloc-page-type"])]
GIT_ENV = {"GIT_AUTHOR_NAME": "Snapshot", "GIT_AUTHOR_EMAIL": "snapshot@example.org",
           "GIT_COMMITTER_NAME": "Snapshot", "GIT_COMMITTER_EMAIL": "snapshot@example.org",
           "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
           "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z"}


def sh(cmd, cwd=None):
    res = subprocess.run(cmd, cwd=cwd, text=True, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env={**os.environ, **GIT_ENV})
    if res.returncode != 0:
        print(f"analysis-snapshot: {' '.join(map(str, cmd))} failed: "
              f"{res.stderr.strip()}", file=sys.stderr)
        sys.exit(3)
    return res.stdout


def fixture_repo(src, dest):
    shutil.copytree(src, dest)
    sh(["git", "init", "-q"], dest)
    sh(["git", "add", "-A"], dest)
    sh(["git", "commit", "-q", "-m", "fixture base"], dest)
    return dest


def normalise(text):
    """TEXT without what differs from run to run: the seconds of the
    progress lines ('[analysis] 0.8 s: 2 users', '[prereq] drop-z3fold:
    0.1 s, 5 files')."""
    return re.sub(r"^(\[[\w-]+\] [^\n]*?)\d+(\.\d+)? s\b", r"\1<T> s", text, flags=re.M)


def analyse(kdir, args, out, name):
    for suffix, extra in VARIANTS.items():
        js = out / f"{name}{suffix}.json"
        res = subprocess.run([str(APPLY), "--analyze", "--json", str(js), *args, *extra,
                              str(kdir)], text=True, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        text = normalise((f"exit {res.returncode}\n--- stdout\n{res.stdout}--- stderr\n"
                          f"{res.stderr}").replace(str(kdir), "<KDIR>"))
        (out / f"{name}{suffix}.txt").write_text(text)
        if js.exists():
            js.write_text(js.read_text().replace(str(kdir), "<KDIR>"))
        print(f"{name}{suffix}: exit {res.returncode}", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("outdir", type=Path)
    p.add_argument("--no-real", action="store_true", help="the fixture trees only")
    p.add_argument("--work", type=Path, default=Path("/tmp/analysis-snapshot-work"),
                   help="where the trees are copied (emptied first; the same path "
                        "before and after keeps the reports comparable)")
    a = p.parse_args()
    a.outdir.mkdir(parents=True, exist_ok=True)
    if a.work.exists():
        shutil.rmtree(a.work)
    a.work.mkdir(parents=True)
    for case in sorted(d.name for d in FIXTURES.iterdir() if (d / "case.json").exists()):
        args = json.loads((FIXTURES / case / "case.json").read_text())["args"]
        for side in ("before", "after"):
            k = fixture_repo(FIXTURES / case / side, a.work / "k")
            analyse(k, args, a.outdir, f"fixture-{case}-{side}")
            shutil.rmtree(k)
    if not a.no_real:
        for version, name, args in REAL:
            src = sh([str(REPO / "scripts" / "prepare-tree.sh"), "-q", "--pinned",
                      version]).strip()
            k = a.work / "k"
            sh(["git", "clone", "-q", src, str(k)])
            analyse(k, args, a.outdir, f"debian-{version}{name}")
            shutil.rmtree(k)
    shutil.rmtree(a.work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
