# SPDX-License-Identifier: GPL-2.0
"""C source as text: what a reader sees without a parser.

Coccinelle skips what it cannot parse and what the preprocessor would drop
for certain ('#if 0'), silently.  These functions read the same files as
plain text, so that the analysis can hold spatch's facts against them
(invariants.py) and a finished series can be re-read (tipcheck.py): where
the names of the rework occur, in calls, definitions and declarations, in
which '#if' branch, inside which function.  Pure functions over strings.
"""
import bisect
import functools
import re
from dataclasses import dataclass

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


@functools.lru_cache(maxsize=32)
def code_of(text):
    """TEXT with comments and the insides of literals blanked (newlines and
    columns kept): only code is left to search."""
    def blank(m):
        s = m.group()
        if s[0] == "/":
            return re.sub(r"[^\n]", " ", s)
        return s[0] + re.sub(r"[^\n]", " ", s[1:-1]) + s[-1] if len(s) > 1 else s
    return COMMENT_OR_LITERAL.sub(blank, text)


def line_of(text, pos):
    return text.count("\n", 0, pos) + 1


class Lines:
    """Line numbers of positions in one text, by bisection (line_of()
    counts from the start each time)."""

    def __init__(self, text):
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def __call__(self, pos):
        return bisect.bisect_right(self.starts, pos)


def call_arity(code, pos):
    """Number of top-level arguments of the call whose '(' is at POS."""
    depth, count, seen = 0, 1, False
    for i in range(pos, len(code)):
        c = code[i]
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


def _close(code, pos):
    """Index just after the ')' matching the '(' at POS (len(code) if none)."""
    depth = 0
    for i in range(pos, len(code)):
        if code[i] == "(":
            depth += 1
        elif code[i] == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(code)


def _skip_attributes(code, pos):
    """Index of the first character after POS that is not space or a
    function attribute ('__acquires(x)', '__attribute__((...))', '__cold')."""
    while True:
        while pos < len(code) and code[pos].isspace():
            pos += 1
        m = re.match(r"\w+", code[pos:pos + 200])
        if not m:
            return pos
        nxt = pos + m.end()
        while nxt < len(code) and code[nxt].isspace():
            nxt += 1
        pos = _close(code, nxt) if nxt < len(code) and code[nxt] == "(" else pos + m.end()


def depths(code):
    """Brace depth at the start of each line (1-based index; [0] unused)."""
    out, depth = [0, 0], 0
    for c in code:
        if c == "{":
            depth += 1
        elif c == "}":
            depth = max(0, depth - 1)
        elif c == "\n":
            out.append(depth)
    return out


def macro_lines(text):
    """Lines (1-based) of '#define' directives, their continuations included."""
    out, inside = set(), False
    for i, line in enumerate(text.split("\n"), 1):
        if inside or re.match(r"\s*#\s*define\b", line):
            out.add(i)
            inside = line.rstrip().endswith("\\")
    return out


@dataclass(frozen=True)
class Site:
    """Where NAME occurs in code: KIND 'call', 'definition' (with a body),
    'declaration' (a prototype) or 'macro' (in a #define); ARITY for a call
    or a declaration's parameters."""
    name: str
    line: int
    kind: str
    arity: int


def sites(text, names):
    """[Site] of every NAME( in TEXT's code (not comments or strings)."""
    if not names:
        return []
    code = code_of(text)
    depth = depths(code)
    macros = macro_lines(text)
    lines = Lines(code)
    rx = re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(names)) + r")\s*\(")
    out = []
    for m in rx.finditer(code):
        if re.search(r"(->|\.)\s*$", code[max(0, m.start() - 40):m.start()]):
            continue        # a member of the same name (a function pointer)
        line = lines(m.start())
        paren = m.end() - 1
        arity = call_arity(code, paren)
        after = code[_skip_attributes(code, _close(code, paren)):]
        if line in macros:
            kind = "macro"
        elif depth[line] > 0:
            kind = "call"
        elif after.startswith("{"):
            kind = "definition"
        elif after[:1] in (";", ","):
            kind = "declaration"
        else:
            kind = "call" if depth[line] else "declaration"
        out.append(Site(m.group(1), line, kind, arity))
    return out


def ops_definitions(text):
    """[(object, line)] of 'struct movable_operations X = {' in TEXT's code."""
    code = code_of(text)
    lines = Lines(code)
    return [(m.group(1), lines(m.start(1))) for m in re.finditer(
        r"\bstruct\s+movable_operations\s+(\w+)\s*=\s*\{", code)]


# -- the preprocessor's branches ----------------------------------------------

_DIRECTIVE = re.compile(r"\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b(.*)")


def branches(text):
    """Per line (1-based; [0] unused), the tuple of (opening line, branch
    number) of the conditionals around it, outermost first: two lines are
    never compiled together when they sit in different branches of one
    conditional (exclusive())."""
    out = [(), ()]
    stack = []
    for i, line in enumerate(text.split("\n"), 1):
        m = _DIRECTIVE.match(line)
        if m:
            d = m.group(1)
            if d in ("if", "ifdef", "ifndef"):
                stack.append((i, 0))
            elif d in ("elif", "else") and stack:
                stack[-1] = (stack[-1][0], stack[-1][1] + 1)
            elif d == "endif" and stack:
                stack.pop()
        out.append(tuple(stack))
    return out


def exclusive(a, b):
    """Whether two lines' branches() never both compile."""
    opened = dict(a)
    return any(line in opened and opened[line] != n for line, n in b)


def if0_regions(text):
    """[(first, last)] lines of '#if 0' blocks (up to their '#else',
    '#elif' or '#endif'), which spatch does not read."""
    out, stack = [], []
    for i, line in enumerate(text.split("\n"), 1):
        m = _DIRECTIVE.match(line)
        if not m:
            continue
        d, rest = m.group(1), m.group(2).strip()
        if d in ("if", "ifdef", "ifndef"):
            stack.append([i, d == "if" and re.match(r"0\s*(/[*/].*)?$", rest) is not None])
        elif stack and d in ("elif", "else", "endif"):
            first, zero = stack[-1]
            if zero:
                out.append((first, i))
                stack[-1][1] = False
            if d == "endif":
                stack.pop()
    return out


def functions(text):
    """[(name, first line, last line)] of the function definitions of TEXT,
    read by braces at the top level: a function whose braces do not close
    runs to the end of the file, as it would for the compiler."""
    code = code_of(text)
    macros = macro_lines(text)
    line_of = Lines(code)
    out = []
    depth, start, name = 0, None, None
    last_call = None
    for m in re.finditer(r"\b(\w+)\s*\(|[{};]", code):
        tok = m.group()
        if tok == "{":
            if depth == 0 and last_call and _skip_attributes(code, last_call[1]) == m.start():
                start, name = line_of(last_call[0]), last_call[2]
            depth += 1
        elif tok == "}":
            depth = max(0, depth - 1)
            if depth == 0 and start is not None:
                out.append((name, start, line_of(m.start())))
                start = None
        elif tok == ";":
            if depth == 0:
                last_call = None
        elif depth == 0 and line_of(m.start()) not in macros:
            if last_call and m.start() < last_call[1]:
                continue        # a parameter's own parentheses
            if last_call and _skip_attributes(code, last_call[1]) > m.start():
                continue        # an attribute after the parameters
            last_call = (m.start(), _close(code, m.end() - 1), m.group(1))
    if start is not None:
        out.append((name, start, code.count("\n") + 1))
    return out


def function_at(funcs, line):
    """The name of the function of FUNCS (functions()) holding LINE, or None."""
    for name, first, last in funcs:
        if first <= line <= last:
            return name
    return None
