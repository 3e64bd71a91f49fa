# SPDX-License-Identifier: GPL-2.0
"""stable: the series in stable form is what a stable maintainer can take.

  - every commit names, on the first line of its message, an upstream
    commit the toolkit knows (movops.upstream), and carries that commit's
    subject; its deviations from upstream are documented in a bracketed
    block (movops.stable);
  - every 'Fixes:' tag names a commit that is upstream (in the table), in
    the series, or held by the repository, and quotes its subject, as
    gregkh's verify_fixes and NIPA's check do;
  - where the repository holds the upstream commits, each backport's diff
    is compared with its upstream commit's: the changed lines on only one
    side are reported per commit, '-' upstream, '+' the backport, as a
    stable reviewer reads a range-diff.  Differences are details, not
    failures (the block documents them), except where a commit says it
    has no deviation.  Without upstream history the row says that part
    was not checked.
"""
import difflib
import re
from dataclasses import dataclass
from typing import Optional

from movops import trailer

from ..report import CheckResult

NAME = "stable"
UPSTREAM_LINE = re.compile(r"^commit ([0-9a-f]{40}) upstream\.$")
UNCONFIRMED = re.compile(r"^Upstream commit: ID not confirmed ")
FIXES = re.compile(r"^Fixes:\s*(.*)$", re.M | re.I)
FIXES_FORM = re.compile(r'^([0-9a-f]{12,40}) \("(.*)"\)$')


@dataclass(frozen=True)
class SeriesCommit:
    """One commit of the series: its ID, full message and diff ('git show'
    without the message; None when it is not needed)."""
    sha: str
    message: str
    diff: Optional[str] = None

    @property
    def subject(self):
        return self.message.split("\n", 1)[0]


def _body_first_line(msg):
    lines = msg.split("\n")
    return next((l for l in lines[1:] if l.strip()), "")


def _changed(diff):
    """{path: [changed lines]} of a 'git show'/'git diff' text: the '-' and
    '+' lines of its hunks, in order, without context or line numbers."""
    out, path, in_hunk = {}, None, False
    for line in (diff or "").split("\n"):
        if line.startswith("diff --git "):
            m = re.match(r"diff --git a/(.*) b/(.*)$", line)
            path = m.group(2) if m else line
            in_hunk = False
            out.setdefault(path, [])
        elif line.startswith("@@"):
            in_hunk = True
        elif in_hunk and line[:1] in "+-" and path is not None:
            out[path].append(line)
    return out


def range_diff(upstream, backport):
    """[line] of what only one side changes, per file: '-' lines only in
    the upstream diff, '+' only in the backport's; each line keeps its own
    sign after that mark ('-+foo': upstream adds foo, the backport does
    not)."""
    a, b = _changed(upstream), _changed(backport)
    out = []
    for path in sorted(set(a) | set(b)):
        la, lb = a.get(path, []), b.get(path, [])
        if la == lb:
            continue
        lines = []
        sm = difflib.SequenceMatcher(None, la, lb, autojunk=False)
        for op, i1, i2, j1, j2 in sm.get_opcodes():
            if op != "equal":
                lines += ["-" + x for x in la[i1:i2]] + ["+" + x for x in lb[j1:j2]]
        if path not in a:
            head = f"{path}: only in the backport"
        elif path not in b:
            head = f"{path}: only upstream"
        else:
            head = path
        out += [head] + ["  " + x for x in lines]
    return out


def check(commits, table, upstream_diffs, held_subjects=None):
    """COMMITS: [SeriesCommit] of the series, oldest first; TABLE: the
    upstream table (movops.upstream.Table); UPSTREAM_DIFFS: {upstream key:
    diff or None (the repository does not hold it)}; HELD_SUBJECTS: {sha:
    subject} of commits the repository holds that Fixes: tags name."""
    r = CheckResult(NAME)
    held_subjects = held_subjects or {}
    problems = 0
    compared, deviating, unheld = 0, 0, []
    for n, c in enumerate(commits, 1):
        where = f"patch {n} ({c.sha[:12]})"
        first = _body_first_line(c.message)
        m = UPSTREAM_LINE.match(first)
        entry = table.by_sha(m.group(1)) if m else None
        if m is None and not UNCONFIRMED.match(first):
            r.fail(f"{where}: the message does not start with 'commit <sha> upstream.' "
                   f"(it starts '{first[:60]}')")
            problems += 1
        elif m and entry is None:
            r.fail(f"{where}: names {m.group(1)[:12]}, an upstream commit the toolkit "
                   "does not know")
            problems += 1
        elif entry and c.subject != entry.subject:
            r.fail(f"{where}: subject '{c.subject}' is not upstream's '{entry.subject}' "
                   f"({entry.short})")
            problems += 1
        src = trailer.stable_source(c.message)
        if src is None:
            r.fail(f"{where}: no bracketed block documents its deviations from upstream")
            problems += 1
        problems += _check_fixes(r, where, c, commits, table, held_subjects)
        if entry is None:
            continue
        up = upstream_diffs.get(entry.key)
        if up is None:
            unheld.append(entry.short)
            continue
        compared += 1
        lines = range_diff(up, c.diff)
        if lines:
            deviating += 1
            r.details.append(f"{where} against {entry.short} ({entry.subject}): "
                             f"{sum(1 for l in lines if l.startswith('  '))} lines on "
                             "one side only\n" + "\n".join(lines))
            if "\n  No deviation from upstream." in c.message:
                r.fail(f"{where}: says it has no deviation from upstream, but its diff "
                       f"differs from {entry.short}'s")
                problems += 1
    r.count = problems
    parts = [f"{len(commits)} commits name their upstream commit and document their "
             "deviations" if not problems else f"{problems} problems in {len(commits)} commits"]
    if compared:
        parts.append(f"range-diff against upstream: {deviating} of {compared} commits "
                     "differ (details)" if deviating else
                     f"range-diff against upstream: {compared} commits equal")
    if unheld:
        parts.append("range-diff against upstream not checked for "
                     + ", ".join(unheld) + ": the repository does not hold "
                     + ("it" if len(unheld) == 1 else "them"))
    r.summary = "; ".join(parts)
    return r


def _check_fixes(r, where, c, commits, table, held_subjects):
    """Fail R for each Fixes: tag of C that names no known commit or
    misquotes its subject; returns how many did."""
    bad = 0
    for m in FIXES.finditer(c.message):
        tag = m.group(1).strip()
        fm = FIXES_FORM.match(tag)
        if fm is None:
            r.fail(f"{where}: 'Fixes: {tag}' is not of the form "
                   "'Fixes: <12+ hex digits> (\"<subject>\")'")
            bad += 1
            continue
        sha, quoted = fm.group(1), fm.group(2)
        entry = table.by_sha(sha)
        series = next((x for x in commits if x.sha.startswith(sha)), None)
        subject = (entry.subject if entry else series.subject if series else
                   next((s for h, s in held_subjects.items() if h.startswith(sha)), None))
        if subject is None:
            r.fail(f"{where}: Fixes: {sha} names no upstream commit the toolkit knows, "
                   "no commit of the series and none the repository holds")
            bad += 1
        elif subject != quoted:
            r.fail(f"{where}: Fixes: {sha} quotes \"{quoted}\", but its subject is "
                   f"\"{subject}\"")
            bad += 1
    return bad


def fixes_shas(messages):
    """The IDs the Fixes: tags of MESSAGES name (for the caller to look up
    what the repository holds)."""
    out = []
    for msg in messages:
        for m in FIXES.finditer(msg):
            fm = FIXES_FORM.match(m.group(1).strip())
            if fm:
                out.append(fm.group(1))
    return out
