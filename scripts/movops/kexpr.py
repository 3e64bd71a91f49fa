# SPDX-License-Identifier: GPL-2.0
"""Conditions of the two languages that decide whether kernel code is
built, as values that can be evaluated under a configuration.

- Preprocessor conditions (#if/#ifdef/#elif/#else): cpp_nest() gives, for a
  line of a file, the condition under which the preprocessor keeps it, and
  eval_cpp() evaluates it.  kconfig.h's semantics are modelled:
  defined(CONFIG_X) and #ifdef CONFIG_X hold when X=y only (X=m defines
  CONFIG_X_MODULE instead), IS_ENABLED() when X is y or m, IS_BUILTIN()
  when y, IS_MODULE() when m, IS_REACHABLE() when y, or m in code built
  into the same module; MODULE is defined in code built as a module.
- Kconfig expressions ('depends on A && (B || !C)', 'if X = y'):
  parse_kconfig() and eval_kconfig(), in Kconfig's tristate logic (n < m <
  y; && is the minimum, || the maximum, ! is y minus the value), over
  intervals: a symbol the caller does not model may take any value, and
  the result is the range of values the expression can have.

Values are 0 (n), 1 (m) and 2 (y).  A condition that cannot be read raises
Unreadable: a proof that needs it must say so rather than guess.
"""
import re

N, M, Y = 0, 1, 2
NAMES = {N: "n", M: "m", Y: "y"}


class Unreadable(Exception):
    """A condition outside what is modelled here."""


# -- tokens -------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(\|\||&&|==|!=|<=|>=|[()!<>=,])|([A-Za-z_][A-Za-z0-9_]*)|"
                    r"(0[xX][0-9a-fA-F]+|\d+)[uUlL]*|(\"[^\"]*\"))")


def _tokens(text):
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise Unreadable(f"cannot read '{text}' at '{text[pos:]}'")
        op, name, num, string = m.groups()
        out.append(("op", op) if op else ("name", name) if name else
                   ("num", int(num, 0)) if num else ("str", string[1:-1]))
        pos = m.end()
    return out


class _Parser:
    """Recursive descent over || && ! and parentheses; ATOM parses the rest."""

    def __init__(self, text, atom):
        self.toks = _tokens(text)
        self.i = 0
        self.text = text
        self.atom = atom

    def peek(self, k=0):
        return self.toks[self.i + k] if self.i + k < len(self.toks) else (None, None)

    def take(self, want=None):
        t = self.peek()
        if t == (None, None) or (want is not None and t != ("op", want)):
            raise Unreadable(f"cannot read '{self.text}'")
        self.i += 1
        return t

    def parse(self):
        e = self.or_()
        if self.i != len(self.toks):
            raise Unreadable(f"cannot read '{self.text}' (trailing tokens)")
        return e

    def or_(self):
        e = self.and_()
        while self.peek() == ("op", "||"):
            self.take()
            e = ("or", e, self.and_())
        return e

    def and_(self):
        e = self.not_()
        while self.peek() == ("op", "&&"):
            self.take()
            e = ("and", e, self.not_())
        return e

    def not_(self):
        if self.peek() == ("op", "!"):
            self.take()
            return ("not", self.not_())
        if self.peek() == ("op", "("):
            self.take()
            e = self.or_()
            self.take(")")
            return e
        return self.atom(self)


# -- preprocessor conditions -------------------------------------------------

def _cpp_atom(p):
    kind, val = p.take()
    if kind == "num":
        return ("const", 1 if val else 0)
    if kind != "name":
        raise Unreadable(f"cannot read '{p.text}'")
    if val == "defined":
        paren = p.peek() == ("op", "(")
        if paren:
            p.take()
        k, name = p.take()
        if k != "name":
            raise Unreadable(f"cannot read '{p.text}'")
        if paren:
            p.take(")")
        return ("defined", name)
    if val in ("IS_ENABLED", "IS_BUILTIN", "IS_MODULE", "IS_REACHABLE"):
        p.take("(")
        k, name = p.take()
        p.take(")")
        if k != "name":
            raise Unreadable(f"cannot read '{p.text}'")
        return (val.lower()[3:], name)
    if val.startswith("CONFIG_") or val == "MODULE":
        # A bare macro in #if: 1 when defined to 1, 0 when not defined.
        return ("defined", val)
    raise Unreadable(f"'{val}' in '{p.text}' is not a configuration test")


def parse_cpp(text):
    """The AST of an #if expression (comments removed)."""
    text = re.sub(r"/\*.*?\*/", " ", text)
    text = re.sub(r"//.*$", "", text).strip()
    return _Parser(text, _cpp_atom).parse()


def eval_cpp(expr, values, module=False):
    """Does the preprocessor keep code under EXPR?  VALUES: {'CONFIG_X': 0|1|2}
    (missing: n); MODULE: the code is built as (part of) a module."""
    op = expr[0]
    if op == "const":
        return bool(expr[1])
    if op == "and":
        return eval_cpp(expr[1], values, module) and eval_cpp(expr[2], values, module)
    if op == "or":
        return eval_cpp(expr[1], values, module) or eval_cpp(expr[2], values, module)
    if op == "not":
        return not eval_cpp(expr[1], values, module)
    name = expr[1]
    if name == "MODULE":
        return module
    if name.endswith("_MODULE") and name[:-7] in values:
        v = values.get(name[:-7], N)
        return v == M if op == "defined" else False
    v = values.get(name, N)
    if op in ("defined", "builtin"):
        return v == Y
    if op == "enabled":
        return v != N
    if op == "module":
        return v == M
    if op == "reachable":
        return v == Y or (v == M and module)
    raise Unreadable(f"unknown test {op}")


def cpp_symbols(expr):
    """The CONFIG_ names EXPR tests."""
    if expr[0] in ("and", "or"):
        return cpp_symbols(expr[1]) | cpp_symbols(expr[2])
    if expr[0] == "not":
        return cpp_symbols(expr[1])
    if expr[0] == "const":
        return set()
    name = expr[1]
    if name.endswith("_MODULE"):
        name = name[:-7]
    return {name} if name.startswith("CONFIG_") else set()


TRUE = ("const", 1)


def conj(*exprs):
    out = TRUE
    for e in exprs:
        out = e if out == TRUE else ("and", out, e)
    return out


def conditionals(text, upto):
    """(line number, directive, rest) of each #if/#ifdef/#ifndef/#elif/
    #else/#endif before line UPTO (1-based) of TEXT, with continued lines
    joined: the walk both cpp_nest() and kbuild.if_nest() are made of."""
    cont = ""
    for i, raw in enumerate(text.split("\n"), 1):
        if i >= upto:
            break
        line = cont + raw
        if line.endswith("\\"):
            cont = line[:-1] + " "
            continue
        cont = ""
        m = re.match(r"\s*#\s*(ifdef|ifndef|if|elif|else|endif)\b(.*)", line)
        if m:
            yield i, m.group(1), m.group(2).strip()


def include_guard(text, first):
    """Is FIRST, an outermost '#ifndef X' at its line, a header's include
    guard (followed by '#define X')?"""
    line, rest = first
    lines = text.split("\n")
    name = rest.split()[0] if rest else ""
    nxt = lines[line] if line < len(lines) else ""
    return bool(name) and re.match(rf"\s*#\s*define\s+{re.escape(name)}\b", nxt) is not None


def cpp_nest(text, lineno):
    """The condition under which the preprocessor keeps line LINENO
    (1-based) of TEXT: the conjunction, over the open #if/#ifdef/#ifndef
    around it, of the branch it is in (an #elif or #else branch also
    requires the earlier branches' conditions to be false).  A header's
    include guard is left out."""
    stack = []          # [cond of the current branch, [conds of earlier branches], guard?]
    for i, d, rest in conditionals(text, lineno):
        rest = re.sub(r"/\*.*?\*/", " ", rest).strip()
        if d == "ifdef":
            stack.append([("defined", rest.split()[0]), [], False])
        elif d == "ifndef":
            guard = not stack and include_guard(text, (i, rest))
            stack.append([("not", ("defined", rest.split()[0])), [], guard])
        elif d == "if":
            stack.append([parse_cpp(rest), [], False])
        elif d == "elif" and stack:
            stack[-1][1].append(stack[-1][0])
            stack[-1][0] = parse_cpp(rest)
        elif d == "else" and stack:
            stack[-1][1].append(stack[-1][0])
            stack[-1][0] = TRUE
        elif d == "endif" and stack:
            stack.pop()
    parts = []
    for cond, earlier, guard in stack:
        if guard:
            continue
        parts += [("not", e) for e in earlier]
        if cond != TRUE:
            parts.append(cond)
    return conj(*parts)


def show_cpp(expr):
    """Readable text of a condition."""
    op = expr[0]
    if op == "const":
        return "1" if expr[1] else "0"
    if op in ("and", "or"):
        sym = " && " if op == "and" else " || "
        return "(" + show_cpp(expr[1]) + sym + show_cpp(expr[2]) + ")"
    if op == "not":
        return "!" + show_cpp(expr[1])
    return f"{op}({expr[1]})"


# -- Kconfig expressions -------------------------------------------------------

def _kconfig_atom(p):
    kind, val = p.take()
    if kind == "str":
        left = ("const", {"y": Y, "m": M, "n": N}.get(val, N))
    elif kind == "name":
        left = ("const", {"y": Y, "m": M, "n": N}[val]) if val in ("y", "m", "n") \
            else ("sym", val)
    elif kind == "num":
        left = ("const", N)
    else:
        raise Unreadable(f"cannot read '{p.text}'")
    if p.peek() in (("op", "="), ("op", "!="), ("op", "<"), ("op", ">"), ("op", "<="),
                    ("op", ">=")):
        op = p.take()[1]
        right = _kconfig_atom(p)
        return ("cmp", op, left, right)
    return left


def parse_kconfig(text):
    """The AST of a Kconfig expression (a '#' comment removed)."""
    return _Parser(text.split("#", 1)[0], _kconfig_atom).parse()


def eval_kconfig(expr, values):
    """(low, high): the range of values of EXPR when the symbols in VALUES
    ({'X': 0|1|2}, names without CONFIG_) have those values and every
    other symbol may have any value."""
    op = expr[0]
    if op == "const":
        return expr[1], expr[1]
    if op == "sym":
        if expr[1] in values:
            v = values[expr[1]]
            return v, v
        return N, Y
    if op == "and":
        a, b = eval_kconfig(expr[1], values), eval_kconfig(expr[2], values)
        return min(a[0], b[0]), min(a[1], b[1])
    if op == "or":
        a, b = eval_kconfig(expr[1], values), eval_kconfig(expr[2], values)
        return max(a[0], b[0]), max(a[1], b[1])
    if op == "not":
        lo, hi = eval_kconfig(expr[1], values)
        return Y - hi, Y - lo
    if op == "cmp":
        a, b = eval_kconfig(expr[2], values), eval_kconfig(expr[3], values)
        if a[0] == a[1] and b[0] == b[1]:
            res = {"=": a[0] == b[0], "!=": a[0] != b[0], "<": a[0] < b[0],
                   ">": a[0] > b[0], "<=": a[0] <= b[0], ">=": a[0] >= b[0]}[expr[1]]
            return (Y, Y) if res else (N, N)
        return N, Y
    raise Unreadable(f"unknown Kconfig operator {op}")


def kconfig_symbols(expr):
    if expr[0] in ("and", "or"):
        return kconfig_symbols(expr[1]) | kconfig_symbols(expr[2])
    if expr[0] == "not":
        return kconfig_symbols(expr[1])
    if expr[0] == "cmp":
        return kconfig_symbols(expr[2]) | kconfig_symbols(expr[3])
    if expr[0] == "sym":
        return {expr[1]}
    return set()
