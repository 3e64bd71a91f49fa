# SPDX-License-Identifier: GPL-2.0
"""The analysis sees what spatch could not parse, checks the invariants it
relies on, and apply-series re-reads the tip it made (movops/parsefail.py,
invariants.py, tipcheck.py, csource.py).  On the mainline fixture broken in
small ways, with the real spatch: each run makes a right series or stops
with a precise blocker, never exit 0 with a broken series."""
import re
import shutil

from conftest import REPO, SCRIPTS, run
from core.errors import EXIT_ENV, EXIT_NO
from movops import csource, parsefail, tipcheck
import test_series_fixtures as sf

APPLY = SCRIPTS / "apply-series.sh"
MAINLINE = REPO / "tests" / "fixtures" / "mainline" / "before"


def mutated(tmp_path, rel, old, new):
    """The mainline fixture with OLD replaced by NEW in REL, committed."""
    src = tmp_path / "src"
    shutil.copytree(MAINLINE, src)
    p = src / rel
    text = p.read_text()
    assert text.count(old) == 1, (rel, old)
    p.write_text(text.replace(old, new))
    return sf.make_repo(src, tmp_path / "k")


def apply(kdir, *args):
    return run([str(APPLY), *map(str, args), str(kdir)], check=False)


def branches(kdir):
    return sf.git(kdir, "branch", "--list", "--format=%(refname:short)").split()


def blocker_lines(res):
    text = res.stdout + res.stderr
    part = text.split("Blockers (", 1)[1] if "Blockers (" in text else ""
    return [l.strip() for l in part.splitlines()[1:] if re.match(r"\s{2}\S+:\d*:? ", l)]


DECODING_END = ("\t\t((unsigned long)page->mapping - PAGE_MAPPING_MOVABLE);\n}\n\n"
                "#ifdef CONFIG_NUMA_BALANCING")


def test_unparsed_decoding_is_a_blocker(tmp_path):
    """The issue's case at fixture scale: page_movable_ops() loses its
    closing brace.  The analysis found no decoding, reported 0 blockers, and
    the series kept the old decoding in migrate.h beside a second
    page_movable_ops() in mm/migrate.c: exit 0."""
    k = mutated(tmp_path, "include/linux/migrate.h", DECODING_END,
                DECODING_END.replace(");\n}\n", ");\n", 1))
    res = apply(k)
    assert res.returncode == EXIT_NO, res.stdout + res.stderr
    found = blocker_lines(res)
    assert found[0].startswith("include/linux/migrate.h:79: spatch could not parse "
                               "page_movable_ops() (lines "), found
    assert found[0].endswith("the analysis cannot see the decoding")
    assert branches(k) == ["master"]


def test_user_under_if0_is_a_blocker(tmp_path):
    k = mutated(tmp_path, "include/linux/balloon_compaction.h",
                "\t__SetPageMovable(page, &balloon_mops);\n",
                "#if 0\n\t__SetPageMovable(page, &balloon_mops);\n#endif\n")
    res = apply(k)
    assert res.returncode == EXIT_NO, res.stdout + res.stderr
    found = blocker_lines(res)
    assert any(l.startswith("include/linux/balloon_compaction.h:85: where a page is marked "
                            "movable in balloon_page_insert() is inside '#if 0' (lines 84-86)")
               for l in found), found
    assert branches(k) == ["master"]


def test_prototype_under_if0_is_a_blocker(tmp_path):
    proto = "void __SetPageMovable(struct page *page, const struct movable_operations *ops);\n"
    k = mutated(tmp_path, "include/linux/migrate.h", proto, f"#if 0\n{proto}#endif\n")
    res = apply(k)
    assert res.returncode == EXIT_NO
    assert any("the prototype of __SetPageMovable() the series changes" in l and "#if 0" in l
               for l in blocker_lines(res)), blocker_lines(res)


def test_duplicated_decoding_is_a_blocker(tmp_path):
    k = mutated(tmp_path, "include/linux/migrate.h", DECODING_END,
                DECODING_END.replace("#ifdef CONFIG_NUMA_BALANCING", "") +
                "static inline\nconst struct movable_operations *page_movable_ops(struct "
                "page *page)\n{\n\treturn (const struct movable_operations *)\n"
                "\t\t((unsigned long)page->mapping - PAGE_MAPPING_MOVABLE);\n}\n\n"
                "#ifdef CONFIG_NUMA_BALANCING")
    res = apply(k)
    assert res.returncode == EXIT_NO
    found = blocker_lines(res)
    assert any("decodes the movable_operations pointer in 2 definitions of "
               "page_movable_ops()" in l for l in found), found
    assert any("page_movable_ops() is defined twice where both are compiled together" in l
               for l in found), found


def test_duplicated_definition_in_one_file(tmp_path):
    body = "void __SetPageMovable(struct page *page, const struct movable_operations *mops)\n"
    src = (MAINLINE / "mm" / "compaction.c").read_text()
    start = src.index(body)
    end = src.index("}\n", start) + 2
    k = mutated(tmp_path, "mm/compaction.c", src[start:end], src[start:end] * 2)
    res = apply(k)
    assert res.returncode == EXIT_NO
    assert any(l.startswith("mm/compaction.c:") and "__SetPageMovable() is defined twice" in l
               for l in blocker_lines(res)), blocker_lines(res)


def test_tip_that_fails_its_check_is_not_published(tmp_path):
    """A toolkit whose step 03 is missing leaves two-argument calls: the
    re-read tip refuses it, exit 3, no branch, no patch file."""
    copy = tmp_path / "movops"
    shutil.copytree(REPO / "scripts", copy / "scripts",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "cocci", copy / "cocci")
    (copy / "cocci" / "03-setpagemovable-drop-ops.cocci").unlink()
    k = sf.make_repo(MAINLINE, tmp_path / "k")
    res = run([str(copy / "scripts" / "apply-series.sh"), "--output", str(tmp_path / "o"),
               str(k)], check=False)
    assert res.returncode == EXIT_ENV, res.stdout + res.stderr
    err = res.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(
        "apply-series: the series fails its own check at its tip: ")
    assert "__SetPageMovable() with two arguments or parameters" in err[0]
    assert branches(k) == ["master"] and not (tmp_path / "o").exists()


# -- the pure pieces ------------------------------------------------------------

C = """\
/* __SetPageMovable(page, ops) in a comment */
static const struct movable_operations foo_mops = { .migrate_page = m };
void __SetPageMovable(struct page *page, const struct movable_operations *ops);
void f(struct page *page) __acquires(x)
{
	__SetPageMovable(page, &foo_mops);
	dev->__SetPageMovable(page, &foo_mops);
#if 0
	__ClearPageMovable(page);
#endif
}
#ifdef CONFIG_A
int g(void) { return 1; }
#else
int g(void) { return 0; }
#endif
#define MARK(p) __SetPageMovable(p, &foo_mops)
"""


def test_csource_sites_functions_branches():
    s = [(x.name, x.line, x.kind, x.arity)
         for x in csource.sites(C, ["__SetPageMovable", "__ClearPageMovable", "g"])]
    assert s == [("__SetPageMovable", 3, "declaration", 2), ("__SetPageMovable", 6, "call", 2),
                 ("__ClearPageMovable", 9, "call", 1), ("g", 13, "definition", 1),
                 ("g", 15, "definition", 1), ("__SetPageMovable", 17, "macro", 2)]
    assert csource.functions(C) == [("f", 4, 11), ("g", 13, 13), ("g", 15, 15)]
    assert csource.ops_definitions(C) == [("foo_mops", 2)]
    assert csource.if0_regions(C) == [(8, 10)]
    b = csource.branches(C)
    assert csource.exclusive(b[13], b[15]) and not csource.exclusive(b[13], b[13])
    assert not csource.exclusive(b[6], b[13])


def test_tipcheck():
    ok = {"mm/migrate.c": "static const struct movable_operations *page_movable_ops(struct "
                          "page *page)\n{\n\treturn NULL;\n}\n",
          "mm/a.c": "void f(struct page *p) { __SetPageMovable(p); dev->__SetPageMovable(p, o); }\n"}
    assert tipcheck.problems(ok) == []
    bad = dict(ok, **{"include/linux/migrate.h":
                      "static inline const struct movable_operations *page_movable_ops(struct "
                      "page *page)\n{\n\treturn (const struct movable_operations *)\n"
                      "\t\t((unsigned long)page->mapping - PAGE_MAPPING_MOVABLE);\n}\n"})
    assert tipcheck.problems(bad) == [
        "include/linux/migrate.h:4: movable_operations pointer decoded from ->mapping",
        "include/linux/migrate.h:1: page_movable_ops() is defined 2 times "
        "(include/linux/migrate.h:1, mm/migrate.c:1); a converted tree has exactly one, "
        "the dispatch"]


def test_parse_failures_from_the_real_spatch(tmp_path):
    """spatch --parse-ch on a file with a function that lost its closing
    brace: the region is located in the file and names the function."""
    d = tmp_path / "t"
    (d / "include").mkdir(parents=True)
    text = (MAINLINE / "include" / "linux" / "migrate.h").read_text()
    broken = text.replace(DECODING_END, DECODING_END.replace(");\n}\n", ");\n", 1))
    (d / "include" / "m.h").write_text(broken)
    res = run(["spatch", "--parse-ch", "."], cwd=d)
    out = res.stdout + res.stderr
    found = parsefail.failures(out, {"include/m.h": broken})
    assert len(found) == 1 and found[0].file == "include/m.h"
    assert found[0].first <= 79 <= found[0].last
    assert found[0].functions == ["page_movable_ops"]
    assert parsefail.failures(out.replace(broken.split("\n")[80], "x"), {}) == []
