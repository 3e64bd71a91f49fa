# SPDX-License-Identifier: GPL-2.0
"""Where the registration goes in an init function, and how the init's
failures give it up (scripts/movops/initpath.py): pure functions of the
function's text, tested on the shapes of the real trees and on the shapes
they refuse."""
import textwrap

import pytest

from movops import initpath

CALL = "set_movable_ops(&zsmalloc_mops, PGTY_zsmalloc)"
UNREG = "set_movable_ops(NULL, PGTY_zsmalloc)"
GUARD = ("#ifdef CONFIG_COMPACTION", "#endif")


def fn(text):
    return textwrap.dedent(text).strip("\n").splitlines()


# zs_init() of Debian's 6.12 and 6.1 (with its zpool part).
ZS_612 = fn("""\
    static int __init zs_init(void)
    {
    	int ret;

    	ret = cpuhp_setup_state(CPUHP_MM_ZS_PREPARE, "mm/zsmalloc:prepare",
    				zs_cpu_prepare, zs_cpu_dead);
    	if (ret)
    		goto out;

    #ifdef CONFIG_ZPOOL
    	zpool_register_driver(&zs_zpool_driver);
    #endif

    	zs_stat_init();

    	return 0;

    out:
    	return ret;
    }
    """)


def test_6_12_registers_first_and_unregisters_on_out():
    d = initpath.decide("zs_init", ZS_612)
    assert isinstance(d, initpath.Decision)
    assert (d.var, d.declare, d.before, d.labels, d.returns) == \
        ("ret", False, "cpuhp_setup_state", ["out"], [])
    assert d.sentence() == ("zs_init(): set_movable_ops() first, before cpuhp_setup_state(); "
                            "unregistered on the 'out' error path")
    assert initpath.render(ZS_612, d, CALL, UNREG, GUARD) == fn("""\
        static int __init zs_init(void)
        {
        	int ret;

        #ifdef CONFIG_COMPACTION
        	ret = set_movable_ops(&zsmalloc_mops, PGTY_zsmalloc);
        	if (ret)
        		return ret;
        #endif

        	ret = cpuhp_setup_state(CPUHP_MM_ZS_PREPARE, "mm/zsmalloc:prepare",
        				zs_cpu_prepare, zs_cpu_dead);
        	if (ret)
        		goto out;

        #ifdef CONFIG_ZPOOL
        	zpool_register_driver(&zs_zpool_driver);
        #endif

        	zs_stat_init();

        	return 0;

        out:
        #ifdef CONFIG_COMPACTION
        	set_movable_ops(NULL, PGTY_zsmalloc);
        #endif
        	return ret;
        }
        """)


def test_nothing_can_fail_after_it_and_a_new_variable():
    lines = fn("""\
        static int __init zs_init(void)
        {
        	zs_stat_init();
        	return 0;
        }
        """)
    d = initpath.decide("zs_init", lines)
    assert (d.var, d.declare, d.labels, d.returns) == ("err", True, [], [])
    assert d.sentence() == ("zs_init(): set_movable_ops() first, before zs_stat_init(); "
                            "nothing after it can fail")
    assert initpath.render(lines, d, CALL, UNREG, GUARD) == fn("""\
        static int __init zs_init(void)
        {
        #ifdef CONFIG_COMPACTION
        	int err = set_movable_ops(&zsmalloc_mops, PGTY_zsmalloc);

        	if (err)
        		return err;
        #endif

        	zs_stat_init();
        	return 0;
        }
        """)


def test_several_labels_and_a_direct_failure_return():
    """The unwinding a fixture proves (init-error-labels): a failure return
    before the labels gets braces and an unregistration, the labels one
    unregistration before their return; the registration's own failure
    returns at once, so it never unregisters whoever holds the type."""
    lines = fn("""\
        static int __init frob_init(void)
        {
        	struct frob *f;
        	int ret = 0;

        	f = frob_create();
        	if (!f)
        		return -ENOMEM;

        	ret = frob_grow(f);
        	if (ret) {
        		pr_err("no page (%d) {\\"\\n", ret);	/* a ( in a comment */
        		goto err_frob;
        	}

        	ret = frob_register(f,
        			    FROB_FLAGS);
        	if (ret)
        		goto err_shrink;

        	return 0;

        err_shrink:
        	frob_shrink(f);
        err_frob:
        	frob_destroy(f);
        	return ret;
        }
        """)
    d = initpath.decide("frob_init", lines)
    assert (d.var, d.declare, d.before, d.labels) == \
        ("ret", False, "frob_create", ["err_shrink", "err_frob"])
    assert d.sentence(100, "f.c") == (
        "frob_init(): set_movable_ops() first, before frob_create(); unregistered on the "
        "'err_shrink', 'err_frob' error paths and before the failure return at f.c:107")
    out = initpath.render(lines, d, "set_movable_ops(&frob_mops, PGTY_frob)",
                          "set_movable_ops(NULL, PGTY_frob)")
    assert out == fn("""\
        static int __init frob_init(void)
        {
        	struct frob *f;
        	int ret = 0;

        	ret = set_movable_ops(&frob_mops, PGTY_frob);
        	if (ret)
        		return ret;

        	f = frob_create();
        	if (!f) {
        		set_movable_ops(NULL, PGTY_frob);
        		return -ENOMEM;
        	}

        	ret = frob_grow(f);
        	if (ret) {
        		pr_err("no page (%d) {\\"\\n", ret);	/* a ( in a comment */
        		goto err_frob;
        	}

        	ret = frob_register(f,
        			    FROB_FLAGS);
        	if (ret)
        		goto err_shrink;

        	return 0;

        err_shrink:
        	frob_shrink(f);
        err_frob:
        	frob_destroy(f);
        	set_movable_ops(NULL, PGTY_frob);
        	return ret;
        }
        """)


def test_failure_return_in_a_block_and_a_multi_line_condition():
    lines = fn("""\
        static int __init gizmo_init(void)
        {
        	gizmo = gizmo_create();
        	if (!gizmo ||
        	    gizmo_broken(gizmo))
        		return -ENODEV;
        	if (gizmo_start(gizmo)) {
        		gizmo_free(gizmo);
        		return -EIO;
        	}
        	return 0;
        }
        """)
    d = initpath.decide("gizmo_init", lines)
    assert len(d.returns) == 2
    out = initpath.render(lines, d, "set_movable_ops(&g, PGTY_g)", "set_movable_ops(NULL, PGTY_g)")
    assert "\n".join(out[8:17]) == (
        "\tif (!gizmo ||\n"
        "\t    gizmo_broken(gizmo)) {\n"
        "\t\tset_movable_ops(NULL, PGTY_g);\n"
        "\t\treturn -ENODEV;\n"
        "\t}\n"
        "\tif (gizmo_start(gizmo)) {\n"
        "\t\tgizmo_free(gizmo);\n"
        "\t\tset_movable_ops(NULL, PGTY_g);\n"
        "\t\treturn -EIO;")


@pytest.mark.parametrize("body, problem", [
    ("""\
        	struct pool *p = pool_create();

        	if (!p)
        		return -ENOMEM;
        	return 0;
     """, "has an effect in a declaration ('struct pool *p = pool_create();' calls "
          "pool_create())"),
    ("""\
        	int ret;

        	ret = a();
        	if (ret)
        		goto out;
        	b();
        out:
        	return ret;
     """, "does not end its success path with a return before its label 'out'"),
    ("""\
        	a();
        	return b();
     """, "ends with 'return b();', which can fail after set_movable_ops()"),
    ("""\
        	int ret;

        	ret = a();
        	if (ret)
        		goto out;
        	return 0;
        out:
        	if (ret == -EAGAIN)
        		return 0;
        	return ret;
     """, "error labels do not end in one return"),
    ("""\
        	if (a()) return -EIO;
        	return 0;
     """, "fails with 'if (a()) return -EIO;' in a shape the series does not rewrite"),
    ("""\
        	if (a())
        		return -EIO;
        	else
        		b();
        	return 0;
     """, "fails with 'return -EIO;' in a shape the series does not rewrite"),
    ("""\
        	if (a())
        		goto nowhere;
        	return 0;
     """, "jumps to 'nowhere', which is not one of its error labels"),
])
def test_shapes_that_would_leak_are_refused(body, problem):
    # The body's lines are indented by 8 spaces here, then its tabs.
    lines = ["static int __init x_init(void)", "{"] + \
        [line[8:] for line in body.rstrip().splitlines()] + ["}"]
    d = initpath.decide("x_init", lines)
    assert isinstance(d, initpath.Refusal), d
    assert problem in d.problem, d.problem
    assert d.fix


def test_parse_reads_statements_labels_and_preprocessor_lines():
    kinds = [(s.kind, s.name) for s in initpath.parse(ZS_612)]
    assert kinds == [("decl", "ret"), ("stmt", None), ("stmt", None), ("cpp", None),
                     ("stmt", None), ("cpp", None), ("stmt", None), ("return", None),
                     ("label", "out"), ("return", None)]
