# SPDX-License-Identifier: GPL-2.0
"""Check "golden": the generated series against the reviewed series in
expected/.

expected/<name>/ holds what apply-series.sh --output wrote for one exact
tree (0000-cover-letter.patch, 0001-*.patch ...) and tree.json: the
version, the source ("debian:6.12", "fixture:mainline"), the
prerequisites the series was made with, the files the series reads and
movops.tree.Tree.content_hash() of those files at the base.  Entries
without patches (a tree the series refuses, kept for its analysis) take no
part in verify's check.

How an entry relates to the verified base (relation()):

  same base    version and content hash equal: the golden was made on
               this very tree.  The patches must be byte-identical to the
               golden's once the identity is taken out (normalise(): the
               'From <sha>' line, From:, Date:, Signed-off-by:, and the
               To:/Cc:/threading headers a git configuration may add), and
               their content (content.py) equal.
  same line    another point release of the same stable line (6.12.118
               against the 6.12.117 golden): only the content is compared,
               since the base commit, the 'index' lines and the hunks'
               line numbers follow the base.  The row says "content equal
               to the 6.12.117 golden (base 6.12.118)", or fails with the
               differing hunks: what changed between point releases is
               what the content comparison was made for.  An entry made
               from a fixture describes only that fixture, never a real
               tree of its version.
  other files  the golden's version, but the files the series reads differ
               from the golden's (a tree the user changed: z3fold taken out
               by hand): the golden does not describe this tree, so the
               content is compared and the row is a note, never a failure:
               "differs from the 6.12.117 golden in 3 hunks; your tree
               differs from it in mm/Makefile, mm/z3fold.c" (the files
               from tree.json's per-file blob ids, 'blobs').
  none         nothing to compare: a skip with its reason, or a failure
               under CI=true (strict()), where a golden that cannot be
               compared must not pass silently.

Same-base entries are used when there are any, else same-line ones, else
other-files ones.  Several entries may match (the same tree with and
without a prerequisite): the series passes when it equals any of them;
when it equals none, the differences shown are against the entry made
with the same prerequisites as the series (prereq_names()), so that the
report compares like with like.  A series whose prerequisites differ
from the golden's is compared step by step, on the steps both have
(step_key(): a commit's step, from its trailer, or its prerequisite); the
steps only one side has are said in the row, not counted as differences.

A series is in one of two forms (form_of()): the default one, a commit
per step, or the stable form of 'apply-series.sh --stable', a commit per
upstream commit.  tree.json says which form a golden holds ("form":
"stable"; absent for the default one), and only goldens of the series'
form are compared.

verify regenerates the numbered patches 0001..N with apply-series' own
format-patch options.  The cover letter is apply-series' own text (not
format-patch's), so it is compared by apply-series' tests, not here.
"""
import dataclasses
import difflib
import json
import os
import re
from pathlib import Path

from core.proc import git
from movops import trailer
from movops.prereqs import PREREQS
from movops.series import FORMAT_PATCH_CONFIG, FORMAT_PATCH_OPTS
from movops.tree import Tree

from . import content
from .commits import GENERATED_RE, blob_ids
from .report import SKIP

REPO = Path(__file__).resolve().parents[2]

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


SAME_BASE, SAME_LINE, OTHER_FILES = "same base", "same line", "other files"


def strict():
    """True under CI=true (as CI services set it): a golden that cannot be
    compared is then a failure with its reason, not a skip."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def stable_line(version):
    """'6.12' of '6.12.118' (and of '6.12-rc4'): the tree's stable line."""
    m = re.match(r"(\d+\.\d+)", version or "")
    return m.group(1) if m else ""


def relation(meta, tree):
    """(SAME_BASE, SAME_LINE, OTHER_FILES or None, reason) of an entry's
    tree.json META and TREE (a movops.tree.Tree at the base); the reason
    says why an entry does not describe the tree, or how it differs."""
    version = tree.version()
    want = meta.get("version", "")
    same_files = tree.content_hash(meta.get("files", [])) == meta.get("sha256")
    if want == version and same_files:
        return SAME_BASE, ""
    source = meta.get("source", "")
    if source.startswith("fixture:"):
        return None, (f"made from {source}, which describes only that tree "
                      f"(this tree: Linux {version})")
    if stable_line(want) and stable_line(want) == stable_line(version):
        if want == version:
            return OTHER_FILES, f"your tree differs from it in {differing(meta, tree)}"
        return SAME_LINE, f"Linux {want} golden, Linux {version} tree"
    return None, f"version {want} is not of the Linux {stable_line(version) or version} line"


def differing(meta, tree):
    """The files of tree.json META's list in which TREE differs from the
    golden's tree, as text ('mm/Makefile, mm/z3fold.c'); a count where
    META has no per-file blob ids."""
    files = meta.get("files", [])
    blobs = meta.get("blobs")
    if not isinstance(blobs, dict):
        return f"some of the {len(files)} files the series reads"
    have = blob_ids(tree.path, tree.commit, files)
    names = [f for f in files if have.get(f) != blobs.get(f)]
    return ", ".join(names) if names else f"some of the {len(files)} files the series reads"


def entries(root=None):
    """([(name, dir, tree.json dict)] of expected/, [reason] of the
    entries whose tree.json cannot be read)."""
    root = Path(root) if root else expected_dir()
    found, bad = [], []
    if not root.is_dir():
        return found, [f"{root}: no such directory"]
    for d in sorted(p for p in root.iterdir() if p.is_dir()):
        tj = d / "tree.json"
        if not tj.exists():
            continue
        try:
            found.append((d.name, d, json.loads(tj.read_text())))
        except ValueError as e:
            bad.append(f"{d.name}: tree.json unreadable ({e})")
    return found, bad


DEFAULT_FORM, STABLE_FORM = "default", "stable"


def form_of(messages):
    """The form of a series whose commit messages are MESSAGES: stable when
    its commits carry the stable form's deviation block."""
    return STABLE_FORM if any(trailer.stable_source(m) for m in messages) else DEFAULT_FORM


def series_form(kdir, commits):
    """form_of() the commits (shas) of a series."""
    if not commits:
        return DEFAULT_FORM
    out = git(kdir, "log", "--no-walk=unsorted", "--format=%B%x00", *commits)
    return form_of(out.split("\0")[:len(commits)])


def known(kdir, base, root=None, form=DEFAULT_FORM):
    """([(name, dir, tree.json dict)] of the entries of FORM with patches
    that describe the base, all of one relation, that relation (SAME_BASE
    before SAME_LINE; None without matches), [reason] for the entries that
    do not describe it, [name] of the describing entries without patches)."""
    found, misses = entries(root)
    tree = Tree(kdir, base)
    by_rel = {SAME_BASE: [], SAME_LINE: [], OTHER_FILES: []}
    empty = []
    for name, d, meta in found:
        if meta.get("form", DEFAULT_FORM) != form and golden_patches(d):
            misses.append(f"{name}: a series in the {meta.get('form', DEFAULT_FORM)} "
                          f"form, not the {form} form")
            continue
        rel, why = relation(meta, tree)
        if rel is None:
            misses.append(f"{name}: {why}")
        elif not golden_patches(d):
            empty.append(name)
        else:
            by_rel[rel].append((name, d, meta))
    for rel in (SAME_BASE, SAME_LINE, OTHER_FILES):
        if by_rel[rel]:
            return by_rel[rel], rel, misses, empty
    return [], None, misses, empty


def content_of(paths):
    """content.parse_series() of patch files."""
    return content.parse_series([Path(p).read_text(errors="surrogateescape")
                                 for p in paths])


def check(r, kdir, base, generated, prereqs, root=None, form=DEFAULT_FORM):
    """Fill the CheckResult R of the golden check for the series whose
    numbered patches are GENERATED (paths, 0001 first), made on BASE of
    KDIR with the prerequisites PREREQS, in FORM."""
    tree = Tree(kdir, base)
    version = tree.version()
    matches, rel, misses, empty = known(kdir, base, root, form)
    where = root or expected_dir()
    if not matches:
        if empty:
            r.summary = (f"{where} knows this Linux {version} tree "
                         f"({', '.join(empty)}) but holds no patches for it")
        else:
            r.summary = f"no golden series describes this Linux {version} tree in {where}"
        r.details = misses[:10]
        _cannot_compare(r)
        return
    got = content_of(generated)

    metas = {d: meta for _, d, meta in matches}

    def compare_with(d):
        meta = metas[d]
        gold = content_of(golden_patches(d))
        steps = None
        if list(meta.get("prereqs", [])) != list(prereqs):
            diffs, steps = compare_steps(gold, got)
        else:
            diffs = content.compare(gold, got)
        byte = ([], "")
        if rel == SAME_BASE and steps is None:
            byte = compare(generated, golden_patches(d))
        return byte[0] + diffs, (byte, diffs, steps)

    name, all_diffs, (byte, diffs, steps), meta = pick(matches, prereqs, compare_with)
    scope = (f"patches 0001-{len(generated):04d}; the cover letter is apply-series' own "
             "and compared by its tests")
    want = meta.get("prereqs", [])
    r.data = {"entry": name, "relation": rel, "prereqs": prereqs,
              "candidates": [m[0] for m in matches], "golden_version": meta.get("version"),
              "version": version, "differences": [x.to_json() for x in diffs]}
    if steps is not None:
        r.data["steps"] = steps
        if not steps["compared"]:
            r.summary = (f"expected/{name} (prereqs: {', '.join(want) or 'none'}) and this "
                         f"series (prereqs: {', '.join(prereqs) or 'none'}) have no step in "
                         "common")
            _cannot_compare(r)
            return
    gold = f"the {meta.get('version')} golden"
    both = ""
    if steps is not None and (steps["golden_only"] or steps["series_only"]):
        n = len(steps["common"])
        both = (f" on the {n} step{'s' if n != 1 else ''} both have "
                f"({_only(steps, want, prereqs)})")
    if rel == OTHER_FILES:
        # Not the golden's tree: what differs is said, not judged.
        why = relation(meta, tree)[1]
        r.summary = (f"differs from {gold} in {content.amounts(diffs)}{both}; {why} "
                     f"(expected/{name}, a note: the golden describes another tree)"
                     if diffs else
                     f"content equal to {gold}{both}; {why} (expected/{name}, a note: the "
                     "golden describes another tree)")
        r.details = [content.render(x) for x in diffs]
        return
    if rel == SAME_BASE and steps is None:
        if not all_diffs:
            r.summary = (f"byte-identical to expected/{name}, identity and dates aside; "
                         f"content equal ({scope})")
            return
        r.fail()
        r.count = len(byte[0]) or len(diffs)
        what = (f"{len(byte[0])} patches differ from expected/{name}" if byte[0] else
                f"the content differs from expected/{name}")
        r.summary = f"{what} (prereqs: {', '.join(want) or 'none'}; {scope})"
        if diffs:
            r.summary += f"; content: {content.summary(diffs)}"
        else:
            r.summary += "; content equal, bytes differ"
        r.details = [content.render(x) for x in diffs] + byte[0]
        if byte[1]:
            r.details.append("first difference:\n" + byte[1])
        return
    if rel == SAME_BASE:
        gold += " (same base)"
    else:
        # The same version with other files is OTHER_FILES, above.
        gold += f" (base {version})"
    if not diffs:
        r.summary = f"content equal to {gold}{both}: expected/{name}, {scope}"
        return
    r.fail()
    r.count = len(diffs)
    r.summary = (f"content differs from {gold}{both}: {content.summary(diffs)}; "
                 f"expected/{name} (prereqs: {', '.join(want) or 'none'})")
    r.details = [content.render(x) for x in diffs]


def _cannot_compare(r):
    """A golden that cannot be compared: a skip, or under CI=true a failure."""
    if strict():
        r.fail()
        r.summary += " (CI=true: a golden that cannot be compared fails)"
    else:
        r.status = SKIP


def _only(steps, want, prereqs):
    """What the step-by-step comparison left out, in words."""
    parts = []
    if steps["golden_only"]:
        parts.append(f"the golden's {', '.join(steps['golden_only'])} not in this series")
    if steps["series_only"]:
        parts.append(f"this series' {', '.join(steps['series_only'])} not in the golden")
    return "; ".join(parts) or (f"prereqs {', '.join(want) or 'none'} against "
                                f"{', '.join(prereqs) or 'none'}")


def step_key(commit):
    """What a commit (content.Commit) of a series is: 'step NN-name' from
    its trailer (the stable form's block: its steps joined by '+'),
    'prereq NAME' for a prerequisite (its subject, or the stable block),
    else its subject."""
    body = "\n".join(commit.body)
    m = GENERATED_RE.search(body)
    if m:
        return f"step {m.group('step')}"
    # The stable form names its steps or its prerequisite in its block.
    src = trailer.stable_source(body)
    if src:
        return f"prereq {src[1]}" if src[1] else "step " + "+".join(src[0])
    by_subject = {p.subject: name for name, p in PREREQS.items()}
    if commit.subject in by_subject:
        return f"prereq {by_subject[commit.subject]}"
    return commit.subject


def compare_steps(gold, got):
    """(differences, {'common', 'golden_only', 'series_only'}: step keys):
    two series made with different prerequisites compared on what both
    have.  Only prerequisites may be missing on one side; every other
    commit counts as usual (a step only one series has is a difference).
    Positions stay the golden's."""
    gk = [step_key(c) for c in gold]
    sk = [step_key(c) for c in got]
    drop_g = [i for i, k in enumerate(gk) if k.startswith("prereq ") and k not in sk]
    drop_s = [i for i, k in enumerate(sk) if k.startswith("prereq ") and k not in gk]
    pos = [i for i in range(len(gold)) if i not in drop_g]
    kept = [got[i] for i in range(len(got)) if i not in drop_s]
    steps = {"common": [gk[i] for i in pos if gk[i] in sk],
             "golden_only": [gk[i] for i in drop_g], "series_only": [sk[i] for i in drop_s]}
    steps["compared"] = bool(pos and kept)
    if not steps["compared"]:
        return [], steps
    diffs = content.compare([gold[i] for i in pos], kept)
    # A commit only the series has keeps its own position.
    return [d if d.kind == "commit" and d.diff.startswith("+")
            else dataclasses.replace(d, commit=pos[d.commit - 1] + 1) for d in diffs], steps


def prereq_names(messages):
    """Names of the prerequisites (movops.prereqs.PREREQS) whose commits
    are among MESSAGES (full commit messages, oldest first): a commit whose
    subject is a prerequisite's and whose body does not say a step of
    cocci/ generated it."""
    by_subject = {p.subject: name for name, p in PREREQS.items()}
    out = []
    for msg in messages:
        subject = msg.split("\n", 1)[0].strip()
        stable = trailer.stable_source(msg)
        if stable and stable[1]:
            out.append(stable[1])
        elif subject in by_subject and not GENERATED_RE.search(msg) and not stable:
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
            return name, diffs, first, meta
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
