# SPDX-License-Identifier: GPL-2.0
"""Check "configspace": in every configuration Kconfig allows of the options
that decide it, every movable_ops user whose ops object is built reaches
the dispatch, and nothing names an object that is not built.

A build proves one configuration; this check proves all of them, from the
tree's own text.  For one commit:

  facts()       what the tree says: each ops object (file, line, the cpp
                condition around it, the obj- options that build its file),
                the dispatch's branches (condition, page test, what they
                return), set_movable_ops()'s table, declaration, stub and
                export, the registration calls, and the callers of the
                dispatch outside its file;
  model()       the options those facts name, with their Kconfig
                dependencies (conjunctive 'depends on' closed
                transitively, MODULES where some is tristate), and for each
                its type, 'depends on' and 'select' as Kconfig expressions;
  assignments() every assignment of n/m/y (tristate) or n/y (bool) Kconfig
                allows: a value never above its dependencies (a bool with a
                dependency of m may be y), never below what a selecting
                option forces, m only with MODULES=y.  Symbols outside the
                model may take any value, so the set is a superset of the
                real one: a pass covers every configuration, a failure may
                name one Kconfig would refuse (the details say which
                options it sets, to check);
  judge()       the problems of one assignment.

An ops object is reached when the dispatch is built (its host built in)
and either a compiled branch returns it, or a compiled registration
set_movable_ops(&ops, TYPE) in its file calls the real function (not the
stub; exported when the caller is a module) and the dispatch returns the
pointer registered for TYPE under that type's page test.  A tree with the
pointer decoding (before the series) reaches every user by construction.

Everything here is a pure function of texts and the Kconfig symbols read
from the tree; the runner only calls it per commit.
"""
import itertools
import re
from dataclasses import dataclass, field

from movops import kbuild
from movops import kexpr as K

VERSION = 1
DISPATCH = "page_movable_ops"
REGISTER = "set_movable_ops"
HEADER = "include/linux/migrate.h"


@dataclass
class Site:
    """A line of code and what decides whether it is built."""
    file: str
    line: int
    cond: tuple                     # kexpr cpp AST
    obj: list                       # obj- options of the file's object ([] for headers)

    def where(self):
        return f"{self.file}:{self.line}"


@dataclass
class Branch:
    site: Site
    test: str                       # PageZsmalloc
    returns: str                    # '&zsmalloc_mops' or 'zsmalloc_movable_ops'


@dataclass
class Registration:
    site: Site
    ops: str
    const: str


@dataclass
class Facts:
    version: int = VERSION
    decoding: bool = False          # the pointer decoding: every user reached
    users: list = field(default_factory=list)          # [(name, Site)]
    host: str = ""
    host_obj: list = field(default_factory=list)
    branches: list = field(default_factory=list)       # [Branch]
    table: dict = field(default_factory=dict)          # const -> pointer
    const_test: dict = field(default_factory=dict)     # const -> PageX
    decl: tuple = None              # cpp condition of the real prototype
    export: tuple = None            # cpp condition of the export in the host
    registrations: list = field(default_factory=list)  # [Registration]
    callers: list = field(default_factory=list)        # [Site] outside the host
    unreadable: list = field(default_factory=list)     # what could not be modelled


def _obj(tree, path, notes):
    if not path.endswith(".c"):
        return []
    try:
        return kbuild.obj_atoms(tree, path)
    except kbuild.NotDerivable as e:
        notes.append(f"{path}: {e}")
        return None


def _site(tree, path, line, text, notes, obj_cache):
    try:
        cond = K.cpp_nest(text, line)
    except K.Unreadable as e:
        notes.append(f"{path}:{line}: {e}")
        return None
    if path not in obj_cache:
        obj_cache[path] = _obj(tree, path, notes)
    if obj_cache[path] is None:
        return None
    return Site(path, line, cond, obj_cache[path])


def _page_types(tree):
    """{constant: page test} from PAGE_TYPE_OPS() in page-flags.h."""
    text = tree.read("include/linux/page-flags.h") or ""
    out = {}
    for m in re.finditer(r"^PAGE_TYPE_OPS\((\w+),\s*(\w+)", text, re.M):
        out[f"PGTY_{m.group(2)}"] = f"Page{m.group(1)}"
        out[f"PG_{m.group(2)}"] = f"Page{m.group(1)}"
    return out


DECODING_RE = re.compile(r"\(\(unsigned long\)\s*\w+->mapping\s*-\s*PAGE_MAPPING_MOVABLE\)")


def facts(tree, files):
    """The Facts of TREE (a movops.tree.Tree at one commit), read from
    FILES: those that name the movable_ops API (verify's API files at that
    commit) and the migrate.h header."""
    f = Facts()
    notes = f.unreadable
    cache = {}
    texts = tree.read_many(sorted(set(files) | {HEADER}))
    for path in sorted(texts):
        text = texts[path] or ""
        if DECODING_RE.search(text):
            f.decoding = True
        for n, line in enumerate(text.split("\n"), 1):
            if not re.search(r"movable_operations|movable_ops\b", line):
                continue
            m = re.search(r"\bconst struct movable_operations\s+(\w+)\s*=\s*\{", line)
            if m and path.endswith(".c"):
                s = _site(tree, path, n, text, notes, cache)
                if s:
                    f.users.append((m.group(1), s))
            m = re.match(rf"^(static\s+)?const struct movable_operations \*{DISPATCH}\("
                         r"struct page \*page\)\s*$", line)
            if m and path.endswith(".c"):
                f.host = path
                f.host_obj = _obj(tree, path, notes) or []
                _dispatch(f, tree, path, n, text, notes, cache)
            m = re.search(rf"\b{REGISTER}\(\s*&(\w+)\s*,\s*(\w+)\s*\)", line)
            if m:
                s = _site(tree, path, n, text, notes, cache)
                if s:
                    f.registrations.append(Registration(s, m.group(1), m.group(2)))
            if re.match(rf"^int {REGISTER}\(", line) and path == HEADER:
                f.decl = K.cpp_nest(text, n)
            if re.match(rf"^\s*EXPORT_SYMBOL(_GPL)?\({REGISTER}\);", line):
                f.export = K.cpp_nest(text, n)
            if (re.search(rf"\b{DISPATCH}\(", line) and path.endswith(".c")
                    and not re.search(rf"\*{DISPATCH}\(struct page", line)):
                s = _site(tree, path, n, text, notes, cache)
                if s:
                    f.callers.append(s)
    if f.host:
        f.callers = [c for c in f.callers if c.file != f.host]
        ht = texts.get(f.host) or ""
        f.table = _table(ht)
    f.const_test = _page_types(tree)
    return f


def _dispatch(f, tree, path, n, text, notes, cache):
    """The branches of the dispatch defined at line N of PATH."""
    lines = text.split("\n")
    test = None
    for i in range(n, len(lines)):
        line = lines[i]
        if line.startswith("}"):
            break
        m = re.match(r"\s*if \((Page\w+)\(page\)\)", line)
        if m:
            test = m.group(1)
            continue
        m = re.match(r"\s*return ([&\w]+);", line)
        if m and m.group(1) != "NULL":
            s = _site(tree, path, i + 1, text, notes, cache)
            if s:
                f.branches.append(Branch(s, test or "", m.group(1)))
            test = None


def _table(text):
    """{constant: pointer} of set_movable_ops()'s switch."""
    out = {}
    m = re.search(rf"\n(?:int|static int) {REGISTER}\([^)]*\)\n\{{(.*?)\n\}}", text, re.S)
    if not m:
        return out
    const = None
    for line in m.group(1).split("\n"):
        c = re.match(r"\s*case (\w+):", line)
        if c:
            const = c.group(1)
            continue
        a = re.match(r"\s*(?:slot = &(\w+)|(\w+) = ops);", line)
        if a and const:
            out[const] = a.group(1) or a.group(2)
            const = None
    return out


# -- the model of the configuration space --------------------------------------

@dataclass
class Sym:
    name: str                       # without CONFIG_
    type: str                       # bool, tristate ('' when not in Kconfig)
    depends: list                   # kexpr Kconfig ASTs (conjunction)
    selected_by: list               # [(selector, condition AST or None)]
    where: str = ""


def symbols_of(f):
    """The CONFIG_ options the facts name."""
    names = set(f.host_obj)
    sites = [s for _, s in f.users] + [b.site for b in f.branches] + \
        [r.site for r in f.registrations] + f.callers
    for s in sites:
        names |= set(s.obj) | K.cpp_symbols(s.cond)
    for c in (f.decl, f.export):
        if c is not None:
            names |= K.cpp_symbols(c)
    return {n[len("CONFIG_"):] for n in names if n.startswith("CONFIG_")}


def model(f, kconfig, extra=()):
    """{name: Sym} of the options that decide the facts, closed under
    conjunctive dependencies; MODULES added where some option is
    tristate."""
    todo = sorted(symbols_of(f) | set(extra))
    syms = {}
    while todo:
        name = todo.pop()
        if name in syms:
            continue
        s = kconfig.symbol(name)
        if s is None:
            syms[name] = Sym(name, "", [], [])
            continue
        deps = []
        for d in s.depends + s.enclosing:
            try:
                deps.append(K.parse_kconfig(d))
            except K.Unreadable:
                pass            # any value: a superset of the real space
        syms[name] = Sym(name, s.type, deps, [], f"{s.file}:{s.line}")
        todo += [r for r in s.required() if r not in syms]
    if any(s.type == "tristate" for s in syms.values()) and "MODULES" not in syms:
        s = kconfig.symbol("MODULES")
        syms["MODULES"] = Sym("MODULES", s.type if s else "bool", [], [],
                              f"{s.file}:{s.line}" if s else "")
    for name in sorted(syms):
        s = kconfig.symbol(name)
        for target, cond in (s.selects if s else []):
            if target in syms:
                try:
                    c = K.parse_kconfig(cond) if cond else None
                except K.Unreadable:
                    continue    # a select we cannot read forces nothing
                syms[target].selected_by.append((name, c))
    return syms


def _domain(s):
    if s.type == "tristate":
        return (K.N, K.M, K.Y)
    if s.type == "bool":
        return (K.N, K.Y)
    # Not in Kconfig: never set.  (int/string options do not guard code.)
    return (K.N,)


def valid(syms, v):
    """Does Kconfig allow the assignment V ({name: value})?"""
    if v.get("MODULES", K.N) != K.Y and any(x == K.M for x in v.values()):
        return False
    for name, s in syms.items():
        val = v[name]
        for d in s.depends:
            hi = K.eval_kconfig(d, v)[1]
            if s.type == "bool" and hi == K.M:
                hi = K.Y
            if val > hi:
                return False
        for sel, cond in s.selected_by:
            low = v[sel] if cond is None else min(v[sel], K.eval_kconfig(cond, v)[0])
            if s.type == "bool" and low == K.M:
                low = K.Y
            if val < low:
                return False
    return True


def assignments(syms):
    """Every assignment Kconfig allows (as far as the model sees), in a
    fixed order."""
    names = sorted(syms)
    for vals in itertools.product(*(_domain(syms[n]) for n in names)):
        v = dict(zip(names, vals))
        if valid(syms, v):
            yield v


# -- judging one assignment -------------------------------------------------------

@dataclass
class Problem:
    kind: str                       # lost | link | modpost | stub
    user: str
    text: str


def _state(site, cv):
    """0 not built, 1 in a module, 2 built in (the obj- options' minimum)."""
    return min([cv.get(a, K.N) for a in site.obj] or [K.Y])


def compiled(site, cv):
    st = _state(site, cv)
    return st != K.N and K.eval_cpp(site.cond, cv, module=st == K.M)


def judge(f, v):
    """[Problem] of assignment V ({name: value}, names without CONFIG_)."""
    cv = {"CONFIG_" + k: x for k, x in v.items()}
    if f.decoding:
        return []
    out = []
    host_in = bool(f.host) and min([cv.get(a, K.N) for a in f.host_obj] or [K.Y]) == K.Y
    live = [b for b in f.branches if host_in and compiled(b.site, cv)]
    real = host_in and f.decl is not None and K.eval_cpp(f.decl, cv)
    exported = host_in and f.export is not None and K.eval_cpp(f.export, cv)
    objects = {name: s for name, s in f.users}
    for name, s in f.users:
        if not compiled(s, cv) or not host_in:
            continue
        st = _state(s, cv)
        if any(b.returns == "&" + name for b in live):
            continue
        regs = [r for r in f.registrations if r.ops == name and compiled(r.site, cv)]
        ok = False
        for r in regs:
            ptr = f.table.get(r.const)
            test = f.const_test.get(r.const)
            if (real and (st == K.Y or exported) and ptr
                    and any(b.returns == ptr and b.test == test for b in live)):
                ok = True
        if ok:
            continue
        where = "as a module" if st == K.M else "into the kernel"
        if not regs:
            why = ("no branch of the dispatch names it and it registers nothing"
                   if f.branches or f.table else "the dispatch does not name it")
        elif not real:
            why = f"its {REGISTER}() call reaches the stub"
        elif st == K.M and not exported:
            why = f"{REGISTER}() is not exported to its module"
        else:
            why = "the dispatch returns no pointer registered for its page type"
        out.append(Problem("lost", name, f"{name} ({s.where()}) is built {where}, but {why}: "
                                         "its pages get no movable_ops"))
    for b in live:
        if b.returns.startswith("&"):
            name = b.returns[1:]
            s = objects.get(name)
            if s is None or not compiled(s, cv) or _state(s, cv) != K.Y:
                what = ("not built" if s is None or not compiled(s, cv)
                        else "built as a module")
                out.append(Problem("link", name, f"the dispatch ({b.site.where()}) names "
                                                 f"{name}, which is {what}: the kernel does "
                                                 "not link"))
    for r in f.registrations:
        if compiled(r.site, cv) and _state(r.site, cv) == K.M and real and not exported:
            out.append(Problem("modpost", r.ops, f"{r.site.where()} calls {REGISTER}() from a "
                                                 "module, and it is not exported"))
    for c in f.callers:
        if compiled(c, cv) and not host_in:
            out.append(Problem("link", "", f"{c.where()} calls {DISPATCH}(), and {f.host} "
                                           "is not built: the kernel does not link"))
    return out


# -- the proof -------------------------------------------------------------------

@dataclass
class Verdict:
    ok: bool
    valid: int                      # assignments Kconfig allows
    options: list                   # the options enumerated
    failing: list                   # [(assignment, [Problem])]
    groups: list                    # [(key text, count, first assignment, first problem)]
    notes: list
    decoding: bool = False

    def summary(self):
        n = len(self.options)
        if self.decoding:
            return (f"pointer decoding: every marked page carries its ops "
                    f"({self.valid} assignments of {n} options)")
        if self.ok:
            return (f"{self.valid} of {self.valid} valid assignments of {n} options: every "
                    "built user reached, nothing unbuilt named")
        key, count, _, _ = self.groups[0]
        return (f"{len(self.failing)} of {self.valid} valid assignments fail; "
                f"{key} ({count})")


def show(v, only=None):
    names = sorted(only if only is not None else v)
    return " ".join(f"CONFIG_{k}={K.NAMES[v[k]]}" for k in names)


def prove(f, syms):
    """The Verdict of facts F over the model SYMS."""
    count, failing = 0, []
    for v in assignments(syms):
        count += 1
        probs = judge(f, v)
        if probs:
            failing.append((v, probs))
    groups = {}
    users = dict(f.users)
    for v, probs in failing:
        for p in probs:
            # Name a failure by what decides it: the state of the user's
            # object (CONFIG_ZSMALLOC=m) where it is a lost user.
            s = users.get(p.user)
            if p.kind == "lost" and s is not None and s.obj:
                key = " ".join(f"{a}={K.NAMES[v[a[7:]]]}" for a in s.obj
                               if a[7:] in v) + f": {p.user} lost"
            else:
                key = f"{p.kind}: {p.user or 'dispatch'}"
            g = groups.setdefault(key, [0, v, p])
            g[0] += 1
    ordered = sorted(((k, g[0], g[1], g[2]) for k, g in groups.items()),
                     key=lambda x: (-x[1], x[0]))
    return Verdict(ok=not failing, valid=count, options=sorted(syms), failing=failing,
                   groups=ordered, notes=list(f.unreadable), decoding=f.decoding)


def agreement(f, syms, values, preprocessed):
    """Does a real build agree with the proof?  VALUES: the configuration's
    {'CONFIG_X': 'y'|'m'}; PREPROCESSED: {path of a .c file: its .i text}
    for the host and the users' files that the configuration builds.
    Returns (ok, [lines])."""
    v = {}
    for name, s in syms.items():
        x = values.get("CONFIG_" + name)
        v[name] = K.Y if x == "y" else K.M if x == "m" else K.N
    out = []
    ok = True
    if not valid(syms, v):
        ok = False
        out.append("the configuration is not among the assignments the model allows "
                   f"({show(v)}): the model is wrong")
    predicted = {p.user for p in judge(f, v) if p.kind == "lost"}
    cv = {"CONFIG_" + k: x for k, x in v.items()}
    host_i = preprocessed.get(f.host)
    for name, s in f.users:
        if not compiled(s, cv):
            continue
        text = preprocessed.get(s.file)
        if text is None or host_i is None:
            out.append(f"{name}: no preprocessed {s.file if text is None else f.host} "
                       "to compare with")
            ok = False
            continue
        body = _preprocessed_dispatch(host_i)
        static = re.search(rf"return\s*&\s*{re.escape(name)}\s*;", body) is not None
        reg = re.search(rf"\b{REGISTER}\s*\(\s*&\s*{re.escape(name)}\s*,", text) is not None
        seen_reached = static or (reg and bool(f.table))
        said = name not in predicted
        if seen_reached != said:
            ok = False
        out.append(f"{name}: proof says {'reached' if said else 'lost'}; the preprocessed "
                   f"code has {'a branch returning it' if static else 'no branch for it'}"
                   f"{' and its registration' if reg else ', no registration'}"
                   + ("" if seen_reached == said else " - they disagree"))
    return ok, out


def _preprocessed_dispatch(text):
    m = re.search(rf"\*\s*{DISPATCH}\s*\(\s*struct page \*page\s*\)\s*\{{(.*?)\n\}}", text, re.S)
    return m.group(1) if m else ""


def verdict_json(v):
    """The Verdict as stored and reported (the failing assignments as
    counts and the first of each group)."""
    return {"version": VERSION, "ok": v.ok, "valid": v.valid, "options": v.options,
            "failing": len(v.failing), "decoding": v.decoding, "summary": v.summary(),
            "groups": [{"key": k, "count": n, "first": show(a), "problem": p.text}
                       for k, n, a, p in v.groups],
            "notes": v.notes}
