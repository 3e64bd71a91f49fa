# SPDX-License-Identifier: GPL-2.0
"""The property that apply-series never exits 0 with a broken series, on
the real 6.12 tree broken in small ways.

Each mutant is Debian's 6.12 after the drop-z3fold prerequisite (committed
as a user would) with one small change to a file of the rework: a brace
or a parenthesis gone, an ops object renamed, a definition duplicated, a
user under '#if 0', a prototype moved, a call wrapped in a macro...  For
each, apply-series either

  - makes a series (exit 0): its tip then passes a check independent of
    apply-series' own (verify's old-api-gone search, spatch and grep; one
    definition of page_movable_ops() found by git grep), and the affected
    objects build at the tip; a few of them also pass the whole of
    verify.py.  Where the mutant itself does not compile (a semicolon gone:
    spatch reads the call as a macro statement, and no tool short of the
    compiler can tell), the tip must fail with the base's errors and no
    other: the series may not add one; or
  - refuses (exit 1) with a blocker naming a file and line of the tree,
    and makes no branch.

Any other outcome fails the mutant's test.

Size, measured on the 2-core machine shared with other work (load 6 to
10): the setup (clone, configuration, first build) 32 to 53 s; a refusal
4 to 20 s (apply-series stops after the analysis); a series 10 to 17 s
and its incremental build 5 to 10 s; verify.py in its own cold directory
107 to 270 s.  'make check' runs DEFAULT: 5 min 14 s at load 10.  One
mutant's series is verified in full by test_verify.py, incrementally in
the warm directory of its good series.  MOVOPS_MUTANTS=all runs all 24
and verifies FULL_VERIFY here: 18 min.  test_summary prints the counts
the issue asks for: mutants, series made, built, verified, precise
refusals, exits 0 with a broken series.
"""
import json
import os
import re
import time
from pathlib import Path

import pytest

from conftest import SCRIPTS, clone_tree, run
from movops import kbuild
from movops.prereqs import PREREQS
from movops.tree import Tree
from verifier import oldapi

pytestmark = pytest.mark.realtree

APPLY = SCRIPTS / "apply-series.sh"
VERIFY = SCRIPTS / "verify.py"
OBJECTS = ["mm/compaction.o", "mm/migrate.o", "mm/zsmalloc.o", "mm/balloon_compaction.o",
           "drivers/virtio/virtio_balloon.o"]
OPTIONS = ["CONFIG_COMPACTION", "CONFIG_MIGRATION", "CONFIG_BALLOON_COMPACTION",
           "CONFIG_VIRTIO_BALLOON", "CONFIG_ZRAM", "CONFIG_ZSMALLOC"]
# As Debian's cloud kernel has them: the registration step's code compiles.
# (zsmalloc has a prompt only with ZRAM or ZSWAP.)
MODULES = ["CONFIG_ZSMALLOC", "CONFIG_ZRAM", "CONFIG_VIRTIO_BALLOON"]

MH, CC, BH, BC, ZS = ("include/linux/migrate.h", "mm/compaction.c",
                      "include/linux/balloon_compaction.h", "mm/balloon_compaction.c",
                      "mm/zsmalloc.c")
PAGE_DECODING = ("\t\t((unsigned long)page->mapping - PAGE_MAPPING_MOVABLE);\n}\n")
FOLIO_DECODING = ("\t\t((unsigned long)folio->mapping - PAGE_MAPPING_MOVABLE);\n}\n")
SETMOVABLE_DEF = ("void __SetPageMovable(struct page *page, const struct movable_operations "
                  "*mops)\n{\n\tVM_BUG_ON_PAGE(!PageLocked(page), page);\n"
                  "\tVM_BUG_ON_PAGE((unsigned long)mops & PAGE_MAPPING_MOVABLE, page);\n"
                  "\tpage->mapping = (void *)((unsigned long)mops | PAGE_MAPPING_MOVABLE);\n}\n")
BALLOON_MARK = "\t__SetPageMovable(page, &balloon_mops);\n"
ZS_MARK = "\t\t__SetPageMovable(page, &zsmalloc_mops);\n"
PROTO = "void __SetPageMovable(struct page *page, const struct movable_operations *ops);\n"
PAGE_OPS_DEF = ("static inline\nconst struct movable_operations *page_movable_ops(struct "
                "page *page)\n{\n\tVM_BUG_ON(!__PageMovable(page));\n\n\treturn (const struct "
                "movable_operations *)\n" + PAGE_DECODING)

# name: [(file, old, new, count)]: OLD (occurring COUNT times; 0: any) becomes
# NEW.  Refusals and series alike are fine; what each must satisfy is the
# module's docstring.
MUTANTS = {
    "brace-page-movable-ops": [(MH, PAGE_DECODING, PAGE_DECODING[:-2], 1)],
    "brace-folio-movable-ops": [(MH, FOLIO_DECODING, FOLIO_DECODING[:-2], 1)],
    "brace-setpagemovable": [(CC, SETMOVABLE_DEF, SETMOVABLE_DEF[:-2], 1)],
    "brace-balloon-insert": [(BH, "\tlist_add(&page->lru, &balloon->pages);\n}\n\n/*\n * "
                                  "balloon_page_device",
                              "\tlist_add(&page->lru, &balloon->pages);\n\n/*\n * "
                              "balloon_page_device", 1)],
    "brace-zs-setmovable": [(ZS, "\t\tunlock_page(page);\n\t} while ((page = get_next_page("
                                 "page)) != NULL);\n}\n",
                             "\t\tunlock_page(page);\n\t} while ((page = get_next_page("
                             "page)) != NULL);\n", 1)],
    "paren-zs-replace-sub-page": [(ZS, "\t__SetPageMovable(newpage, &zsmalloc_mops);\n",
                                   "\t__SetPageMovable(newpage, &zsmalloc_mops;\n", 1)],
    "semicolon-balloon-insert": [(BH, "\t__SetPageOffline(page);\n" + BALLOON_MARK,
                                  "\t__SetPageOffline(page)\n" + BALLOON_MARK, 1)],
    "rename-balloon-mops-definition": [(BC, "const struct movable_operations balloon_mops =",
                                        "const struct movable_operations balloon_mops2 =", 1)],
    "rename-balloon-mops-everywhere": [(BC, "balloon_mops", "balloon_movable_ops", 0),
                                       (BH, "balloon_mops", "balloon_movable_ops", 0)],
    "rename-zsmalloc-mops-everywhere": [(ZS, "zsmalloc_mops", "zs_movable_ops", 0)],
    "duplicate-page-movable-ops": [(MH, PAGE_OPS_DEF, PAGE_OPS_DEF + "\n" + PAGE_OPS_DEF, 1)],
    "duplicate-setpagemovable": [(CC, SETMOVABLE_DEF, SETMOVABLE_DEF + "\n" + SETMOVABLE_DEF,
                                  1)],
    "if0-balloon-user": [(BH, BALLOON_MARK, f"#if 0\n{BALLOON_MARK}#endif\n", 1)],
    "if0-zsmalloc-user": [(ZS, ZS_MARK, f"#if 0\n{ZS_MARK}#endif\n", 1)],
    "if0-prototype": [(MH, PROTO, f"#if 0\n{PROTO}#endif\n", 1)],
    "if0-unmark": [(ZS, "\t__ClearPageMovable(page);\n",
                    "#if 0\n\t__ClearPageMovable(page);\n#endif\n", 1)],
    "moved-prototype": [(MH, PROTO + "void __ClearPageMovable(struct page *page);\n",
                         "void __ClearPageMovable(struct page *page);\n" + PROTO, 1)],
    "prototype-without-names": [(MH, PROTO, "void __SetPageMovable(struct page *, const "
                                            "struct movable_operations *);\n", 1)],
    "split-balloon-call": [(BH, BALLOON_MARK, "\t__SetPageMovable(page,\n\t\t\t "
                                              "&balloon_mops);\n", 1)],
    "comment-mentions-old-call": [(BC, "const struct movable_operations balloon_mops =",
                                   "/* Pages get __SetPageMovable(page, &balloon_mops). */\n"
                                   "const struct movable_operations balloon_mops =", 1)],
    "reflowed-decoding": [(MH, "\treturn (const struct movable_operations *)\n" + PAGE_DECODING,
                           "\treturn (const struct movable_operations *)((unsigned long)"
                           "page->mapping - PAGE_MAPPING_MOVABLE);\n}\n", 1)],
    "macro-wrapped-mark": [(BH, BALLOON_MARK, "\tballoon_mark_movable(page);\n", 1),
                           (BH, "extern const struct movable_operations balloon_mops;\n",
                            "extern const struct movable_operations balloon_mops;\n"
                            "#define balloon_mark_movable(p) __SetPageMovable(p, "
                            "&balloon_mops)\n", 1)],
    "renamed-decoding": [(MH, "const struct movable_operations *page_movable_ops(struct page "
                              "*page)\n{\n\tVM_BUG_ON(!__PageMovable(page));",
                          "const struct movable_operations *page_movable_ops_old(struct page "
                          "*page)\n{\n\tVM_BUG_ON(!__PageMovable(page));", 1)],
    "stub-removed": [(MH, "static inline void __SetPageMovable(struct page *page,\n"
                          "\t\tconst struct movable_operations *ops)\n{\n}\n", "", 1)],
}

# What 'make check' runs: one of each kind, the issue's own case first; and
# the one series verified in full.  MOVOPS_MUTANTS=all runs all of them.
DEFAULT = ["brace-page-movable-ops", "if0-balloon-user", "duplicate-page-movable-ops",
           "macro-wrapped-mark", "rename-zsmalloc-mops-everywhere", "moved-prototype"]
VERIFIED = []
FULL_VERIFY = ["rename-zsmalloc-mops-everywhere", "moved-prototype", "split-balloon-call"]


def selected():
    if os.environ.get("MOVOPS_MUTANTS") == "all":
        return list(MUTANTS), FULL_VERIFY
    return DEFAULT, VERIFIED


def git(kdir, *args):
    return run(["git", "-C", str(kdir), *args]).stdout.strip()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A full clone of 6.12 with drop-z3fold committed (the mutants' base),
    and a build directory configured once for the affected objects."""
    work = tmp_path_factory.mktemp("mutants")
    kdir = clone_tree("6.12", work / "linux")
    changes, deleted, _ = PREREQS["drop-z3fold"].apply(Tree(kdir, "HEAD"))
    for rel, text in changes.items():
        (kdir / rel).write_text(text)
    if deleted:
        run(["git", "-C", str(kdir), "rm", "-q", *deleted])
    run(["git", "-C", str(kdir), "commit", "-q", "-a", "-m", "mm: remove z3fold"])
    base = git(kdir, "rev-parse", "HEAD")
    bdir = work / "build"
    t = time.monotonic()
    _, failed = kbuild.derive_config(kdir, bdir, "defconfig", OPTIONS, kbuild.Kconfig(Tree(kdir)),
                                     modules=MODULES, until_met=True)
    assert not failed, failed
    res = run(["make", "-s", "-C", str(kdir), f"O={bdir}", f"-j{os.cpu_count() or 2}",
               *OBJECTS], check=False)
    assert res.returncode == 0, res.stderr[-3000:]
    results = {}
    yield {"kdir": kdir, "base": base, "bdir": bdir, "work": work, "results": results,
           "setup_s": time.monotonic() - t}


def mutate(lab, name):
    """The commit of mutant NAME on the lab's base, on branch mut-NAME."""
    kdir = lab["kdir"]
    run(["git", "-C", str(kdir), "checkout", "-q", "-f", "-B", f"mut-{name}", lab["base"]])
    for rel, old, new, count in MUTANTS[name]:
        p = kdir / rel
        text = p.read_text()
        n = text.count(old)
        assert n >= 1 and (count == 0 or n == count), f"{name}: {rel}: {n} x {old!r}"
        p.write_text(text.replace(old, new))
    run(["git", "-C", str(kdir), "commit", "-q", "-a", "-m", f"mutant: {name}"])
    return git(kdir, "rev-parse", "HEAD")


def independent_tip_check(kdir, base, tip, work):
    """What is wrong at TIP, by verify's old-api-gone search (spatch and
    grep) and git grep for page_movable_ops() definitions; [] if nothing."""
    files = git(kdir, "grep", "-l", "-E", r"__SetPageMovable|page_movable_ops|"
                r"PAGE_MAPPING_MOVABLE|movable_operations", tip, "--", "*.c", "*.h",
                ":!Documentation/", ":!tools/", ":!scripts/", ":!samples/").split()
    files = [f.split(":", 1)[1] for f in files]
    scratch = work / f"oldapi-{tip[:12]}"
    scratch.mkdir()
    hits, err = oldapi.check(kdir, tip, files, scratch)
    assert not err, err
    wrong = [f"{f}:{l}: {m} ({how})" for f, l, m, how in hits]
    defs = git(kdir, "grep", "-n", "-E", r"\bpage_movable_ops\(struct page \*page\)$", tip,
               "--", "*.c", "*.h").splitlines()
    if len(defs) != 1:
        wrong.append(f"page_movable_ops() defined {len(defs)} times: {defs}")
    return wrong


def build(lab, rev, objs):
    """'' when OBJS build at REV, else make's output."""
    kdir = lab["kdir"]
    run(["git", "-C", str(kdir), "checkout", "-q", "-f", rev])
    res = run(["make", "-s", "-k", "-C", str(kdir), f"O={lab['bdir']}",
               f"-j{os.cpu_count() or 2}", *objs], check=False)
    return "" if res.returncode == 0 else (res.stdout + res.stderr).replace(f"{kdir}/", "")


def errors(output):
    """The compiler's errors in OUTPUT, line and column numbers left out:
    {(file, message)}."""
    return {(m.group(1), m.group(2)) for m in re.finditer(
        r"^(\S+?):\d+:\d+: error: (.*)$", output, re.M)}


def precise(report, kdir):
    """The blocker lines of REPORT that name a file of the tree and a line."""
    part = report.split("\nBlockers (", 1)[1] if "\nBlockers (" in report else ""
    out = []
    for line in part.splitlines()[1:]:
        m = re.match(r"  (\S+?):(\d+): (.+)", line)
        if m and (kdir / m.group(1)).is_file():
            out.append(line.strip())
    return out


# Only the mutants of this run are collected: the others are not skips.
@pytest.mark.parametrize("name", selected()[0])
def test_mutant(lab, name):
    verified = selected()[1]
    kdir = lab["kdir"]
    t0 = time.monotonic()
    rev = mutate(lab, name)
    res = run([str(APPLY), "-q", "--base", rev, "--branch", f"series-{name}", str(kdir)],
              check=False)
    r = {"exit": res.returncode, "apply_s": round(time.monotonic() - t0, 1)}
    lab["results"][name] = r
    branch = run(["git", "-C", str(kdir), "rev-parse", "-q", "--verify",
                  f"refs/heads/series-{name}"], check=False).stdout.strip()
    if res.returncode == 1:
        found = precise(res.stdout + res.stderr, kdir)
        r["blocker"] = found[0] if found else None
        assert found, f"{name}: refused without a blocker naming a file and line:\n{res.stdout}"
        assert not branch, f"{name}: refused, but made branch series-{name}"
        return
    assert res.returncode == 0, f"{name}: exit {res.returncode}:\n{res.stdout}{res.stderr}"
    assert branch, f"{name}: exit 0 without a series"
    wrong = independent_tip_check(kdir, rev, branch, lab["work"])
    r["tip_problems"] = wrong
    t1 = time.monotonic()
    changed = git(kdir, "diff", "--name-only", rev, branch).split()
    objs = sorted(set(OBJECTS) | {c[:-2] + ".o" for c in changed if c.endswith(".c")})
    failed = build(lab, branch, objs)
    r["build_s"] = round(time.monotonic() - t1, 1)
    r["built"] = not failed
    assert not wrong, f"{name}: exit 0 with a broken series: {wrong}"
    if failed:
        # The series may only fail to build where its base does, alike.
        base_failed = build(lab, rev, objs)
        new = errors(failed) - errors(base_failed)
        r["base_broken"] = bool(base_failed)
        assert base_failed and not new, \
            f"{name}: exit 0 with a series that does not build:\n{failed[-3000:]}"
    if name in verified:
        t2 = time.monotonic()
        report = lab["work"] / f"verify-{name}.json"
        vres = run(["/usr/bin/python3", str(VERIFY), "-q", "--base", rev, "--branch",
                    f"series-{name}", "--build-dir", str(lab["work"] / "verify"), "--json",
                    str(report), str(kdir)], check=False)
        r["verify_s"] = round(time.monotonic() - t2, 1)
        data = json.loads(report.read_text()) if report.exists() else {}
        r["verified"] = vres.returncode == 0
        bad = {c["name"]: c["summary"] for c in data.get("checks", []) if not c["ok"]}
        assert vres.returncode == 0, f"{name}: verify.py exit {vres.returncode}: {bad}\n" \
                                     f"{vres.stdout[-3000:]}{vres.stderr[-2000:]}"


def test_summary(lab):
    """The counts the issue asks for, printed (pytest -s or -rA shows them)."""
    rs = lab["results"]
    if not rs:
        pytest.skip("no mutant ran")
    series = [n for n, r in rs.items() if r["exit"] == 0]
    broken = [n for n in series if rs[n].get("tip_problems")
              or not (rs[n].get("built") or rs[n].get("base_broken"))]
    lines = [f"{len(rs)} mutants: {len(series)} series made "
             f"({sum(1 for n in series if rs[n].get('built'))} built, "
             f"{sum(1 for n in series if rs[n].get('base_broken'))} on a base that does not "
             f"compile, with its errors and no other; "
             f"{sum(1 for n in series if rs[n].get('verified'))} verified in full), "
             f"{sum(1 for r in rs.values() if r['exit'] == 1 and r.get('blocker'))} "
             f"precise refusals, {len(broken)} exits 0 with a broken series; "
             f"setup {lab['setup_s']:.0f} s"]
    for n, r in rs.items():
        what = r.get("blocker") or ("series" + (", verified" if r.get("verified") else "")
                                    + (", base does not compile" if r.get("base_broken")
                                       else ""))
        times = ", ".join(f"{k[:-2]} {v} s" for k, v in r.items() if k.endswith("_s"))
        lines.append(f"  {n:34} exit {r['exit']}  {times}  {what[:110]}")
    text = "\n".join(lines)
    (Path(lab["work"]) / "mutants.txt").write_text(text + "\n")
    print("\n" + text)
    assert all(r["exit"] in (0, 1) for r in rs.values())
