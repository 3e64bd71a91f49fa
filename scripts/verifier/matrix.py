# SPDX-License-Identifier: GPL-2.0
"""The build matrix: what the builds of a series gave, per commit x
configuration x object, as plain data; and the engine that fills it.

The checks (verifier/checks/) are functions of a Matrix and the series
only, so they are tested on hand-made matrices without a compiler
(tests/test_checks.py).  The engine is the one place that runs the
builder for them: each commit once per configuration, base first, reusing
what the result store holds.

Every target's first configuration has a W=1 twin, built at every
commit: the bots build every patch of a series with W=1.  A W=1 build
shows every diagnostic the plain one does (W=1 only turns warnings on),
so the plain build is made only where it tells something
(Matrix.stand_in(), Engine.wanted()): never between the base and the tip
(bisect judges the twin), and at the base and the tip only when the
twin shows something new at the tip, when the plain builds tell which of
it only W=1 shows (checks/w1.plain_needed(), Engine.build_plain()).
When the twin shows nothing new, neither would the plain build.  On the
host's target sparse runs in the twin, at the base and the tip (W=1
C=1, as NIPA builds), and in the configurations without a twin
(sparse_configs()).

Preprocessed text is large and only two questions are asked of it: which
changed lines' markers survive (changed-lines) and what the dispatch looks
like (the configuration-space agreement).  The matrix keeps the answers
(Matrix.lines), not the text.
"""
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from kbuildengine.build import warn_suffix
from kbuildengine.results import Cell

from . import clines, configs
from core.proc import git

# The suffix of a W=1 configuration's name.
W1 = warn_suffix("1")

@dataclass
class Matrix:
    """BASE and COMMITS (shas, oldest first) x CONFIGS (the names of the
    configurations that could be made)."""
    base: str
    commits: list
    configs: list
    cells: dict = field(default_factory=dict)       # (sha, config) -> Cell
    # At the tip, per configuration: the (file, line) markers of changed
    # lines found in the preprocessed objects, and the objects that gave
    # no preprocessor output.
    lines: dict = field(default_factory=dict)
    no_text: dict = field(default_factory=dict)

    @property
    def tip(self):
        return self.commits[-1] if self.commits else self.base

    def cell(self, sha, config):
        return self.cells[(sha, config)]

    def stand_in(self, sha, config):
        """The configuration whose build at SHA is CONFIG's: CONFIG's own,
        or where it was not built (Engine.wanted()) its W=1 twin's."""
        if (sha, config) in self.cells or config + W1 not in self.configs:
            return config
        return config + W1

    def view(self, configs):
        """The same builds, with only the configurations CONFIGS (a row's:
        one target's, the W=1 ones): the checks judge what they are given."""
        return Matrix(self.base, self.commits, [c for c in self.configs if c in configs],
                      self.cells, {c: v for c, v in self.lines.items() if c in configs},
                      {c: v for c, v in self.no_text.items() if c in configs})


def sparse_configs(matrix, cfgs):
    """The names of the configurations of CFGS whose builds at the base
    and the tip carry sparse: the host target's W=1 twins and those of its
    configurations that have none.  (A plain one built on demand beside
    its twin adds nothing to sparse's output.)"""
    # The host's flavours are '' and '+W1' (the others start with '@').
    return [c.name for c in cfgs if not c.flavour.startswith("@")
            and (c.warn or c.name + W1 not in matrix.configs)]


class Engine:
    """Fills a Matrix with the kernel build engine's builders
    (kbuildengine.build.Builder, one per target and warning level: BUILDERS
    {flavour: Builder}, a configuration's builder the one of its flavour).

    AT(sha) puts the worktree at a commit; WHOLE_TREE(why) falls back from
    the partial checkout to a full one (the caller then tries again).
    """

    def __init__(self, series, builders, store, key, progress, at, whole_tree, wt):
        self.series = series
        self.builders = builders
        self.store = store
        self.key = key
        self.progress = progress
        self.at = at
        self.whole_tree = whole_tree
        self.wt = wt
        self.built_here = set()     # the (sha, config) cells made by make in this run
        self.enabled_cache = {}
        # The plain configurations built at the base and the tip although
        # their W=1 twin is (build_plain()).
        self.on_demand = set()

    def builder(self, cfg):
        return self.builders[cfg.flavour]

    def wanted(self, matrix, sha, cfg):
        """Whether CFG is built at SHA (the module's doc): a configuration
        without a W=1 twin and a twin everywhere; one with a twin only at
        the base and the tip, and there only on demand."""
        if cfg.warn or cfg.name + W1 not in matrix.configs:
            return True
        if sha not in (self.series.base, self.series.tip):
            return False
        return cfg.name in self.on_demand

    def build_plain(self, matrix, cfgs, objects, tree, seed, spent):
        """The base and tip builds of the plain configurations CFGS, whose
        W=1 twins showed something new at the tip (checks/w1.plain_needed()).
        SEED(cfgs): start their build directories from their twins' (the
        host programs and generated files are made)."""
        self.on_demand |= {c.name for c in cfgs}
        self.build(matrix, cfgs, objects, tree, seed, spent)

    def enabled_objects(self, tree, objects, cfg):
        objs, skipped = [], {}
        for o in objects:
            other = re.match(r"arch/([^/]+)/", o)
            if other and cfg.target is not None and other.group(1) != cfg.target.srcarch:
                skipped[o] = f"arch/{other.group(1)} only"
                continue
            ok, why = configs.object_enabled(tree, o, cfg.values, self.enabled_cache)
            if ok:
                objs.append(o)
            else:
                skipped[o] = why
        return objs, skipped

    def build(self, matrix, cfgs, objects, tree, prepare, spent):
        """One build per configuration per commit, base first, into MATRIX.
        TREE(sha): the commit's Tree.  PREPARE(cfgs): called before the
        first build of a commit that is not stored (share_prepare).
        SPENT(sha, seconds): the time of each commit's builds."""
        s = self.series
        steps = [("base", s.base, s.base_tree, "base")] + [
            (f"{i}/{len(s.commits)}", c.sha, c.tree, c.subject)
            for i, c in enumerate(s.commits, 1)]
        with_sparse = set(sparse_configs(matrix, cfgs))
        for label, sha, tree_id, subject in steps:
            t0 = time.monotonic()
            todo = []
            for cfg in cfgs:
                if not self.wanted(matrix, sha, cfg):
                    continue
                # sparse only where the sparse check compares: the base and
                # the tip, in sparse_configs().
                sparse = sha in (s.base, s.tip) and cfg.name in with_sparse
                objs, skipped = self.enabled_objects(tree(sha), objects, cfg)
                key = self.key(**self.builder(cfg).key("build", tree=tree_id,
                                                       config=cfg.fingerprint, objs=objs,
                                                       sparse=sparse))
                got = self.store.get("build", key)
                if got is not None:
                    matrix.cells[(sha, cfg.name)] = Cell.from_state(got, skipped)
                else:
                    todo.append((cfg, objs, skipped, key, sparse))
            if todo:
                self.at(sha)
                names = ", ".join(f"{c.name}: {len(o)}" for c, o, _, _, _ in todo)
                self.progress(f"commit {label} {sha[:12]} {subject[:50]!r}: building "
                              f"objects ({names}"
                              f"{', with sparse' if any(x[4] for x in todo) else ''})")
                prepare([c for c, _, _, _, _ in todo])

                def one(item):
                    cfg, objs, skipped, key, sparse = item
                    return self.builder(cfg).build(cfg, objs, sparse=sparse, at=sha,
                                                   changed=self.changed_since(cfg, sha))

                def all_of(items):
                    # As many builds at once as jobs: a build that goes
                    # through make runs make -jJOBS of its own, and a dozen
                    # of them (every target, W=1) would share two cores.
                    # Builds without make share the jobs' slots anyway.
                    jobs = self.builder(items[0][0]).jobs
                    with ThreadPoolExecutor(max_workers=min(len(items), jobs)) as ex:
                        return list(ex.map(one, items))

                was_partial = self.wt.partial
                got = all_of(todo)
                bad = [why for st in got for why in [Cell.from_state(st).failure()] if why]
                if was_partial and bad:
                    self.whole_tree(f"commit {label}: {bad[0]}")
                    got = all_of(todo)
                for (cfg, objs, skipped, key, _), st in zip(todo, got):
                    if st["rc"] >= 0:      # not when make was killed
                        self.store.put("build", key, st)
                    matrix.cells[(sha, cfg.name)] = Cell.from_state(st, skipped)
                    self.built_here.add((sha, cfg.name))
            spent(sha, time.monotonic() - t0)

    def changed_since(self, cfg, sha):
        """The files that differ between the commit CFG's build directory
        was last built at and SHA, or None when that is not known."""
        last = self.builder(cfg).built_at(cfg)
        if not last:
            return None
        res = git(self.series.kdir, "diff", "--name-only", "--no-renames", "-z",
                  last, sha, check=False, full=True)
        if res.returncode != 0:
            return None
        return [f for f in res.stdout.split("\0") if f]

    def tip_built(self, matrix, cfg):
        """The objects compiled (or found up to date) by make at the tip in
        this run: their command files are the tip's."""
        if (self.series.tip, cfg.name) not in self.built_here:
            return []
        return matrix.cell(self.series.tip, cfg.name).built()

    def mark_lines(self, matrix, cfgs, plan, plan_key):
        """The changed-line markers (checks/lines.py) found in each of CFGS
        at the tip, into MATRIX.lines: PLAN {file: (lines, text, info)}
        says which lines get one; the files are marked in the worktree,
        every built object is preprocessed, and the files are put back."""
        s = self.series
        files = sorted(plan)
        todo = []
        for cfg in cfgs:
            objs = list(matrix.cell(s.tip, cfg.name).objects)
            key = self.key(**self.builder(cfg).key("lines", tree=s.commits[-1].tree,
                                                   config=cfg.fingerprint, objs=objs,
                                                   plan=plan_key))
            got = self.store.get("lines", key)
            if got is not None:
                matrix.lines[cfg.name] = {tuple(x) for x in got}
            else:
                todo.append((cfg, objs, key))
        if not todo:
            return
        if not files:
            for cfg, _, _ in todo:
                matrix.lines[cfg.name] = set()
            return
        self.at(s.tip)
        self.progress(f"changed-line proof: marking {sum(len(plan[f][0]) for f in files)} "
                      f"lines in {len(files)} files, preprocessing in "
                      f"{', '.join(c.name for c, _, _ in todo)}")

        def one(item):
            cfg, objs, key = item
            outs, log = self.builder(cfg).preprocess(cfg, objs, self.tip_built(matrix, cfg))
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
            matrix.lines[cfg.name] = hits
            if missing:
                matrix.no_text[cfg.name] = missing
            else:
                self.store.put("lines", key, sorted(hits))

    def preprocessed(self, matrix, cfg, objs):
        """{object: preprocessed text} of OBJS at the tip in CFG (the
        worktree is at the tip)."""
        texts, _ = self.builder(cfg).preprocess(cfg, objs, matrix.cell(self.series.tip,
                                                                       cfg.name).built())
        return texts
