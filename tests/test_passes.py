# SPDX-License-Identifier: GPL-2.0
"""Each pass of the analysis (scripts/movops/passes/) on a small fact set
written here by hand, with and without the blocker it finds: the facts
as the rule file would print them, read by FactSet.parse(), and a small
tree on disk for what a pass reads from the tree (Makefiles, Kconfig,
page-flags.h).  No spatch: the fixture-tree and real-tree tests run the
rule file; these show what each pass concludes from given facts."""
import textwrap

import pytest

from movops import analysis
from movops.factset import FactError, FactSet
from movops.passes import (agreement, decoding, dispatch, flagstep, modules, pagetypes,
                           pipeline, registered, registration, shape, state, users,
                           visibility)
from movops.tree import Tree

TREE = {
    "Makefile": "VERSION = 6\nPATCHLEVEL = 99\n",
    "Kbuild": "obj-y += mm/\n",
    "mm/Kconfig": """\
        config MIGRATION
        	bool "migration"
        config COMPACTION
        	bool "compaction"
        	select MIGRATION
        config FROB
        	bool "frob"
        config TRIFROB
        	tristate "trifrob"
        """,
    "mm/Makefile": "obj-$(CONFIG_MIGRATION) += migrate.o\nobj-$(CONFIG_FROB) += frob.o\n"
                   "obj-$(CONFIG_TRIFROB) += trifrob.o\n",
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
        #ifdef CONFIG_MIGRATION
        int migrate_pages(void);
        #else
        static inline int migrate_pages(void) { return 0; }
        #endif
        """,
    "include/linux/frob.h": "extern const struct movable_operations frob_mops;\n",
    "mm/migrate.c": "#include <linux/migrate.h>\n",
    "mm/frob.c": "#include <linux/frob.h>\n" + "\n" * 18,
    "mm/trifrob.c": "#include <linux/frob.h>\n" + "\n" * 18,
}
ALL = (shape, users, visibility, pagetypes, agreement, registered, decoding, dispatch,
       registration, flagstep, state)


def ctx_of(tmp_path, changes=None, mode="auto"):
    for rel, text in dict(TREE, **(changes or {})).items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text))
    tree = Tree(tmp_path)
    return analysis.context(tree, lines={}, dispatch_mode=mode)


def facts(*rows):
    """A FactSet of ROWS: (kind, file, line, fn, {fields})."""
    return FactSet.parse([dict(kind=k, file=f, line=n, col=0, fn=fn, **kw)
                          for k, f, n, fn, kw in rows])


def upto(name):
    """The passes up to and including NAME, in the pipeline's order."""
    names = [p.NAME for p in ALL]
    return ALL[:names.index(name) + 1]


def kinds(result):
    return [b.kind for b in result.blockers]


# A user that types its page before marking it, and defines its ops in a
# file built under a bool option.
FROB = [
    ("fndef", "mm/frob.c", 3, "frob_add", {"func": "frob_add", "params": "struct page *page"}),
    ("call", "mm/frob.c", 5, "frob_add", {"func": "__SetPageFrob", "args": "page"}),
    ("call", "mm/frob.c", 6, "frob_add", {"func": "__SetPageMovable", "args": "page, &frob_mops"}),
    ("mark", "mm/frob.c", 6, "frob_add", {"page": "page", "ops": "&frob_mops"}),
    ("opsdef", "mm/frob.c", 12, "frob_mops", {"obj": "frob_mops", "callbacks": {}}),
    ("opsdecl_extern", "include/linux/frob.h", 1, "frob_mops", {"obj": "frob_mops"}),
    ("decoding", "include/linux/migrate.h", 9, "page_movable_ops", {"func": "page_movable_ops"}),
    ("decoding_call", "mm/migrate.c", 3, "migrate_one", {"func": "page_movable_ops",
                                                         "arg": "page"}),
]


def without(rows, kind, func=None):
    return [r for r in rows if not (r[0] == kind and (func is None or r[4].get("func") == func))]


# -- facts ---------------------------------------------------------------------

def test_facts_parse_by_kind_and_refuse_what_they_do_not_know():
    fs = facts(*FROB)
    assert [m.ops for m in fs.marks] == ["&frob_mops"]
    assert fs.params_of("mm/frob.c", "frob_add") == ["page"]
    assert [c.func for c in fs.calls_in("mm/frob.c", "frob_add")] == \
        ["__SetPageFrob", "__SetPageMovable"]
    with pytest.raises(FactError, match="unknown fact kind 'marks'"):
        facts(("marks", "a.c", 1, "f", {}))
    with pytest.raises(FactError, match=r"fields \['opps'\]"):
        facts(("mark", "a.c", 1, "f", {"page": "p", "opps": "&o"}))
    u = FactSet.parse([{"kind": "unparsed", "file": "a.c", "line": 3, "col": 0, "last": 9,
                        "functions": ["f"]}]).unparsed[0]
    assert (u.file, u.line, u.last, u.functions) == ("a.c", 3, 9, ("f",))


# -- the pipeline ----------------------------------------------------------------

def test_pipeline_refuses_a_pass_before_what_it_runs_after():
    assert pipeline.order() == list(pipeline.PASSES)
    with pytest.raises(ValueError, match="pass visibility runs after users"):
        pipeline.order((shape, visibility, users))


def test_pipeline_builds_a_plan_without_blockers(tmp_path):
    ctx, fs = ctx_of(tmp_path), facts(*FROB)
    plan = pipeline.build_plan(ctx, fs, pipeline.run(ctx, fs))
    assert plan.blockers == [] and plan.state == "unconverted"
    assert [(b.ops, b.test, b.open) for b in plan.dispatch.branches] == \
        [("frob_mops", "PageFrob", "#ifdef CONFIG_FROB")]


# -- one case with its blocker and one without, per pass --------------------------

def test_shape(tmp_path):
    old = {"include/linux/migrate.h": "void __SetPageMovable(struct page *page, "
                                      "struct address_space *mapping);\n"}
    r = shape.run(ctx_of(tmp_path, old), facts(*FROB), {})
    assert r.pre_v6 and kinds(r) == ["no-movable-operations"]
    assert (r.blockers[0].file, r.blockers[0].line) == ("include/linux/migrate.h", 1)
    r = shape.run(ctx_of(tmp_path), facts(*FROB), {})
    assert not r.pre_v6 and kinds(r) == []


def test_users(tmp_path):
    ctx = ctx_of(tmp_path)
    done = pipeline.run(ctx, facts(*FROB), upto("users"))
    u = done["users"].users["frob_mops"]
    assert kinds(done["users"]) == [] and [(k.file, k.line) for k in u.marks] == \
        [("mm/frob.c", 6)]
    bad = without(FROB, "opsdef") + [
        ("mark", "mm/frob.c", 8, "frob_add", {"page": "page", "ops": "ops"})]
    done = pipeline.run(ctx, facts(*bad), upto("users"))
    assert kinds(done["users"]) == ["unresolved-ops", "ops-not-found"]


def test_users_through_a_forwarding_helper(tmp_path):
    helper = [
        ("opsparam", "mm/frob.c", 2, "set_movable", {"func": "set_movable", "param": "ops",
                                                    "index": 1}),
        ("opsparam_use", "mm/frob.c", 3, "set_movable", {"func": "set_movable",
                                                        "param": "ops"}),
        ("opsparam_call", "mm/frob.c", 3, "set_movable", {
            "func": "set_movable", "param": "ops", "callee": "__SetPageMovable", "index": 1}),
        ("mark", "mm/frob.c", 3, "set_movable", {"page": "page", "ops": "ops"}),
    ]
    rows = without(FROB, "mark") + helper
    done = pipeline.run(ctx_of(tmp_path), facts(*rows), upto("users"))
    # A mark inside the helper is no user by itself.
    assert kinds(done["users"]) == [] and done["users"].users == {}
    assert "set_movable" in done["users"].helpers
    # The helper's caller passes &frob_mops: that call is the marking site.
    rows += [("call", "mm/frob.c", 7, "frob_add",
              {"func": "set_movable", "args": "page, &frob_mops"})]
    done = pipeline.run(ctx_of(tmp_path), facts(*rows), upto("users"))
    u = done["users"].users["frob_mops"]
    assert kinds(done["users"]) == [] and [(k.line, k.via) for k in u.marks] == \
        [(7, ["set_movable"])]


def test_visibility(tmp_path):
    ctx = ctx_of(tmp_path)
    done = pipeline.run(ctx, facts(*FROB), upto("visibility"))
    u = done["visibility"].users["frob_mops"]
    assert kinds(done["visibility"]) == []
    assert (u.guard.open, u.header, u.include, u.module) == \
        ("#ifdef CONFIG_FROB", "include/linux/frob.h", "<linux/frob.h>", None)
    # The input is not changed: the users pass's User has no guard.
    assert done["users"].users["frob_mops"].guard is None
    ctx = ctx_of(tmp_path, {"mm/Makefile": "obj-$(CONFIG_MIGRATION) += migrate.o\n",
                            "mm/frob.c": "\n" * 19})
    rows = without(FROB, "opsdecl_extern")
    done = pipeline.run(ctx, facts(*rows), upto("visibility"))
    assert kinds(done["visibility"]) == ["guard-not-derivable", "no-header"]


def test_pagetypes(tmp_path):
    ctx = ctx_of(tmp_path)
    done = pipeline.run(ctx, facts(*FROB), upto("pagetypes"))
    u = done["pagetypes"].users["frob_mops"]
    assert kinds(done["pagetypes"]) == [] and (u.page_type, u.type_test) == ("Frob", "PageFrob")
    assert u.evidence[0].how == "set in frob_add() before the mark"
    rows = without(FROB, "call", "__SetPageFrob")
    done = pipeline.run(ctx, facts(*rows), upto("pagetypes"))
    assert kinds(done["pagetypes"]) == ["no-page-type"]
    b = done["pagetypes"].blockers[0]
    assert (b.file, b.line, b.user) == ("mm/frob.c", 6, "frob_mops")
    assert "nothing in include/linux/frob.h, mm/frob.c sets one" in b.problem


def test_agreement(tmp_path):
    ctx = ctx_of(tmp_path)
    unmark = [
        ("fndef", "mm/frob.c", 8, "frob_del", {"func": "frob_del", "params": "struct page *p"}),
        ("unmark", "mm/frob.c", 9, "frob_del", {"page": "p"}),
    ]
    done = pipeline.run(ctx, facts(*FROB, *unmark), upto("agreement"))
    assert kinds(done["agreement"]) == ["mark-type-disagree"]
    assert done["agreement"].blockers[0].line == 9
    clear = [("call", "mm/frob.c", 10, "frob_del", {"func": "__ClearPageFrob", "args": "p"})]
    done = pipeline.run(ctx, facts(*FROB, *unmark, *clear), upto("agreement"))
    assert kinds(done["agreement"]) == []
    assert done["agreement"].users["frob_mops"].agreement == [
        "mm/frob.c:9 frob_del(): __ClearPageMovable() then __ClearPageFrob() at line 10"]


def test_registered_warns_of_a_module_never_unregistered(tmp_path):
    ctx = ctx_of(tmp_path)
    reg = [("call", "mm/trifrob.c", 5, "trifrob_init",
            {"func": "set_movable_ops", "args": "&frob_mops, PGTY_frob"})]
    r = registered.run(ctx, facts(*reg), {})
    assert [(x.ops, x.type, x.test) for x in r.registered] == \
        [("frob_mops", "PGTY_frob", "PageFrob")]
    assert len(r.warnings) == 1 and "never unregistered" in r.warnings[0].warning
    unreg = [("call", "mm/trifrob.c", 9, "trifrob_exit",
              {"func": "set_movable_ops", "args": "NULL, PGTY_frob"})]
    r = registered.run(ctx, facts(*reg, *unreg), {})
    assert r.warnings == [] and [u.fn for u in r.registered[0].unregistered] == \
        ["trifrob_exit"]


def test_decoding(tmp_path):
    ctx = ctx_of(tmp_path)
    r = decoding.run(ctx, facts(*FROB), {})
    assert (r.host, r.static, kinds(r)) == ("mm/migrate.c", True, [])
    in_header = [("decoding_call", "include/linux/frob.h", 4, "frob_ops",
                  {"func": "page_movable_ops", "arg": "page"})]
    r = decoding.run(ctx, facts(*in_header), {})
    assert r.host is None and kinds(r) == ["no-dispatch-host"]
    # A second caller that shares no local header with the host.
    rows = FROB + [("decoding_call", "mm/frob.c", 15, "frob_isolate",
                    {"func": "page_movable_ops", "arg": "page"})]
    r = decoding.run(ctx, facts(*rows), {})
    assert not r.static and kinds(r) == ["no-shared-header"]


def test_dispatch_has_no_blockers_but_adapts(tmp_path):
    ctx = ctx_of(tmp_path)
    done = pipeline.run(ctx, facts(*FROB), upto("dispatch"))
    assert kinds(done["dispatch"]) == [] and done["dispatch"].adaptations == []
    rows = FROB + [("decoding", "include/linux/migrate.h", 12, "folio_movable_ops",
                    {"func": "folio_movable_ops"})]
    done = pipeline.run(ctx, facts(*rows), upto("dispatch"))
    assert [a.step for a in done["dispatch"].adaptations] == ["folio-movable-ops-via-page"]


TRIFROB = [(k, f.replace("mm/frob.c", "mm/trifrob.c"), n, fn, kw) for k, f, n, fn, kw in FROB]


def test_registration(tmp_path):
    init = textwrap.dedent("""\
        static int __init trifrob_init(void)
        {
        	return 0;
        }
        module_init(trifrob_init);
        """)
    text = "#include <linux/frob.h>\n" + "\n" * 18 + init
    ctx = ctx_of(tmp_path, {"mm/trifrob.c": text})
    done = pipeline.run(ctx, facts(*TRIFROB), upto("registration"))
    assert kinds(done["registration"]) == ["no-init-path"]
    assert not done["registration"].registration.applies
    rows = TRIFROB + [("initcall", "mm/trifrob.c", 24, "", {"macro": "module_init",
                                                            "func": "trifrob_init"})]
    done = pipeline.run(ctx, facts(*rows), upto("registration"))
    reg = done["registration"].registration
    assert kinds(done["registration"]) == [] and reg.applies
    assert [(e.ops, e.const, e.init.func) for e in reg.entries] == \
        [("frob_mops", "PGTY_frob", "trifrob_init")]
    # --dispatch static: no registration, and nothing to block it.
    done = pipeline.run(ctx_of(tmp_path, mode="static"), facts(*TRIFROB), upto("registration"))
    assert kinds(done["registration"]) == [] and not done["registration"].registration.applies


def test_flagstep(tmp_path):
    unmark = [("unmark", "mm/frob.c", 9, "frob_del", {"page": "p"})]
    r = flagstep.run(ctx_of(tmp_path), facts(*unmark), {"shape": shape.Shape()})
    assert not r.flag_step.applies and "mm/frob.c:9" in r.flag_step.reason
    pf = TREE["include/linux/page-flags.h"] + (
        "static inline bool page_has_movable_ops(const struct page *page)\n{\n"
        "\treturn ((unsigned long)page->mapping & PAGE_MAPPING_FLAGS) ==\n"
        "\t\tPAGE_MAPPING_MOVABLE;\n}\n")
    r = flagstep.run(ctx_of(tmp_path, {"include/linux/page-flags.h": pf}), facts(),
                     {"shape": shape.Shape()})
    assert r.flag_step.applies


def test_state(tmp_path):
    ctx = ctx_of(tmp_path)
    none = {"shape": shape.Shape(), "registered": registered.Registered()}
    assert state.run(ctx, facts(*FROB), none).state == "unconverted"
    assert state.run(ctx, facts(), none).state == "no-users"
    mark1 = [("mark1", "mm/frob.c", 6, "frob_add", {"page": "page"})]
    assert state.run(ctx, facts(*mark1), none).state == "converted"


# -- the one "can this be a module?" ------------------------------------------------

def test_module_evidence_is_one_answer(tmp_path):
    """Built in only under bool options; a tristate option, an option
    without a Kconfig entry or of another type, a header and a file no
    Makefile line builds may all be modules.  The last two are where the
    export check and the registration check used to differ (one said
    module, one built in): bench/analysis-snapshot.py shows no tree the
    tests analyse where it changed the analysis."""
    ctx = ctx_of(tmp_path, {"mm/Makefile": TREE["mm/Makefile"]
                            + "obj-$(CONFIG_GHOST) += ghost.o\n"
                            + "obj-$(CONFIG_NFROB) += nfrob.o\n",
                            "mm/Kconfig": TREE["mm/Kconfig"].rstrip(" ")
                            + "        config NFROB\n        \tint \"n\"\n"})
    assert modules.module_evidence(ctx, "mm/frob.c") is None
    m = modules.module_evidence(ctx, "mm/trifrob.c")
    assert (m.option, m.kconfig) == ("CONFIG_TRIFROB", "mm/Kconfig:8")
    assert m.why.startswith("CONFIG_TRIFROB is tristate, mm/Kconfig:8;")
    assert modules.module_evidence(ctx, "mm/ghost.c").kconfig is None
    # Only bool is built in for sure (the registration check skipped
    # every type but tristate; the export check, only bool).
    assert modules.module_evidence(ctx, "mm/nfrob.c").why.startswith("CONFIG_NFROB is int")
    assert "is not a .c file" in modules.module_evidence(ctx, "include/linux/frob.h").why
    assert "may be a module" in modules.module_evidence(ctx, "mm/nowhere.c").why
