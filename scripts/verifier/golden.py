# SPDX-License-Identifier: GPL-2.0
"""Check "golden": when expected/ knows the tree, the generated patches
must equal the golden ones.

expected/<name>/tree.json names the version and the files the series reads,
with movops.tree.Tree.content_hash() of those files at the base; a tree is
known when both match the verified base.  Patches are compared after
removing what depends on who made them and when: the 'From <sha> Mon Sep 17
00:00:00 2001' line, From:, Date:, Signed-off-by: and base-commit: lines and
the signature at the end.  The patches are made with a cover letter, as
apply-series.sh's are, so that the base-commit: trailer is in the cover
letter and the patches themselves have the same tails.
"""
import difflib
import json
import os
import re
from pathlib import Path

from movops.tree import Tree

from .util import REPO

# What apply-series.sh gives 'git format-patch'.  Until its options are
# known the cover letter is not compared (COVER_LETTER_PENDING).
FORMAT_PATCH_OPTS = ["--no-signature", "--cover-letter"]
COVER_LETTER_PENDING = True

IDENTITY_RES = [
    (re.compile(r"^From [0-9a-f]{40} Mon Sep 17 00:00:00 2001$"), "From <sha> Mon Sep 17 00:00:00 2001"),
    (re.compile(r"^From: .*$"), "From: <author>"),
    (re.compile(r"^Date: .*$"), "Date: <date>"),
    (re.compile(r"^Signed-off-by: .*$"), "Signed-off-by: <someone>"),
    (re.compile(r"^base-commit: [0-9a-f]+$"), "base-commit: <base>"),
    (re.compile(r"^prerequisite-patch-id: [0-9a-f]+$"), "prerequisite-patch-id: <id>"),
]


def expected_dir():
    return Path(os.environ.get("MOVOPS_EXPECTED", REPO / "expected"))


def normalise(text):
    lines = text.split("\n")
    # The signature: "-- " then a version line at the very end.
    for i in range(len(lines) - 1, max(len(lines) - 5, -1), -1):
        if lines[i] == "-- ":
            lines = lines[:i]
            break
    out = []
    for line in lines:
        for rx, repl in IDENTITY_RES:
            if rx.match(line):
                line = repl
                break
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def known(kdir, base, root=None):
    """[(name, dir, tree.json dict)] of the expected/ entries matching the base,
    and [reason] for the entries that do not match."""
    root = Path(root) if root else expected_dir()
    matches, misses = [], []
    if not root.is_dir():
        return matches, [f"{root}: no such directory"]
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
            misses.append(f"{d.name}: content hash differs")
            continue
        matches.append((d.name, d, meta))
    return matches, misses


def golden_patches(d):
    return sorted(p for p in Path(d).glob("[0-9][0-9][0-9][0-9]-*.patch")
                  if not p.name.startswith("0000-"))


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
