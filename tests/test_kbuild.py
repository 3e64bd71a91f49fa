# SPDX-License-Identifier: GPL-2.0
"""scripts/movops/kbuild.py on small inputs written here: the guard of a
line (#if nest), the obj- lines that build a file, Kconfig's depends and
selects, and the guard format of a dispatch branch.  derive_config(), which
runs the kernel's kconfig, is exercised by the real-tree and runtime
layers."""
import textwrap

import pytest

from movops import kbuild
from movops.tree import Tree


def write(root, files):
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text))
    return Tree(root)


# -- the #if nest ------------------------------------------------------------------

NEST = """\
#ifndef _FOO_H
#define _FOO_H
#ifdef CONFIG_A
#if defined(CONFIG_B) && IS_ENABLED(CONFIG_C)
int ab;
#else
int not_b;
#endif
#endif
#ifndef CONFIG_D
int no_d;
#endif
#if CONFIG_E || defined(CONFIG_F)
int e_or_f;
#endif
#endif
"""


def test_guard_atoms_of_a_conjunction_without_the_include_guard():
    assert kbuild.guard_atoms(NEST, 5) == ["CONFIG_A", "CONFIG_B", "CONFIG_C"]
    assert kbuild.guard_atoms(NEST, 2) == []


@pytest.mark.parametrize("line,what", [(7, "#else"), (11, "#ifndef CONFIG_D"),
                                       (14, "disjunction")])
def test_guard_atoms_refuse_what_is_not_a_conjunction(line, what):
    with pytest.raises(kbuild.NotDerivable) as e:
        kbuild.guard_atoms(NEST, line)
    assert what in str(e.value) or "conjunction" in str(e.value)


def test_sufficient_options_take_a_branch_of_everything():
    # The #else of a conjunction has no single option to turn off: it is
    # returned as not planned for, for the caller to say so.
    en, dis, unknown = kbuild.sufficient_options(NEST, 7)
    assert (en, dis) == (["CONFIG_A"], []) and [c.line for c in unknown] == [4]
    assert kbuild.sufficient_options(NEST, 11)[:2] == ([], ["CONFIG_D"])
    assert kbuild.sufficient_options(NEST, 14)[:2] == (["CONFIG_E"], [])


def test_if_nest_of_elif():
    text = "#if defined(CONFIG_A)\nint a;\n#elif defined(CONFIG_B)\nint b;\n#endif\n"
    (c,) = kbuild.if_nest(text, 4)
    assert (c.directive, c.expr, c.in_else) == ("if", "defined(CONFIG_B)", True)


# -- obj- lines ------------------------------------------------------------------

def test_obj_atoms_walk_up_the_directories(tmp_path):
    tree = write(tmp_path, {
        "Makefile": "VERSION = 6\n",
        "Kbuild": "obj-y += drivers/\n",
        "drivers/Makefile": "obj-$(CONFIG_MISC) += misc/\n",
        "drivers/misc/Makefile": """\
            obj-$(CONFIG_FROB) += frob.o
            frob-y := frob_core.o frob_pool.o
            obj-y += always.o
            """,
    })
    assert kbuild.obj_atoms(tree, "drivers/misc/always.c") == ["CONFIG_MISC"]
    # A composite object: its parts are built under the composite's option.
    assert kbuild.obj_atoms(tree, "drivers/misc/frob_pool.c") == ["CONFIG_MISC", "CONFIG_FROB"]
    assert kbuild.obj_line(tree, "drivers/misc/frob_pool.c") == "drivers/misc/Makefile:2"
    with pytest.raises(kbuild.NotDerivable):
        kbuild.obj_atoms(tree, "drivers/misc/nowhere.c")


# -- Kconfig ----------------------------------------------------------------------

KCONFIG = """\
config MMU
	def_bool y

menu "Memory"
	depends on MMU

config MIGRATION
	bool "Page migration"
	depends on (NUMA || COMPACTION) && MMU

config COMPACTION
	bool "Compaction"
	select MIGRATION
	select BOUNCE if HIGHMEM

if COMPACTION
config BALLOON_COMPACTION
	bool "Balloon compaction"
	depends on MEMORY_BALLOON
	default y
endif

config ZSMALLOC
	tristate
	prompt "zsmalloc" if ZSWAP || ZRAM

endmenu
"""


@pytest.fixture
def kconfig(tmp_path):
    tree = write(tmp_path, {"Makefile": "VERSION = 6\n", "mm/Kconfig": KCONFIG})
    return kbuild.Kconfig(tree)


def test_symbols_and_their_requirements(kconfig):
    mig = kconfig.symbol("CONFIG_MIGRATION")
    assert (mig.type, mig.file, mig.has_prompt) == ("bool", "mm/Kconfig", True)
    # A disjunction requires none of its alternatives; the menu's depends
    # counts.
    assert mig.required() == ["MMU"]
    bc = kconfig.symbol("BALLOON_COMPACTION")
    assert bc.required() == ["MEMORY_BALLOON", "MMU", "COMPACTION"]
    assert kconfig.implied("BALLOON_COMPACTION") == {"MEMORY_BALLOON", "MMU", "COMPACTION"}
    comp = kconfig.symbol("COMPACTION")
    assert comp.selects == [("MIGRATION", None), ("BOUNCE", "HIGHMEM")]
    assert kconfig.selectors("MIGRATION") == ["COMPACTION"]
    zs = kconfig.symbol("ZSMALLOC")
    assert zs.type == "tristate" and zs.prompt_if == ["ZSWAP || ZRAM"]
    assert kconfig.symbol("NOT_THERE") is None


def test_a_users_configuration_stands_for_full_when_it_has_every_option(kconfig):
    """verify builds the user's configuration in the place of the derived
    'full' when it turns on (=y or =m) every option 'full' would and what
    they depend on, and nothing 'full' turns off beyond what every
    configuration does; else it names what is missing."""
    from verifier.configs import ALWAYS_OFF, DERIVED_OFF, Plan, stands_for
    full = Plan("full", enable=["CONFIG_BALLOON_COMPACTION", "CONFIG_COMPACTION"],
                disable=list(ALWAYS_OFF + DERIVED_OFF),
                selected={"CONFIG_MIGRATION": "CONFIG_COMPACTION"})

    def user(*lines):
        return Plan("user-x", text="\n".join(lines) + "\n", source="x")
    every = ("CONFIG_MMU=y", "CONFIG_MEMORY_BALLOON=y", "CONFIG_COMPACTION=y",
             "CONFIG_BALLOON_COMPACTION=y", "CONFIG_MIGRATION=y",
             # What verify turns off itself does not count.
             "CONFIG_WERROR=y", "CONFIG_MODVERSIONS=y")
    assert stands_for(user(*every), full, kconfig) == []
    # A dependency of a wanted option is off: olddefconfig would drop it.
    assert stands_for(user(*every[:1], *every[2:]), full, kconfig) == ["CONFIG_MEMORY_BALLOON"]
    # A selected option, and a wanted one, missing; =m is on.
    assert stands_for(user("CONFIG_MMU=m", "CONFIG_MEMORY_BALLOON=m",
                           "# CONFIG_COMPACTION is not set", "CONFIG_BALLOON_COMPACTION=y"),
                      full, kconfig) == ["CONFIG_COMPACTION", "CONFIG_MIGRATION"]
    # The first of the user's that stands for it takes its place, first.
    from verifier.configs import with_users
    nc = Plan("no-COMPACTION", disable=["CONFIG_COMPACTION"])
    short, good = user("CONFIG_MMU=y"), user(*every)
    good.name = "user-y"
    plans, notes = with_users([full, nc], [short, good], kconfig)
    assert plans == [good, nc, short]
    assert notes[0] == ("full: made as well as user-x, which has BALLOON_COMPACTION, "
                        "COMPACTION, MEMORY_BALLOON, MIGRATION off")
    assert notes[1] == ("full: not made; user-y turns on all of its options "
                        "(BALLOON_COMPACTION COMPACTION) and builds in its place, "
                        "with W=1 at every commit")
    assert with_users([full, nc], [short], kconfig)[0] == [full, nc, short]
    # An option 'full' has off that the user's has on.
    off = Plan("full", enable=["CONFIG_MMU"], disable=["CONFIG_NUMA", *ALWAYS_OFF])
    assert stands_for(user("CONFIG_MMU=y", "CONFIG_NUMA=y"), off, kconfig) == ["CONFIG_NUMA"]


def test_simplify_drops_implied_atoms_and_formats_guards(kconfig):
    atoms = ["CONFIG_MEMORY_BALLOON", "CONFIG_BALLOON_COMPACTION", "CONFIG_MMU"]
    assert kbuild.simplify(atoms, kconfig) == ["CONFIG_BALLOON_COMPACTION"]
    assert kbuild.format_guard(["CONFIG_A"]) == ("#ifdef CONFIG_A", "#endif /* CONFIG_A */")
    assert kbuild.format_guard(["CONFIG_A", "CONFIG_B"]) == (
        "#if defined(CONFIG_A) && defined(CONFIG_B)",
        "#endif /* defined(CONFIG_A) && defined(CONFIG_B) */")


def test_conjuncts_and_unmet_alternatives(kconfig):
    assert kbuild.conjuncts("A && (B || C) && !D && E=y") == ["A", "E"]
    mig = kconfig.symbol("MIGRATION")
    # (NUMA || COMPACTION) is not a plain disjunction of the whole depends.
    assert kbuild.unmet_alternatives(mig, {}) == []
    zsym = kbuild.Symbol("ZRAM", "f", 1, depends=["LZO || LZ4"])
    assert kbuild.unmet_alternatives(zsym, {}) == ["LZO"]
    assert kbuild.unmet_alternatives(zsym, {"CONFIG_LZ4": "y"}) == []
    assert kbuild.unmet_alternatives(zsym, {}, disable=["CONFIG_LZO"]) == ["LZ4"]


def test_parse_config():
    text = "CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C=m\nCONFIG_S=\"x\"\n"
    assert kbuild.parse_config(text) == {"CONFIG_A": "y", "CONFIG_C": "m", "CONFIG_S": '"x"'}


def test_obj_atoms_of_a_list_named_on_an_obj_line(tmp_path):
    """6.1's mm/Makefile: 'memory-hotplug-$(CONFIG_MEMORY_HOTPLUG) +=
    memory_hotplug.o' and 'obj-y += $(memory-hotplug-y)'."""
    from movops.tree import Tree
    (tmp_path / "mm").mkdir()
    (tmp_path / "mm" / "Makefile").write_text(
        "memory-hotplug-$(CONFIG_MEMORY_HOTPLUG) += memory_hotplug.o\n"
        "obj-y += $(memory-hotplug-y)\n")
    (tmp_path / "mm" / "memory_hotplug.c").write_text("int x;\n")
    assert kbuild.obj_atoms(Tree(tmp_path), "mm/memory_hotplug.c") == ["CONFIG_MEMORY_HOTPLUG"]


def test_an_option_a_target_cannot_set(tmp_path):
    """MEMORY_HOTPLUG depends on 64BIT (v5.18 on): i386 cannot build
    mm/memory_hotplug.c, and verify must say so rather than fail the
    configuration that could not set it (the 6.1 stable form's users)."""
    from kbuildengine.targets import TARGETS
    from verifier import configs
    kc = kbuild.Kconfig(write(tmp_path, {"Makefile": "VERSION = 6\n", "mm/Kconfig": textwrap.dedent("""\
        config 64BIT
        \tbool
        config SPARSEMEM
        \tbool "sparse"
        menuconfig MEMORY_HOTPLUG
        \tbool "Memory hotplug"
        \tdepends on SPARSEMEM
        \tdepends on 64BIT
        config MIGRATION
        \tbool "migration"
        """)}))
    i386 = TARGETS["i386-gcc"].fixed_off
    assert configs.fixed_off_clash(kc, "CONFIG_MEMORY_HOTPLUG", i386) == ["64BIT"]
    assert configs.fixed_off_clash(kc, "CONFIG_MIGRATION", i386) == []
    assert configs.fixed_off_clash(kc, "CONFIG_MEMORY_HOTPLUG",
                                   TARGETS["x86_64-gcc"].fixed_off) == []
    assert configs.unsettable(kc, "CONFIG_MEMORY_HOTPLUG", "x86", i386, "i386-gcc") == \
        "depends on CONFIG_64BIT, which i386-gcc cannot set"
    assert configs.unsettable(kc, "CONFIG_MEMORY_HOTPLUG", "x86") == ""


def test_configuration_plan_end_to_end(tmp_path):
    """configs.plan() on a small git tree with a series, for x86_64 and for
    i386: the options the objects' obj- lines and the changed lines need,
    the configuration with CONFIG_COMPACTION off, and on i386 the option
    it cannot set named with its reason (a name clash inside plan() once
    made every derivation fail, and only a real tree showed it)."""
    from conftest import run
    from kbuildengine.targets import TARGETS
    from verifier import commits, configs

    def git(*args):
        run(["git", "-C", str(tmp_path), *args])

    migrate = "#include <linux/mm.h>\n\nint movops_a(void)\n{\n\treturn 0;\n}\n"
    write(tmp_path, {
        "Makefile": "VERSION = 6\nPATCHLEVEL = 12\n",
        "mm/Kconfig": """\
            config 64BIT
            \tbool
            config MMU
            \tdef_bool y
            config MIGRATION
            \tbool "migration"
            \tdepends on MMU
            config COMPACTION
            \tbool "compaction"
            \tselect MIGRATION
            menuconfig MEMORY_HOTPLUG
            \tbool "Memory hotplug"
            \tdepends on 64BIT
            """,
        "mm/Makefile": "obj-$(CONFIG_MIGRATION) += migrate.o\n"
                       "obj-$(CONFIG_MEMORY_HOTPLUG) += memory_hotplug.o\n",
        "mm/migrate.c": migrate,
        "mm/memory_hotplug.c": "int movops_h;\n"})
    git("init", "-q", "-b", "main")
    git("config", "user.name", "t")
    git("config", "user.email", "t@example.org")
    git("add", "-A")
    git("commit", "-q", "-m", "base")
    git("branch", "base")
    git("checkout", "-q", "-b", "movable-ops")
    (tmp_path / "mm/migrate.c").write_text(migrate.replace(
        "\treturn 0;\n", "#ifdef CONFIG_COMPACTION\n\treturn 1;\n#endif\n\treturn 0;\n"))
    (tmp_path / "mm/memory_hotplug.c").write_text("int movops_h = 1;\n")
    git("commit", "-q", "-a", "-m", "mm: a change under CONFIG_COMPACTION")
    s = commits.resolve(tmp_path, "movable-ops", "base")
    changes = commits.changes(s)
    objects = ["mm/memory_hotplug.o", "mm/migrate.o"]
    kc = kbuild.Kconfig(Tree(tmp_path))

    plans, notes, obj_notes = configs.plan(s, changes, objects, kc, "x86",
                                           TARGETS["x86_64-gcc"].fixed_off, "x86_64-gcc")
    assert [p.name for p in plans] == ["full", "no-COMPACTION"], notes
    full, stub = plans
    assert full.enable == ["CONFIG_MEMORY_HOTPLUG", "CONFIG_MIGRATION", "CONFIG_COMPACTION"]
    assert full.why["CONFIG_MEMORY_HOTPLUG"] == ["obj line of mm/memory_hotplug.c"]
    assert full.why["CONFIG_COMPACTION"] == ["mm/migrate.c:6", "mm/migrate.c:7"]
    assert full.dropped == {}
    assert "CONFIG_COMPACTION" in stub.disable and "CONFIG_COMPACTION" not in stub.enable
    assert (notes, obj_notes) == ([], {})

    plans, notes, _ = configs.plan(s, changes, objects, kc, "x86",
                                   TARGETS["i386-gcc"].fixed_off, "i386-gcc")
    full = plans[0]
    assert "CONFIG_MEMORY_HOTPLUG" not in full.enable
    assert full.dropped == {"CONFIG_MEMORY_HOTPLUG": "depends on CONFIG_64BIT, which i386-gcc "
                            "cannot set (needed by obj line of mm/memory_hotplug.c)"}


def test_selectors_of_other_architectures_are_not_tried(tmp_path):
    """derive_config() turns on a selector of an option without a prompt;
    one defined under another architecture's arch/ only cannot be set
    there (VIRTIO's first selectors are s390's and um's, which cost
    powerpc four rounds of olddefconfig)."""
    kc = kbuild.Kconfig(write(tmp_path, {
        "Makefile": "VERSION = 6\n",
        "arch/s390/Kconfig": "config S390\n\tdef_bool y\n\tselect VIRTIO\n",
        "arch/um/drivers/Kconfig": "config UML_VIRTIO\n\tbool \"um\"\n\tselect VIRTIO\n",
        "arch/powerpc/Kconfig": "config PPC_VIRT\n\tbool \"ppc\"\n\tselect VIRTIO\n",
        "arch/x86/Kconfig": "config BOTH\n\tbool \"both\"\n",
        "arch/powerpc/Kconfig.both": "config BOTH\n\tbool \"both\"\n\tselect VIRTIO\n",
        "drivers/virtio/Kconfig": "config VIRTIO\n\ttristate\n"
                                  "config VIRTIO_PCI\n\ttristate \"pci\"\n\tselect VIRTIO\n",
    }))
    assert kc.arch_dirs("CONFIG_S390") == {"s390"}
    assert kc.arch_dirs("BOTH") == {"powerpc", "x86"}
    assert kc.arch_dirs("VIRTIO_PCI") == set()
    assert kc.arch_dirs("NO_SUCH") == set()
    every = kbuild.settable_selectors(kc, "VIRTIO")
    assert set(every) == {"S390", "UML_VIRTIO", "PPC_VIRT", "BOTH", "VIRTIO_PCI"}
    assert kbuild.settable_selectors(kc, "VIRTIO", "powerpc") == \
        [s for s in every if s in ("PPC_VIRT", "BOTH", "VIRTIO_PCI")]
    assert kbuild.settable_selectors(kc, "VIRTIO", "x86") == \
        [s for s in every if s in ("BOTH", "VIRTIO_PCI")]
