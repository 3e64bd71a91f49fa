# SPDX-License-Identifier: GPL-2.0
"""The balloon-compaction-doc step (cocci/06-*.cocci), a text step: comments
are not Coccinelle's to edit.

The comment at the top of include/linux/balloon_compaction.h describes
page->mapping holding the ops.  Once the tree marks movable_ops pages with
the PG_movable_ops flag, it is brought up to date.  Each replaced passage
must be found exactly as expected; a tree whose comment differs is
reported and left alone rather than guessed at.
"""
import re

from .textedit import Mismatch, TextEdits, first_line_of, read

STEP = "balloon-compaction-doc"
# The header and the page flags say everything: a run on its own need not
# analyse the tree.
NEEDS_PLAN = False
HEADER = "include/linux/balloon_compaction.h"
PAGE_FLAGS = "include/linux/page-flags.h"

# (what the comment says now, what it says after)
PASSAGES = [
    (" * Balloon page migration makes use of the general non-lru movable page\n"
     " * feature.\n",
     " * Balloon page migration makes use of the general \"movable_ops page migration\"\n"
     " * feature.\n"),
    (" * page->private is used to reference the responsible balloon device.\n"
     " * page->mapping is used in context of non-lru page migration to reference\n"
     " * the address space operations for page isolation/migration/compaction.\n",
     " * page->private is used to reference the responsible balloon device.\n"
     " * That these pages have movable_ops, and which movable_ops apply,\n"
     " * is derived from the page type (PageOffline()) combined with the\n"
     " * PG_movable_ops flag (PageMovableOps()).\n"),
    (" *   i. when updating a balloon's page ->mapping element, strictly do it under\n"
     " *      the following lock order, independently of the far superior\n"
     " *      locking scheme (lru_lock, balloon_lock):\n"
     " *\t    +-page_lock(page);\n"
     " *\t      +--spin_lock_irq(&b_dev_info->pages_lock);\n"
     " *\t            ... page->mapping updates here ...\n",
     " *   i. Setting the PG_movable_ops flag and page->private with the following\n"
     " *\tlock order\n"
     " *\t    +-page_lock(page);\n"
     " *\t      +--spin_lock_irq(&b_dev_info->pages_lock);\n"),
]


def has_flag():
    pf = read(PAGE_FLAGS) or ""
    return bool(re.search(r"^\s*PG_movable_ops\b", pf, re.M)
                and re.search(r"\bPageMovableOps\b|\(MovableOps,", pf))


def edits():
    """({rel: (old, new)}, messages) or raise Mismatch."""
    text = read(HEADER)
    if text is None:
        raise Mismatch(f"{HEADER} does not exist")
    if all(repl in text for _, repl in PASSAGES):
        raise Mismatch(f"{HEADER}: the comment is up to date already")
    new = text
    for old, repl in PASSAGES:
        if new.count(old) != 1:
            first = old.splitlines()[0]
            # Say which line differs, not just that something does.
            raise Mismatch(f"{HEADER}: the comment differs from what this step expects "
                           f"(no '{first.strip(' *')}' passage as in mainline)")
        new = new.replace(old, repl)
    messages = [(HEADER, first_line_of(text, "page->mapping is used in context"),
                 "comment says page->mapping holds the address space operations")]
    return {HEADER: (text, new)}, messages


def step(plan):
    """The step's TextEdits (PLAN is unused, see NEEDS_PLAN)."""
    if read(HEADER) is None:
        return TextEdits.skipped(STEP, f"{HEADER} does not exist")
    if not has_flag():
        return TextEdits.skipped(
            STEP, "the tree has no PG_movable_ops flag (include/linux/page-flags.h), and the "
            "new comment describes it; the comment stays as it is")
    try:
        out, messages = edits()
    except Mismatch as e:
        return TextEdits.skipped(STEP, str(e) + "; nothing changed")
    return TextEdits(STEP, out, messages)
