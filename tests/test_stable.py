# SPDX-License-Identifier: GPL-2.0
"""The stable form (apply-series.sh --stable) and what it rests on: the
upstream table, the evidence of which upstream commits a tree has, the
deviation blocks, and verify's stable row.

A repository cannot hold commits with upstream's IDs unless it holds
upstream's history, so the fixture repository here holds stand-ins: the
test makes "upstream" commits on the mainline fixture with messages and
an author of its own, and names them in a table of upstream commits
given with MOVOPS_UPSTREAM_TABLE.  Everything else is the real run:
apply-series.sh with its spatch steps, git, and verify's stable row.
"""
import dataclasses
import os
import re
import shutil

import pytest

from conftest import REPO, SCRIPTS, run
from movops import presence, stable, trailer
from movops import upstream as U
from movops.plan import Plan
from movops.tree import Tree
from verifier import commits as ser
from verifier import content, golden, stablerow
from verifier.checks import stable as check_stable

APPLY = SCRIPTS / "apply-series.sh"
MAINLINE = REPO / "tests" / "fixtures" / "mainline" / "before"
COCCI_STEPS = sorted(p.name for p in (REPO / "cocci").glob("[0-9][0-9]-*.cocci"))


def git(repo, *args, env=None, input=None):
    return run(["git", "-C", str(repo), *args], env=env, input=input).stdout


# -- the table ------------------------------------------------------------------

def test_table_is_complete_and_names_no_guessed_id():
    t = U.load()
    series = [e for e in t.entries if e.number]
    assert [e.number for e in series] == list(range(1, 30))
    assert [e.key for e in series] == [f"p{n}" for n in range(1, 30)]
    for e in t.entries:
        # A full ID or none at all, with the reason: never an abbreviation.
        assert (e.sha and re.fullmatch(r"[0-9a-f]{40}", e.sha)) or (e.sha is None and e.unconfirmed)
        assert e.files and e.subject and e.probe
    fix = t.get("fix")
    assert fix.fixes == "p19" and fix.subject == "mm/migrate: fix NULL movable_ops if CONFIG_ZSMALLOC=m"
    assert t.get("p19").ref() == '84caf98838a3 ("mm: stop storing migration_ops in page->mapping")'
    assert t.get("drop-z3fold").subject == "mm: z3fold: remove z3fold"
    assert t.get("zsmalloc-page-type").sha.startswith("43d746dc49bb")
    # Every step of cocci/ carries an upstream commit of the table.
    for f in COCCI_STEPS:
        key, _ = U.STEP_UPSTREAM[stable.step_name(f)]
        assert t.get(key) is not None, f
    # The prerequisites name theirs.
    from movops.prereqs import PREREQS
    assert all(t.get(name) for name in PREREQS)


def test_steps_group_by_upstream_commit_in_upstream_order():
    got = [(e.key, part is not None, files) for e, part, files in
           stable.groups(COCCI_STEPS, U.load())]
    assert got == [("p10", True, ["01-folio-movable-ops-via-page.cocci"]),
                   ("p19", False, ["02-movable-ops-dispatch.cocci",
                                   "03-setpagemovable-drop-ops.cocci"]),
                   ("p20", False, ["05-movable-ops-page-flag.cocci"]),
                   ("p28", False, ["06-balloon-compaction-doc.cocci"]),
                   # Upstream fixed 84caf98838a3 after the whole series.
                   ("fix", False, ["04-movable-ops-registration.cocci"])]


def test_table_override_is_read_and_refused_when_broken(tmp_path, monkeypatch):
    t = U.load()
    e = dataclasses.replace(t.get("p19"), sha="a" * 40)
    path = tmp_path / "table.json"
    path.write_text(U.table_json([e]))
    monkeypatch.setenv(U.ENV, str(path))
    got = U.load()
    assert [x.key for x in got.entries] == ["p19"] and got.get("p19") == e
    path.write_text("[{}]")
    from core.errors import BadInput
    with pytest.raises(BadInput, match="not a table of upstream commits"):
        U.load()


# -- evidence --------------------------------------------------------------------

def reader(files):
    return lambda rel: files.get(rel)


FINALIZE = ("/* comment */\n"
            "static inline void balloon_page_finalize(struct page *page)\n"
            "{\n"
            "\t__ClearPageOffline(page);\n"
            "}\n")
DELETE = ("static inline void balloon_page_delete(struct page *page)\n"
          "{\n"
          "\t__ClearPageOffline(page);\n"
          "}\n")


def test_evidence_present_missing_and_not_needed():
    t = U.load()
    p2, p5, p25 = t.get("p2"), t.get("p5"), t.get("p25")
    status, hit, how = presence.assess(p2, reader({U.BC_H: FINALIZE}))
    assert (status, hit.where()) == (presence.PRESENT, f"{U.BC_H}:2")
    assert how == f"{U.BC_H}:2 defines balloon_page_finalize()"
    # The tree before the change: missing, and the evidence cites it.
    status, hit, how = presence.assess(p2, reader({U.BC_H: DELETE}))
    assert (status, how) == (presence.MISSING, f"{U.BC_H}:1 defines balloon_page_delete()")
    # A marker inside a function: PageOffline still cleared there.
    status, hit, _ = presence.assess(p5, reader({U.BC_H: FINALIZE}))
    assert (status, hit.where()) == (presence.MISSING, f"{U.BC_H}:4")
    status, _, how = presence.assess(p5, reader({U.BC_H: FINALIZE.replace(
        "\t__ClearPageOffline(page);\n", "")}))
    assert status == presence.PRESENT and "keeps PageOffline" in how
    # The code the commit changes is not there.
    status, hit, how = presence.assess(p25, reader({"include/linux/mm.h": "int x;\n"}))
    assert status == presence.NOT_NEEDED and how == "this tree has no folio_expected_ref_count()"
    # git's word, where the repository holds the commit, decides.
    status, _, how = presence.assess(p2, reader({U.BC_H: DELETE}),
                                     presence.History(True, ancestor=True))
    assert status == presence.PRESENT and how.startswith("an ancestor of the base")


@pytest.mark.parametrize("fixture", ["v6.12", "v6.1"])
def test_fixture_trees_have_patch_2_with_its_evidence(fixture):
    tree = Tree(REPO / "tests" / "fixtures" / fixture / "before")
    rows = {r.key: r for r in presence.table(U.load().entries, tree.read)}
    p2 = rows["p2"]
    line = next(n for n, l in enumerate(tree.read(U.BC_H).splitlines(), 1)
                if l.startswith("static inline void balloon_page_finalize("))
    assert (p2.status, p2.evidence) == (presence.PRESENT, f"{U.BC_H}:{line}")
    # The rework itself is not there; the prerequisites' removal neither.
    assert rows["p19"].status == presence.MISSING
    assert rows["drop-z3fold"].status == presence.MISSING
    assert "builds z3fold" in rows["drop-z3fold"].how
    # What the series would make is 'backported'.
    rows = {r.key: r for r in presence.table(U.load().entries, tree.read,
                                             backports={"p19": "by this series"})}
    assert rows["p19"].status == presence.BACKPORTED


# -- messages and deviation blocks ------------------------------------------------

def test_message_names_upstream_and_ends_with_the_block():
    t = U.load()
    bp = stable.Backport(t.get("fix"), ["04-movable-ops-registration.cocci"])
    items = ["adapted: something about this tree, long enough to be wrapped over two "
             "lines of the block", "left out: mm/foo.c: not in this tree"]
    msg = stable.message(bp, "Our own description.", None, items, "6.12.117",
                         ("B Porter", "bp@example.org"),
                         fixes=t.get("p19").ref())
    lines = msg.splitlines()
    assert lines[:5] == ["mm/migrate: fix NULL movable_ops if CONFIG_ZSMALLOC=m", "",
                         "commit 053c8ebe74f7e1f4c072e59428da80b9d78bc4b7 upstream.", "",
                         "Our own description."]
    assert 'Fixes: 84caf98838a3 ("mm: stop storing migration_ops in page->mapping")' in lines
    assert lines[-1] == "Signed-off-by: B Porter <bp@example.org>"
    assert lines[-2].endswith(" ]") and all(len(l) <= 75 for l in lines)
    assert trailer.stable_source(msg) == (("04-movable-ops-registration",), None)
    assert trailer.steps_of(msg) == ("04-movable-ops-registration",)
    # Upstream's message, where the repository has it, replaces ours.
    up = "subject\n\nUpstream's words.\n\nSigned-off-by: A Uthor <a@example.org>\n"
    msg = stable.message(bp, "Our own description.", up, [], "6.12.117", ("B", "b@x"))
    assert "Our own description." not in msg
    assert "Upstream's words.\n\nSigned-off-by: A Uthor <a@example.org>\n[ movops: " in msg
    assert "No deviation from upstream. ]\nSigned-off-by: B <b@x>\n" in msg
    # An ID nobody confirmed is said to be so, never made up.
    e = dataclasses.replace(t.get("drop-z3fold"), sha=None, unconfirmed="not found")
    assert stable.upstream_line(e).startswith("Upstream commit: ID not confirmed (not found)")


def test_deviations_say_what_the_tree_lacks_and_what_is_left_out():
    t = U.load()
    plan = None
    bp = stable.Backport(t.get("p10"), ["01-folio-movable-ops-via-page.cocci"],
                         part="folio_movable_ops() goes")
    items = stable.deviations(bp, plan, t, {"p7": "missing", "p8": "missing"},
                              ["include/linux/migrate.h", "mm/migrate.c"], lambda f: True)
    assert items[0] == "only part of the upstream commit: folio_movable_ops() goes"
    assert any(i.startswith("folio_test_movable() stays: upstream removed it after "
                            "6ef0c1976b8f") for i in items)
    assert any(i.startswith("also changes mm/migrate.c, which the upstream commit does "
                            "not touch") for i in items)
    # With those commits present there is nothing to say about them.
    items = stable.deviations(bp, plan, t, {"p7": "present", "p8": "present"},
                              ["include/linux/migrate.h", "mm/migrate.c"], lambda f: True)
    assert not any("folio_test_movable" in i for i in items)
    bp = stable.Backport(t.get("drop-z3fold"), prereq="drop-z3fold")
    items = stable.deviations(bp, None, t, {}, ["mm/Kconfig", "mm/z3fold.c"],
                              lambda f: f != "CREDITS", "-config Z3FOLD\n")
    assert "left out: mm/Makefile: the prerequisite found nothing to change there in " \
        "this tree" in items
    assert any(i.startswith("left out: CREDITS: upstream also credited") for i in items)
    assert any(i.startswith("the Kconfig options removed are this tree's (Z3FOLD)")
               for i in items)


def test_content_compares_blocks_unwrapped_and_abstracted():
    def patch(block):
        return ("From 0 Mon Sep 17 00:00:00 2001\nSubject: [PATCH 1/1] s\n\n"
                "commit " + "a" * 40 + " upstream.\n\nBody.\n\n" + block +
                "\nSigned-off-by: X <x@y>\n---\n")
    a = ("[ movops: backported to Linux 6.12.117 by cocci/x.cocci.\n"
         "  Deviations from upstream:\n"
         "  - adapted: called at mm/compaction.c:125 (PageMovable), which\n"
         "    is far ]")
    b = ("[ movops: backported to Linux 6.12.118 by cocci/x.cocci.\n"
         "  Deviations from upstream:\n"
         "  - adapted: called at mm/compaction.c:1250 (PageMovable),\n"
         "    which is far ]")
    ca, cb = content.parse_patch(patch(a)), content.parse_patch(patch(b))
    assert ca.body == cb.body
    assert "- adapted: called at mm/compaction.c:<line> (PageMovable), which is far ]" in ca.body
    cc = content.parse_patch(patch(a.replace("is far", "is near")))
    assert content.compare([ca], [cc])[0].kind == "body"


def test_golden_form_of_a_series_and_of_an_entry(tmp_path):
    msg = stable.message(stable.Backport(U.load().get("p19"), ["02-x.cocci"]), "d", None,
                         [], "6.1", ("A", "a@b"))
    assert golden.form_of(["plain\n\nGenerated by movops from cocci/02-x.cocci.\n", msg]) \
        == golden.STABLE_FORM
    assert golden.form_of(["plain\n"]) == golden.DEFAULT_FORM
    assert golden.prereq_names([stable.message(stable.Backport(
        U.load().get("drop-z3fold"), prereq="drop-z3fold"), "d", None, [], "6.1",
        ("A", "a@b"))]) == ["drop-z3fold"]


# -- the stable row ----------------------------------------------------------------

def commit(sha, subject, body, steps=("02-movable-ops-dispatch",), diff=None):
    block = trailer.stable_head("6.1", steps) + "\n  No deviation from upstream. ]"
    return check_stable.SeriesCommit(sha, f"{subject}\n\n{body}\n\n{block}\n"
                                          "Signed-off-by: A <a@b>\n", diff)


P19 = U.load().get("p19")
FIX = U.load().get("fix")


def test_stable_row_passes_a_good_series_and_names_what_it_did_not_check():
    cs = [commit("1" * 40, P19.subject, f"commit {P19.sha} upstream."),
          commit("2" * 40, FIX.subject, f"commit {FIX.sha} upstream.\n\n"
                 f"Fixes: {P19.ref()}")]
    r = check_stable.check(cs, U.load(), {})
    assert r.status == "pass", r.details
    assert "range-diff against upstream not checked for 84caf98838a3, 053c8ebe74f7" \
        in r.summary


@pytest.mark.parametrize("bad, why", [
    ("Fixes: 84caf98838a3 (\"mm: stop storing movable_ops in page->mapping\")",
     "quotes \"mm: stop storing movable_ops in page->mapping\", but its subject is"),
    ("Fixes: 84caf98838a3", "is not of the form"),
    ("Fixes: 0123456789ab (\"mm: stop storing migration_ops in page->mapping\")",
     "names no upstream commit the toolkit knows"),
])
def test_stable_row_fails_a_wrong_fixes_tag(bad, why):
    cs = [commit("2" * 40, FIX.subject, f"commit {FIX.sha} upstream.\n\n{bad}")]
    r = check_stable.check(cs, U.load(), {})
    assert r.status == "fail" and any(why in d for d in r.details), r.details


def test_stable_row_fails_an_unnamed_unknown_or_misnamed_commit():
    cs = [commit("1" * 40, P19.subject, "No upstream line here."),
          commit("2" * 40, P19.subject, f"commit {'f' * 40} upstream."),
          commit("3" * 40, "mm: something else", f"commit {P19.sha} upstream."),
          check_stable.SeriesCommit("4" * 40, f"{P19.subject}\n\ncommit {P19.sha} upstream.\n")]
    r = check_stable.check(cs, U.load(), {})
    assert r.status == "fail" and r.count == 4
    text = "\n".join(r.details)
    assert "patch 1 (111111111111): the message does not start with" in text
    assert "patch 2 (222222222222): names ffffffffffff, an upstream commit" in text
    assert "patch 3 (333333333333): subject 'mm: something else' is not upstream's" in text
    assert "patch 4 (444444444444): no bracketed block documents its deviations" in text


def test_stable_row_range_diff_against_upstream():
    up = ("diff --git a/mm/m.c b/mm/m.c\n--- a/mm/m.c\n+++ b/mm/m.c\n@@ -1,2 +1,3 @@\n"
          " ctx\n-old\n+new\n+extra\n")
    ours = up.replace("+extra\n", "")
    cs = [commit("1" * 40, P19.subject, f"commit {P19.sha} upstream.", diff=ours)]
    r = check_stable.check(cs, U.load(), {"p19": up})
    # The commit says it has no deviation, but it lacks a line of upstream's.
    assert r.status == "fail"
    assert any("says it has no deviation from upstream" in d for d in r.details)
    assert any("mm/m.c\n  -+extra" in d for d in r.details), r.details
    r = check_stable.check(cs, U.load(), {"p19": ours})
    assert r.status == "pass" and "range-diff against upstream: 1 commits equal" in r.summary


# -- the fixture repository with "upstream" commits ----------------------------------

def commit_tree(repo, tree, parent, message, who=("Upstream Author", "upstream@example.org"),
                date="@1700000000 +0000"):
    env = dict(os.environ, GIT_AUTHOR_NAME=who[0], GIT_AUTHOR_EMAIL=who[1],
               GIT_COMMITTER_NAME=who[0], GIT_COMMITTER_EMAIL=who[1],
               GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    return git(repo, "commit-tree", tree, "-p", parent, "-F", "-", env=env,
               input=message).strip()


def fixture_repo(path):
    shutil.copytree(MAINLINE, path)
    env = dict(os.environ, GIT_AUTHOR_DATE="@0 +0000", GIT_COMMITTER_DATE="@0 +0000",
               GIT_AUTHOR_NAME="Fixture", GIT_AUTHOR_EMAIL="fixture@example.org",
               GIT_COMMITTER_NAME="Fixture", GIT_COMMITTER_EMAIL="fixture@example.org")
    git(path, "init", "-q")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "fixture base", env=env)
    git(path, "config", "user.name", "Movops Tester")
    git(path, "config", "user.email", "tester@example.org")
    return path


EXTRA = "/* Users register their movable_ops from their init functions. */"


@pytest.fixture(scope="module")
def upstream_repo(tmp_path_factory):
    """The mainline fixture with stand-ins for upstream's 84caf98838a3,
    3d388584d599, f5e43012b86a and 053c8ebe74f7 on a branch 'upstream'
    (the fix's stand-in has one line the series does not make), a table
    naming them (and the base as patch 2), and the stable series made
    with that table."""
    work = tmp_path_factory.mktemp("upstream-repo")
    # What the series makes, from a plain run on a copy, is what the
    # stand-ins are made of.
    scratch = fixture_repo(work / "scratch")
    run([str(APPLY), "-q", "--stable", str(scratch)])
    ours = git(scratch, "rev-list", "--reverse", "master..movable-ops").split()
    kdir = fixture_repo(work / "linux")
    # Two more commits: one adds a line, the next (the base) takes it out
    # again; a stand-in for upstream's patch 1, off the history, makes the
    # same change: a cherry-pick that only its patch-id finds.
    rel = "mm/balloon_compaction.c"
    text = (kdir / rel).read_text()
    (kdir / rel).write_text("/* to be removed */\n" + text)
    dated = dict(os.environ, GIT_AUTHOR_DATE="@1800000000 +0000",
                 GIT_COMMITTER_DATE="@1800000000 +0000")
    git(kdir, "commit", "-q", "-a", "-m", "add a line", env=dated)
    (kdir / rel).write_text(text)
    git(kdir, "commit", "-q", "-a", "-m", "remove it again", env=dated)
    base = git(kdir, "rev-parse", "HEAD").strip()
    p1 = commit_tree(kdir, git(kdir, "rev-parse", "HEAD^{tree}").strip(), "HEAD~1",
                     "mm/balloon_compaction: stand-in\n\nSigned-off-by: U <u@example.org>\n")
    git(kdir, "branch", "upstream-p1", p1)
    git(kdir, "fetch", "-q", str(scratch), "movable-ops:refs/scratch/ours")
    table = U.load()
    keys = ["p19", "p20", "p28", "fix"]
    parent, standins = base, {}
    for key, sha in zip(keys, ours):
        tree = git(kdir, "rev-parse", f"{sha}^{{tree}}").strip()
        if key == "fix":
            text = git(kdir, "show", f"{sha}:mm/migrate.c")
            anchor = "static const struct movable_operations *offline_movable_ops;\n"
            assert anchor in text
            blob = git(kdir, "hash-object", "-w", "--stdin",
                       input=text.replace(anchor, EXTRA + "\n" + anchor)).strip()
            env = dict(os.environ, GIT_INDEX_FILE=str(work / "index"))
            git(kdir, "read-tree", tree, env=env)
            git(kdir, "update-index", "--cacheinfo", f"100644,{blob},mm/migrate.c", env=env)
            tree = git(kdir, "write-tree", env=env).strip()
        e = table.get(key)
        body = (f"Stand-in for upstream's {key} in the fixture repository.\n\n"
                + (f'Fixes: {standins["p19"][:12]} ("{table.get("p19").subject}")\n'
                   if key == "fix" else "")
                + f"Link: https://example.org/{key}\n"
                  "Signed-off-by: Upstream Author <upstream@example.org>\n")
        parent = commit_tree(kdir, tree, parent, f"{e.subject}\n\n{body}")
        standins[key] = parent
    git(kdir, "branch", "upstream", parent)
    git(kdir, "update-ref", "-d", "refs/scratch/ours")
    standins.update({"p1": p1, "p2": base})
    entries = [dataclasses.replace(e, sha=standins.get(e.key, e.sha)) for e in table.entries]
    table_file = work / "upstream.json"
    table_file.write_text(U.table_json(entries))
    env = dict(os.environ, **{U.ENV: str(table_file)})
    res = run([str(APPLY), "--stable", "--output", str(work / "out"), str(kdir)], env=env)
    run([str(APPLY), "-q", "--analyze", "--stable", "--json", str(work / "analysis.json"),
         "--output", str(work / "report"), str(kdir)], env=env, check=False)
    return {"kdir": kdir, "base": base, "standins": standins, "table": table_file,
            "res": res, "out": work / "out", "analysis": work / "analysis.json",
            "commits": git(kdir, "rev-list", "--reverse", f"{base}..movable-ops").split()}


def test_messages_and_authors_are_upstreams_where_the_repository_holds_them(upstream_repo):
    u = upstream_repo
    kdir, standins = u["kdir"], u["standins"]
    assert len(u["commits"]) == 4
    for sha, key in zip(u["commits"], ["p19", "p20", "p28", "fix"]):
        msg = git(kdir, "log", "-1", "--format=%B", sha)
        up = git(kdir, "log", "-1", "--format=%B", standins[key])
        subject, _, up_body = up.rstrip("\n").partition("\n\n")
        assert msg.startswith(f"{subject}\n\ncommit {standins[key]} upstream.\n\n"
                              f"{up_body}\n[ movops: backported to Linux 6.16-rc4 by"), msg
        assert msg.rstrip("\n").endswith("]\nSigned-off-by: Movops Tester <tester@example.org>")
        assert git(kdir, "log", "-1", "--format=%an <%ae>|%cn", sha).strip() == \
            "Upstream Author <upstream@example.org>|Movops Tester"
    cover = (u["out"] / "0000-cover-letter.patch").read_text()
    assert f"  {standins['p19'][:12]} mm: stop storing migration_ops in page->mapping\n" \
        "      patch 1, " in cover


def test_analysis_asks_git_where_it_holds_upstream(upstream_repo):
    plan = Plan.from_json(upstream_repo["analysis"].read_text())
    rows = {r.key: r for r in plan.upstream}
    assert rows["p2"].status == presence.PRESENT
    assert rows["p2"].history == "ancestor of the base"
    assert rows["p2"].how.startswith("an ancestor of the base; include/linux/")
    assert rows["p19"].status == presence.BACKPORTED
    assert rows["p19"].history == "held, not an ancestor; no commit with its patch-id"
    # A cherry-pick in the base's history, found by its patch-id.
    remove = upstream_repo["base"]
    assert rows["p1"].status == presence.PRESENT
    assert rows["p1"].history == f"patch-id of {remove[:12]}"
    assert rows["p1"].how.startswith(f"{remove[:12]} in the base's history has its patch-id")
    # An upstream commit the repository does not hold: no history.
    assert rows["p3"].history is None
    # The report directory holds the fixture's own run: --force replaces it.
    text = run([str(APPLY), "--analyze", "--stable", "--force", "--output",
                str(upstream_repo["analysis"].parent / "report"), str(upstream_repo["kdir"])],
               env=dict(os.environ, **{U.ENV: str(upstream_repo["table"])}),
               check=False).stdout
    assert "Upstream commits of the rework in this tree" in text
    assert re.search(r"^  p2 +[0-9a-f]{12}  present +an ancestor of the base", text, re.M)


def test_stable_row_on_the_fixture_repository(upstream_repo, monkeypatch):
    u = upstream_repo
    monkeypatch.setenv(U.ENV, str(u["table"]))
    s = ser.resolve(u["kdir"], "movable-ops")
    assert s.base == u["base"]
    r = stablerow.stable_row(s)
    assert r.status == "pass", r.details
    assert "range-diff against upstream: 1 of 4 commits differ" in r.summary
    fix = next(d for d in r.details if d.startswith("patch 4 "))
    assert f"mm/migrate.c\n  -+{EXTRA}" in fix
    # The runtime check's static-dispatch commit: the parent of the fix.
    assert trailer.step_commit(u["kdir"], s.tip, "movable-ops-registration") == u["commits"][-1]
    assert ser.generated_run_start(u["kdir"], s.tip) == u["commits"][0]


def test_stable_row_fails_a_fixes_tag_that_misquotes(upstream_repo, monkeypatch):
    u = upstream_repo
    monkeypatch.setenv(U.ENV, str(u["table"]))
    kdir, tip = u["kdir"], u["commits"][-1]
    msg = git(kdir, "log", "-1", "--format=%B", tip)
    bad = msg.replace('("mm: stop storing migration_ops in page->mapping")',
                      '("mm: stop storing migration ops")')
    assert bad != msg
    tree = git(kdir, "rev-parse", f"{tip}^{{tree}}").strip()
    sha = commit_tree(kdir, tree, f"{tip}~1", bad)
    git(kdir, "branch", "-f", "bad-fixes", sha)
    r = stablerow.stable_row(ser.resolve(kdir, "bad-fixes", u["base"]))
    assert r.status == "fail"
    assert any('quotes "mm: stop storing migration ops", but its subject is '
               '"mm: stop storing migration_ops in page->mapping"' in d for d in r.details)


def test_default_form_has_no_stable_row(tmp_path):
    kdir = tmp_path / "k"
    kdir.mkdir()
    git(kdir, "init", "-q")
    (kdir / "Makefile").write_text("VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n")
    (kdir / "mm").mkdir()
    (kdir / "mm" / "Makefile").write_text("obj-y += a.o\n")
    (kdir / "mm" / "a.c").write_text("int a;\n")
    git(kdir, "add", "-A")
    git(kdir, "-c", "user.name=T", "-c", "user.email=t@x", "commit", "-q", "-m", "base")
    git(kdir, "checkout", "-q", "-b", "movable-ops")
    (kdir / "mm" / "a.c").write_text("int b;\n")
    git(kdir, "-c", "user.name=T", "-c", "user.email=t@x", "commit", "-q", "-a", "-m",
        "mm: a step\n\n" + trailer.generated_by("02-movable-ops-dispatch.cocci"))
    assert stablerow.stable_row(ser.resolve(kdir, "movable-ops")) is None
