# SPDX-License-Identifier: GPL-2.0
"""Whether the builder's replay of kbuild's saved commands (builder.py: a
build without make) gives what make gives, on the 6.12 series.

The verifier builds most commits of a series by running the compile
commands kbuild recorded in the .cmd files, instead of make, to save make's
evaluation of the tree.  A mistake in that imitation (an object not rebuilt
when it should be, a flag lost) would turn into a false pass: this test is
what keeps the replay.  At the series' tip, the affected objects of the
first derived configuration are built twice from the same base build: once
by replay (Builder.build() with the files changed since the base known)
and once by make (the same call with them unknown, in a copy of the build
directory), with sparse as the verifier runs it at the tip.  The objects
made and their diagnostics (compiler, objtool, sparse; normalised as the
checks compare them: diag.key) must be the same.  The CPU time of each is
printed (pytest -s).
"""
import resource
from collections import Counter

import pytest

from conftest import run

from kbuildengine import diag
from verifier import commits as ser
from kbuildengine.files import copy_into as _copy_into
from kbuildengine.results import Cell
from verifier.runner import Verification
from verifier.progress import Progress


def _cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _outcome(cell, bdir):
    """Per object: (built, ok, diagnostics as the checks match them)."""
    return {o: ((bdir / o).exists(), e.ok,
                sorted(Counter(diag.key(d) for k in ("cc", "objtool", "sparse")
                               for d in getattr(e, k)).items()))
            for o, e in cell.objects.items()}


def _copy_build_dir(src, dst):
    """DST as a copy of SRC, with the absolute paths objtool's build
    records renamed (as Builder.seed() does), so that make does not
    rebuild objtool for a path change."""
    dst.mkdir(parents=True)
    _copy_into(src, dst)
    old, new = f"{src}/", f"{dst}/"
    for p in (dst / "tools").rglob(".*.cmd") if (dst / "tools").is_dir() else ():
        t = p.read_text(errors="surrogateescape")
        if old in t:
            p.write_text(t.replace(old, new), errors="surrogateescape")


@pytest.mark.realtree
def test_replay_gives_what_make_gives(series612, tmp_path):
    assert series612["res"].returncode == 0, series612["res"].stderr
    kdir = series612["kdir"]
    s = ser.resolve(kdir, ser.DEFAULT_BRANCH, series612["base"])
    v = Verification(s, tmp_path / "root", Progress(True), jobs=2)
    try:
        v.start_worktree()
        v.background.start_grep()
        v.analyse()
        v.complete_tree()
        v.plans = v.plans[:1]
        v.configure()
        cfg = v.configs[0]
        assert not cfg.error, cfg.error

        def build(c, sha, changed):
            objs, _ = v.engine.enabled_objects(v.tree(sha), v.objects, c)
            v.at(sha)
            st = v.builder.build(c, objs, sparse=True, at=sha, changed=changed)
            cell = Cell.from_state(st)
            if cell.failure() and v.wt.partial:
                v.whole_tree(cell.failure())
                st = v.builder.build(c, objs, sparse=True, at=sha, changed=changed)
                cell = Cell.from_state(st)
            return st, cell

        _, base = build(cfg, s.base, None)
        assert not base.failure(), base.failure()
        other = type(cfg)(plan=cfg.plan, bdir=tmp_path / "make-build", values=cfg.values,
                          failed=cfg.failed, fingerprint=cfg.fingerprint)
        _copy_build_dir(cfg.bdir, other.bdir)

        changed = [f for f in run(["git", "-C", str(kdir), "diff", "--name-only",
                                   "--no-renames", s.base, s.tip]).stdout.split("\n") if f]
        t = _cpu()
        st, replay = build(cfg, s.tip, changed)
        replay_cpu = _cpu() - t
        assert st["how"].startswith("direct"), (st["how"], st["why_make"])
        t = _cpu()
        st_make, made = build(other, s.tip, None)
        make_cpu = _cpu() - t
        assert st_make["how"] == "make"
        print(f"\nreplay ({st['how']}): {replay_cpu:.1f} s CPU; make: {make_cpu:.1f} s CPU; "
              f"{len(replay.objects)} objects, rebuilt by replay "
              f"{sorted(o for o, e in replay.objects.items() if e.rebuilt)}, by make "
              f"{sorted(o for o, e in made.objects.items() if e.rebuilt)}")
        assert set(replay.objects) == set(made.objects)
        # Replay deciding not to compile what make compiles would keep an
        # object's old diagnostics: a false pass.
        assert ({o for o, e in replay.objects.items() if e.rebuilt}
                >= {o for o, e in made.objects.items() if e.rebuilt})
        assert replay.make_errors == made.make_errors == []
        a, b = _outcome(replay, cfg.bdir), _outcome(made, other.bdir)
        assert a == b, {o: (a[o], b[o]) for o in a if a[o] != b[o]}
    finally:
        v.cleanup()
