# SPDX-License-Identifier: GPL-2.0
"""What Kbuild and Kconfig say about a piece of code: under which options a
line is compiled.

Three sources decide it, and all three are read from the tree:
  - the preprocessor conditionals around the line (#if/#ifdef nest);
  - the obj-$(CONFIG_...) line of the directory Makefile that builds the file
    (and of the parent directories that descend into it);
  - Kconfig, whose 'depends on' lets a guard drop options implied by others.

Only conjunctions of options are modelled, because that is what a guard of a
dispatch branch or a build configuration needs; anything else is reported as
not derivable rather than guessed.
"""
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from . import kexpr

CONFIG_RE = re.compile(r"\bCONFIG_([A-Za-z0-9_]+)")


class NotDerivable(Exception):
    """A guard the model cannot express as a conjunction of options."""


# -- preprocessor conditionals --------------------------------------------

def _cond_atoms(expr):
    """CONFIG atoms of a conjunctive #if expression, or raise NotDerivable.

    Accepts defined(CONFIG_X), defined CONFIG_X, IS_ENABLED(CONFIG_X),
    IS_BUILTIN(CONFIG_X) and CONFIG_X, joined by &&.
    """
    expr = re.sub(r"/\*.*?\*/", " ", expr).strip()
    expr = re.sub(r"//.*$", "", expr).strip()
    atoms = []
    for part in _split_top(expr, "&&"):
        part = part.strip()
        while part.startswith("(") and part.endswith(")") and _balanced(part[1:-1]):
            part = part[1:-1].strip()
        m = (re.fullmatch(r"defined\s*\(\s*CONFIG_(\w+)\s*\)", part)
             or re.fullmatch(r"defined\s+CONFIG_(\w+)", part)
             or re.fullmatch(r"IS_(?:ENABLED|BUILTIN)\s*\(\s*CONFIG_(\w+)\s*\)", part)
             or re.fullmatch(r"CONFIG_(\w+)", part))
        if not m:
            raise NotDerivable(f"condition '{expr}' is not a conjunction of options")
        atoms.append("CONFIG_" + m.group(1))
    return atoms


def _balanced(s):
    depth = 0
    for c in s:
        depth += c == "("
        depth -= c == ")"
        if depth < 0:
            return False
    return depth == 0


def _split_top(expr, op):
    parts, depth, cur, i = [], 0, "", 0
    while i < len(expr):
        c = expr[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        if depth == 0 and expr.startswith(op, i):
            parts.append(cur)
            cur = ""
            i += len(op)
            continue
        if depth == 0 and expr.startswith("||", i):
            raise NotDerivable(f"condition '{expr}' has a disjunction")
        cur += c
        i += 1
    parts.append(cur)
    return parts


@dataclass
class Conditional:
    directive: str        # 'if', 'ifdef', 'ifndef'
    expr: str             # the text after the directive
    line: int             # where it opens
    in_else: bool = False


def if_nest(text, lineno):
    """The open conditionals (outermost first) around line LINENO (1-based).

    The include guard of a header (#ifndef X_H / #define X_H) is left out.
    """
    stack = []
    for i, d, rest in kexpr.conditionals(text, lineno):
        if d in ("if", "ifdef", "ifndef"):
            stack.append(Conditional(d, rest, i))
        elif d == "elif":
            if stack:
                stack[-1] = Conditional("if", rest, i, in_else=True)
        elif d == "else":
            if stack:
                stack[-1].in_else = not stack[-1].in_else
        elif d == "endif":
            if stack:
                stack.pop()
    # Drop a header's include guard: an outermost #ifndef FOO_H followed by
    # #define FOO_H.
    if (stack and stack[0].directive == "ifndef" and not stack[0].in_else
            and kexpr.include_guard(text, (stack[0].line, stack[0].expr))):
        stack = stack[1:]
    return stack


def guard_atoms(text, lineno):
    """CONFIG atoms that must all be set for line LINENO to be compiled."""
    atoms = []
    for c in if_nest(text, lineno):
        if c.directive == "ifdef" and not c.in_else:
            atoms.append(_cond_atoms(c.expr)[0] if c.expr.startswith("CONFIG_")
                         else _raise(f"#ifdef {c.expr} is not an option test"))
        elif c.directive == "if" and not c.in_else:
            atoms += _cond_atoms(c.expr)
        else:
            what = "#" + c.directive + " " + c.expr + (" ... #else" if c.in_else else "")
            raise NotDerivable(f"line {lineno} sits under '{what}' (line {c.line}), "
                               "which is not a conjunction of options")
    return atoms


def _raise(msg):
    raise NotDerivable(msg)


def sufficient_options(text, lineno):
    """(enable, disable): options that, set that way, compile line LINENO.

    Unlike guard_atoms() this never gives up: of a disjunction it takes the
    first alternative, an #ifndef or #else branch asks for the option off,
    and a condition it cannot read is skipped (returned in the third item,
    so a caller can say which lines it could not plan for).
    """
    enable, disable, unknown = [], [], []
    for c in if_nest(text, lineno):
        expr = re.sub(r"/\*.*?\*/", " ", c.expr).strip()
        negate = (c.directive == "ifndef") != c.in_else
        if c.directive in ("ifdef", "ifndef"):
            m = re.match(r"CONFIG_\w+", expr)
            if not m:
                unknown.append(c)
                continue
            (disable if negate else enable).append(m.group(0))
            continue
        if negate:
            m = re.fullmatch(r"(?:defined\s*\(?\s*|IS_ENABLED\s*\(\s*)?(CONFIG_\w+)\)?", expr)
            if m:
                disable.append(m.group(1))
            else:
                unknown.append(c)
            continue
        first = expr.split("||")[0]
        atoms = CONFIG_RE.findall(first)
        negs = re.findall(r"!\s*(?:defined\s*\(?\s*|IS_ENABLED\s*\(\s*)?CONFIG_(\w+)", first)
        if not atoms:
            unknown.append(c)
        for a in atoms:
            (disable if a in negs else enable).append("CONFIG_" + a)
    return _dedup(enable), _dedup(disable), unknown


# -- Makefiles --------------------------------------------------------------

def obj_atoms(tree, relpath):
    """CONFIG atoms under which the object of RELPATH (a .c file) is built.

    Looks at the directory's Makefile/Kbuild for 'obj-$(CONFIG_X) += f.o' or
    'obj-y += f.o', then walks up the directories that descend into it.
    Raises NotDerivable when no such line exists (for example a file that
    is only #included, or built through a composite object we do not model).
    """
    rel = Path(relpath)
    obj = rel.with_suffix(".o").name
    atoms = []
    directory = rel.parent
    target = obj
    while str(directory) not in ("", "."):
        mk = _read_makefile(tree, directory)
        found = _find_obj(mk, target) if mk is not None else None
        if found is None:
            # Composite objects: 'foo-y += bar.o' then 'obj-$(X) += foo.o'.
            comp = _find_composite(mk, target) if mk is not None else None
            if comp is None:
                raise NotDerivable(f"no obj- line in {directory}/Makefile builds {target}")
            comp_name, comp_atoms = comp
            atoms += comp_atoms
            # 'obj-y += foo.o', or the list itself: 'obj-y += $(foo-y)'
            # (6.1's mm/Makefile builds memory_hotplug.o that way).
            found = _find_obj(mk, comp_name + ".o")
            if found is None:
                found = _find_obj(mk, f"$({comp_name}-y)")
            if found is None:
                raise NotDerivable(f"no obj- line in {directory}/Makefile builds {comp_name}.o")
        atoms = found + atoms
        target = directory.name + "/"
        directory = directory.parent
        # arch/ARCH/ is descended into by the top Makefile (core-y) for
        # its own architecture, with no obj- line.
        if str(directory) in ("", ".", "arch"):
            break
    # The top level (Kbuild/Makefile) descends into core directories
    # unconditionally; options on the top-level lines are rare and kept.
    top = (tree.read("Kbuild") or "") + (tree.read("Makefile") or "")
    first = rel.parts[0] + "/"
    m = re.search(rf"^obj-\$\(CONFIG_(\w+)\)\s*\+?=.*\s{re.escape(first)}", top, re.M)
    if m:
        atoms = ["CONFIG_" + m.group(1)] + atoms
    return _dedup(atoms)


def obj_line(tree, relpath):
    """'dir/Makefile:N' of the line that builds RELPATH's object in its own
    directory (evidence for a report), or None."""
    rel = Path(relpath)
    obj = rel.with_suffix(".o").name
    for name in ("Makefile", "Kbuild"):
        mk = tree.read(f"{rel.parent}/{name}")
        if mk is None:
            continue
        for n, line in enumerate(mk.splitlines(), 1):
            m = re.match(r"\s*[\w-]+-(\$\(CONFIG_\w+\)|y|m|objs)\s*[:+]?=(.*)$", line)
            if m and obj in m.group(2).split():
                return f"{rel.parent}/{name}:{n}"
    return None


def _read_makefile(tree, directory):
    texts = [tree.read(f"{directory}/Makefile"), tree.read(f"{directory}/Kbuild")]
    texts = [t for t in texts if t is not None]
    if not texts:
        return None
    return "\n".join(texts).replace("\\\n", " ")


def _find_obj(mk, target):
    for m in re.finditer(r"^\s*obj-(\$\(CONFIG_(\w+)\)|y)\s*[:+]?=(.*)$", mk, re.M):
        if target in m.group(3).split():
            return ["CONFIG_" + m.group(2)] if m.group(2) else []
    return None


def _find_composite(mk, target):
    for m in re.finditer(r"^\s*([\w-]+?)-(\$\(CONFIG_(\w+)\)|y|objs)\s*[:+]?=(.*)$", mk, re.M):
        name = m.group(1)
        if name == "obj" or name.startswith("ccflags") or name.startswith("subdir"):
            continue
        if target in m.group(4).split():
            return name, (["CONFIG_" + m.group(3)] if m.group(3) else [])
    return None


def _dedup(seq):
    out = []
    for s in seq:
        if s not in out:
            out.append(s)
    return out


# -- Kconfig ----------------------------------------------------------------

@dataclass
class Symbol:
    name: str                       # without CONFIG_
    file: str
    line: int
    type: str = ""                  # bool, tristate, int, string, ...
    depends: list = field(default_factory=list)   # raw 'depends on' expressions
    selects: list = field(default_factory=list)   # (symbol, condition or None)
    prompt_if: list = field(default_factory=list)  # conditions of prompts
    has_prompt: bool = False

    def required(self):
        """Symbols this one cannot be set without (conjunctive deps)."""
        req = []
        for expr in self.depends + self.enclosing:
            req += conjuncts(expr)
        return _dedup(req)

    enclosing: list = field(default_factory=list)  # 'if X' / menu deps around it


def conjuncts(expr):
    """Plain symbols that EXPR (a Kconfig expression) requires to be set.

    'A && (B || C) && !D' requires A only.
    """
    expr = expr.strip()
    out = []
    try:
        parts = _split_top(expr, "&&")
    except NotDerivable:
        return out
    for p in parts:
        p = p.strip()
        while p.startswith("(") and p.endswith(")") and _balanced(p[1:-1]):
            p = p[1:-1].strip()
        m = re.fullmatch(r"([A-Za-z0-9_]+)(\s*!=\s*n|\s*=\s*[ym])?", p)
        if m and m.group(1) not in ("y", "m", "n"):
            out.append(m.group(1))
    return out


def unmet_alternatives(sym, have, disable=()):
    """For each 'depends on' of SYM that is a plain disjunction (A || B ||
    ...) with no alternative =y in HAVE, its first alternative not in
    DISABLE."""
    out = []
    for expr in sym.depends + sym.enclosing:
        try:
            alts = [a.strip() for a in _split_top(expr.strip(), "||")]
        except NotDerivable:
            continue
        if len(alts) < 2 or not all(re.fullmatch(r"[A-Za-z0-9_]+", a) for a in alts):
            continue
        if any(have.get("CONFIG_" + a) == "y" for a in alts):
            continue
        out += [a for a in alts if "CONFIG_" + a not in disable][:1]
    return out


class Kconfig:
    """Lazy index of the Kconfig symbols of a tree."""

    def __init__(self, tree):
        self.tree = tree
        self._defs = None
        self._definitions = None
        self._symbols = {}

    def _index(self):
        if self._defs is None:
            self._defs = self.tree.grep_lines(r"^\s*(menu)?config\s+[A-Za-z0-9_]+\s*$",
                                              ["*Kconfig*"])
        return self._defs

    def definitions(self):
        """{symbol: [Kconfig files defining it]}: an option of one
        architecture only is defined under its arch/ directory only (and
        some, such as MMU, by every architecture)."""
        if self._definitions is None:
            out = {}
            for f, hits in self._index().items():
                for _, text in hits:
                    files = out.setdefault(text.split()[-1], [])
                    if f not in files:
                        files.append(f)
            self._definitions = out
        return self._definitions

    def arch_dirs(self, name):
        """The arch/ directories NAME (with or without CONFIG_) is defined
        in, when it is defined under arch/ only (an option of those
        architectures); else the empty set."""
        name = name[7:] if name.startswith("CONFIG_") else name
        found = [re.match(r"arch/([^/]+)/", f) for f in self.definitions().get(name, [])]
        return {m.group(1) for m in found} if found and all(found) else set()

    def symbol(self, name):
        """The Symbol NAME (with or without CONFIG_), or None."""
        name = name[7:] if name.startswith("CONFIG_") else name
        if name in self._symbols:
            return self._symbols[name]
        sym = None
        for f, hits in self._index().items():
            for lineno, text in hits:
                if text.split()[-1] == name:
                    sym = self._parse(f, lineno, name)
                    break
            if sym:
                break
        self._symbols[name] = sym
        return sym

    def _parse(self, f, lineno, name):
        lines = (self.tree.read(f) or "").splitlines()
        sym = Symbol(name, f, lineno)
        i = lineno
        while i < len(lines):
            raw = lines[i]
            while raw.endswith("\\") and i + 1 < len(lines):
                i += 1
                raw = raw[:-1] + " " + lines[i]
            s = raw.strip()
            i += 1
            if re.match(r"(menu)?config\s|choice\b|endchoice\b|menu\b|endmenu\b|if\b|endif\b|source\b|comment\b", s) \
                    and not raw.startswith(("\t", " ")):
                break
            if s.startswith("help") or s == "---help---":
                break
            m = re.match(r"(bool|tristate|int|hex|string|def_bool|def_tristate)\b\s*(.*)", s)
            if m:
                sym.type = m.group(1).replace("def_", "")
                rest = m.group(2)
                # A def_bool's argument is its default, not a prompt.
                if not m.group(1).startswith("def_") and rest.startswith('"'):
                    sym.has_prompt = True
                    pm = re.search(r'"\s+if\s+(.*)$', rest)
                    if pm:
                        sym.prompt_if.append(pm.group(1))
                continue
            m = re.match(r'prompt\s+"[^"]*"(?:\s+if\s+(.*))?$', s)
            if m:
                sym.has_prompt = True
                if m.group(1):
                    sym.prompt_if.append(m.group(1))
                continue
            m = re.match(r"depends\s+on\s+(.*)$", s)
            if m:
                sym.depends.append(m.group(1))
                continue
            m = re.match(r"select\s+(\w+)(?:\s+if\s+(.*))?$", s)
            if m:
                sym.selects.append((m.group(1), m.group(2)))
        sym.enclosing = self._enclosing(lines, lineno)
        return sym

    @staticmethod
    def _enclosing(lines, lineno):
        """Conditions of 'if X' blocks and 'menu' dependencies around a line."""
        stack = []
        in_menu_head = False    # between 'menu "..."' and its first entry
        for raw in lines[:lineno - 1]:
            s = raw.strip()
            if raw.startswith(("\t", " ")) or not s or s.startswith("#"):
                if in_menu_head and s.startswith("depends on"):
                    stack[-1][1].append(s[len("depends on"):].strip())
                continue
            in_menu_head = False
            if s.startswith("if "):
                stack.append(("if", [s[3:].split("#")[0].strip()]))
            elif s.startswith("endif"):
                if stack and stack[-1][0] == "if":
                    stack.pop()
            elif s.startswith("menu ") or s.startswith("menu\t"):
                stack.append(("menu", []))
                in_menu_head = True
            elif s.startswith("endmenu"):
                if stack and stack[-1][0] == "menu":
                    stack.pop()
        out = []
        for _, conds in stack:
            out += conds
        return out

    def implied(self, name, _seen=None):
        """Every symbol NAME transitively requires (conjunctive 'depends on')."""
        name = name[7:] if name.startswith("CONFIG_") else name
        seen = _seen if _seen is not None else set()
        sym = self.symbol(name)
        if sym is None:
            return seen
        for dep in sym.required():
            if dep not in seen:
                seen.add(dep)
                self.implied(dep, seen)
        return seen

    def selectors(self, name):
        """Symbols that 'select NAME' (unconditionally or not)."""
        name = name[7:] if name.startswith("CONFIG_") else name
        hits = self.tree.grep_lines(rf"^\s*select\s+{name}\b", ["*Kconfig*"])
        out = []
        for f, lines in hits.items():
            text = (self.tree.read(f) or "").splitlines()
            for lineno, _ in lines:
                # Walk back to the config entry this select belongs to.
                for j in range(lineno - 1, -1, -1):
                    m = re.match(r"(menu)?config\s+(\w+)", text[j])
                    if m:
                        out.append(m.group(2))
                        break
        return _dedup(out)


def simplify(atoms, kconfig):
    """Drop atoms implied by others (A is dropped when some B depends on A).

    Keeps the order of first appearance of the atoms that remain.
    """
    atoms = _dedup(atoms)
    implied = {a: {"CONFIG_" + s for s in kconfig.implied(a)} for a in atoms}
    out = []
    for a in atoms:
        if any(a in implied[b] for b in atoms if b != a):
            continue
        out.append(a)
    return out


def format_guard(atoms):
    """('#ifdef CONFIG_X', '#endif /* CONFIG_X */') for a conjunction."""
    if len(atoms) == 1:
        return f"#ifdef {atoms[0]}", f"#endif /* {atoms[0]} */"
    expr = " && ".join(f"defined({a})" for a in atoms)
    return f"#if {expr}", f"#endif /* {expr} */"


# -- build configurations ---------------------------------------------------

def read_config(path):
    """{'CONFIG_X': 'y'|'m'|value} from a .config file."""
    return parse_config(Path(path).read_text())


def parse_config(text):
    """{'CONFIG_X': 'y'|'m'|value} from the text of a .config or auto.conf."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"(CONFIG_\w+)=(.*)", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def settable_selectors(kconfig, name, srcarch=None):
    """The options that select NAME, less those a configuration of
    arch/SRCARCH cannot set because they are defined for other
    architectures only (all of them without SRCARCH)."""
    return [s for s in kconfig.selectors(name)
            if not srcarch or srcarch in (kconfig.arch_dirs(s) or {srcarch})]


def derive_config(kdir, build_dir, base_target, want, kconfig, disable=(),
                  log=None, make_args=(), rounds=6, modules=(), until_met=False,
                  srcarch=None):
    """Make BUILD_DIR/.config: BASE_TARGET plus every option in WANT set to y.

    Options that cannot be set directly get their conjunctive dependencies
    enabled, or one of the options that select them.  DISABLE lists options
    that must end up off.  MODULES lists tristate options that must end up
    =m (WANT must then include MODULES); where one of them is also the
    dependency or selector another option needs, it is set =m all the same,
    which satisfies a 'depends on' or 'select' as well.  Returns (config
    dict, list of options that could not be set); the caller decides
    whether that is fatal.

    UNTIL_MET stops as soon as every option of WANT, MODULES and DISABLE
    is as asked, even when a helper tried on the way is not: such a helper
    is one that cannot be set on this architecture (MEMORY_BALLOON's first
    selector is powerpc's CMM, and 6.1's ZSMALLOC's a zswap choice entry),
    and chasing it costs every remaining round (a make olddefconfig each)
    without changing the configuration.

    SRCARCH (the directory under arch/ being built) leaves out the
    selectors defined for other architectures only: trying one costs two
    rounds that cannot set it (VIRTIO's first selectors are s390's and
    um's, which took powerpc five rounds to get past).
    """
    build_dir = Path(build_dir)
    build_dir.mkdir(parents=True, exist_ok=True)
    cfg = build_dir / ".config"

    def make(*targets):
        cmd = ["make", "-s", "-C", str(kdir), f"O={build_dir}", *make_args, *targets]
        res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True)
        if log is not None:
            log.write(res.stdout)
        if res.returncode != 0:
            raise RuntimeError(f"make {' '.join(targets)} failed:\n{res.stdout[-2000:]}")

    def setopt(lines, name, value):
        key = name if name.startswith("CONFIG_") else "CONFIG_" + name
        lines = [l for l in lines if not (l.startswith(key + "=")
                                          or l == f"# {key} is not set")]
        lines.append(f"{key}={value}" if value != "n" else f"# {key} is not set")
        return lines

    make(base_target)
    full = lambda n: n if n.startswith("CONFIG_") else "CONFIG_" + n  # noqa: E731
    modules = _dedup([full(m) for m in modules])
    want = _dedup([full(w) for w in want if full(w) not in modules]) + modules
    disable = [full(d) for d in disable]

    def value(name):
        return "m" if full(name) in modules else "y"

    extra = []          # helpers we enabled on the way
    attempts = {}       # option -> the selectors/prompt conditions tried for it
    for round_no in range(rounds):
        have = read_config(cfg)
        lines = cfg.read_text().splitlines()
        missing = [w for w in want + extra if have.get(w) != value(w)]
        wrong = [d for d in disable if have.get(d) not in (None, "n")]
        if not missing and not wrong:
            break
        if until_met and not wrong and all(have.get(w) == value(w) for w in want):
            break
        for w in missing:
            lines = setopt(lines, w, value(w))
            sym = kconfig.symbol(w)
            if sym is None:
                continue
            for dep in sym.required():
                if have.get("CONFIG_" + dep) != value(dep) and "CONFIG_" + dep not in disable:
                    extra.append("CONFIG_" + dep)
                    lines = setopt(lines, dep, value(dep))
            # Still off after a round: a 'depends on A || B' with neither
            # set (v6.1's ZRAM needs one of five compressors) gets its
            # first alternative.  Not in the first round, where another
            # wanted option may still bring one in.
            if round_no > 0:
                for alt in unmet_alternatives(sym, have, disable):
                    extra.append("CONFIG_" + alt)
                    lines = setopt(lines, alt, value(alt))
            # An option without a usable prompt is only set by a 'select';
            # turn on the first selector we can.
            if not sym.has_prompt or sym.prompt_if:
                for cond in sym.prompt_if:
                    for c in re.findall(r"[A-Z0-9_]{2,}", cond):
                        if have.get("CONFIG_" + c) == "y":
                            break
                    else:
                        continue
                    break
                else:
                    # The first selector first; when two rounds end with W
                    # still off (that selector has a dependency we cannot
                    # meet), the next selector, then what makes W's prompt
                    # visible.
                    cands = [(sel,) for sel in settable_selectors(kconfig, w, srcarch)]
                    cands += [tuple(conjuncts(cond)) for cond in sym.prompt_if]
                    done = attempts.setdefault(w, [])
                    for cand in cands if round_no >= 2 * len(done) else ():
                        if (cand and cand not in done
                                and not any("CONFIG_" + c in disable for c in cand)):
                            done.append(cand)
                            for c in cand:
                                extra.append("CONFIG_" + c)
                                lines = setopt(lines, c, value(c))
                            break
        for d in disable:
            lines = setopt(lines, d, "n")
        extra = _dedup(extra)
        cfg.write_text("\n".join(lines) + "\n")
        # kconfig writes auto.conf (and autoconf.h, the option files) only
        # where there is none, except in syncconfig: without this, the
        # first build of the derived .config runs syncconfig to replace
        # <defconfig>'s (a kconfig run, with its compiler probes), and a
        # copy of the directory inherits the stale files.
        (build_dir / "include" / "config" / "auto.conf").unlink(missing_ok=True)
        make("olddefconfig")
    have = read_config(cfg)
    failed = [w for w in want if have.get(w) != value(w)]
    failed += [d for d in disable if have.get(d) not in (None, "n")]
    return have, failed
