# SPDX-License-Identifier: GPL-2.0
"""Check "golden": when expected/ knows the tree, the generated patches
must equal the golden ones.

expected/<name>/ holds what apply-series.sh --output wrote for a known tree
(0000-cover-letter.patch, 0001-*.patch ...) and tree.json: the version, the
prerequisites the series was made with, the files the series reads and
movops.tree.Tree.content_hash() of those files at the base.  A tree is known
when version and hash match the verified base.  Entries without patches
(a tree the series refuses, kept for its analysis) do not take part.

verify regenerates the numbered patches 0001..N with apply-series' own
format-patch options and compares them after removing what depends on who
made them and when: the 'From <sha> ...' line, From:, Date: and
Signed-off-by:, and the To:/Cc:/threading headers a git configuration may
add.  The cover letter is apply-series' own text (not
format-patch's), so it is compared by apply-series' tests, not here.

Several entries may match one base (the same tree with and without a
prerequisite): the series passes when it equals any of them; when it equals
none, the diff shown is against the entry made with the same prerequisites
as the series (prereq_names()), so that the report compares like with like.
"""
import difflib
import json
import os
import re
from pathlib import Path

from movops.prereqs import PREREQS
from movops.series import FORMAT_PATCH_CONFIG, FORMAT_PATCH_OPTS
from movops.tree import Tree

from .series import GENERATED_RE
from .util import REPO, git

IDENTITY_RES = [
    (re.compile(r"^From [0-9a-f]{40} Mon Sep 17 00:00:00 2001$"), "From <sha> Mon Sep 17 00:00:00 2001"),
    (re.compile(r"^From: .*$"), "From: <author>"),
    (re.compile(r"^Date: .*$"), "Date: <date>"),
    (re.compile(r"^Signed-off-by: .*$"), "Signed-off-by: <someone>"),
    (re.compile(r"^base-commit: [0-9a-f]+$"), "base-commit: <base>"),
    (re.compile(r"^prerequisite-patch-id: [0-9a-f]+$"), "prerequisite-patch-id: <id>"),
]


# The user's git configuration must not change the patches verify makes:
# the golden comparison wants the series' content, and checkpatch wants
# a/ b/ prefixes.  These settings undo what could change a patch's text
# (diff.context/algorithm, prefixes, an automatic base or threading); the
# headers some settings add (To:, Cc:, threading) are dropped by normalise().
CANONICAL_CONFIG = FORMAT_PATCH_CONFIG
DROPPED_HEADERS = ("To", "Cc", "Message-ID", "Message-Id", "In-Reply-To", "References")


def format_patches(kdir, base, tip, dest):
    """The numbered patches of BASE..TIP written into DEST the way
    apply-series.sh writes them (its format-patch options), whatever the
    user's git configuration says; [path], 0001 first."""
    conf = [a for c in CANONICAL_CONFIG for a in ("-c", c)]
    git(kdir, *conf, "format-patch", "-q", *FORMAT_PATCH_OPTS, "-o", str(dest),
        f"{base}..{tip}")
    return sorted(p for p in Path(dest).glob("*.patch") if not p.name.startswith("0000-"))


def expected_dir():
    return Path(os.environ.get("MOVOPS_EXPECTED", REPO / "expected"))


def normalise(text):
    lines = text.split("\n")
    # A signature ("-- " then a version line) at the very end, should a
    # patch have one: it names the git version, not the series.
    for i in range(len(lines) - 1, max(len(lines) - 5, -1), -1):
        if lines[i] == "-- ":
            lines = lines[:i]
            break
    out = []
    in_headers, dropping = True, False
    for line in lines:
        if in_headers:
            if not line:
                in_headers = False
            elif dropping and line[:1] in (" ", "\t"):
                continue        # continuation of a dropped header
            else:
                dropping = line.split(":", 1)[0] in DROPPED_HEADERS
                if dropping:
                    continue
        for rx, repl in IDENTITY_RES:
            if rx.match(line):
                line = repl
                break
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def golden_patches(d):
    """The numbered patches 0001.. of an expected/ entry (not the cover letter)."""
    return sorted(p for p in Path(d).glob("[0-9][0-9][0-9][0-9]-*.patch")
                  if not p.name.startswith("0000-"))


def known(kdir, base, root=None):
    """([(name, dir, tree.json dict)] of the expected/ entries with patches
    whose tree matches the base, [reason] for the entries that do not match,
    [name] of matching entries without patches)."""
    root = Path(root) if root else expected_dir()
    matches, misses, empty = [], [], []
    if not root.is_dir():
        return matches, [f"{root}: no such directory"], empty
    tree = Tree(kdir, base)
    version = tree.version()
    for d in sorted(p for p in root.iterdir() if p.is_dir()):
        tj = d / "tree.json"
        if not tj.exists():
            continue
        try:
            meta = json.loads(tj.read_text())
        except ValueError as e:
            misses.append(f"{d.name}: tree.json unreadable ({e})")
            continue
        if meta.get("version") != version:
            misses.append(f"{d.name}: version {meta.get('version')} != {version}")
            continue
        h = tree.content_hash(meta.get("files", []))
        if h != meta.get("sha256"):
            misses.append(f"{d.name}: content hash of its {len(meta.get('files', []))} "
                          "files differs")
            continue
        if not golden_patches(d):
            empty.append(d.name)
            continue
        matches.append((d.name, d, meta))
    return matches, misses, empty


def prereq_names(messages):
    """Names of the prerequisites (movops.prereqs.PREREQS) whose commits
    are among MESSAGES (full commit messages, oldest first): a commit whose
    subject is a prerequisite's and whose body does not say a step of
    cocci/ generated it."""
    by_subject = {p.subject: name for name, p in PREREQS.items()}
    out = []
    for msg in messages:
        subject = msg.split("\n", 1)[0].strip()
        if subject in by_subject and not GENERATED_RE.search(msg):
            out.append(by_subject[subject])
    return out


def series_prereqs(kdir, commits):
    """prereq_names() of the commits (shas) of a series."""
    if not commits:
        return []
    out = git(kdir, "log", "--no-walk=unsorted", "--format=%B%x00", *commits)
    return prereq_names([m.strip("\n") for m in out.split("\0")[:len(commits)]])


def pick(matches, prereqs, compare_fn):
    """Compare against every matching entry; (entry name, diffs, first diff,
    entry meta) of an equal one, else of the entry with the series'
    prerequisites (fewest differences among several, or among all when no
    entry has them)."""
    results = []
    for name, d, meta in matches:
        diffs, first = compare_fn(d)
        if not diffs:
            return name, [], "", meta
        results.append((name, diffs, first, meta))
    same = [r for r in results if list(r[3].get("prereqs", [])) == list(prereqs)]
    pool = same or results
    return min(pool, key=lambda r: len(r[1]))


def compare(generated, golden):
    """(differences, first diff text): patches are compared in order."""
    gen = [normalise(Path(p).read_text(errors="surrogateescape")) for p in generated]
    gold = [normalise(Path(p).read_text(errors="surrogateescape")) for p in golden]
    diffs = []
    first = ""
    for i in range(max(len(gen), len(gold))):
        a = gold[i] if i < len(gold) else None
        b = gen[i] if i < len(gen) else None
        if a == b:
            continue
        ga = Path(golden[i]).name if a is not None else "(none)"
        gb = Path(generated[i]).name if b is not None else "(none)"
        diffs.append(f"patch {i + 1}: golden {ga} != generated {gb}")
        if not first:
            first = "".join(difflib.unified_diff(
                (a or "").splitlines(True), (b or "").splitlines(True),
                f"golden/{ga}", f"generated/{gb}", n=3))
    return diffs, first
