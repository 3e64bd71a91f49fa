# SPDX-License-Identifier: GPL-2.0
"""The plan: what the analysis (analysis.py) finds in a tree, as types.

The analysis builds one Plan; the driver writes it as JSON
('apply-series.sh --analyze --json FILE', MOVOPS_PLAN for the steps) and
every consumer, the steps' SmPL included, reads it back through these
types.  A field with a default may be absent from the JSON; every other
one is required.  PLAN_VERSION changes whenever a field changes meaning
or disappears, so that a stale file is refused instead of misread; the
docs/plan.md documents the JSON.
"""
import dataclasses
import json
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Optional

PLAN_VERSION = 1
REGENERATE = "regenerate it with 'scripts/apply-series.sh --analyze --json FILE'"

# The enumerated fields: a value outside its list is refused, not misread.
STATES = ("unconverted", "converted", "no-users")
DISPATCH_MODES = ("auto", "static")
# What the analysis can find wrong with a tree, most fundamental first (the
# report's order): what spatch could not see undermines every other fact.
BLOCKER_KINDS = ("unparsed", "unseen", "invariant", "no-movable-operations",
                 "no-page-type", "mark-type-disagree", "shared-type", "unresolved-ops",
                 "ops-not-found", "guard-not-derivable", "no-header", "no-shared-header",
                 "no-dispatch-host", "host-not-built", "no-type-key",
                 "no-registration-decl", "no-init-path", "init-cannot-unwind")


class PlanError(ValueError):
    """A plan that this code cannot read; the message is one line."""


# -- the tree -----------------------------------------------------------------
@dataclass
class TreeInfo:
    path: str
    rev: Optional[str]
    commit: Optional[str]
    version: str


# -- users --------------------------------------------------------------------
@dataclass
class Site:
    file: str
    line: int


@dataclass
class Defined:
    """Where an ops object is defined; static: it has internal linkage."""
    file: str
    line: int
    static: bool


@dataclass
class Mark:
    """A place that marks a page movable with the user's ops; via: the
    forwarding helpers it goes through."""
    file: str
    line: int
    fn: str
    page: Optional[str]
    via: list[str]


@dataclass
class Guard:
    """The options under which an ops object exists: raw as found, atoms
    simplified, open/close the preprocessor lines of the dispatch branch,
    in_file the ones of its own file."""
    raw: list[str]
    atoms: list[str]
    open: Optional[str]
    close: Optional[str]
    in_file: list[str]


@dataclass
class Module:
    """Why an object can be built as a module."""
    option: str
    kconfig: Optional[str]
    why: str


@dataclass
class Evidence:
    """How the page type of the page marked at MARK was established."""
    mark: str
    fn: str
    types: list[str]
    how: Optional[str]


@dataclass
class TypeOp:
    """A call that sets or clears a page type (op 'set' or 'clear')."""
    op: Literal["set", "clear"]
    type: str
    file: str
    fn: str
    line: int
    func: str
    page: Optional[str]


@dataclass
class User:
    """One movable_operations object and everything the series needs of it."""
    ops: str
    name: Optional[str]
    defined: Optional[Defined]
    callbacks: dict[str, str]
    forward_decls: list[Site]
    extern_decls: list[Site]
    exports: list[Site]
    marks: list[Mark]
    guard: Optional[Guard] = None
    header: Optional[str] = None
    page_type: Optional[str] = None
    type_test: Optional[str] = None
    evidence: list[Evidence] = field(default_factory=list)
    remark: bool = False
    from_dispatch: Optional[Site] = None
    files: list[str] = field(default_factory=list)
    drop_export: bool = False
    export_still_needed_by: list[str] = field(default_factory=list)
    module: Optional[Module] = None
    header_has_extern: bool = False
    include: Optional[str] = None
    type_ops: list[TypeOp] = field(default_factory=list)
    agreement: list[str] = field(default_factory=list)
    type_also_set_in: list[str] = field(default_factory=list)


@dataclass
class Helper:
    """A function that only forwards its ops parameter (number INDEX)."""
    file: str
    line: int
    param: str
    index: int


# -- the pointer decoding and the dispatch ------------------------------------
@dataclass
class DecodingDef:
    func: str
    file: str
    line: int


@dataclass
class DecodingCall:
    func: str
    file: str
    line: int
    fn: str


@dataclass
class Decoding:
    defs: list[DecodingDef]
    callers: list[DecodingCall]


@dataclass
class Branch:
    """One branch of the dispatch; existing: where a dispatch in the tree
    has it already, var: the registered pointer it returns."""
    ops: Optional[str]
    test: str
    open: Optional[str]
    close: Optional[str]
    remark: Optional[str]
    include: Optional[str]
    var: Optional[str] = None
    existing: Optional[str] = None


@dataclass
class Dispatch:
    host: Optional[str]
    static: bool
    decl_header: Optional[str]
    sanity: Optional[str]
    branches: list[Branch]
    includes: list[str]
    caller_files: list[str]


# -- the registration step ----------------------------------------------------
@dataclass
class Lost:
    ops: str
    config: str
    text: str


@dataclass
class Placement:
    """How a module_init() function registers and gives its ops up again,
    decided from its text (initpath.decide()): VAR gets set_movable_ops()'s
    result (DECLARE: the step declares it), first, BEFORE the function's
    first other effect (None: it has none); LABELS are the error labels
    whose path unregisters, RETURNS the failure returns (file:line) that
    unregister first; TEXT says it in the report."""
    var: str
    declare: bool
    before: Optional[str]
    labels: list[str]
    returns: list[str]
    text: str


@dataclass
class Init:
    """Where a user registers: kind 'module_init' (PLACEMENT says where in
    the function), or 'initcall' (a new function FUNC at LEVEL)."""
    kind: Literal["module_init", "initcall"]
    func: str
    where: str
    level: Optional[str] = None
    placement: Optional[Placement] = None


@dataclass
class Exit:
    func: str
    where: str


@dataclass
class Entry:
    """One user the registration step converts."""
    ops: str
    type: str
    test: str
    const: str
    var: str
    file: str
    def_line: int
    guard: list[str]
    module: Optional[Module]
    remark: Optional[str]
    init: Init
    exit: Optional[Exit]
    restore_static: bool
    drop_extern: list[str]
    stays_visible: str


@dataclass
class Key:
    """How set_movable_ops() names a page type."""
    type: str
    where: str


@dataclass
class Decl:
    """The #ifdef/#else/#endif block that declares set_movable_ops()."""
    header: str
    option: str
    ifdef_line: int
    else_line: int
    endif_line: int


@dataclass
class ModuleNote:
    ops: str
    why: str


@dataclass
class Registration:
    mode: Literal[DISPATCH_MODES]
    needed: bool
    applies: bool = False
    decisions: list[str] = field(default_factory=list)
    lost: list[Lost] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    drop_includes: list[str] = field(default_factory=list)
    key: Optional[Key] = None
    decl: Optional[Decl] = None
    reason: str = ""
    modules: list[ModuleNote] = field(default_factory=list)


@dataclass
class Unregistration:
    file: str
    line: int
    fn: str


@dataclass
class Registered:
    """A set_movable_ops(&ops, TYPE) call already in the tree."""
    ops: str
    type: str
    file: str
    line: int
    fn: str
    test: Optional[str]
    defined: Optional[str]
    unregistered: list[Unregistration] = field(default_factory=list)
    module: Optional[Module] = None


# -- upstream ------------------------------------------------------------------
@dataclass
class UpstreamState:
    """One upstream commit of the rework (movops.upstream) in this tree:
    status 'present', 'backported' (by this series), 'not needed' or
    'missing' (movops.presence), the evidence read from the tree
    (file:line, or a file), how it shows, and what git says where the
    repository holds the commit."""
    key: str
    commit: Optional[str]
    subject: str
    status: str
    evidence: Optional[str]
    how: str
    history: Optional[str] = None


# -- verdicts -----------------------------------------------------------------
@dataclass
class FlagStep:
    applies: bool
    reason: str


@dataclass
class Blocker:
    """One reason the rework would be wrong on this tree."""
    kind: Literal[BLOCKER_KINDS]
    file: str
    line: Optional[int]
    user: Optional[str]
    problem: str
    why: str
    fix: str

    def where(self):
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass
class ParseFailure:
    """Lines FIRST..LAST of FILE that spatch could not parse (and skipped),
    overlapping the function definitions FUNCTIONS (parsefail.py)."""
    file: str
    first: int
    last: int
    functions: list[str]


@dataclass
class Warning:
    file: str
    line: int
    warning: str


@dataclass
class Plan:
    tree: TreeInfo
    state: Literal[STATES]
    page_types: list[str]
    users: list[User]
    helpers: dict[str, Helper]
    decoding: Decoding
    dispatch: Dispatch
    registration: Registration
    registered: list[Registered]
    flag_step: FlagStep
    blockers: list[Blocker]
    warnings: list[Warning]
    adaptations: list[str]
    files: list[str] = field(default_factory=list)
    adaptation_steps: dict[str, str] = field(default_factory=dict)
    prereqs: list[str] = field(default_factory=list)
    upstream: list[UpstreamState] = field(default_factory=list)
    parse_failures: list[ParseFailure] = field(default_factory=list)
    version: int = PLAN_VERSION

    def user(self, ops):
        return next((u for u in self.users if u.ops == ops), None)

    def to_dict(self):
        d = dataclasses.asdict(self)
        # The version first: a reader of the file sees it before the rest.
        return {"version": d.pop("version"), **d}

    def to_json(self):
        return json.dumps(self.to_dict(), indent=1)

    @classmethod
    def from_dict(cls, data, source="plan"):
        if not isinstance(data, dict):
            raise PlanError(f"{source}: not a JSON object; {REGENERATE}")
        v = data.get("version")
        if "version" not in data:
            raise PlanError(f"{source}: no version; this movops reads plan version "
                            f"{PLAN_VERSION}; {REGENERATE}")
        if type(v) is not int:
            raise PlanError(f"{source}: version: expected a number, got "
                            f"{_json_type(v)} {json.dumps(v)[:20]}; this movops reads plan "
                            f"version {PLAN_VERSION}; {REGENERATE}")
        if v != PLAN_VERSION:
            raise PlanError(f"{source}: version {v}, this movops reads plan version "
                            f"{PLAN_VERSION}; {REGENERATE}")
        return _load(cls, data, source, "")

    @classmethod
    def load(cls, path, source=None):
        """The plan in the file PATH; PlanError (one line, naming SOURCE,
        default PATH) for a file that is missing, empty, not text, not
        JSON or not a plan this code reads."""
        source = source or str(path)
        try:
            raw = Path(path).read_bytes()
        except FileNotFoundError:
            raise PlanError(f"{source}: no such file; {REGENERATE}") from None
        except IsADirectoryError:
            raise PlanError(f"{source}: a directory, not a plan file; {REGENERATE}") from None
        except OSError as e:
            raise PlanError(f"{source}: cannot be read ({e.strerror}); {REGENERATE}") from None
        if not raw.strip():
            raise PlanError(f"{source}: empty; {REGENERATE}")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise PlanError(f"{source}: not text (byte {e.start} is not UTF-8); "
                            f"{REGENERATE}") from None
        return cls.from_json(text, source)

    @classmethod
    def from_json(cls, text, source="plan"):
        try:
            data = json.loads(text)
        except ValueError as e:
            raise PlanError(f"{source}: not JSON ({e}); {REGENERATE}") from None
        return cls.from_dict(data, source)


_hints = {}


def _fields(cls):
    if cls not in _hints:
        hints = typing.get_type_hints(cls)
        _hints[cls] = [(f, hints[f.name]) for f in dataclasses.fields(cls)]
    return _hints[cls]


def _bad(source, where, what):
    return PlanError(f"{source}: {where or 'the top level'}: {what}; {REGENERATE}")


def _json_type(value):
    return {bool: "boolean", int: "number", float: "number", str: "string",
            list: "list", dict: "object", type(None): "null"}.get(type(value), "value")


def _load(tp, value, source, where):
    """VALUE (parsed JSON) as type TP, or PlanError naming the field."""
    origin = typing.get_origin(tp)
    if origin is Literal:
        allowed = typing.get_args(tp)
        if value not in allowed or type(value) is not type(allowed[0]):
            raise _bad(source, where, f"{json.dumps(value)[:40]} is not one of "
                                      + ", ".join(allowed))
        return value
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _load(args[0], value, source, where)
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise _bad(source, where, f"expected an object ({tp.__name__}), "
                                      f"got {type(value).__name__}")
        known = set()
        kwargs = {}
        for f, ftp in _fields(tp):
            known.add(f.name)
            sub = f"{where}.{f.name}" if where else f.name
            if f.name in value:
                kwargs[f.name] = _load(ftp, value[f.name], source, sub)
            elif (f.default is dataclasses.MISSING
                  and f.default_factory is dataclasses.MISSING):
                raise _bad(source, sub, "missing (a required field)")
        extra = sorted(set(value) - known)
        if extra:
            raise _bad(source, f"{where}.{extra[0]}" if where else extra[0],
                       f"unknown field of {tp.__name__}")
        return tp(**kwargs)
    if origin is list:
        if not isinstance(value, list):
            raise _bad(source, where, f"expected a list, got {type(value).__name__}")
        (item,) = typing.get_args(tp)
        return [_load(item, x, source, f"{where}[{i}]") for i, x in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise _bad(source, where, f"expected an object, got {type(value).__name__}")
        _, item = typing.get_args(tp)
        return {k: _load(item, x, source, f"{where}[{k!r}]") for k, x in value.items()}
    # bool is an int to Python, not to the plan.
    if tp is int and (isinstance(value, bool) or not isinstance(value, int)) \
            or not isinstance(value, tp):
        raise _bad(source, where, f"expected {tp.__name__}, got {type(value).__name__} "
                                  f"{json.dumps(value)[:40]}")
    return value
