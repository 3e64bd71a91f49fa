# SPDX-License-Identifier: GPL-2.0
"""The checks that run beside the build matrix: git grep for the API's
files, kernel-doc, the configuration-space proof, the old-API search and
checkpatch, each started in the run's thread pool early (start_*()) and
collected into its row late (check_*()), and the golden row, which reads
the same patches as checkpatch.  They read git, or the worktree at the
tip; the configuration-space agreement alone asks the build matrix for
preprocessed objects."""
import os
import tempfile
import time
from pathlib import Path

from core.proc import git
from kbuildengine.store import sha256_text
from movops import kbuild

from . import checkpatch as cp
from . import configspace, golden, kerneldoc, oldapi
from . import commits as ser
from .checks import checkpatch as check_checkpatch
from .checks import configspace as check_configspace
from .checks import kerneldoc as check_kerneldoc
from .checks import oldapi as check_oldapi
from .stablerow import series_messages


class Background:
    """The background work of one run (RUN: the runner.Verification whose
    pool, store, worktree, series and results it uses)."""

    def __init__(self, run):
        self.run = run
        self.patch_dir = None
        self.patch_files = None
        # The futures, set by the start_*() methods.
        self._api = {}
        self._kerneldoc = None
        self._configspace = None
        self._old_api = None
        self._checkpatch = None

    def start_grep(self):
        """git grep the base for the API's files (stored: the variants of a
        series share their base); the tip's list follows from it and the
        files the series touches."""
        s = self.run.series
        base = self.run.pool.submit(ser.api_files, s.kdir, s.base, s.base_tree, self.run.store)

        def tip():
            key = {"tree": s.commits[-1].tree, "re": ser.API_TOKENS}
            got = self.run.store.get("apifiles", key)
            if got is None:
                got = ser.api_files_from(s.kdir, s.tip, s.base, base.result())
                self.run.store.put("apifiles", key, got)
            return got

        self._api = {s.base: base, s.tip: self.run.pool.submit(tip)}

    def api_files(self, sha):
        return self._api[sha].result()

    def start_kerneldoc(self):
        """kernel-doc on the files the series changes, at the base and
        every commit (verifier/kerneldoc.py), in the background: it reads
        git only."""
        s = self.run.series
        files = kerneldoc.files_of(self.run.changes)

        def work():
            t0 = time.monotonic()
            runs = {sha: kerneldoc.run_at(s.kdir, sha, files, self.run.store, self.run.root)
                    for sha in [s.base] + [c.sha for c in s.commits]}
            return runs, files, time.monotonic() - t0

        self._kerneldoc = self.run.pool.submit(work)

    def check_kerneldoc(self):
        runs, files, dt = self._kerneldoc.result()
        self.run.results["kernel-doc"] = r = check_kerneldoc.check(runs, files, self.run.series)
        r.time_s += dt

    def start_configspace(self):
        """The configuration-space proof (configspace.py) at the base and
        every commit, in the background: it reads git only.  Stored per
        commit content."""
        s = self.run.series

        def work():
            t0 = time.monotonic()
            base_files = self.api_files(s.base)
            steps = [("base", s.base, s.base_tree, "base")] + [
                (f"{i}/{len(s.commits)}", c.sha, c.tree, c.subject)
                for i, c in enumerate(s.commits, 1)]
            out, kc, prev, tip = [], None, None, None
            for label, sha, tree_id, subject in steps:
                key = self.run.key(kind="configspace", tree=tree_id, version=configspace.VERSION)
                got = self.run.store.get("configspace", key)
                need_facts = sha == s.tip and bool(self.run.user_configs)
                if got is None or need_facts:
                    tree = self.run.tree(sha)
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
                        self.run.store.put("configspace", key, got)
                prev = sha
                out.append(dict(got, label=label, commit=sha, subject=subject))
            return out, tip, time.monotonic() - t0

        self._configspace = self.run.pool.submit(work)

    def check_configspace(self):
        s = self.run.series
        verdicts, tip, dt = self._configspace.result()
        t0 = time.monotonic()
        agree = {}
        users = [c for c in self.run.configs if c.plan.text and not c.error and not c.warn]
        if users and tip is not None:
            f, syms = tip
            self.run.at(s.tip)
            for cfg in users:
                agree[cfg.name] = self._agreement(cfg, f, syms)
        self.run.results["configspace"] = r = check_configspace.check(verdicts, agree)
        r.time_s += dt + time.monotonic() - t0

    def _agreement(self, cfg, f, syms):
        """The proof's verdict for CFG's own assignment against the
        preprocessed dispatch and users of a real build at the tip."""
        s = self.run.series
        files = sorted({f.host} | {site.file for _, site in f.users})
        objs = [p[:-2] + ".o" for p in files if p.endswith(".c")]
        key = self.run.key(kind="agreement", tree=s.commits[-1].tree, config=cfg.fingerprint,
                       objs=objs, version=configspace.VERSION)
        got = self.run.store.get("agreement", key)
        if got is not None:
            return got
        engine = self.run.engine
        enabled, _ = engine.enabled_objects(self.run.tree(s.tip), self.run.objects, cfg)
        # Preprocessed where it was built at the tip: its W=1 twin's
        # directory when the plain build was not made (matrix.py).
        built = {c.name: c for c in self.run.configs}[self.run.matrix.stand_in(s.tip, cfg.name)]
        texts = engine.preprocessed(self.run.matrix, built, [o for o in objs if o in enabled])
        ok, lines = configspace.agreement(
            f, syms, cfg.values, {o[:-2] + ".c": t for o, t in texts.items() if t})
        got = {"ok": ok, "lines": lines}
        self.run.store.put("agreement", key, got)
        return got

    def start_old_api(self):
        """Run spatch and grep on the tip's candidate files, taken from git
        (no worktree needed), in the background.  Results are stored per
        file content, so a series that differs from one verified before
        (another commit on top) only has its changed files searched."""
        s = self.run.series
        cocci = sha256_text(oldapi.COCCI.read_text())

        def work():
            t0 = time.monotonic()
            files = self.api_files(s.tip)
            blobs = ser.blob_ids(s.kdir, s.tip, files)
            keys = {f: self.run.key(kind="oldapi", path=f, blob=blobs.get(f), cocci=cocci)
                    for f in files}
            hits, todo, err = [], [], ""
            for f in files:
                got = self.run.store.get("oldapi", keys[f])
                if got is None:
                    todo.append(f)
                else:
                    hits += [tuple(h) for h in got]
            if todo:
                self.run.progress(f"old-api-gone: spatch (report mode) and grep over {len(todo)} "
                              "files of the tip")
                with tempfile.TemporaryDirectory(prefix=f"oldapi-{os.getpid()}-",
                                                 dir=self.run.root) as d:
                    new, err = oldapi.check(s.kdir, s.tip, todo, d, self.run.jobs)
                hits += new
                if not err:
                    for f in todo:
                        self.run.store.put("oldapi", keys[f], [h for h in new if h[0] == f])
            return {"hits": sorted(hits), "files": files, "err": err}, time.monotonic() - t0

        self._old_api = self.run.pool.submit(work)

    def check_old_api(self):
        got, dt = self._old_api.result()
        self.run.results["old-api-gone"] = r = check_oldapi.check(got["hits"], got["files"],
                                                              got["err"])
        r.time_s += dt

    def patches(self):
        """The numbered patches of the series, made the way apply-series.sh
        makes them (its format-patch options, no cover letter: that one is
        apply-series' own text)."""
        if self.patch_files is None:
            s = self.run.series
            self.patch_dir = Path(tempfile.mkdtemp(prefix=f"patches-{os.getpid()}-",
                                                   dir=self.run.root))
            self.patch_files = golden.format_patches(s.kdir, s.base, s.tip, self.patch_dir)
        return self.patch_files

    def start_checkpatch(self):
        """checkpatch.pl of the tree on every patch, in the background.  It
        runs in the worktree while the builds move it from commit to commit;
        what it reads there (its scripts, MAINTAINERS) is named in the key
        of its stored results as the tip's content."""
        s = self.run.series
        patches = self.patches()

        inputs = ser.blob_ids(s.kdir, s.tip, list(cp.INPUTS))
        inputs_key = sha256_text(*[f"{f}:{inputs.get(f)}" for f in cp.INPUTS],
                                 self.run.tools, self.run.code)

        def work():
            t0 = time.monotonic()
            self.run.ensure_tree()
            res, err = cp.check(self.run.wt.path, patches, self.run.store, inputs_key)
            return res, err, time.monotonic() - t0

        self.run.progress(f"checkpatch: {len(patches)} patches (in the background)")
        self._checkpatch = self.run.pool.submit(work)

    def check_checkpatch(self):
        res, err, dt = self._checkpatch.result()
        self.run.results["checkpatch"] = r = check_checkpatch.check(res, err)
        r.time_s += dt

    def messages(self):
        return series_messages(self.run.series)

    def check_golden(self):
        r = self.run.results["golden"]
        t0 = time.monotonic()
        s = self.run.series
        prereqs = golden.series_prereqs(s.kdir, [c.sha for c in s.commits])
        golden.check(r, s.kdir, s.base, self.patches(), prereqs,
                     form=golden.form_of(self.messages()))
        r.time_s += time.monotonic() - t0

    def cleanup(self):
        """Remove the patches (after the run's pool has stopped)."""
        d = self.patch_dir
        if d and d.exists():
            for p in d.iterdir():
                p.unlink()
            d.rmdir()
