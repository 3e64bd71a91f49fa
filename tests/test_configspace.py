# SPDX-License-Identifier: GPL-2.0
"""The configuration-space proof (scripts/verifier/configspace.py) and the
condition evaluators it stands on (scripts/movops/kexpr.py), on small trees
written here: no compiler, no kernel tree.

The trees are plain directories read through movops.tree.Tree (grep -r),
the same path a plain kernel tree takes.
"""
import textwrap

import pytest

from movops import kbuild
from movops import kexpr as K
from movops.tree import Tree
from verifier import configspace as C


# -- preprocessor conditions ------------------------------------------------------

@pytest.mark.parametrize("expr,values,module,want", [
    ("defined(CONFIG_A)", {"CONFIG_A": K.Y}, False, True),
    ("defined(CONFIG_A)", {"CONFIG_A": K.M}, False, False),     # =m defines CONFIG_A_MODULE
    ("defined(CONFIG_A_MODULE)", {"CONFIG_A": K.M}, True, True),
    ("IS_ENABLED(CONFIG_A)", {"CONFIG_A": K.M}, False, True),
    ("IS_BUILTIN(CONFIG_A)", {"CONFIG_A": K.M}, False, False),
    ("IS_MODULE(CONFIG_A)", {"CONFIG_A": K.M}, False, True),
    ("IS_REACHABLE(CONFIG_A)", {"CONFIG_A": K.M}, False, False),
    ("IS_REACHABLE(CONFIG_A)", {"CONFIG_A": K.M}, True, True),
    ("defined(CONFIG_A) && !defined(CONFIG_B)", {"CONFIG_A": K.Y}, False, True),
    ("defined CONFIG_A || defined(CONFIG_B)", {"CONFIG_B": K.Y}, False, True),
    ("CONFIG_A", {"CONFIG_A": K.Y}, False, True),
    ("defined(MODULE)", {}, True, True),
    ("0", {}, False, False),
])
def test_cpp_conditions(expr, values, module, want):
    assert K.eval_cpp(K.parse_cpp(expr), values, module) is want


def test_cpp_unreadable_condition_is_said():
    with pytest.raises(K.Unreadable):
        K.parse_cpp("LINUX_VERSION_CODE > KERNEL_VERSION(6, 1, 0)")


def test_cpp_nest_follows_elif_and_else_and_skips_the_include_guard():
    text = textwrap.dedent("""\
        #ifndef _X_H
        #define _X_H
        #ifdef CONFIG_A
        int a;
        #elif defined(CONFIG_B)
        int b;
        #else
        int c;
        #endif
        #endif
        """)
    at = lambda line: K.cpp_nest(text, line)  # noqa: E731
    assert K.eval_cpp(at(4), {"CONFIG_A": K.Y})
    assert not K.eval_cpp(at(6), {"CONFIG_A": K.Y, "CONFIG_B": K.Y})
    assert K.eval_cpp(at(6), {"CONFIG_B": K.Y})
    assert K.eval_cpp(at(8), {}) and not K.eval_cpp(at(8), {"CONFIG_B": K.Y})
    assert K.cpp_symbols(at(8)) == {"CONFIG_A", "CONFIG_B"}


# -- Kconfig expressions ------------------------------------------------------------

@pytest.mark.parametrize("expr,values,want", [
    ("A && B", {"A": K.Y, "B": K.M}, (K.M, K.M)),
    ("A || B", {"A": K.N, "B": K.M}, (K.M, K.M)),
    ("!A", {"A": K.M}, (K.M, K.M)),
    ("A && UNKNOWN", {"A": K.Y}, (K.N, K.Y)),         # not modelled: any value
    ("A || UNKNOWN", {"A": K.Y}, (K.Y, K.Y)),
    ("(NUMA || COMPACTION) && MMU", {"COMPACTION": K.Y, "MMU": K.N}, (K.N, K.N)),
    ("A = y", {"A": K.M}, (K.N, K.N)),
    ("A != n", {"A": K.M}, (K.Y, K.Y)),
])
def test_kconfig_expressions(expr, values, want):
    assert K.eval_kconfig(K.parse_kconfig(expr), values) == want


# -- small trees ------------------------------------------------------------------

KCONFIG = """\
config MODULES
	bool "Enable loadable module support"

config MMU
	bool "MMU"

config MIGRATION
	bool "Page migration"
	depends on MMU

config COMPACTION
	bool "Compaction"
	depends on MMU
	select MIGRATION

config ZSMALLOC
	tristate "zsmalloc"
	depends on MMU
"""

MAKEFILE = """\
obj-y += compaction.o
obj-$(CONFIG_MIGRATION) += migrate.o
obj-$(CONFIG_ZSMALLOC) += zsmalloc.o
"""

PAGE_FLAGS = """\
enum pagetype {
	PGTY_zsmalloc = 0xf6,
};
PAGE_TYPE_OPS(Zsmalloc, zsmalloc, zsmalloc)
"""

ZSMALLOC_OPS = """\
#ifdef CONFIG_COMPACTION
const struct movable_operations zsmalloc_mops = {
	.migrate_page = zs_page_migrate,
};
#endif
"""

STATIC_DISPATCH = """\
const struct movable_operations *page_movable_ops(struct page *page)
{
#if defined(CONFIG_ZSMALLOC) && defined(CONFIG_COMPACTION)
	if (PageZsmalloc(page))
		return &zsmalloc_mops;
#endif
	return NULL;
}
"""

REGISTERED_DISPATCH = """\
static const struct movable_operations *zsmalloc_movable_ops;

int set_movable_ops(const struct movable_operations *ops, enum pagetype type)
{
	const struct movable_operations **slot;

	switch (type) {
	case PGTY_zsmalloc:
		slot = &zsmalloc_movable_ops;
		break;
	default:
		return -EINVAL;
	}
	*slot = ops;
	return 0;
}
EXPORT_SYMBOL_GPL(set_movable_ops);

const struct movable_operations *page_movable_ops(struct page *page)
{
	if (PageZsmalloc(page))
		return zsmalloc_movable_ops;
	return NULL;
}
"""

MIGRATE_H = """\
struct movable_operations {
	int (*migrate_page)(struct page *dst, struct page *src);
};
#ifdef CONFIG_MIGRATION
int set_movable_ops(const struct movable_operations *ops, enum pagetype type);
#else
static inline int set_movable_ops(const struct movable_operations *ops,
		enum pagetype type)
{
	return 0;
}
#endif
"""

ZS_INIT = """\
static int __init zs_init(void)
{
#ifdef CONFIG_COMPACTION
	return set_movable_ops(&zsmalloc_mops, PGTY_zsmalloc);
#else
	return 0;
#endif
}
module_init(zs_init);
"""


def small_tree(tmp_path, migrate_c, zsmalloc_c, migrate_h="struct movable_operations {};\n"):
    files = {
        "Makefile": "VERSION = 6\nPATCHLEVEL = 99\n",
        "Kbuild": "obj-y += mm/\n",
        "Kconfig": KCONFIG,
        "mm/Makefile": MAKEFILE,
        "mm/migrate.c": migrate_c,
        "mm/zsmalloc.c": zsmalloc_c,
        "mm/compaction.c": "int compaction;\n",
        "include/linux/migrate.h": migrate_h,
        "include/linux/page-flags.h": PAGE_FLAGS,
    }
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    tree = Tree(tmp_path)
    return tree, ["mm/migrate.c", "mm/zsmalloc.c"]


def proof(tree, files):
    f = C.facts(tree, files)
    syms = C.model(f, kbuild.Kconfig(tree))
    return f, syms, C.prove(f, syms)


def test_the_model_enumerates_what_kconfig_allows(tmp_path):
    tree, files = small_tree(tmp_path, STATIC_DISPATCH, ZSMALLOC_OPS)
    f, syms, v = proof(tree, files)
    assert sorted(syms) == ["COMPACTION", "MIGRATION", "MMU", "MODULES", "ZSMALLOC"]
    # MMU=n: the others n, MODULES free (2); MMU=y: COMPACTION=y forces
    # MIGRATION=y, ZSMALLOC n/y or n/m/y with MODULES (5); COMPACTION=n:
    # MIGRATION free (10).
    assert v.valid == 17
    for a in C.assignments(syms):
        assert not (a["COMPACTION"] == K.Y and a["MIGRATION"] != K.Y)
        assert not (a["ZSMALLOC"] == K.M and a["MODULES"] != K.Y)
        assert not (a["MMU"] == K.N and a["ZSMALLOC"] != K.N)


def test_static_dispatch_loses_a_modular_user(tmp_path):
    """Upstream's 84caf98838a3: defined(CONFIG_ZSMALLOC) is false when =m."""
    tree, files = small_tree(tmp_path, STATIC_DISPATCH, ZSMALLOC_OPS)
    f, syms, v = proof(tree, files)
    assert not v.ok
    assert len(v.failing) == 1
    key, count, first, problem = v.groups[0]
    assert key == "CONFIG_ZSMALLOC=m: zsmalloc_mops lost" and count == 1
    assert first["ZSMALLOC"] == K.M and first["COMPACTION"] == K.Y
    assert "CONFIG_ZSMALLOC=m" in v.summary()
    assert "built as a module" in problem.text and "mm/zsmalloc.c:2" in problem.text


def test_registration_reaches_every_built_user(tmp_path):
    tree, files = small_tree(tmp_path, REGISTERED_DISPATCH, ZSMALLOC_OPS + ZS_INIT, MIGRATE_H)
    f, syms, v = proof(tree, files)
    assert v.ok, v.groups
    assert v.valid == 17 and "17 of 17 valid assignments" in v.summary()
    assert f.table == {"PGTY_zsmalloc": "zsmalloc_movable_ops"}
    assert [r.ops for r in f.registrations] == ["zsmalloc_mops"]


def test_registration_without_export_fails_for_a_module(tmp_path):
    migrate = REGISTERED_DISPATCH.replace("EXPORT_SYMBOL_GPL(set_movable_ops);\n", "")
    tree, files = small_tree(tmp_path, migrate, ZSMALLOC_OPS + ZS_INIT, MIGRATE_H)
    f, syms, v = proof(tree, files)
    assert not v.ok
    kinds = {p.kind for _, probs in v.failing for p in probs}
    assert kinds == {"lost", "modpost"}
    assert all(a["ZSMALLOC"] == K.M for a, _ in v.failing)


def test_registration_under_the_wrong_guard_is_lost(tmp_path):
    """A registration compiled under another option than the ops object."""
    init = ZS_INIT.replace("#ifdef CONFIG_COMPACTION", "#if defined(CONFIG_COMPACTION) && "
                           "defined(CONFIG_ZSMALLOC)")
    tree, files = small_tree(tmp_path, REGISTERED_DISPATCH, ZSMALLOC_OPS + init, MIGRATE_H)
    f, syms, v = proof(tree, files)
    assert not v.ok
    assert v.groups[0][0] == "CONFIG_ZSMALLOC=m: zsmalloc_mops lost"


def test_a_branch_naming_an_object_that_is_not_built_is_a_link_failure(tmp_path):
    dispatch = STATIC_DISPATCH.replace("#if defined(CONFIG_ZSMALLOC) && defined(CONFIG_COMPACTION)",
                                       "#ifdef CONFIG_COMPACTION")
    tree, files = small_tree(tmp_path, dispatch, ZSMALLOC_OPS)
    f, syms, v = proof(tree, files)
    kinds = {(p.kind, a["ZSMALLOC"]) for a, probs in v.failing for p in probs}
    assert ("link", K.N) in kinds and ("link", K.M) in kinds


def test_pointer_decoding_reaches_every_user(tmp_path):
    decoding = ("static inline const struct movable_operations *page_movable_ops(struct page *p)\n"
                "{\n\treturn (const struct movable_operations *)\n"
                "\t\t((unsigned long)p->mapping - PAGE_MAPPING_MOVABLE);\n}\n")
    tree, files = small_tree(tmp_path, "int migrate;\n", ZSMALLOC_OPS, decoding)
    f, syms, v = proof(tree, files)
    assert v.ok and v.decoding and "pointer decoding" in v.summary()


def test_agreement_with_a_real_build(tmp_path):
    """The preprocessed code of a configuration agrees with the proof, and a
    configuration outside the model is reported as the model's fault."""
    tree, files = small_tree(tmp_path, STATIC_DISPATCH, ZSMALLOC_OPS)
    f, syms, _ = proof(tree, files)
    modular = {"CONFIG_MMU": "y", "CONFIG_MODULES": "y", "CONFIG_COMPACTION": "y",
               "CONFIG_MIGRATION": "y", "CONFIG_ZSMALLOC": "m"}
    no_branch = ("const struct movable_operations *page_movable_ops(struct page *page)\n{\n"
                 " return ((void *)0);\n}\n")
    ok, lines = C.agreement(f, syms, modular, {"mm/migrate.c": no_branch,
                                               "mm/zsmalloc.c": "int x;\n"})
    assert ok, lines
    assert "proof says lost" in lines[0]
    # The proof says lost; a build that has a branch for it disagrees.
    ok, lines = C.agreement(f, syms, modular, {
        "mm/migrate.c": no_branch.replace("return ((void *)0);", "return &zsmalloc_mops;"),
        "mm/zsmalloc.c": "int x;\n"})
    assert not ok and "disagree" in lines[0]
    ok, lines = C.agreement(f, syms, dict(modular, CONFIG_MIGRATION="n"), {})
    assert not ok and "not among the assignments the model allows" in lines[0]
