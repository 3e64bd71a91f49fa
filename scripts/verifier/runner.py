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
import hashlib
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from core import cache, deps, paths
from core import fingerprint as code
from core.errors import BadInput, EnvironmentFailure
from core.locks import Lock
from core.proc import git
from movops import kbuild, upstreamgit
from movops import upstream as U
from movops.tree import Tree

from . import checkpatch as cp
from . import configs, configspace, golden, oldapi
from . import commits as ser
from .builder import Builder, config_selection, source_selection
from .checks import bisect as check_bisect
from .checks import build as check_build
from .checks import checkpatch as check_checkpatch
from .checks import configs as check_configs
from .checks import configspace as check_configspace
from .checks import lines as check_lines
from .checks import oldapi as check_oldapi
from .checks import sparse as check_sparse
from .checks import stable as check_stable
from .matrix import Engine, Matrix
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
    """One run: schedules the work (the worktree, the configurations, the
    build matrix, the background searches) and hands what it gave to the
    checks (checks/, and the modules of the others), in the order verify()
    calls its methods: start_*() first, then analyse(), complete_tree(),
    configure(), build_matrix(), prove_lines(), evaluate_builds() and the
    check_*() that collect the background work."""

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
        self.engine = Engine(series, self.builder, self.store, self.key, progress, self.at,
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
        self.plans = []
        self.plan_notes = []
        self.obj_notes = {}
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
        """The changed-line proof (checks/lines.py): mark, preprocess at
        the tip, judge."""
        t0 = time.monotonic()
        plan, skipped = check_lines.select(self.changes, self.tree(self.series.tip).read)
        self.engine.mark_lines(self.matrix, self.good_configs(), plan,
                               check_lines.plan_key(plan))
        self.results["changed-lines"] = r = check_lines.check(self.matrix, plan, skipped)
        r.time_s += time.monotonic() - t0

    def evaluate_builds(self):
        t0 = time.monotonic()
        tip = self.tree(self.series.tip)
        at_tip = {o for o in self.objects if tip.exists(o[:-2] + ".c")}
        for r in (check_build.check(self.matrix, self.objects, at_tip),
                  check_sparse.check(self.matrix),
                  check_bisect.check(self.matrix, self.series)):
            r.time_s += self.spent[r.name]
            self.results[r.name] = r
        self.results["build"].time_s += time.monotonic() - t0

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


MARKER = ".movops-verify"


def check_build_dir(root):
    """BadInput unless ROOT is a directory, or one that can be made."""
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise BadInput(f"--build-dir {root}: not a directory; give a new or empty directory")
    if not root.exists():
        above = next(p for p in root.absolute().parents if p.exists())
        why = paths.cannot_write(above) if above.is_dir() else "not a directory"
        if why:
            raise BadInput(f"--build-dir {root}: cannot be made in {above} ({why}); give a "
                           "directory where you can write")


def claim_root(root):
    """Make ROOT a verify directory; refuse a non-empty directory that is not
    one already (the verifier deletes and rewrites things inside it)."""
    check_build_dir(root)
    if root.exists() and any(root.iterdir()) and not (root / MARKER).exists():
        raise BadInput(f"--build-dir {root} is not empty and was not made by verify.py; "
                       "give a new or empty directory")
    root.mkdir(parents=True, exist_ok=True)
    (root / MARKER).write_text("verify.py cache directory: worktree, build "
                               "directories and stored results; safe to delete\n")


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
    root = Path(build_dir).expanduser().resolve() if build_dir else default_root(series.kdir)
    if root == series.kdir or series.kdir in root.parents:
        raise BadInput(f"--build-dir {root} is inside {series.kdir}; the tree gets no "
                       "build products: choose a directory outside it")
    claim_root(root)
    ensure_deps()
    with Lock(root / "lock",
              waiting=lambda p: progress(f"waiting for another verify run using {p.parent}")):
        # What a killed run left (its temporary directories carry its PID).
        for prefix in ("patches-", "oldapi-"):
            paths.sweep(prefix, root)
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
            v.build_matrix()
            v.prove_lines()
            v.evaluate_builds()
            v.check_old_api()
            v.check_configspace()
            v.check_checkpatch()
            v.check_golden()
            results = [v.results[n] for n in CHECKS]
            # The stable form has a row of its own (report.STABLE).
            stable_row = v.check_stable()
            if stable_row is not None:
                results.append(stable_row)
            for f in extra_checks:
                out = f(v)
                results += out if isinstance(out, list) else [out]
        finally:
            v.cleanup()
    extra = {"time_s": round(time.monotonic() - t_all, 2), "build_root": str(root),
             "cache": {"hits": v.store.hits, "misses": v.store.misses},
             "objects": v.objects}
    return results, series, extra
