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


# A comment, or a string or character literal (kept: a comment marker
# inside one is text).  A literal ends at its quote or at the end of the
# line; a backslash escapes the next character, a newline included.
COMMENT_OR_LITERAL = re.compile(r"""/\*.*?(?:\*/|\Z)|//[^\n]*|"(?:\\.|[^"\\\n])*["\n]?|'(?:\\.|[^'\\\n])*['\n]?""",
                                re.S)


def strip_comments(text):
    """TEXT with comments replaced by spaces (newlines kept)."""
    def blank(m):
        s = m.group()
        if s[0] != "/":
            return s
        return re.sub(r"[^\n]", " ", s)
    return COMMENT_OR_LITERAL.sub(blank, text)


def _args(text, pos):
    """Number of top-level arguments of the call whose '(' is at POS."""
    depth, count, seen = 0, 1, False
    for i in range(pos, len(text)):
        c = text[i]
        if c in "([{":
            depth += 1
            if depth == 1:
                continue
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return count if seen else 0
        elif c == "," and depth == 1:
            count += 1
        if depth >= 1 and not c.isspace():
            seen = True
    return count


def grep_check(worktree, files):
    """[(file, line, message)] found textually."""
    hits = []
    for f in files:
        try:
            text = (Path(worktree) / f).read_text(errors="surrogateescape")
        except OSError:
            continue
        code = strip_comments(text)
        for m in re.finditer(r"\b__SetPageMovable\s*\(", code):
            if _args(code, m.end() - 1) >= 2:
                line = code.count("\n", 0, m.start()) + 1
                hits.append((f, line, "__SetPageMovable() with two arguments or parameters"))
        for m in re.finditer(r"->\s*mapping\s*\)?\s*-\s*PAGE_MAPPING_MOVABLE\b", code):
            line = code.count("\n", 0, m.start()) + 1
            hits.append((f, line, "movable_operations pointer decoded from ->mapping"))
        for m in re.finditer(r"\(\s*unsigned\s+long\s*\)\s*\w*ops\s*\|\s*PAGE_MAPPING_MOVABLE\b", code):
            line = code.count("\n", 0, m.start()) + 1
            hits.append((f, line, "movable_operations pointer encoded into ->mapping"))
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
