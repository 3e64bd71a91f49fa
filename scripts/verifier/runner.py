# SPDX-License-Identifier: GPL-2.0
"""verify(): run every check on a series and collect one result per check.

The expensive work is shared.  The worktree (a partial checkout: what the
builds read) walks the base and then every commit of the series once,
oldest first; at each commit every configuration builds the affected
objects once (in parallel, each in its own build directory; with sparse at
the base and the tip).  The configurations start from one defconfig, and
all but the first start their build directory from a copy of the first
one's after 'make prepare'.  Those builds fill the build matrix
(matrix.py), of which the build check (base and tip), the sparse check
(base and tip) and the bisection check (every commit) are pure functions
(checks/).  At the tip the changed-line proof preprocesses the same objects in the same build directories, spatch
looks for the old API and checkpatch reads the patches.  Every step's
result is stored under a key made of all its inputs, so a second run on the
same series rebuilds nothing, and a series that shares its base and some
commits with one verified before (a fix on top, a reworded commit) only
builds its own commits and only searches and checks its changed files and
patches.
"""
import os
import re
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from core import fingerprint as code
from core.proc import git
from kbuildengine import targets as tg
from kbuildengine.build import Builder, flavour
from kbuildengine.files import config_selection, source_selection
from kbuildengine.slots import Slots
from kbuildengine.store import ResultStore, sha256_text, tool_versions
from movops import kbuild, upstreamgit
from movops import upstream as U
from movops.tree import Tree

from . import checkpatch as cp
from . import configs, configspace, golden, kerneldoc, oldapi, users
from . import commits as ser
from .checks import bisect as check_bisect
from .checks import build as check_build
from .checks import checkpatch as check_checkpatch
from .checks import kerneldoc as check_kerneldoc
from .checks import users as check_users
from .checks import w1 as check_w1
from .checks import configs as check_configs
from .checks import configspace as check_configspace
from .checks import lines as check_lines
from .checks import oldapi as check_oldapi
from .checks import sparse as check_sparse
from .checks import stable as check_stable
from .matrix import Engine, Matrix
from .report import CHECKS, SKIP, CheckResult, target_row
from .worktree import Worktree


class Verification:
    """One run: schedules the work (the worktree, the configurations, the
    build matrix, the background searches) and hands what it gave to the
    checks (checks/, and the modules of the others), in the order verify()
    calls its methods: start_*() first, then analyse(), complete_tree(),
    configure(), build_matrix(), prove_lines(), evaluate_builds() and the
    check_*() that collect the background work."""

    def __init__(self, series, root, progress, jobs=None, user_configs=(), targets=None,
                 not_covered=None):
        self.series = series
        self.user_configs = list(user_configs)
        self.root = Path(root)
        self.progress = progress
        self.jobs = jobs or os.cpu_count() or 2
        self.store = ResultStore(self.root / "results")
        # The targets built (targets.Target, the first the one whose
        # configurations are derived in full: the host's), and those asked
        # for that cannot be had, with the reason.
        self.targets = list(targets) if targets else [tg.TARGETS[tg.HOST]]
        self.not_covered = dict(not_covered or {})
        self.tools = tool_versions()
        self.code = code.fingerprint(["verifier"], ["scripts/verifier/*.cocci"])
        self.wt = Worktree(series.kdir, self.root / "src", progress)
        # One builder per target and warning level (W=1: the bots'
        # extra warnings), sharing the cores.
        slots = Slots(self.jobs)
        self.builders = {flavour(t, w): Builder(self.root, self.wt, progress, self.jobs,
                                                 self.store, self.tools, t, w, slots)
                         for t in self.targets for w in ("", "1")}
        self.builder = self.builders[flavour(self.targets[0])]
        self.engine = Engine(series, self.builders, self.store, self.key, progress, self.at,
                             self.whole_tree, self.wt)
        self.results = {name: CheckResult(name) for name in CHECKS}
        # Seconds spent building for a check, added to its result's.
        self.spent = {"build": 0.0, "sparse": 0.0, "bisect": 0.0}
        self.trees = {}
        self.tree_ready = False
        # Enough workers that no task queued behind ones waiting for it.
        self.pool = ThreadPoolExecutor(max_workers=8)
        # What analyse() finds.
        self.changes = []
        self.objects = []
        self.reasons = {}
        self.kconfig = None
        self.plans = []             # the first target's
        self.jobs_cfg = []          # (builder, plan): every configuration to make
        self.plan_notes = []
        self.obj_notes = {}
        self.users = users.Users()
        self.series_objects = []
        self._kerneldoc = None
        # What configure() makes, and the matrix build_matrix() fills.
        self.configs = []
        self.matrix = Matrix(series.base, [c.sha for c in series.commits], [])
        self.patch_dir = None
        self.patch_files = None
        # The background work, started by the start_*() methods.
        self._wt_future = None
        self._prepare_future = None
        self._seed_future = None
        self._api = {}
        self._configspace = None
        self._old_api = None
        self._checkpatch = None

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
        arches = sorted({t.srcarch for t in self.targets})
        self._wt_future = self.pool.submit(
            self.wt.ensure, s.base, source_selection(arches), dirs, (s.tip,),
            config_selection(arches))

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
        commit_changes = ser.commit_changes(s) if len(s.commits) > 1 else []
        self.objects, self.reasons = ser.affected_objects(
            s, self.changes, self.api_files(s.base), self.api_files(s.tip), commit_changes)
        self.series_objects = list(self.objects)
        # Every user of a definition the series changes is built too, on
        # the targets where its option exists (users.py).
        self.users = users.find(s, self.changes + commit_changes)
        for o in self.users.objects():
            names = self.users.files[o[:-2] + ".c"]
            why = f"uses {', '.join(names[:4])}{' ...' if len(names) > 4 else ''}, changed"
            if o not in self.reasons:
                self.objects.append(o)
            self.reasons.setdefault(o, []).append(why)
        self.objects.sort()
        self.kconfig = kbuild.Kconfig(Tree(s.kdir, s.base))
        first = self.targets[0]
        self.plans, self.plan_notes, self.obj_notes = configs.plan(
            s, self.changes, self.objects, self.kconfig, first.srcarch, first.fixed_off,
            first.name)
        # The user's configurations are their machines' (x86_64, as the
        # distributions' that --config is for): the host's target builds
        # them, and without it nothing does.
        if first.name == tg.HOST:
            self.plans += configs.user_plans(self.user_configs)
        elif self.user_configs:
            self.plan_notes.append(f"--config not built: {tg.HOST} is not among the targets")
        # The other targets build the first configuration ('full', every
        # option the objects need) of their own architecture; each target
        # builds its configurations once more with W=1.
        self.jobs_cfg = [(self.builder, p) for p in self.plans]
        full = {first.name: self.plans[0]}
        for t in self.targets[1:]:
            same = (t.srcarch, t.fixed_off) == (first.srcarch, first.fixed_off)
            full[t.name] = (self.plans[0] if same else configs.plan(
                s, self.changes, self.objects, self.kconfig, t.srcarch, t.fixed_off,
                t.name)[0][0])
            self.jobs_cfg.append((self.builders[flavour(t)], full[t.name]))
        self.jobs_cfg += [(self.builders[flavour(t, "1")], full[t.name]) for t in self.targets]

    def configure(self):
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

        def derive(job):
            b, p = job
            own = b is self.builder and seed and p in need
            cfg = b.configure(p, self.kconfig, self.series.base_tree,
                              b.bdir_of(p) if own else None, retry)
            # The first configuration's 'make prepare' (which the others
            # then copy: share_prepare()) need not wait for the others'
            # derivations; it fills the cores their serial conf runs leave.
            if (b is self.builder and p is self.plans[0] and len(self.plans) > 1
                    and not cfg.error and b.fresh(cfg)):
                self.progress(f"[{cfg.name}] make prepare (while the other configurations "
                              "are derived)")
                self._prepare_future = self.pool.submit(b.prepare, cfg)
            return cfg

        # A W= builder derives nothing: it finds its target's configuration
        # in the store (the key leaves W= out), so it comes second.
        plain = [j for j in self.jobs_cfg if not j[0].warn]
        warn = [j for j in self.jobs_cfg if j[0].warn]
        with ThreadPoolExecutor(max_workers=max(1, len(plain))) as ex:
            self.configs = list(ex.map(derive, plain))
        with ThreadPoolExecutor(max_workers=max(1, len(warn))) as ex:
            self.configs += list(ex.map(derive, warn))
        if self.configs and not any(c.error for c in self.configs):
            self.store.put("seeded", self.builder.seed_key(self.series.base_tree), True)
        for cfg in self.configs:
            cfg.failed += [a for a in cfg.plan.selected if cfg.values.get(a) != "y"
                           and a not in cfg.failed]
        dt = time.monotonic() - t0
        obj_opts = set()
        for obj in self.objects:
            try:
                obj_opts |= set(kbuild.obj_atoms(self.tree(self.series.tip), obj[:-2] + ".c"))
            except kbuild.NotDerivable:
                pass
        self.results["configs"] = r = check_configs.check(
            self.configs, self.objects, self.reasons, self.plan_notes, obj_opts)
        r.time_s += dt
        self.matrix = Matrix(self.series.base, [c.sha for c in self.series.commits],
                             [c.name for c in self.good_configs()])

    def build_matrix(self):
        """Every commit in every configuration that could be made, base
        first (matrix.Engine.build())."""
        s = self.series

        def spent(sha, dt):
            self.spent["build" if sha in (s.base, s.tip) else "bisect"] += dt

        self.engine.build(self.matrix, self.good_configs(), self.objects, self.tree,
                          self.share_prepare, spent)

    def good_configs(self):
        return [c for c in self.configs if not c.error]

    def share_prepare(self, cfgs):
        """When several configurations of a target build for the first
        time, the first one runs 'make prepare' alone (the host target's
        started by configure() as soon as its configuration was derived)
        and the others start from a copy of its build directory
        (Builder.seed()): the host programs and the architecture's
        generated files are made once per target instead of once per
        configuration.  The targets' groups prepare side by side."""
        early, self._prepare_future = self._prepare_future, None
        ok = early.result() if early is not None else None
        groups = {}
        for c in cfgs:
            groups.setdefault(c.target.name, []).append(c)

        def one(group, ok):
            b = self.engine.builder(group[0])
            if len(group) < 2 or not all(b.fresh(c) for c in group[1:]):
                return
            first = group[0]
            was_partial = self.wt.partial
            if ok is None:
                if not b.fresh(first):
                    return
                self.progress(f"[{first.name}] make prepare")
                ok = b.prepare(first)
            if not ok and was_partial:
                self.whole_tree("make prepare failed")
                ok = b.prepare(first)
            if ok:
                self.progress(f"{', '.join(c.name for c in group[1:])}: start from a copy "
                              f"of {first.name}'s build directory")
                for c in group[1:]:
                    b.seed(first, c)

        with ThreadPoolExecutor(max_workers=max(1, len(groups))) as ex:
            futures = [ex.submit(one, g, ok if g[0].plan is self.plans[0] and not g[0].flavour
                                 else None) for g in groups.values()]
            for f in futures:
                f.result()

    def prove_lines(self):
        """The changed-line proof (checks/lines.py): mark, preprocess at
        the tip, judge.  Every target's builds count; W= changes no line's
        preprocessing, so its builds are not asked."""
        t0 = time.monotonic()
        plan, skipped = check_lines.select(self.changes, self.tree(self.series.tip).read)
        cfgs = [c for c in self.good_configs() if not c.warn]
        self.engine.mark_lines(self.matrix, cfgs, plan, check_lines.plan_key(plan))
        self.results["changed-lines"] = r = check_lines.check(
            self.matrix.view([c.name for c in cfgs]), plan, skipped)
        r.time_s += time.monotonic() - t0

    def buildable(self, obj, target):
        """Whether OBJ can be built for TARGET at all: it is not under
        another architecture's arch/ directory, and no option of its obj-
        lines is another architecture's (configs.other_arch()) or depends
        on a symbol the target cannot set (configs.fixed_off_clash())."""
        m = re.match(r"arch/([^/]+)/", obj)
        if m:
            return m.group(1) == target.srcarch
        try:
            atoms = kbuild.obj_atoms(self.tree(self.series.tip), obj[:-2] + ".c")
        except kbuild.NotDerivable:
            return True
        return not any(configs.other_arch(self.kconfig, a, target.srcarch)
                       or configs.fixed_off_clash(self.kconfig, a, target.fixed_off)
                       for a in atoms)

    def evaluate_builds(self):
        """The rows of the builds: one per target (the first target's is
        'build'), W=1, sparse (the host's builds), bisect (every commit
        before the tip in every build), and the users of the changed
        definitions per target."""
        t0 = time.monotonic()
        tip = self.tree(self.series.tip)
        at_tip = {o for o in self.objects if tip.exists(o[:-2] + ".c")}
        good = self.good_configs()
        first = self.targets[0]
        expected = {t.name: [o for o in self.objects if self.buildable(o, t)]
                    for t in self.targets}
        # The users' own objects (not the series' files, nor users of the
        # API before) are the users row's to judge; the build rows judge
        # the rest.
        user_only = set(self.users.objects()) - set(self.series_objects)
        per_target = {}
        for t in self.targets:
            names = [c.name for c in good if c.target is t and not c.warn]
            r = check_build.check(self.matrix.view(names), expected[t.name], at_tip,
                                  name=target_row(t.name), target=t.name, skip=user_only)
            r.time_s += self.spent["build"] * len(names) / max(1, len(good))
            self.results[r.name] = r
            per_target[t.name] = self.matrix.view(names)
        for name, why in self.not_covered.items():
            r = self.results[target_row(name)] = CheckResult(target_row(name), status=SKIP)
            r.summary = f"not covered: {why}"
        self.results["w1"] = check_w1.check(self.matrix.view([c.name for c in good]),
                                            skip=user_only)
        host = [c.name for c in good if not c.flavour]
        if host:
            r = check_sparse.check(self.matrix.view(host))
            r.time_s += self.spent["sparse"]
        else:
            r = CheckResult("sparse", status=SKIP,
                            summary=f"sparse runs in the {tg.HOST} builds, not selected")
        self.results["sparse"] = r
        r = check_bisect.check(self.matrix.view([c.name for c in good if not c.warn]),
                               self.series)
        r.time_s += self.spent["bisect"]
        self.results["bisect"] = r
        self.results["users"] = check_users.check(
            self.users, {t: [o for o in expected[t] if o in self.users.objects()]
                         for t in expected},
            per_target, self.not_covered, user_only)
        self.results[target_row(first.name)].time_s += time.monotonic() - t0

    def start_kerneldoc(self):
        """kernel-doc on the files the series changes, at the base and
        every commit (verifier/kerneldoc.py), in the background: it reads
        git only."""
        s = self.series
        files = kerneldoc.files_of(self.changes)

        def work():
            t0 = time.monotonic()
            runs = {sha: kerneldoc.run_at(s.kdir, sha, files, self.store, self.root)
                    for sha in [s.base] + [c.sha for c in s.commits]}
            return runs, files, time.monotonic() - t0

        self._kerneldoc = self.pool.submit(work)

    def check_kerneldoc(self):
        runs, files, dt = self._kerneldoc.result()
        self.results["kernel-doc"] = r = check_kerneldoc.check(runs, files, self.series)
        r.time_s += dt

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
        s = self.series
        verdicts, tip, dt = self._configspace.result()
        t0 = time.monotonic()
        agree = {}
        users = [c for c in self.configs if c.plan.text and not c.error]
        if users and tip is not None:
            f, syms = tip
            self.at(s.tip)
            for cfg in users:
                agree[cfg.name] = self._agreement(cfg, f, syms)
        self.results["configspace"] = r = check_configspace.check(verdicts, agree)
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
        enabled, _ = self.engine.enabled_objects(self.tree(s.tip), self.objects, cfg)
        texts = self.engine.preprocessed(self.matrix, cfg, [o for o in objs if o in enabled])
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
                with tempfile.TemporaryDirectory(prefix=f"oldapi-{os.getpid()}-",
                                                 dir=self.root) as d:
                    new, err = oldapi.check(s.kdir, s.tip, todo, d, self.jobs)
                hits += new
                if not err:
                    for f in todo:
                        self.store.put("oldapi", keys[f], [h for h in new if h[0] == f])
            return {"hits": sorted(hits), "files": files, "err": err}, time.monotonic() - t0

        self._old_api = self.pool.submit(work)

    def check_old_api(self):
        got, dt = self._old_api.result()
        self.results["old-api-gone"] = r = check_oldapi.check(got["hits"], got["files"],
                                                              got["err"])
        r.time_s += dt

    def patches(self):
        """The numbered patches of the series, made the way apply-series.sh
        makes them (its format-patch options, no cover letter: that one is
        apply-series' own text)."""
        if self.patch_files is None:
            s = self.series
            self.patch_dir = Path(tempfile.mkdtemp(prefix=f"patches-{os.getpid()}-",
                                                   dir=self.root))
            self.patch_files = golden.format_patches(s.kdir, s.base, s.tip, self.patch_dir)
        return self.patch_files

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
        res, err, dt = self._checkpatch.result()
        self.results["checkpatch"] = r = check_checkpatch.check(res, err)
        r.time_s += dt

    def messages(self):
        return series_messages(self.series)

    def check_golden(self):
        r = self.results["golden"]
        t0 = time.monotonic()
        s = self.series
        prereqs = golden.series_prereqs(s.kdir, [c.sha for c in s.commits])
        golden.check(r, s.kdir, s.base, self.patches(), prereqs,
                     form=golden.form_of(self.messages()))
        r.time_s += time.monotonic() - t0

    def check_stable(self):
        """The stable row, for a series in the stable form; None otherwise."""
        return stable_row(self.series)

    def cleanup(self):
        self.pool.shutdown(wait=True)
        d = self.patch_dir
        if d and d.exists():
            for p in d.iterdir():
                p.unlink()
            d.rmdir()


def series_messages(series):
    """The full messages of SERIES' commits, oldest first."""
    out = git(series.kdir, "log", "--no-walk=unsorted", "--format=%B%x00",
              *[c.sha for c in series.commits])
    return [m.strip("\n") + "\n" for m in out.split("\0")[:len(series.commits)]]


def stable_row(series):
    """The stable row (checks/stable.py) of SERIES, with what it needs
    from git: the commits' messages and diffs, the upstream commits' diffs
    where the repository holds them, and the subjects of the commits that
    Fixes: tags name outside the table; None for a series in the default
    form."""
    msgs = series_messages(series)
    if golden.form_of(msgs) != golden.STABLE_FORM:
        return None
    t0 = time.monotonic()
    kdir = series.kdir
    table = U.load()
    commits = [check_stable.SeriesCommit(
        c.sha, m, git(kdir, "show", "--format=", "--no-color", "--no-renames", c.sha))
        for c, m in zip(series.commits, msgs)]
    have = upstreamgit.held(kdir, [e.sha for e in table.entries])
    diffs = {e.key: upstreamgit.diff(kdir, e.sha) if e.sha in have else None
             for e in table.entries}
    held = {}
    for sha in check_stable.fixes_shas(msgs):
        if table.by_sha(sha) is not None:
            continue
        res = git(kdir, "log", "-1", "--format=%H%x00%s", sha, "--", check=False, full=True)
        if res.returncode == 0 and "\0" in res.stdout:
            full, subject = res.stdout.strip("\n").split("\0", 1)
            held[full] = subject
    r = check_stable.check(commits, table, diffs, held)
    r.time_s += time.monotonic() - t0
    return r
