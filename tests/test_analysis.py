# SPDX-License-Identifier: GPL-2.0
"""The analysis' reasoning (scripts/movops/analysis.py) on one small user
written here per case: which page type identifies its pages (set before
the mark, by every caller, or on every page it allocates), whether type
and mark agree when pages are un-marked or freed, release wrappers, and
whether its object can be a module.  The facts come from the real
cocci/analysis/movable-ops-facts.cocci (spatch), on a plain directory."""
import textwrap


from movops import analysis
from movops.tree import Tree

BASE = {
    "Makefile": "VERSION = 6\nPATCHLEVEL = 99\n",
    "Kbuild": "obj-y += mm/\n",
    "mm/Kconfig": """\
        config MODULES
        	bool "modules"
        config MIGRATION
        	bool "migration"
        config COMPACTION
        	bool "compaction"
        	select MIGRATION
        config FROB
        	bool "frob"
        """,
    "mm/Makefile": "obj-$(CONFIG_MIGRATION) += migrate.o\nobj-$(CONFIG_FROB) += frob.o\n",
    "include/linux/page-flags.h": """\
        enum pagetype {
        	PGTY_frob = 0xf8,
        };
        PAGE_TYPE_OPS(Frob, frob, frob)
        """,
    "include/linux/migrate.h": """\
        struct movable_operations {
        	int (*migrate_page)(struct page *dst, struct page *src);
        };
        void __SetPageMovable(struct page *page, const struct movable_operations *ops);
        void __ClearPageMovable(struct page *page);
        #ifdef CONFIG_MIGRATION
        int migrate_pages(void);
        #else
        static inline int migrate_pages(void) { return 0; }
        #endif
        static inline const struct movable_operations *page_movable_ops(struct page *page)
        {
        	return (const struct movable_operations *)
        		((unsigned long)page->mapping - PAGE_MAPPING_MOVABLE);
        }
        """,
    "include/linux/frob.h": "struct frob;\n",
    "mm/migrate.c": """\
        #include <linux/migrate.h>

        int migrate_one(struct page *page)
        {
        	return page_movable_ops(page)->migrate_page(page, page);
        }
        """,
}

OPS = """\
#ifdef CONFIG_COMPACTION
static int frob_migrate(struct page *dst, struct page *src)
{
	return 0;
}

const struct movable_operations frob_mops = {
	.migrate_page = frob_migrate,
};
#endif
"""


def analyse(tmp_path, frob_c, frob_type="bool"):
    files = dict(BASE, **{"mm/frob.c": "#include <linux/frob.h>\n#include <linux/migrate.h>\n"
                          + textwrap.dedent(frob_c) + OPS})
    files["mm/Kconfig"] = files["mm/Kconfig"].replace('bool "frob"', f'{frob_type} "frob"')
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text))
    return analysis.analyze(Tree(tmp_path), scratch=tmp_path / ".facts")


def user(plan, ops="frob_mops"):
    return next(u for u in plan.users if u.ops == ops)


def kinds(plan):
    return sorted(b.kind for b in plan.blockers)


def test_type_set_before_the_mark(tmp_path):
    plan = analyse(tmp_path, """\
        void frob_add(struct page *page)
        {
        	__SetPageFrob(page);
        	__SetPageMovable(page, &frob_mops);
        }
        """)
    u = user(plan)
    assert u.page_type == "Frob" and u.type_test == "PageFrob"
    assert u.evidence[0].how == "set in frob_add() before the mark"
    assert kinds(plan) == []


def test_type_set_by_every_caller(tmp_path):
    plan = analyse(tmp_path, """\
        static void frob_mark(struct page *page)
        {
        	__SetPageMovable(page, &frob_mops);
        }

        void frob_a(struct page *p)
        {
        	__SetPageFrob(p);
        	frob_mark(p);
        }

        void frob_b(struct page *q)
        {
        	__SetPageFrob(q);
        	frob_mark(q);
        }
        """)
    u = user(plan)
    assert u.page_type == "Frob"
    assert u.evidence[0].how.startswith("set by every caller of frob_mark()")


def test_one_caller_without_the_type_blocks(tmp_path):
    plan = analyse(tmp_path, """\
        static void frob_mark(struct page *page)
        {
        	__SetPageMovable(page, &frob_mops);
        }

        void frob_a(struct page *p)
        {
        	__SetPageFrob(p);
        	frob_mark(p);
        }

        void frob_b(struct page *q)
        {
        	frob_mark(q);
        }
        """)
    assert kinds(plan) == ["no-page-type"]
    b = plan.blockers[0]
    assert b.file == "mm/frob.c" and "has no page type set before it" in b.problem


def test_type_set_on_every_allocated_page(tmp_path):
    """The mark is made where the page comes from nothing the analysis can
    follow, but every page the user allocates gets the type right away."""
    plan = analyse(tmp_path, """\
        static void frob_store(struct page *page)
        {
        	page->private = 0;
        }

        void frob_grow(void)
        {
        	struct page *page = alloc_page(0);

        	__SetPageFrob(page);
        	frob_store(page);
        }

        void frob_mark(struct page *page)
        {
        	__SetPageMovable(page, &frob_mops);
        }
        """)
    u = user(plan)
    assert u.page_type == "Frob", plan.blockers
    assert u.evidence[0].how.startswith("set on every page the user allocates")


def test_unmark_without_clearing_the_type_disagrees(tmp_path):
    plan = analyse(tmp_path, """\
        void frob_add(struct page *page)
        {
        	__SetPageFrob(page);
        	__SetPageMovable(page, &frob_mops);
        }

        void frob_del(struct page *page)
        {
        	__ClearPageMovable(page);
        }
        """)
    assert kinds(plan) == ["mark-type-disagree"]
    assert "does not clear its type Frob after it" in plan.blockers[0].problem


def test_type_cleared_with_the_mark_or_before_free_agrees(tmp_path):
    plan = analyse(tmp_path, """\
        static void frob_free(struct page *page)
        {
        	put_page(page);
        }

        void frob_add(struct page *page)
        {
        	__SetPageFrob(page);
        	__SetPageMovable(page, &frob_mops);
        }

        void frob_del(struct page *page)
        {
        	__ClearPageMovable(page);
        	__ClearPageFrob(page);
        }

        void frob_drop(struct page *page)
        {
        	__ClearPageFrob(page);
        	frob_free(page);
        }
        """)
    assert kinds(plan) == []
    ok = user(plan).agreement
    assert any("__ClearPageMovable() then __ClearPageFrob()" in a for a in ok), ok
    # frob_free() wraps put_page(): a release wrapper.
    assert any("frob_drop(): __ClearPageFrob() just before frob_free() frees it" in a
               for a in ok), ok


def test_type_cleared_while_still_movable_disagrees(tmp_path):
    plan = analyse(tmp_path, """\
        void frob_add(struct page *page)
        {
        	__SetPageFrob(page);
        	__SetPageMovable(page, &frob_mops);
        }

        void frob_retype(struct page *page)
        {
        	__ClearPageFrob(page);
        }

        void frob_use(void)
        {
        	struct page *page = frob_first();

        	frob_retype(page);
        	page->private = 0;
        }
        """)
    assert kinds(plan) == ["mark-type-disagree"]
    assert "while the page is still marked movable and not freed" in \
        plan.blockers[0].problem


def test_tristate_object_decides_the_registration(tmp_path):
    plan = analyse(tmp_path, """\
        void frob_add(struct page *page)
        {
        	__SetPageFrob(page);
        	__SetPageMovable(page, &frob_mops);
        }
        """, frob_type="tristate")
    u = user(plan)
    assert u.module.option == "CONFIG_FROB"
    assert u.module.why == ("CONFIG_FROB is tristate, mm/Kconfig:8; mm/Makefile:2 "
                                  "builds mm/frob.c under it")
    reg = plan.registration
    assert reg.needed and reg.decisions == [
        "frob_mops can live in a module (CONFIG_FROB is tristate, mm/Kconfig:8; "
        "mm/Makefile:2 builds mm/frob.c under it)"]
    # No module_init() to register from: refused, precisely.
    assert kinds(plan) == ["no-init-path"]
    assert plan.blockers[0].fix.startswith("give mm/frob.c a module_init()")


FROB_ADD = """\
        void frob_add(struct page *page)
        {
        	__SetPageFrob(page);
        	__SetPageMovable(page, &frob_mops);
        }
"""


def test_registration_goes_first_in_the_init_function(tmp_path):
    """The analysis reads the init function: where the registration goes,
    what it precedes, and which failure paths give it up, in the plan and
    in the report's words."""
    plan = analyse(tmp_path, FROB_ADD + """\

        static int __init frob_init(void)
        {
        	int ret;

        	ret = frob_setup();
        	if (ret)
        		goto out;
        	return 0;
        out:
        	return ret;
        }
        module_init(frob_init);
        """, frob_type="tristate")
    assert kinds(plan) == []
    p = plan.registration.entries[0].init.placement
    assert (p.var, p.declare, p.before, p.labels, p.returns) == \
        ("ret", False, "frob_setup", ["out"], [])
    assert p.text == ("frob_init(): set_movable_ops() first, before frob_setup(); "
                      "unregistered on the 'out' error path")


def test_init_that_cannot_unwind_blocks(tmp_path):
    """An effect in a declaration: the registration cannot go before it,
    and the series will not guess how to undo it: a blocker at the
    function, and nothing changed."""
    plan = analyse(tmp_path, FROB_ADD + """\

        static int __init frob_init(void)
        {
        	int ret = frob_setup();

        	return ret;
        }
        module_init(frob_init);
        """, frob_type="tristate")
    assert kinds(plan) == ["init-cannot-unwind"]
    b = plan.blockers[0]
    assert b.file == "mm/frob.c" and b.user == "frob_mops"
    assert "frob_init() has an effect in a declaration" in b.problem
    assert not plan.registration.applies


def test_builtin_object_keeps_the_static_dispatch(tmp_path):
    plan = analyse(tmp_path, """\
        void frob_add(struct page *page)
        {
        	__SetPageFrob(page);
        	__SetPageMovable(page, &frob_mops);
        }
        """)
    assert user(plan).module is None
    reg = plan.registration
    assert not reg.needed and not reg.applies
    assert reg.reason.startswith("every user's ops object is built into the kernel")
