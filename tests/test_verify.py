# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/verify.py.

Unit tests of the pieces (diff parsing, the C line classifier and markers,
warning matching, checkpatch and golden normalisation, the report) run
anywhere.  The real-tree tests (@pytest.mark.realtree) take a good series on
a clone of the cached Debian 6.12 tree, check that verify.py passes it, then
break it in one way each and show the matching check catching it:

  old-api-gone   a two-argument __SetPageMovable() call left behind
  sparse         a new sparse warning
  changed-lines  a change to a line no configuration compiles
  bisect         a commit in the middle that does not build
  checkpatch     a checkpatch error
  golden         a golden mismatch

make_good_series() is the one place that makes the good series: today a
small hand-made one; point it at scripts/apply-series.sh when that exists.
"""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CACHE, REPO, SCRIPTS, clone_tree, run

sys.path.insert(0, str(SCRIPTS))

from verifier import clines, diag, golden, report  # noqa: E402
from verifier import checkpatch as cp  # noqa: E402
from verifier import oldapi  # noqa: E402
from verifier import series as ser  # noqa: E402

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


def make_handmade_series(kdir, branch="movable-ops"):
    """A small series in the spirit of the rework, on a new BRANCH: drop
    z3fold, dispatch page_movable_ops() on the page type, drop the ops
    argument of __SetPageMovable()."""
    run(["git", "checkout", "-q", "-b", branch], cwd=kdir)
    # 1: z3fold has no page type, so it cannot be dispatched statically.
    run(["git", "rm", "-q", "mm/z3fold.c"], cwd=kdir)
    _edit(kdir, "mm/Makefile", "obj-$(CONFIG_Z3FOLD)\t+= z3fold.o\n", "")
    kconfig = (Path(kdir) / "mm/Kconfig").read_text()
    kconfig = re.sub(r"config ZSWAP_ZPOOL_DEFAULT_Z3FOLD_DEPRECATED\n.*?\n\n(?=config)", "",
                     kconfig, flags=re.S)
    kconfig = kconfig.replace('       default "z3fold" if ZSWAP_ZPOOL_DEFAULT_Z3FOLD_DEPRECATED\n', "")
    kconfig = re.sub(r"config Z3FOLD_DEPRECATED\n.*?\n\nconfig Z3FOLD\n.*?\n\n(?=config)", "",
                     kconfig, flags=re.S)
    (Path(kdir) / "mm/Kconfig").write_text(kconfig)
    _commit(kdir, "mm: remove z3fold",
            "z3fold marks its pages movable without giving them a page type.")
    # 2: the dispatch.
    _edit(kdir, "include/linux/migrate.h",
          "static inline\n"
          "const struct movable_operations *folio_movable_ops(struct folio *folio)\n"
          "{\n"
          "\tVM_BUG_ON(!__folio_test_movable(folio));\n\n"
          "\treturn (const struct movable_operations *)\n"
          "\t\t((unsigned long)folio->mapping - PAGE_MAPPING_MOVABLE);\n"
          "}\n\n"
          "static inline\n"
          "const struct movable_operations *page_movable_ops(struct page *page)\n"
          "{\n"
          "\tVM_BUG_ON(!__PageMovable(page));\n\n"
          "\treturn (const struct movable_operations *)\n"
          "\t\t((unsigned long)page->mapping - PAGE_MAPPING_MOVABLE);\n"
          "}\n",
          "const struct movable_operations *page_movable_ops(struct page *page);\n\n"
          "static inline\n"
          "const struct movable_operations *folio_movable_ops(struct folio *folio)\n"
          "{\n"
          "\treturn page_movable_ops(&folio->page);\n"
          "}\n")
    _edit(kdir, "mm/migrate.c", "#include <linux/pagewalk.h>\n",
          "#include <linux/pagewalk.h>\n#include <linux/balloon_compaction.h>\n"
          "#include <linux/zsmalloc.h>\n")
    _edit(kdir, "mm/migrate.c", '#include "internal.h"\n',
          '#include "internal.h"\n\n'
          "const struct movable_operations *page_movable_ops(struct page *page)\n"
          "{\n"
          "\tVM_BUG_ON(!__PageMovable(page));\n\n"
          "\t/* The page type tells which user made the page movable. */\n"
          "#ifdef CONFIG_BALLOON_COMPACTION\n"
          "\tif (PageOffline(page))\n"
          "\t\treturn &balloon_mops;\n"
          "#endif /* CONFIG_BALLOON_COMPACTION */\n"
          "#if defined(CONFIG_ZSMALLOC) && defined(CONFIG_COMPACTION)\n"
          "\tif (PageZsmalloc(page))\n"
          "\t\treturn &zsmalloc_mops;\n"
          "#endif /* defined(CONFIG_ZSMALLOC) && defined(CONFIG_COMPACTION) */\n"
          "\treturn NULL;\n"
          "}\n")
    _edit(kdir, "mm/zsmalloc.c", "static const struct movable_operations zsmalloc_mops;\n\n", "")
    _edit(kdir, "mm/zsmalloc.c", "static const struct movable_operations zsmalloc_mops = {",
          "const struct movable_operations zsmalloc_mops = {")
    _edit(kdir, "include/linux/zsmalloc.h",
          "void zs_pool_stats(struct zs_pool *pool, struct zs_pool_stats *stats);\n",
          "void zs_pool_stats(struct zs_pool *pool, struct zs_pool_stats *stats);\n\n"
          "extern const struct movable_operations zsmalloc_mops;\n")
    _commit(kdir, "mm: derive movable_operations from the page type",
            "Look the ops up by page type instead of decoding page->mapping.")
    # 3: the ops argument goes.
    _edit(kdir, "include/linux/migrate.h",
          "void __SetPageMovable(struct page *page, const struct movable_operations *ops);",
          "void __SetPageMovable(struct page *page);")
    _edit(kdir, "include/linux/migrate.h",
          "static inline void __SetPageMovable(struct page *page,\n"
          "\t\tconst struct movable_operations *ops)\n",
          "static inline void __SetPageMovable(struct page *page)\n")
    _edit(kdir, "mm/compaction.c",
          "void __SetPageMovable(struct page *page, const struct movable_operations *mops)\n"
          "{\n"
          "\tVM_BUG_ON_PAGE(!PageLocked(page), page);\n"
          "\tVM_BUG_ON_PAGE((unsigned long)mops & PAGE_MAPPING_MOVABLE, page);\n"
          "\tpage->mapping = (void *)((unsigned long)mops | PAGE_MAPPING_MOVABLE);\n",
          "void __SetPageMovable(struct page *page)\n"
          "{\n"
          "\tVM_BUG_ON_PAGE(!PageLocked(page), page);\n"
          "\tpage->mapping = (void *)PAGE_MAPPING_MOVABLE;\n")
    _edit(kdir, "include/linux/balloon_compaction.h",
          "__SetPageMovable(page, &balloon_mops);", "__SetPageMovable(page);")
    _edit(kdir, "mm/zsmalloc.c", "__SetPageMovable(newpage, &zsmalloc_mops);",
          "__SetPageMovable(newpage);")
    _edit(kdir, "mm/zsmalloc.c", "__SetPageMovable(page, &zsmalloc_mops);",
          "__SetPageMovable(page);")
    _commit(kdir, "mm: stop passing movable_operations to __SetPageMovable()",
            "The ops are derived from the page type now.")
    return branch


def make_good_series(kdir, branch="movable-ops"):
    """The series the broken variants start from.

    Switch to the real one when scripts/apply-series.sh exists:
        run([SCRIPTS / "apply-series.sh", "--prereq", "drop-z3fold",
             "--branch", branch, str(kdir)])
    """
    apply = SCRIPTS / "apply-series.sh"
    if os.environ.get("MOVOPS_VERIFY_REAL_SERIES") and apply.exists():
        run([str(apply), "--prereq", "drop-z3fold", "--branch", branch, str(kdir)])
        return branch
    return make_handmade_series(kdir, branch)
