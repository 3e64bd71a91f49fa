# SPDX-License-Identifier: GPL-2.0
"""The text edits of the movable-ops-page-flag step (cocci/05-*.cocci).

The flag replaces the PAGE_MAPPING_MOVABLE tag.  Its definition, its
accessors and the new page_has_movable_ops() go into page-flags.h, whose
enum, comments and #ifdef blocks Coccinelle cannot edit; the page types
page_has_movable_ops() accepts are the dispatch's, from the plan.
"""
import re

from . import stepenv
from .textedit import Mismatch, TextEdits, first_line_of, read

PAGE_FLAGS = "include/linux/page-flags.h"
MIGRATE_H = "include/linux/migrate.h"

ENUM_ENTRY = """\
#ifdef CONFIG_MIGRATION
	/* this is a movable_ops page (for selected typed pages only) */
	PG_movable_ops = PG_uptodate,
#endif

"""

ACCESSORS = """\
#ifdef CONFIG_MIGRATION
/*
 * This page is migratable through movable_ops (for selected typed pages
 * only).
 *
 * Page migration of such pages might fail, for example, if the page is
 * already isolated by somebody else, or if the page is about to get freed.
 *
 * While a subsystem might set selected typed pages that support page migration
 * as being movable through movable_ops, it must never clear this flag.
 *
 * This flag is only cleared when the page is freed back to the buddy.
 *
 * Only selected page types support this flag (see page_movable_ops()) and
 * the flag might be used in other context for other pages. Always use
 * page_has_movable_ops() instead.
 */
TESTPAGEFLAG(MovableOps, movable_ops, PF_NO_TAIL);
SETPAGEFLAG(MovableOps, movable_ops, PF_NO_TAIL);
#else /* !CONFIG_MIGRATION */
TESTPAGEFLAG_FALSE(MovableOps, movable_ops);
SETPAGEFLAG_NOOP(MovableOps, movable_ops);
#endif /* CONFIG_MIGRATION */

/**
 * page_has_movable_ops - test for a movable_ops page
 * @page The page to test.
 *
 * Test whether this is a movable_ops page. Such pages will stay that
 * way until freed.
 *
 * Returns true if this is a movable_ops page, otherwise false.
 */
static inline bool page_has_movable_ops(const struct page *page)
{
	return PageMovableOps(page) &&
	       (%s);
}

"""

OLD_TEST_RE = re.compile(
    r"\n(static __always_inline bool page_has_movable_ops\(const struct page \*page\)\n"
    r"\{\n\treturn \(\(unsigned long\)page->mapping & PAGE_MAPPING_FLAGS\) ==\n"
    r"\t+PAGE_MAPPING_MOVABLE;\n\}\n)")

STALE_COMMENT_RE = re.compile(
    r"^ \* PAGE_MAPPING_\w+ without PAGE_MAPPING_ANON is used for non-lru movable\n"
    r" \* page and then folio->mapping points to a struct movable_operations\.\n \*\n",
    re.M)

SETMOVABLE_BLOCK_RE = re.compile(
    r"^#ifdef CONFIG_COMPACTION\n"
    r"void __SetPageMovable\(struct page \*page\);\n"
    r"#else\n"
    r"static inline void __SetPageMovable\(struct page \*page\)\n\{\n\}\n"
    r"#endif\n\n", re.M)


def edits(plan):
    """({rel: (old, new)}, [(rel, line, message)]) or raise Mismatch."""
    tests = [b.test for b in plan.dispatch.branches]
    if not tests:
        raise Mismatch("the dispatch has no branch, so no page type can carry the flag")
    pf = read(PAGE_FLAGS)
    mh = read(MIGRATE_H)
    if pf is None or mh is None:
        raise Mismatch(f"{PAGE_FLAGS} or {MIGRATE_H} is missing")
    new = pf
    m = re.search(r"^\tPG_isolated = PG_reclaim,\n\n", new, re.M)
    if not m or "PG_uptodate," not in new:
        raise Mismatch(f"{PAGE_FLAGS}: no 'PG_isolated = PG_reclaim,' entry followed by a "
                       "blank line in enum pageflags, or no PG_uptodate to alias")
    new = new[:m.end()] + ENUM_ENTRY + new[m.end():]
    new, n = STALE_COMMENT_RE.subn("", new)
    old_test = OLD_TEST_RE.search(new)
    if not old_test:
        raise Mismatch(f"{PAGE_FLAGS}: no page_has_movable_ops() testing page->mapping")
    new = new[:old_test.start()] + new[old_test.end() - 0:]
    anchor = re.search(r"^PAGEFLAG\(Isolated, isolated, PF_ANY\);\n\n", new, re.M)
    if not anchor:
        raise Mismatch(f"{PAGE_FLAGS}: no 'PAGEFLAG(Isolated, isolated, PF_ANY);' followed "
                       "by a blank line to put the flag's accessors after")
    block = ACCESSORS % " || ".join(f"{t}(page)" for t in tests)
    new = new[:anchor.end()] + block + new[anchor.end():]

    mnew, k = SETMOVABLE_BLOCK_RE.subn("", mh)
    if k != 1:
        raise Mismatch(f"{MIGRATE_H}: expected one '#ifdef CONFIG_COMPACTION' block holding "
                       "only the one-argument __SetPageMovable() and its stub")
    messages = [
        (PAGE_FLAGS, first_line_of(pf, "bool page_has_movable_ops"),
         "page_has_movable_ops() tests page->mapping; test PG_movable_ops"),
        (MIGRATE_H, first_line_of(mh, "void __SetPageMovable(struct page *page);"),
         "__SetPageMovable() goes; callers use SetPageMovableOps()"),
    ]
    if n:
        messages.append((PAGE_FLAGS, first_line_of(pf, "struct movable_operations."),
                         "comment says folio->mapping points to movable_operations"))
    return {PAGE_FLAGS: (pf, new), MIGRATE_H: (mh, mnew)}, messages


def step(plan):
    """The step's TextEdits, or why it does not apply."""
    name = "movable-ops-page-flag"
    if stepenv.refuse_if_blocked(plan, name):
        return TextEdits.skipped(name, "the tree has blockers")
    if not plan.flag_step.applies:
        return TextEdits.skipped(name, plan.flag_step.reason)
    try:
        out, messages = edits(plan)
    except Mismatch as e:
        return TextEdits.skipped(name, str(e) + "; nothing changed")
    return TextEdits(name, out, messages)
