# SPDX-License-Identifier: GPL-2.0
"""scripts/apply-series.sh on the real Debian trees.

One full clone of the cached 6.12 tree serves the whole module: the series
with the drop-z3fold prerequisite (compared byte for byte with
expected/6.12-drop-z3fold), its reproducibility, a dirty working tree,
interruptions, a concurrent run and an already-converted base.  Stock 6.12
and 6.1 must stop on their blockers with the reports in expected/; 6.1
with the drop-z3fold and zsmalloc-page-type prerequisites converts, equals
expected/6.1-drop-z3fold-zsmalloc-page-type and passes verify.py.

The goldens were made by scripts/make-expected.py on the pinned trees
with the identity conftest.clone_tree() sets.  On the pinned tree they are
compared byte for byte and by content; on another point release of the
same line (the pin could not be downloaded) by content
(conftest.assert_series_equals_golden); a golden that describes no tree
at hand is a skip, and a failure under CI=true.
"""
import hashlib
import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from conftest import (SCRIPTS, assert_report_equals_golden, assert_series_equals_golden,
                      change_one_added_line, clone_tree, run)
from core.errors import EXIT_ENV, EXIT_NO, EXIT_USAGE
from verifier import golden

pytestmark = pytest.mark.realtree

APPLY = SCRIPTS / "apply-series.sh"


def git(kdir, *args):
    return run(["git", "-C", str(kdir), *args]).stdout


def apply(kdir, *args, env=None, check=False):
    e = dict(os.environ, **(env or {}))
    return run([str(APPLY), *map(str, args), str(kdir)], env=e, check=check)


def user_state(kdir, new_branch=None):
    """Everything of the user's a run must leave alone (all refs but the
    branch the run was asked to make)."""
    k = Path(kdir)
    refs = git(k, "for-each-ref", "--format=%(refname) %(objectname)").splitlines()
    return {
        "refs": [r for r in refs if not r.startswith(f"refs/heads/{new_branch} ")],
        "head": git(k, "symbolic-ref", "-q", "HEAD"),
        # The index's entries, by digest: 'git status' may refresh its stat
        # data, which is not a change of the user's.
        "index": hashlib.sha256(git(k, "ls-files", "-s").encode()).hexdigest(),
        "status": git(k, "status", "--porcelain", "--untracked-files=all", "--ignored"),
        # Full object names: abbreviated ones grow with the number of
        # packed objects, which is not a change of the user's either.
        "diff": git(k, "diff", "--full-index"),
        "cached": git(k, "diff", "--cached", "--full-index"),
    }


class Series:
    def __init__(self, kdir, out, res, seconds):
        self.kdir, self.out, self.res, self.seconds = kdir, out, res, seconds
        self.base = git(kdir, "rev-parse", "HEAD").strip()
        self.commits = git(kdir, "rev-list", "--reverse",
                           f"{self.base}..movable-ops").split()


@pytest.fixture(scope="module")
def s612(series612):
    s = Series(series612["kdir"], series612["out"], series612["res"], series612["seconds"])
    # The clone was made for the series: its state before the run is its
    # state now, minus the new branch.
    s.before = user_state(s.kdir, "movable-ops")
    return s


def test_series_applies_with_prereq(s612):
    res = s612.res
    assert res.returncode == 0, res.stdout + res.stderr
    subjects = git(s612.kdir, "log", "--reverse", "--format=%s",
                   f"{s612.base}..movable-ops").splitlines()
    assert subjects == ["mm: remove z3fold",
                        "mm: let folio_movable_ops() callers use page_movable_ops()",
                        "mm: look up movable_ops by page type instead of decoding page->mapping",
                        "mm: stop storing movable_operations in page->mapping",
                        "mm/migrate: look up the movable_ops that users register by page type"]
    # One progress line per step, with its time and what it changed.
    for n, name in enumerate(["folio-movable-ops-via-page", "movable-ops-dispatch",
                              "setpagemovable-drop-ops", "movable-ops-registration"], 1):
        assert f"[{n}/6] {name}: " in res.stdout
    assert "[5/6] movable-ops-page-flag: " in res.stdout and "no change (" in res.stdout
    # The doc step is skipped, and says why: its text names a flag this
    # tree does not have.
    assert "balloon-compaction-doc: skipped: the tree has no PG_movable_ops flag" in res.stdout
    # The user's checkout did not move.
    assert user_state(s612.kdir, "movable-ops") == s612.before


def test_commit_messages(s612):
    for sha in s612.commits:
        msg = git(s612.kdir, "log", "-1", "--format=%B", sha)
        assert msg.rstrip().endswith("Signed-off-by: Movops Tester <tester@example.org>")
        author = git(s612.kdir, "log", "-1", "--format=%an <%ae>", sha).strip()
        assert author == "Movops Tester <tester@example.org>"
    # The step commits name the semantic patch that made them.
    for sha, step in zip(s612.commits[1:], ["01-folio-movable-ops-via-page",
                                            "02-movable-ops-dispatch",
                                            "03-setpagemovable-drop-ops",
                                            "04-movable-ops-registration"]):
        assert f"Generated by movops from cocci/{step}.cocci." in \
            git(s612.kdir, "log", "-1", "--format=%B", sha)


def test_patches_equal_golden(s612):
    assert_series_equals_golden("6.12-drop-z3fold", s612.kdir, s612.out)


def _outcome(fn):
    """('fail', message) for an AssertionError, ('pass', '') when FN
    returns, and the name of anything else it raises (pytest's Skipped)."""
    try:
        fn()
    except AssertionError as e:
        return "fail", str(e)
    except BaseException as e:   # noqa: B902  a skip is what must not happen
        return type(e).__name__, str(e)
    return "pass", ""


def test_changed_hunk_fails_the_golden_test(s612, tmp_path, monkeypatch):
    """The golden comparison of these tests, against a copy of expected/
    with one hunk of the 6.12 golden changed: a failure that shows the
    hunk, on the golden's own tree and on another point release (the
    golden relabelled as made on another one), never a skip."""
    exp = tmp_path / "expected"
    shutil.copytree(golden.expected_dir(), exp)
    monkeypatch.setenv("MOVOPS_EXPECTED", str(exp))
    entry = exp / "6.12-drop-z3fold"
    check = lambda: assert_series_equals_golden(  # noqa: E731
        "6.12-drop-z3fold", s612.kdir, s612.out)
    rel = check()

    path, line, changed = change_one_added_line(entry)
    meta = json.loads((entry / "tree.json").read_text())
    for relabel in (False, True):
        if relabel:
            meta["version"] = meta["version"] + "9"
            (entry / "tree.json").write_text(json.dumps(meta))
        status, msg = _outcome(check)
        assert status == "fail", (status, msg)
        # '-' the golden's line (the changed one), '+' the series'.
        assert "1 hunk differs" in msg and f"{path}: hunk differs" in msg, msg
        lines = {l.lstrip(" ") for l in msg.splitlines()}
        assert f"-{changed}" in lines and f"+{line}" in lines, msg
        assert f"({golden.SAME_LINE if relabel else rel})" in msg, msg


def test_cover_letter_and_git_am(s612, tmp_path):
    cover = (s612.out / "0000-cover-letter.patch").read_text()
    assert f"base-commit: {s612.base}" in cover
    assert "balloon_mops     PageOffline" in cover and "zsmalloc_mops    PageZsmalloc" in cover
    assert "Prerequisites applied first: drop-z3fold." in cover
    # git am on the base gives the same tree as the branch.
    am = clone_tree("6.12", tmp_path / "am", sparse=["mm", "include", "Documentation"])
    patches = sorted(str(p) for p in s612.out.glob("0*.patch") if "cover-letter" not in p.name)
    run(["git", "-C", str(am), "am", "-q", *patches])
    assert git(am, "rev-parse", "HEAD^{tree}") == \
        git(s612.kdir, "rev-parse", "movable-ops^{tree}")


def test_reproducible(s612, tmp_path):
    """A second run on the same base with the same identity: the same
    commits and the same patch bytes."""
    res = apply(s612.kdir, "-q", "--prereq", "drop-z3fold", "--branch", "again",
                "--output", tmp_path / "p2")
    assert res.returncode == 0, res.stderr
    assert git(s612.kdir, "rev-list", f"{s612.base}..again").split() == \
        git(s612.kdir, "rev-list", f"{s612.base}..movable-ops").split()
    for p in s612.out.glob("*.patch"):
        assert (tmp_path / "p2" / p.name).read_bytes() == p.read_bytes(), p.name
    run(["git", "-C", str(s612.kdir), "branch", "-q", "-D", "again"])


def test_branch_exists_then_force(s612):
    res = apply(s612.kdir, "--prereq", "drop-z3fold")
    assert res.returncode == EXIT_USAGE
    err = res.stderr.strip().splitlines()
    assert len(err) == 1 and "branch 'movable-ops' exists" in err[0] and "--force" in err[0]
    tip = git(s612.kdir, "rev-parse", "movable-ops")
    res = apply(s612.kdir, "-q", "--force", "--prereq", "drop-z3fold")
    assert res.returncode == 0, res.stderr
    assert git(s612.kdir, "rev-parse", "movable-ops") == tip


def test_dirty_tree(s612):
    """Uncommitted, staged and untracked work: untouched, and the series is
    built from the committed base all the same."""
    k = Path(s612.kdir)
    mig = k / "mm" / "migrate.c"
    original = mig.read_text()
    mig.write_text(original.replace("#include \"internal.h\"", "#include \"internal.h\"\n/* mine */"))
    zs = k / "mm" / "zsmalloc.c"
    zs.write_text(zs.read_text() + "/* staged */\n")
    git(k, "add", "-f", "mm/zsmalloc.c")   # Debian's .gitignore hides all
    (k / "mm" / "notes.txt").write_text("untracked\n")
    try:
        before = user_state(k)
        dirty_migrate = mig.read_text()
        res = apply(k, "-q", "--prereq", "drop-z3fold", "--branch", "from-dirty")
        assert res.returncode == 0, res.stderr
        assert user_state(k, "from-dirty") == before
        assert mig.read_text() == dirty_migrate
        assert git(k, "rev-parse", "from-dirty") == git(k, "rev-parse", "movable-ops")
    finally:
        git(k, "reset", "-q", "--hard")
        (k / "mm" / "notes.txt").unlink()
        run(["git", "-C", str(k), "branch", "-q", "-D", "from-dirty"], check=False)


@pytest.mark.parametrize("sig,points", [
    (signal.SIGINT, ("apply-series: ", "[prereq] drop-z3fold", "[analysis]", "[1/6]",
                     "[4/6]")),
    (signal.SIGTERM, ("[analysis]", "[2/6]"))], ids=["SIGINT", "SIGTERM"])
def test_interrupted_run_leaves_nothing(s612, tmp_path, sig, points):
    """Killed at several points of a run: the user's refs, index and
    working tree are as before, no branch and no scratch files remain, and
    a rerun succeeds.

    A point is a progress line (the first comes once the run holds the
    tree's lock): the signal follows it at once, while the run still has
    work to do, whatever the speed of the machine."""
    k = s612.kdir
    before = user_state(k)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = dict(os.environ, TMPDIR=str(scratch))
    for point in points:
        # As a foreground run in a terminal: a shell without job control
        # (CI under nohup or '&') starts its children with SIGINT ignored,
        # and Python then keeps it ignored.
        p = subprocess.Popen([str(APPLY), "--prereq", "drop-z3fold", "--branch", "cut",
                              str(k)], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        seen = []
        for line in p.stdout:
            seen.append(line)
            if line.startswith(point):
                break
        p.send_signal(sig)
        out, err = p.communicate(timeout=120)
        out = "".join(seen) + out
        assert p.returncode == 130, f"signal after {point!r}: exit {p.returncode}\n{out}{err}"
        assert "interrupted; nothing was changed" in err
        assert "cut" not in git(k, "branch", "--list", "cut")
        assert user_state(k) == before
        assert list(scratch.iterdir()) == [], list(scratch.iterdir())
    res = apply(k, "-q", "--prereq", "drop-z3fold", "--branch", "cut")
    assert res.returncode == 0, res.stderr
    assert git(k, "rev-parse", "cut") == git(k, "rev-parse", "movable-ops")
    run(["git", "-C", str(k), "branch", "-q", "-D", "cut"])


def test_second_concurrent_run_refuses(s612):
    k = s612.kdir
    first = subprocess.Popen([str(APPLY), "--prereq", "drop-z3fold", "--branch", "first",
                              str(k)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Its first line comes once it holds the tree's lock.
    line = first.stdout.readline()
    assert line.startswith("apply-series: "), line
    second = apply(k, "--prereq", "drop-z3fold", "--branch", "second")
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert second.returncode == EXIT_ENV
    assert second.stderr.strip() == \
        f"apply-series: another apply-series run is working on {k}; wait for it to finish"
    assert "second" not in git(k, "branch", "--list", "second")
    run(["git", "-C", str(k), "branch", "-q", "-D", "first"])


def test_already_converted(s612, tmp_path):
    """The series' own output is in the registration shape: a second run
    says it is converted, and its report lists the users from their
    set_movable_ops() calls."""
    res = apply(s612.kdir, "--base", "movable-ops", "--branch", "twice")
    assert res.returncode == 0, res.stderr
    assert "already converted" in res.stdout and "nothing to do" in res.stdout
    assert git(s612.kdir, "branch", "--list", "twice") == ""
    res = apply(s612.kdir, "--analyze", "--base", "movable-ops", "--output", tmp_path)
    assert res.returncode == 0, res.stderr
    assert "State: converted" in res.stdout
    assert "Users (2): ops objects registered with set_movable_ops()" in res.stdout
    data = json.loads((tmp_path / "analysis.json").read_text())
    assert [(r["ops"], r["type"], r["test"], r["file"]) for r in data["registered"]] == [
        ("balloon_mops", "PGTY_offline", "PageOffline", "mm/balloon_compaction.c"),
        ("zsmalloc_mops", "PGTY_zsmalloc", "PageZsmalloc", "mm/zsmalloc.c")]


def test_registration_commit(s612):
    """The last commit registers the ops: set_movable_ops() and its stub,
    zsmalloc in zs_init()/zs_exit() under CONFIG_COMPACTION, balloon from
    an initcall, both ops objects static again; the decision and its
    evidence are in the cover letter.  zs_init() registers first, before
    cpuhp_setup_state(), and its 'out' error path unregisters: a failed
    load leaves nothing behind (issue 23)."""
    tip = s612.commits[-1]
    diff = git(s612.kdir, "show", "--format=", tip)
    for line in ["+int set_movable_ops(const struct movable_operations *ops, enum pagetype type);",
                 "+\tret = set_movable_ops(&zsmalloc_mops, PGTY_zsmalloc);",
                 "+\tset_movable_ops(NULL, PGTY_zsmalloc);",
                 "+\treturn set_movable_ops(&balloon_mops, PGTY_offline);",
                 "+core_initcall(balloon_compaction_init);",
                 "+static const struct movable_operations zsmalloc_mops = {",
                 "+static const struct movable_operations balloon_mops = {",
                 "+\t\treturn zsmalloc_movable_ops;",
                 "-#include <linux/zsmalloc.h>",
                 "-extern const struct movable_operations zsmalloc_mops;"]:
        assert line in diff, line
    zs = git(s612.kdir, "show", f"{tip}:mm/zsmalloc.c")
    init = zs[zs.index("static int __init zs_init(void)"):zs.index("static void __exit zs_exit")]
    assert init.startswith(
        "static int __init zs_init(void)\n{\n\tint ret;\n\n#ifdef CONFIG_COMPACTION\n"
        "\tret = set_movable_ops(&zsmalloc_mops, PGTY_zsmalloc);\n\tif (ret)\n\t\treturn ret;\n"
        "#endif\n\n\tret = cpuhp_setup_state(")
    assert init.endswith("\treturn 0;\n\nout:\n#ifdef CONFIG_COMPACTION\n"
                         "\tset_movable_ops(NULL, PGTY_zsmalloc);\n#endif\n\treturn ret;\n}\n\n")
    assert ("movable-ops-registration: zs_init(): set_movable_ops() first, before "
            "cpuhp_setup_state(); unregistered on the 'out' error path") in \
        s612.res.stdout + s612.res.stderr
    cover = (s612.out / "0000-cover-letter.patch").read_text()
    assert ("zsmalloc_mops can live in a module (CONFIG_ZSMALLOC is tristate, mm/Kconfig:173; "
            "mm/Makefile:116 builds mm/zsmalloc.c under it): the registration step is "
            "added") in cover


def test_dispatch_static_keeps_the_old_series_and_says_what_it_loses(s612, tmp_path):
    res = apply(s612.kdir, "--dispatch", "static", "--prereq", "drop-z3fold",
                "--branch", "static-dispatch", "--output", tmp_path / "out")
    try:
        assert res.returncode == 0, res.stderr
        static = git(s612.kdir, "rev-list", f"{s612.base}..static-dispatch").split()
        # The same four commits as the default series before its
        # registration commit.
        assert static == git(s612.kdir, "rev-list", f"{s612.base}..movable-ops~1").split()
        assert "movable-ops-registration: " in res.stdout and "--dispatch static" in res.stdout
        cover = (tmp_path / "out" / "0000-cover-letter.patch").read_text()
        assert ("With --dispatch static, these configurations lose a user" in cover
                and "CONFIG_ZSMALLOC=m: zsmalloc_mops is in a module" in cover)
        rep = apply(s612.kdir, "--analyze", "--dispatch", "static", "--prereq", "drop-z3fold")
        assert "CONFIG_ZSMALLOC=m: zsmalloc_mops is in a module" in rep.stdout
    finally:
        run(["git", "-C", str(s612.kdir), "branch", "-q", "-D", "static-dispatch"], check=False)


def test_dry_run_commits_nothing(s612):
    before = user_state(s612.kdir)
    res = apply(s612.kdir, "--dry-run", "--prereq", "drop-z3fold", "--branch", "dry")
    assert res.returncode == 0, res.stderr
    assert "+\tif (PageZsmalloc(page))" in res.stdout
    assert "-\t__SetPageMovable(page, &balloon_mops);" in res.stdout
    assert "dry run; nothing committed" in res.stdout
    assert user_state(s612.kdir) == before


# -- stock trees: precise refusal -----------------------------------------------

@pytest.mark.parametrize("version", ["6.12", "6.1"])
def test_stock_tree_stops_on_blockers(version, tmp_path):
    k = clone_tree(version, tmp_path / "linux", sparse=["mm", "include", "drivers/virtio"])
    before = user_state(k)
    res = apply(k, "--output", tmp_path / "out")
    assert res.returncode == EXIT_NO, res.stdout + res.stderr
    assert user_state(k) == before
    assert git(k, "branch", "--list").strip() == "* master"
    report = (tmp_path / "out" / "analysis.txt").read_text()
    assert report in res.stdout
    data = json.loads((tmp_path / "out" / "analysis.json").read_text())
    kinds = {(b["kind"], b["user"]) for b in data["blockers"]}
    want = {("no-page-type", "z3fold_mops")}
    if version == "6.1":
        want.add(("no-page-type", "zsmalloc_mops"))
    assert want <= kinds
    assert f"stopped on {len(data['blockers'])} blockers before any commit" in res.stderr
    assert_report_equals_golden(version, k, report)


def test_6_1_converts_with_prereqs_and_verifies(tmp_path):
    """Stock 6.1 with both prerequisites: z3fold removed, zsmalloc given a
    page type in 6.1's scheme; then the series applies, equals its golden
    patches, and verify.py passes every check on it (builds in both
    configurations at every commit, sparse, changed lines, checkpatch)."""
    k = clone_tree("6.1", tmp_path / "linux")
    before = user_state(k, "movable-ops")
    res = apply(k, "--prereq", "drop-z3fold", "--prereq", "zsmalloc-page-type",
                "--output", tmp_path / "out")
    assert res.returncode == 0, res.stdout + res.stderr
    assert user_state(k, "movable-ops") == before
    assert "[analysis] " in res.stdout and ": 2 users, 0 blockers" in res.stdout
    base = git(k, "rev-parse", "HEAD").strip()
    subjects = git(k, "log", "--reverse", "--format=%s", f"{base}..movable-ops").splitlines()
    assert subjects == ["mm: remove z3fold",
                        "mm/zsmalloc: give zsmalloc pages a page type",
                        "mm: look up movable_ops by page type instead of decoding page->mapping",
                        "mm: stop storing movable_operations in page->mapping",
                        "mm/migrate: look up the movable_ops that users register by page type"]
    # 6.1 has no enum pagetype: the registration is keyed on its page-type
    # bits.
    reg = git(k, "show", "--format=", "movable-ops")
    assert "+int set_movable_ops(const struct movable_operations *ops, unsigned int type);" in reg
    assert "+\tret = set_movable_ops(&zsmalloc_mops, PG_zsmalloc);" in reg
    assert "+\tset_movable_ops(NULL, PG_zsmalloc);" in reg
    # zsmalloc's own data no longer overwrites the page type.
    zs = git(k, "show", "movable-ops:mm/zsmalloc.c")
    assert "page->page_type = offset" not in zs and "__SetPageZsmalloc(page);" in zs

    report = tmp_path / "verify.json"
    # The host's target: what a build of 6.1 on every target adds is
    # test_bots' (on 6.12), and it would double this test's time.
    res = run(["/usr/bin/python3", str(SCRIPTS / "verify.py"), "-q", "--json", str(report),
               "--targets", "x86_64-gcc", "--build-dir", str(tmp_path / "verify"), str(k)],
              check=False)
    assert res.returncode == 0, res.stdout + res.stderr
    data = json.loads(report.read_text())
    status = {c["name"]: c["status"] for c in data["checks"]}
    assert {n for n, st in status.items() if st != "pass"} == \
        {"build-x86_64-clang", "build-i386-gcc", "build-arm64-gcc", "build-powerpc64le-gcc"}
    assert {st for st in status.values() if st != "pass"} == {"skip"}, status
    # Its users of the changed definitions.  No commit changes
    # isolate_movable_page(): read in the tip's tree, the line numbers of
    # the commit that adds the dispatch to mm/migrate.c once fell into it,
    # and made memory_hotplug.c a user (users.changed_definitions() reads
    # each commit's lines in that commit's tree).
    users = next(c for c in data["checks"] if c["name"] == "users")
    assert users["data"]["targets"]["x86_64-gcc"]["compiled"] == [
        "drivers/misc/vmw_balloon.o", "drivers/virtio/virtio_balloon.o",
        "mm/balloon_compaction.o", "mm/compaction.o", "mm/migrate.o", "mm/zsmalloc.o"], users
    assert "isolate_movable_page" not in {d["name"] for d in users["data"]["definitions"]}
    golden_check = next(c for c in data["checks"] if c["name"] == "golden")
    assert golden_check["data"]["prereqs"] == ["drop-z3fold", "zsmalloc-page-type"]
    # The prerequisite edits page-flags.h, which asm-offsets.c includes:
    # that commit goes through make (asm-offsets.h may change).  The last
    # commits change C files only and are compiled from their recorded
    # commands, objtool included (6.1 runs it per object), in the
    # configurations built at every commit, 'full' with W=1 (its plain
    # build is made only where W=1 shows something new, and this series
    # has nothing new).
    bisect = next(c for c in data["checks"] if c["name"] == "bisect")
    how = {}
    for b in bisect["data"]["builds"]:
        how.setdefault(b["commit"], set()).add((b["config"], b["how"].split(",")[0],
                                                b["why_make"]))
    commits = [c["sha"] for c in data["commits"]]
    prepare = ("include/linux/page-flags.h is read by arch/x86/kernel/.asm-offsets.s.cmd, "
               "which 'make prepare' builds")
    assert how[commits[1]] == {(c, "make", prepare)
                               for c in ("full+W1", "no-COMPACTION", "no-MIGRATION")}, how
    assert how[commits[-1]] == {(c, "direct", "")
                                for c in ("full+W1", "no-COMPACTION", "no-MIGRATION")}, how

    assert_series_equals_golden("6.1-drop-z3fold-zsmalloc-page-type", k, tmp_path / "out")

    # The stable form of the same series, on the same target: its base
    # and tip are those verified above, so verify builds only the commits
    # in between; every row passes, the stable row included.  (On every
    # target, 6.1's stable form took a further 300 s of make check's two
    # cores; the stop notes give that run, 'verify.py --branch
    # movable-ops-stable' without --targets, and its users per target.)
    res = apply(k, "--stable", "--prereq", "drop-z3fold", "--prereq", "zsmalloc-page-type",
                "--branch", "movable-ops-stable")
    assert res.returncode == 0, res.stdout + res.stderr
    res = run(["/usr/bin/python3", str(SCRIPTS / "verify.py"), "-q", "--json", str(report),
               "--branch", "movable-ops-stable", "--targets", "x86_64-gcc",
               "--build-dir", str(tmp_path / "verify"), str(k)], check=False)
    assert res.returncode == 0, res.stdout + res.stderr
    data = json.loads(report.read_text())
    status = {c["name"]: c["status"] for c in data["checks"]}
    assert status.get("stable") == "pass", status
    assert {n for n, st in status.items() if st != "pass"} == \
        {"build-x86_64-clang", "build-i386-gcc", "build-arm64-gcc", "build-powerpc64le-gcc"}
    assert {st for st in status.values() if st != "pass"} == {"skip"}, status


# -- trees that are not git trees ----------------------------------------------------

def test_plain_tree_refused_then_baselined(tmp_path):
    src = clone_tree("6.12", tmp_path / "src", sparse=["mm", "include", "drivers/virtio"])
    plain = tmp_path / "plain"
    plain.mkdir()
    # A plain unpacked tree, as the Debian package gives (its .gitignore
    # hides everything at the top level).
    archive = subprocess.run(["git", "-C", str(src), "archive", "HEAD", ".gitignore", "Makefile",
                              "Kconfig", "mm", "include", "drivers/virtio"],
                             stdout=subprocess.PIPE, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(plain)], input=archive, check=True)
    assert "/*" in (plain / ".gitignore").read_text().splitlines()
    res = apply(plain, "--analyze")
    assert res.returncode == EXIT_USAGE
    err = res.stderr.strip().splitlines()
    assert len(err) == 1 and "not a git tree" in err[0] and "baseline-tree.sh" in err[0]
    assert not (plain / ".git").exists()

    res = run([str(SCRIPTS / "baseline-tree.sh"), "-q", str(plain)])
    files = sum(1 for p in plain.rglob("*") if p.is_file() and ".git" not in p.parts)
    assert len(git(plain, "ls-files").splitlines()) == files
    assert git(plain, "status", "--porcelain", "--ignored") == ""
    again = run([str(SCRIPTS / "baseline-tree.sh"), str(plain)], check=False)
    assert again.returncode == EXIT_USAGE and "already a git tree" in again.stderr

    run(["git", "-C", str(plain), "config", "user.name", "Movops Tester"])
    run(["git", "-C", str(plain), "config", "user.email", "tester@example.org"])
    res = apply(plain, "--analyze")
    assert res.returncode == EXIT_NO
    assert "mm/z3fold.c:1053: z3fold_mops pages carry no page type" in res.stdout
