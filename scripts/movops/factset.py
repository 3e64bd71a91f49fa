# SPDX-License-Identifier: GPL-2.0
"""The facts of cocci/analysis/movable-ops-facts.cocci, typed.

facts.collect() returns the facts as spatch printed them (one JSON object a
line, 'kind' naming the rule) together with what 'spatch --parse-ch' could
not parse (kind 'unparsed', parsefail.py).  FactSet.parse() reads that list
once into the dataclasses below, one tuple per kind in the order collect()
sorted them, and indexes the calls and function definitions the passes
(movops.passes) look things up in.  A kind or a field this module does not
know is an error, not a fact silently dropped: the rule file and this
module change together.
"""
import re
from dataclasses import dataclass, field, fields

from . import facts as F


@dataclass(frozen=True)
class Fact:
    """Where spatch matched: FILE:LINE, column COL, in function FN (the
    top-level element's name; '' outside a function)."""
    file: str
    line: int
    col: int = 0
    fn: str = ""


@dataclass(frozen=True)
class Mark(Fact):
    """__SetPageMovable(PAGE, OPS)."""
    page: str = ""
    ops: str = ""


@dataclass(frozen=True)
class Mark1(Fact):
    """__SetPageMovable(PAGE): a tree whose marks lost their ops argument."""
    page: str = ""


@dataclass(frozen=True)
class Unmark(Fact):
    """__ClearPageMovable(PAGE)."""
    page: str = ""


@dataclass(frozen=True)
class OpsParam(Fact):
    """Function FUNC has a movable_operations parameter PARAM at INDEX."""
    func: str = ""
    param: str = ""
    index: int = 0


@dataclass(frozen=True)
class OpsParamCall(Fact):
    """FUNC passes its ops parameter PARAM to CALLEE as argument INDEX."""
    func: str = ""
    param: str = ""
    callee: str = ""
    index: int = 0


@dataclass(frozen=True)
class OpsParamUse(Fact):
    """A use of FUNC's ops parameter PARAM."""
    func: str = ""
    param: str = ""


@dataclass(frozen=True)
class VarAddr(Fact):
    """VAR = &OBJ, an ops object's address in a local variable."""
    var: str = ""
    obj: str = ""


@dataclass(frozen=True)
class OpsDef(Fact):
    """The definition of movable_operations OBJ, with its CALLBACKS
    ({member: function})."""
    obj: str = ""
    callbacks: dict = field(default_factory=dict)


@dataclass(frozen=True)
class OpsObj(Fact):
    """An ops object OBJ named by a definition, a declaration or an
    export (the kinds opsdef_static, opsdecl, opsdecl_static,
    opsdecl_extern, export)."""
    obj: str = ""


@dataclass(frozen=True)
class InitCall(Fact):
    """MACRO(FUNC): module_init(), module_exit(), an initcall level."""
    macro: str = ""
    func: str = ""


@dataclass(frozen=True)
class TypeOp(Fact):
    """A page-type setter or clearer FUNC applied to PAGE."""
    func: str = ""
    page: str = ""


@dataclass(frozen=True)
class Call(Fact):
    """A call FUNC(ARGS) (ARGS as spatch printed them)."""
    func: str = ""
    args: str = ""


@dataclass(frozen=True)
class Return(Fact):
    """'return EXPR;'."""
    expr: str = ""


@dataclass(frozen=True)
class AssignCall(Fact):
    """LHS = FUNC(...), an assignment or an initialised local."""
    func: str = ""
    lhs: str = ""


@dataclass(frozen=True)
class FnDef(Fact):
    """The definition of FUNC with its parameter list PARAMS."""
    func: str = ""
    params: str = ""


@dataclass(frozen=True)
class Decoding(Fact):
    """A definition of the pointer decoding FUNC (page_movable_ops,
    folio_movable_ops)."""
    func: str = ""


@dataclass(frozen=True)
class DecodingCall(Fact):
    """A call of the pointer decoding FUNC on ARG."""
    func: str = ""
    arg: str = ""


@dataclass(frozen=True)
class DispatchBranch(Fact):
    """A static dispatch's branch 'if (TEST(page)) return &OPS;'."""
    test: str = ""
    ops: str = ""


@dataclass(frozen=True)
class DispatchRegistered(Fact):
    """A dispatch's branch returning a registered pointer VAR for TEST."""
    test: str = ""
    var: str = ""


@dataclass(frozen=True)
class Unparsed(Fact):
    """Lines LINE..LAST of FILE that spatch could not parse, in FUNCTIONS
    (parsefail.py): what the other facts cannot have seen."""
    last: int = 0
    functions: tuple = ()


# kind -> (FactSet attribute, class)
KINDS = {
    "mark": ("marks", Mark), "mark1": ("marks1", Mark1), "unmark": ("unmarks", Unmark),
    "opsparam": ("opsparams", OpsParam), "opsparam_call": ("opsparam_calls", OpsParamCall),
    "opsparam_use": ("opsparam_uses", OpsParamUse), "var_addr": ("var_addrs", VarAddr),
    "opsdef": ("opsdefs", OpsDef), "opsdef_static": ("opsdefs_static", OpsObj),
    "opsdecl": ("opsdecls", OpsObj), "opsdecl_static": ("opsdecls_static", OpsObj),
    "opsdecl_extern": ("opsdecls_extern", OpsObj), "export": ("exports", OpsObj),
    "initcall": ("initcalls", InitCall), "typeop": ("typeops", TypeOp),
    "call": ("calls", Call), "return": ("returns", Return),
    "assign_call": ("assign_calls", AssignCall), "fndef": ("fndefs", FnDef),
    "decoding": ("decodings", Decoding), "decoding_call": ("decoding_calls", DecodingCall),
    "dispatch_branch": ("dispatch_branches", DispatchBranch),
    "dispatch_registered": ("dispatch_registered", DispatchRegistered),
    "unparsed": ("unparsed", Unparsed),
}


class FactError(ValueError):
    """A fact the rule file printed that this module cannot read."""


def fact(d):
    """One fact dict (as collect() returns it) as its dataclass."""
    kind = d.get("kind")
    if kind not in KINDS:
        raise FactError(f"unknown fact kind {kind!r}: {d}")
    cls = KINDS[kind][1]
    known = {f.name for f in fields(cls)}
    extra = set(d) - known - {"kind"}
    if extra:
        raise FactError(f"fact {kind} has fields {sorted(extra)} that {cls.__name__} lacks")
    kw = {k: v for k, v in d.items() if k != "kind"}
    if "functions" in kw:
        kw["functions"] = tuple(kw["functions"])
    return cls(**kw)


@dataclass
class FactSet:
    """Every fact of a tree, by kind, in collect()'s order."""
    marks: tuple = ()
    marks1: tuple = ()
    unmarks: tuple = ()
    opsparams: tuple = ()
    opsparam_calls: tuple = ()
    opsparam_uses: tuple = ()
    var_addrs: tuple = ()
    opsdefs: tuple = ()
    opsdefs_static: tuple = ()
    opsdecls: tuple = ()
    opsdecls_static: tuple = ()
    opsdecls_extern: tuple = ()
    exports: tuple = ()
    initcalls: tuple = ()
    typeops: tuple = ()
    calls: tuple = ()
    returns: tuple = ()
    assign_calls: tuple = ()
    fndefs: tuple = ()
    decodings: tuple = ()
    decoding_calls: tuple = ()
    dispatch_branches: tuple = ()
    dispatch_registered: tuple = ()
    unparsed: tuple = ()

    def __post_init__(self):
        self.fndef = {}             # (file, name) -> the first FnDef
        for f in self.fndefs:
            self.fndef.setdefault((f.file, f.func), f)
        self._calls_in, self._calls_of = {}, {}
        for c in self.calls:
            self._calls_in.setdefault((c.file, c.fn), []).append(c)
            self._calls_of.setdefault(c.func, []).append(c)
        # Locals initialised from a call, e.g. 'struct page *page =
        # zpdesc_page(zpdesc)': (file, fn, name) -> the AssignCall.
        self.aliases = {}
        for a in self.assign_calls:
            self.aliases.setdefault((a.file, a.fn, F.norm(a.lhs)), a)

    @classmethod
    def parse(cls, facts_list):
        """FACTS_LIST (dicts, facts.collect()) as a FactSet."""
        by = {attr: [] for attr, _ in KINDS.values()}
        for d in facts_list:
            f = fact(d)
            by[KINDS[d["kind"]][0]].append(f)
        return cls(**{k: tuple(v) for k, v in by.items()})

    # -- queries -------------------------------------------------------------
    def params_of(self, file, fn):
        d = self.fndef.get((file, fn))
        return F.param_names(d.params) if d else []

    def calls_in(self, file, fn):
        return self._calls_in.get((file, fn), [])

    def calls_of(self, name, files=None):
        return [c for c in self._calls_of.get(name, [])
                if files is None or c.file in files]

    def param_index(self, file, fn, page):
        """Index of the parameter PAGE denotes in FN: the parameter itself, or
        a local initialised from a call on it ('page = zpdesc_page(zpdesc)')."""
        params = self.params_of(file, fn)
        if page in params:
            return params.index(page)
        # A conversion of a parameter: zpdesc_page(zpdesc), &folio->page.
        m = re.fullmatch(r"\w+\((\w+)\)|&(\w+)->\w+", page or "")
        if m and (m.group(1) or m.group(2)) in params:
            return params.index(m.group(1) or m.group(2))
        a = self.aliases.get((file, fn, page))
        if a is not None:
            for c in self.calls_in(file, fn):
                if c.line == a.line and c.func == a.func:
                    args = F.split_args(c.args)
                    if len(args) == 1 and args[0] in params:
                        return params.index(args[0])
        return None

    def wrappers(self, base_names, files):
        """Functions in FILES that apply one of BASE_NAMES to a parameter.

        Returns {name: param index}, transitively (a wrapper of a wrapper).
        """
        found = {n: 0 for n in base_names}
        changed = True
        while changed:
            changed = False
            for (file, fn), d in self.fndef.items():
                if file not in files or fn in found:
                    continue
                params = F.param_names(d.params)
                for c in self.calls_in(file, fn):
                    if c.func not in found:
                        continue
                    args = F.split_args(c.args)
                    idx = found[c.func]
                    if idx >= len(args):
                        continue
                    used = [i for i, p in enumerate(params)
                            if re.search(rf"\b{re.escape(p)}\b", args[idx])]
                    alias = self.param_index(file, fn, args[idx])
                    if not used and alias is not None:
                        used = [alias]
                    if used:
                        found[fn] = used[0]
                        changed = True
                        break
        return found


def page_arg(call, idx=0):
    """Argument IDX of CALL (a Call), normalised, or None."""
    args = F.split_args(call.args)
    return args[idx] if idx < len(args) else None
