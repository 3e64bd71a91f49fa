# SPDX-License-Identifier: GPL-2.0
"""The content of a patch series, for comparing a series with its golden
across point releases of the same tree.

A golden in expected/ is made on one exact tree (a pinned Debian point
release).  The same series made on the next point release differs in
bytes where nothing of substance changed: the base commit, the 'index'
lines (blob ids), the line numbers of the '@@' headers, the dates, the
identity and the version line of the cover letter.  What the series says
is its content:

  per commit    the subject (without '[PATCH n/m]') and the body, without
                Signed-off-by/Co-developed-by lines (who made it);
  per file      old and new path, status and mode lines ('new file mode',
                'rename from' ...), and the hunks;
  per hunk      the function-name part of its '@@' header (which function
                the change lands in: content, since a change that moves to
                another function is a different change) and its context,
                removed and added lines in order.

Left out: the From/Date headers, the diffstat (derived from the hunks),
'index' and 'similarity index' lines, the hunks' line numbers.

A commit of the stable form ('apply-series.sh --stable') ends its
message with a bracketed block saying how it deviates from upstream,
prose about this tree like a report: its items are compared unwrapped,
with the version and file:line numbers abstracted (_stable_block()).

Reports (the cover letter, a blocker report analysis.txt) are prose
written around file:line references: report_lines() abstracts those, the
Linux version, base commits and the author line of the shortlog, and
collapses the column padding that the widths of those values set.

Everything here is pure: text in, values out.  verify.py's golden check
(golden.py), the tests and scripts/drift.py all compare with it.
"""
import difflib
import re
from dataclasses import dataclass

# -- the model ----------------------------------------------------------------


@dataclass(frozen=True)
class Hunk:
    section: str            # the function-name part of '@@ ... @@ section'
    lines: tuple            # ' ctx', '-old', '+new', '\\ No newline...'

    def text(self):
        head = f"@@ {self.section}".rstrip()
        return "\n".join((head,) + self.lines)


@dataclass(frozen=True)
class FilePatch:
    old_path: str           # '' for a new file
    new_path: str           # '' for a deleted file
    meta: tuple             # mode, rename and binary lines of the header
    hunks: tuple

    @property
    def path(self):
        return self.new_path or self.old_path


@dataclass(frozen=True)
class Commit:
    subject: str
    body: tuple             # lines, identity trailers dropped
    files: tuple


@dataclass(frozen=True)
class Difference:
    """One way a series differs from its golden.  COMMIT: the golden's
    1-based position (or the generated one's, for a commit only it has);
    KIND: 'commit', 'subject', 'body', 'file', 'hunk'; DIFF: range-diff
    style text, '-' golden, '+' generated."""
    commit: int
    subject: str
    kind: str
    path: str
    diff: str

    def title(self):
        where = f"patch {self.commit} '{self.subject}'"
        what = {"commit": "commit only on one side", "subject": "subject differs",
                "body": "commit message differs", "file": "file only on one side",
                "hunk": "hunk differs"}[self.kind]
        return f"{where}: {self.path + ': ' if self.path else ''}{what}"

    def to_json(self):
        return {"commit": self.commit, "subject": self.subject, "kind": self.kind,
                "path": self.path, "diff": self.diff}


# -- parsing ----------------------------------------------------------------------

_PATCH_PREFIX = re.compile(r"^\[PATCH[^\]]*\]\s*")
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$")
# Who made or sent the commit, not what it says.
_IDENTITY = re.compile(r"^(Signed-off-by|Co-developed-by):")
# Header lines of a file's diff that depend on the blobs, not the change.
_BLOB_META = ("index ", "similarity index ", "dissimilarity index ")


class ParseError(ValueError):
    """Text that is not a 'git format-patch' patch."""


def parse_patch(text):
    """The Commit of one 'git format-patch' file (not a cover letter)."""
    lines = text.split("\n")
    i = 0
    subject = None
    while i < len(lines) and lines[i] != "":
        if lines[i].startswith("Subject: "):
            subject = lines[i][len("Subject: "):]
            while i + 1 < len(lines) and lines[i + 1][:1] in (" ", "\t"):
                i += 1
                subject += " " + lines[i].strip()
        i += 1
    if subject is None:
        raise ParseError("no Subject: header; not a git format-patch file")
    subject = _PATCH_PREFIX.sub("", subject)
    i += 1
    body = []
    while i < len(lines) and lines[i] != "---" and not lines[i].startswith("diff --git "):
        if not _IDENTITY.match(lines[i]):
            body.append(lines[i])
        i += 1
    while body and body[-1] == "":
        body.pop()
    while body and body[0] == "":
        body.pop(0)
    return Commit(subject, tuple(_stable_block(body)), _parse_files(lines[i:]))


# The stable form's deviation block (movops.stable): '[ movops: ...' up
# to the line that ends in ' ]'; its items start with '  - '.
_BLOCK_HEAD = re.compile(r"^\[ movops: ")


def _stable_block(body):
    """BODY with the lines of a stable-form deviation block joined into
    one line per item, each abstracted as report lines are (versions,
    file:line), so that wrapping and line numbers of another point release
    are no difference; other bodies as they are."""
    start = next((i for i, l in enumerate(body) if _BLOCK_HEAD.match(l)), None)
    if start is None:
        return body
    end = next((i for i in range(start, len(body)) if body[i].endswith(" ]")), len(body) - 1)
    items, cur = [], []
    for line in body[start:end + 1]:
        if line.startswith(("  - ", "  Deviations from upstream:", "  No deviation")) and cur:
            items.append(" ".join(cur))
            cur = []
        cur.append(line.strip())
    items.append(" ".join(cur))
    return body[:start] + [" ".join(report_lines(x)) for x in items] + body[end + 1:]


def _parse_files(lines):
    files = []
    cur = None          # [old, new, meta, hunks]
    hunk = None         # [section, lines, old lines left, new lines left]

    def end_hunk():
        if hunk is not None:
            cur[3].append(Hunk(hunk[0], tuple(hunk[1])))

    def close():
        if cur is not None:
            end_hunk()
            files.append(FilePatch(cur[0], cur[1], tuple(cur[2]), tuple(cur[3])))

    for line in lines:
        if hunk is not None and (hunk[2] > 0 or hunk[3] > 0):
            # Inside a hunk its header's counts say what is a hunk line.  An
            # empty line is an empty context line whose ' ' an editor or a
            # mailer stripped (git apply reads it so too).
            line = line or " "
            tag = line[0]
            if tag in " -":
                hunk[2] -= 1
            if tag in " +":
                hunk[3] -= 1
            if tag in " -+\\":
                hunk[1].append(line)
                continue
        if hunk is not None and line.startswith("\\"):
            hunk[1].append(line)        # '\ No newline at end of file'
            continue
        if line.startswith("diff --git "):
            close()
            m = re.match(r"diff --git a/(.*) b/(.*)$", line)
            old, new = (m.group(1), m.group(2)) if m else ("", "")
            cur, hunk = [old, new, [], []], None
            continue
        if cur is None:
            continue        # the diffstat, before the first file
        m = _HUNK.match(line)
        if m:
            end_hunk()
            hunk = [m.group(5), [], int(m.group(2) or 1), int(m.group(4) or 1)]
        elif hunk is not None:
            continue        # after the last hunk of the last file
        elif line.startswith("--- "):
            if line == "--- /dev/null":
                cur[0] = ""
        elif line.startswith("+++ "):
            if line == "+++ /dev/null":
                cur[1] = ""
        elif line.startswith(_BLOB_META):
            continue
        elif line:
            cur[2].append(line)
    close()
    return tuple(files)


def parse_series(texts):
    """[Commit] of the numbered patches' texts, in order."""
    return [parse_patch(t) for t in texts]


# -- comparing --------------------------------------------------------------------

def _pairs(a, b, key=lambda x: x, pair_replaced=True):
    """Align two sequences: [(x or None, y or None)] in order, items with
    equal keys paired, and in a replaced block the items paired by position
    (PAIR_REPLACED: a reworded subject, a changed hunk) or left unpaired."""
    sm = difflib.SequenceMatcher(None, [key(x) for x in a], [key(y) for y in b],
                                 autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            out.extend(zip(a[i1:i2], b[j1:j2]))
            continue
        xs, ys = list(a[i1:i2]), list(b[j1:j2])
        n = min(len(xs), len(ys)) if pair_replaced else 0
        out.extend(zip(xs[:n], ys[:n]))
        out.extend((x, None) for x in xs[n:])
        out.extend((None, y) for y in ys[n:])
    return out


def _outer(prefix, lines):
    return [prefix + l for l in lines]


def _interdiff(a_lines, b_lines, context=3):
    """Lines only in A ('-'), only in B ('+') and some context (' ') around
    them; '...' where unchanged lines are left out."""
    out = []
    sm = difflib.SequenceMatcher(None, a_lines, b_lines, autojunk=False)
    for group in sm.get_grouped_opcodes(context):
        if out:
            out.append(" ...")
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                out += _outer(" ", a_lines[i1:i2])
            else:
                out += _outer("-", a_lines[i1:i2]) + _outer("+", b_lines[j1:j2])
    return out


def _hunk_lines(h):
    return h.text().split("\n")


def _compare_files(pos, subject, fa, fb):
    diffs = []
    if fa.meta != fb.meta or (fa.old_path, fa.new_path) != (fb.old_path, fb.new_path):
        head = [f"paths {fa.old_path or '/dev/null'} -> {fa.new_path or '/dev/null'}",
                *fa.meta]
        head_b = [f"paths {fb.old_path or '/dev/null'} -> {fb.new_path or '/dev/null'}",
                  *fb.meta]
        diffs.append(Difference(pos, subject, "file", fa.path,
                                "\n".join(_interdiff(head, head_b))))
    for ha, hb in _pairs(fa.hunks, fb.hunks):
        if ha == hb:
            continue
        if ha is None:
            text = _outer("+", _hunk_lines(hb))
        elif hb is None:
            text = _outer("-", _hunk_lines(ha))
        else:
            text = _interdiff(_hunk_lines(ha), _hunk_lines(hb))
            # Keep the hunk's header in view: it says where the hunk is.
            if not text[0].startswith((" @@", "-@@", "+@@")):
                text = [" " + _hunk_lines(ha)[0], " ..."] + text
        diffs.append(Difference(pos, subject, "hunk", fa.path or fb.path, "\n".join(text)))
    return diffs


def compare(golden, generated):
    """[Difference] between two [Commit] lists (golden first); [] when the
    content is equal."""
    diffs = []
    pos_a = {id(c): i for i, c in enumerate(golden, 1)}
    pos_b = {id(c): i for i, c in enumerate(generated, 1)}
    for ca, cb in _pairs(golden, generated, key=lambda c: c.subject):
        if ca is not None and ca == cb:
            continue
        if ca is None or cb is None:
            c, sign = (cb, "+") if ca is None else (ca, "-")
            pos = pos_b[id(c)] if ca is None else pos_a[id(c)]
            side = "generated" if ca is None else "golden"
            text = [f"{sign}only in the {side} series: {c.subject}",
                    *_outer(sign, [f.path for f in c.files])]
            diffs.append(Difference(pos, c.subject, "commit", "", "\n".join(text)))
            continue
        pos = pos_a[id(ca)]
        if ca.subject != cb.subject:
            diffs.append(Difference(pos, ca.subject, "subject", "",
                                    f"-{ca.subject}\n+{cb.subject}"))
        if ca.body != cb.body:
            diffs.append(Difference(pos, ca.subject, "body", "",
                                    "\n".join(_interdiff(list(ca.body), list(cb.body)))))
        for fa, fb in _pairs(ca.files, cb.files, key=lambda f: f.path,
                              pair_replaced=False):
            if fa == fb:
                continue
            if fa is None or fb is None:
                f, sign = (fb, "+") if fa is None else (fa, "-")
                text = [f"{sign}file {f.path}"]
                for h in f.hunks:
                    text += _outer(sign, _hunk_lines(h))
                diffs.append(Difference(pos, ca.subject, "file", f.path, "\n".join(text)))
                continue
            diffs += _compare_files(pos, ca.subject, fa, fb)
    return diffs


def amounts(diffs):
    """'2 hunks, 1 commit message': how much DIFFS hold, per kind."""
    kinds = {}
    for d in diffs:
        kinds[d.kind] = kinds.get(d.kind, 0) + 1
    names = {"commit": ("commit", "commits"), "subject": ("subject", "subjects"),
             "body": ("commit message", "commit messages"), "file": ("file", "files"),
             "hunk": ("hunk", "hunks")}
    return ", ".join(f"{n} {names[k][n != 1]}"
                     for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]))


def summary(diffs):
    """'1 hunk differs (patch 3)', '2 hunks, 1 commit message differ
    (patches 1, 3)'."""
    kinds = {}
    for d in diffs:
        kinds[d.kind] = kinds.get(d.kind, 0) + 1
    names = {"commit": ("commit", "commits"), "subject": ("subject", "subjects"),
             "body": ("commit message", "commit messages"), "file": ("file", "files"),
             "hunk": ("hunk", "hunks")}
    parts = [f"{n} {names[k][n != 1]}"
             for k, n in sorted(kinds.items(), key=lambda kv: -kv[1])]
    patches = sorted({d.commit for d in diffs})
    verb = "differs" if len(diffs) == 1 else "differ"
    where = f"patch{'es' if len(patches) != 1 else ''} {', '.join(map(str, patches))}"
    return f"{', '.join(parts)} {verb} ({where})"


def render(diff, limit=40):
    """A Difference as text for a report: its title, then its lines (at
    most LIMIT; the JSON report has them all)."""
    lines = diff.diff.split("\n")
    if len(lines) > limit:
        lines = lines[:limit] + [f"... {len(lines) - limit} more lines in the JSON report"]
    return diff.title() + "\n" + "\n".join("  " + l for l in lines)


# -- reports: the cover letter and analysis.txt --------------------------------

_REPORT_SUBS = [
    (re.compile(r"^From [0-9a-f]{40} Mon Sep 17 00:00:00 2001$"), None),
    (re.compile(r"^(From|Date): .*$"), None),
    (re.compile(r"\bLinux \d+\.\d+(?:\.\d+)?(?:-rc\d+)?"), "Linux <version>"),
    (re.compile(r"^base-commit: [0-9a-f]+$"), "base-commit: <base>"),
    (re.compile(r"\bbase [0-9a-f]{7,40}\b"), "base <base>"),
    (re.compile(r"\b((?:[\w.+-]+/)*[\w.+-]+\.[A-Za-z]+):\d+\b"), r"\1:<line>"),
    (re.compile(r"\bline \d+\b"), "line <n>"),
]
# The shortlog's author line, 'Movops Tester (4):', over its subjects
# (indented by six spaces).
_SHORTLOG_AUTHOR = re.compile(r"^\S.* \((\d+)\):$")


def report_lines(text):
    """The lines of a report (cover letter, analysis.txt) with the version,
    the base, file:line numbers and the author abstracted, and column
    padding and rulers collapsed (their width follows those values)."""
    out = []
    lines = text.split("\n")
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if _SHORTLOG_AUTHOR.match(line) and nxt.startswith("      "):
            line = _SHORTLOG_AUTHOR.sub(r"<author> (\1):", line)
        for rx, repl in _REPORT_SUBS:
            if repl is None:
                if rx.match(line):
                    line = None
                    break
                continue
            line = rx.sub(repl, line)
        if line is None:
            continue
        line = re.sub(r"-{3,}", "---", " ".join(line.split()))
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return out


def compare_reports(golden, generated, label="report"):
    """'' when the two reports say the same (report_lines()), else their
    differing lines, '-' golden, '+' generated."""
    a, b = report_lines(golden), report_lines(generated)
    if a == b:
        return ""
    return f"{label}:\n" + "\n".join(_interdiff(a, b, context=2))
