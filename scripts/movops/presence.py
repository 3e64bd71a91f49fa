# SPDX-License-Identifier: GPL-2.0
"""Which upstream commits of the rework a tree already has: pure
functions over the table (movops.upstream) and the tree's text.

For each commit one piece of evidence, read from the tree: the Probe of
its table entry, matched against the files (a function's body where the
marker says so), cited as file:line.  Where the repository holds the
upstream commit, what git says (movops.upstreamgit: an ancestor of the
base, or a commit with the same patch-id) is the verdict and the text
evidence stays beside it.

The verdicts: present, missing, not needed (the code the commit changes
is not in the tree, or the tree has no use for it: the probe says why),
and backported (the series makes it: the caller says which, and how).
"""
import re
from dataclasses import dataclass
from typing import Optional

from . import plan as P
from .registration import function_span

PRESENT, BACKPORTED, NOT_NEEDED, MISSING = "present", "backported", "not needed", "missing"
STATUSES = (PRESENT, BACKPORTED, NOT_NEEDED, MISSING)


@dataclass(frozen=True)
class History:
    """What git knows of one upstream commit in the tree's repository:
    HAS_OBJECT, whether it holds the commit; ANCESTOR, whether it is an
    ancestor of the base; PATCH_ID_MATCH, a commit of the base's history
    with the same patch-id (a cherry-pick), or None."""
    has_object: bool
    ancestor: bool = False
    patch_id_match: Optional[str] = None


@dataclass(frozen=True)
class Hit:
    file: str
    line: Optional[int]
    what: str

    def where(self):
        return f"{self.file}:{self.line}" if self.line else self.file


def _scope(marker, read):
    """(text, first line number) searched for MARKER, or None when its
    file (or its function) is not in the tree."""
    text = read(marker.file)
    if text is None:
        return None
    if not marker.within:
        return text, 1
    span = function_span(text, marker.within)
    if span is None:
        return None
    lines = text.splitlines()
    return "\n".join(lines[span[0]:span[1] + 1]), span[0] + 1


def find(marker, read):
    """The Hit of MARKER's first match, or None."""
    got = _scope(marker, read)
    if got is None:
        return None
    text, first = got
    m = re.search(marker.pattern, text, re.M)
    if m is None:
        return None
    return Hit(marker.file, first + text.count("\n", 0, m.start()), marker.what)


def assess(entry, read, history=None):
    """(status, Hit or None, how) of one upstream ENTRY in the tree whose
    files READ(path) gives (None for a file it does not have)."""
    pr = entry.probe
    if pr.needs is not None and find(pr.needs, read) is None:
        return NOT_NEEDED, Hit(pr.needs.file, None, pr.not_needed), pr.not_needed
    first = pr.anchor or (pr.has[0] if pr.has else None)
    if first is not None and read(first.file) is None:
        why = f"{first.file} is not in this tree"
        return NOT_NEEDED, Hit(first.file, None, why), why
    has = [find(m, read) for m in pr.has]
    lacks = [h for h in (find(m, read) for m in pr.lacks) if h]
    anchor = find(pr.anchor, read) if pr.anchor else None
    present_text = all(has) and not lacks and (has or anchor)
    if present_text:
        hit = has[0] if has else anchor
        how = f"{hit.where()} {hit.what}"
    elif lacks:
        hit = lacks[0]
        how = f"{hit.where()} {hit.what}"
    else:
        old = find(pr.old, read) if pr.old else None
        if old is not None:
            hit, how = old, f"{old.where()} {old.what}"
        else:
            m = next((m for m, h in zip(pr.has, has) if h is None), pr.anchor)
            hit = Hit(m.file, None, m.what)
            how = f"{m.file}: nothing that {m.what}"
    if history is not None and history.has_object:
        if history.ancestor:
            return PRESENT, hit, f"an ancestor of the base; {how}"
        if history.patch_id_match:
            return PRESENT, hit, (f"{history.patch_id_match[:12]} in the base's history "
                                  f"has its patch-id; {how}")
    return (PRESENT if present_text else MISSING), hit, how


def history_note(history):
    """What git said, for the report ('' without upstream history)."""
    if history is None or not history.has_object:
        return ""
    if history.ancestor:
        return "ancestor of the base"
    if history.patch_id_match:
        return f"patch-id of {history.patch_id_match[:12]}"
    return "held, not an ancestor; no commit with its patch-id"


def table(entries, read, histories=None, backports=None, applied=()):
    """[plan.UpstreamState] of ENTRIES (movops.upstream.Upstream) for the
    tree READ reads.  BACKPORTS: {key: how} of the commits the series
    makes (they are 'backported' unless the tree has them already);
    APPLIED: the keys among them the series has made in the tree READ
    reads already (its prerequisites, applied before the analysis)."""
    histories = histories or {}
    backports = backports or {}
    out = []
    for e in entries:
        hist = histories.get(e.key)
        status, hit, how = assess(e, read, hist)
        if e.key in applied:
            status, how = BACKPORTED, f"{backports.get(e.key, 'by this series')}; {how}"
        elif e.key in backports and status != PRESENT:
            status, how = BACKPORTED, f"{backports[e.key]}; before it, {how}"
        out.append(P.UpstreamState(
            key=e.key, commit=e.sha, subject=e.subject, status=status,
            evidence=hit.where() if hit else None, how=how,
            history=history_note(hist) or None))
    return out
