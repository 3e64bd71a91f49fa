# SPDX-License-Identifier: GPL-2.0
"""Check "old-api-gone": nothing of the old interface is left at the tip.

Method: Coccinelle in report mode (old-api.cocci beside this file) over
the tip's files that can contain the old API at all (git grep for
__SetPageMovable, movable_operations or PAGE_MAPPING_MOVABLE: every rule of
the semantic patch needs one of these tokens), headers included, read from
git into a scratch directory (no checkout needed); then a
textual cross-check of the same files with comments removed, which also
sees uses spatch cannot parse (inside macros, unparsable code).
"""
import re
from pathlib import Path

from core.proc import BACKGROUND, c_env, run
from movops import tipcheck
from movops.tree import Tree

COCCI = Path(__file__).resolve().parent / "old-api.cocci"
REPORT_RE = re.compile(r"^(?P<file>[^:\s]+):(?P<line>\d+):(?P<col>[\d-]+): (?P<msg>movops-old-api: .*)$")


def spatch(workdir, files, jobs=1):
    """[(file, line, message)] reported by the semantic patch on FILES, the
    files of WORKDIR; error text.

    --dir makes spatch treat every file on its own (files named on the
    command line form one group), so that the result of a file depends on
    that file alone and can be stored under its content (see check())."""
    if not files:
        return [], ""
    cmd = [*BACKGROUND, "spatch", "--sp-file", COCCI, "-D", "report", "--very-quiet",
           "--include-headers", "--no-includes", "--no-show-diff",
           "--jobs", str(max(1, jobs)), "--chunksize", "1", "--dir", "."]
    res = run(cmd, cwd=workdir, env=c_env())
    hits = []
    for line in res.stdout.splitlines():
        m = REPORT_RE.match(line.strip())
        if m:
            f = m.group("file")
            f = f[2:] if f.startswith("./") else f
            hits.append((f, int(m.group("line")),
                         m.group("msg")[len("movops-old-api: "):]))
    err = ""
    if res.returncode != 0:
        err = (res.stderr.strip() or res.stdout.strip())[-800:]
    return sorted(set(hits)), err


def grep_check(worktree, files):
    """[(file, line, message)] found textually (movops.tipcheck.old_api(),
    the check apply-series makes of its own tip)."""
    hits = []
    for f in files:
        try:
            text = (Path(worktree) / f).read_text(errors="surrogateescape")
        except OSError:
            continue
        hits += [(f, line, msg) for line, msg in tipcheck.old_api(text)]
    return sorted(set(hits))


def check(kdir, rev, files, workdir, jobs=1):
    """(hits, error) for FILES of revision REV of KDIR (candidates from the
    git grep prefilter, commits.api_files()); hits are (file, line, message,
    how found).  WORKDIR is an empty scratch directory: spatch reads the
    files there, no checkout of the whole tree is needed."""
    Tree(kdir, rev).write_files(files, workdir)
    sp, err = spatch(workdir, files, jobs)
    gr = grep_check(workdir, files)
    merged = {}
    for f, l, msg in sp:
        merged[(f, l)] = [msg, "spatch"]
    for f, l, msg in gr:
        near = [k for k in merged if k[0] == f and abs(k[1] - l) <= 3]
        if near:
            merged[near[0]][1] = "spatch+grep"
        else:
            merged[(f, l)] = [msg, "grep only: spatch did not report it (macro or unparsed code?)"]
    hits = [(f, l, m, s) for (f, l), (m, s) in sorted(merged.items())]
    return hits, err
