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
(checks/).  At the tip the changed-line proof preprocesses the same
objects in the same build directories; beside the builds (background.py)
spatch looks for the old API and checkpatch reads the patches.  Every step's
result is stored under a key made of all its inputs, so a second run on the
same series rebuilds nothing, and a series that shares its base and some
commits with one verified before (a fix on top, a reworded commit) only
builds its own commits and only searches and checks its changed files and
patches.
"""
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from core import fingerprint as code
from core.proc import git
from kbuildengine import targets as tg
from kbuildengine.build import Builder, flavour
from kbuildengine.files import config_selection, source_selection
from kbuildengine.slots import Slots
from kbuildengine.store import ResultStore, tool_versions
from movops import kbuild
from movops.tree import Tree

from . import analysis, configs, users
from . import checkpatch as cp
from . import commits as ser
from .checks import bisect as check_bisect
from .checks import build as check_build
from .checks import users as check_users
from .checks import w1 as check_w1
from .checks import configs as check_configs
from .checks import lines as check_lines
from .checks import sparse as check_sparse
from .background import Background
from .matrix import W1, Engine, Matrix, sparse_configs
from .report import CHECKS, SKIP, CheckResult, target_row
from .stablerow import stable_row
from .worktree import Worktree


class Verification:
    """One run: schedules the work (the worktree, the configurations, the
    build matrix; the background searches through its Background,
    background.py) and hands what it gave to the checks (checks/, and the
    modules of the others), in the order verify() calls its methods and
    its Background's: start_*() first, then analyse(), complete_tree(),
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
        # The background work: the worktree and defconfig, started by the
        # start_*() methods; the other checks' (background.py).
        self._wt_future = None
        self._prepare_future = None
        self._seed_future = None
        self.background = Background(self)

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
        texts = [Path(p).read_text(errors="surrogateescape") for p in self.background.patches()]
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
    def analyse(self):
        s = self.series
        self.changes = ser.changes(s)
        self.kconfig = kbuild.Kconfig(Tree(s.kdir, s.base))
        first = self.targets[0]
        # A function of the series, the targets and the code (the key): a
        # warm run takes it from the store.
        key = self.key(base=s.base, commits=[c.sha for c in s.commits],
                       targets=[t.name for t in self.targets])
        got = self.store.get("analysis", key)
        try:
            a = analysis.Analysis.from_json(got) if got is not None else None
        except (ValueError, KeyError, TypeError):
            a = None
        if a is None:
            a = analysis.analyse(s, self.changes, self.targets, self.kconfig,
                                 self.background.api_files)
            self.store.put("analysis", key, a.to_json())
        self.objects, self.reasons, self.series_objects = a.objects, a.reasons, a.series_objects
        self.users, self.plans = a.users, a.plans
        self.plan_notes, self.obj_notes = a.plan_notes, a.obj_notes
        # The user's configurations are their machines' (x86_64, as the
        # distributions' that --config is for): the host's target builds
        # them, and without it nothing does.
        derived_full = self.plans[0]
        if first.name == tg.HOST:
            # One of them that has everything 'full' would turn on is built
            # in its place (configs.with_users()).
            self.plans, notes = configs.with_users(
                self.plans, configs.user_plans(self.user_configs), self.kconfig)
            self.plan_notes = self.plan_notes + notes
        elif self.user_configs:
            self.plan_notes.append(f"--config not built: {tg.HOST} is not among the targets")
        # The other targets build the first configuration ('full', every
        # option the objects need) of their own architecture; each target
        # builds its first configuration once more with W=1.
        self.jobs_cfg = [(self.builder, p) for p in self.plans]
        full = {first.name: self.plans[0]}
        for t in self.targets[1:]:
            full[t.name] = a.other_full.get(t.name, derived_full)
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
                # The other targets' derivations start from their own
                # defconfig, with the host's kconfig programs.
                for b, p in self.jobs_cfg:
                    if b.target is not self.builder.target and not b.warn:
                        b.seed_programs(bdir, p)
                self.builder.take_seed(bdir, need[0])
                seed = bdir
        retry = lambda: self.whole_tree("deriving a configuration failed")  # noqa: E731

        def derive(job):
            b, p = job
            own = b is self.builder and seed and p in need
            cfg = b.configure(p, self.kconfig, self.series.base_tree,
                              b.bdir_of(p) if own else None, retry)
            # Its W=1 twin's configuration is the same: a copy, made before
            # anything builds in this directory.
            twin = self.builders.get(b.flavour + W1)
            if not b.warn and not cfg.error and (twin, p) in self.jobs_cfg:
                twin.share_config(cfg)
                # The first configuration's 'make prepare' (which the others
                # then copy: share_prepare()) need not wait for the others'
                # derivations; it fills the cores their serial conf runs
                # leave.  In its W=1 twin: the one built at every commit.
                if b is self.builder and p is self.plans[0] and len(self.plans) > 1:
                    first = twin.configure(p, self.kconfig, self.series.base_tree)
                    if not first.error and twin.fresh(first):
                        self.progress(f"[{first.name}] make prepare (while the other "
                                      "configurations are derived)")
                        self._prepare_future = self.pool.submit(
                            lambda: (first.name, twin.prepare(first)))
            return cfg

        # A W= builder derives nothing: it finds its target's configuration
        # in the store (the key leaves W= out), and its directory already
        # a copy of its twin's (above), so it comes second.
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

        good = self.good_configs()
        self.engine.build(self.matrix, good, self.objects, self.tree, self.share_prepare, spent)
        # Another target's plain builds are made only when its W=1 builds
        # show something new at the tip (matrix.py): they tell what of it
        # only W=1 shows.
        later = [c for c in good if (s.tip, c.name) not in self.matrix.cells
                 and check_w1.plain_needed(self.matrix, c.name)]
        if later:
            self.progress(f"{', '.join(c.name for c in later)}: the W=1 build has something "
                          "new at the tip; building without W=1 at the base and the tip")
            self.engine.build_plain(self.matrix, later, self.objects, self.tree,
                                    self.seed_from_twin, spent)

    def seed_from_twin(self, cfgs):
        """Start each of CFGS' build directories, when it was never built,
        from its W=1 twin's."""
        by_name = {c.name: c for c in self.configs}
        for c in cfgs:
            b, twin = self.engine.builder(c), by_name[c.name + W1]
            if b.fresh(c) and not b.fresh(twin):
                self.progress(f"{c.name}: start from a copy of {twin.name}'s build directory")
                b.seed(twin, c)

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
        early_name, early_ok = early.result() if early is not None else (None, None)
        groups = {}
        # The configuration prepared early (configure()) first in its group.
        for c in sorted(cfgs, key=lambda c: c.name != early_name):
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
            futures = [ex.submit(one, g, early_ok if g[0].name == early_name else None)
                       for g in groups.values()]
            for f in futures:
                f.result()

    def prove_lines(self):
        """The changed-line proof (checks/lines.py): mark, preprocess at
        the tip, judge.  Every target's builds count; W= changes no line's
        preprocessing, so its builds are not asked."""
        t0 = time.monotonic()
        plan, skipped = check_lines.select(self.changes, self.tree(self.series.tip).read)
        # Where a target's plain build was not made at the tip, its W=1
        # twin's is asked.
        good = {c.name: c for c in self.good_configs()}
        cfgs = [good[self.matrix.stand_in(self.series.tip, c.name)]
                for c in good.values() if not c.warn]
        self.engine.mark_lines(self.matrix, cfgs, plan, check_lines.plan_key(plan))
        self.results["changed-lines"] = r = check_lines.check(
            self.matrix.view([c.name for c in cfgs]), plan, skipped)
        r.time_s += time.monotonic() - t0

    def buildable(self, obj, target):
        """Whether OBJ can be built for TARGET at all: it is not under
        another architecture's arch/ directory, and no option of its obj-
        lines is one the target cannot set (configs.unsettable(): another
        architecture's, or one that depends on a symbol it fixes off)."""
        m = re.match(r"arch/([^/]+)/", obj)
        if m:
            return m.group(1) == target.srcarch
        try:
            atoms = kbuild.obj_atoms(self.tree(self.series.tip), obj[:-2] + ".c")
        except kbuild.NotDerivable:
            return True
        return not any(configs.unsettable(self.kconfig, a, target.srcarch, target.fixed_off)
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
            # Another target's plain configuration, where it was not built,
            # is judged on its W=1 twin's builds (matrix.py).
            names = [self.matrix.stand_in(self.series.tip, c.name)
                     for c in good if c.target is t and not c.warn]
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
        host = sparse_configs(self.matrix, good)
        if host:
            r = check_sparse.check(self.matrix.view(host))
            r.time_s += self.spent["sparse"]
        else:
            r = CheckResult("sparse", status=SKIP,
                            summary=f"sparse runs in the {tg.HOST} builds, not selected")
        self.results["sparse"] = r
        r = check_bisect.check(self.matrix.view([c.name for c in good]), self.series)
        r.time_s += self.spent["bisect"]
        self.results["bisect"] = r
        self.results["users"] = check_users.check(
            self.users, {t: [o for o in expected[t] if o in self.users.objects()]
                         for t in expected},
            per_target, self.not_covered, user_only)
        self.results[target_row(first.name)].time_s += time.monotonic() - t0

    def check_stable(self):
        """The stable row, for a series in the stable form; None otherwise."""
        return stable_row(self.series)

    def cleanup(self):
        self.pool.shutdown(wait=True)
        self.background.cleanup()
