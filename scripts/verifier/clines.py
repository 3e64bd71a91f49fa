# SPDX-License-Identifier: GPL-2.0
"""Which lines of a C file carry code, and marking them for the
changed-line proof.

classify() is a small C lexer: it follows comments, string and character
literals, line splices and preprocessor directives across lines, so that
for every physical line it knows whether it has code outside comments,
where that code starts, and whether the line belongs to a directive
(including the continuation lines of a multi-line #define or #if).
"""
import re
from dataclasses import dataclass

NORMAL, BLOCK, LINE, STRING, CHAR = range(5)
# Characters that cannot change the lexer's state once a line's code has
# begun: skipped in one step (a character at a time costs a second of CPU
# per verify run).
PLAIN = re.compile(r"[^/\"'\\]+")


@dataclass
class LineInfo:
    code_col: int = None     # column of the first code character, or None
    directive: bool = False  # part of a preprocessor directive


def classify(text):
    """[LineInfo] indexed by line number (index 0 unused)."""
    lines = text.split("\n")
    info = [LineInfo()]
    state = NORMAL
    in_directive = False
    continued = False
    for line in lines:
        li = LineInfo()
        if not continued:
            in_directive = False
            if state in (LINE, STRING, CHAR):
                state = NORMAL
        logical_start = not continued
        i, n = 0, len(line)
        while i < n:
            c = line[i]
            if state == BLOCK:
                j = line.find("*/", i)
                if j < 0:
                    i = n
                else:
                    state = NORMAL
                    i = j + 2
                continue
            if state == LINE:
                break
            if state in (STRING, CHAR):
                quote = '"' if state == STRING else "'"
                if li.code_col is None:
                    li.code_col = i
                while i < n:
                    if line[i] == "\\":
                        i += 2
                        continue
                    if line[i] == quote:
                        state = NORMAL
                        i += 1
                        break
                    i += 1
                continue
            # NORMAL
            if c in " \t\f\v\r":
                i += 1
                continue
            if line.startswith("/*", i):
                state = BLOCK
                i += 2
                continue
            if line.startswith("//", i):
                state = LINE
                break
            if c == "\\" and i == n - 1:
                break
            if c == "#" and logical_start and li.code_col is None and not in_directive:
                in_directive = True
            if li.code_col is None:
                li.code_col = i
            if c == '"':
                state = STRING
            elif c == "'":
                state = CHAR
            else:
                m = PLAIN.match(line, i + 1)
                if m:
                    i = m.end() - 1
            i += 1
        continued = line.endswith("\\")
        li.directive = in_directive
        info.append(li)
    return info


def eligible(info, lineno):
    """True when line LINENO has code that is not a preprocessor directive."""
    if lineno >= len(info):
        return False
    li = info[lineno]
    return li.code_col is not None and not li.directive


def why_not(info, lineno, text_line):
    if lineno >= len(info):
        return "past the end of the file"
    li = info[lineno]
    if li.directive:
        return "preprocessor line"
    if not text_line.strip():
        return "blank line"
    return "comment only"


MARK = "__movops_line_"
MARK_RE = re.compile(r"__movops_line_(\d+)_(\d+)\b")


def marker(file_id, lineno):
    return f"{MARK}{file_id}_{lineno}"


def mark(text, lines, file_id, info=None):
    """TEXT with a unique marker token inserted in front of the first code
    token of each line in LINES (which must be eligible lines); INFO:
    classify(TEXT) when the caller has it."""
    out = text.split("\n")
    info = info or classify(text)
    for ln in lines:
        if not eligible(info, ln):
            continue
        col = info[ln].code_col
        s = out[ln - 1]
        out[ln - 1] = s[:col] + marker(file_id, ln) + " " + s[col:]
    return "\n".join(out)


def found_markers(text):
    """{(file_id, lineno)} of the markers present in preprocessor output."""
    return {(int(a), int(b)) for a, b in MARK_RE.findall(text)}
