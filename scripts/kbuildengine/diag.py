# SPDX-License-Identifier: GPL-2.0
"""Compiler, sparse and objtool diagnostics: parsing, and matching them
between the base and a commit of the series so that lines that only moved
do not count as new.

A diagnostic is matched by (tool, file, severity, message with line and
column numbers and code offsets removed, text of the source line it points
at, stripped).  The same warning on a line the series only shifted has the
same key; a warning on a changed line, or a new message, has a new key.
Keys are counted (a multiset), so a second copy of an old warning is new.
"""
import re
from collections import Counter

DIAG_RE = re.compile(
    r"^(?P<file>[^\s:][^:]*?):(?P<line>\d+):(?:(?P<col>\d+):)?\s+"
    r"(?P<sev>warning|error|fatal error):\s+(?P<msg>.*)$")
OBJTOOL_RE = re.compile(r"^(?P<file>\S+\.o):\s+(?P<sev>warning|error):\s+objtool:\s+(?P<msg>.*)$")


def norm_path(path, srcdirs=(), builddir=None):
    """Path relative to the top of the tree."""
    p = path.strip()
    for d in srcdirs:
        d = str(d).rstrip("/") + "/"
        if p.startswith(d):
            return p[len(d):]
    if builddir:
        d = str(builddir).rstrip("/") + "/"
        if p.startswith(d):
            return p[len(d):]
    while p.startswith("./"):
        p = p[2:]
    return p


def norm_msg(msg):
    """Message without positions: file:line:col references, 'line N',
    +0x offsets of objtool and trailing whitespace."""
    m = re.sub(r"(?<=[\w.)\]/-]):\d+(?::\d+)?\b", "", msg)
    m = re.sub(r"\bline \d+\b", "line N", m)
    m = re.sub(r"\+0x[0-9a-fA-F]+(/0x[0-9a-fA-F]+)?", "+0xN", m)
    return m.strip()


def parse(text, tool, srcdirs=(), builddir=None):
    """[diag dict] of the diagnostics in a tool's output."""
    out = []
    for raw in (text or "").splitlines():
        m = DIAG_RE.match(raw)
        if m:
            sev = "error" if m.group("sev").startswith(("error", "fatal")) else "warning"
            out.append({"tool": tool, "file": norm_path(m.group("file"), srcdirs, builddir),
                        "line": int(m.group("line")),
                        "col": int(m.group("col")) if m.group("col") else 0,
                        "severity": sev, "msg": m.group("msg").strip()})
            continue
        m = OBJTOOL_RE.match(raw)
        if m:
            out.append({"tool": "objtool", "file": norm_path(m.group("file"), srcdirs, builddir),
                        "line": 0, "col": 0, "severity": m.group("sev"),
                        "msg": m.group("msg").strip()})
    return out


def add_source_text(diags, read_line):
    """Fill in diag['text']: the stripped source line (READ_LINE(file, n))."""
    for d in diags:
        if "text" not in d:
            d["text"] = (read_line(d["file"], d["line"]) or "").strip() if d["line"] else ""
    return diags


def key(d):
    return (d["tool"], d["file"], d["severity"], norm_msg(d["msg"]), d.get("text", ""))


def new_diags(base, now):
    """Diagnostics of NOW that BASE does not have (as a multiset)."""
    have = Counter(key(d) for d in base)
    out = []
    for d in now:
        k = key(d)
        if have[k] > 0:
            have[k] -= 1
        else:
            out.append(d)
    return out


def fmt(d):
    pos = f"{d['file']}:{d['line']}:" if d.get("line") else f"{d['file']}:"
    return f"{pos} {d['severity']}: {d['msg']} [{d['tool']}]"
