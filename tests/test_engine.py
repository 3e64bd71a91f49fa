# SPDX-License-Identifier: GPL-2.0
"""The kernel build engine's pieces that need no kernel tree: the targets
as data, the names of the builds, the packages' imports, and the users of
changed definitions found in a small git tree."""

import pytest

from conftest import SCRIPTS, run
from core import deps
from core import fingerprint as fp
from kbuildengine import targets as tg
from kbuildengine.build import flavour
from verifier import commits as ser
from verifier import users


def test_every_target_is_one_entry_of_data():
    assert list(tg.TARGETS) == ["x86_64-gcc", "x86_64-clang", "i386-gcc", "arm64-gcc",
                                "powerpc64le-gcc"]
    for t in tg.TARGETS.values():
        # Its toolchain's packages are a purpose of the one dependency list.
        assert not t.toolchain or t.toolchain in deps.PACKAGES, t
        assert t.make_vars()[0] == f"ARCH={t.arch}"
        assert (t.srcarch == "x86") == t.arch.startswith(("x86", "i386"))
    assert tg.TARGETS["x86_64-clang"].make_vars() == ["ARCH=x86_64", "LLVM=1"]
    assert tg.TARGETS["arm64-gcc"].make_vars() == ["ARCH=arm64",
                                                   "CROSS_COMPILE=aarch64-linux-gnu-"]
    # The guests' image is the host target's.
    assert tg.TARGETS[tg.HOST].image == "arch/x86/boot/bzImage"


def test_targets_option_and_build_names():
    assert [t.name for t in tg.parse("arm64-gcc, x86_64-gcc,arm64-gcc")] == \
        ["arm64-gcc", "x86_64-gcc"]
    assert len(tg.parse("all")) == len(tg.TARGETS)
    with pytest.raises(ValueError, match="unknown target sparc-gcc; known: x86_64-gcc"):
        tg.parse("sparc-gcc")
    with pytest.raises(ValueError):
        tg.parse(",")
    host, arm = tg.TARGETS[tg.HOST], tg.TARGETS["arm64-gcc"]
    # The host's builds keep the names they always had ('full', ...).
    assert (flavour(host), flavour(host, "1"), flavour(arm), flavour(arm, "1")) == \
        ("", "+W1", "@arm64-gcc", "@arm64-gcc+W1")


def test_a_target_without_its_toolchain_is_not_covered_with_the_reason():
    t = tg.Target("sparc64-gcc", "sparc", "sparc", "sparc64-linux-gnu-gcc",
                  cross_compile="sparc64-linux-gnu-", toolchain="toolchain-sparc64")
    a = tg.available(t, install=False)
    assert not a.ok
    assert a.why.startswith("sparc64-linux-gnu-gcc, sparc64-linux-gnu-ld")
    assert "core.deps toolchain-sparc64" in a.why


def _package_imports():
    """{package: packages its modules import} for the packages of scripts/."""
    pkgs = sorted(p.name for p in SCRIPTS.iterdir() if (p / "__init__.py").is_file())
    out = {}
    for p in pkgs:
        mods = fp._package_modules(p)
        out[p] = {m.split(".")[0] for mod in mods for m in fp._imports(mod)} - {p}
    return out


def test_no_package_imports_a_package_that_imports_it_back():
    graph = _package_imports()
    assert "kbuildengine" in graph and not graph["kbuildengine"] & {"verifier", "bootcheck"}
    assert "verifier" not in graph["bootcheck"], graph["bootcheck"]

    def reach(p, seen):
        for q in graph.get(p, ()):
            if q not in seen:
                seen.add(q)
                reach(q, seen)
        return seen
    cycles = [p for p in graph if p in reach(p, set())]
    assert cycles == [], {p: graph[p] for p in cycles}


# -- users of changed definitions -----------------------------------------------

HEADER = """\
#ifndef FOO_H
#define FOO_H
#define FOO_SHIFT 4
static inline int foo_insert(int a, int b)
{
\treturn a + b;
}
extern int foo_register(int x);
extern const struct movable_operations foo_mops;
#endif
"""

CORE = """\
#include "foo.h"
#define LOCAL 1
static int helper(int a)
{
\treturn a;
}
int foo_register(int x)
{
\treturn helper(x) + LOCAL;
}
const struct movable_operations foo_mops = {
\t.isolate_page = 0,
};
EXPORT_SYMBOL(foo_mops);
"""


def _repo(path):
    path.mkdir()
    run(["git", "init", "-q", "-b", "master", str(path)])
    run(["git", "-C", str(path), "config", "user.name", "T"])
    run(["git", "-C", str(path), "config", "user.email", "t@example.org"])
    (path / "include").mkdir()
    (path / "mm").mkdir()
    (path / "drivers").mkdir()
    (path / "tools").mkdir()
    (path / "include/foo.h").write_text(HEADER)
    (path / "mm/core.c").write_text(CORE)
    (path / "drivers/user.c").write_text('#include "foo.h"\nint u(void)\n{\n'
                                         '\treturn foo_insert(1, 2);\n}\n')
    (path / "drivers/other.c").write_text("int v(void)\n{\n\treturn foo_register(1);\n}\n")
    (path / "drivers/shift.c").write_text("int w = FOO_SHIFT;\n")
    (path / "drivers/unrelated.c").write_text("int helper_x(void);\nint LOCAL_y;\n")
    (path / "tools/prog.c").write_text("int main(void) { return foo_insert(0, 0); }\n")
    (path / "Makefile").write_text("VERSION = 6\nPATCHLEVEL = 12\n")
    (path / "mm/Makefile").write_text("obj-y += core.o\n")
    run(["git", "-C", str(path), "add", "-A"])
    run(["git", "-C", str(path), "commit", "-q", "-m", "base"])


def _series(path, edits):
    run(["git", "-C", str(path), "checkout", "-q", "-b", "movable-ops"])
    for rel, old, new in edits:
        p = path / rel
        p.write_text(p.read_text().replace(old, new, 1))
    run(["git", "-C", str(path), "commit", "-q", "-am", "change"])
    s = ser.resolve(path)
    return s, users.find(s, ser.changes(s))


def test_users_of_a_changed_inline_macro_function_and_ops_object(tmp_path):
    k = tmp_path / "k"
    _repo(k)
    s, u = _series(k, [("include/foo.h", "return a + b;", "return a - b;"),
                       ("include/foo.h", "#define FOO_SHIFT 4", "#define FOO_SHIFT 5"),
                       ("mm/core.c", "return helper(x) + LOCAL;", "return helper(x);"),
                       ("mm/core.c", ".isolate_page = 0,", ".isolate_page = 1,"),
                       ("mm/core.c", "\treturn a;\n", "\treturn a + 1;\n")])
    got = {(d.name, d.kind) for d in u.definitions}
    # helper() is static to mm/core.c and LOCAL its macro: that file's own.
    assert got == {("foo_insert", users.INLINE), ("FOO_SHIFT", users.MACRO),
                   ("foo_register", users.FUNC), ("foo_mops", users.OPS)}
    assert u.objects() == ["drivers/other.o", "drivers/shift.o", "drivers/user.o",
                           "mm/core.o"]
    assert u.files["drivers/user.c"] == ["foo_insert"]
    # A header naming one is compiled where it is included; tools/ is no
    # kernel object.
    assert u.headers() == ["include/foo.h"]
    assert "tools/prog.c" not in u.files


def test_a_changed_comment_or_a_removed_static_function_names_no_user(tmp_path):
    k = tmp_path / "k"
    _repo(k)
    s, u = _series(k, [("mm/core.c", "static int helper(int a)\n{\n\treturn a;\n}\n", ""),
                       ("mm/core.c", "return helper(x) + LOCAL;", "return x + LOCAL;"),
                       ("include/foo.h", "#ifndef FOO_H", "/* foo */\n#ifndef FOO_H")])
    assert [(d.name, d.removed) for d in u.definitions] == [("foo_register", False)]
    assert u.objects() == ["drivers/other.o", "mm/core.o"]


def test_a_commits_lines_are_read_in_that_commits_tree(tmp_path):
    """A series of two commits: the first changes foo_mops, the second
    adds two lines at the top of the file.  The first commit's line
    numbers are of its own tree; read in the tip's they fall two lines
    higher, on the end of foo_register(), which no commit changes (a
    mutant of the real series once made zs_destroy_pool() a changed
    definition this way, and verify derived and built every configuration
    again for its users)."""
    k = tmp_path / "k"
    _repo(k)
    run(["git", "-C", str(k), "checkout", "-q", "-b", "movable-ops"])
    core = k / "mm/core.c"
    core.write_text(core.read_text().replace(".isolate_page = 0,", ".isolate_page = 1,"))
    run(["git", "-C", str(k), "commit", "-q", "-am", "first"])
    core.write_text(core.read_text().replace("#define LOCAL 1\n",
                                             "#define LOCAL 1\n#define EXTRA 2\n#define MORE 3\n"))
    run(["git", "-C", str(k), "commit", "-q", "-am", "second"])
    s = ser.resolve(k)
    per_commit = ser.commit_changes(s)
    assert [(fc.old_rev, fc.new_rev) for fc in per_commit] == \
        [(s.base, s.commits[0].sha), (s.commits[0].sha, s.commits[1].sha)]
    assert core.read_text().split("\n")[per_commit[0].added[0] - 1] == "}"
    got = users.changed_definitions(s, ser.changes(s) + per_commit)
    assert [(d.name, d.kind) for d in got] == [("foo_mops", users.OPS)]


def test_the_users_row_per_target():
    from verifier.checks import users as check_users
    from kbuildengine.results import Cell, Obj
    from verifier.matrix import Matrix
    u = users.Users([users.Definition("balloon_page_insert", users.INLINE, "b.h")],
                    {"drivers/misc/vmw_balloon.c": ["balloon_page_insert"],
                     "arch/powerpc/platforms/pseries/cmm.c": ["balloon_page_insert"]})
    m = Matrix("b", ["t"], ["full"])
    m.cells[("b", "full")] = Cell({"drivers/misc/vmw_balloon.o": Obj(ok=True)})
    m.cells[("t", "full")] = Cell({"drivers/misc/vmw_balloon.o": Obj(ok=True)})
    r = check_users.check(u, {"x86_64-gcc": ["drivers/misc/vmw_balloon.o"]},
                          {"x86_64-gcc": m}, {"powerpc64le-gcc": "not among --targets"})
    assert r.ok and r.count == 1
    assert r.details[0] == ("x86_64-gcc: users of changed definitions: 1 found, 1 compiled "
                            "(drivers/misc/vmw_balloon.o)")
    assert r.details[1] == ("not covered: arch/powerpc/platforms/pseries/cmm.o (uses "
                            "balloon_page_insert): powerpc64le-gcc: not among --targets")
    # A user that does not build at the tip fails the row (when it is
    # the row's to judge: not one of the series' own objects).
    m.cells[("t", "full")] = Cell({"drivers/misc/vmw_balloon.o": Obj(ok=False, why="x")})
    r = check_users.check(u, {"x86_64-gcc": ["drivers/misc/vmw_balloon.o"]},
                          {"x86_64-gcc": m}, {}, only={"drivers/misc/vmw_balloon.o"})
    assert not r.ok
    assert "[full] drivers/misc/vmw_balloon.o does not build at the tip: x" in r.details
    # A user its target can build but that was not even tried fails too.
    m.cells[("t", "full")] = Cell({})
    r = check_users.check(u, {"x86_64-gcc": ["drivers/misc/vmw_balloon.o"]},
                          {"x86_64-gcc": m}, {})
    assert not r.ok and any("was not compiled" in d for d in r.details)


def test_only_what_prepare_made_stops_a_direct_build(tmp_path):
    """A direct build (replay) is refused when a changed file is read by
    something 'make prepare' built (asm-offsets reads page-flags.h); an
    object of another build in the same directory (a user's driver built
    for the users row) is not prepare's and refuses nothing.  Without a
    record every command file counts, as it must for a directory of an
    older run."""
    from kbuildengine import replay
    b = tmp_path / "build"

    def cmd(rel, reads):
        p = b / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"savedcmd_x := gcc\ndeps := {reads}\n")

    cmd("arch/x86/kernel/.asm-offsets.s.cmd", "/src/include/linux/page-flags.h")
    cmd("scripts/basic/.fixdep.cmd", "/src/scripts/basic/fixdep.c")
    names = lambda ps: sorted(str(p.relative_to(b)) for p in ps)  # noqa: E731
    # No record: everything counts.
    cmd("drivers/block/zram/.zram_drv.o.cmd", "/src/include/linux/zsmalloc.h")
    assert "drivers/block/zram/.zram_drv.o.cmd" in names(replay.prepared_cmd_files(b))
    # The first make of objects in a fresh directory: theirs are not prepare's.
    replay.record_prepared(b, ["drivers/block/zram/zram_drv.o"])
    assert names(replay.prepared_cmd_files(b)) == [
        "arch/x86/kernel/.asm-offsets.s.cmd", "scripts/basic/.fixdep.cmd"]
    # A later make that also made a new generated file: the record gains
    # it, not the object built then, nor what was there before.
    before = replay.cmd_names(b)
    cmd("include/generated/.new.h.cmd", "/src/include/linux/page-flags.h")
    cmd("mm/.zsmalloc.o.cmd", "/src/mm/zsmalloc.c")
    cmd("mm/.other.o.cmd", "/src/mm/other.c")
    replay.record_prepared(b, ["mm/zsmalloc.o", "mm/other.o"], before)
    assert names(replay.prepared_cmd_files(b)) == [
        "arch/x86/kernel/.asm-offsets.s.cmd", "include/generated/.new.h.cmd",
        "scripts/basic/.fixdep.cmd"]
    # 'make prepare' itself: every command file there is prepare's.
    (b / "drivers/block/zram/.zram_drv.o.cmd").unlink()
    (b / "mm/.zsmalloc.o.cmd").unlink()
    (b / "mm/.other.o.cmd").unlink()
    replay.record_prepared(b)
    assert len(replay.prepared_cmd_files(b)) == 3
