# SPDX-License-Identifier: GPL-2.0
"""Can the movable_ops rework be applied to a tree, and how?

analyze(tree) establishes, from Coccinelle facts (facts.py) and from Kbuild
and Kconfig (kbuild.py):

  - the users: each movable_operations object passed to __SetPageMovable(),
    where it is defined and under which guard, every place its pages are
    marked movable and through which helpers;
  - the page type that identifies each user's pages, and whether the type
    and the movable mark agree (set before the mark, cleared together with
    it or when the page is freed);
  - the callers of the pointer decoding, hence where the dispatch must live;
  - what the steps of the series need: helpers that only forward an ops
    pointer, exports no module needs any more, includes, declarations.

Every fact that would make the rework wrong becomes a blocker with a file
and line, the reason and what would resolve it.  Ordering within a function
("the type is set before the mark") is judged by source position, which is
exact for the straight-line code these helpers are made of; the report says
so next to each judgement.
"""
import re
from pathlib import Path

from core.errors import CommandError

from . import facts as F
from . import initpath, invariants, kbuild
from . import plan as P
from .tree import git

# The kernel's page-release and page-allocation API.  Wrappers around them
# in a user's files are found from the facts.
RELEASE_FUNCS = {"put_page", "folio_put", "__folio_put", "__free_page",
                 "__free_pages", "free_pages", "free_page", "free_unref_page"}
ALLOC_RE = re.compile(r"^(alloc_pages?|alloc_pages_node|__alloc_pages(_node)?|"
                      r"folio_alloc|__folio_alloc(_node)?|alloc_page_vma|"
                      r"alloc_pages_exact_nid|__alloc_pages_node)(_noprof)?$")

# What resolves the blocker of a user the kernel's history already knows.
# Only the advice comes from here; whether a user is blocked is derived.
KNOWN_USER_FIXES = {
    "z3fold_mops": ("z3fold was deprecated in v6.12 and removed upstream in "
                    "v6.15; '--prereq drop-z3fold' removes it from this tree "
                    "the same way"),
    "zsmalloc_mops": ("upstream gave zsmalloc pages their own page type "
                      "(PageZsmalloc, commit 'mm/zsmalloc: use a proper page "
                      "type', v6.10); '--prereq zsmalloc-page-type' does the "
                      "same in the older scheme of v6.1 (types as cleared bits "
                      "under PAGE_TYPE_BASE 0xf0000000)"),
}

DISPATCH_NAME = "page_movable_ops"

# Most fundamental first (plan.BLOCKER_KINDS): a user without a page type
# cannot be dispatched at all, whatever else is true of it.
BLOCKER_ORDER = list(P.BLOCKER_KINDS)

# How the dispatch finds a user's ops: 'auto' registers them where some
# user can be built as a module (the static dispatch cannot name it) and
# names them statically otherwise; 'static' always names them (the
# dispatch of upstream's commit 84caf98838a3, which loses modular users).
DISPATCH_MODES = P.DISPATCH_MODES
REGISTER_FUNC = "set_movable_ops"


def Blocker(kind, file, line, problem, why, fix, user=None):
    """One reason the rework would be wrong on this tree (a plan.Blocker)."""
    return P.Blocker(kind=kind, file=file, line=line, user=user, problem=problem,
                     why=why, fix=fix)


def _def_file(u):
    """The file that defines U's ops, for ordering ('~' sorts last)."""
    return u.defined.file if u.defined else "~"


def _by(facts, kind):
    return [f for f in facts if f["kind"] == kind]


def page_types(tree):
    """Page types of the tree, from PAGE_TYPE_OPS() in page-flags.h."""
    text = tree.read("include/linux/page-flags.h") or ""
    types = {}
    for m in re.finditer(r"^PAGE_TYPE_OPS\((\w+),\s*(\w+)(?:,\s*(\w+))?\)", text, re.M):
        uname, lname, fname = m.group(1), m.group(2), m.group(3) or m.group(2)
        types[uname] = {
            "name": uname, "lname": lname, "test": f"Page{uname}",
            "setters": {f"__SetPage{uname}", f"__folio_set_{fname}"},
            "clearers": {f"__ClearPage{uname}", f"__folio_clear_{fname}"},
        }
    return types


# One pass of git grep over the tree answers every textual question the
# analysis asks: which files matter, where page types are set, where pages
# are un-marked.
PREFETCH_RE = (F.CANDIDATE_RE + r"|__SetPage[A-Z]\w*\s*\(|__folio_set_\w+\s*\(")
# Strings every PREFETCH_RE match contains, searched as fixed strings: the
# words of CANDIDATE_RE ('__SetPage' covers __SetPageMovable) and the
# prefixes of the other alternatives.
PREFETCH_WORDS = [w for w in F.CANDIDATE_RE.split("|") if not w.startswith("__SetPage")] \
    + ["__SetPage", "__folio_set_"]
assert all(re.fullmatch(r"\w+", w) for w in PREFETCH_WORDS), PREFETCH_WORDS


class Analysis:
    def __init__(self, tree, facts_list, lines=None, dispatch_mode="auto"):
        self.tree = tree
        self.dispatch_mode = dispatch_mode
        self.facts = facts_list
        self.lines = lines if lines is not None else tree.grep_lines(
            PREFETCH_RE, F.CODE_PATHSPECS, fixed=PREFETCH_WORDS)
        self.kconfig = kbuild.Kconfig(tree)
        self.types = page_types(tree)
        self.blockers = []
        self.warnings = []
        self.history = None         # the static dispatch's commit (_dispatch_history)
        self.pre_v6 = False         # __SetPageMovable() takes an address_space
        self.adaptations = []
        self.adaptation_steps = {}  # adaptation -> the step (cocci/ name) it shapes
        self.helpers = {}           # name -> plan.Helper (_forwarding_helpers)
        self.ops_refs = {}          # file -> [(line, text)] naming an ops object (_exports)
        self.helper_refs = set()    # files calling a forwarding helper (_exports)
        self.fndefs = {}            # (file, name) -> fndef fact
        for f in _by(facts_list, "fndef"):
            self.fndefs.setdefault((f["file"], f["func"]), f)
        self.calls = _by(facts_list, "call")
        self._calls_in = {}
        self._calls_of = {}
        for c in self.calls:
            self._calls_in.setdefault((c["file"], c["fn"]), []).append(c)
            self._calls_of.setdefault(c["func"], []).append(c)
        # Locals initialised from a call, e.g. 'struct page *page =
        # zpdesc_page(zpdesc)': (file, fn, name) -> the call's argument text.
        self.aliases = {}
        for a in _by(facts_list, "assign_call"):
            self.aliases.setdefault((a["file"], a["fn"], F.norm(a["lhs"])), a)

    def _adapt(self, step, text):
        """Record how the series adapts to this tree, and which step of
        cocci/ (by name) the adaptation shapes: the stable form lists it
        under the upstream commit of that step (movops.stable)."""
        self.adaptations.append(text)
        self.adaptation_steps[text] = step

    def files_matching(self, pattern):
        rx = re.compile(pattern)
        return sorted(f for f, ls in self.lines.items() if any(rx.search(t) for _, t in ls))

    # -- helpers over facts --------------------------------------------------
    def params_of(self, file, fn):
        d = self.fndefs.get((file, fn))
        return F.param_names(d["params"]) if d else []

    def calls_in(self, file, fn):
        return self._calls_in.get((file, fn), [])

    def calls_of(self, name, files=None):
        return [c for c in self._calls_of.get(name, [])
                if files is None or c["file"] in files]

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
                if c["line"] == a["line"] and c["func"] == a["func"]:
                    args = F.split_args(c["args"])
                    if len(args) == 1 and args[0] in params:
                        return params.index(args[0])
        return None

    def _wrappers(self, base_names, files):
        """Functions in FILES that apply one of BASE_NAMES to a parameter.

        Returns {name: param index}, transitively (a wrapper of a wrapper).
        """
        found = {n: 0 for n in base_names}
        changed = True
        while changed:
            changed = False
            for (file, fn), d in self.fndefs.items():
                if file not in files or fn in found:
                    continue
                params = F.param_names(d["params"])
                for c in self.calls_in(file, fn):
                    if c["func"] not in found:
                        continue
                    args = F.split_args(c["args"])
                    idx = found[c["func"]]
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

    def _page_arg(self, call, idx=0):
        args = F.split_args(call["args"])
        return args[idx] if idx < len(args) else None

    # -- the analysis ----------------------------------------------------------
    def run(self):
        marks = _by(self.facts, "mark")
        marks1 = _by(self.facts, "mark1")
        decodings = _by(self.facts, "decoding")
        self.helpers = self._forwarding_helpers()
        self.pre_v6 = self._before_movable_operations(marks)
        if self.pre_v6:
            # Nothing below applies: the marks pass address spaces.
            marks = []
        users = self._users(marks)
        if not users and not decodings:
            # Converted by a static dispatch (the series' dispatch step, or
            # upstream's 84caf98838a3): its branches name the users.
            users = self._users_from_dispatch()
        self._exports(users)
        for u in users.values():
            self._guard(u)
            self._header(u)
        self._types({k: u for k, u in users.items() if not u.from_dispatch})
        registered = self._registered()
        dispatch = self._dispatch(users, decodings, registered)
        registration = self._registration(users, dispatch, registered)
        state = self._state(marks, marks1, decodings, dispatch, registered)
        flag = self._flag_step()
        return P.Plan(
            tree=P.TreeInfo(path=str(self.tree.path), rev=self.tree.rev,
                            commit=self.tree.commit, version=self.tree.version()),
            state=state,
            page_types=sorted(self.types),
            users=[users[k] for k in sorted(users, key=lambda k: _def_file(users[k]) + k)],
            helpers=self.helpers,
            decoding=P.Decoding(
                defs=[P.DecodingDef(func=d["func"], file=d["file"], line=d["line"])
                      for d in decodings],
                callers=[P.DecodingCall(func=c["func"], file=c["file"], line=c["line"],
                                        fn=c["fn"])
                         for c in _by(self.facts, "decoding_call")]),
            dispatch=dispatch,
            registration=registration,
            registered=registered,
            flag_step=flag,
            blockers=sort_blockers(self.blockers),
            warnings=self.warnings,
            adaptations=self.adaptations,
            adaptation_steps=self.adaptation_steps)

    def _forwarding_helpers(self):
        """Functions whose ops parameter is only passed on to
        __SetPageMovable() or to another such function, transitively."""
        params = {}
        for f in _by(self.facts, "opsparam"):
            if f["func"] == "__SetPageMovable":
                continue
            params[(f["file"], f["func"])] = f
        known = {"__SetPageMovable": 1}
        helpers = {}
        changed = True
        while changed:
            changed = False
            for (file, fn), p in params.items():
                if fn in helpers:
                    continue
                uses = [u for u in _by(self.facts, "opsparam_use")
                        if u["file"] == file and u["func"] == fn]
                fwd = [c for c in _by(self.facts, "opsparam_call")
                       if c["file"] == file and c["func"] == fn
                       and c["callee"] in known and c["index"] == known[c["callee"]]]
                if uses and len(fwd) == len(uses):
                    helpers[fn] = P.Helper(file=file, line=p["line"], param=p["param"],
                                           index=p["index"])
                    known[fn] = p["index"]
                    changed = True
        return helpers

    def _resolve_ops(self, file, fn, expr, seen=()):
        """Ops objects an ops argument EXPR can denote: ({names}, [problems])."""
        e = F.norm(expr)
        m = re.fullmatch(r"&(\w+)", e)
        if m:
            return {m.group(1)}, []
        if not re.fullmatch(r"\w+", e):
            return set(), [f"'{expr}' is not '&object' or a variable"]
        # A forwarding helper's parameter: resolved at the helper's callers.
        h = self.helpers.get(fn)
        if h and h.param == e and (file, fn) not in seen:
            objs, probs = set(), []
            callers = self.calls_of(fn)
            if not callers:
                probs.append(f"helper {fn}() has no caller in the files analysed")
            for c in callers:
                arg = self._page_arg(c, h.index)
                o, p = self._resolve_ops(c["file"], c["fn"], arg or "", seen + ((file, fn),))
                objs |= o
                probs += p
            return objs, probs
        # A local variable: every '&X' assigned to it in the function.
        vals = {f["obj"] for f in _by(self.facts, "var_addr")
                if f["file"] == file and f["fn"] == fn and f["var"] == e}
        if len(vals) == 1:
            return vals, []
        if len(vals) > 1:
            return set(), [f"variable '{e}' in {fn}() holds several ops objects: "
                           + ", ".join(sorted(vals))]
        return set(), [f"cannot tell which movable_operations '{e}' in {fn}() points to"]

    def _users(self, marks):
        users = {}
        opsdefs = {d["obj"]: d for d in _by(self.facts, "opsdef")}
        static_defs = {d["obj"] for d in _by(self.facts, "opsdef_static")}
        for m in marks:
            if m["fn"] in self.helpers:
                # A mark inside a forwarding helper happens where the helper
                # is called; those calls are added below.
                continue
            via = []
            objs, probs = self._resolve_ops(m["file"], m["fn"], m["ops"])
            for p in probs:
                self.blockers.append(Blocker(
                    "unresolved-ops", m["file"], m["line"],
                    f"__SetPageMovable({m['page']}, {m['ops']}) in {m['fn']}(): {p}",
                    "the static dispatch must name every ops object a page can be "
                    "marked with; an ops pointer that cannot be traced to an object "
                    "would be lost",
                    "pass '&the_ops_object' (or a local variable assigned only from it)"))
            for o in sorted(objs):
                u = users.setdefault(o, self._new_user(o, opsdefs.get(o), o in static_defs))
                u.marks.append(P.Mark(file=m["file"], line=m["line"], fn=m["fn"],
                                      page=F.norm(m["page"]), via=via))
        # Where helpers are called with an object: those are marking sites too.
        for name, h in self.helpers.items():
            for c in self.calls_of(name):
                arg = self._page_arg(c, h.index)
                objs, _ = self._resolve_ops(c["file"], c["fn"], arg or "")
                for o in objs:
                    if o not in users:
                        users[o] = self._new_user(o, opsdefs.get(o), o in static_defs)
                    users[o].marks.append(P.Mark(
                        file=c["file"], line=c["line"], fn=c["fn"],
                        page=self._page_arg(c, 0), via=[name]))
        for u in users.values():
            uniq = {(k.file, k.line): k for k in u.marks}
            u.marks = [uniq[key] for key in sorted(uniq)]
            u.files = sorted({k.file for k in u.marks}
                             | ({u.defined.file} if u.defined else set()))
            if u.defined is None:
                self.blockers.append(Blocker(
                    "ops-not-found", u.marks[0].file, u.marks[0].line,
                    f"no definition of {u.ops} among the files that use it",
                    "the dispatch must reference the object, and its guard comes from "
                    "where it is defined",
                    f"make sure {u.ops} is defined as 'const struct movable_operations' "
                    "in a file of this tree", u.ops))
        return users

    def _users_from_dispatch(self):
        """The users a static dispatch in the tree names ('if
        (PageZsmalloc(page)) return &zsmalloc_mops;'), with the page type of
        each branch: what the registration step needs when it runs after
        the dispatch step, on its own or on a tree converted before it
        existed.  {} unless every branch names a page type and an ops
        object defined in the tree."""
        branches = sorted(_by(self.facts, "dispatch_branch"),
                          key=lambda f: (f["file"], f["line"]))
        opsdefs = {d["obj"]: d for d in _by(self.facts, "opsdef")}
        static_defs = {d["obj"] for d in _by(self.facts, "opsdef_static")}
        by_test = {t["test"]: name for name, t in self.types.items()}
        users = {}
        for b in branches:
            d, t = opsdefs.get(b["ops"]), by_test.get(b["test"])
            if d is None or t is None or b["ops"] in users:
                return {}
            u = self._new_user(b["ops"], d, b["ops"] in static_defs)
            u.page_type, u.type_test = t, b["test"]
            u.files = [d["file"]]
            u.from_dispatch = P.Site(file=b["file"], line=b["line"])
            # The branch's comment, as the dispatch step writes it.
            lines = (self.tree.read(b["file"]) or "").splitlines()
            nxt = lines[b["line"]].strip() if b["line"] < len(lines) else ""
            u.remark = nxt.startswith("/*")
            users[b["ops"]] = u
        return users

    def _existing_sanity(self, host):
        """The VM_BUG/VM_WARN check that opens the dispatch in HOST."""
        lines = (self.tree.read(host) or "").splitlines()
        for i, line in enumerate(lines):
            if re.match(rf"(static )?const struct movable_operations \*{DISPATCH_NAME}\(",
                        line) and i + 2 < len(lines) and lines[i + 1] == "{":
                first = lines[i + 2].strip()
                return first if re.match(r"VM_(BUG|WARN)\w*\(", first) else None
        return None

    def _dispatch_history(self, host, users):
        """What the commit that brought the static dispatch into HOST did to
        make the users' ops visible there, from git history: {'commit',
        'includes': added to HOST, 'unstatic': ops that lost 'static',
        'externs': {ops: header it was declared in}}.  That commit adds the
        branches ('return &ops;') to HOST, which it does not create, and
        removes the pointer decoding ('->mapping - PAGE_MAPPING_MOVABLE').
        None when the tree's history has no such commit (the step then
        leaves the visibility and the #include lines as they are)."""
        if not users or not self.tree.is_git():
            return None
        rev = self.tree.commit or "HEAD"     # a working tree: its history
        names = "|".join(re.escape(o) for o in sorted(users))
        env = getattr(self.tree, "env", None)
        try:
            shas = git(self.tree.path, "log", "-n20", "--format=%H", "-G",
                       rf"return &({names});", rev, "--", host, env=env).split()
        except CommandError:
            return None
        for sha in shas:
            try:
                diff = git(self.tree.path, "show", "--format=", "--unified=0",
                           "--no-renames", sha, env=env)
            except CommandError:
                return None
            out = self._dispatch_commit(sha, diff, host, users)
            if out:
                return out
        return None

    @staticmethod
    def _dispatch_commit(sha, diff, host, users):
        out = {"commit": sha, "includes": [], "unstatic": set(), "externs": {}}
        returns, cur, decoding, created = set(), None, False, False
        for line in diff.splitlines():
            m = re.match(r"diff --git a/\S+ b/(\S+)", line)
            if m:
                cur = m.group(1)
                continue
            if cur == host and line == "--- /dev/null":
                created = True
            if line.startswith(("+++", "---")):
                continue
            if re.match(r"-.*->mapping\s*-\s*PAGE_MAPPING_MOVABLE\b", line):
                decoding = True
            if cur == host:
                m = re.match(r"\+#\s*include\s*(<[^>]+>|\"[^\"]+\")", line)
                if m:
                    out["includes"].append(m.group(1))
                m = re.match(r"\+\s*return &(\w+);", line)
                if m:
                    returns.add(m.group(1))
            m = re.match(r"-static const struct movable_operations (\w+)\s*=", line)
            if m:
                out["unstatic"].add(m.group(1))
            m = re.match(r"\+extern const struct movable_operations (\w+);", line)
            if m:
                out["externs"][m.group(1)] = cur
        if created or not decoding or not set(users) <= returns:
            return None
        return out

    def _new_user(self, obj, d, static):
        decls = _by(self.facts, "opsdecl_static")
        externs = _by(self.facts, "opsdecl_extern")
        return P.User(
            ops=obj,
            name=None,
            defined=P.Defined(file=d["file"], line=d["line"], static=static) if d else None,
            callbacks=d["callbacks"] if d else {},
            forward_decls=[P.Site(file=x["file"], line=x["line"]) for x in decls
                           if x["obj"] == obj],
            extern_decls=[P.Site(file=x["file"], line=x["line"]) for x in externs
                          if x["obj"] == obj],
            exports=[P.Site(file=x["file"], line=x["line"])
                     for x in _by(self.facts, "export") if x["obj"] == obj],
            marks=[])

    def _exports(self, users):
        """Mark exports that no module needs once ops stop being passed."""
        names = sorted(users) + sorted(self.helpers)
        if names:
            # One pass over the tree for the ops objects and the forwarding
            # helpers (whose callers the steps must read too): each git grep
            # of a kernel tree costs most of a second.
            pat = r"\b(" + "|".join(re.escape(o) for o in names) + r")\b"
            hits = self.tree.grep_lines(pat, F.CODE_PATHSPECS)
            ops_rx = re.compile(r"\b(" + "|".join(re.escape(o) for o in sorted(users)) + r")\b") \
                if users else None
            call_rx = re.compile(r"\b(" + "|".join(re.escape(h) for h in sorted(self.helpers))
                                 + r")\s*\(") if self.helpers else None
            for f, ls in hits.items():
                mine = [(n, t) for n, t in ls if ops_rx and ops_rx.search(t)]
                if mine:
                    self.ops_refs[f] = mine
                if call_rx and any(call_rx.search(t) for _, t in ls):
                    self.helper_refs.add(f)
        for o, u in users.items():
            u.drop_export = False
            if not u.exports or not u.defined:
                continue
            refs = {f: [(n, t) for n, t in ls if re.search(rf"\b{re.escape(o)}\b", t)]
                    for f, ls in self.ops_refs.items()}
            mark_lines = {(k.file, k.line) for k in u.marks}
            extern_lines = {(x.file, x.line) for x in u.extern_decls}
            remaining = []
            for file, lines in refs.items():
                if file == u.defined.file or not self._module_capable(file):
                    continue
                for line, text in lines:
                    if (file, line) in mark_lines or (file, line) in extern_lines:
                        continue
                    if re.match(r"\s*(\*|/\*|//)", text):
                        continue
                    remaining.append(f"{file}:{line}")
            u.export_still_needed_by = remaining
            u.drop_export = not remaining

    def _module_capable(self, file):
        """Can code in FILE end up in a module (and so need an export)?

        A .c file built only under bool options is built in; headers and
        files we cannot place are assumed to reach modules."""
        if not file.endswith(".c"):
            return True
        try:
            atoms = kbuild.obj_atoms(self.tree, file)
        except kbuild.NotDerivable:
            return True
        for a in atoms:
            sym = self.kconfig.symbol(a)
            if sym is None or sym.type != "bool":
                return True
        return False

    def _guard(self, u):
        if not u.defined:
            return
        f, line = u.defined.file, u.defined.line
        text = self.tree.read(f) or ""
        try:
            raw = kbuild.obj_atoms(self.tree, f) + kbuild.guard_atoms(text, line)
        except kbuild.NotDerivable as e:
            self.blockers.append(Blocker(
                "guard-not-derivable", f, line,
                f"cannot derive the option that makes {u.ops} exist: {e}",
                "each branch of the dispatch must be compiled exactly when its ops "
                "object exists, or the kernel fails to link or loses a user",
                "put the definition under #ifdef/#if defined() of options only, in a "
                "file built by an obj-$(CONFIG_...) line", u.ops))
            return
        atoms = kbuild.simplify(raw, self.kconfig)
        opening, closing = kbuild.format_guard(atoms) if atoms else (None, None)
        u.guard = P.Guard(raw=raw, atoms=atoms, open=opening, close=closing,
                          in_file=kbuild.guard_atoms(text, line))
        u.name = Path(f).stem.replace("_", " ")
        u.module = self._module_evidence(f)

    def _module_evidence(self, file):
        """Why FILE's object can be built as a module (a plan.Module), or
        None when it is always built in."""
        try:
            atoms = kbuild.obj_atoms(self.tree, file)
        except kbuild.NotDerivable:
            return None
        for a in atoms:
            sym = self.kconfig.symbol(a)
            if sym is not None and sym.type != "tristate":
                continue
            obj = kbuild.obj_line(self.tree, file)
            built = f"{obj} builds {file} under it" if obj else f"{file} is built under it"
            if sym is None:
                return P.Module(option=a, kconfig=None,
                                why=f"{a} has no Kconfig entry in this tree, so it may be "
                                    f"tristate; {built}")
            return P.Module(option=a, kconfig=f"{sym.file}:{sym.line}",
                            why=f"{a} is tristate, {sym.file}:{sym.line}; {built}")
        return None

    def _header(self, u):
        if not u.defined:
            return
        f = u.defined.file
        stem = Path(f).stem
        text = self.tree.read(f) or ""
        cand = f"include/linux/{stem}.h"
        header = None
        if self.tree.exists(cand) and re.search(rf"#\s*include\s*<linux/{stem}\.h>", text):
            header = cand
        elif u.extern_decls:
            header = u.extern_decls[0].file
        if header is None:
            self.blockers.append(Blocker(
                "no-header", f, u.defined.line,
                f"no header to declare {u.ops} in: neither include/linux/{stem}.h "
                f"(included by {f}) nor an existing extern declaration",
                "the dispatch lives in another file and must see the object",
                f"add an 'extern const struct movable_operations {u.ops};' to the "
                f"header of {f}", u.ops))
            return
        u.header = header
        u.header_has_extern = any(x.file == header for x in u.extern_decls)
        if header.startswith("include/"):
            u.include = "<" + header[len("include/"):] + ">"
        else:
            u.include = f'"{Path(header).name}"'

    # -- page types --------------------------------------------------------------
    def _type_ops(self, files):
        """Setter/clearer calls (wrappers resolved) in FILES: [plan.TypeOp]."""
        setters = {}
        clearers = {}
        for t in self.types.values():
            for s in t["setters"]:
                setters[s] = t["name"]
            for c in t["clearers"]:
                clearers[c] = t["name"]
        wrap_set = self._wrappers(list(setters), files)
        wrap_clear = self._wrappers(list(clearers), files)
        # A wrapper maps to the type of what it wraps.
        def type_of(name, base, wrappers):
            if name in base:
                return base[name]
            # find the wrapped call inside the wrapper
            for (file, fn) in self.fndefs:
                if fn != name:
                    continue
                for c in self.calls_in(file, fn):
                    if c["func"] in wrappers and c["func"] != name:
                        return type_of(c["func"], base, wrappers)
            return None
        out = []
        for c in self.calls:
            if c["file"] not in files:
                continue
            if c["func"] in wrap_set:
                t = type_of(c["func"], setters, wrap_set)
                if t:
                    out.append(P.TypeOp(op="set", type=t, file=c["file"], fn=c["fn"],
                                        line=c["line"], func=c["func"],
                                        page=self._page_arg(c, wrap_set[c["func"]])))
            elif c["func"] in wrap_clear:
                t = type_of(c["func"], clearers, wrap_clear)
                if t:
                    out.append(P.TypeOp(op="clear", type=t, file=c["file"], fn=c["fn"],
                                        line=c["line"], func=c["func"],
                                        page=self._page_arg(c, wrap_clear[c["func"]])))
        return out

    def _types(self, users):
        by_type = {}
        for u in users.values():
            if not u.defined:
                continue
            files = set(u.files)
            if u.header:
                files.add(u.header)
            # Files whose functions are called with the user's pages: the
            # helpers' files (zpdesc.h for zsmalloc in mainline).
            for k in u.marks:
                for h in k.via:
                    if h in self.helpers:
                        files.add(self.helpers[h].file)
            files |= {f for f in {c["file"] for c in self.calls}
                      if Path(f).parent == Path(u.defined.file).parent
                      and Path(f).suffix == ".h"
                      and any(Path(f).name in (self.tree.read(x) or "")
                              for x in u.files)}
            u.files = sorted(files)
            tops = self._type_ops(files)
            u.type_ops = tops
            self._identify(u, tops, files)
            if u.page_type:
                by_type.setdefault(u.page_type, []).append(u)
                self._agreement(u, tops, files)
        for t, us in by_type.items():
            if len(us) > 1:
                names = ", ".join(x.ops for x in us)
                for x in us[1:]:
                    self.blockers.append(Blocker(
                        "shared-type", x.defined.file, x.defined.line,
                        f"page type {t} identifies more than one user: {names}",
                        "the dispatch decides by page type alone; two users of one type "
                        "cannot be told apart",
                        "give each user its own page type", x.ops))
        # The remark on a branch: the type is also set outside the user.
        for t, us in by_type.items():
            u = us[0]
            setters = self.types[t]["setters"]
            pat = r"\b(" + "|".join(re.escape(s) for s in sorted(setters)) + r")\s*\("
            hits = self.files_matching(pat)
            others = [h for h in hits if h not in u.files
                      and h != "include/linux/page-flags.h"]
            u.type_also_set_in = others
            u.remark = bool(others)

    def _allocations_typed(self, u, tops, files):
        """Does the user type every page it allocates, right after?

        Returns (typed, evidence) where typed is a set of type names that
        every allocation site is followed by, or None when the user
        allocates no pages itself.
        """
        alloc_names = {c["func"] for c in self.calls if ALLOC_RE.match(c["func"])}
        # Allocation wrappers: functions in the user's files that return a
        # page they allocate ('page = alloc_pages(..); return f(page);' or
        # 'return alloc_pages(..);').
        wrappers = set()
        returns = {}
        for r in _by(self.facts, "return"):
            returns.setdefault((r["file"], r["fn"]), []).append(F.norm(r["expr"]))
        for (file, fn) in self.fndefs:
            if file not in files:
                continue
            rets = returns.get((file, fn), [])
            allocated = [F.norm(a["lhs"]) for a in _by(self.facts, "assign_call")
                         if a["file"] == file and a["fn"] == fn and ALLOC_RE.match(a["func"])]
            if any(ALLOC_RE.match(name) for e in rets
                   for name in re.findall(r"(\w+)\(", e)) or any(
                    re.search(rf"\b{re.escape(v)}\b", e) for v in allocated for e in rets):
                wrappers.add(fn)
        sites = [a for a in _by(self.facts, "assign_call")
                 if a["file"] in files and (a["func"] in alloc_names or a["func"] in wrappers)
                 and a["fn"] not in wrappers]
        if not sites:
            return None, []
        common = None
        evidence = []
        for a in sites:
            lhs = F.norm(a["lhs"])
            after = {t.type for t in tops if t.op == "set" and t.file == a["file"]
                     and t.fn == a["fn"] and t.line > a["line"] and F.norm(t.page) == lhs}
            evidence.append(f"{a['file']}:{a['line']} {a['func']}() in {a['fn']}() -> "
                            + (", ".join(sorted(after)) if after else "no type set"))
            common = after if common is None else common & after
        return common, evidence

    def _identify(self, u, tops, files):
        """Find the page type that is set on every page before it is marked."""
        covering = None
        evidence = []
        alloc_typed = None
        for k in u.marks:
            page = F.norm(k.page)
            fn, file = k.fn, k.file
            here = {t.type for t in tops if t.op == "set" and t.file == file
                    and t.fn == fn and t.line <= k.line and F.norm(t.page) == page}
            how = None
            if here:
                how = f"set in {fn}() before the mark"
            else:
                idx = self.param_index(file, fn, page)
                if idx is not None:
                    callers = self.calls_of(fn, files)
                    per = []
                    for c in callers:
                        arg = self._page_arg(c, idx)
                        per.append({t.type for t in tops if t.op == "set"
                                    and t.file == c["file"] and t.fn == c["fn"]
                                    and t.line <= c["line"] and F.norm(t.page) == arg})
                    if callers and all(per):
                        here = set.intersection(*per)
                        how = (f"set by every caller of {fn}() before the call ("
                               + ", ".join(f"{c['file']}:{c['line']}" for c in callers) + ")")
                if not here:
                    if alloc_typed is None:
                        alloc_typed = self._allocations_typed(u, tops, files)
                    typed, alloc_ev = alloc_typed
                    if typed:
                        here = set(typed)
                        how = "set on every page the user allocates: " + "; ".join(alloc_ev)
            evidence.append(P.Evidence(mark=f"{file}:{k.line}", fn=fn,
                                       types=sorted(here), how=how))
            covering = set(here) if covering is None else covering & here
        u.evidence = evidence
        if covering and len(covering) == 1:
            t = covering.pop()
            u.page_type = t
            u.type_test = self.types[t]["test"]
            return
        first = next((e for e in evidence if not e.types), evidence[0] if evidence else None)
        fix = KNOWN_USER_FIXES.get(u.ops, (
            f"make {u.defined.file} set a page type (PAGE_TYPE_OPS in "
            "include/linux/page-flags.h) on every page before __SetPageMovable() and "
            "clear it only with __ClearPageMovable() or when the page is freed"))
        if covering:
            problem = (f"{u.ops} pages carry several page types ({', '.join(sorted(covering))}); "
                       "none identifies them alone")
        elif not any(t.op == "set" for t in tops):
            problem = f"{u.ops} pages carry no page type: nothing in " \
                      f"{', '.join(sorted(set(u.files)))} sets one"
        else:
            problem = (f"the page marked movable at {first.mark} in {first.fn}() "
                       "has no page type set before it")
        # A user that keeps its own data in page->page_type (6.1's zsmalloc
        # keeps the first object's offset there) cannot just be given a
        # type, because that data has to move first.
        for f in sorted(set(u.files)):
            for ln, text in enumerate((self.tree.read(f) or "").splitlines(), 1):
                if re.search(r"->page_type\s*=[^=]", text):
                    fix += (f"; note that {f}:{ln} stores its own data in page->page_type, "
                            "which a page type would overwrite: move that data first")
                    break
            else:
                continue
            break
        mark = first.mark if first else f"{u.defined.file}:{u.defined.line}"
        file, line = mark.rsplit(":", 1)
        self.blockers.append(Blocker(
            "no-page-type", file, int(line), problem,
            "the static dispatch finds a page's movable_ops from its page type; a page "
            "marked movable without one would get no ops, so compaction could no longer "
            "isolate or migrate it",
            fix, u.ops))

    def _releases(self, files):
        return self._wrappers(sorted(RELEASE_FUNCS), files)

    def _agreement(self, u, tops, files):
        t = u.page_type
        unmarks = [f for f in _by(self.facts, "unmark") if f["file"] in files]
        base = self.types[t]["clearers"]
        clears = [x for x in tops if x.op == "clear" and x.type == t
                  and x.func in base]
        releases = self._releases(files)
        ok = []
        for m in unmarks:
            page = F.norm(m["page"])
            after = [c for c in clears if c.file == m["file"] and c.fn == m["fn"]
                     and c.line > m["line"] and F.norm(c.page) == page]
            if after:
                ok.append(f"{m['file']}:{m['line']} {m['fn']}(): __ClearPageMovable() then "
                          f"{after[0].func}() at line {after[0].line}")
                continue
            self.blockers.append(Blocker(
                "mark-type-disagree", m["file"], m["line"],
                f"{m['fn']}() un-marks the page (__ClearPageMovable) but does not clear "
                f"its type {t} after it",
                f"the dispatch would keep returning {u.ops} for a page that is no "
                "longer movable (PageMovable() would stay true)",
                f"clear the page type (__ClearPage{t}()) right after __ClearPageMovable()",
                u.ops))
        for c in clears:
            page = F.norm(c.page)
            before = [m for m in unmarks if m["file"] == c.file and m["fn"] == c.fn
                      and m["line"] < c.line and F.norm(m["page"]) == page]
            if before:
                continue
            why = self._released_after(c.file, c.fn, c.line, page, releases, files)
            if why:
                ok.append(f"{c.file}:{c.line} {c.fn}(): {c.func}() {why}")
                continue
            self.blockers.append(Blocker(
                "mark-type-disagree", c.file, c.line,
                f"{c.fn}() clears the page type {t} ({c.func}) while the page is "
                "still marked movable and not freed",
                "the dispatch would return no ops for a page that is still movable: "
                "isolation or migration of it would fail or trip the VM checks",
                "clear the type only after __ClearPageMovable(), or just before the page "
                "is freed", u.ops))
        u.agreement = ok

    def _released_after(self, file, fn, line, page, releases, files, depth=0):
        """Why the page PAGE of FN is freed after LINE (every path), or None."""
        rel = [r for r in self.calls_in(file, fn)
               if r["line"] >= line and r["func"] in releases
               and self._page_arg(r, releases[r["func"]]) == page]
        if rel:
            return f"just before {rel[0]['func']}() frees it at line {rel[0]['line']}"
        idx = self.param_index(file, fn, page)
        if depth < 3 and idx is not None:
            if not self.calls_of(fn):
                return f"in {fn}(), which nothing calls"
            callers = self.calls_of(fn, files)
            if callers and all(self._released_after(
                    k["file"], k["fn"], k["line"], self._page_arg(k, idx), releases, files,
                    depth + 1)
                    or any(m for m in _by(self.facts, "unmark")
                           if m["file"] == k["file"] and m["fn"] == k["fn"]
                           and m["line"] < k["line"])
                    for k in callers):
                return (f"and every caller of {fn}() frees the page after it ("
                        + ", ".join(f"{k['file']}:{k['line']}" for k in callers) + ")")
        return None

    # -- the dispatch ------------------------------------------------------------
    def _dispatch(self, users, decodings, registered=()):
        callers = _by(self.facts, "decoding_call")
        page_dec = [d for d in decodings if d["func"] == DISPATCH_NAME]
        sanity = None
        if page_dec:
            d = page_dec[0]
            lines = (self.tree.read(d["file"]) or "").splitlines()
            for i in range(d["line"] - 1, min(len(lines), d["line"] + 10)):
                if lines[i].strip() == "{":
                    for j in range(i + 1, len(lines)):
                        if lines[j].strip():
                            sanity = lines[j].strip()
                            break
                    break
            if sanity and not re.match(r"VM_(BUG|WARN)\w*\(", sanity):
                sanity = None
        files = sorted({c["file"] for c in callers})
        host = None
        static = True
        decl_header = None
        if files:
            counts = {f: sum(1 for c in callers if c["file"] == f) for f in files}
            cfiles = [f for f in files if f.endswith(".c")]
            host = "mm/migrate.c" if "mm/migrate.c" in cfiles else (
                max(cfiles, key=lambda f: counts[f]) if cfiles else None)
            if host is None:
                self.blockers.append(Blocker(
                    "no-dispatch-host", files[0], callers[0]["line"],
                    "the decoding is only called from headers",
                    "the dispatch needs a .c file to live in",
                    "call it from mm/migrate.c", None))
            elif len(files) > 1:
                static = False
                decl_header = self._common_local_header(host, files)
                others = [f for f in files if f != host]
                if decl_header is None:
                    self.blockers.append(Blocker(
                        "no-shared-header", others[0], callers[0]["line"],
                        f"callers of the decoding in {', '.join(others)} share no local "
                        f"header with {host}",
                        "the dispatch must be declared where every caller sees it",
                        f"include a header of {Path(host).parent}/ in every caller", None))
                else:
                    where = ", ".join(f"{c['file']}:{c['line']} ({c['fn']})" for c in callers
                                      if c["file"] != host)
                    self._adapt(
                        "movable-ops-dispatch",
                        f"the decoding is also called outside {host} ({where}): the dispatch "
                        f"is not static and is declared in {decl_header}")
                    self._check_host_built(host, callers)
        if sanity is None and host and any(u.from_dispatch for u in users.values()):
            sanity = self._existing_sanity(host)
        if any(d["func"] == "folio_movable_ops" for d in decodings):
            self._adapt(
                "folio-movable-ops-via-page",
                "the tree has folio_movable_ops(): its callers go through "
                "page_movable_ops(&folio->page) (step folio-movable-ops-via-page)")
        if "mm/compaction.c" in self.files_matching(r"\b__ClearPageMovable\s*\(") \
                and not self.pre_v6:
            self._adapt(
                "setpagemovable-drop-ops",
                "the tree un-marks pages with __ClearPageMovable(): it keeps storing "
                "PAGE_MAPPING_MOVABLE, and PageMovable() keeps its meaning through the "
                "dispatch, because every user clears its page type together with the mark")
        branches = []
        for u in sorted(users.values(), key=_def_file):
            if not u.guard or not u.type_test:
                continue
            branches.append(P.Branch(
                ops=u.ops, test=u.type_test, open=u.guard.open, close=u.guard.close,
                remark=(f"Only {u.name} sets {u.type_test} pages movable."
                        if u.remark else None),
                include=u.include))
        if not branches and not decodings:
            # Already converted (a step run on its own after the ops
            # argument is gone): the dispatch in the tree is the record of
            # the users.
            for f in sorted(_by(self.facts, "dispatch_branch"), key=lambda f: f["line"]):
                branches.append(P.Branch(ops=f["ops"], test=f["test"], open=None,
                                         close=None, remark=None, include=None,
                                         existing=f"{f['file']}:{f['line']}"))
            # A dispatch that returns registered pointers: the ops are the
            # ones registered for the branch's page type.
            registered_branches = [] if branches else _by(self.facts, "dispatch_registered")
            for f in sorted(registered_branches, key=lambda f: f["line"]):
                ops = self._registered_for(f["test"], registered)
                branches.append(P.Branch(ops=ops, test=f["test"], var=f["var"],
                                         open=None, close=None, remark=None, include=None,
                                         existing=f"{f['file']}:{f['line']}"))
        includes = []
        host_text = self.tree.read(host) if host else ""
        for b in branches:
            inc = b.include
            if inc and not re.search(r"#\s*include\s*" + re.escape(inc), host_text or ""):
                includes.append(inc)
        if host and any(u.from_dispatch for u in users.values()):
            self.history = self._dispatch_history(host, users)
            where = ", ".join(f"{u.from_dispatch.file}:{u.from_dispatch.line}"
                              for u in users.values())
            self._adapt(
                "movable-ops-registration",
                f"the tree has a static dispatch already ({where}): its branches name the "
                "users, and " + (
                    f"commit {self.history['commit'][:12]}, which added it, tells what it "
                    "made visible" if self.history else
                    "no commit in the tree's history shows what it made visible, so "
                    "their visibility and the #include lines stay"))
        return P.Dispatch(host=host, static=static, decl_header=decl_header,
                          sanity=sanity, branches=branches, includes=includes,
                          caller_files=files)

    def _common_local_header(self, host, files):
        common = None
        for f in files:
            text = self.tree.read(f) or ""
            incs = set(re.findall(r'^#\s*include\s+"([^"]+)"', text, re.M))
            common = incs if common is None else common & incs
        for name in sorted(common or []):
            path = str(Path(host).parent / name)
            if self.tree.exists(path):
                return path
        return None

    def _check_host_built(self, host, callers):
        """Every caller outside HOST must only be built when HOST is."""
        try:
            host_atoms = kbuild.obj_atoms(self.tree, host)
        except kbuild.NotDerivable:
            return
        for c in callers:
            if c["file"] == host:
                continue
            text = self.tree.read(c["file"]) or ""
            try:
                atoms = kbuild.obj_atoms(self.tree, c["file"])
            except kbuild.NotDerivable:
                atoms = []
            enable, _, _ = kbuild.sufficient_options(text, c["line"])
            have = set(atoms + enable)
            closure = set()
            for a in have:
                closure.add(a)
                closure |= {"CONFIG_" + s for s in self.kconfig.implied(a)}
                sym = self.kconfig.symbol(a)
                if sym:
                    closure |= {"CONFIG_" + s for s, cond in sym.selects if not cond}
            missing = [a for a in host_atoms if a not in closure]
            if missing:
                self.blockers.append(Blocker(
                    "host-not-built", c["file"], c["line"],
                    f"{c['fn']}() calls the decoding under {', '.join(sorted(have)) or 'no option'}, "
                    f"which does not imply {', '.join(missing)} that builds {host}",
                    "the non-static dispatch in the host file would be missing at link time",
                    f"move the caller under {', '.join(missing)}", None))

    def _state(self, marks, marks1, decodings, dispatch, registered):
        if not marks and not decodings:
            return ("converted" if (marks1 or registered or self._has_dispatch())
                    else "no-users")
        return "unconverted"

    # -- trees of other eras ---------------------------------------------------
    def _before_movable_operations(self, marks):
        """A tree from before v6.0, where __SetPageMovable() takes an
        address_space and migration goes through its a_ops: one blocker,
        and True."""
        if not marks or "struct movable_operations {" in (
                self.tree.read("include/linux/migrate.h") or ""):
            return False
        proto = None
        for f in ("include/linux/migrate.h", "mm/compaction.c"):
            for n, line in enumerate((self.tree.read(f) or "").splitlines(), 1):
                if re.search(r"\b__SetPageMovable\s*\(\s*struct page \*\w+\s*,\s*"
                             r"struct address_space \*", line):
                    proto = (f, n)
                    break
            if proto:
                break
        if proto is None:
            return False
        users = sorted({m["file"] for m in marks})
        self.blockers.append(Blocker(
            "no-movable-operations", proto[0], proto[1],
            "this tree predates struct movable_operations (v6.0): __SetPageMovable() "
            "takes an address_space, and migration reaches a driver through that "
            f"mapping's a_ops ({len(marks)} calls, in {', '.join(users)})",
            "there is no ops pointer in page->mapping to stop storing and nothing to "
            "dispatch to: the rework starts from the movable_operations interface",
            "apply the series to v6.0 or later, or backport v6.0's 'mm: Convert all "
            "PageMovable users to movable_operations' (struct movable_operations, "
            "__SetPageMovable(page, &ops)) first"))
        return True

    # -- registration ----------------------------------------------------------
    def _registered(self):
        """set_movable_ops(&ops, TYPE) calls already in the tree: a tree in
        the registration shape (upstream since the fix of 84caf98838a3, or
        this series' own output)."""
        out, unregs = [], {}
        tests = {}
        for t in self.types.values():
            tests[f"PGTY_{t['lname']}"] = tests[f"PG_{t['lname']}"] = t["test"]
        defs = {d["obj"]: f"{d['file']}:{d['line']}" for d in _by(self.facts, "opsdef")}
        for c in self.calls_of(REGISTER_FUNC):
            args = F.split_args(c["args"])
            if len(args) != 2:
                continue
            m = re.fullmatch(r"&(\w+)", args[0])
            if m:
                out.append(P.Registered(ops=m.group(1), type=args[1], file=c["file"],
                                        line=c["line"], fn=c["fn"], test=tests.get(args[1]),
                                        defined=defs.get(m.group(1))))
            elif args[0] == "NULL":
                unregs.setdefault(args[1], []).append(
                    P.Unregistration(file=c["file"], line=c["line"], fn=c["fn"]))
        for r in out:
            # An unregistration in the registering function itself is its
            # error path giving the ops up again, not the module's exit.
            r.unregistered = [x for x in unregs.get(r.type, [])
                              if x.file == r.file and x.fn != r.fn]
            r.module = self._module_evidence(r.file)
            if r.module and not r.unregistered:
                self.warnings.append(P.Warning(
                    file=r.file, line=r.line,
                    warning=f"{r.ops} is registered for {r.type} in {r.fn}() but "
                            f"never unregistered, and {r.file} can be a module "
                            f"({r.module.why}): once it is unloaded the dispatch "
                            f"returns a pointer into freed memory; call "
                            f"{REGISTER_FUNC}(NULL, {r.type}) from its module_exit()"))
        return out

    def _registered_for(self, test, registered):
        """The ops object set_movable_ops() calls register for the page type
        that TEST (PageOffline) tests, or None."""
        t = next((t for t in self.types.values() if t["test"] == test), None)
        if t is None:
            return None
        consts = {pattern.format(t["lname"]) for pattern in ("PGTY_{}", "PG_{}")}
        found = sorted({r.ops for r in registered if r.type in consts})
        return found[0] if len(found) == 1 else None

    def _key(self):
        """How set_movable_ops() names a page type in this tree:
        ('enum pagetype', 'PGTY_{}', where) since v6.12, ('unsigned int',
        'PG_{}', where) in the older scheme of page-type bits, or None."""
        text = self.tree.read("include/linux/page-flags.h") or ""
        for n, line in enumerate(text.splitlines(), 1):
            if re.match(r"enum pagetype\s*\{", line):
                return "enum pagetype", "PGTY_{}", f"include/linux/page-flags.h:{n}"
        for n, line in enumerate(text.splitlines(), 1):
            if re.match(r"#define PAGE_TYPE_BASE\b", line):
                return "unsigned int", "PG_{}", f"include/linux/page-flags.h:{n}"
        return None

    def _key_const(self, pattern, t):
        """The constant of page type T, if page-flags.h defines it."""
        name = pattern.format(self.types[t]["lname"])
        text = self.tree.read("include/linux/page-flags.h") or ""
        return name if re.search(rf"^\s*(#define\s+)?{re.escape(name)}\b", text, re.M) \
            else None

    def _registration(self, users, dispatch, registered=()):
        """Decide whether the dispatch must look up registered ops, and plan
        the registration step."""
        ordered = sorted(users.values(), key=_def_file)
        typed = [u for u in ordered if u.type_test and u.guard]
        # Every user whose object can be a module, typed or not: one
        # without a page type is a blocker of its own, but the decision
        # must not claim that everything is built in.
        modular = [u for u in ordered if u.module]
        reg = P.Registration(
            mode=self.dispatch_mode, needed=bool(modular),
            modules=[P.ModuleNote(ops=u.ops, why=u.module.why) for u in modular])
        for u in modular:
            reg.decisions.append(f"{u.ops} can live in a module ({u.module.why})")
            reg.lost.append(P.Lost(
                ops=u.ops, config=f"{u.module.option}=m",
                text=f"{u.module.option}=m: {u.ops} is in a module, which "
                     f"the static dispatch cannot name; {u.name} pages lose their "
                     "movable_ops and compaction no longer migrates them"))
        if not users:
            if self.pre_v6:
                reg.reason = ("the tree predates struct movable_operations: there is "
                              "no dispatch to find users' ops")
            elif registered:
                reg.reason = ("the users register their movable_ops with "
                              f"{REGISTER_FUNC}() already: "
                              + ", ".join(f"{r.ops} for {r.type}" for r in registered))
            else:
                reg.reason = "no movable_ops users in this tree"
            return reg
        if not modular:
            reg.reason = ("every user's ops object is built into the kernel (no "
                          "tristate option builds it): the static dispatch names them all")
            return reg
        if self.dispatch_mode == "static":
            reg.reason = "--dispatch static: the dispatch names the ops objects"
            return reg
        if self.blockers or not dispatch.host:
            reg.reason = "the tree has blockers"
            return reg
        key = self._key()
        u0 = modular[0]
        if key is None:
            self.blockers.append(Blocker(
                "no-type-key", "include/linux/page-flags.h", None,
                "include/linux/page-flags.h has neither 'enum pagetype' nor "
                "PAGE_TYPE_BASE page-type bits to key set_movable_ops() on",
                f"{u0.ops} can live in a module ({u0.module.why}), so the "
                "dispatch must look up ops the users register by page type",
                "use '--dispatch static' and accept that such a build loses the user, or "
                "backport the page-type scheme first", u0.ops))
            return reg
        ktype, pattern, kwhere = key
        reg.key = P.Key(type=ktype, where=kwhere)
        decl = self._registration_decl(dispatch.host)
        if decl is None:
            return reg
        reg.decl = decl
        host = self.tree.read(dispatch.host) or ""
        by_ops = {b.ops: b for b in dispatch.branches}
        for u in typed:
            const = self._key_const(pattern, u.page_type)
            d = u.defined
            if const is None:
                self.blockers.append(Blocker(
                    "no-type-key", d.file, d.line,
                    f"page type {u.page_type} of {u.ops} has no constant "
                    f"{pattern.format(self.types[u.page_type]['lname'])} in "
                    "include/linux/page-flags.h", "set_movable_ops() names the page type "
                    "a user registers its ops for", "define the page type's constant",
                    u.ops))
                continue
            var = f"{self.types[u.page_type]['lname']}_movable_ops"
            if re.search(rf"\b{var}\b", host):
                var = f"{u.ops}_registered"
            init = self._init_path(u)
            if init is None:
                continue
            branch = by_ops.get(u.ops)
            reg.entries.append(P.Entry(
                ops=u.ops, type=u.page_type, test=u.type_test, const=const, var=var,
                file=d.file, def_line=d.line, guard=u.guard.in_file, module=u.module,
                remark=branch.remark if branch else None, init=init[0], exit=init[1],
                **self._undo_visibility(u)))
        reg.drop_includes = list(dispatch.includes or [])
        hist = self.history
        if any(u.from_dispatch for u in typed):
            # The dispatch is there already: what its commit added.
            reg.drop_includes = [i for i in (hist or {}).get("includes", [])
                                 if re.search(rf"^#\s*include\s*{re.escape(i)}", host, re.M)]
        if not self.blockers:
            reg.applies = True
            reg.reason = "; ".join(reg.decisions)
        else:
            reg.reason = "the tree has blockers"
        return reg

    def _registration_decl(self, host):
        """Where set_movable_ops() and its stub are declared: the top-level
        '#ifdef CONFIG_X ... #else ... #endif' block of migrate.h for the
        option that builds the host."""
        try:
            atoms = kbuild.obj_atoms(self.tree, host)
        except kbuild.NotDerivable:
            atoms = None
        rel = "include/linux/migrate.h"
        lines = (self.tree.read(rel) or "").splitlines()
        if atoms and len(atoms) == 1:
            opt = atoms[0]
            for i, line in enumerate(lines):
                if line.strip() != f"#ifdef {opt}" or kbuild.if_nest("\n".join(lines), i + 1):
                    continue
                depth, els = 0, None
                for j in range(i + 1, len(lines)):
                    t = lines[j].strip()
                    if re.match(r"#\s*if", t):
                        depth += 1
                    elif re.match(r"#\s*endif", t):
                        if depth == 0:
                            if els is not None:
                                return P.Decl(header=rel, option=opt, ifdef_line=i + 1,
                                              else_line=els + 1, endif_line=j + 1)
                            break
                        depth -= 1
                    elif re.match(r"#\s*else", t) and depth == 0:
                        els = j
        self.blockers.append(Blocker(
            "no-registration-decl", rel, None,
            f"{rel} has no top-level '#ifdef {atoms[0] if atoms and len(atoms) == 1 else '...'}"
            f" ... #else ... #endif' block for the option that builds {host}",
            "set_movable_ops() lives in the dispatch host and needs a stub where the host "
            "is not built", f"declare the host's functions in an #ifdef/#else block of {rel}",
            None))
        return None

    def _init_path(self, u):
        """(plan.Init, plan.Exit or None): where U registers and unregisters
        its ops, or None (and a blocker)."""
        f = u.defined.file
        calls = {c["macro"]: c for c in _by(self.facts, "initcall") if c["file"] == f}
        text = self.tree.read(f) or ""
        init = calls.get("module_init")
        if init:
            ex = calls.get("module_exit")
            nest = kbuild.if_nest(text, init["line"])
            if not nest:
                placement = self._placement(u, init["func"], text)
                if placement is None:
                    return None
                return (P.Init(kind="module_init", func=init["func"],
                               where=f"{f}:{init['line']}", placement=placement),
                        P.Exit(func=ex["func"], where=f"{f}:{ex['line']}") if ex else None)
        elif not u.module:
            name = f"{Path(f).stem}_init"
            while re.search(rf"\b{re.escape(name)}\b", text):
                name = "movable_ops_" + name
            return (P.Init(kind="initcall", func=name, level="core_initcall",
                           where=f"{f}:{u.defined.line}"), None)
        self.blockers.append(Blocker(
            "no-init-path", f, u.defined.line,
            f"{u.ops} can be built into a module, but {f} has no module_init() "
            "at the top level to register it from"
            + (f" ({u.module.why})" if u.module else ""),
            "a module's ops must be registered when it is loaded and unregistered before "
            "it goes; the series will not guess where its init path is",
            f"give {f} a module_init()/module_exit() pair, or use '--dispatch static'",
            u.ops))
        return None

    def _placement(self, u, func, text):
        """plan.Placement of U's registration in its init function FUNC
        (initpath.decide()), or None and a blocker."""
        f = u.defined.file
        found = initpath.function_lines(text, func)
        if found is None:
            d = initpath.Refusal(f"{func}(), which module_init() names, is not defined in {f}",
                                 f"define {func}() in {f}")
            start = None
        else:
            start, lines = found
            d = initpath.decide(func, lines)
        if isinstance(d, initpath.Refusal):
            self.blockers.append(Blocker(
                "init-cannot-unwind", f, start + 1 if start is not None else None,
                d.problem, f"{u.ops}'s registration must go first in {func}() and be given "
                "up by every failure after it, or a failed load leaves the ops (or what "
                "the init made before) behind, pointing into an unloaded module", d.fix,
                u.ops))
            return None
        return P.Placement(var=d.var, declare=d.declare, before=d.before, labels=d.labels,
                           returns=[f"{f}:{start + 1 + k}" for k, _ in d.returns],
                           text=d.sentence(start + 1, f))

    def _undo_visibility(self, u):
        """Once the dispatch no longer names U's ops, and the ops argument
        is gone, the object is named in its own file only, unless
        something else still names it: then it is static again and its
        extern declarations go (the one the dispatch step added, and one
        a header had for inline markers, as balloon_compaction.h did).
        Returns those fields of U's plan.Entry."""
        d = u.defined
        marks = {(k.file, k.line) for k in u.marks}
        decls = {(x.file, x.line) for x in u.extern_decls + u.forward_decls}
        rx = re.compile(rf"\b{re.escape(u.ops)}\b")
        branch = re.compile(rf"\s*return &{re.escape(u.ops)};\s*")
        disp = u.from_dispatch
        others = []
        for f, ls in sorted(self.ops_refs.items()):
            for n, t in ls:
                if not rx.search(t) or (f, n) in marks or (f, n) in decls:
                    continue
                if disp and f == disp.file and branch.fullmatch(t):
                    continue    # the dispatch's own branch, which the step replaces
                if re.match(r"\s*(\*|/\*|//)", t) or re.match(r"EXPORT_SYMBOL", t.strip()):
                    continue
                if f == d.file and n >= d.line:
                    continue
                others.append(f"{f}:{n}")
        keep_export = bool(u.exports) and not u.drop_export
        free = not others and not keep_export
        why = ("named at " + ", ".join(others[:3]) if others else
               "exported for a module" if keep_export else "")
        # Every extern declaration goes, the one the dispatch step added to
        # U's header (in the tree already when the step runs on its own
        # after it) and one a header had for inline markers.
        headers = sorted({x.file for x in u.extern_decls}
                         | ({u.header} if u.header else set()))
        return {"restore_static": free, "drop_extern": headers if free else [],
                "stays_visible": why}

    def _has_dispatch(self):
        text = self.tree.read("mm/migrate.c") or ""
        return bool(re.search(r"page_movable_ops\(struct page \*page\)\s*\n\{", text)
                    and re.search(r"return &\w+;", text))

    def _flag_step(self):
        def no(reason):
            return P.FlagStep(applies=False, reason=reason)
        if self.pre_v6:
            return no("the tree predates struct movable_operations")
        pf = self.tree.read("include/linux/page-flags.h") or ""
        if "PG_movable_ops" in pf:
            return no("the tree already has PG_movable_ops")
        unmarks = _by(self.facts, "unmark")
        if unmarks or self.files_matching(r"\b__ClearPageMovable\s*\("):
            where = ", ".join(f"{m['file']}:{m['line']}" for m in unmarks[:3])
            return no("the tree still un-marks pages with __ClearPageMovable() ("
                      + where + "); a PG_movable_ops flag is never cleared before "
                      "the page is freed, so upstream removed those calls first")
        if not re.search(r"bool page_has_movable_ops\(const struct page \*page\)\s*\{\s*return "
                         r"\(\(unsigned long\)page->mapping & PAGE_MAPPING_FLAGS\) ==",
                         pf.replace("\n", " ")):
            return no("include/linux/page-flags.h has no mapping-based "
                      "page_has_movable_ops() to convert")
        return P.FlagStep(applies=True, reason="no __ClearPageMovable() left; the movable "
                                               "mark can become the PG_movable_ops page flag")


def sort_blockers(blockers):
    """BLOCKERS in the report's order: by kind (BLOCKER_ORDER), file, line."""
    return sorted(blockers, key=lambda b: (
        BLOCKER_ORDER.index(b.kind) if b.kind in BLOCKER_ORDER else len(BLOCKER_ORDER),
        b.file, b.line or 0))


def analyze(tree, scratch=None, dispatch_mode="auto"):
    """Analyse TREE (a movops.tree.Tree); return a plan.Plan."""
    lines = tree.grep_lines(PREFETCH_RE, F.CODE_PATHSPECS, fixed=PREFETCH_WORDS)
    cand = re.compile(F.CANDIDATE_RE)
    files = sorted(f for f, ls in lines.items() if any(cand.search(t) for _, t in ls))
    # Headers next to the users (wrappers such as mm/zpdesc.h) are found by
    # name in a second round: names of functions called from marking code.
    facts_list = F.collect(tree, files, scratch)
    extra = _neighbour_headers(tree, files, facts_list)
    if extra:
        facts_list += F.collect(tree, extra, scratch)
    an = Analysis(tree, facts_list, lines, dispatch_mode)
    plan = an.run()
    # Every file a step may need: the candidates, their local headers, the
    # files naming an ops object or calling a forwarding helper.
    plan.files = sorted(set(files) | set(extra) | set(an.ops_refs) | an.helper_refs)
    # What the conclusions rest on: spatch saw every place of the rework.
    found, plan.parse_failures = invariants.check(
        facts_list, tree.read_many(sorted(set(files) | set(extra))), plan.state,
        helpers=sorted(plan.helpers))
    if found:
        plan.blockers = sort_blockers(plan.blockers + found)
    return plan


def _neighbour_headers(tree, files, facts_list):
    """Local headers included by the files that mark pages movable."""
    out = set()
    marking = {f["file"] for f in facts_list if f["kind"] in ("mark", "unmark", "opsdef")}
    for f in marking:
        text = tree.read(f) or ""
        for inc in re.findall(r'^#\s*include\s+"([^"]+)"', text, re.M):
            p = str(Path(f).parent / inc)
            if p not in files and tree.exists(p):
                out.add(p)
    return sorted(out)
