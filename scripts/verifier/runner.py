# SPDX-License-Identifier: GPL-2.0
"""verify(): run every check on a series and collect one result per check.

The expensive work is shared.  The worktree (a partial checkout: what the
builds read) walks the base and then every commit of the series once,
oldest first; at each commit every configuration builds the affected
objects once (in parallel, each in its own build directory; with sparse at
the base and the tip).  The configurations start from one defconfig, and
all but the first start their build directory from a copy of the first
one's after 'make prepare'.  Those builds feed the
build check (base and tip), the sparse check (base and tip), and the
bisection check (every commit).  At the tip the changed-line
proof preprocesses the same objects in the same build directories, spatch
looks for the old API and checkpatch reads the patches.  Every step's
result is stored under a key made of all its inputs, so a second run on the
same series rebuilds nothing, and a series that shares its base and some
commits with one verified before (a fix on top, a reworded commit) only
builds its own commits and only searches and checks its changed files and
patches.
"""
import hashlib
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from core import cache, deps
from core import fingerprint as code
from core.errors import BadInput, EnvironmentFailure
from core.locks import Lock
from core.proc import git, run
from movops import kbuild
from movops.tree import Tree

from . import checkpatch as cp
from . import clines, configs, configspace, diag, golden, oldapi
from . import commits as ser
from .builder import Builder, config_selection, source_selection
from .report import CHECKS, CheckResult
from .progress import Progress
from .store import ResultStore, sha256_text, tool_versions
from .worktree import Worktree


def default_root(kdir):
    h = hashlib.sha256(str(Path(kdir).resolve()).encode()).hexdigest()[:12]
    return cache.path("verify", h)


def ensure_deps():
    if not deps.ensure("verify"):
        raise EnvironmentFailure("missing build tools; see the line above")


class Verification:
    """State shared by the checks of one run."""

    def __init__(self, series, root, progress, jobs=None, user_configs=()):
        self.series = series
        self.user_configs = list(user_configs)
        self.root = Path(root)
        self.progress = progress
        self.jobs = jobs or os.cpu_count() or 2
        self.store = ResultStore(self.root / "results")
        self.tools = tool_versions()
        self.code = code.fingerprint(["verifier"], ["scripts/verifier/*.cocci"])
        self.wt = Worktree(series.kdir, self.root / "src", progress)
        self.builder = Builder(self.root, self.wt, progress, self.jobs, self.store,
                               self.tools)
        self.results = {name: CheckResult(name) for name in CHECKS}
        self.states = {}        # (commit sha, config name) -> build state
        self.built_here = set()     # the keys of states made by make in this run
        self.enabled_cache = {}
        self.trees = {}
        self.tree_ready = False
        # Enough workers that no task queued behind ones waiting for it.
        self.pool = ThreadPoolExecutor(max_workers=8)
        self._wt_future = None
        self._prepare_future = None
        self._seed_future = None

    # -- helpers -------------------------------------------------------------
    def tree(self, sha):
        if sha not in self.trees:
            self.trees[sha] = Tree(self.series.kdir, sha)
        return self.trees[sha]

    def start_worktree(self):
        """Create the worktree (if needed) while the series is analysed:
        partial, with what the builds read (builder.source_selection())
        and the directories of every file a commit of the series touches
        (which also keeps the files git skips the same at every commit);
        the directories of the affected objects follow in complete_tree()."""
        s = self.series
        touched = git(s.kdir, "log", "--format=", "--name-only", "--no-renames",
                      f"{s.base}..{s.tip}").split("\n")
        dirs = sorted({os.path.dirname(f) or f for f in touched if f})
        arch = configs.host_srcarch()
        self._wt_future = self.pool.submit(
            self.wt.ensure, s.base, source_selection(arch), dirs, (s.tip,),
            config_selection(arch))

    def start_defconfig(self):
        """'make defconfig' as soon as the worktree exists, while the series
        is analysed: every derivation starts from it (configure()), and it
        depends on nothing the analysis finds.  A run whose configurations
        are all stored (warm) skips it; one that derives a new plan on a
        base seen before makes its seed in configure(), as it always did."""
        if self.store.get("seeded", self.builder.seed_key(self.series.base_tree)) is not None:
            return

        def work():
            # It needs only what config_selection() lets the worktree
            # write first; should it need more, it runs again once the
            # worktree is complete.
            self.wt.first_ready.wait()
            early = not self._wt_future.done()
            self.progress("make defconfig (while the series is analysed)")
            bdir, err = self.builder.defconfig_seed()
            self.ensure_tree()
            if err and early:
                bdir, err = self.builder.defconfig_seed()
            return bdir, err, self.wt.partial

        self._seed_future = self.pool.submit(work)

    def complete_tree(self):
        """Add the affected objects' directories and what checkpatch.pl may
        read to the worktree."""
        self.ensure_tree()
        s = self.series
        pats = set()
        for o in self.objects:
            d = os.path.dirname(o)
            if d:
                pats.add(d)
            # make descends to an object from the top: the makefile of
            # every directory on the way is read.
            while "/" in d:
                d = os.path.dirname(d)
                pats |= {f"{d}/Makefile", f"{d}/Kbuild"}
        pats = sorted(pats)
        names = set()
        for rev in (s.base, s.tip):
            names |= set(git(s.kdir, "ls-tree", "-r", "-z", "--name-only", rev).split("\0"))
        texts = [Path(p).read_text(errors="surrogateescape") for p in self.patches()]
        self.wt.widen(pats + cp.tree_paths(texts, names))

    def whole_tree(self, why):
        """Fall back to a full checkout after a failure in the sparse one
        (the caller then tries again)."""
        if self.wt.partial:
            self.progress(f"{why} in the partial checkout: checking out every file "
                          "to try again")
            self.wt.full()

    def ensure_tree(self):
        """The worktree exists (created at the base when it did not)."""
        if not self.tree_ready:
            if self._wt_future is not None:
                self._wt_future.result()
            else:
                self.wt.ensure(self.series.base)
            self.tree_ready = True

    def at(self, sha):
        """Materialise SHA in the worktree."""
        self.ensure_tree()
        self.wt.goto(sha)

    def key(self, **kw):
        kw.update({"tools": self.tools, "code": self.code})
        return kw

    # -- phases ------------------------------------------------------------------
    def start_grep(self):
        """git grep the base for the API's files (stored: the variants of a
        series share their base); the tip's list follows from it and the
        files the series touches."""
        s = self.series
        base = self.pool.submit(ser.api_files, s.kdir, s.base, s.base_tree, self.store)

        def tip():
            key = {"tree": s.commits[-1].tree, "re": ser.API_TOKENS}
            got = self.store.get("apifiles", key)
            if got is None:
                got = ser.api_files_from(s.kdir, s.tip, s.base, base.result())
                self.store.put("apifiles", key, got)
            return got

        self._api = {s.base: base, s.tip: self.pool.submit(tip)}

    def api_files(self, sha):
        return self._api[sha].result()

    def analyse(self):
        s = self.series
        self.changes = ser.changes(s)
        self.objects, self.reasons = ser.affected_objects(
            s, self.changes, self.api_files(s.base), self.api_files(s.tip),
            ser.commit_changes(s) if len(s.commits) > 1 else ())
        self.kconfig = kbuild.Kconfig(Tree(s.kdir, s.base))
        self.plans, self.plan_notes, self.obj_notes = configs.plan(
            s, self.changes, self.objects, self.kconfig)
        self.plans += configs.user_plans(self.user_configs)

    def configure(self):
        r = self.results["configs"]
        t0 = time.monotonic()
        self.ensure_tree()
        self.at(self.series.base)
        need = [p for p in self.plans
                if self.store.get("config", self.builder.config_key(
                    p, self.series.base_tree)) is None]
        # Every derivation starts from the same defconfig: made once, and
        # the kconfig programs built once, in a directory of its own
        # (start_defconfig()) or the first one's.
        seed = None
        early, self._seed_future = self._seed_future, None
        if need and (early is not None or len(need) > 1):
            if early is not None:
                bdir, err, was_partial = early.result()
            else:
                was_partial = self.wt.partial
                bdir, err = self.builder.defconfig_seed()
            if err and was_partial:
                self.whole_tree("make defconfig failed")
                bdir, err = self.builder.defconfig_seed()
            if not err:
                # Each copy is made before the first derivation writes into
                # the seed's directory, which becomes the first plan's.
                for p in need[1:]:
                    self.builder.copy_seed(bdir, p)
                self.builder.take_seed(bdir, need[0])
                seed = bdir
        retry = lambda: self.whole_tree("deriving a configuration failed")  # noqa: E731

        def derive(p):
            cfg = self.builder.configure(p, self.kconfig, self.series.base_tree,
                                         self.builder.bdir_of(p) if seed and p in need
                                         else None, retry)
            # The first configuration's 'make prepare' (which the others
            # then copy: share_prepare()) need not wait for the others'
            # derivations; it fills the cores their serial conf runs leave.
            if (p is self.plans[0] and len(self.plans) > 1 and not cfg.error
                    and self.builder.fresh(cfg)):
                self.progress(f"[{cfg.name}] make prepare (while the other configurations "
                              "are derived)")
                self._prepare_future = self.pool.submit(self.builder.prepare, cfg)
            return cfg

        with ThreadPoolExecutor(max_workers=max(1, len(self.plans))) as ex:
            self.configs = list(ex.map(derive, self.plans))
        if self.configs and not any(c.error for c in self.configs):
            self.store.put("seeded", self.builder.seed_key(self.series.base_tree), True)
        for cfg in self.configs:
            cfg.failed += [a for a in cfg.plan.selected if cfg.values.get(a) != "y"
                           and a not in cfg.failed]
        r.time_s += time.monotonic() - t0
        obj_opts = set()
        for obj in self.objects:
            try:
                obj_opts |= set(kbuild.obj_atoms(self.tree(self.series.tip), obj[:-2] + ".c"))
            except kbuild.NotDerivable:
                pass
        data = []
        for cfg in self.configs:
            p = cfg.plan
            entry = {"name": p.name, "build_dir": str(cfg.bdir), "enable": p.enable,
                     "disable": p.disable, "failed": cfg.failed, "dropped": p.dropped,
                     "fingerprint": cfg.fingerprint, "error": cfg.error}
            data.append(entry)
            if cfg.error:
                r.fail(f"{p.name}: could not make the configuration: {cfg.error}")
                continue
            on = " ".join(configs._short(o) for o in p.enable)
            off = " ".join(configs._short(o) for o in p.disable)
            if p.text:
                mods = sum(1 for x in cfg.values.values() if x == "m")
                r.details.append(f"{p.name}: {p.source}, olddefconfig -[{off}] "
                                 f"({mods} options =m) in {cfg.bdir}")
            else:
                r.details.append(f"{p.name}: defconfig +[{on}] -[{off}] in {cfg.bdir}")
            for o in cfg.failed:
                why = "; ".join(p.why.get(o, [])) or "turned off"
                if o in obj_opts or o in p.disable:
                    r.fail(f"{p.name}: {o} could not be set ({why})")
                else:
                    r.details.append(f"{p.name}: note: {o} could not be set ({why})")
            for o, why in sorted(p.dropped.items()):
                r.details.append(f"{p.name}: note: {o} not used: {why}")
        for n in self.plan_notes:
            r.details.append(f"note: {n}")
        r.count = len([c for c in self.configs if not c.error])
        r.data = {"configs": data, "objects": {o: self.reasons[o] for o in self.objects}}
        stub = [c for c in self.configs if configs.STUB_OFF in c.plan.disable]
        if not stub or any(c.values.get(configs.STUB_OFF) not in (None, "n") for c in stub):
            r.fail(f"no configuration with {configs.STUB_OFF} off could be made")
        built = sum(1 for c in self.configs if not c.error)
        users = sum(1 for c in self.configs if not c.error and c.plan.text)
        r.summary = (f"{built - users} configurations from defconfig"
                     + (f" and {users} of the user's" if users else "")
                     + f", {len(self.objects)} affected objects")

    def enabled_objects(self, sha, cfg):
        tree = self.tree(sha)
        objs, skipped = [], {}
        for o in self.objects:
            ok, why = configs.object_enabled(tree, o, cfg.values, self.enabled_cache)
            if ok:
                objs.append(o)
            else:
                skipped[o] = why
        return objs, skipped

    def build_all(self):
        """One build per configuration per commit, base first."""
        s = self.series
        steps = [("base", s.base, s.base_tree, "base")] + [
            (f"{i}/{len(s.commits)}", c.sha, c.tree, c.subject)
            for i, c in enumerate(s.commits, 1)]
        cfgs = [c for c in self.configs if not c.error]
        for label, sha, tree_id, subject in steps:
            t0 = time.monotonic()
            todo = []
            # sparse only where the sparse check compares.
            sparse = sha in (s.base, s.tip)
            for cfg in cfgs:
                objs, skipped = self.enabled_objects(sha, cfg)
                key = self.key(kind="build", tree=tree_id, config=cfg.fingerprint,
                               objs=objs, vars=self.builder.make_vars, sparse=sparse)
                got = self.store.get("build", key)
                if got is not None:
                    got["skipped"] = skipped
                    self.states[(sha, cfg.name)] = got
                else:
                    todo.append((cfg, objs, skipped, key))
            if todo:
                self.at(sha)
                names = ", ".join(f"{c.name}: {len(o)} objects" for c, o, _, _ in todo)
                self.progress(f"commit {label} {sha[:12]} {subject[:50]!r}: building ({names}"
                              f"{', with sparse' if sparse else ''})")
                self.share_prepare([c for c, _, _, _ in todo])

                def one(item):
                    cfg, objs, skipped, key = item
                    return self.builder.build(cfg, objs, sparse=sparse, at=sha,
                                              changed=self.changed_since(cfg, sha))

                def all_of(items):
                    with ThreadPoolExecutor(max_workers=len(items)) as ex:
                        return list(ex.map(one, items))

                was_partial = self.wt.partial
                got = all_of(todo)
                bad = [why for st in got for why in [_failure(st)] if why]
                if was_partial and bad:
                    self.whole_tree(f"commit {label}: {bad[0]}")
                    got = all_of(todo)
                for (cfg, objs, skipped, key), st in zip(todo, got):
                    if st["rc"] >= 0:      # not when make was killed
                        self.store.put("build", key, st)
                    st["skipped"] = skipped
                    self.states[(sha, cfg.name)] = st
                    self.built_here.add((sha, cfg.name))
            dt = time.monotonic() - t0
            which = "build" if sha in (s.base, s.tip) else "bisect"
            self.results[which].time_s += dt

    def changed_since(self, cfg, sha):
        """The files that differ between the commit CFG's build directory
        was last built at and SHA, or None when that is not known."""
        last = self.builder.built_at(cfg)
        if not last:
            return None
        res = run(["git", "-C", self.series.kdir, "diff", "--name-only", "--no-renames", "-z",
                   last, sha])
        if res.returncode != 0:
            return None
        return [f for f in res.stdout.split("\0") if f]

    def share_prepare(self, cfgs):
        """When several configurations build for the first time, the first
        one runs 'make prepare' alone (started by configure() as soon as
        its configuration was derived) and the others start from a copy of
        its build directory (Builder.seed()): the host programs are built
        once instead of once per configuration."""
        early, self._prepare_future = self._prepare_future, None
        ok = early.result() if early is not None else None
        if len(cfgs) < 2 or not all(self.builder.fresh(c) for c in cfgs[1:]):
            return
        first = cfgs[0]
        was_partial = self.wt.partial
        if ok is None or first.plan is not self.plans[0]:
            if not self.builder.fresh(first):
                return
            self.progress(f"[{first.name}] make prepare")
            ok = self.builder.prepare(first)
        if not ok and was_partial:
            self.whole_tree("make prepare failed")
            ok = self.builder.prepare(first)
        if ok:
            self.progress(f"{', '.join(c.name for c in cfgs[1:])}: start from a copy of "
                          f"{first.name}'s build directory")
            for c in cfgs[1:]:
                self.builder.seed(first, c)

    def prove_lines(self):
        """The changed-line proof (JMake's idea: show the compiler sees each
        changed line).

        Which lines: every line the final diff base..tip adds, in .c and .h
        files, that has code outside comments and is not part of a
        preprocessor directive (clines.classify() follows comments, strings
        and line splices across lines to decide).

        Method: at the tip, each such line gets a unique token
        __movops_line_<file>_<line> inserted in front of its first code
        token; then, in every configuration, kbuild's own preprocessing
        step (the command of make O=<build dir> foo.i, derived from the tip
        build's foo.o command: Builder.preprocess()) runs for every affected
        object, with exactly the flags of the real compilation, and the
        tokens are looked for in the output.  The preprocessor passes an identifier through
        unchanged exactly when the text around it is compiled: a line inside
        an #if branch not taken, in a header no built object includes, or
        dropped by a macro that discards its argument, loses its token; a
        line whose token survives reaches the compiler proper.  A line is
        proven when its token survives in at least one configuration; the
        others are listed as file:line and fail the check.  The marked files
        are put back afterwards (and on the next run if interrupted).
        """
        r = self.results["changed-lines"]
        t0 = time.monotonic()
        s = self.series
        tip = self.tree(s.tip)
        plan, skipped = {}, []
        for fc in self.changes:
            if not fc.path or not ser.is_c(fc.path) or not fc.added:
                continue
            text = tip.read(fc.path)
            if text is None:
                continue
            info = clines.classify(text)
            tl = text.split("\n")
            lines = []
            for ln in fc.added:
                if clines.eligible(info, ln):
                    lines.append(ln)
                else:
                    skipped.append((fc.path, ln, clines.why_not(info, ln, tl[ln - 1] if ln <= len(tl) else "")))
            if lines:
                plan[fc.path] = (lines, text, info)
        files = sorted(plan)
        plan_key = sha256_text(*[f"{f}:{plan[f][0]}" for f in files])
        cfgs = [c for c in self.configs if not c.error]
        found = {}
        todo = []
        for cfg in cfgs:
            objs = [o for o, e in self.states[(s.tip, cfg.name)]["objects"].items()]
            key = self.key(kind="lines", tree=s.commits[-1].tree, config=cfg.fingerprint,
                           objs=objs, plan=plan_key, vars=self.builder.make_vars)
            got = self.store.get("lines", key)
            if got is not None:
                found[cfg.name] = {tuple(x) for x in got}
            else:
                todo.append((cfg, objs, key))
        if todo and files:
            self.at(s.tip)
            self.progress(f"changed-line proof: marking {sum(len(plan[f][0]) for f in files)} "
                          f"lines in {len(files)} files, preprocessing in "
                          f"{', '.join(c.name for c, _, _ in todo)}")

            def one(item):
                cfg, objs, key = item
                # Objects compiled (or found up to date) by make at the tip
                # in this run: their command files are the tip's.
                built = []
                if (s.tip, cfg.name) in self.built_here:
                    tip = self.states[(s.tip, cfg.name)]
                    built = [o for o, e in tip["objects"].items() if e["ok"]]
                outs, log = self.builder.preprocess(cfg, objs, built)
                hits = set()
                for o, text in outs.items():
                    for fid, ln in clines.found_markers(text or ""):
                        if fid < len(files):
                            hits.add((files[fid], ln))
                missing = [o for o, t in outs.items() if t is None]
                return cfg, key, hits, missing

            def attempt():
                try:
                    for fid, f in enumerate(files):
                        lines, text, info = plan[f]
                        self.wt.write(f, clines.mark(text, lines, fid, info))
                    with ThreadPoolExecutor(max_workers=len(todo)) as ex:
                        return list(ex.map(one, todo))
                finally:
                    self.wt.restore(files)

            was_partial = self.wt.partial
            got = attempt()
            if was_partial and any(missing for _, _, _, missing in got):
                self.whole_tree("preprocessing failed")
                got = attempt()
            for cfg, key, hits, missing in got:
                found[cfg.name] = hits
                if missing:
                    r.details.append(f"{cfg.name}: note: no preprocessor output for "
                                     f"{', '.join(missing)}")
                else:
                    self.store.put("lines", key, sorted(hits))
        elif not files:
            for cfg, _, key in todo:
                found[cfg.name] = set()
        total = [(f, ln) for f in files for ln in plan[f][0]]
        covered_by = {}
        for name, hits in found.items():
            for h in hits:
                covered_by.setdefault(h, []).append(name)
        uncovered = [(f, ln) for f, ln in total if (f, ln) not in covered_by]
        for f, ln in uncovered:
            text = plan[f][1].split("\n")[ln - 1].strip()
            r.fail(f"{f}:{ln}: not compiled in any configuration: {text}")
        r.count = len(uncovered)
        per_cfg = ", ".join(f"{c.name} {len(found.get(c.name, ()))}" for c in cfgs)
        r.summary = (f"{len(total) - len(uncovered)}/{len(total)} changed lines compiled "
                     f"({per_cfg}); {len(skipped)} not code")
        r.data = {"lines": len(total), "uncovered": [f"{f}:{l}" for f, l in uncovered],
                  "not_code": [f"{f}:{l} ({why})" for f, l, why in skipped],
                  "covered_by": {f"{f}:{l}": v for (f, l), v in sorted(covered_by.items())}}
        if not total:
            r.summary = f"no changed lines of C code ({len(skipped)} not code)"
        r.time_s += time.monotonic() - t0

    def evaluate_builds(self):
        s = self.series
        b, sp, bi = self.results["build"], self.results["sparse"], self.results["bisect"]
        cfgs = [c for c in self.configs if not c.error]
        t0 = time.monotonic()
        if not cfgs:
            for r in (b, sp, bi):
                r.fail("no configuration could be made (see configs)")
            return
        built_anywhere = set()
        new_warn = errors = new_sparse = 0
        for cfg in cfgs:
            base = self.states[(s.base, cfg.name)]["objects"]
            tip_state = self.states[(s.tip, cfg.name)]
            tip = tip_state["objects"]
            for e in tip_state.get("make_errors", []):
                b.fail(f"[{cfg.name}] make: {e}")
                errors += 1
            for o, e in sorted(tip.items()):
                built_anywhere.add(o)
                if not e["ok"]:
                    errors += 1
                    b.fail(f"[{cfg.name}] {o} does not build at the tip: " + _first_errors(e))
                    continue
                bo = base.get(o)
                if bo is not None and not bo["ok"]:
                    b.fail(f"[{cfg.name}] {o} does not build at the base either: "
                           + _first_errors(bo))
                    continue
                old = (bo["cc"] + bo["objtool"]) if bo else []
                for d in diag.new_diags(old, e["cc"] + e["objtool"]):
                    new_warn += 1
                    b.fail(f"[{cfg.name}] {o}: new {diag.fmt(d)}")
                old_sp = bo["sparse"] if bo else []
                for d in diag.new_diags(old_sp, e["sparse"]):
                    new_sparse += 1
                    sp.fail(f"[{cfg.name}] {o}: new {diag.fmt(d)}")
        tip = self.tree(s.tip)
        for o in self.objects:
            # An object only a commit in the middle had is bisection's.
            if o not in built_anywhere and tip.exists(o[:-2] + ".c"):
                why = "; ".join(f"{c.name}: {self.states[(s.tip, c.name)]['skipped'].get(o, '?')}"
                                for c in cfgs)
                b.fail(f"{o}: built in no configuration ({why})")
                errors += 1
        n_objs = len(built_anywhere)
        b.count = errors + new_warn
        b.summary = (f"{n_objs} objects x {len(cfgs)} configs at base and tip; "
                     f"{errors} failing, {new_warn} new warnings")
        base_sparse = sum(len(e["sparse"]) for c in cfgs
                          for e in self.states[(s.base, c.name)]["objects"].values())
        sp.count = new_sparse
        sp.summary = (f"{new_sparse} new sparse warnings ({base_sparse} at the base, "
                      "matched without line numbers)")
        # Bisection: every commit, every configuration.
        bad_steps = 0
        for i, c in enumerate(s.commits, 1):
            for cfg in cfgs:
                st = self.states[(c.sha, cfg.name)]
                base = self.states[(s.base, cfg.name)]["objects"]
                problems = []
                for e in st.get("make_errors", []):
                    problems.append(f"make: {e}")
                for o, e in sorted(st["objects"].items()):
                    if not e["ok"]:
                        problems.append(f"{o} does not build: " + _first_errors(e))
                        continue
                    bo = base.get(o)
                    if bo is not None and not bo["ok"]:
                        continue
                    old = (bo["cc"] + bo["objtool"]) if bo else []
                    for d in diag.new_diags(old, e["cc"] + e["objtool"]):
                        problems.append(f"{o}: new {diag.fmt(d)}")
                if problems:
                    bad_steps += 1
                    bi.fail(f"commit {i}/{len(s.commits)} {c.sha[:12]} {c.subject!r} "
                            f"[{cfg.name}]:\n  " + "\n  ".join(problems[:8]))
        bi.count = bad_steps
        # How each commit was built: make, or its recorded compile commands
        # (Builder.build()); a build taken from the store says how it was made.
        builds = [{"commit": c.sha, "config": cfg.name,
                   "how": self.states[(c.sha, cfg.name)].get("how", "make"),
                   "why_make": self.states[(c.sha, cfg.name)].get("why_make", "")}
                  for c in s.commits for cfg in cfgs]
        direct = sum(1 for b in builds if b["how"].startswith("direct"))
        bi.data = {"builds": builds}
        bi.summary = (f"{len(s.commits)} commits x {len(cfgs)} configs; "
                      f"{bad_steps} failing ({direct} of {len(builds)} built without make)")
        b.time_s += time.monotonic() - t0

    def start_configspace(self):
        """The configuration-space proof (configspace.py) at the base and
        every commit, in the background: it reads git only.  Stored per
        commit content."""
        s = self.series

        def work():
            t0 = time.monotonic()
            base_files = self.api_files(s.base)
            steps = [("base", s.base, s.base_tree, "base")] + [
                (f"{i}/{len(s.commits)}", c.sha, c.tree, c.subject)
                for i, c in enumerate(s.commits, 1)]
            out, kc, prev, tip = [], None, None, None
            for label, sha, tree_id, subject in steps:
                key = self.key(kind="configspace", tree=tree_id, version=configspace.VERSION)
                got = self.store.get("configspace", key)
                need_facts = sha == s.tip and bool(self.user_configs)
                if got is None or need_facts:
                    tree = self.tree(sha)
                    files = (base_files if sha == s.base else
                             ser.api_files_from(s.kdir, sha, s.base, base_files))
                    # The Kconfig index costs a second: made again only
                    # where a commit changes a Kconfig file.
                    if kc is None or git(s.kdir, "diff", "--name-only", prev, sha, "--",
                                         "*Kconfig*").strip():
                        kc = kbuild.Kconfig(tree)
                    f = configspace.facts(tree, files)
                    syms = configspace.model(f, kc)
                    if sha == s.tip:
                        tip = (f, syms)
                    if got is None:
                        got = configspace.verdict_json(configspace.prove(f, syms))
                        self.store.put("configspace", key, got)
                prev = sha
                out.append(dict(got, label=label, commit=sha, subject=subject))
            return out, tip, time.monotonic() - t0

        self._configspace = self.pool.submit(work)

    def check_configspace(self):
        r = self.results["configspace"]
        s = self.series
        verdicts, tip, dt = self._configspace.result()
        t0 = time.monotonic()
        last = verdicts[-1]
        r.summary = last["summary"]
        r.count = last["failing"]
        if not last["ok"]:
            r.fail()
            for g in last["groups"]:
                r.details.append(f"{g['key']}: {g['count']} of {last['valid']} assignments; "
                                 f"first: {g['first']}: {g['problem']}")
        for v in verdicts[:-1]:
            if not v["ok"]:
                r.details.append(f"note: commit {v['label']} {v['commit'][:12]} "
                                 f"{v['subject']!r}: {v['summary']}"
                                 + ("; the tip fixes it" if last["ok"] else ""))
        for n in last["notes"]:
            r.details.append(f"note: not modelled: {n}")
        agree = {}
        users = [c for c in self.configs if c.plan.text and not c.error]
        if users and tip is not None:
            f, syms = tip
            self.at(s.tip)
            for cfg in users:
                agree[cfg.name] = self._agreement(cfg, f, syms)
                ok, lines = agree[cfg.name]["ok"], agree[cfg.name]["lines"]
                if not ok:
                    r.fail()
                for line in lines:
                    r.details.append(f"[{cfg.name}] {'' if ok else 'disagrees: '}{line}")
            r.summary += "; " + ", ".join(
                f"{n} build {'agrees' if a['ok'] else 'DISAGREES'}" for n, a in agree.items())
        r.data = {"commits": verdicts, "agreement": agree}
        r.time_s += dt + time.monotonic() - t0

    def _agreement(self, cfg, f, syms):
        """The proof's verdict for CFG's own assignment against the
        preprocessed dispatch and users of a real build at the tip."""
        s = self.series
        files = sorted({f.host} | {site.file for _, site in f.users})
        objs = [p[:-2] + ".o" for p in files if p.endswith(".c")]
        key = self.key(kind="agreement", tree=s.commits[-1].tree, config=cfg.fingerprint,
                       objs=objs, version=configspace.VERSION)
        got = self.store.get("agreement", key)
        if got is not None:
            return got
        enabled, _ = self.enabled_objects(s.tip, cfg)
        objs = [o for o in objs if o in enabled]
        built = [o for o, e in self.states[(s.tip, cfg.name)]["objects"].items() if e["ok"]]
        texts, _ = self.builder.preprocess(cfg, objs, built)
        ok, lines = configspace.agreement(
            f, syms, cfg.values, {o[:-2] + ".c": t for o, t in texts.items() if t})
        got = {"ok": ok, "lines": lines}
        self.store.put("agreement", key, got)
        return got

    def start_old_api(self):
        """Run spatch and grep on the tip's candidate files, taken from git
        (no worktree needed), in the background.  Results are stored per
        file content, so a series that differs from one verified before
        (another commit on top) only has its changed files searched."""
        s = self.series
        cocci = sha256_text(oldapi.COCCI.read_text())

        def work():
            t0 = time.monotonic()
            files = self.api_files(s.tip)
            blobs = ser.blob_ids(s.kdir, s.tip, files)
            keys = {f: self.key(kind="oldapi", path=f, blob=blobs.get(f), cocci=cocci)
                    for f in files}
            hits, todo, err = [], [], ""
            for f in files:
                got = self.store.get("oldapi", keys[f])
                if got is None:
                    todo.append(f)
                else:
                    hits += [tuple(h) for h in got]
            if todo:
                self.progress(f"old-api-gone: spatch (report mode) and grep over {len(todo)} "
                              "files of the tip")
                with tempfile.TemporaryDirectory(prefix="oldapi-", dir=self.root) as d:
                    new, err = oldapi.check(s.kdir, s.tip, todo, d, self.jobs)
                hits += new
                if not err:
                    for f in todo:
                        self.store.put("oldapi", keys[f], [h for h in new if h[0] == f])
            return {"hits": sorted(hits), "files": files, "err": err}, time.monotonic() - t0

        self._old_api = self.pool.submit(work)

    def check_old_api(self):
        r = self.results["old-api-gone"]
        got, dt = self._old_api.result()
        for f, l, msg, src in got["hits"]:
            r.fail(f"{f}:{l}: {msg} [{src}]")
        if got["err"]:
            r.fail(f"spatch failed: {got['err']}")
        r.count = len(got["hits"])
        r.summary = (f"{len(got['hits'])} uses of the old API in {len(got['files'])} "
                     "candidate files (spatch report mode + grep)")
        r.time_s += dt

    def patches(self):
        """The numbered patches of the series, made the way apply-series.sh
        makes them (its format-patch options, no cover letter: that one is
        apply-series' own text)."""
        if getattr(self, "_patches", None) is None:
            s = self.series
            d = Path(tempfile.mkdtemp(prefix="patches-", dir=self.root))
            self._patch_dir = d
            self._patches = golden.format_patches(s.kdir, s.base, s.tip, d)
        return self._patches

    def start_checkpatch(self):
        """checkpatch.pl of the tree on every patch, in the background.  It
        runs in the worktree while the builds move it from commit to commit;
        what it reads there (its scripts, MAINTAINERS) is named in the key
        of its stored results as the tip's content."""
        s = self.series
        patches = self.patches()

        inputs = ser.blob_ids(s.kdir, s.tip, list(cp.INPUTS))
        inputs_key = sha256_text(*[f"{f}:{inputs.get(f)}" for f in cp.INPUTS],
                                 self.tools, self.code)

        def work():
            t0 = time.monotonic()
            self.ensure_tree()
            res, err = cp.check(self.wt.path, patches, self.store, inputs_key)
            return res, err, time.monotonic() - t0

        self.progress(f"checkpatch: {len(patches)} patches (in the background)")
        self._checkpatch = self.pool.submit(work)

    def check_checkpatch(self):
        r = self.results["checkpatch"]
        res, err, dt = self._checkpatch.result()
        if res is None:
            r.fail(err)
        else:
            n_err = n_warn = 0
            for name in sorted(res):
                for f in res[name]:
                    line = f"{f['where']}: {f['level']}:{f['type']}: {f['msg']}"
                    if f["level"] == "ERROR":
                        n_err += 1
                        r.fail(line)
                    else:
                        n_warn += 1
                        r.details.append(line)
            r.count = n_err
            r.summary = f"{len(res)} patches: {n_err} errors, {n_warn} warnings/checks"
            r.details.sort(key=lambda l: ": ERROR:" not in l)
        r.time_s += dt

    def check_golden(self):
        r = self.results["golden"]
        t0 = time.monotonic()
        s = self.series
        prereqs = golden.series_prereqs(s.kdir, [c.sha for c in s.commits])
        golden.check(r, s.kdir, s.base, self.patches(), prereqs)
        r.time_s += time.monotonic() - t0

    def cleanup(self):
        self.pool.shutdown(wait=True)
        d = getattr(self, "_patch_dir", None)
        if d and d.exists():
            for p in d.iterdir():
                p.unlink()
            d.rmdir()


MARKER = ".movops-verify"


def claim_root(root):
    """Make ROOT a verify directory; refuse a non-empty directory that is not
    one already (the verifier deletes and rewrites things inside it)."""
    if root.exists() and any(root.iterdir()) and not (root / MARKER).exists():
        raise BadInput(f"--build-dir {root} is not empty and was not made by verify.py; "
                       "give a new or empty directory")
    root.mkdir(parents=True, exist_ok=True)
    (root / MARKER).write_text("verify.py cache directory: worktree, build "
                               "directories and stored results; safe to delete\n")


def _failure(state):
    """What went wrong in a build, in a few words; '' when nothing did."""
    if state["make_errors"]:
        return state["make_errors"][0][:200]
    for o, e in sorted(state["objects"].items()):
        if not e["ok"]:
            return f"{o} did not build ({_first_errors(e)[:200]})"
    if state["rc"] != 0:
        return f"make exited {state['rc']}"
    return ""


def _first_errors(entry):
    errs = [d for d in entry["cc"] if d["severity"] == "error"]
    if errs:
        return "; ".join(diag.fmt(d) for d in errs[:3])
    return entry.get("why", "object not produced")


def verify(kdir, branch=ser.DEFAULT_BRANCH, base=None, build_dir=None, quiet=False,
           jobs=None, extra_checks=(), user_configs=()):
    """Run every check; returns (results, series, extra).

    EXTRA_CHECKS: callables f(verification) -> CheckResult (or a list of
    them), run last, whose rows follow the standard ones (the place for the
    runtime boot check).
    Raises BadInput for input that cannot be verified.
    """
    progress = Progress(quiet)
    t_all = time.monotonic()
    series = ser.resolve(kdir, branch, base)
    progress(f"{series.kdir}: {series.describe()}, Linux {series.version}")
    ensure_deps()
    root = Path(build_dir).expanduser().resolve() if build_dir else default_root(series.kdir)
    if root == series.kdir or series.kdir in root.parents:
        raise BadInput(f"--build-dir {root} is inside {series.kdir}; the tree gets no "
                       "build products: choose a directory outside it")
    claim_root(root)
    with Lock(root / "lock",
              waiting=lambda p: progress(f"waiting for another verify run using {p.parent}")):
        v = Verification(series, root, progress, jobs, user_configs)
        try:
            v.start_worktree()
            v.start_defconfig()
            v.start_grep()
            v.start_configspace()
            v.start_old_api()
            v.analyse()
            progress(f"{len(v.objects)} affected objects: {' '.join(v.objects)}")
            v.complete_tree()
            # checkpatch fills the cores that the configuration's serial
            # steps (defconfig, conf) leave idle.
            v.start_checkpatch()
            v.configure()
            v.build_all()
            v.prove_lines()
            v.evaluate_builds()
            v.check_old_api()
            v.check_configspace()
            v.check_checkpatch()
            v.check_golden()
            results = [v.results[n] for n in CHECKS]
            for f in extra_checks:
                out = f(v)
                results += out if isinstance(out, list) else [out]
        finally:
            v.cleanup()
    extra = {"time_s": round(time.monotonic() - t_all, 2), "build_root": str(root),
             "cache": {"hits": v.store.hits, "misses": v.store.misses},
             "objects": v.objects}
    return results, series, extra
