# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/verify.py.

Unit tests of the pieces (diff parsing, the C line classifier and markers,
warning matching, checkpatch and golden normalisation, the report) run
anywhere.  The real-tree tests (@pytest.mark.realtree) make the series with
apply-series.sh on a clone of the cached Debian 6.12 tree, check that
verify.py passes it, then break it in one way each and show the matching
check catching it:

  old-api-gone   a two-argument __SetPageMovable() call left behind
  sparse         a new sparse warning
  changed-lines  a change to a line no configuration compiles
  bisect         a commit in the middle that does not build
  checkpatch     a checkpatch error
  golden         a golden mismatch

conftest.series612 is the one place that makes the good series: the real
one, from scripts/apply-series.sh.  All the real-tree tests share one clone
and one verify cache directory: the first run is cold, every variant after
it is incremental (its base and the good series' commits are stored, only
its own commits are built).
"""
import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import (SCRIPTS, change_one_added_line, run,
                      verify)
from verifier import checkpatch as cp
from kbuildengine import diag
from verifier import clines, golden, oldapi, report
from verifier import commits as ser

VERIFY = SCRIPTS / "verify.py"
PY = "/usr/bin/python3"


# -- the good series ----------------------------------------------------------

def _edit(kdir, rel, old, new, count=1):
    p = Path(kdir) / rel
    text = p.read_text()
    assert text.count(old) >= count, f"{rel}: {old!r} not found"
    p.write_text(text.replace(old, new, count))


def _commit(kdir, subject, body):
    run(["git", "add", "-A", "."], cwd=kdir)
    msg = f"{subject}\n\n{body}\n\nSigned-off-by: Movops Tester <tester@example.org>\n"
    run(["git", "commit", "-q", "--no-verify", "-m", msg], cwd=kdir)


# -- helpers -------------------------------------------------------------------

def check_of(data, name):
    return next(c for c in data["checks"] if c["name"] == name)


def git_in(kdir, *args):
    return run(["git", *args], cwd=kdir).stdout.strip()


# -- unit tests ------------------------------------------------------------------

DIFF = """\
diff --git a/mm/foo.c b/mm/foo.c
index 1111111..2222222 100644
--- a/mm/foo.c
+++ b/mm/foo.c
@@ -10,2 +10,3 @@ int x;
-old line
-old line 2
+new line
+new line 2
+new line 3
@@ -40 +41,0 @@ static void f(void)
-gone
diff --git a/mm/gone.c b/mm/gone.c
deleted file mode 100644
index 3333333..0000000
--- a/mm/gone.c
+++ /dev/null
@@ -1,2 +0,0 @@
-a
-b
diff --git a/include/linux/new.h b/include/linux/new.h
new file mode 100644
index 0000000..4444444
--- /dev/null
+++ b/include/linux/new.h
@@ -0,0 +1,2 @@
+#define NEW 1
+int new(void);
"""


def test_parse_diff():
    fcs = ser.parse_diff(DIFF)
    assert [(f.path, f.old_path, f.status) for f in fcs] == [
        ("mm/foo.c", "mm/foo.c", "M"), ("", "mm/gone.c", "D"),
        ("include/linux/new.h", "", "A")]
    assert fcs[0].added == [10, 11, 12]
    assert fcs[0].removed == [10, 11, 40]
    assert fcs[1].removed == [1, 2] and fcs[1].added == []
    assert fcs[2].added == [1, 2]


C_TEXT = """\
/* a comment
 * more comment */
#include <linux/mm.h>
#define TWO_LINES(x) \\
	do_it(x)

int f(void) /* trailing */
{
	// line comment
	const char *s = "a /* not a comment";
	#ifdef CONFIG_X
	return 1; /* starts
	  ends */ g();
	#endif

	'"'; return 0;
}
"""


def test_classify_lines():
    info = clines.classify(C_TEXT)
    lines = C_TEXT.split("\n")
    elig = {n for n in range(1, len(lines) + 1) if clines.eligible(info, n)}
    # comments, directives (and their continuation), blank lines are not code
    assert elig == {7, 8, 10, 12, 13, 16, 17}
    assert info[13].code_col == lines[12].index("g();")
    assert clines.why_not(info, 5, lines[4]) == "preprocessor line"
    assert clines.why_not(info, 9, lines[8]) == "comment only"
    assert clines.why_not(info, 15, lines[14]) == "blank line"


def test_markers_survive_only_where_compiled(tmp_path):
    text = ("int a;\n#ifdef NOT_DEFINED\nint b;\n#else\nint c;\n#endif\n"
            "#define M(x) x\nint d = M(\n  1);\n/* x */ int e;\n")
    marked = clines.mark(text, [1, 3, 5, 8, 9, 10], 7)
    src = tmp_path / "t.c"
    src.write_text(marked)
    out = run(["gcc", "-E", "-P", str(src)]).stdout
    assert clines.found_markers(out) == {(7, 1), (7, 5), (7, 8), (7, 9), (7, 10)}


def test_warnings_match_across_line_shifts():
    base = diag.parse("/w/mm/a.c:570:39: warning: context imbalance in 'f' - unexpected unlock\n",
                      "sparse", ["/w"])
    now = diag.parse("/w/mm/a.c:575:39: warning: context imbalance in 'f' - unexpected unlock\n"
                     "/w/mm/a.c:80:5: warning: symbol 'x' was not declared. Should it be static?\n",
                     "sparse", ["/w"])
    text = {570: "spin_unlock(&l);", 575: "spin_unlock(&l);", 80: "int x;"}
    for d in base + now:
        d["text"] = text[d["line"]]
    new = diag.new_diags(base, now)
    assert [d["line"] for d in new] == [80]
    assert new[0]["file"] == "mm/a.c"
    # A second copy of an old warning is new.
    assert len(diag.new_diags(base, now + [dict(now[0])])) == 2


def test_diag_parse_gcc_and_objtool():
    out = ("mm/x.c: In function 'f':\n"
           "/src/mm/x.c:12:3: error: implicit declaration of function 'g' [-Werror]\n"
           "   12 |   g();\n"
           "mm/x.o: warning: objtool: f+0x1c: unreachable instruction\n")
    ds = diag.parse(out, "gcc", ["/src"])
    assert [(d["tool"], d["file"], d["severity"]) for d in ds] == [
        ("gcc", "mm/x.c", "error"), ("objtool", "mm/x.o", "warning")]
    assert diag.norm_msg(ds[1]["msg"]) == "f+0xN: unreachable instruction"
    assert diag.norm_msg("previous declaration of 'f' at mm/x.c:12:3 was here") == \
        "previous declaration of 'f' at mm/x.c was here"


def test_checkpatch_parse():
    out = ("WARNING:FILE_PATH_CHANGES: added, moved or deleted file(s)\n#83: \nx\n\n"
           "ERROR:TRAILING_WHITESPACE: trailing whitespace\n"
           "#25: FILE: mm/zsmalloc.c:1756:\n+\tfoo(); $\n\n")
    f = cp.parse(out, "0001-x.patch")
    assert [(x["level"], x["type"], x["where"]) for x in f] == [
        ("WARNING", "FILE_PATH_CHANGES", "0001-x.patch:83"),
        ("ERROR", "TRAILING_WHITESPACE", "0001-x.patch (mm/zsmalloc.c:1756)")]


def test_checkpatch_output_of_several_patches():
    # checkpatch.pl heads each file's part with its name between rulers
    # when it is given several; a file it never reached has no part.
    a, b, c = "/p/0001-a.patch", "/p/0002-b.patch", "/p/0003-c.patch"
    rule = "-" * len(a)
    out = (f"{rule}\n{a}\n{rule}\n\n{a} has no obvious style problems and is ready for "
           f"submission.\n{rule}\n{b}\n{rule}\n"
           "ERROR:TRAILING_WHITESPACE: trailing whitespace\n"
           "#25: FILE: mm/zsmalloc.c:1756:\n+\tfoo(); $\n\n"
           "Can't locate object method\n")
    got = cp.split_output(out, [a, b, c])
    assert got[a] == (f"\n{a} has no obvious style problems and is ready for submission.",
                      True)
    assert got[b][1] and got[b][0].startswith("ERROR:TRAILING_WHITESPACE")
    assert [f["where"] for f in cp.parse(got[b][0], "0002-b.patch")] == \
        ["0002-b.patch (mm/zsmalloc.c:1756)"]
    assert got[c] == (out, False)


def test_golden_normalise():
    a = ("From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\n"
         "From: A <a@x>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nSubject: [PATCH 1/2] x\n\n"
         "Signed-off-by: A <a@x>\n---\n diff\n\nbase-commit: abc123\n-- \n2.39.5\n\n")
    b = ("From fedcba9876543210fedcba9876543210fedcba98 Mon Sep 17 00:00:00 2001\n"
         "From: B <b@y>\nDate: Tue, 2 Jan 2024 00:00:00 +0000\nSubject: [PATCH 1/2] x\n\n"
         "Signed-off-by: B <b@y>\n---\n diff\n\nbase-commit: def456\n")
    assert golden.normalise(a) == golden.normalise(b)
    assert golden.normalise(a) != golden.normalise(b.replace("] x", "] y"))


def test_oldapi_grep_and_spatch(tmp_path):
    (tmp_path / "mm").mkdir()
    (tmp_path / "mm" / "a.c").write_text(
        "/* __SetPageMovable(page, ops) in a comment */\n"
        "void __SetPageMovable(struct page *page, const struct movable_operations *mops)\n"
        "{\n"
        "\tpage->mapping = (void *)((unsigned long)mops | PAGE_MAPPING_MOVABLE);\n"
        "}\n"
        "static const struct movable_operations *ops_of(struct page *page)\n"
        "{\n"
        "\treturn (const struct movable_operations *)\n"
        "\t\t((unsigned long)page->mapping - PAGE_MAPPING_MOVABLE);\n"
        "}\n"
        "void user(struct page *page)\n"
        "{\n"
        "\t__SetPageMovable(page,\n\t\t\t &my_ops);\n"
        "\t__SetPageMovable(page);\n"
        "}\n")
    grep = oldapi.grep_check(tmp_path, ["mm/a.c"])
    assert [(l, m.split()[0]) for _, l, m in grep] == [
        (2, "__SetPageMovable()"), (4, "movable_operations"), (9, "movable_operations"),
        (13, "__SetPageMovable()")]
    hits, err = oldapi.spatch(tmp_path, ["mm/a.c"])
    assert not err
    assert {(l, m.split()[1]) for _, l, m in hits} >= {
        (2, "defined"), (4, "pointer"), (8, "pointer"), (13, "called")}
    assert 14 not in {l for _, l, _ in hits}


def test_direct_build_only_for_c_sources_and_headers():
    from kbuildengine.replay import direct_obstacle
    assert direct_obstacle([]) == ""
    assert direct_obstacle(["mm/migrate.c", "include/linux/migrate.h",
                            "Documentation/mm/z3fold.rst", "MAINTAINERS"]) == ""
    for f in ("mm/Kconfig", "mm/Makefile", "mm/Kbuild", "arch/x86/entry/entry_64.S",
              "scripts/mod/modpost.c", "tools/objtool/check.c", "usr/gen_init_cpio.c",
              "arch/x86/entry/syscalls/syscall_64.tbl", "rust/kernel/lib.rs"):
        assert direct_obstacle(["mm/migrate.c", f]) == f"{f} changed", f


def test_config_inputs_and_makefile_changes():
    from kbuildengine.replay import config_input, makefile_obstacle
    assert config_input("mm/Kconfig") and config_input("drivers/virtio/Kconfig.x")
    assert config_input("mm/Makefile") and config_input("drivers/virtio/Kbuild")
    for f in ("Makefile", "arch/x86/Makefile", "scripts/Makefile.build",
              "tools/objtool/Makefile", "mm/migrate.c"):
        assert not config_input(f), f
    off = {"CONFIG_MIGRATION": "y"}
    dropped = ("diff --git a/mm/Makefile b/mm/Makefile\n--- a/mm/Makefile\n"
               "+++ b/mm/Makefile\n@@ -3 +2,0 @@\n-obj-$(CONFIG_Z3FOLD)\t+= z3fold.o\n"
               "+# a comment\n+\n")
    assert makefile_obstacle("mm/Makefile", dropped, off) == ""
    assert makefile_obstacle("mm/Makefile", dropped, {"CONFIG_Z3FOLD": "m"}) == \
        "mm/Makefile changed the objects of CONFIG_Z3FOLD, which is on"
    flags = "--- a/mm/Makefile\n+++ b/mm/Makefile\n+CFLAGS_migrate.o += -O3\n"
    assert makefile_obstacle("mm/Makefile", flags, off) == \
        "mm/Makefile changed: CFLAGS_migrate.o += -O3"
    always = "+obj-y += z3fold.o\n"
    assert makefile_obstacle("mm/Makefile", always, off).startswith("mm/Makefile changed")


KCONFIG = """\
config ZSWAP
	bool "Compressed cache for swap pages"
	help
	  A compressed cache.
	  config LOOKALIKE in help text is not an entry.

choice
	prompt "Default allocator"
	depends on ZSWAP
	default ZPOOL_DEFAULT_ZBUD

config ZPOOL_DEFAULT_ZBUD
	bool "zbud"

config ZPOOL_DEFAULT_OLD
	bool "old (DEPRECATED)"
	select OLD_ALLOC
	help
	  Use the old allocator.

	  Deprecated.
endchoice

config ZPOOL_DEFAULT
	string
	depends on ZSWAP
	default "zbud" if ZPOOL_DEFAULT_ZBUD
	default "old" if ZPOOL_DEFAULT_OLD
	default ""

# The old allocator.
config OLD_ALLOC
	tristate "old allocator"
	depends on ZSWAP
	help
	  Deprecated.

config OLD
	tristate
	default y if OLD_ALLOC=y
	depends on OLD_ALLOC

config MIGRATION
	bool "Page migration"
	default y
	select MOVOPS_HELPER if COMPACTION && NUMA
	help
	  Allows the migration of pages.
"""


def _kconfig_diff(tmp_path, old, new):
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_text(old)
    b.write_text(new)
    res = run(["git", "diff", "--no-index", "-U0", "--no-color", str(a), str(b)],
              check=False)
    assert res.returncode in (0, 1), res.stderr
    return res.stdout


def _drop(text, *chunks):
    for c in chunks:
        assert c in text, c
        text = text.replace(c, "", 1)
    return text


def test_kconfig_diff_that_only_drops_options_that_are_off(tmp_path):
    from kbuildengine import kconfigdiff as kd
    names = [e[0] for e in kd.entries(KCONFIG.split("\n"))]
    # Help text is not parsed for entries, choice attributes belong to none.
    assert names == ["ZSWAP", "ZPOOL_DEFAULT_ZBUD", "ZPOOL_DEFAULT_OLD", "ZPOOL_DEFAULT",
                     "OLD_ALLOC", "OLD", "MIGRATION"]
    gone = _drop(KCONFIG, KCONFIG[KCONFIG.index("config ZPOOL_DEFAULT_OLD"):
                                  KCONFIG.index("endchoice")],
                 '\tdefault "old" if ZPOOL_DEFAULT_OLD\n',
                 KCONFIG[KCONFIG.index("# The old"):KCONFIG.index("config MIGRATION")])
    diff = _kconfig_diff(tmp_path, KCONFIG, gone)
    values = {"CONFIG_MIGRATION": "y", "CONFIG_ZSWAP": "y", "CONFIG_ZPOOL_DEFAULT_ZBUD": "y",
              "CONFIG_ZPOOL_DEFAULT": '"zbud"'}
    nobody = lambda names: []  # noqa: E731
    assert kd.obstacle("mm/Kconfig", KCONFIG, gone, diff, values, nobody) == \
        ("", ["ZPOOL_DEFAULT_OLD", "OLD_ALLOC", "OLD"])
    # The same diff when one of them is on, or still named somewhere.
    on = dict(values, CONFIG_OLD_ALLOC="m")
    assert kd.obstacle("mm/Kconfig", KCONFIG, gone, diff, on, nobody)[0] == \
        "mm/Kconfig removes CONFIG_OLD_ALLOC, which is on"
    assert kd.obstacle("mm/Kconfig", KCONFIG, gone, diff, values, lambda n: ["OLD"])[0] == \
        "mm/Kconfig removes CONFIG_OLD, still named in a Kconfig file"
    # The chosen member's default line has a true condition.
    unchosen = _drop(KCONFIG, '\tdefault "zbud" if ZPOOL_DEFAULT_ZBUD\n')
    chosen = _kconfig_diff(tmp_path, KCONFIG, unchosen)
    assert kd.obstacle("mm/Kconfig", KCONFIG, unchosen, chosen, values, nobody)[0] == \
        "mm/Kconfig changes CONFIG_ZPOOL_DEFAULT: '-default \"zbud\" if ZPOOL_DEFAULT_ZBUD'"


def test_kconfig_diff_refuses_what_may_change_a_configuration(tmp_path):
    from kbuildengine import kconfigdiff as kd
    values = {"CONFIG_MIGRATION": "y", "CONFIG_COMPACTION": "y", "CONFIG_NUMA": "y"}
    nobody = lambda names: []  # noqa: E731

    def why(new):
        return kd.obstacle("mm/Kconfig", KCONFIG, new, _kconfig_diff(tmp_path, KCONFIG, new),
                           values, nobody)[0]
    assert why(_drop(KCONFIG, "\tdepends on OLD_ALLOC\n")) == \
        "mm/Kconfig changes CONFIG_OLD: '-depends on OLD_ALLOC'"
    # A condition that holds, or that is not a plain conjunction, is not
    # dropped.
    assert why(_drop(KCONFIG, "\tselect MOVOPS_HELPER if COMPACTION && NUMA\n")) != ""
    assert why(KCONFIG.replace("if COMPACTION && NUMA", "if COMPACTION || NUMA")) != ""
    assert why(KCONFIG.replace("if COMPACTION && NUMA", "if y")) != ""
    # Half an entry, an unconditional default, a new line: all refused.
    assert why(_drop(KCONFIG, "config OLD\n")) != ""
    assert why(_drop(KCONFIG, "\tdefault y\n")) == \
        "mm/Kconfig changes CONFIG_MIGRATION: '-default y'"
    assert why(KCONFIG + "\nconfig NEW\n\tdef_bool n\n") == "mm/Kconfig gains 'config NEW'"
    assert why(_drop(KCONFIG, '\tprompt "Default allocator"\n')) == \
        "mm/Kconfig removes 'prompt \"Default allocator\"'"
    # What kconfig does not read: comments, blank lines, help text.
    assert why(KCONFIG + "\n# a comment\n") == ""
    assert why(_drop(KCONFIG, "# The old allocator.\n", "\t  Allows the migration of pages.\n")) \
        == ""
    # A condition with an option that is off is false whatever the rest.
    values.pop("CONFIG_COMPACTION")
    assert why(_drop(KCONFIG, "\tselect MOVOPS_HELPER if COMPACTION && NUMA\n")) == ""


def test_analysis_survives_the_store():
    """A warm run takes verify's analysis (verifier/analysis.py) from the
    result store as JSON: what it reads back is what was put."""
    from dataclasses import asdict
    from verifier import configs, users
    p = configs.Plan("no-COMPACTION", enable=["CONFIG_MIGRATION"], disable=["CONFIG_COMPACTION"],
                     why={"CONFIG_MIGRATION": ["mm/migrate.c:10"]},
                     dropped={"CONFIG_CMM": "defined for arch/powerpc only"},
                     selected={"CONFIG_MEMORY_BALLOON": "CONFIG_VIRTIO_BALLOON"})
    assert configs.Plan(**json.loads(json.dumps(asdict(p)))) == p
    u = users.Users([users.Definition("balloon_page_insert", users.INLINE,
                                      "include/linux/balloon_compaction.h")],
                    {"drivers/misc/vmw_balloon.c": ["balloon_page_insert"]})
    assert users.Users.from_json(json.loads(json.dumps(u.to_json()))) == u
    from verifier.analysis import Analysis
    a = Analysis(["drivers/misc/vmw_balloon.o"], {"drivers/misc/vmw_balloon.o": ["uses x"]},
                 [], u, [p], ["a note"], {}, {"arm64-gcc": p})
    assert Analysis.from_json(json.loads(json.dumps(a.to_json()))) == a
    with pytest.raises(ValueError):
        Analysis.from_json(dict(a.to_json(), version=0))


def test_report_table_and_json():
    rs = [report.CheckResult("build", "pass", 0, 1.5, "ok"),
          report.CheckResult("golden", "skip", 0, 0.0, "no golden"),
          report.CheckResult("sparse", "fail", 2, 3.0, "2 new", ["a", "b"])]
    t = report.table(rs)
    assert "FAILED: sparse" in t and "SKIP" in t
    s = ser.Series(Path("/k"), "movable-ops", "b" * 40, "t", [ser.Commit("c" * 40, "subj", "t")])
    j = report.to_json(s, rs)
    assert j["ok"] is False
    assert [c["status"] for c in j["checks"]] == ["pass", "skip", "fail"]
    assert j["checks"][1]["ok"] is True


def test_patches_do_not_depend_on_the_users_git_config(tmp_path):
    """The golden comparison and checkpatch read the patches verify makes;
    settings in the user's git configuration must not change them."""
    k = _tiny_kernel_repo(tmp_path / "k")
    base = git_in(k, "rev-parse", "HEAD")
    (k / "mm" / "a.c").write_text("int a;\n\nint f(void)\n{\n\treturn a;\n}\n")
    run(["git", "add", "-A"], cwd=k)
    run(["git", "-c", "user.name=T", "-c", "user.email=t@x", "commit", "-q", "-m",
         "mm: add a\n\nBody.\n\nSigned-off-by: T <t@x>"], cwd=k)
    plain = golden.format_patches(k, base, "HEAD", tmp_path / "plain")
    assert [p.name[:5] for p in plain] == ["0001-"]
    assert "diff --git a/mm/a.c b/mm/a.c" in plain[0].read_text()
    for c in ("diff.noprefix=true", "diff.context=1", "format.to=list@example.org",
              "format.cc=x@example.org", "format.thread=deep", "format.useAutoBase=true",
              "format.signOff=true", "format.coverLetter=true"):
        key, value = c.split("=", 1)
        run(["git", "config", key, value], cwd=k)
    hostile = golden.format_patches(k, base, "HEAD", tmp_path / "hostile")
    assert [p.name for p in hostile] == [p.name for p in plain]
    assert golden.normalise(hostile[0].read_text()) == golden.normalise(plain[0].read_text())
    assert "diff --git a/mm/a.c b/mm/a.c" in hostile[0].read_text()


def test_prereq_names_and_pick(tmp_path):
    gen = "Generated by movops from cocci/02-movable-ops-dispatch.cocci."
    msgs = ["mm: remove z3fold\n\nz3fold has no page type.\n\nSigned-off-by: A <a@x>",
            f"mm: look up movable_ops\n\nBody.\n\n{gen}\n\nSigned-off-by: A <a@x>",
            # A step's commit that happens to carry a prerequisite's subject
            # is still a step's commit.
            f"mm: remove z3fold\n\n{gen}\n"]
    assert golden.prereq_names(msgs) == ["drop-z3fold"]
    assert golden.prereq_names(msgs[1:]) == []
    # pick(): an equal entry wins whatever its prerequisites; otherwise the
    # entry with the series' prerequisites is the one compared with.
    entries = [("a-none", tmp_path / "a", {"prereqs": []}),
               ("b-z3", tmp_path / "b", {"prereqs": ["drop-z3fold"]}),
               ("c-z3", tmp_path / "c", {"prereqs": ["drop-z3fold"]})]
    diffs = {tmp_path / "a": (["x"], "da"), tmp_path / "b": (["x", "y"], "db"),
             tmp_path / "c": (["x"], "dc")}
    assert golden.pick(entries, ["drop-z3fold"], diffs.get)[0] == "c-z3"
    assert golden.pick(entries, [], diffs.get)[0] == "a-none"
    assert golden.pick(entries, ["other"], diffs.get)[0] == "a-none"
    diffs[tmp_path / "a"] = ([], "")
    name, d, first, _ = golden.pick(entries, ["drop-z3fold"], diffs.get)
    assert (name, d) == ("a-none", [])


def _runtime_result(ok=True, neg_ok=True, static_ok=True, static_skipped=False):
    """A result shaped like bootcheck.run()'s (see scripts/bootcheck/check.py):
    both guests, the negative control in the built-in one, the
    static-dispatch control in the modular one."""
    def guest(name, zs):
        good = zs > 0
        run_ = {"cpus": 2, "accel": "tcg", "ok": good, "verdict": "pass" if good else "fail",
                "reasons": [] if good else ["zsmalloc_mops: zs_page_migrate() was never called"],
                "boot_s": 1.3, "run_s": 10.2}
        delta = {"kprobe:balloon_mops": 12811, "kprobe:zsmalloc_mops": zs}
        return {"guest": name, "ok": good, "verdict": run_["verdict"], "reasons": run_["reasons"],
                "build_s": 212.4, "boot_s": 1.3, "run": run_, "errors": [],
                "counters": {"before": {k: 0 for k in delta}, "after": delta, "delta": delta},
                "kernel": {}, "timings": {"config_s": 30.0, "build_s": 212.4, "run_s": 10.2}}
    neg_run = guest("builtin", 6402)["run"]
    static = ({"ok": None, "skipped": "no registration step", "reasons": [], "run": None}
              if static_skipped else
              {"ok": static_ok, "skipped": None, "commit": "d" * 40, "registration": "e" * 40,
               "reasons": ["zsmalloc pages were not migrated"] if static_ok else
               ["the modular guest at the static-dispatch commit PASSED"],
               "build_s": 40.0, "run": guest("modular", 0 if static_ok else 6402)["run"]})
    return {
        "ok": ok and neg_ok and static_ok,
        "guests": {"builtin": guest("builtin", 6402),
                   "modular": guest("modular", 6402 if ok else 0)},
        "negative_control": {"guest": "builtin", "ok": neg_ok,
                             "mutation": "balloon branch removed",
                             "reasons": ["balloon_mops: balloon_page_migrate() was never "
                                         "called"] if neg_ok else
                             ["the kernel with the broken dispatch PASSED: the check is blind"],
                             "build_s": 20.0, "run": neg_run},
        "static_control": static,
        "summary": "runtime check " + ("PASSED" if ok and neg_ok else "FAILED"),
        "kernel": {"kdir": "/k", "rev": "c" * 40, "commit": "c" * 40, "version": "6.12.117"},
        "users": [{"ops": "balloon_mops", "migrate_page": "balloon_page_migrate",
                   "exercised": True},
                  {"ops": "zsmalloc_mops", "migrate_page": "zs_page_migrate",
                   "exercised": True}],
        "timings": {"total_s": 560.5}, "errors": [],
    }


def test_runtime_rows_in_table_and_json():
    from verifier import runtime
    s = ser.Series(Path("/k"), "movable-ops", "b" * 40, "t", [ser.Commit("c" * 40, "subj", "t")])
    std = [report.CheckResult(n, "pass", 0, 1.0, "ok") for n in report.CHECKS]
    rows = runtime.rows(_runtime_result())
    assert [(r.name, r.status) for r in rows] == [("runtime-builtin", "pass"),
                                                  ("runtime-modular", "pass")]
    builtin, modular = rows
    # Each row's time: its guest's configuration, build and run, and its control's.
    assert builtin.time_s == 30.0 + 212.4 + 10.2 + 20.0 + 10.2
    assert modular.time_s == 30.0 + 212.4 + 10.2 + 40.0 + 10.2
    assert "12811" in builtin.summary and "6402" in builtin.summary
    assert "negative control fails as it should" in builtin.summary
    assert "static-dispatch control fails as it should" in modular.summary
    t = report.table(std + rows)
    for name in ("runtime-builtin ", "runtime-modular "):
        line = next(l for l in t.splitlines() if l.startswith(name))
        assert "PASS" in line
    assert t.splitlines()[-1].startswith("OK")
    j = report.to_json(s, std + rows)
    rt = {c["name"]: c for c in j["checks"][-2:]}
    assert j["ok"] is True
    # The JSON keeps the guests apart, each with its control.
    assert rt["runtime-modular"]["data"]["guest"]["counters"]["delta"][
        "kprobe:zsmalloc_mops"] == 6402
    assert rt["runtime-modular"]["data"]["static_control"]["commit"] == "d" * 40
    assert rt["runtime-builtin"]["data"]["negative_control"]["guest"] == "builtin"
    assert "static_control" not in rt["runtime-builtin"]["data"]
    json.dumps(j)

    # A modular guest that did not migrate zsmalloc pages, a blind negative
    # control, a static-dispatch kernel that passed: each fails its own
    # row and the report, with its reason listed.
    for res, name, why in (
            (_runtime_result(ok=False), "runtime-modular", "zs_page_migrate() was never called"),
            (_runtime_result(neg_ok=False), "runtime-builtin", "negative control"),
            (_runtime_result(static_ok=False), "runtime-modular", "static-dispatch control")):
        got = {r.name: r for r in runtime.rows(res)}
        bad = got[name]
        assert bad.status == "fail" and any(why in d for d in bad.details), bad.details
        assert all(r.status == "pass" for n, r in got.items() if n != name)
        t = report.table(std + list(got.values()))
        assert t.splitlines()[-1].startswith(f"FAILED: {name}")
        assert report.to_json(s, std + list(got.values()))["ok"] is False
        assert f"[FAIL] {name}:" in report.details_text(std + list(got.values()))
    # A series without a registration step: the modular row says so.
    skipped = {r.name: r for r in runtime.rows(_runtime_result(static_skipped=True))}
    assert "no static-dispatch control" in skipped["runtime-modular"].summary
    # The check could not run at all: still a row, failing, with the reason.
    err = runtime.error_row("qemu-system-x86_64 missing\nmore")
    assert err.status == "fail" and "qemu-system-x86_64 missing" in err.summary
    assert runtime.rows({"guests": {}, "errors": ["x"], "summary": "s"})[0].status == "fail"


def test_cli_runtime_option():
    from verifier import cli
    assert cli.parser().parse_args(["--runtime", "/k"]).runtime is True
    assert cli.parser().parse_args(["/k"]).runtime is False
    assert cli.parser().parse_args(["--runtime", "/k"]).modules == "both"
    assert cli.parser().parse_args(["--runtime", "--modules", "only", "/k"]).modules == "only"
    res = run([PY, str(VERIFY), "--help"])
    assert "--runtime" in res.stdout and "Exit status" in res.stdout


# -- bad input -------------------------------------------------------------------

def _tiny_kernel_repo(path):
    path.mkdir()
    (path / "mm").mkdir()
    (path / "Makefile").write_text("VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n")
    (path / "mm" / "Makefile").write_text("obj-y += a.o\n")
    run(["git", "init", "-q", "-b", "master", str(path)])
    run(["git", "add", "-A"], cwd=path)
    run(["git", "-c", "user.name=T", "-c", "user.email=t@x", "commit", "-q", "-m", "base"],
        cwd=path)
    return path


def test_bad_input_not_git(tmp_path):
    code, data, out = verify(tmp_path)
    assert code == 2 and data is None
    assert "not a git tree" in out and len(out.strip().splitlines()) == 1


def test_bad_input_missing_dir(tmp_path):
    code, _, out = verify(tmp_path / "nope")
    assert code == 2 and "no such directory" in out


def test_bad_input_no_branch(tmp_path):
    k = _tiny_kernel_repo(tmp_path / "k")
    code, _, out = verify(k)
    assert code == 2 and "no branch 'movable-ops'" in out
    assert len(out.strip().splitlines()) == 1


def test_bad_input_empty_series(tmp_path):
    k = _tiny_kernel_repo(tmp_path / "k")
    run(["git", "branch", "movable-ops"], cwd=k)
    code, _, out = verify(k)
    assert code == 2 and "pass --base" in out
    code, _, out = verify(k, "--base", "movable-ops")
    assert code == 2 and "no commits after its base" in out


def test_default_base_is_where_the_generated_commits_start(tmp_path):
    k = _tiny_kernel_repo(tmp_path / "k")
    base = git_in(k, "rev-parse", "HEAD")
    run(["git", "checkout", "-q", "-b", "movable-ops"], cwd=k)
    ident = ["-c", "user.name=T", "-c", "user.email=t@x"]
    for i, (subject, body) in enumerate([
            ("mm: remove z3fold", "No page type."),
            ("mm: step one", "Generated by movops from cocci/01-one.cocci."),
            ("mm: step two", "Generated by movops from cocci/02-two.cocci.")]):
        (k / "mm" / f"f{i}.c").write_text(f"int f{i};\n")
        run(["git", "add", "-A"], cwd=k)
        run(["git", *ident, "commit", "-q", "-m", f"{subject}\n\n{body}\n"], cwd=k)
    # Every commit of the series is also on another branch: the series
    # starts below the run of commits apply-series made.
    run(["git", "branch", "copy"], cwd=k)
    tip = git_in(k, "rev-parse", "movable-ops")
    assert ser.default_base(k, "movable-ops", tip) == base
    # A commit of someone else's on top ends the run: no start is found.
    (k / "mm" / "x.c").write_text("int x;\n")
    run(["git", "add", "-A"], cwd=k)
    run(["git", *ident, "commit", "-q", "-m", "mine"], cwd=k)
    run(["git", "branch", "-f", "copy"], cwd=k)
    with pytest.raises(ser.BadInput, match="pass --base"):
        ser.default_base(k, "movable-ops", git_in(k, "rev-parse", "movable-ops"))


def test_objects_changed_and_put_back_inside_the_series(tmp_path):
    """Bisection builds what a commit breaks and a later one repairs,
    although the final diff does not show that file."""
    k = _tiny_kernel_repo(tmp_path / "k")
    (k / "mm" / "b.c").write_text("int b;\n")
    run(["git", "add", "-A"], cwd=k)
    ident = ["-c", "user.name=T", "-c", "user.email=t@x"]
    run(["git", *ident, "commit", "-q", "-m", "b"], cwd=k)
    run(["git", "checkout", "-q", "-b", "movable-ops"], cwd=k)
    for rel, text, msg in (("mm/b.c", "int b = ;\n", "break b"), ("mm/b.c", "int b;\n", "fix b"),
                           ("mm/a.c", "int a;\n", "add a")):
        (k / rel).write_text(text)
        run(["git", "add", "-A"], cwd=k)
        run(["git", *ident, "commit", "-q", "-m", msg], cwd=k)
    s = ser.resolve(k, "movable-ops", "master")
    final = ser.changes(s)
    assert [fc.path for fc in final] == ["mm/a.c"]
    objs, why = ser.affected_objects(s, final, commit_changes=ser.commit_changes(s))
    assert objs == ["mm/a.o", "mm/b.o"]
    assert why["mm/b.o"] == ["mm/b.c changed by a commit (not in the final diff)"]
    assert why["mm/a.o"] == ["mm/a.c changed"]


def test_bad_input_base_not_ancestor(tmp_path):
    k = _tiny_kernel_repo(tmp_path / "k")
    run(["git", "checkout", "-q", "-b", "movable-ops"], cwd=k)
    (k / "mm" / "a.c").write_text("int a;\n")
    run(["git", "add", "-A"], cwd=k)
    run(["git", "-c", "user.name=T", "-c", "user.email=t@x", "commit", "-q", "-m", "a"], cwd=k)
    run(["git", "checkout", "-q", "--orphan", "other"], cwd=k)
    run(["git", "-c", "user.name=T", "-c", "user.email=t@x", "commit", "-q", "-m", "o"], cwd=k)
    code, _, out = verify(k, "--base", "other")
    assert code == 2 and "not an ancestor" in out and len(out.strip().splitlines()) == 1
    # The fix: the histories are unrelated, and the series' own base is named.
    base = git_in(k, "rev-parse", "master")[:12]
    assert "share no history: an orphan branch?" in out
    assert f"give the commit the series starts from, e.g. --base {base}" in out


def test_bad_input_unknown_option(tmp_path):
    code, _, out = verify(tmp_path, "--frobnicate")
    assert code == 2 and len(out.strip().splitlines()) == 1


def test_bad_input_options(tmp_path):
    k = _tiny_kernel_repo(tmp_path / "k")
    code, _, out = verify(k, "-j", "0")
    assert code == 2 and "-j 0" in out and len(out.strip().splitlines()) == 1
    code, _, out = verify(k, json_path=tmp_path / "no" / "such" / "r.json")
    assert code == 2 and "does not exist" in out and len(out.strip().splitlines()) == 1


def _verify_cli(*args):
    res = run([PY, str(VERIFY), *map(str, args)], check=False)
    return res.returncode, res.stderr.strip().splitlines(), res.stdout


def test_bad_input_kdir_that_is_a_file(tmp_path):
    (tmp_path / "f").write_text("x\n")
    code, err, _ = _verify_cli(tmp_path / "f")
    assert code == 2 and len(err) == 1 and "a regular file, not a directory" in err[0]


@pytest.mark.parametrize("where,words", [
    ("DIR", "a directory"), ("/proc/r.json", "cannot create a file in /proc"),
    ("DIR/mine.json", "exists and verify.py did not write it")],
    ids=["directory", "proc", "users-file"])
def test_bad_input_json_paths(tmp_path, where, words):
    """--json DIR was not refused: verify built for minutes, then failed."""
    k = _tiny_kernel_repo(tmp_path / "k")
    (tmp_path / "mine.json").write_text("{}\n")
    code, err, _ = _verify_cli("--json", where.replace("DIR", str(tmp_path)), k)
    assert code == 2 and len(err) == 1 and words in err[0], err
    assert (tmp_path / "mine.json").read_text() == "{}\n"


def test_bad_input_config_of_another_architecture(tmp_path):
    """An arm64 .config was accepted, and verify started building."""
    k = _tiny_kernel_repo(tmp_path / "k")
    arm = tmp_path / "arm64.config"
    arm.write_text("CONFIG_ARM64=y\nCONFIG_64BIT=y\nCONFIG_ZSMALLOC=m\n")
    code, err, _ = _verify_cli("--config", arm, k)
    assert code == 2 and len(err) == 1, err
    assert "a configuration of another architecture (CONFIG_ARM64=y)" in err[0]
    assert "verify builds a --config with x86_64-gcc" in err[0]
    assert "give a x86_64 configuration (CONFIG_X86_64=y)" in err[0]
    from kbuildengine import targets
    from verifier import cli
    x86 = tmp_path / "x86.config"
    x86.write_text("CONFIG_X86_64=y\nCONFIG_X86=y\nCONFIG_ZSMALLOC=m\n")
    assert targets.of_config(x86.read_text()) == "X86_64"
    cli.check_inputs(cli.parser().parse_args(["--config", str(x86), str(k)]))
    i386 = tmp_path / "i386.config"
    i386.write_text("CONFIG_X86_32=y\nCONFIG_X86=y\n# CONFIG_X86_64 is not set\n")
    code, err, _ = _verify_cli("--config", i386, k)
    assert code == 2 and "(CONFIG_X86_32=y)" in err[0], err
    code, err, _ = _verify_cli("--config", tmp_path, k)
    assert code == 2 and "a directory" in err[0]


def test_bad_input_build_dir(tmp_path):
    k = _tiny_kernel_repo(tmp_path / "k")
    run(["git", "checkout", "-q", "-b", "movable-ops"], cwd=k)
    (k / "mm" / "a.c").write_text("int a;\n")
    run(["git", "add", "-A"], cwd=k)
    run(["git", "-c", "user.name=T", "-c", "user.email=t@x", "commit", "-q", "-m", "a"], cwd=k)
    (tmp_path / "f").write_text("x\n")
    code, err, _ = _verify_cli("--build-dir", tmp_path / "f", k)
    assert code == 2 and len(err) == 1 and "not a directory" in err[0], err
    code, err, _ = _verify_cli("--build-dir", "/proc/movops-verify", k)
    assert code == 2 and len(err) == 1 and "cannot be made in /proc" in err[0], err


# -- real tree: a good series and one way each to break it ----------------------

# The variants below break what the host's target builds: they build
# their own commits for it alone (the other targets' rows are skips then;
# tests/test_bots.py breaks each of those).
HOST_ONLY = ("--targets", "x86_64-gcc")


@pytest.fixture(scope="module")
def good(verified612):
    """The one verified 6.12 series of the session (conftest.verified612)."""
    return verified612


@pytest.mark.realtree
def test_good_series_passes(good):
    code, data, out = good.first
    assert code == 0, out
    assert data["ok"] is True
    assert [c["name"] for c in data["checks"]] == list(report.CHECKS)
    status = {c["name"]: c["status"] for c in data["checks"]}
    # expected/ knows this tree (6.12 with drop-z3fold): the real series
    # must equal its golden patches.
    assert status == {name: "pass" for name in report.CHECKS}
    g = check_of(data, "golden")
    assert g["data"]["prereqs"] == ["drop-z3fold"]
    # On the pinned tree, the golden's own: byte for byte.  (Where the pin
    # could not be downloaded, another point release: by content.)
    want = {golden.SAME_BASE: "byte-identical to expected/6.12-drop-z3fold",
            golden.SAME_LINE: f"content equal to the {g['data']['golden_version']} golden"}
    assert g["summary"].startswith(want[g["data"]["relation"]]), g
    assert data["base"] == good.base and len(data["commits"]) == 5
    cfgs = check_of(data, "configs")["data"]["configs"]
    names = {c["name"] for c in cfgs}
    user = "user-" + good.cloud.name
    # Debian's cloud configuration has every option the derived 'full'
    # would turn on: it is built in its place, and 'full' is not made.
    assert {user, user + "+W1", "no-COMPACTION", "no-MIGRATION"} <= names
    assert "full" not in names and "full+W1" not in names
    assert any(d.startswith(f"note: full: not made; {user} turns on all of its options")
               for d in check_of(data, "configs")["details"])
    stub = [c for c in cfgs if "CONFIG_COMPACTION" in c["disable"]]
    assert stub, cfgs
    # The user's configuration builds the affected objects at every
    # commit, with W=1 (the plain build only where W=1 shows something
    # new), zsmalloc as a module, without symbol versions (genksyms would
    # send every commit through make).
    builds = check_of(data, "bisect")["data"]["builds"]
    assert {b["commit"] for b in builds if b["config"] == user + "+W1"} == \
        {c["sha"] for c in data["commits"]}
    assert not any(b["config"] == user for b in builds)
    assert "-DMODULE" in \
        (good.root / f"build-{user}+W1" / "mm" / ".zsmalloc.o.cmd").read_text()
    assert "CONFIG_MODVERSIONS=y" in good.cloud.read_text()
    assert "# CONFIG_MODVERSIONS is not set" in \
        (good.root / f"build-{user}" / ".config").read_text()
    # The configuration-space proof: every valid assignment at the tip;
    # the two commits with the static dispatch lose zsmalloc when it is a
    # module, which the registration commit fixes; the cloud build agrees.
    cs = check_of(data, "configspace")
    tip = cs["data"]["commits"][-1]
    assert tip["ok"] and tip["failing"] == 0 and tip["valid"] >= 24, tip
    assert {"ZSMALLOC", "MODULES", "COMPACTION", "MIGRATION"} <= set(tip["options"])
    static = [v for v in cs["data"]["commits"] if not v["ok"]]
    assert [v["label"] for v in static] == ["3/5", "4/5"], static
    assert all(v["groups"][0]["key"] == "CONFIG_ZSMALLOC=m: zsmalloc_mops lost" for v in static)
    agree = cs["data"]["agreement"][user]
    assert agree["ok"], agree
    assert any(l.startswith("zsmalloc_mops: proof says reached") and "its registration" in l
               for l in agree["lines"]), agree
    # The sparse baseline is not empty: matching, not absence, makes it pass.
    assert "at the base" in check_of(data, "sparse")["summary"]
    # Build products went to the cache directory, none into KDIR.
    assert git_in(good.kdir, "status", "--porcelain", "--ignored") == ""
    assert not (Path(good.kdir) / ".config").exists()
    assert (good.root / f"build-{user}+W1" / "mm" / "migrate.o").exists()
    # Every commit was built from the recorded compile commands (the tip
    # with the sparse commands recorded at the base); the one that removes
    # z3fold from mm/Kconfig and mm/Makefile too: kconfigdiff finds that
    # its three options are off in both configurations, so no kconfig run
    # is needed to know that they stay as they are.
    builds = check_of(data, "bisect")["data"]["builds"]
    commits = data["commits"]
    order = {c["sha"]: i for i, c in enumerate(commits, 1)}
    how = {(order[b["commit"]], b["config"]): (b["how"], b["why_make"]) for b in builds}
    for cfg in (user, "no-COMPACTION", "no-MIGRATION"):
        # The first configuration is built with W=1 only (its plain build
        # showed nothing new).
        mid = cfg + "+W1" if cfg == user else cfg
        assert how[(1, mid)] == ("direct, 0 rebuilt, Kconfig only drops 3 options that "
                                 "are off", ""), how
        assert how[(2, mid)][0].startswith("direct, ") and not how[(2, mid)][1], how
        assert how[(3, mid)][0].startswith("direct, "), how
        assert how[(len(commits), mid)][0].startswith("direct, "), how


@pytest.mark.realtree
def test_static_dispatch_commit_fails_the_configuration_space_proof(good):
    """Upstream's 84caf98838a3: the series without its registration
    commit.  The proof fails naming CONFIG_ZSMALLOC=m, and Debian's cloud
    configuration, built for real, agrees: its preprocessed dispatch has
    no zsmalloc branch while zsmalloc.o is built as a module."""
    k = good.variant("static-dispatch", "movable-ops~1")
    run(["git", "checkout", "-q", "master"], cwd=k)
    code, data, out = good.verify("static-dispatch", "--config", good.cloud, *HOST_ONLY)
    assert code == 1, out
    cs = check_of(data, "configspace")
    assert cs["status"] == "fail", cs
    assert "CONFIG_ZSMALLOC=m: zsmalloc_mops lost" in cs["summary"]
    assert any("CONFIG_ZSMALLOC=m" in d and "built as a module" in d for d in cs["details"])
    agree = cs["data"]["agreement"]["user-" + good.cloud.name]
    assert agree["ok"], agree
    assert any(l.startswith("zsmalloc_mops: proof says lost") and "no branch for it" in l
               for l in agree["lines"]), agree


def _interrupted(kdir, *args, build_dir):
    """verify.py, sent SIGTERM once it builds; (exit status, stderr lines)."""
    import signal
    import subprocess
    import time
    p = subprocess.Popen([PY, str(VERIFY), "--build-dir", str(build_dir), *args, str(kdir)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = []
    # The progress line of a commit's builds ("commit base ...: building
    # objects (full: 6, ...)"); a run that never prints one fails here
    # rather than being signalled after its end.
    for line in p.stderr:
        seen.append(line)
        if ": building objects (" in line:
            break
    else:
        p.wait()
        pytest.fail("verify printed no 'building objects' progress line:\n" + "".join(seen))
    time.sleep(2)       # the compilers are running
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=120)
    return p.returncode, err.strip().splitlines(), "".join(seen)


@pytest.mark.realtree
def test_tree_without_z3fold_interrupted_then_verified(good):
    """Two of the issue's cases on the 'noz3' tree: 6.12 whose z3fold the
    user took out by hand (mm/z3fold.c deleted, its Makefile line removed,
    committed).

    SIGTERM killed verify's Python process alone: make went on in the build
    directories, the temporary patch directory and compiler logs stayed.  It
    now ends the run as Ctrl-C does: exit 130 with one line, no command of
    the run left, nothing temporary left in the build directory, and the
    next run is not misled by what the interrupted one built.

    The series is right (4 commits, no prerequisite), but the golden row
    compared it with expected/6.12-drop-z3fold, whose tree it is not, and
    failed on the prerequisite's commit: verify exited 1.  Now the golden
    row is a note naming the files, on the steps both have: exit 0."""
    k = good.kdir
    try:
        run(["git", "checkout", "-q", "-b", "noz3", good.base], cwd=k)
        (k / "mm" / "z3fold.c").unlink()
        _edit(k, "mm/Makefile", "obj-$(CONFIG_Z3FOLD)\t+= z3fold.o\n", "")
        _commit(k, "mm: remove z3fold", "Removed by hand.")
        base = git_in(k, "rev-parse", "HEAD")
        res = run([str(SCRIPTS / "apply-series.sh"), "-q", "--base", base, "--branch",
                   "noz3-series", str(k)], check=False)
        assert res.returncode == 0, res.stdout + res.stderr
        assert len(git_in(k, "rev-list", f"{base}..noz3-series").split()) == 4

        code, err, seen = _interrupted(k, *HOST_ONLY, "--branch", "noz3-series", "--base",
                                       base, build_dir=good.root)
        assert code == 130, seen + "\n".join(err)
        assert err == [f"verify: interrupted; {k} was not changed"], err
        ps = run(["ps", "-e", "-o", "args="]).stdout
        assert str(good.root) not in ps, [l for l in ps.splitlines() if str(good.root) in l]
        # verify's own temporary files: the store's and the wrappers', the
        # compiler logs of temporary objects, the temporary directories.
        left = [str(q.relative_to(good.root)) for q in good.root.rglob("*")
                if q.name.endswith(".tmp") or re.match(r"\.\.?tmp.*\.movops-cc$", q.name)
                or (q.parent == good.root and q.name.startswith(("patches-", "oldapi-")))]
        assert left == [], left

        code, data, out = verify(k, *HOST_ONLY, "--branch", "noz3-series", "--base", base,
                                 build_dir=good.root,
                                 json_path=good.root.parent / "report-noz3.json")
    finally:
        run(["git", "checkout", "-q", "-f", "movable-ops"], cwd=k)
    assert code == 0, out
    c = check_of(data, "golden")
    assert c["status"] == "pass", c
    version = c["data"]["golden_version"]
    steps = ("on the 4 steps both have (the golden's prereq drop-z3fold not in this "
             "series)")
    if c["data"]["version"] == version:
        assert c["data"]["relation"] == golden.OTHER_FILES
        assert c["summary"].startswith(
            f"content equal to the {version} golden {steps}; your tree differs from it in "
            "mm/Makefile, mm/z3fold.c"), c["summary"]
    else:
        # The pinned tree could not be downloaded: another point release,
        # compared as such, step by step.
        assert c["data"]["relation"] == golden.SAME_LINE and steps in c["summary"], c
    assert all(x["ok"] for x in data["checks"]), [x["name"] for x in data["checks"]
                                                  if not x["ok"]]


@pytest.mark.realtree
def test_a_mutants_series_passes_verify_in_full(good):
    """The property test's verified mutant (test_mutants.py): 6.12 after
    drop-z3fold with zsmalloc's ops object renamed throughout.  Its series
    passes the whole of verify.py, built incrementally in the warm
    directory of the good series (its golden row a note: another tree)."""
    from test_mutants import MUTANTS
    k = good.kdir
    prereq = git_in(k, "rev-list", "--reverse", f"{good.base}..movable-ops").split()[0]
    try:
        run(["git", "checkout", "-q", "-b", "mutant", prereq], cwd=k)
        for rel, old, new, _ in MUTANTS["rename-zsmalloc-mops-everywhere"]:
            p = Path(k) / rel
            assert old in p.read_text()
            p.write_text(p.read_text().replace(old, new))
        _commit(k, "mutant", "zsmalloc_mops renamed.")
        base = git_in(k, "rev-parse", "HEAD")
        res = run([str(SCRIPTS / "apply-series.sh"), "-q", "--base", base, "--branch",
                   "mutant-series", str(k)], check=False)
        assert res.returncode == 0, res.stdout + res.stderr
        code, data, out = verify(k, *HOST_ONLY, "--branch", "mutant-series", "--base", base,
                                 build_dir=good.root,
                                 json_path=good.root.parent / "report-mutant.json")
    finally:
        run(["git", "checkout", "-q", "-f", "movable-ops"], cwd=k)
    assert code == 0, out
    assert all(x["ok"] for x in data["checks"]), out


@pytest.mark.realtree
def test_second_run_is_warm_and_equal(good):
    import time
    t = time.monotonic()
    code, data, out = good.verify("movable-ops", "--config", good.cloud)
    assert time.monotonic() - t < 60
    assert code == 0, out
    assert [c["status"] for c in data["checks"]] == \
        [c["status"] for c in good.first[1]["checks"]]
    assert data["cache"]["misses"] == 0
    # The analysis (objects, users, plans) came from the store, unchanged.
    assert data["objects"] == good.first[1]["objects"]
    first = {c["name"]: c for c in good.first[1]["checks"]}
    for c in data["checks"]:
        if c["name"] in ("users", "configs"):
            assert (c["summary"], c["details"]) == (first[c["name"]]["summary"],
                                                    first[c["name"]]["details"])


@pytest.mark.realtree
def test_catches_two_argument_call_left_behind(good):
    k = good.variant("broken-old-api")
    _edit(k, "mm/zsmalloc.c", "__SetPageMovable(newpage);",
          "__SetPageMovable(newpage, &zsmalloc_mops);")
    _commit(k, "mm/zsmalloc: keep one old call", "Broken on purpose.")
    line = good.line_of("mm/zsmalloc.c", "__SetPageMovable(newpage, &zsmalloc_mops);")
    code, data, out = good.verify("broken-old-api", *HOST_ONLY)
    assert code == 1 and data["ok"] is False
    c = check_of(data, "old-api-gone")
    assert c["status"] == "fail" and c["count"] == 1, c
    assert c["details"][0].startswith(f"mm/zsmalloc.c:{line}: ")
    assert "spatch" in c["details"][0]
    # And the call does not compile against the new prototype.
    assert check_of(data, "build")["status"] == "fail"


# The broken variants edit places of the base tree that the series leaves
# alone, so that they do not depend on the details of the series' text.
PUTBACK = "static void zs_page_putback(struct page *page)\n{\n"
INCLUDE = "#include <linux/local_lock.h>\n"


@pytest.mark.realtree
def test_catches_new_sparse_warning(good):
    k = good.variant("broken-sparse")
    _edit(k, "mm/zsmalloc.c", PUTBACK, PUTBACK + "\tif (page == 0)\n\t\treturn;\n")
    _commit(k, "mm/zsmalloc: compare with a plain 0", "Broken on purpose.")
    line = good.line_of("mm/zsmalloc.c", "if (page == 0)")
    code, data, out = good.verify("broken-sparse", *HOST_ONLY)
    assert code == 1
    c = check_of(data, "sparse")
    assert c["status"] == "fail", c
    assert any(f"mm/zsmalloc.c:{line}:" in d and "plain integer as NULL pointer" in d
               for d in c["details"]), c["details"]
    # gcc is happy with it: only sparse tells.
    assert check_of(data, "build")["status"] == "pass"
    assert check_of(data, "changed-lines")["status"] == "pass"


@pytest.mark.realtree
def test_catches_line_no_configuration_compiles(good):
    k = good.variant("broken-uncompiled")
    _edit(k, "mm/zsmalloc.c", INCLUDE,
          INCLUDE + "\n#ifdef CONFIG_PPC64\nstatic int movops_ppc64_only;\n#endif\n")
    _commit(k, "mm/zsmalloc: add a line for another architecture", "Broken on purpose.")
    line = good.line_of("mm/zsmalloc.c", "static int movops_ppc64_only;")
    code, data, out = good.verify("broken-uncompiled", *HOST_ONLY)
    assert code == 1
    c = check_of(data, "changed-lines")
    assert c["status"] == "fail" and c["count"] == 1, c
    assert c["details"] == [f"mm/zsmalloc.c:{line}: not compiled in any configuration: "
                            "static int movops_ppc64_only;"]
    assert check_of(data, "build")["status"] == "pass"
    # The configuration planner saw the guard and said why it could not use it.
    assert any("CONFIG_PPC64" in d for d in check_of(data, "configs")["details"])


@pytest.mark.realtree
def test_catches_middle_commit_that_does_not_build(good):
    k = good.variant("broken-bisect", start="movable-ops~1")
    _edit(k, "mm/zsmalloc.c", PUTBACK, PUTBACK + "\tzs_movops_undefined(page);\n")
    _commit(k, "mm/zsmalloc: call what does not exist", "Broken on purpose.")
    _edit(k, "mm/zsmalloc.c", PUTBACK + "\tzs_movops_undefined(page);\n", PUTBACK)
    _commit(k, "mm/zsmalloc: drop the call", "Fixes the previous commit.")
    run(["git", "cherry-pick", "movable-ops"], cwd=k)
    # The tip is the good tip: only bisection can tell.
    assert git_in(k, "rev-parse", "HEAD^{tree}") == git_in(k, "rev-parse", "movable-ops^{tree}")
    code, data, out = good.verify("broken-bisect", *HOST_ONLY)
    assert code == 1
    c = check_of(data, "bisect")
    assert c["status"] == "fail" and c["count"] >= 1, c
    bad = [d for d in c["details"] if "'mm/zsmalloc: call what does not exist'" in d]
    assert bad and "mm/zsmalloc.o does not build" in bad[0], c["details"]
    assert "zs_movops_undefined" in bad[0]
    assert all("drop the call" not in d for d in c["details"])
    # The failing commit changes only mm/zsmalloc.c: it was compiled from
    # the recorded commands, and the failure still shows.
    broken = next(x["sha"] for x in data["commits"]
                  if x["subject"] == "mm/zsmalloc: call what does not exist")
    hows = [b["how"] for b in c["data"]["builds"] if b["commit"] == broken]
    # One build per configuration of every target (each target's first
    # with W=1 only, between the base and the tip): the host's three and
    # one per other target.
    plain = [x["name"] for x in check_of(data, "configs")["data"]["configs"]
             if "+W" not in x["name"]]
    assert len(hows) == len(plain) == 3 + len(data["targets"]["built"]) - 1
    assert all(h.startswith("direct, ") for h in hows), c["data"]["builds"]
    assert check_of(data, "build")["status"] == "pass"


@pytest.mark.realtree
def test_configuration_change_goes_through_make(good):
    # A new option that is off by default leaves the configuration as it
    # is, which only syncconfig can tell (kconfigdiff refuses any new
    # entry): that commit is still built without make.  A new option that
    # is on by default changes the configuration: that commit cannot be
    # built from the recorded commands.
    k = good.variant("kconfig-option")
    _edit(k, "mm/Kconfig", "config MIGRATION\n",
          'config MOVOPS_TEST_OFF\n\tbool "an option that is off"\n\nconfig MIGRATION\n')
    _commit(k, "mm: add an option that is off", "No configuration change.")
    _edit(k, "mm/Kconfig", "config MIGRATION\n",
          "config MOVOPS_TEST_OPTION\n\tdef_bool y\n\nconfig MIGRATION\n")
    _commit(k, "mm: add an option that is on", "A configuration change.")
    code, data, out = good.verify("kconfig-option", *HOST_ONLY)
    off, on = data["commits"][-2]["sha"], data["commits"][-1]["sha"]
    builds = check_of(data, "bisect")["data"]["builds"]
    ncfg = len([x for x in check_of(data, "configs")["data"]["configs"]
                if "+W" not in x["name"]])
    # (How many objects it rebuilt depends on what the shared build
    # directories held last.)
    assert [(re.sub(r"\d+ rebuilt", "n rebuilt", b["how"]), b["why_make"])
            for b in builds if b["commit"] == off] == \
        [("direct, n rebuilt, after syncconfig", "")] * ncfg, builds
    assert [(b["how"], b["why_make"]) for b in builds if b["commit"] == on] == \
        [("make", "the configuration changed")] * ncfg, builds
    assert check_of(data, "build")["status"] == "pass"
    assert check_of(data, "bisect")["status"] == "pass"


@pytest.mark.realtree
def test_catches_checkpatch_error(good):
    k = good.variant("broken-checkpatch")
    _edit(k, "mm/zsmalloc.c", INCLUDE, INCLUDE + "/* movable_ops come from the page type */ \n")
    _commit(k, "mm/zsmalloc: say where the ops are used", "Broken on purpose.")
    code, data, out = good.verify("broken-checkpatch", *HOST_ONLY)
    assert code == 1
    c = check_of(data, "checkpatch")
    assert c["status"] == "fail" and c["count"] == 1, c
    assert "TRAILING_WHITESPACE" in c["details"][0] and "mm/zsmalloc.c" in c["details"][0]
    # The other checks pass (golden aside: a broken series is not the
    # golden one, whatever is broken).
    others = {x["name"]: x["status"] for x in data["checks"]
              if x["name"] not in ("checkpatch", "golden")}
    assert "fail" not in others.values(), others


def _entry(dest, name, good, prereqs, patches=()):
    """An expected/ entry NAME for the good series' base, laid out the way
    the lead's expected/ is: tree.json, and PATCHES (apply-series --output)."""
    from movops.tree import Tree
    d = dest / name
    d.mkdir(parents=True)
    for p in patches:
        shutil.copy(p, d / Path(p).name)
    files = git_in(good.kdir, "diff", "--name-only", good.base, "movable-ops").split()
    tree = Tree(good.kdir, good.base)
    (d / "tree.json").write_text(json.dumps({
        "version": tree.version(), "prereqs": prereqs, "files": files,
        "sha256": tree.content_hash(files)}))
    return d


@pytest.mark.realtree
def test_golden_match_and_mismatch(good, tmp_path):
    exp = tmp_path / "expected"
    made = sorted(good.patch_dir.glob("*.patch"))
    assert made[0].name.startswith("0000-cover-letter") and len(made) >= 3
    # The golden series: what apply-series.sh --output wrote.
    _entry(exp, "6.12-drop-z3fold", good, ["drop-z3fold"], made)
    # The same base made with other prerequisites (here: a doctored copy
    # whose last patch has another subject); sorted first, so neither
    # "the first entry" nor "the fewest differences" would pick the right one.
    decoy = _entry(exp, "6.12-decoy", good, [], made)
    last = sorted(decoy.glob("0*.patch"))[-1]
    text = last.read_text()
    head = re.search(r"^Subject: \[PATCH (\d+/\d+)\] .*$", text, re.M)
    last.write_text(text.replace(head.group(0), f"Subject: [PATCH {head.group(1)}] mm: decoy"))
    # A tree the series refuses: analysis only, no patches.
    (_entry(exp, "6.12", good, []) / "analysis.txt").write_text("blocked\n")
    env = {"MOVOPS_EXPECTED": str(exp)}

    code, data, out = good.verify("movable-ops", env=env)
    assert code == 0, out
    c = check_of(data, "golden")
    assert c["status"] == "pass", c
    assert "expected/6.12-drop-z3fold" in c["summary"] and "cover letter" in c["summary"]
    assert c["data"]["prereqs"] == ["drop-z3fold"]
    assert sorted(c["data"]["candidates"]) == ["6.12-decoy", "6.12-drop-z3fold"]

    # Same trees, another commit message: only the golden comparison differs.
    k = good.variant("broken-golden")
    subject = git_in(k, "log", "-1", "--format=%s")
    n = len(git_in(k, "rev-list", f"{good.base}..HEAD").split())
    run(["git", "commit", "-q", "--amend", "-m",
         "mm: reworded subject\n\nReworded.\n\nGenerated by movops from cocci/03-x.cocci.\n\n"
         "Signed-off-by: Movops Tester <tester@example.org>\n"], cwd=k)
    code, data, out = good.verify("broken-golden", env=env)
    assert code == 1
    c = check_of(data, "golden")
    assert c["status"] == "fail" and c["count"] == 1, c
    assert "expected/6.12-drop-z3fold" in c["summary"], c["summary"]
    diff = c["details"][-1]
    assert f"-Subject: [PATCH {n}/{n}] {subject[:20]}" in diff
    assert f"+Subject: [PATCH {n}/{n}] mm: reworded subject" in diff
    others = {x["name"]: x["status"] for x in data["checks"] if x["name"] != "golden"}
    assert "fail" not in others.values(), others


@pytest.mark.realtree
def test_golden_of_another_point_release_and_a_changed_hunk(good, tmp_path):
    """verify.py against a copy of the real expected/ whose 6.12 golden is
    labelled as made on the previous point release: the series' content
    equals it; with one of its hunks changed, the golden row fails and
    shows that hunk; it is never skipped."""
    from movops.tree import Tree
    exp = tmp_path / "expected"
    shutil.copytree(golden.expected_dir(), exp)
    entry = exp / "6.12-drop-z3fold"
    meta = json.loads((entry / "tree.json").read_text())
    version = Tree(good.kdir, good.base).version()
    if meta["version"] == version:
        # The pinned tree: the golden is relabelled.  (Where the pin could
        # not be downloaded, the tree is another point release already.)
        major, minor, sub = version.split(".")
        meta["version"] = f"{major}.{minor}.{int(sub) - 1}"
        (entry / "tree.json").write_text(json.dumps(meta))
    previous = meta["version"]
    env = {"MOVOPS_EXPECTED": str(exp)}

    code, data, out = good.verify("movable-ops", env=env)
    assert code == 0, out
    c = check_of(data, "golden")
    assert c["status"] == "pass", c
    assert c["summary"].startswith(f"content equal to the {previous} golden (base {version})")
    assert c["data"]["relation"] == golden.SAME_LINE

    path, line, changed = change_one_added_line(entry)
    code, data, out = good.verify("movable-ops", env=env)
    assert code == 1, out
    c = check_of(data, "golden")
    assert c["status"] == "fail" and c["count"] == 1, c
    assert c["summary"].startswith(f"content differs from the {previous} golden "
                                   f"(base {version}): 1 hunk differs"), c["summary"]
    # '-' the golden's line (the changed one), '+' the series'.
    lines = {l.lstrip(" ") for l in c["details"][0].splitlines()}
    assert f"-{changed}" in lines and f"+{line}" in lines, c["details"][0]
    assert [(d["kind"], d["path"]) for d in c["data"]["differences"]] == [("hunk", path)]
    others = {x["name"]: x["status"] for x in data["checks"] if x["name"] != "golden"}
    assert "fail" not in others.values(), others


@pytest.mark.realtree
def test_stable_form_passes_every_row(good):
    """The same series in the stable form (apply-series.sh --stable): every
    row passes, the stable row and the stable form's golden included.  Its
    commits' trees are the default series' (the same steps, one commit per
    upstream commit), so the builds are the stored ones."""
    # On the base: HEAD is whichever variant another test checked out last.
    run([str(SCRIPTS / "apply-series.sh"), "-q", "--stable", "--prereq", "drop-z3fold",
         "--base", good.base, "--branch", "movable-ops-stable", str(good.kdir)])
    code, data, out = good.verify("movable-ops-stable")
    assert code == 0, out
    assert [c["name"] for c in data["checks"]] == list(report.CHECKS) + [report.STABLE]
    assert {c["status"] for c in data["checks"]} == {"pass"}, out
    g = check_of(data, "golden")
    assert g["data"]["entry"] == "6.12-drop-z3fold-stable", g
    assert "name their upstream commit" in check_of(data, "stable")["summary"]


def test_bad_input_foreign_build_dir(tmp_path):
    k = _tiny_kernel_repo(tmp_path / "k")
    run(["git", "checkout", "-q", "-b", "movable-ops"], cwd=k)
    (k / "mm" / "a.c").write_text("int a;\n")
    run(["git", "add", "-A"], cwd=k)
    run(["git", "-c", "user.name=T", "-c", "user.email=t@x", "commit", "-q", "-m", "a"], cwd=k)
    other = tmp_path / "mine"
    (other / "src").mkdir(parents=True)
    (other / "src" / "precious").write_text("x")
    code, _, out = verify(k, "--base", "master", build_dir=other)
    assert code == 2 and "not empty" in out
    assert (other / "src" / "precious").exists()
    code, _, out = verify(k, "--base", "master", build_dir=k / "build")
    assert code == 2 and "inside" in out
