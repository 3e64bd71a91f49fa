# SPDX-License-Identifier: GPL-2.0
"""Run cocci/analysis/movable-ops-facts.cocci over the files of a tree that
matter to the movable_ops rework, and return its facts.

spatch needs files on disk.  For a git revision only the candidate files
(those git grep finds) are written into a scratch directory, so the user's
working tree is never read or touched and the cost stays at a few files.
"""
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from core.errors import EnvironmentFailure

from . import parsefail

REPO = Path(__file__).resolve().parents[2]
FACTS_COCCI = REPO / "cocci" / "analysis" / "movable-ops-facts.cocci"

# Files that can matter: any that names the API, the decoding or the ops
# type.  Documentation, tools/ and scripts/ hold no kernel code.
CANDIDATE_RE = (r"__SetPageMovable|__ClearPageMovable|movable_operations|"
                r"page_movable_ops|folio_movable_ops|set_movable_ops")
CODE_PATHSPECS = ["*.c", "*.h", ":!Documentation/", ":!tools/", ":!scripts/",
                  ":!samples/"]


class SpatchError(EnvironmentFailure):
    pass


def candidate_files(tree, extra_names=()):
    pattern = CANDIDATE_RE
    if extra_names:
        pattern += "|" + "|".join(re.escape(n) for n in extra_names)
    return tree.grep(pattern, CODE_PATHSPECS)


def spatch_env():
    env = dict(os.environ)
    # spatch's Python rules must run on Debian's python3, whatever is first
    # on PATH.
    env["PATH"] = "/usr/bin:/bin:" + env.get("PATH", "")
    env.pop("PYTHONHOME", None)
    env.pop("PYTHONPATH", None)
    return env


def run_spatch(cocci, root, extra=(), defines=(), timeout=600, jobs=2):
    """Run spatch on every file under ROOT, one file at a time (files named
    together on a command line would be matched as one unit)."""
    cmd = ["spatch", "--very-quiet", "--sp-file", str(cocci),
           "--include-headers", "--no-includes", "--no-loops",
           "--timeout", "120", "--jobs", str(jobs), "--chunksize", "1", *extra]
    for d in defines:
        cmd += ["-D", d]
    cmd += ["--dir", "."]
    res = subprocess.run(cmd, cwd=root, env=spatch_env(), text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         timeout=timeout)
    if res.returncode != 0:
        raise SpatchError(f"spatch {Path(cocci).name} failed (exit {res.returncode}):\n"
                          + res.stderr[-3000:])
    return res.stdout, res.stderr


def parse_check(root, texts):
    """The regions of the files under ROOT (TEXTS: {file: text}) that spatch
    cannot parse, as facts of kind 'unparsed' ({file, line: the first,
    last, functions}; parsefail.py).  A separate 'spatch --parse-ch' run:
    the facts pass says nothing of them in its quiet mode, and with its
    messages on, its parallel workers interleave them.  Serial, it costs
    0.3 s on 6.12's nine candidate files."""
    res = subprocess.run(["spatch", "--parse-ch", "."], cwd=root, env=spatch_env(),
                         text=True, errors="surrogateescape", stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, timeout=600)
    if res.returncode != 0:
        raise SpatchError(f"spatch --parse-ch failed (exit {res.returncode}):\n"
                          + res.stdout[-3000:])
    return [{"kind": "unparsed", "file": p.file, "line": p.first, "col": 0,
             "last": p.last, "functions": p.functions}
            for p in parsefail.failures(res.stdout, texts)]


def collect(tree, files, scratch=None):
    """Facts (list of dicts) of FILES in TREE."""
    files = sorted(set(files))
    if not files:
        return []
    # Always on a private copy of just these files: a revision has no
    # files on disk, and a working tree has many more than we want.
    if scratch is not None:
        Path(scratch).mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="facts-", dir=scratch))
    try:
        texts = tree.write_files(files, root)
        out, _ = run_spatch(FACTS_COCCI, root, defines=["report"])
        unparsed = parse_check(root, texts)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    facts = []
    for line in out.splitlines():
        if line.startswith("MOVOPS "):
            f = json.loads(line[7:])
            if f["file"].startswith("./"):
                f["file"] = f["file"][2:]
            facts.append(f)
    facts += unparsed
    # spatch's parallel workers print in no fixed order; the analysis and
    # its reports must not depend on it.
    facts.sort(key=lambda f: (f["file"], f["line"], f.get("col", 0), f["kind"],
                              json.dumps(f, sort_keys=True)))
    return facts


def norm(expr):
    """An expression's text without whitespace, for comparing two of them."""
    return re.sub(r"\s+", "", expr or "")


def split_args(args, keep_space=False):
    """'a , f ( b , c ) , d' -> ['a', 'f(b,c)', 'd'] (normalised)."""
    out, depth, cur = [], 0, ""
    for c in (args or "") if keep_space else norm(args):
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        if c == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
            continue
        cur += c
    if cur.strip():
        out.append(cur.strip())
    return out


def param_names(params):
    """Names of the parameters of 'struct page * page , int n'."""
    names = []
    for p in split_args(params, keep_space=True):
        m = re.search(r"(\w+)(\[\w*\])*$", p)
        if m and p not in ("void", "..."):
            names.append(m.group(1))
    return names
