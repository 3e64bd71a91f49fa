# SPDX-License-Identifier: GPL-2.0
"""The stable form on the real Debian trees: 6.12 with drop-z3fold and 6.1
with both prerequisites, against expected/*-stable (made by
scripts/make-expected.py, reviewed by hand).

Each series must name its upstream commit on the first line of every
message, make 84caf98838a3 one commit holding the dispatch and the
one-argument __SetPageMovable(), keep the fix's Fixes: line, pass
verify's stable row, and the analysis must find upstream's patch 2
(15504b116300) in the tree with its evidence.  verify.py as a whole runs
on these series in test_verify.py (6.12) and test_apply_series.py (6.1),
where the default series' builds are stored already.
"""
import re

import pytest

from conftest import SCRIPTS, assert_series_equals_golden, clone_tree, run
from movops import presence
from movops import upstream as U
from movops.plan import Plan
from verifier import commits as ser
from verifier import stablerow

pytestmark = pytest.mark.realtree

APPLY = SCRIPTS / "apply-series.sh"

TREES = {
    "6.12": (["drop-z3fold"], "6.12-drop-z3fold-stable", ["drop-z3fold", "p10", "p19", "fix"]),
    "6.1": (["drop-z3fold", "zsmalloc-page-type"],
            "6.1-drop-z3fold-zsmalloc-page-type-stable",
            ["drop-z3fold", "zsmalloc-page-type", "p19", "fix"]),
}


def git(kdir, *args):
    return run(["git", "-C", str(kdir), *args]).stdout


@pytest.fixture(scope="module", params=sorted(TREES))
def series(request, tmp_path_factory):
    version = request.param
    prereqs, golden_name, keys = TREES[version]
    work = tmp_path_factory.mktemp(f"stable-{version}")
    # The series and the analysis read git only: mm/ is enough on disk.
    kdir = clone_tree(version, work / "linux", sparse=["mm"])
    pre = [a for p in prereqs for a in ("--prereq", p)]
    res = run([str(APPLY), "--stable", *pre, "--output", str(work / "out"), str(kdir)],
              check=False)
    analysis = run([str(APPLY), "-q", "--analyze", "--stable", *pre, "--json",
                    str(work / "analysis.json"), "--output", str(work / "report"), str(kdir)],
                   check=False)
    base = git(kdir, "rev-parse", "HEAD").strip()
    return {"version": version, "kdir": kdir, "res": res, "out": work / "out",
            "golden": golden_name, "keys": keys, "base": base, "analysis": analysis,
            "plan": work / "analysis.json", "report": work / "report" / "analysis.txt",
            "commits": git(kdir, "rev-list", "--reverse", f"{base}..movable-ops").split()}


def test_stable_series_equals_its_golden(series):
    assert series["res"].returncode == 0, series["res"].stdout + series["res"].stderr
    assert_series_equals_golden(series["golden"], series["kdir"], series["out"])


def test_one_commit_per_upstream_commit_each_naming_it(series):
    table = U.load()
    kdir = series["kdir"]
    assert len(series["commits"]) == len(series["keys"])
    for sha, key in zip(series["commits"], series["keys"]):
        e = table.get(key)
        msg = git(kdir, "log", "-1", "--format=%B", sha)
        lines = msg.split("\n")
        assert lines[0] == e.subject
        assert lines[2] == f"commit {e.sha} upstream." and re.fullmatch(
            r"commit [0-9a-f]{40} upstream\.", lines[2])
        assert "\n[ movops: backported to Linux " in msg
        assert msg.rstrip("\n").endswith("]\nSigned-off-by: Movops Tester <tester@example.org>")
    # 84caf98838a3: the dispatch and the one-argument __SetPageMovable() in
    # one commit.
    p19 = series["commits"][series["keys"].index("p19")]
    diff = git(kdir, "show", "--format=", p19)
    assert "+const struct movable_operations *page_movable_ops(struct page *page)" in diff
    assert "+\tif (PageZsmalloc(page))" in diff and "+\tif (PageOffline(page))" in diff
    assert "+void __SetPageMovable(struct page *page);" in diff
    assert "-void __SetPageMovable(struct page *page, const struct movable_operations *ops);" \
        in diff
    fix = git(kdir, "log", "-1", "--format=%B", series["commits"][-1])
    assert 'Fixes: 84caf98838a3 ("mm: stop storing migration_ops in page->mapping")' in fix


def test_stable_row_passes(series):
    r = stablerow.stable_row(ser.resolve(series["kdir"], "movable-ops"))
    assert r.status == "pass", r.details
    # Debian's baseline repositories hold no upstream commit.
    assert "range-diff against upstream not checked" in r.summary


def test_analysis_finds_patch_2_with_its_evidence(series):
    assert series["analysis"].returncode == 0, series["analysis"].stderr
    plan = Plan.from_json(series["plan"].read_text())
    rows = {u.key: u for u in plan.upstream}
    p2 = rows["p2"]
    assert p2.commit == "15504b1163007bbfbd9a63460d5c14737c16e96d"
    assert p2.status == presence.PRESENT
    text = git(series["kdir"], "show", "HEAD:include/linux/balloon_compaction.h")
    line = next(n for n, l in enumerate(text.split("\n"), 1)
                if l.startswith("static inline void balloon_page_finalize("))
    assert p2.evidence == f"include/linux/balloon_compaction.h:{line}"
    assert rows["p1"].status == presence.PRESENT
    for key in series["keys"]:
        assert rows[key].status == presence.BACKPORTED, rows[key]
    report = series["report"].read_text()
    assert re.search(rf"^  p2 +15504b116300  present +include/linux/balloon_compaction.h:"
                     rf"{line} defines balloon_page_finalize\(\)$", report, re.M), report
