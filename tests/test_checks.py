# SPDX-License-Identifier: GPL-2.0
"""The verifier's checks as pure functions of a build matrix
(scripts/verifier/matrix.py, scripts/verifier/checks/): small matrices made
by hand, no compiler, no kernel tree."""
from pathlib import Path

from verifier import clines
from kbuildengine.build import Config
from verifier.checks import (bisect, build, checkpatch, configs, configspace, lines,
                             newdiags, oldapi, sparse, w1)
from verifier.configs import STUB_OFF, Plan
from kbuildengine.gitdiff import FileChange
from kbuildengine.results import Cell, Obj
from verifier.matrix import Matrix
from verifier.commits import Commit, Series


def warn(msg, file="mm/foo.c", line=10, tool="gcc", text="x = y;", sev="warning"):
    return {"tool": tool, "file": file, "line": line, "col": 1, "severity": sev,
            "msg": msg, "text": text}


def ok(cc=(), sparse=(), objtool=()):
    return Obj(ok=True, cc=list(cc), sparse=list(sparse), objtool=list(objtool))


def broken(msg="expected ';'"):
    return Obj(ok=False, cc=[warn(msg, sev="error")])


def series(n=2):
    return Series(kdir=Path("/nonexistent"), branch="b", base="b" * 40, base_tree="t0",
                  commits=[Commit(f"{i}" * 40, f"commit {i}", f"t{i}") for i in range(1, n + 1)])


def matrix(s, cells, cfgs=("full",)):
    """CELLS: {label: {object: Obj}} with label 0 for the base, i for
    commit i; the same objects in every configuration."""
    shas = [s.base] + [c.sha for c in s.commits]
    m = Matrix(s.base, shas[1:], list(cfgs))
    for i, objs in cells.items():
        for name in cfgs:
            m.cells[(shas[i], name)] = Cell(objects=dict(objs))
    return m


CLEAN = {"mm/foo.o": ok(), "mm/bar.o": ok()}


def test_clean_series_passes_build_sparse_and_bisect():
    s = series()
    m = matrix(s, {0: CLEAN, 1: CLEAN, 2: CLEAN}, cfgs=("full", "no-COMPACTION"))
    b = build.check(m, ["mm/foo.o", "mm/bar.o"], {"mm/foo.o", "mm/bar.o"})
    assert b.ok and b.count == 0
    assert b.summary == "2 objects x 2 configs at base and tip; 0 failing, 0 new warnings"
    sp = sparse.check(m)
    assert sp.ok and sp.summary.startswith("0 new sparse warnings (0 at the base")
    bi = bisect.check(m, s)
    assert bi.ok and bi.summary == ("1 commits before the tip x 2 configs; 0 failing "
                                    "(0 of 4 built without make)")
    assert len(bi.data["builds"]) == 4


def test_new_warning_at_the_tip_fails_build_naming_it_and_in_the_middle_bisect():
    s = series()
    tip = dict(CLEAN, **{"mm/foo.o": ok(cc=[warn("unused variable 'z'")])})
    m = matrix(s, {0: CLEAN, 1: CLEAN, 2: tip})
    b = build.check(m, list(CLEAN), set(CLEAN))
    assert not b.ok and b.count == 1
    assert b.details == ["[full] mm/foo.o: new mm/foo.c:10: warning: unused variable 'z' [gcc]"]
    # The tip is the build rows' (one per target, and w1): bisect judges
    # the commits before it.
    assert bisect.check(m, s).ok
    m = matrix(s, {0: CLEAN, 1: tip, 2: CLEAN})
    bi = bisect.check(m, s)
    assert not bi.ok and bi.count == 1
    assert bi.details[0].startswith(f"commit 1/2 {s.commits[0].sha[:12]} 'commit 1' [full]:")
    assert "mm/foo.o: new mm/foo.c:10: warning: unused variable 'z'" in bi.details[0]


def test_warning_only_in_a_middle_commit_fails_bisect_not_build():
    s = series(3)
    mid = dict(CLEAN, **{"mm/bar.o": ok(cc=[warn("x", file="mm/bar.c")])})
    m = matrix(s, {0: CLEAN, 1: CLEAN, 2: mid, 3: CLEAN})
    assert build.check(m, list(CLEAN), set(CLEAN)).ok
    bi = bisect.check(m, s)
    assert not bi.ok and bi.count == 1 and bi.details[0].startswith("commit 2/3 ")


def test_between_base_and_tip_the_w1_twin_is_what_bisect_judges():
    """A W=1-only warning that one commit brings and the next takes away:
    the plain build at the tip cannot see it, the w1 row compares the tip
    only; bisect sees it in the W=1 build that stands in for the plain
    one at that commit (the plain one is not built there)."""
    s = series(3)
    unused = dict(CLEAN, **{"mm/bar.o": ok(cc=[warn("'c' defined but not used "
                                                    "[-Wunused-const-variable=]",
                                                    file="mm/bar.c")])})
    m = Matrix(s.base, [c.sha for c in s.commits], ["full", "full+W1", "no-MIGRATION"])
    shas = [s.base] + [c.sha for c in s.commits]
    for i, sha in enumerate(shas):
        between = sha not in (s.base, s.tip)
        if not between:
            m.cells[(sha, "full")] = Cell(objects=dict(CLEAN))
        m.cells[(sha, "full+W1")] = Cell(objects=dict(unused if i == 1 else CLEAN))
        m.cells[(sha, "no-MIGRATION")] = Cell(objects=dict(CLEAN))
    assert [m.stand_in(x, "full") for x in shas] == ["full", "full+W1", "full+W1", "full"]
    assert m.stand_in(shas[1], "no-MIGRATION") == "no-MIGRATION"
    bi = bisect.check(m, s)
    assert not bi.ok and bi.count == 1
    assert bi.details[0].startswith(f"commit 1/3 {s.commits[0].sha[:12]} 'commit 1' "
                                    "[full+W1]:\n  mm/bar.o: new mm/bar.c:10: warning: "
                                    "'c' defined but not used"), bi.details
    assert bi.summary == ("2 commits before the tip x 2 configs (1 of them with W=1); "
                          "1 failing (0 of 6 built without make)")
    assert [(b["commit"], b["config"]) for b in bi.data["builds"]] == [
        (shas[1], "full+W1"), (shas[1], "no-MIGRATION"), (shas[2], "full+W1"),
        (shas[2], "no-MIGRATION"), (shas[3], "full"), (shas[3], "no-MIGRATION")]
    # The tip is not bisect's: the plain build there is clean.
    assert build.check(m.view(["full", "no-MIGRATION"]), list(CLEAN), set(CLEAN)).ok


def test_another_targets_plain_build_only_where_its_w1_build_has_something_new():
    """Another target than the host's: its W=1 builds are made, its plain
    ones only when the W=1 ones show something new at the tip
    (w1.plain_needed()); until then the W=1 builds stand in for them."""
    s = series(1)
    plain, twin = "full@arm64-gcc", "full@arm64-gcc+W1"
    unused = warn("'c' defined but not used [-Wunused-const-variable=]")
    uninit = warn("'x' is used uninitialized [-Wuninitialized]", line=20)

    def of(tip_w1, tip_plain=None):
        m = Matrix(s.base, [s.tip], [plain, twin])
        m.cells[(s.base, twin)] = Cell(objects={"mm/foo.o": ok()})
        m.cells[(s.tip, twin)] = Cell(objects={"mm/foo.o": tip_w1})
        if tip_plain is not None:
            m.cells[(s.base, plain)] = Cell(objects={"mm/foo.o": ok()})
            m.cells[(s.tip, plain)] = Cell(objects={"mm/foo.o": tip_plain})
        return m

    # Nothing new with W=1: no plain build, and the twin is judged.
    m = of(ok())
    assert not w1.plain_needed(m, plain)
    assert m.stand_in(s.tip, plain) == twin and m.stand_in(s.base, plain) == twin
    assert w1.check(m).ok
    b = build.check(m.view([m.stand_in(s.tip, plain)]), ["mm/foo.o"], {"mm/foo.o"})
    assert b.ok and b.data["configs"] == [twin]
    # A new warning, a broken object, make's own error: the plain builds
    # are needed to tell whose it is.
    assert w1.plain_needed(of(ok(cc=[unused])), plain)
    assert w1.plain_needed(of(broken()), plain)
    m = of(ok())
    m.cell(s.tip, twin).make_errors = ["make[1]: *** No rule to make target"]
    assert w1.plain_needed(m, plain)
    assert not w1.plain_needed(m, twin) and not w1.plain_needed(m, "full")
    # Only W=1 shows it: w1 fails, the plain build row passes.
    m = of(ok(cc=[unused]), ok())
    assert m.stand_in(s.tip, plain) == plain
    r = w1.check(m)
    assert not r.ok and r.details == [f"[{twin}] mm/foo.o: new mm/foo.c:10: warning: 'c' "
                                      "defined but not used [-Wunused-const-variable=] [gcc]"]
    assert build.check(m.view([plain]), ["mm/foo.o"], {"mm/foo.o"}).ok
    # Both show it: the build row's, not w1's.
    m = of(ok(cc=[uninit]), ok(cc=[uninit]))
    assert w1.check(m).ok
    assert build.check(m.view([plain]), ["mm/foo.o"], {"mm/foo.o"}).count == 1


def test_warning_present_at_the_base_and_moved_is_not_new():
    s = series(1)
    base = {"mm/foo.o": ok(cc=[warn("old", line=10)], sparse=[warn("ctx", tool="sparse")])}
    tip = {"mm/foo.o": ok(cc=[warn("old", line=14)],
                          sparse=[warn("ctx", tool="sparse", line=30)])}
    m = matrix(s, {0: base, 1: tip})
    assert build.check(m, ["mm/foo.o"], {"mm/foo.o"}).ok
    sp = sparse.check(m)
    assert sp.ok and sp.count == 0
    assert sp.summary == "0 new sparse warnings (1 at the base, matched without line numbers)"
    assert bisect.check(m, s).ok


def test_second_copy_of_a_base_warning_is_new():
    s = series(1)
    w = warn("dup")
    m = matrix(s, {0: {"mm/foo.o": ok(cc=[w])}, 1: {"mm/foo.o": ok(cc=[w, dict(w)])}})
    assert build.check(m, ["mm/foo.o"], {"mm/foo.o"}).count == 1


def test_new_sparse_warning_fails_sparse_only():
    s = series(1)
    tip = {"mm/foo.o": ok(sparse=[warn("incorrect type", tool="sparse")])}
    m = matrix(s, {0: {"mm/foo.o": ok()}, 1: tip})
    sp = sparse.check(m)
    assert not sp.ok and sp.count == 1
    assert sp.details == ["[full] mm/foo.o: new mm/foo.c:10: warning: incorrect type [sparse]"]
    # bisect and build compare the compiler's and objtool's diagnostics.
    assert build.check(m, ["mm/foo.o"], {"mm/foo.o"}).ok
    assert bisect.check(m, s).ok


def test_object_that_does_not_build():
    s = series(2)
    m = matrix(s, {0: CLEAN, 1: dict(CLEAN, **{"mm/foo.o": broken()}), 2: CLEAN})
    assert build.check(m, list(CLEAN), set(CLEAN)).ok
    bi = bisect.check(m, s)
    assert not bi.ok
    assert "mm/foo.o does not build: mm/foo.c:10: error: expected ';' [gcc]" in bi.details[0]
    m = matrix(s, {0: CLEAN, 1: CLEAN, 2: dict(CLEAN, **{"mm/foo.o": broken()})})
    b = build.check(m, list(CLEAN), set(CLEAN))
    assert b.count == 1 and b.details[0].startswith("[full] mm/foo.o does not build at the tip: ")


def test_object_broken_at_the_base_fails_build_and_is_skipped_by_bisect():
    s = series(1)
    m = matrix(s, {0: {"mm/foo.o": broken()}, 1: {"mm/foo.o": ok(cc=[warn("w")])}})
    b = build.check(m, ["mm/foo.o"], {"mm/foo.o"})
    assert not b.ok and b.count == 0
    assert b.details[0].startswith("[full] mm/foo.o does not build at the base either: ")
    assert bisect.check(m, s).ok
    assert sparse.check(m).ok


def test_make_errors_and_objects_built_nowhere():
    s = series(1)
    m = matrix(s, {0: CLEAN, 1: {"mm/foo.o": ok()}})
    tip = m.cell(s.tip, "full")
    tip.make_errors = ["make[1]: *** No rule to make target 'mm/baz.o'."]
    tip.skipped = {"mm/bar.o": "CONFIG_BAR is off"}
    b = build.check(m, ["mm/foo.o", "mm/bar.o", "mm/gone.o"], {"mm/foo.o", "mm/bar.o"})
    assert b.count == 2
    assert b.details == ["[full] make: make[1]: *** No rule to make target 'mm/baz.o'.",
                         "mm/bar.o: built in no configuration (full: CONFIG_BAR is off)"]
    # At the tip that is build's; in a commit before it, bisect's.
    assert bisect.check(m, s).ok
    s2 = series(2)
    m2 = matrix(s2, {0: CLEAN, 1: CLEAN, 2: CLEAN})
    m2.cell(s2.commits[0].sha, "full").make_errors = list(tip.make_errors)
    assert bisect.check(m2, s2).details[0].endswith("make: make[1]: *** No rule to make "
                                                    "target 'mm/baz.o'.")


def test_no_configuration_fails_the_build_checks():
    s = series(1)
    m = Matrix(s.base, [s.tip], [])
    for r in (build.check(m, [], set()), sparse.check(m), bisect.check(m, s)):
        assert not r.ok and r.details == ["no configuration could be made (see configs)"]


def test_bisect_reports_how_each_commit_was_built():
    s = series(2)
    m = matrix(s, {0: CLEAN, 1: CLEAN, 2: CLEAN})
    m.cell(s.commits[0].sha, "full").how = "direct, 1 rebuilt"
    m.cell(s.commits[1].sha, "full").why_make = "mm/Makefile changed"
    bi = bisect.check(m, s)
    assert bi.data["builds"] == [
        {"commit": s.commits[0].sha, "config": "full", "how": "direct, 1 rebuilt",
         "why_make": ""},
        {"commit": s.commits[1].sha, "config": "full", "how": "make",
         "why_make": "mm/Makefile changed"}]
    assert bi.summary.endswith("(1 of 2 built without make)")


def test_compare_is_the_one_new_diagnostics_rule():
    before = Cell(objects={"a.o": ok(cc=[warn("w1")]), "b.o": broken()})
    now = Cell(objects={"a.o": ok(cc=[warn("w1"), warn("w2")]), "b.o": ok(cc=[warn("w3")]),
                        "c.o": broken(), "d.o": ok(objtool=[warn("o", tool="objtool")])})
    got = [(o, what, getattr(x, "ok", None) if what != newdiags.NEW else x["msg"])
           for o, what, x in newdiags.compare(now, before, build.TOOLS)]
    assert got == [("a.o", newdiags.NEW, "w2"), ("b.o", newdiags.BROKEN_BEFORE, False),
                   ("c.o", newdiags.BROKEN, False), ("d.o", newdiags.NEW, "o")]
    assert newdiags.compare(now, None, ("sparse",)) == [("c.o", newdiags.BROKEN, now.objects["c.o"])]


def test_cell_from_the_builders_state():
    state = {"objects": {"a.o": {"ok": False, "rebuilt": True, "cc": [], "sparse": [],
                                 "objtool": [], "why": "no rule"}},
             "make_errors": [], "rc": 2, "sparse": False, "how": "make", "why_make": "x"}
    c = Cell.from_state(state, {"b.o": "off"})
    assert c.objects["a.o"] == Obj(ok=False, why="no rule", rebuilt=True)
    assert c.skipped == {"b.o": "off"} and c.why_make == "x"
    assert c.failure() == "a.o did not build (no rule)"
    assert c.built() == []


# -- changed-lines ----------------------------------------------------------------

SRC = "int a;\n/* comment */\nint b(void)\n{\n\treturn 1;\n}\n"


def test_changed_lines_select_and_judge():
    changes = [FileChange("mm/foo.c", "mm/foo.c", "M", added=[1, 2, 5]),
               FileChange("Documentation/x.rst", "Documentation/x.rst", "M", added=[1]),
               FileChange("", "mm/gone.c", "D")]
    plan, skipped = lines.select(changes, {"mm/foo.c": SRC}.get)
    assert list(plan) == ["mm/foo.c"] and plan["mm/foo.c"][0] == [1, 5]
    assert [(f, ln) for f, ln, _ in skipped] == [("mm/foo.c", 2)]
    assert plan["mm/foo.c"][2] == clines.classify(SRC)
    s = series(1)
    # Line 5 is compiled in one configuration, line 1 in none: it fails.
    m = Matrix(s.base, [s.tip], ["full", "no-COMPACTION"],
               lines={"full": {("mm/foo.c", 5)}, "no-COMPACTION": set()},
               no_text={"no-COMPACTION": ["mm/foo.o"]})
    r = lines.check(m, plan, skipped)
    assert not r.ok and r.count == 1
    assert r.details == ["no-COMPACTION: note: no preprocessor output for mm/foo.o",
                         "mm/foo.c:1: not compiled in any configuration: int a;"]
    assert r.summary == ("1/2 changed lines compiled (full 1, no-COMPACTION 0); "
                         "1 not code")
    assert r.data["uncovered"] == ["mm/foo.c:1"]
    assert r.data["covered_by"] == {"mm/foo.c:5": ["full"]}
    m.lines["no-COMPACTION"] = {("mm/foo.c", 1), ("mm/foo.c", 5)}
    r = lines.check(m, plan, skipped)
    assert r.ok and r.data["covered_by"]["mm/foo.c:5"] == ["full", "no-COMPACTION"]


def test_no_changed_code_lines():
    s = series(1)
    r = lines.check(Matrix(s.base, [s.tip], ["full"], lines={"full": set()}), {}, [])
    assert r.ok and r.summary == "no changed lines of C code (0 not code)"


def test_plan_key_names_files_and_lines():
    assert lines.plan_key({"a.c": ([1], "", None)}) != lines.plan_key({"a.c": ([2], "", None)})


# -- configs and configspace -------------------------------------------------------

def cfg(name, disable=(), values=None, failed=(), error="", text=""):
    p = Plan(name, disable=list(disable), text=text, source="user" if text else "")
    return Config(plan=p, bdir=Path(f"/b/build-{name}"), values=dict(values or {}),
                  failed=list(failed), error=error)


def test_configs_check():
    good = [cfg("full", values={"CONFIG_X": "y"}),
            cfg("no-COMPACTION", disable=[STUB_OFF], values={STUB_OFF: "n"})]
    r = configs.check(good, ["mm/foo.o"], {"mm/foo.o": "uses the API"}, ["n1"], set())
    assert r.ok and r.count == 2
    assert r.summary == "2 configurations from defconfig, 1 affected objects"
    assert r.details[-1] == "note: n1"
    assert r.data["objects"] == {"mm/foo.o": "uses the API"}
    # The stub's option stays on: no configuration proves the stub.
    bad = [cfg("full"), cfg("no-COMPACTION", disable=[STUB_OFF], values={STUB_OFF: "y"},
                            failed=[STUB_OFF])]
    r = configs.check(bad, [], {}, [], set())
    assert not r.ok
    assert f"no configuration with {STUB_OFF} off could be made" in r.details
    assert f"no-COMPACTION: {STUB_OFF} could not be set (turned off)" in r.details
    r = configs.check([cfg("full", error="boom")], [], {}, [], set())
    assert r.count == 0 and "full: could not make the configuration: boom" in r.details


def verdict(ok=True, label="1/1", failing=0):
    return {"ok": ok, "valid": 24, "options": [], "failing": failing, "decoding": [],
            "summary": "all 24 assignments reach every user" if ok else "2 of 24 lose one",
            "groups": [] if ok else [{"key": "CONFIG_ZSMALLOC=m: zsmalloc_mops lost",
                                      "count": 2, "first": "ZSMALLOC=m", "problem": "lost"}],
            "notes": [], "label": label, "commit": "c" * 40, "subject": "s"}


def test_configspace_check():
    r = configspace.check([verdict(label="base"), verdict(False, "1/2", 2), verdict()], {})
    assert r.ok and r.summary == "all 24 assignments reach every user"
    assert r.details == ["note: commit 1/2 cccccccccccc 's': 2 of 24 lose one; "
                         "the tip fixes it"]
    r = configspace.check([verdict(), verdict(False, failing=2)],
                          {"user-cloud": {"ok": True, "lines": ["zsmalloc_mops: agrees"]}})
    assert not r.ok and r.count == 2
    assert r.details[0].startswith("CONFIG_ZSMALLOC=m: zsmalloc_mops lost: 2 of 24")
    assert r.details[-1] == "[user-cloud] zsmalloc_mops: agrees"
    assert r.summary == "2 of 24 lose one; user-cloud build agrees"
    r = configspace.check([verdict()], {"u": {"ok": False, "lines": ["no branch"]}})
    assert not r.ok and r.details == ["[u] disagrees: no branch"]
    assert r.summary.endswith("; u build DISAGREES")


# -- old-api-gone and checkpatch ----------------------------------------------------

def test_old_api_check():
    r = oldapi.check([], ["mm/a.c", "mm/b.c"], "")
    assert r.ok and r.summary == ("0 uses of the old API in 2 candidate files "
                                  "(spatch report mode + grep)")
    r = oldapi.check([("mm/a.c", 3, "two-argument __SetPageMovable()", "spatch")], ["mm/a.c"],
                     "")
    assert not r.ok and r.count == 1
    assert r.details == ["mm/a.c:3: two-argument __SetPageMovable() [spatch]"]
    assert oldapi.check([], [], "boom").details == ["spatch failed: boom"]


def test_checkpatch_check():
    res = {"0001.patch": [{"where": "0001:10", "level": "WARNING", "type": "LONG_LINE",
                           "msg": "long"},
                          {"where": "0001:12", "level": "ERROR", "type": "SPACING",
                           "msg": "space"}],
           "0002.patch": []}
    r = checkpatch.check(res, "")
    assert not r.ok and r.count == 1
    assert r.summary == "2 patches: 1 errors, 1 warnings/checks"
    assert r.details == ["0001:12: ERROR:SPACING: space", "0001:10: WARNING:LONG_LINE: long"]
    r = checkpatch.check(None, "checkpatch.pl not found")
    assert not r.ok and r.details == ["checkpatch.pl not found"]


# -- the engine, with a builder that compiles nothing ---------------------------------

class FakeBuilder:
    """Builder's interface: every object builds, with one warning at the
    tip; preprocessing returns what the worktree holds (markers and all)."""
    key_vars = ["CC=cc"]
    jobs = 2

    def key(self, kind, **inputs):
        return dict(inputs, kind=kind, vars=self.key_vars)

    def __init__(self, wt, tip):
        self.wt, self.tip, self.calls = wt, tip, []

    def built_at(self, cfg):
        return None

    def build(self, cfg, objs, sparse=True, at=None, changed=None):
        self.calls.append(("build", at, cfg.name, sparse))
        w = [warn("new")] if at == self.tip else []
        return {"objects": {o: {"ok": True, "rebuilt": True, "cc": list(w), "sparse": [],
                                "objtool": []} for o in objs},
                "make_errors": [], "rc": 0, "sparse": sparse, "how": "make", "why_make": ""}

    def preprocess(self, cfg, objs, built=()):
        self.calls.append(("preprocess", cfg.name, sorted(built)))
        return {o: "\n".join(self.wt.files.values()) for o in objs}, ""


class FakeWorktree:
    partial = False

    def __init__(self):
        self.files, self.restored = {}, []

    def write(self, path, text):
        self.files[path] = text

    def restore(self, paths):
        self.restored += paths
        for p in paths:
            self.files.pop(p, None)


def test_engine_fills_the_matrix_and_reuses_the_store(tmp_path, monkeypatch):
    from verifier import matrix as mx
    from kbuildengine.store import ResultStore
    monkeypatch.setattr(mx.configs, "object_enabled",
                        lambda tree, o, values, cache: (o != "mm/off.o", "CONFIG_OFF is off"))
    s = series(2)
    wt = FakeWorktree()
    store = ResultStore(tmp_path / "results")
    visited = []

    def engine():
        b = FakeBuilder(wt, s.tip)
        return b, mx.Engine(s, {"": b}, store, lambda **kw: kw, lambda m: None,
                            visited.append, lambda why: None, wt)

    full = cfg("full")
    objects = ["mm/foo.o", "mm/off.o"]
    m = Matrix(s.base, [c.sha for c in s.commits], ["full"])
    spent = []
    b, e = engine()
    e.build(m, [full], objects, lambda sha: None, lambda cfgs: None,
            lambda sha, dt: spent.append(sha))
    assert [c[1] for c in b.calls] == [s.base] + [c.sha for c in s.commits]
    assert [c[3] for c in b.calls] == [True, False, True]     # sparse at base and tip
    assert visited == [s.base] + [c.sha for c in s.commits] and len(spent) == 3
    assert set(m.cell(s.tip, "full").objects) == {"mm/foo.o"}
    assert m.cell(s.tip, "full").skipped == {"mm/off.o": "CONFIG_OFF is off"}
    r = build.check(m, objects, {"mm/foo.o"})
    assert not r.ok and r.count == 1 and "mm/foo.o: new mm/foo.c:10: warning: new" in r.details[0]
    # The changed-line proof: line 1 marked, found, the file put back.
    plan, skipped = lines.select([FileChange("mm/foo.c", "mm/foo.c", "M", added=[1])],
                                 {"mm/foo.c": SRC}.get)
    e.mark_lines(m, [full], plan, lines.plan_key(plan))
    assert m.lines == {"full": {("mm/foo.c", 1)}} and wt.restored == ["mm/foo.c"]
    assert b.calls[-1] == ("preprocess", "full", ["mm/foo.o"])     # built at the tip here
    assert lines.check(m, plan, skipped).ok
    # A second engine finds every cell and the markers in the store.
    m2 = Matrix(s.base, [c.sha for c in s.commits], ["full"])
    b2, e2 = engine()
    e2.build(m2, [full], objects, lambda sha: None, lambda cfgs: None, lambda sha, dt: None)
    e2.mark_lines(m2, [full], plan, lines.plan_key(plan))
    assert b2.calls == [] and m2.cells == m.cells and m2.lines == m.lines
    assert e2.tip_built(m2, full) == []
