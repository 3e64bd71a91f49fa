# SPDX-License-Identifier: GPL-2.0
"""What the kernel's build bots check, on the real 6.12 series: a row per
build target, W=1, kernel-doc and the users of the changed definitions;
then one mutant per row, a commit on top of the good series, each failing
that row alone (golden aside: a changed series is not the golden one):

  kernel-doc            a doc comment of the series loses its ':'
                        (upstream's own linux-next warning)
  build-i386-gcc        a change that breaks only 32-bit
  build-x86_64-clang    a warning only clang gives
  w1                    a warning only W=1 shows
  bisect                a W=1-only warning in a commit between base
                        and tip, taken out again by the next
  users                 balloon_page_insert() changed again, and the calls
                        in vmw_balloon.c (x86) and cmm.c (powerpc), which
                        expand it, left behind

and the engine's compilers run through distcc against a distccd on
127.0.0.1, giving the objects a local build gives.

They share the session's one verified series (conftest.verified612): each
mutant builds only its own commit, from kbuild's saved commands.
"""
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from conftest import run
from kbuildengine import targets as tg
from verifier import report

pytestmark = pytest.mark.realtree



def check_of(data, name):
    return next(c for c in data["checks"] if c["name"] == name)


def failing(data):
    """The rows that failed, golden aside."""
    return {c["name"] for c in data["checks"] if c["status"] == "fail"} - {"golden"}


def commit(k, subject, why="Broken on purpose."):
    # (-a: a Debian tree's .gitignore ignores its top-level directories.)
    run(["git", "commit", "-q", "-a", "--no-verify", "-m",
         f"{subject}\n\n{why}\n\nSigned-off-by: Movops Tester <tester@example.org>\n"], cwd=k)


def mutate(good, name, rel, old, new, subject):
    k = good.variant(name)
    p = Path(k) / rel
    text = p.read_text()
    assert text.count(old) == 1, f"{rel}: {old!r}"
    p.write_text(text.replace(old, new))
    commit(k, subject)
    return good.verify(name)


def test_every_target_w1_kerneldoc_and_the_users_of_changed_definitions(verified612):
    code, data, out = verified612.first
    assert code == 0, out
    names = [c["name"] for c in data["checks"]]
    assert names == list(report.CHECKS)
    # Every target of the data is built here (the toolchains are Debian
    # packages core.deps installs), each with its own row.
    assert data["targets"]["built"] == list(tg.TARGETS), data["targets"]
    for t in tg.TARGETS:
        r = check_of(data, report.target_row(t))
        assert r["status"] == "pass" and r["summary"].startswith(f"{t}: "), r
    assert check_of(data, "w1")["status"] == "pass"
    # The host's W=1 build is the user's configuration's: it stands in for
    # 'full' (test_verify.py).
    assert check_of(data, "w1")["data"]["configs"] == \
        [f"user-{verified612.cloud.name}+W1"] + [f"full@{t}+W1" for t in list(tg.TARGETS)[1:]]
    kd = check_of(data, "kernel-doc")
    assert kd["status"] == "pass" and "mm/migrate.c" in kd["data"]["files"], kd
    # The users of balloon_page_insert(): VMware's balloon on x86, CMM on
    # powerpc pseries.
    assert {"drivers/misc/vmw_balloon.o", "arch/powerpc/platforms/pseries/cmm.o"} <= \
        set(data["objects"])
    u = check_of(data, "users")
    assert u["status"] == "pass", u
    per = u["data"]["targets"]
    assert "drivers/misc/vmw_balloon.o" in per["x86_64-gcc"]["compiled"]
    assert "drivers/misc/vmw_balloon.o" in per["i386-gcc"]["compiled"]
    assert "drivers/misc/vmw_balloon.o" not in per["arm64-gcc"]["found"]
    assert per["powerpc64le-gcc"]["compiled"] == per["powerpc64le-gcc"]["found"]
    assert "arch/powerpc/platforms/pseries/cmm.o" in per["powerpc64le-gcc"]["compiled"]
    for t in tg.TARGETS:
        assert any(d.startswith(f"{t}: users of changed definitions: "
                                f"{len(per[t]['found'])} found, "
                                f"{len(per[t]['compiled'])} compiled") for d in u["details"])
    assert u["data"]["not_covered"] == []
    # The changed-line proof counts every target's builds.
    cl = check_of(data, "changed-lines")
    covered = {c for v in cl["data"]["covered_by"].values() for c in v}
    # (Its W=1 build: the plain one is made only where W=1 shows something
    # new, and W= changes no line's preprocessing.)
    assert "full@powerpc64le-gcc+W1" in covered, covered


def test_kerneldoc_colon_lost(verified612):
    """Upstream's linux-next warning: '@page the page' instead of
    '@page: the page' in a doc comment of the series."""
    code, data, out = mutate(verified612, "mutant-kerneldoc", "mm/migrate.c",
                             " * @type: the page type", " * @type the page type",
                             "mm/migrate: lose a colon in a doc comment")
    assert code == 1, out
    assert failing(data) == {"kernel-doc"}, out
    kd = check_of(data, "kernel-doc")
    assert any("'type'" in d and "set_movable_ops" in d for d in kd["details"]), kd


def test_only_32_bit_breaks(verified612):
    code, data, out = mutate(
        verified612, "mutant-32bit", "mm/migrate.c", "#include <linux/export.h>\n",
        "#include <linux/export.h>\n\nstatic_assert(sizeof(long) == 8, \"64-bit only\");\n",
        "mm/migrate: assume 64-bit longs")
    assert code == 1, out
    assert failing(data) == {"build-i386-gcc"}, out
    r = check_of(data, "build-i386-gcc")
    assert any("mm/migrate.o does not build at the tip" in d and "64-bit only" in d
               for d in r["details"]), r


CLANG_ONLY = """\
static inline int movops_clang_only(struct page *page)
{
\tint x;

\tif (page->index)
\t\tx = 1;
\treturn x;
}
"""


def test_warning_only_clang_gives(verified612):
    """clang's -Wsometimes-uninitialized; gcc's -Wmaybe-uninitialized is
    off in kernel builds."""
    code, data, out = mutate(verified612, "mutant-clang", "mm/zsmalloc.c",
                             "#include <linux/local_lock.h>\n",
                             "#include <linux/local_lock.h>\n\n" + CLANG_ONLY,
                             "mm/zsmalloc: an uninitialized path")
    assert code == 1, out
    assert failing(data) == {"build-x86_64-clang"}, out
    r = check_of(data, "build-x86_64-clang")
    assert any("sometimes-uninitialized" in d and "mm/zsmalloc.o" in d
               for d in r["details"]), r


def test_warning_only_w1_shows(verified612):
    code, data, out = mutate(verified612, "mutant-w1", "mm/zsmalloc.c",
                             "#include <linux/local_lock.h>\n",
                             "#include <linux/local_lock.h>\n\n"
                             "static const int movops_w1_only = 1;\n",
                             "mm/zsmalloc: an unused constant")
    assert code == 1, out
    assert failing(data) == {"w1"}, out
    r = check_of(data, "w1")
    assert any("movops_w1_only" in d and "unused-const-variable" in d for d in r["details"])
    # On every target (gcc and clang both warn with W=1).
    assert {d.split("]")[0] + "]" for d in r["details"]} == \
        {"[full+W1]"} | {f"[full@{t}+W1]" for t in list(tg.TARGETS)[1:]}


def test_w1_warning_in_a_commit_between_base_and_tip(verified612):
    """The bots build every patch with W=1: a W=1-only warning that one
    commit brings and the next takes away fails bisect, on every target,
    in the W=1 build that stands in for the plain one between base and
    tip; the tip is the good series' tip, so no other row sees it."""
    g = verified612
    k = g.variant("mutant-w1-between", start=f"{g.branch}~1")
    p = Path(k) / "mm/zsmalloc.c"
    good = p.read_text()
    anchor = "#include <linux/local_lock.h>\n"
    assert good.count(anchor) == 1
    p.write_text(good.replace(anchor, anchor + "\nstatic const int movops_w1_between = 1;\n"))
    commit(k, "mm/zsmalloc: an unused constant")
    p.write_text(good)
    commit(k, "mm/zsmalloc: drop the unused constant", "Fixes the previous commit.")
    run(["git", "cherry-pick", g.branch], cwd=k)
    assert run(["git", "rev-parse", "HEAD^{tree}"], cwd=k).stdout == \
        run(["git", "rev-parse", f"{g.branch}^{{tree}}"], cwd=k).stdout
    code, data, out = g.verify("mutant-w1-between")
    assert code == 1, out
    assert failing(data) == {"bisect"}, out
    r = check_of(data, "bisect")
    bad = [d for d in r["details"] if "'mm/zsmalloc: an unused constant'" in d]
    assert {d.split("[")[1].split("]")[0] for d in bad} == \
        {"full+W1"} | {f"full@{t}+W1" for t in list(tg.TARGETS)[1:]}, r["details"]
    assert all("movops_w1_between" in d and "unused-const-variable" in d for d in bad)
    assert r["count"] == len(bad)


def test_broken_call_in_a_user_of_the_changed_inline(verified612):
    """balloon_page_insert() gains a parameter, and the series' own callers
    (mm/balloon_compaction.c, virtio_balloon.c) follow; VMware's balloon
    (x86) and CMM (powerpc) still call it with two: their calls, which
    expand the changed inline, break, and only the users row sees it."""
    g = verified612
    k = g.variant("mutant-users")
    edits = [("include/linux/balloon_compaction.h", "\t\t\t\t       struct page *page)\n",
              "\t\t\t\t       struct page *page, int flags)\n", 2),
             ("include/linux/balloon_compaction.h",
              " * @page    : page to be assigned as a 'balloon page'\n",
              " * @page    : page to be assigned as a 'balloon page'\n"
              " * @flags   : none defined yet\n", 1),
             ("mm/balloon_compaction.c", "balloon_page_insert(b_dev_info, page);",
              "balloon_page_insert(b_dev_info, page, 0);", 1),
             ("drivers/virtio/virtio_balloon.c", "balloon_page_insert(vb_dev_info, newpage);",
              "balloon_page_insert(vb_dev_info, newpage, 0);", 1)]
    for rel, old, new, n in edits:
        p = Path(k) / rel
        text = p.read_text()
        assert text.count(old) == n, f"{rel}: {old!r}"
        p.write_text(text.replace(old, new))
    commit(k, "mm/balloon_compaction: a flags argument for balloon_page_insert()",
           "Broken on purpose: two callers are left out.")
    code, data, out = g.verify("mutant-users")
    assert code == 1, out
    assert failing(data) == {"users"}, out
    r = check_of(data, "users")
    bad = {d.split("]")[0] + "]": d for d in r["details"] if "does not build at the tip" in d}
    # vmw_balloon.o on each x86 target, cmm.o on powerpc; arm64 has neither.
    assert set(bad) == {"[full]", "[full@x86_64-clang]", "[full@i386-gcc]",
                        "[full@powerpc64le-gcc]"}, r["details"]
    assert "drivers/misc/vmw_balloon.o" in bad["[full]"] and "balloon_page_insert" in bad["[full]"]
    assert "arch/powerpc/platforms/pseries/cmm.o" in bad["[full@powerpc64le-gcc]"]


# -- distcc ---------------------------------------------------------------------

def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def distccd(tmp_path):
    """A distccd on 127.0.0.1 for this test only; its log."""
    if not shutil.which("distccd"):
        pytest.fail("distccd missing: scripts/py -m core.deps distcc")
    port = _free_port()
    log = tmp_path / "distccd.log"
    # Its log on its standard error, into a file of ours (the daemon runs
    # as nobody, who could not open one here).
    out = open(log, "w")
    proc = subprocess.Popen(["distccd", "--no-detach", "--daemon", "--listen", "127.0.0.1",
                             "--port", str(port), "--allow", "127.0.0.1", "--jobs", "2",
                             "--user", "nobody", "--log-stderr", "--log-level", "info"],
                            stdin=subprocess.DEVNULL, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, \
                    log.read_text() if log.exists() else "distccd did not start"
                time.sleep(0.2)
        yield f"127.0.0.1:{port}/2", log
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        out.close()


def _text_of(obj, dest):
    """OBJ's code and data: the object without its debug sections and
    .comment (what could name the machine that compiled it)."""
    run(["objcopy", "--strip-debug", "--remove-section=.comment", str(obj), str(dest)])
    return Path(dest).read_bytes()


def test_distcc_gives_the_objects_a_local_build_gives(verified612, distccd, tmp_path,
                                                     monkeypatch):
    from kbuildengine.build import Builder, Config
    from kbuildengine.files import copy_into
    from verifier.configs import Plan
    from verifier.progress import Progress
    from verifier.worktree import Worktree
    hosts, log = distccd
    g = verified612
    wt = Worktree(g.kdir, g.root / "src", Progress(True))
    objs = ["mm/balloon_compaction.o", "mm/migrate.o"]
    out = {}
    for name, env in (("local", None), ("distcc", hosts)):
        if env:
            monkeypatch.setenv("DISTCC_HOSTS", env)
            # A remote failure must fail, not compile here instead.
            monkeypatch.setenv("DISTCC_FALLBACK", "0")
            monkeypatch.setenv("DISTCC_SKIP_LOCAL_RETRY", "1")
        else:
            monkeypatch.delenv("DISTCC_HOSTS", raising=False)
        root = tmp_path / name
        b = Builder(root, wt, lambda m: None, jobs=2)
        assert bool(b.distcc) == bool(env), b.make_vars
        bdir = root / "build-full"
        bdir.mkdir(parents=True)
        # The host's first configuration as the session's verify built it
        # (Debian's cloud configuration, which stood in for 'full', built
        # with W=1 only).
        first = g.root / f"build-user-{g.cloud.name}+W1"
        copy_into(first, bdir)
        # objtool's build records the build directory's path.
        for p in (bdir / "tools").rglob(".*.cmd"):
            p.write_text(p.read_text(errors="surrogateescape").replace(
                f"{first}/", f"{bdir}/"), errors="surrogateescape")
        for o in objs:
            (bdir / o).unlink()
        cfg = Config(Plan("full"), bdir)
        st = b.build(cfg, objs, sparse=False)
        assert st["rc"] == 0 and all(st["objects"][o]["ok"] for o in objs), st
        out[name] = {o: (_text_of(bdir / o, tmp_path / f"{name}-{os.path.basename(o)}"),
                         st["objects"][o]["cc"]) for o in objs}
    text = log.read_text()
    done = [l for l in text.splitlines() if "COMPILE_OK" in l]
    assert any("balloon_compaction.c" in l for l in done), text[-2000:]
    assert any("migrate.c" in l for l in done), text[-2000:]
    for o in objs:
        assert out["distcc"][o][0] == out["local"][o][0], o
        assert [(d["file"], d["msg"]) for d in out["distcc"][o][1]] == \
            [(d["file"], d["msg"]) for d in out["local"][o][1]], o
