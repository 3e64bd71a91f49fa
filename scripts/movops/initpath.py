# SPDX-License-Identifier: GPL-2.0
"""Where a module's init function registers its movable_ops, and how its
failures give them up: pure functions of the function's text.

A set_movable_ops() that fails (-EBUSY: the page type has ops already)
must leave nothing behind, and neither may any later failure of the init:
the module is unloaded, and whatever it registered points into freed
memory.  So the registration goes first, before every other effect of the
function, where its failure has nothing to undo; every failure after it
unregisters:

  - through the function's own error labels, when it has them: they all
    end in one 'return VAR;', and the unregistration goes just before it
    (the registration's own failure returns directly, so it never
    unregisters the ops of whoever holds the type);
  - before each failure 'return X;' (X not 0) of the body, braces added to
    an 'if' whose only statement it is.

Shapes this cannot do right are refused with the reason (a Refusal): an
effect in a declaration's initializer, a success path that falls into the
error labels, a function that ends with 'return EXPR;' of something that
can fail, an error path with more than one return.

The function is read as the kernel's style writes it: one statement per
line, the body's statements one tab in, labels in column 0.
"""
import re
from dataclasses import dataclass, field
from typing import Optional

REGISTER = "set_movable_ops"
NOT_CALLS = {"if", "for", "while", "switch", "return", "sizeof", "typeof", "__typeof__",
             "defined", "likely", "unlikely", "ARRAY_SIZE", "offsetof"}
DECL_RE = re.compile(
    r"^\t(?:(?:const|static|unsigned|signed|volatile|register|struct|enum|union)\s+)*"
    r"(?!return\b|goto\b|else\b|do\b)[A-Za-z_]\w*(?:\s+|\s*\*+\s*)\**"
    r"(?P<name>[A-Za-z_]\w*)(?:\s+__\w+)?\s*(?:\[[^\]]*\]\s*)?(?P<rest>[=;,].*)?$")
LABEL_RE = re.compile(r"^(?P<name>[A-Za-z_]\w*):\s*(?:/\*.*\*/\s*)?$")
RETURN_RE = re.compile(r"\breturn\b\s*(?P<expr>[^;]*);")
GOTO_RE = re.compile(r"\bgoto\s+(?P<label>\w+)\s*;")
VAR_NAMES = ("err", "ret", "rc", "error", "movable_err")


@dataclass
class Stmt:
    """A statement at the top level of the body (or a label, or a
    preprocessor line): KIND decl, return, goto, label, cpp or stmt;
    FIRST and LAST the indexes of its lines in the function."""
    kind: str
    first: int
    last: int
    text: str
    name: Optional[str] = None      # decl: the variable; label: its name
    calls: list[str] = field(default_factory=list)


@dataclass
class Refusal:
    """Why the registration cannot be placed without a leak."""
    problem: str
    fix: str


@dataclass
class Decision:
    """Where the registration goes in a function (indexes into its lines).

    AT: the line the registration block is inserted before; VAR: the
    variable that gets set_movable_ops()'s result, DECLARE when the block
    declares it; BEFORE: the first effect it precedes; TAIL_RETURN: the
    one return of the error labels (the unregistration goes before it),
    LABELS: those labels; RETURNS: the failure returns outside them, each
    (index of its first line, index of the braceless if's head or None)."""
    func: str
    at: int
    var: str
    declare: bool
    before: Optional[str]
    tail_return: Optional[int]
    labels: list[str]
    returns: list[tuple]

    def sentence(self, start_line=None, file=None):
        """The report's line: how the registration goes in and goes away."""
        first = f"{self.func}(): {REGISTER}() first" + (
            f", before {self.before}()" if self.before else " (its only effect)")
        ways = []
        if self.labels:
            names = ", ".join(f"'{l}'" for l in self.labels)
            ways.append(f"on the {names} error path" + ("s" if len(self.labels) > 1 else ""))
        if self.returns:
            if start_line is not None and file:
                at = ", ".join(f"{file}:{start_line + r[0]}" for r in self.returns)
                ways.append(f"before the failure return{'s' if len(self.returns) > 1 else ''}"
                            f" at {at}")
            else:
                ways.append(f"before {len(self.returns)} failure return"
                            + ("s" if len(self.returns) > 1 else ""))
        if ways:
            return f"{first}; unregistered " + " and ".join(ways)
        return f"{first}; nothing after it can fail"

    def signature(self):
        """What must not change between the analysis and the step: the
        lines move as the earlier steps edit the file, the shape not."""
        return (self.func, self.var, self.declare, self.before, tuple(self.labels),
                len(self.returns))


def function_span(text, name):
    """(first line, last line) (0-based, inclusive) of the definition of
    function NAME in TEXT: from its head to the line of its closing brace,
    which must sit at the start of a line, as the kernel's style has it."""
    lines = text.splitlines()
    head = re.compile(rf"^[A-Za-z_][\w\s\*]*\b{re.escape(name)}\s*\(")
    for i, line in enumerate(lines):
        if not head.match(line) or line.rstrip().endswith(";"):
            continue
        j = i
        while j < len(lines) and not lines[j].startswith("{"):
            if lines[j].rstrip().endswith(";"):
                break
            j += 1
        if j >= len(lines) or not lines[j].startswith("{"):
            continue
        for k in range(j + 1, len(lines)):
            if lines[k].startswith("}"):
                return i, k
    return None


def function_lines(text, name):
    """(0-based index of its first line, [its lines]) of the definition of
    function NAME in TEXT, or None."""
    span = function_span(text, name)
    if span is None:
        return None
    return span[0], text.splitlines()[span[0]:span[1] + 1]


def _indent(line):
    return len(line) - len(line.lstrip("\t"))


def _calls(text):
    return [m.group(1) for m in re.finditer(r"\b([A-Za-z_]\w*)\s*\(", text)
            if m.group(1) not in NOT_CALLS]


def _strip_comments(line, in_comment):
    """LINE without comments, and with its string and character literals
    emptied (a "(" in a message is no parenthesis), and whether a /*
    comment is still open."""
    out, i = "", 0
    while i < len(line):
        if in_comment:
            end = line.find("*/", i)
            if end < 0:
                return out, True
            i, in_comment = end + 2, False
        elif line.startswith("/*", i):
            in_comment = True
            i += 2
        elif line.startswith("//", i):
            break
        elif line[i] in "\"'":
            q, j = line[i], i + 1
            while j < len(line) and line[j] != q:
                j += 2 if line[j] == "\\" else 1
            out += q + q
            i = j + 1
        else:
            out += line[i]
            i += 1
    return out, in_comment


def body_span(lines):
    """(index of the line after '{', index of the closing '}') of the
    function LINES (its head to its closing brace)."""
    open_ = next(i for i, l in enumerate(lines) if l.startswith("{"))
    return open_ + 1, len(lines) - 1


def parse(lines):
    """The top-level statements of the function LINES, in order."""
    first, end = body_span(lines)
    out, i, in_comment = [], first, False
    while i < end:
        raw = lines[i]
        code, in_comment_after = _strip_comments(raw, in_comment)
        stripped = code.strip()
        if in_comment or not stripped:
            in_comment = in_comment_after
            i += 1
            continue
        in_comment = in_comment_after
        if raw.startswith("#"):
            j = i
            while lines[j].rstrip().endswith("\\") and j + 1 < end:
                j += 1
            out.append(Stmt("cpp", i, j, stripped))
            i = j + 1
            continue
        m = LABEL_RE.match(code.rstrip())
        if m and not code.startswith(("\t", " ")):
            out.append(Stmt("label", i, i, stripped, name=m.group("name")))
            i += 1
            continue
        # A statement: until its parentheses and braces close on a line
        # that ends it (';' or '}'), and no 'else' follows.
        j, parens, braces, texts = i, 0, 0, []
        while True:
            c, in_comment = _strip_comments(lines[j], in_comment)
            if not lines[j].startswith("#"):
                texts.append(c.strip())
                parens += c.count("(") - c.count(")")
                braces += c.count("{") - c.count("}")
            s = c.strip()
            done = parens == 0 and braces == 0 and s.endswith((";", "}")) \
                and not lines[j].startswith("#")
            if done:
                k = j + 1
                while k < end and not lines[k].strip():
                    k += 1
                if k < end and lines[k].strip().startswith("else"):
                    done = False
            if done or j + 1 >= end:
                break
            j += 1
        text = " ".join(t for t in texts if t)
        kind, name = "stmt", None
        d = DECL_RE.match(lines[i]) if braces == 0 else None
        if re.match(r"return\b", text):
            kind = "return"
        elif re.fullmatch(r"goto\s+\w+\s*;", text):
            kind, name = "goto", GOTO_RE.search(text).group("label")
        elif d and "(" not in lines[i].split("=")[0] and not re.match(
                r"\t[A-Za-z_]\w*\s*(=|\+=|-=|\[|\(|->|\.)", lines[i]):
            kind, name = "decl", d.group("name")
        out.append(Stmt(kind, i, j, text, name=name, calls=_calls(text)))
        i = j + 1
    return out


def _returns_in(lines, stmt):
    """(line index, expression) of every return inside STMT."""
    out = []
    for k in range(stmt.first, stmt.last + 1):
        for m in RETURN_RE.finditer(lines[k]):
            out.append((k, m.group("expr").strip()))
    return out


def _is_zero(expr):
    return expr.strip() == "0"


def _new_var(lines):
    text = "\n".join(lines)
    for name in VAR_NAMES:
        if not re.search(rf"\b{name}\b", text):
            return name
    return "movable_ops_err"


def _braceless_head(lines, k, first):
    """Index of the 'if (...)' head whose only statement starts at line
    K, or None when K is in a braced block.  A shape neither of those
    (a one-line 'if (x) return y;', an 'else' body) gives -1."""
    ind = _indent(lines[k])
    p = k - 1
    while p >= first and (not lines[p].strip() or lines[p].startswith("#")):
        p -= 1
    prev = lines[p].rstrip()
    if prev.endswith(("{", ";", "}")) or LABEL_RE.match(prev):
        return None if RETURN_RE.match(lines[k].strip()) else -1
    if not prev.endswith(")"):
        return -1
    # The head may span lines: where it starts, one tab less in.
    for h in range(p, first - 1, -1):
        line = lines[h].rstrip()
        if h != p and line.endswith((";", "{", "}")):
            break
        if _indent(line) == ind - 1 and re.match(r"\t*(\}\s*else\s+)?if\s*\(", line):
            return h
    return -1


def decide(func, lines):
    """The Decision for the init function FUNC (LINES: its head to its
    closing brace), or a Refusal."""
    stmts = parse(lines)
    first, end = body_span(lines)
    decls = []
    for s in stmts:
        if s.kind != "decl":
            break
        decls.append(s)
    for d in decls:
        if d.calls:
            return Refusal(
                f"{func}() has an effect in a declaration ('{d.text}' calls "
                f"{d.calls[0]}()): {REGISTER}() cannot go before it, and the series will "
                "not guess how to undo it",
                f"move the call out of the declarations of {func}(), or register by hand")
    rest = stmts[len(decls):]
    labels = [s for s in rest if s.kind == "label"]
    main = rest[:rest.index(labels[0])] if labels else rest
    tail = rest[rest.index(labels[0]):] if labels else []
    code = [s for s in main if s.kind not in ("cpp",)]
    if not code or code[-1].kind != "return":
        return Refusal(
            f"{func}() does not end its success path with a return"
            + (f" before its label '{labels[0].name}'" if labels else ""),
            f"end the success path of {func}() with 'return 0;'")
    success = code[-1]
    if not _is_zero(RETURN_RE.search(success.text).group("expr")):
        return Refusal(
            f"{func}() ends with '{success.text}', which can fail after {REGISTER}() "
            "without giving it up",
            f"end the success path of {func}() with 'return 0;' after checking the result")
    tail_return = None
    if tail:
        rets = [r for s in tail for r in _returns_in(lines, s)]
        last = [s for s in tail if s.kind not in ("cpp", "label")]
        if len(rets) != 1 or not last or last[-1].kind != "return":
            return Refusal(
                f"{func}()'s error labels do not end in one return",
                f"let the error labels of {func}() fall through to one 'return ...;'")
        tail_return = last[-1].first
    names = {s.name for s in labels}
    gotos = [GOTO_RE.search(lines[k]).group("label") for s in main
             for k in range(s.first, s.last + 1) if GOTO_RE.search(lines[k])]
    unknown = sorted(set(gotos) - names)
    if unknown:
        return Refusal(f"{func}() jumps to '{unknown[0]}', which is not one of its error "
                       "labels", f"check the labels of {func}()")
    returns = []
    for s in main:
        if s is success:
            continue
        for k, expr in _returns_in(lines, s):
            if _is_zero(expr):
                continue
            head = _braceless_head(lines, k, first)
            if head == -1 or (head is not None and _else_follows(lines, k, end, head)):
                return Refusal(
                    f"{func}() fails with '{lines[k].strip()}' in a shape the series does "
                    "not rewrite",
                    f"give that return of {func}() a block of its own, or an error label")
            returns.append((k, head))
    # The variable: an int local the function returns, else a new one.
    var, declare = None, True
    for d in decls:
        if re.fullmatch(rf"int {re.escape(d.name)}(\s*=\s*-?\w+)?;", d.text) and \
                any(re.search(rf"\breturn\s+{re.escape(d.name)}\s*;", lines[k])
                    for k in range(first, end)):
            var, declare = d.name, False
            break
    if var is None:
        var = _new_var(lines)
    if declare:
        at = decls[-1].last + 1 if decls else first
    else:
        at = decls[-1].last + 1
        if at < end and not lines[at].strip():
            at += 1
    effects = [c for s in code for c in s.calls if c != REGISTER]
    used = [g for g in dict.fromkeys(gotos)]
    return Decision(func=func, at=at, var=var, declare=declare,
                    before=effects[0] if effects else None, tail_return=tail_return,
                    labels=[l.name for l in labels if l.name in used], returns=returns)


def _else_follows(lines, k, end, head):
    j = k
    while j < end and not lines[j].rstrip().endswith(";"):
        j += 1
    j += 1
    while j < end and not lines[j].strip():
        j += 1
    return j < end and lines[j].strip().startswith("else") \
        and _indent(lines[j]) == _indent(lines[head])


def _guarded(guard, body):
    """BODY (lines) inside the preprocessor lines GUARD (open, close), if
    any."""
    return [guard[0], *body, guard[1]] if guard else body


def render(lines, d, call, unregister, guard=None):
    """LINES with the registration of Decision D: CALL is
    'set_movable_ops(&ops, TYPE)', UNREGISTER 'set_movable_ops(NULL,
    TYPE)', GUARD None or (its '#if' line, its '#endif' line)."""
    out = list(lines)
    inserts = []    # (index, [lines]) to insert before, applied bottom-up
    if d.tail_return is not None:
        inserts.append((d.tail_return, _guarded(guard, [f"\t{unregister};"])))
    end = len(lines) - 1
    for k, head in d.returns:
        ind = "\t" * _indent(lines[k])
        if head is None:
            inserts.append((k, _guarded(guard, [f"{ind}{unregister};"])))
            continue
        j = k
        while not lines[j].rstrip().endswith(";"):
            j += 1
        close = "\t" * _indent(lines[head]) + "}"
        inserts.append((j + 1, [close]))
        inserts.append((k, _guarded(guard, [f"{ind}{unregister};"])))
        inserts.append(("brace", head, k))
    if d.declare:
        block = [f"\tint {d.var} = {call};", "", f"\tif ({d.var})", f"\t\treturn {d.var};"]
    else:
        block = [f"\t{d.var} = {call};", f"\tif ({d.var})", f"\t\treturn {d.var};"]
    block = _guarded(guard, block)
    if d.at < end and lines[d.at].strip():
        block.append("")
    inserts.append((d.at, block))
    braces = [x for x in inserts if x[0] == "brace"]
    plain = [x for x in inserts if x[0] != "brace"]
    for _, head, k in braces:
        # The head's last line (the one before the return) opens the block.
        h = k - 1
        while not out[h].strip() or out[h].startswith("#"):
            h -= 1
        out[h] = out[h].rstrip() + " {"
    for idx, new in sorted(plain, key=lambda x: x[0], reverse=True):
        out[idx:idx] = new
    return out
