# SPDX-License-Identifier: GPL-2.0
"""The runtime proof (scripts/bootcheck, scripts/runtime-check.py).

Most tests here judge captured guest output and run in milliseconds without
QEMU.  The one marked 'runtime' builds the converted 6.12 kernel, boots it
with 2 CPUs, and runs the negative control; it reuses the build cache in
$MOVOPS_CACHE/runtime, so a rerun costs about a minute.

The converted tree comes from scripts/apply-series.sh --prereq drop-z3fold
on a clone of the cached 6.12 tree (conftest.clone_tree), kept in the cache
and converted again when the series' inputs change.
"""
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bootcheck import callbacks, check, fault, initramfs, modules, negctl, verdict
from bootcheck.report import render, verify_rows
from conftest import REPO, SCRIPTS, clone_tree, run
from core import cache
from core.errors import EnvironmentFailure
from core.locks import Lock

SAMPLES = REPO / "tests" / "runtime" / "samples"
USERS = [
    {"ops": "balloon_mops", "file": "mm/balloon_compaction.c", "line": 1,
     "migrate_page": "balloon_page_migrate"},
    {"ops": "zsmalloc_mops", "file": "mm/zsmalloc.c", "line": 1,
     "migrate_page": "zs_page_migrate"},
]


@pytest.fixture
def sample():
    ctl = (SAMPLES / "pass.ctl").read_text()
    console = (SAMPLES / "pass.console").read_text()
    return ctl, console


def judge(ctl, console, **kw):
    rep = verdict.parse_report(ctl)
    return verdict.judge(rep, console, verdict.exercised_users(USERS), **kw)


# -- verdict on captured output -------------------------------------------------

def test_captured_pass_passes(sample):
    ok, reasons = judge(*sample)
    assert ok, reasons
    # Recorded from a real run that ended in the guest's ACPI power-off.
    assert verdict.POWER_OFF_MARKER in sample[1]
    assert verdict.power_off_problem(sample[1], exit_code=0) is None


def _captured(name):
    return ((SAMPLES / f"{name}.ctl").read_text(), (SAMPLES / f"{name}.console").read_text())


def test_captured_negative_control_without_balloon_branch():
    # The converted 6.12 kernel with 'if (PageOffline(page)) return
    # &balloon_mops;' removed: it runs to the end, data intact, no warning,
    # but no balloon page moves.
    ok, reasons = judge(*_captured("negctl-no-balloon-branch"))
    assert not ok
    assert len(reasons) == 2, reasons
    assert "balloon pages were not migrated: balloon_page_migrate() called 0 times" in reasons[0]
    assert reasons[1].startswith("balloon_migrate rose by 0")


def test_captured_negative_control_without_zsmalloc_branch():
    # With the zsmalloc branch removed, DEBUG_VM catches the first zspage
    # freed: VM_BUG_ON_PAGE(!PageMovable(page)) in __ClearPageMovable().
    ctl, console = _captured("negctl-no-zsmalloc-branch")
    ok, reasons = judge(ctl, console, exit_code=0, error="guest stopped during the "
                        "compact phase (QEMU exit status 0)")
    assert not ok
    text = "\n".join(reasons)
    for what in ("test program did not finish", "DEBUG_VM page dump", "kernel BUG",
                 "oops", "kernel panic"):
        assert what in text, what
    assert "VM_BUG_ON_PAGE(!PageMovable(page))" in text
    # The panic's reboot ended QEMU (-no-reboot) with status 0: no power-off.
    assert verdict.POWER_OFF_MARKER not in console
    assert ("guest did not power off cleanly: the kernel panicked; its reboot, "
            "not a power-off, ended QEMU") in reasons


def test_counters_from_captured_run(sample):
    c = verdict.counters(verdict.parse_report(sample[0]))
    assert c["before"]["kprobe:zsmalloc_mops"] <= c["after"]["kprobe:zsmalloc_mops"]
    assert c["delta"]["kprobe:balloon_mops"] >= verdict.MIN_MIGRATED
    assert c["delta"]["kprobe:zsmalloc_mops"] >= verdict.MIN_MIGRATED
    assert c["delta"]["vmstat:balloon_migrate"] == c["delta"]["kprobe:balloon_mops"]


def _set_stat(ctl, when, name, value):
    return re.sub(rf"^STAT {when} {re.escape(name)} .*$", f"STAT {when} {name} {value}",
                  ctl, flags=re.M)


def test_zsmalloc_not_migrated_fails(sample):
    ctl, console = sample
    before = verdict.parse_report(ctl)["stats"]["before"]["kprobe:zsmalloc_mops"]
    ctl = _set_stat(ctl, "after", "kprobe:zsmalloc_mops", before + 3)
    ok, reasons = judge(ctl, console)
    assert not ok
    assert any("zsmalloc pages were not migrated" in r and "called 3 times" in r
               for r in reasons), reasons


def test_balloon_vmstat_must_rise_too(sample):
    ctl, console = sample
    before = verdict.parse_report(ctl)["stats"]["before"]["vmstat:balloon_migrate"]
    ok, reasons = judge(_set_stat(ctl, "after", "vmstat:balloon_migrate", before), console)
    assert not ok and any("balloon_migrate rose by 0" in r for r in reasons), reasons


def test_missing_vmstat_counter_fails(sample):
    ctl, console = sample
    ctl = _set_stat(ctl, "after", "vmstat:balloon_migrate", "missing")
    ok, reasons = judge(ctl, console)
    assert not ok and any("balloon_migrate missing" in r for r in reasons), reasons


@pytest.mark.parametrize("line, what", [
    ("[   12.345678] WARNING: CPU: 1 PID: 60 at mm/migrate.c:170 migrate_pages+0x1/0x2",
     "kernel warning"),
    ("[   12.345678] BUG: Bad page state in process movtest  pfn:12345", "kernel BUG"),
    ("[   12.345678] kernel BUG at mm/compaction.c:142!", "kernel BUG"),
    ("[   12.345678] Oops: invalid opcode: 0000 [#1] SMP", "oops"),
    ("[   12.345678] page dumped because: VM_BUG_ON_PAGE(!PageMovable(page))",
     "DEBUG_VM page dump"),
])
def test_kernel_log_problems_fail(sample, line, what):
    ctl, console = sample
    lines = console.splitlines()
    lines.insert(len(lines) // 2, line)
    ok, reasons = judge(ctl, "\n".join(lines))
    assert not ok
    assert any(r.startswith(what) for r in reasons), reasons


def test_benign_log_lines_pass(sample):
    ctl, console = sample
    console += "\n[    9.1] virtio_balloon virtio0: Out of puff! Can't get 1 pages\n"
    ok, reasons = judge(ctl, console)
    assert ok, reasons


def test_memory_pressure_messages_are_notes_not_failures(sample):
    ctl, console = sample
    console += ("\n[    8.5] kworker/1:1: page allocation failure: order:0, "
                "mode:0x40c00(GFP_NOIO|__GFP_COMP), nodemask=(null)"
                "\n[    8.6] Write-error on swap-device (254:0:161472)\n")
    ok, reasons = judge(ctl, console)
    assert ok, reasons
    bad, notes = verdict.log_problems(console)
    assert not bad
    assert [w for w, _ in notes][-2:] == ["allocation failure under memory pressure",
                                         "swap write error under memory pressure"]


def test_kmsg_seen_by_guest_counts(sample):
    ctl, console = sample
    ctl = ctl.replace("KMSG warnings=0 bugs=0", "KMSG warnings=1 bugs=0")
    ok, reasons = judge(ctl, console)
    assert not ok and any("1 warnings" in r for r in reasons), reasons


def test_checksum_mismatch_fails(sample):
    ctl, console = sample
    ctl = re.sub(r"^CHECK pages=(\d+) bad=0 first_bad=-1", r"CHECK pages=\1 bad=7 first_bad=42",
                 ctl, flags=re.M)
    ok, reasons = judge(ctl, console)
    assert not ok
    assert any("corrupt" in r and "7 of" in r and "page 42" in r for r in reasons), reasons


def test_data_not_in_zram_fails(sample):
    ctl, console = sample
    ok, reasons = judge(_set_stat(ctl, "before", "zram:orig_pages", 10), console)
    assert not ok and any("was not in zram" in r for r in reasons), reasons


def test_unfinished_program_and_no_shutdown_fail(sample):
    ctl, console = sample
    ctl = "\n".join(l for l in ctl.splitlines() if not l.startswith(("DONE", "CHECK", "KMSG")))
    console = "\n".join(l for l in console.splitlines() if "reboot:" not in l)
    ok, reasons = judge(ctl, console)
    assert not ok
    assert "test program did not finish" in reasons
    assert ("guest did not power off cleanly: no 'reboot: Power down' line from the kernel"
            in reasons), reasons


def _ending(console, *last):
    """CONSOLE up to /init's last message, then the kernel lines LAST
    instead of the power-off."""
    lines = console.splitlines()
    end = next(i for i, l in enumerate(lines) if "movops-init: movtest exited" in l)
    assert any(verdict.POWER_OFF_MARKER in l for l in lines[end + 1:])
    return "\n".join(lines[:end + 1] + [f"[   10.784643] {l}" for l in last]) + "\n"


def test_restart_is_not_a_power_off(sample):
    # What the guest printed when /init ended with 'reboot -f': QEMU, run
    # with -no-reboot, exits with status 0 there too, but the guest did not
    # power off.
    ctl, console = sample
    console = _ending(console, "reboot: Restarting system", "reboot: machine restart")
    ok, reasons = judge(ctl, console, exit_code=0)
    assert not ok
    assert reasons == ["guest did not power off cleanly: the kernel restarted ('reboot: "
                       "Restarting system') instead of powering off; QEMU exited only "
                       "because it runs with -no-reboot"], reasons


def test_halt_is_not_a_power_off(sample):
    # A kernel without a power-off handler halts on 'poweroff -f': QEMU
    # stays, and the host kills it at the end of the poweroff phase.
    ctl, console = sample
    console = _ending(console, "reboot: System halted")
    ok, reasons = judge(ctl, console, exit_code=None, timeout="poweroff")
    assert not ok
    assert reasons[0] == "guest timed out in the poweroff phase"
    assert reasons[1].startswith("guest did not power off cleanly: the kernel halted")


def test_power_down_needs_qemu_exit_status_0(sample):
    ctl, console = sample
    ok, reasons = judge(ctl, console, exit_code=1)
    assert not ok
    assert ("guest did not power off cleanly: QEMU exit status 1 after the kernel's "
            "'reboot: Power down'") in reasons, reasons
    ok, reasons = judge(ctl, console, exit_code=None)
    assert not ok and "guest did not power off cleanly: QEMU did not exit by itself" in reasons


def test_program_failure_reported(sample):
    ctl, console = sample
    ctl += "\nFAIL host could not inflate the balloon: BALLOON-FAIL timeout\n"
    ok, reasons = judge(ctl, console)
    assert not ok and any("host could not inflate" in r for r in reasons), reasons


def test_timeout_and_exit_status(sample):
    ctl, console = sample
    ok, reasons = judge(ctl, console, timeout="compact")
    assert not ok and "guest timed out in the compact phase" in reasons
    ok, reasons = judge(ctl, console, exit_code=1)
    assert not ok and any("exit status 1" in r for r in reasons), reasons


def test_smp_run_needs_all_cpus(sample):
    ctl, console = sample
    assert judge(ctl, console, cpus=2)[0]
    ok, reasons = judge(ctl.replace("HELLO cpus=2", "HELLO cpus=1"), console, cpus=2)
    assert not ok and "the guest runs on 1 CPUs, QEMU gave it 2" in reasons


def test_failed_probe_fails(sample):
    ctl, console = sample
    ctl = ctl.replace("PROBE zsmalloc_mops zs_page_migrate ok",
                      "PROBE zsmalloc_mops zs_page_migrate error No such file or directory")
    ok, reasons = judge(ctl, console)
    assert not ok and any("kprobe on zs_page_migrate" in r for r in reasons), reasons


def test_user_missing_from_tree_fails(sample):
    rep = verdict.parse_report(sample[0])
    ok, reasons = verdict.judge(rep, sample[1], verdict.exercised_users(USERS[:1]))
    assert not ok and any("no zsmalloc movable_ops user" in r for r in reasons), reasons


def test_unexercised_users_are_not_judged():
    users = USERS + [{"ops": "z3fold_mops", "file": "mm/z3fold.c", "line": 1,
                      "migrate_page": "z3fold_page_migrate"}]
    assert [u["role"] for u in verdict.exercised_users(users)] == ["balloon", "zsmalloc"]


def _guest_result(name, ctl, console, plan=None):
    """A bootcheck result's guest entry made from captured output, as
    check._guest_run() makes it from a run."""
    rep = verdict.parse_report(ctl)
    ok, reasons = verdict.judge(rep, console, verdict.exercised_users(USERS), modules=plan)
    bad, _ = verdict.log_problems_by_phase(console)
    run_ = {"cpus": 2, "accel": "tcg", "ok": ok, "verdict": "pass" if ok else "fail",
            "reasons": reasons, "boot_s": 2.0, "run_s": 60.0, "check": rep["check"],
            "counters": verdict.counters(rep), "logs": "/logs",
            "log_problems": [{"what": w, "line": l, "phase": ph} for w, l, ph in bad]}
    if plan:
        u = verdict.unload_result(rep, plan)
        run_["modules"] = {"loaded": rep["modules"], "steps": u["steps"], "notes": u["notes"],
                           "post_unload": {}, "fault": verdict.fault_result(rep, plan)}
    return {"guest": name, "ok": ok, "verdict": run_["verdict"], "reasons": reasons,
            "build_s": 1.0, "boot_s": 2.0, "counters": run_["counters"], "run": run_,
            "kernel": {"modules": plan}, "timings": {}, "errors": []}


def _result(guests, **kw):
    out = {"ok": True, "guests": guests, "negative_control": None, "static_control": None,
           "summary": "x", "modules": "both",
           "kernel": {"kdir": "/k", "rev": "r", "commit": "c" * 40, "version": "6.12"},
           "users": [dict(u, exercised=True) for u in USERS], "timings": {}, "errors": []}
    out.update(kw)
    return out


def test_report_renders(sample):
    result = _result({"builtin": _guest_result("builtin", *sample)})
    text = render(result)
    assert "zs_page_migrate() calls (zsmalloc_mops, kprobe)" in text
    assert "built-in guest: PASS" in text
    json.dumps(result)
    rows = verify_rows(result)
    assert [r["name"] for r in rows] == ["runtime-builtin"] and rows[0]["status"] == "pass"


# -- negative control mutation ------------------------------------------------------

DISPATCH = """\
#include "internal.h"

const struct movable_operations *page_movable_ops(struct page *page)
{
	VM_BUG_ON(!__PageMovable(page));

#ifdef CONFIG_BALLOON_COMPACTION
	if (PageOffline(page))
		/* Only balloon compaction sets PageOffline pages movable. */
		return &balloon_mops;
#endif /* CONFIG_BALLOON_COMPACTION */
#if defined(CONFIG_ZSMALLOC) && defined(CONFIG_COMPACTION)
	if (PageZsmalloc(page))
		return &zsmalloc_mops;
#endif
	return NULL;
}

static int other(struct page *page)
{
	if (PageOffline(page))
		return 1;
	return 0;
}
"""


def test_mutation_drop_removes_last_branch():
    text, desc = negctl.mutate(DISPATCH, "drop-last")
    assert "PageZsmalloc" not in text and "&zsmalloc_mops" not in text
    assert "return &balloon_mops;" in text
    assert text.count("if (PageOffline(page))") == 2     # other() untouched
    assert "PageZsmalloc(page)" in desc


def test_mutation_drop_first_removes_branch_and_its_comment():
    text, desc = negctl.mutate(DISPATCH, negctl.DEFAULT_MODE)
    assert negctl.DEFAULT_MODE == "drop-first"
    assert "&balloon_mops" not in text and "Only balloon compaction" not in text
    assert "#ifdef CONFIG_BALLOON_COMPACTION\n#endif" in text
    assert "return &zsmalloc_mops;" in text
    assert text.count("if (PageOffline(page))") == 1     # other() untouched
    assert "PageOffline(page)" in desc


def test_mutation_swap_exchanges_tests():
    text, desc = negctl.mutate(DISPATCH, "swap")
    body = text[:text.index("static int other")]
    assert body.index("PageZsmalloc(page)") < body.index("&balloon_mops")
    assert body.index("PageOffline(page)") > body.index("&balloon_mops")
    assert body.index("PageOffline(page)") < body.index("&zsmalloc_mops")
    assert "static int other(struct page *page)\n{\n\tif (PageOffline(page))" in text


def test_mutation_needs_the_dispatch():
    with pytest.raises(EnvironmentFailure):
        negctl.mutate("static int x(void)\n{\n\treturn 0;\n}\n", "drop-first")


def test_mutated_file_is_restored(tmp_path):
    src, build = tmp_path / "src", tmp_path / "build"
    (src / "mm").mkdir(parents=True)
    (build / "mm").mkdir(parents=True)
    f = src / "mm" / "migrate.c"
    f.write_text(DISPATCH)
    os.utime(f, (1000000000, 1000000000))
    (build / "mm" / "migrate.o").write_text("old object")
    with negctl.Mutated(src, build, "drop-last") as m:
        assert "PageZsmalloc" not in f.read_text()
        assert not (build / "mm" / "migrate.o").exists()   # forced to rebuild
        m.built()
    assert f.read_text() == DISPATCH
    assert os.stat(f).st_mtime == 1000000000


# The dispatch once the users register their ops (the registration step's
# text on 6.12): one pointer per page type, no guards, no '&', and a
# kernel-doc comment before it that names page_movable_ops().
REGISTERED_DISPATCH = """\
static const struct movable_operations *offline_movable_ops;
static const struct movable_operations *zsmalloc_movable_ops;

/**
 * set_movable_ops - register the movable_ops of the pages of one page type
 * @ops: the movable_operations of the user of that type, or NULL to
 *       unregister them
 * @type: the page type that identifies the user's pages
 *
 * page_movable_ops() finds a page's movable_ops from its page type.  A
 * user registers its ops before it marks any page movable, from code
 * that is built exactly when its ops are (its module's init function,
 * or an initcall), and unregisters them when its module goes.
 */
int set_movable_ops(const struct movable_operations *ops, enum pagetype type)
{
	switch (type) {
	case PGTY_offline:
		if (offline_movable_ops && ops)
			return -EBUSY;
		offline_movable_ops = ops;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(set_movable_ops);

const struct movable_operations *page_movable_ops(struct page *page)
{
	VM_BUG_ON(!__PageMovable(page));

	/*
	 * If we enable page migration for a page of a certain type by marking
	 * it as movable, the page type must be sticky until the page gets freed
	 * back to the buddy.
	 */
	if (PageOffline(page))
		/* Only balloon compaction sets PageOffline pages movable. */
		return offline_movable_ops;
	if (PageZsmalloc(page))
		return zsmalloc_movable_ops;
	return NULL;
}
"""


@pytest.mark.parametrize("mode, gone, kept", [
    ("drop-first", "return offline_movable_ops;", "return zsmalloc_movable_ops;"),
    ("drop-last", "return zsmalloc_movable_ops;", "return offline_movable_ops;"),
])
def test_mutation_of_the_registered_dispatch(mode, gone, kept):
    text, desc = negctl.mutate(REGISTERED_DISPATCH, mode)
    body = text[text.index("*page_movable_ops("):]
    assert gone not in body and kept in body
    assert f"{gone[:-1]};'" in desc and desc.startswith("mm/migrate.c: page_movable_ops(): "
                                                        "removed the branch 'if (Page")
    # set_movable_ops() is not the dispatch: untouched.
    assert text[:text.index("*page_movable_ops(")] == \
        REGISTERED_DISPATCH[:REGISTERED_DISPATCH.index("*page_movable_ops(")]


def test_swap_of_the_registered_dispatch():
    text, desc = negctl.mutate(REGISTERED_DISPATCH, "swap")
    body = text[text.index("*page_movable_ops("):]
    assert body.index("PageZsmalloc(page)") < body.index("return offline_movable_ops;") \
        < body.index("PageOffline(page)") < body.index("return zsmalloc_movable_ops;")
    assert desc.endswith("swapped the tests PageOffline(page) and PageZsmalloc(page)")


# -- the modules of the modular guest -------------------------------------------------

# What depmod wrote for the modular 6.12 guest (modules.dep, modules.order),
# and what kbuild's .mod files list: zram.ko needs zsmalloc.ko and the lzo
# modules (LZO_COMPRESS follows ZRAM to =m).
MODULES_DEP = """\
kernel/mm/zsmalloc.ko:
kernel/lib/lzo/lzo_compress.ko:
kernel/lib/lzo/lzo_decompress.ko:
kernel/drivers/virtio/virtio_balloon.ko:
kernel/drivers/block/zram/zram.ko: kernel/lib/lzo/lzo_decompress.ko kernel/lib/lzo/lzo_compress.ko kernel/mm/zsmalloc.ko
"""
MODULES_ORDER = ["kernel/mm/zsmalloc.ko", "kernel/lib/lzo/lzo_compress.ko",
                 "kernel/lib/lzo/lzo_decompress.ko", "kernel/drivers/virtio/virtio_balloon.ko",
                 "kernel/drivers/block/zram/zram.ko"]
MEMBERS = {"kernel/mm/zsmalloc.ko": ["mm/zsmalloc.c"],
           "kernel/lib/lzo/lzo_compress.ko": ["lib/lzo/lzo1x_compress.c"],
           "kernel/lib/lzo/lzo_decompress.ko": ["lib/lzo/lzo1x_decompress_safe.c"],
           "kernel/drivers/block/zram/zram.ko": [
               "drivers/block/zram/zcomp.c", "drivers/block/zram/zram_drv.c",
               "drivers/block/zram/backend_lzorle.c", "drivers/block/zram/backend_lzo.c"],
           "kernel/drivers/virtio/virtio_balloon.ko": ["drivers/virtio/virtio_balloon.c"]}
USER_FILES = ["mm/balloon_compaction.c", "mm/zsmalloc.c"]


def test_module_load_order_follows_modules_dep():
    deps = modules.parse_dep(MODULES_DEP)
    assert deps["kernel/drivers/block/zram/zram.ko"] == [
        "kernel/lib/lzo/lzo_decompress.ko", "kernel/lib/lzo/lzo_compress.ko",
        "kernel/mm/zsmalloc.ko"]
    # The dependency decides, whatever order modules.order (or none) gives.
    for order in (MODULES_ORDER, list(reversed(MODULES_ORDER)), []):
        load = modules.load_order(deps, order)
        for dep in deps["kernel/drivers/block/zram/zram.ko"]:
            assert load.index(dep) < load.index("kernel/drivers/block/zram/zram.ko"), order
        assert sorted(load) == sorted(deps)
    assert modules.load_order(deps, MODULES_ORDER) == MODULES_ORDER
    # A dependency modules.dep lists that is not built is still loaded first.
    deep = modules.parse_dep("a.ko: c.ko b.ko\nb.ko: c.ko\nc.ko:\n")
    assert modules.load_order(deep, ["a.ko", "b.ko", "c.ko"]) == ["c.ko", "b.ko", "a.ko"]


def test_module_dependency_cycle_is_an_error():
    with pytest.raises(EnvironmentFailure, match="cycle: a -> b -> a"):
        modules.load_order(modules.parse_dep("a.ko: b.ko\nb.ko: a.ko\n"))


def test_module_plan():
    plan = modules.plan(modules.parse_dep(MODULES_DEP), MODULES_ORDER, MEMBERS, USER_FILES)
    assert [plan["names"][m] for m in plan["load"]] == [
        "zsmalloc", "lzo_compress", "lzo_decompress", "virtio_balloon", "zram"]
    assert plan["holders"] == {"zsmalloc": ["mm/zsmalloc.c"]}
    # zram goes before the zsmalloc it uses; the balloon driver holds no
    # ops (they are in mm/balloon_compaction.c, built in) and goes last,
    # with the lzo modules, free once zram is gone.
    assert plan["unload"] == ["zram", "zsmalloc"]
    assert plan["reload"] == ["zsmalloc"]
    assert plan["late"] == ["virtio_balloon", "lzo_decompress", "lzo_compress"]
    # What the 6.12 guest's kernel command line said.
    assert check.module_args(plan) == (
        "movops.modules=zsmalloc,lzo_compress,lzo_decompress,virtio_balloon,zram "
        "movops.unload=zram,zsmalloc movops.reload=zsmalloc "
        "movops.unload_late=virtio_balloon,lzo_decompress,lzo_compress")
    assert check.module_args(None) == ""


def test_module_names_and_members():
    assert modules.name("kernel/drivers/virtio/virtio-balloon.ko") == "virtio_balloon"
    assert modules.name("kernel/mm/zsmalloc.ko.xz") == "zsmalloc"
    # A kbuild .mod file: the objects a module is linked from.
    assert modules.members_from_mod("drivers/block/zram/zcomp.o drivers/block/zram/"
                                    "zram_drv.o\n") == ["drivers/block/zram/zcomp.c",
                                                        "drivers/block/zram/zram_drv.c"]


def test_modules_plan_for_a_staged_build(tmp_path):
    build = tmp_path / "build"
    moddir = build / "staging" / "lib" / "modules" / "6.12.117"
    for m in MODULES_ORDER:
        (moddir / m).parent.mkdir(parents=True, exist_ok=True)
        (moddir / m).write_bytes(b"\x7fELF" + m.encode())
        mod = build / (m[len("kernel/"):-len(".ko")] + ".mod")
        mod.parent.mkdir(parents=True, exist_ok=True)
        mod.write_text(" ".join(f[:-2] + ".o" for f in MEMBERS[m]) + "\n")
    (moddir / "modules.dep").write_text(MODULES_DEP)
    (moddir / "modules.order").write_text("\n".join(MODULES_ORDER) + "\n")
    release, found, plan = modules.plan_for_build(build, "staging", USER_FILES)
    assert release == "6.12.117" and found == moddir
    assert plan["unload"] == ["zram", "zsmalloc"] and plan["late"][0] == "virtio_balloon"

    base = tmp_path / "base.cpio.gz"
    c = initramfs.Cpio()
    c.dir("bin")
    first = initramfs._gzip(c.finish())
    first += b"\0" * (4 - len(first) % 4 + 1)      # a length that is not a multiple of 4
    base.write_bytes(first)
    out = initramfs.with_modules(base, tmp_path / "initrd", release, moddir, plan["load"])
    data = out.read_bytes()
    assert data.startswith(first)
    pad = -len(first) % 4
    assert pad and data[len(first):len(first) + pad] == b"\0" * pad
    second = data[len(first) + pad:]
    assert second[:2] == b"\x1f\x8b"             # the next archive, at a multiple of 4
    unpacked = gzip.decompress(second)
    names = re.findall(rb"070701[0-9A-F]{104}([^\0]+)\0", unpacked)
    assert b"lib/modules/6.12.117/kernel/mm/zsmalloc.ko" in names
    assert b"lib/modules/6.12.117/modules.dep" in names
    assert b"lib/modules/6.12.117/kernel/drivers/block/zram" in names     # its directory
    listed = unpacked[unpacked.index(b"/lib/modules/6.12.117/kernel/mm/zsmalloc.ko\n"):]
    assert listed.startswith(b"".join(b"/lib/modules/6.12.117/" + m.encode() + b"\n"
                                      for m in MODULES_ORDER))
    # The same inputs give the same bytes.
    again = initramfs.with_modules(base, tmp_path / "initrd2", release, moddir, plan["load"])
    assert again.read_bytes() == data


def _plan():
    return modules.plan(modules.parse_dep(MODULES_DEP), MODULES_ORDER, MEMBERS, USER_FILES)


UNLOAD_STEPS = """\
MODULE zsmalloc loaded
MODULE lzo_compress loaded
MODULE lzo_decompress loaded
MODULE virtio_balloon loaded
MODULE zram loaded
STEP swapoff ok
STEP reset:zram0 ok
STEP rmmod:zram ok
STEP rmmod:zsmalloc ok
STEP insmod:zsmalloc ok
STEP rmmod:zsmalloc ok
STEP rmmod:virtio_balloon ok
STEP rmmod:lzo_decompress ok
STEP rmmod:lzo_compress ok
"""


def test_unload_steps_judged():
    plan = _plan()
    assert verdict.expected_steps(plan) == [
        ("swapoff", True), ("reset:zram0", True), ("rmmod:zram", True),
        ("rmmod:zsmalloc", True), ("insmod:zsmalloc", True), ("rmmod:zsmalloc", True),
        ("rmmod:virtio_balloon", False), ("rmmod:lzo_decompress", False),
        ("rmmod:lzo_compress", False)]
    rep = verdict.parse_report(UNLOAD_STEPS + "DONE\n")
    res = verdict.unload_result(rep, plan)
    assert not res["problems"] and not res["notes"]
    assert [s["step"] for s in res["steps"]] == [s for s, _ in verdict.expected_steps(plan)]
    # The second load of zsmalloc fails (its exit did not unregister its
    # ops), so the second removal does too: both are failures.
    bad = UNLOAD_STEPS.replace("STEP insmod:zsmalloc ok",
                               "STEP insmod:zsmalloc error Device or resource busy")
    bad = bad.replace("STEP rmmod:zsmalloc ok\nSTEP rmmod:virtio",
                      "STEP rmmod:zsmalloc error No such file or directory\nSTEP rmmod:virtio")
    res = verdict.unload_result(verdict.parse_report(bad + "DONE\n"), plan)
    assert res["problems"] == ["unload: insmod zsmalloc failed: Device or resource busy",
                               "unload: rmmod zsmalloc failed: No such file or directory"]
    # The balloon driver that will not go is reported, not judged.
    late = UNLOAD_STEPS.replace("STEP rmmod:virtio_balloon ok",
                                "STEP rmmod:virtio_balloon error Resource temporarily unavailable")
    res = verdict.unload_result(verdict.parse_report(late + "DONE\n"), plan)
    assert not res["problems"] and len(res["notes"]) == 1
    assert res["notes"][0].startswith("unload: rmmod virtio_balloon failed (Resource")
    # A program that finished without unloading fails; one that died
    # before is judged by why it died.
    partial = "\n".join(UNLOAD_STEPS.splitlines()[:7])      # up to the reset
    res = verdict.unload_result(verdict.parse_report(partial + "\nDONE\n"), plan)
    assert res["problems"][0] == "the unload phase did not report 'rmmod:zram'"
    assert not verdict.unload_result(verdict.parse_report(partial), plan)["problems"]


# -- the registration fault ------------------------------------------------------------

FAULT_STEPS = """\
STEP insmod:movfault ok
FAULT zsmalloc error Device or resource busy
FAULT-DONE left=0
STEP rmmod:movfault ok
"""


def _fault_plan():
    return dict(_plan(), fault=["zsmalloc"])


def _fault_report(fault_lines=FAULT_STEPS):
    ctl = UNLOAD_STEPS.replace("STEP insmod:zsmalloc ok", fault_lines + "STEP insmod:zsmalloc ok")
    return verdict.parse_report(ctl + "DONE\n")


def test_registration_fault_judged():
    """With movfault holding zsmalloc's page type, loading zsmalloc must fail
    with EBUSY and leave nothing behind; movfault must come and go."""
    plan = _fault_plan()
    steps = verdict.expected_steps(plan)
    assert ("insmod:movfault", True) in steps and ("rmmod:movfault", True) in steps
    rep = _fault_report()
    assert not verdict.unload_result(rep, plan)["problems"]
    res = verdict.fault_result(rep, plan)
    assert res == {"module": "zsmalloc", "ran": True, "error": "Device or resource busy",
                   "checked": True, "left": [], "problems": [], "zpool": None,
                   "zpool_seen": None}
    # Where the kernel has zpool: zsmalloc's zpool driver is looked for,
    # and must be absent.
    zplan = dict(plan, fault_zpool=["zsmalloc"])
    assert "movops.fault_zpool=zsmalloc" in check.module_args(zplan).split()
    absent = _fault_report(FAULT_STEPS.replace("FAULT-DONE", "ZPOOL zsmalloc absent\nFAULT-DONE"))
    res = verdict.fault_result(absent, zplan)
    assert res["problems"] == [] and (res["zpool"], res["zpool_seen"]) == ("zsmalloc", "absent")
    assert verdict.fault_result(rep, zplan)["problems"] == [
        "the guest did not say whether the failed load of zsmalloc left a zsmalloc zpool "
        "driver behind"]
    for line, problem in (
            ("LEFT zpool zsmalloc", "the failed load of zsmalloc left behind: zpool zsmalloc"),
            ("LEFT zpool zsmalloc (reading it killed the reader: signal 9)",
             "the failed load of zsmalloc left behind: zpool zsmalloc (reading it killed the "
             "reader: signal 9)"),
            ("ZPOOL zsmalloc unreadable No such file or directory",
             "the guest could not look for a zsmalloc zpool driver after the failed load of "
             "zsmalloc: No such file or directory")):
        got = verdict.fault_result(_fault_report(FAULT_STEPS.replace(
            "FAULT-DONE", line + "\nFAULT-DONE")), zplan)
        assert got["problems"] == [problem], line
    # The guest did not get to the end of looking (it fell over reading a
    # state left behind, say): not "nothing left".
    unread = _fault_report(FAULT_STEPS.replace("FAULT-DONE left=0\n", ""))
    assert verdict.fault_result(unread, plan)["problems"] == [
        "the registration fault did not finish looking at what the failed load of zsmalloc "
        "left"]
    # What a leaking init leaves, as the guest reports it.
    left = _fault_report(FAULT_STEPS.replace(
        "STEP rmmod:movfault", "LEFT cpuhp 107: mm/zsmalloc:prepare\nSTEP rmmod:movfault"))
    assert verdict.fault_result(left, plan)["problems"] == [
        "the failed load of zsmalloc left behind: cpuhp 107: mm/zsmalloc:prepare"]
    module = _fault_report(FAULT_STEPS.replace(
        "STEP rmmod:movfault", "LEFT module zsmalloc\nSTEP rmmod:movfault"))
    assert verdict.fault_result(module, plan)["problems"] == [
        "the failed load of zsmalloc left behind: module zsmalloc"]
    # A fault that did not fault proves nothing, and says so.
    loaded = _fault_report(FAULT_STEPS.replace("error Device or resource busy", "loaded"))
    assert verdict.fault_result(loaded, plan)["problems"][0].startswith(
        "zsmalloc loaded although movfault held the movable_ops of its page type")
    other = _fault_report(FAULT_STEPS.replace("Device or resource busy",
                                              "Cannot allocate memory"))
    assert verdict.fault_result(other, plan)["problems"] == [
        "loading zsmalloc while movfault held its page type failed with 'Cannot allocate "
        "memory', not EBUSY ('Device or resource busy')"]
    blind = _fault_report("CPUHP unavailable No such file or directory\n" + FAULT_STEPS)
    assert verdict.fault_result(blind, plan)["problems"] == [
        "the guest cannot read its CPU hotplug states (No such file or directory): the fault "
        "cannot see a state left behind"]
    # movfault that would not load (a type still held by an earlier
    # zsmalloc) is an unload problem of its own.
    held = _fault_report(FAULT_STEPS.replace("STEP insmod:movfault ok",
                                             "STEP insmod:movfault error Device or resource busy"))
    assert verdict.unload_result(held, plan)["problems"] == [
        "unload: insmod movfault failed: Device or resource busy"]
    # Not run at all, in a program that finished: a failure.
    gone = _fault_report("")
    assert verdict.fault_result(gone, plan)["problems"] == [
        "the registration fault did not run in the modular guest"]
    # A plan without the fault (a series without the registration, or an
    # older plan) judges none of it.
    assert verdict.fault_result(gone, _plan())["problems"] == []
    assert verdict.fault_result(left, _plan())["module"] is None


def test_registration_fault_in_the_verdict_and_the_command_line(sample):
    plan = _fault_plan()
    assert "movops.fault=zsmalloc" in check.module_args(plan).split()
    assert "movops.fault" not in check.module_args(_plan())
    ctl, console = sample
    ok, reasons = judge(ctl, console, modules=plan)
    assert "the registration fault did not run in the modular guest" in reasons
    assert verdict.phase_label("fault") == "the registration fault"


ZS_TIP = (REPO / "tests" / "fixtures" / "v6.12-drop-z3fold" / "after" / "mm" / "zsmalloc.c")


def test_fault_target_is_what_the_user_registers(tmp_path):
    src = tmp_path / "src"
    (src / "mm").mkdir(parents=True)
    (src / "mm" / "zsmalloc.c").write_text(ZS_TIP.read_text())
    plan = _plan()
    # (The fixture's zsmalloc.c is cut down: it registers no zpool driver.)
    assert fault.target(src, plan) == ("zsmalloc", "PGTY_zsmalloc", None)
    assert fault.registration("x = set_movable_ops(&foo_mops, PG_foo);") == ("foo_mops", "PG_foo")
    # The zpool driver the file registers, by its type name.
    zpool = ('static struct zpool_driver zs_zpool_driver = {\n\t.type =\t\t  "zsmalloc",\n'
             '\t.owner =\t  THIS_MODULE,\n};\n'
             'static int zs_zpool_init(void)\n{\n\tzpool_register_driver(&zs_zpool_driver);\n'
             '\treturn 0;\n}\n')
    assert fault.zpool_type(zpool) == "zsmalloc"
    assert fault.zpool_type("int x(void) { return 0; }") is None
    (src / "mm" / "zsmalloc.c").write_text(ZS_TIP.read_text() + zpool)
    assert fault.target(src, plan) == ("zsmalloc", "PGTY_zsmalloc", "zsmalloc")
    # The static-dispatch commit: nothing registers, no fault.
    before = REPO / "tests" / "fixtures" / "v6.12-drop-z3fold" / "before" / "mm" / "zsmalloc.c"
    (src / "mm" / "zsmalloc.c").write_text(before.read_text())
    assert fault.target(src, plan) is None


def test_leak_control_puts_the_registration_back_last():
    """The control's one change: zs_init() in the previous series' shape,
    registered last and its 'out' path not unregistering; zs_exit() and
    the rest of the file as they were."""
    text = ZS_TIP.read_text()
    new, desc = fault.previous_shape(text)
    assert desc.startswith("mm/zsmalloc.c: zs_init(): set_movable_ops() moved back last")
    init = new[new.index("static int __init zs_init(void)"):new.index("static void __exit zs_exit")]
    assert init == (
        "static int __init zs_init(void)\n{\n\tint ret;\n\n"
        "\tret = cpuhp_setup_state(CPUHP_MM_ZS_PREPARE, \"mm/zsmalloc:prepare\",\n"
        "\t\t\t\tzs_cpu_prepare, zs_cpu_dead);\n\tif (ret)\n\t\tgoto out;\n\n"
        "\tzs_stat_init();\n\n#ifdef CONFIG_COMPACTION\n"
        "\treturn set_movable_ops(&zsmalloc_mops, PGTY_zsmalloc);\n#else\n\treturn 0;\n"
        "#endif\n\nout:\n\treturn ret;\n}\n\n")
    assert new[:text.index("static int __init zs_init")] == \
        text[:text.index("static int __init zs_init")]
    tail = text[text.index("static void __exit zs_exit"):]
    assert new.endswith(tail) and "set_movable_ops(NULL, PGTY_zsmalloc);" in tail
    # Also the mainline shape (a new variable, nothing after it can fail).
    mainline = (REPO / "tests" / "fixtures" / "mainline" / "after" / "mm" / "zsmalloc.c")
    new, _ = fault.previous_shape(mainline.read_text())
    assert "\tzs_stat_init();\n#ifdef CONFIG_COMPACTION\n\treturn set_movable_ops(" in new
    # A file that does not register: no control, said precisely.
    with pytest.raises(EnvironmentFailure, match="0 set_movable_ops"):
        fault.previous_shape(ZS_TIP.read_text().replace("set_movable_ops(&", "other_call(&"))


def test_leak_control_outcome():
    failing = {"ok": False, "boot_s": 7.0, "reasons": ["x"], "log_problems": [],
               "modules": {"fault": {"left": ["cpuhp 107: mm/zsmalloc:prepare"]},
                           "steps": []}}
    assert fault.control_outcome(failing) == (True, ["x"])
    second = dict(failing, modules={"fault": {"left": []}, "steps": [
        {"step": "insmod:movfault", "ok": True}, {"step": "insmod:zsmalloc", "ok": False}]})
    assert fault.control_outcome(second)[0] is True
    oops = dict(failing, modules={}, log_problems=[{"what": "oops", "phase": "fault"}])
    assert fault.control_outcome(oops)[0] is True
    assert fault.control_outcome(dict(failing, ok=True))[0] is False
    assert fault.control_outcome(dict(failing, boot_s=None))[0] is False
    elsewhere = dict(failing, modules={}, log_problems=[{"what": "oops", "phase": "compact"}])
    ok, reasons = fault.control_outcome(elsewhere)
    assert not ok and "not in the registration fault" in reasons[0]


def test_negative_control_outcome():
    failing = {"ok": False, "boot_s": 7.0, "reasons": ["x"]}
    assert check.negctl_outcome(failing) == (True, ["x"])
    ok, reasons = check.negctl_outcome(dict(failing, ok=True))
    assert not ok and "the check is blind" in reasons[0]
    ok, reasons = check.negctl_outcome(dict(failing, boot_s=None))
    assert not ok and "did not even boot" in reasons[0] and reasons[1:] == ["x"]


def test_a_control_that_cannot_be_built_fails_with_its_reason():
    """Every control goes through one build-then-boot path: a build that
    cannot be carried out fails the control, naming why, and boots
    nothing."""
    said = []

    class Ctx:
        log = said.append
        boots = None      # nothing may be booted

    def build():
        raise EnvironmentFailure("make failed (exit 2):\nno rule")

    out = {"ok": None, "reasons": [], "build_s": None, "run": None}
    finish = check._control(Ctx(), "static-dispatch control", out, build, Path("/x"),
                            lambda run: (True, []))
    assert finish() is out
    assert out["ok"] is False and out["run"] is None and out["build_s"] is None
    assert out["reasons"] == ["the static-dispatch control could not be run: "
                              "make failed (exit 2):\nno rule"]
    assert said == ["  static-dispatch control not run: make failed (exit 2):\nno rule"]


def test_fault_module_goes_into_the_modular_initramfs():
    data = initramfs.modules_archive("6.12.117", Path("/nonexistent"), [],
                                     [(fault.GUEST_PATH, b"\x7fELF movfault")])
    unpacked = gzip.decompress(data)
    names = re.findall(rb"070701[0-9A-F]{104}([^\0]+)\0", unpacked)
    assert b"lib/movops/movfault.ko" in names and b"lib/movops" in names
    assert b"\x7fELF movfault" in unpacked
    # /init does not load it: the test program does, in the fault phase.
    listed = unpacked[unpacked.index(b"etc/movops-modules"):]
    assert b"movfault" not in listed.split(b"\0")[1]


def test_modular_judgement_needs_the_modules_and_the_unload(sample):
    ctl, console = sample
    plan = _plan()
    ok, reasons = judge(ctl, console, modules=plan)
    assert not ok
    assert "module zsmalloc is not loaded (not reported): /init could not insmod " \
        "kernel/mm/zsmalloc.ko" in reasons
    assert "the unload did not run in the modular guest" in reasons
    assert "the compaction after the unload did not run in the modular guest" in reasons
    assert "the unload phase did not report 'swapoff'" in reasons


def _with_phases(console, *inserted):
    """CONSOLE with lines inserted after /init's first message: phase marks
    and kernel lines, as the modular guest's log has them."""
    lines = console.splitlines()
    at = next(i for i, l in enumerate(lines) if "movops-init: reached init" in l) + 1
    return "\n".join(lines[:at] + [f"[    9.{i:06d}] {l}" for i, l in enumerate(inserted)]
                     + lines[at:]) + "\n"


@pytest.mark.parametrize("phase, label", [
    ("unload", "the unload"),
    ("recompact", "the compaction after the unload"),
    ("reload", "the reload"),
    ("compact", "compaction"),
])
def test_warning_reported_with_its_phase(sample, phase, label):
    ctl, console = sample
    console = _with_phases(console, "movops: phase keeper", f"movops: phase {phase}",
                           "WARNING: CPU: 0 PID: 1 at mm/compaction.c:1 isolate+0x1/0x2",
                           "movops: phase check")
    ok, reasons = judge(ctl, console)
    assert not ok
    assert reasons == [f"kernel warning in the kernel log during {label}: [    9.000002] "
                       "WARNING: CPU: 0 PID: 1 at mm/compaction.c:1 isolate+0x1/0x2"], reasons
    bad, _ = verdict.log_problems_by_phase(console)
    assert [(w, p) for w, _, p in bad] == [("kernel warning", phase)]


def test_same_warning_in_two_phases_is_two_findings(sample):
    ctl, console = sample
    warn = "WARNING: CPU: 0 PID: 1 at mm/migrate.c:1 x+0x1/0x2"
    console = _with_phases(console, "movops: phase compact", warn, warn,
                           "movops: phase recompact", warn)
    ok, reasons = judge(ctl, console)
    assert [r.split(":")[0] for r in reasons] == [
        "kernel warning in the kernel log during compaction",
        "kernel warning in the kernel log during the compaction after the unload"]


def test_log_without_phase_marks_names_no_phase(sample):
    # A log from before the test program marked its phases: no phase is
    # made up.
    console = _captured("negctl-no-zsmalloc-branch")[1]
    bad, _ = verdict.log_problems_by_phase(console)
    assert bad and all(p == "free" for _, _, p in bad)
    unmarked = "\n".join(l for l in console.splitlines() if "movops: phase" not in l)
    bad, _ = verdict.log_problems_by_phase(unmarked)
    assert bad and all(p is None for _, _, p in bad)


# -- the modular guest, captured -------------------------------------------------------

def _modular(name):
    ctl, console = _captured(name)
    return ctl, console, json.loads((SAMPLES / f"{name}.plan.json").read_text())


def test_captured_modular_pass():
    # The registered 6.12 series with zsmalloc, zram and virtio_balloon as
    # modules: zs_page_migrate() counted in zsmalloc.ko, the modules loaded
    # in modules.dep's order and removed cleanly.
    ctl, console, plan = _modular("modular-pass")
    ok, reasons = judge(ctl, console, modules=plan)
    assert ok, reasons
    rep = verdict.parse_report(ctl)
    assert list(rep["modules"]) == [plan["names"][m] for m in plan["load"]]
    assert set(rep["modules"].values()) == {"loaded"}
    c = verdict.counters(rep)
    assert c["delta"]["kprobe:zsmalloc_mops"] >= verdict.MIN_MIGRATED
    assert c["delta"]["kprobe:balloon_mops"] >= verdict.MIN_MIGRATED
    u = verdict.unload_result(rep, plan)
    assert not u["problems"] and not u["notes"] and all(s["ok"] for s in u["steps"])
    assert {"unload", "recompact", "recompacted", "fault", "reload",
            "unload-late"} <= set(rep["phases"])
    # In the kernel log, every phase marked, in order.
    marks = [m.group(1) for m in verdict.PHASE_MARK.finditer(console)]
    assert marks[0] == "modules" and marks[-1] == "unload-late"
    assert marks.index("compact") < marks.index("unload") < marks.index("recompact") \
        < marks.index("fault") < marks.index("reload")
    # The registration fault: with movfault holding zsmalloc's page type,
    # zsmalloc's load failed with EBUSY, left nothing behind, and loaded
    # once movfault was gone.
    assert plan["fault"] == ["zsmalloc"]
    f = verdict.fault_result(rep, plan)
    # (Recorded before the modular guest had zpool: its plan asks for no
    # zpool driver, test_registration_fault_judged() and the runtime layer
    # judge that part.)
    assert "fault_zpool" not in plan
    assert f == {"module": "zsmalloc", "ran": True, "error": verdict.EBUSY, "checked": True,
                 "left": [], "problems": [], "zpool": None, "zpool_seen": None}
    steps = [s["step"] for s in u["steps"]]
    assert steps.index("insmod:movfault") < steps.index("rmmod:movfault") \
        < steps.index("insmod:zsmalloc")
    fault_log = console[console.index("movops: phase fault"):console.index("movops: phase reload")]
    assert "movfault: holding the movable_ops of PGTY_zsmalloc: 0" in fault_log


def test_captured_registration_leak_fails():
    """The registration-leak control: zs_init() in the previous series'
    shape (cpuhp_setup_state() first, set_movable_ops() last, 'out:' not
    unregistering).  The fault makes its load fail after the hotplug state
    was set up, and the state stays, naming a string in the freed module:
    reading the hotplug states oopses in states_show(), in the fault
    phase."""
    ctl, console, plan = _modular("modular-registration-leak")
    ok, reasons = judge(ctl, console, modules=plan, exit_code=0,
                        error="guest stopped during the compact phase (QEMU exit status 0)")
    assert not ok
    assert any(r.startswith("kernel BUG in the kernel log during the registration fault: ")
               and "unable to handle page fault" in r for r in reasons), reasons
    assert any(r.startswith("oops in the kernel log during the registration fault")
               for r in reasons), reasons
    fault_log = console[console.index("movops: phase fault"):]
    assert "states_show" in fault_log
    rep = verdict.parse_report(ctl)
    f = verdict.fault_result(rep, plan)
    assert f["ran"] and f["error"] == verdict.EBUSY and not f["checked"]
    # What the control makes of it: the failure it is about.
    bad, _ = verdict.log_problems_by_phase(console)
    unload = verdict.unload_result(rep, plan)
    run_ = {"ok": False, "boot_s": 8.0, "reasons": reasons,
            "log_problems": [{"what": w, "line": l, "phase": p} for w, l, p in bad],
            "modules": {"fault": f, "steps": unload["steps"]}}
    assert fault.control_outcome(run_) == (True, reasons)
    # And the tip, under the same fault, is what the control is not.
    tctl, tconsole, tplan = _modular("modular-pass")
    assert judge(tctl, tconsole, modules=tplan)[0]


def test_captured_modular_static_dispatch_fails():
    # The same guest at the series' commit before the registration step:
    # '#if defined(CONFIG_ZSMALLOC)' is false with zsmalloc =m, so the
    # dispatch has no zsmalloc branch; DEBUG_VM stops the kernel at the
    # first zspage freed, when the test program frees its filler.
    ctl, console, plan = _modular("modular-static-dispatch")
    ok, reasons = judge(ctl, console, modules=plan, exit_code=0,
                        error="guest stopped during the compact phase (QEMU exit status 0)")
    assert not ok
    assert ("DEBUG_VM page dump in the kernel log during the free phase: "
            in "\n".join(reasons))
    assert any("VM_BUG_ON_PAGE(!PageMovable(page))" in r for r in reasons), reasons
    assert any(r.startswith("kernel BUG in the kernel log during the free phase: ")
               and "mm/compaction.c" in r for r in reasons), reasons
    # What the control makes of it: the failure it is about.
    bad, _ = verdict.log_problems_by_phase(console)
    run_ = {"ok": False, "boot_s": 8.0, "reasons": reasons,
            "counters": verdict.counters(verdict.parse_report(ctl)),
            "log_problems": [{"what": w, "line": l, "phase": p} for w, l, p in bad]}
    users = verdict.exercised_users(USERS)
    assert check.static_outcome(run_, users) == (True, reasons)
    # A static-dispatch kernel that passed, or failed for another reason,
    # proves nothing.
    assert check.static_outcome(dict(run_, ok=True), users)[0] is False
    other = dict(run_, log_problems=[], counters={"delta": {"kprobe:zsmalloc_mops": 500}})
    assert check.static_outcome(other, users)[0] is False
    assert check.static_outcome(dict(run_, boot_s=None), users)[0] is False
    zero = dict(run_, log_problems=[], counters={"delta": {"kprobe:zsmalloc_mops": 0}})
    assert check.static_outcome(zero, users)[0] is True


def test_captured_modular_without_unregistration_fails():
    # zs_exit() without set_movable_ops(NULL, ...): removing zsmalloc
    # leaves its ops registered, the kernel log stays clean, but the page
    # type stays taken: movfault cannot register for it, and loading
    # zsmalloc again fails in zs_init() with -EBUSY.
    ctl, console, plan = _modular("modular-no-unregister")
    ok, reasons = judge(ctl, console, modules=plan)
    assert not ok
    assert reasons == ["unload: insmod movfault failed: Device or resource busy",
                       "unload: rmmod movfault failed: No such file or directory",
                       "unload: insmod zsmalloc failed: Device or resource busy",
                       "unload: rmmod zsmalloc failed: No such file or directory"], reasons
    assert not verdict.log_problems(console)[0]


def test_report_of_both_guests_and_the_static_control():
    ctl, console, plan = _modular("modular-pass")
    sctl, sconsole, _ = _modular("modular-static-dispatch")
    static_guest = _guest_result("modular", sctl, sconsole, plan)
    lctl, lconsole, _ = _modular("modular-registration-leak")
    leak_guest = _guest_result("modular", lctl, lconsole, plan)
    result = _result({"builtin": _guest_result("builtin", *_captured("pass")),
                      "modular": _guest_result("modular", ctl, console, plan)},
                     static_control={"ok": True, "skipped": None, "commit": "5" * 40,
                                     "registration": "4" * 40, "reasons": ["x"],
                                     "build_s": 3.0, "run": static_guest["run"]},
                     leak_control={"ok": True, "skipped": None, "reasons": ["y"],
                                   "mutation": "mm/zsmalloc.c: zs_init(): moved back last",
                                   "build_s": 4.0, "run": leak_guest["run"]})
    text = render(result)
    assert "modular guest: PASS" in text and "built-in guest: PASS" in text
    assert "unload: swapoff ok, reset:zram0 ok, rmmod:zram ok, rmmod:zsmalloc ok, " \
        "insmod:movfault ok, rmmod:movfault ok, insmod:zsmalloc ok, rmmod:zsmalloc ok, " \
        "rmmod:virtio_balloon ok" in text
    assert "registration fault: zsmalloc failed to load (Device or resource busy); " \
        "nothing left behind" in text
    leak = text[text.index("registration-leak control (modular guest): FAILED AS IT SHOULD"):]
    assert "mutation: mm/zsmalloc.c: zs_init(): moved back last" in leak
    assert "registration fault: zsmalloc failed to load (Device or resource busy); what it " \
        "left was not all looked at (the guest stopped)" in leak
    assert "registration-leak control: build" in text
    table = text[text.index("modular guest, one compaction pass"):]
    zs = next(l for l in table.splitlines() if l.startswith("zs_page_migrate()"))
    assert zs.split()[-2:] == ["reached", zs.split()[-1]] and int(zs.split()[-1]) >= 100
    assert "DEBUG_VM page dump in the free phase" in table
    assert "FAIL (as it should)" in table
    rows = {r["name"]: r for r in verify_rows(result)}
    assert rows["runtime-modular"]["status"] == "pass"
    assert "static-dispatch control fails as it should" in rows["runtime-modular"]["summary"]
    assert "registration-leak control fails as it should" in rows["runtime-modular"]["summary"]
    # A leak control that passed fails the modular row.
    result["leak_control"] = dict(result["leak_control"], ok=False, reasons=["it passed"])
    rows = {r["name"]: r for r in verify_rows(result)}
    assert rows["runtime-modular"]["status"] == "fail"
    assert "registration-leak control: it passed" in rows["runtime-modular"]["details"]
    json.dumps(result)


# -- the static-dispatch commit of a series ----------------------------------------------

def test_registration_commit_from_the_trailers(tmp_path):
    repo = tmp_path / "k"
    run(["git", "init", "-q", str(repo)])
    steps = ["", "02-movable-ops-dispatch", "03-setpagemovable-drop-ops",
             "04-movable-ops-registration", "05-movable-ops-page-flag"]
    shas = []
    for i, step in enumerate(steps):
        (repo / "f").write_text(f"{i}\n")
        msg = f"commit {i}\n\n" + (f"Generated by movops from cocci/{step}.cocci.\n"
                                   if step else "")
        run(["git", "-C", str(repo), "add", "f"])
        run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", "commit",
             "-qm", msg])
        shas.append(run(["git", "-C", str(repo), "rev-parse", "HEAD"]).stdout.strip())
    assert check.registration_commit(repo, shas[-1]) == (shas[3], shas[2])
    assert check.registration_commit(repo, shas[3]) == (shas[3], shas[2])
    # Below the step, or in a series made without it: none.
    assert check.registration_commit(repo, shas[2]) == (None, None)


# -- callbacks, initramfs -------------------------------------------------------------

def _commit_tree(repo, tree, message):
    """Make the work tree of REPO exactly TREE's files and commit them."""
    if (repo / ".git").exists():
        run(["git", "-C", str(repo), "rm", "-rq", "."])
    else:
        run(["git", "init", "-q", str(repo)])
    shutil.copytree(tree, repo, dirs_exist_ok=True)
    run(["git", "-C", str(repo), "add", "-A"])
    run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t",
         "commit", "-qm", message])


@pytest.fixture(scope="module")
def fixture_series(tmp_path_factory):
    """A git tree with the v6.12-drop-z3fold fixture before the rework and,
    on top, after it: the shape of a series branch."""
    repo = tmp_path_factory.mktemp("series") / "k"
    case = REPO / "tests" / "fixtures" / "v6.12-drop-z3fold"
    _commit_tree(repo, case / "before", "before")
    _commit_tree(repo, case / "after", "after")
    return repo


def test_callbacks_come_from_the_analysis(fixture_series, tmp_path):
    found, origin = callbacks.users(fixture_series, "HEAD~1", cache=tmp_path)
    assert origin["distance"] == 0 and origin["state"] == "unconverted"
    assert {u["ops"]: u["migrate_page"] for u in found} == {
        "balloon_mops": "balloon_page_migrate", "z3fold_mops": "z3fold_page_migrate",
        "zsmalloc_mops": "zs_page_migrate"}
    assert {u["ops"]: u["file"] for u in found}["zsmalloc_mops"] == "mm/zsmalloc.c"


def test_callbacks_of_a_converted_tree_from_its_ancestor(fixture_series, tmp_path):
    # The converted tree has no user left to convert; the names come from
    # the commit below it, minus z3fold, which the converted tree dropped.
    found, origin = callbacks.users(fixture_series, "HEAD", cache=tmp_path)
    assert origin["distance"] == 1
    assert callbacks.migrate_callbacks(fixture_series, "HEAD", cache=tmp_path) == {
        "balloon_mops": "balloon_page_migrate", "zsmalloc_mops": "zs_page_migrate"}
    assert [u["role"] for u in verdict.exercised_users(found)] == ["balloon", "zsmalloc"]
    # Cached by commit: the second answer is read back, not recomputed.
    assert len(list((tmp_path / "analysis").glob("*.json"))) == 2


def test_callbacks_skip_the_commits_the_series_generated(tmp_path):
    # A series branch: its commits carry the trailer and are not analysed;
    # the callbacks come from the commit below them, in one analysis.
    from movops.trailer import generated_by
    case = REPO / "tests" / "fixtures" / "v6.12-drop-z3fold"
    repo = tmp_path / "k"
    _commit_tree(repo, case / "before", "before")
    run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", "commit",
         "-q", "--allow-empty", "-m", "mm: a step\n\n" + generated_by("01-x.cocci")])
    _commit_tree(repo, case / "after", "mm: a step\n\n" + generated_by("02-y.cocci"))
    found, origin = callbacks.users(repo, "HEAD", cache=tmp_path / "c")
    assert origin["distance"] == 2
    assert {u["ops"]: u["migrate_page"] for u in found} == {
        "balloon_mops": "balloon_page_migrate", "zsmalloc_mops": "zs_page_migrate"}
    assert len(list((tmp_path / "c" / "analysis").glob("*.json"))) == 1
    # A generated commit that still has users gets its base's, all of them.
    found, origin = callbacks.users(repo, "HEAD~1", cache=tmp_path / "c")
    assert origin["distance"] == 1 and len(found) == 3


def test_callbacks_none_in_a_tree_without_users(tmp_path):
    files = tmp_path / "files"
    (files / "mm").mkdir(parents=True)
    (files / "mm" / "a.c").write_text("int a(void)\n{\n\treturn 0;\n}\n")
    repo = tmp_path / "k"
    _commit_tree(repo, files, "x")
    found, origin = callbacks.users(repo, "HEAD", cache=tmp_path / "c")
    assert found == [] and origin["commit"] is None


def test_cpio_writer(tmp_path):
    c = initramfs.Cpio()
    c.dir("bin")
    c.file("bin/x", b"hello", 0o755)
    c.symlink("bin/y", "x")
    c.chardev("dev/console", 5, 1)
    data = c.finish()
    assert data.startswith(b"070701") and len(data) % 4 == 0
    assert b"TRAILER!!!" in data
    arc = tmp_path / "a.cpio"
    arc.write_bytes(data)
    res = subprocess.run(["cpio", "-itv"], stdin=open(arc, "rb"), capture_output=True,
                         text=True)
    if res.returncode == 127:
        pytest.skip("cpio not installed")
    listing = res.stdout
    assert "bin/x" in listing and "bin/y -> x" in listing and "dev/console" in listing


def test_cli_bad_input(tmp_path):
    res = run([sys.executable, str(SCRIPTS / "runtime-check.py"), str(tmp_path / "none")],
              check=False, env=dict(os.environ, PATH="/usr/bin:/bin"))
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0 and "no such directory" in res.stderr


# -- the real thing ---------------------------------------------------------------------

def _series_inputs_key():
    """Changes whenever anything that shapes the series changes."""
    h = hashlib.sha256()
    files = [SCRIPTS / "apply-series.sh"]
    files += sorted((SCRIPTS / "movops").rglob("*.py"))
    files += sorted(p for p in (REPO / "cocci").rglob("*") if p.is_file())
    for f in files:
        h.update(str(f.relative_to(REPO)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def converted_tree():
    """(KDIR, REV) of the converted 6.12 tree.

    Kept in $MOVOPS_CACHE/runtime/series/linux-6.12 (a clone sharing the
    cached tree's objects) and converted again only when the toolkit's
    series inputs changed, so that a warm rerun needs no clone.
    """
    apply = SCRIPTS / "apply-series.sh"
    dest = cache.path("runtime", "series", "linux-6.12")
    with Lock(dest.parent / ".lock"):
        if not (dest / ".git").exists():
            if dest.exists():
                shutil.rmtree(dest)
            clone_tree("6.12", dest)
        stamp = dest / ".git" / "movops-series-inputs"
        key = _series_inputs_key()
        have = run(["git", "-C", str(dest), "rev-parse", "-q", "--verify",
                    "refs/heads/movable-ops"], check=False).returncode == 0
        if not have or not stamp.exists() or stamp.read_text().strip() != key:
            run([str(apply), "-q", "--force", "--prereq", "drop-z3fold", str(dest)],
                timeout=900)
            stamp.write_text(key + "\n")
    return dest, "movable-ops"


@pytest.mark.runtime
def test_runtime_check_converted_6_12():
    """The tip passes in both guests, the modules go cleanly, the
    registration fault leaves nothing behind, and the three controls fail:
    the dispatch without a branch (built-in guest), zs_init() in the
    previous series' shape (the registration fault leaks), and the modular
    guest at the series' static-dispatch commit, upstream's
    CONFIG_ZSMALLOC=m regression."""
    import bootcheck
    from bootcheck import kernel
    kdir, rev = converted_tree()
    result = bootcheck.run(kdir, rev=rev, negative_control=True, smp=2, modules="both",
                           log=lambda m: print(m, flush=True))
    text = render(result)
    print(text)
    assert result["ok"], text
    assert {u["ops"] for u in result["users"] if u["exercised"]} == {"balloon_mops",
                                                                      "zsmalloc_mops"}
    # The verdict checks all of this; spelled out here as what the issues
    # ask for: SMP guests, both users' pages moved, data intact.
    for name in ("builtin", "modular"):
        g = result["guests"][name]
        run_ = g["run"]
        assert g["ok"] and run_["cpus"] == 2 and run_["guest_cpus"] == 2, name
        for u in result["users"]:
            if u["exercised"]:
                assert g["counters"]["delta"][f"kprobe:{u['ops']}"] >= verdict.MIN_MIGRATED
        assert g["counters"]["delta"]["vmstat:balloon_migrate"] >= verdict.MIN_MIGRATED
        assert run_["check"]["pages"] > 0 and run_["check"]["bad"] == 0
        assert not run_["log_problems"], name
        assert g["build_s"] is not None and g["boot_s"] is not None

    # The guests are the configurations they claim to be.
    builtin = kernel.kbuild.read_config(Path(result["guests"]["builtin"]["kernel"]["image"])
                                        .parents[3] / ".config")
    modular = kernel.kbuild.read_config(Path(result["guests"]["modular"]["kernel"]["image"])
                                        .parents[3] / ".config")
    assert builtin["CONFIG_MODULES"] == "y"
    for opt in kernel.AS_MODULES:
        assert builtin[f"CONFIG_{opt}"] == "y", opt
    assert modular["CONFIG_MODULES"] == "y" and modular["CONFIG_MODULE_UNLOAD"] == "y"
    for opt in kernel.AS_MODULES:
        assert modular[f"CONFIG_{opt}"] == "m", opt
    assert modular["CONFIG_BALLOON_COMPACTION"] == "y"
    # zpool, so that zs_init() registers its zpool driver, and zsmalloc
    # still a module (zswap's default allocator zbud).
    assert modular["CONFIG_ZPOOL"] == "y" and modular["CONFIG_ZSWAP"] == "y"
    assert modular["CONFIG_ZBUD"] == "y"

    # The modules: loaded in modules.dep's order, zs_page_migrate counted
    # in zsmalloc.ko, then removed (and zsmalloc loaded and removed once
    # more) with a clean log, and compaction after that clean too.
    mod = result["guests"]["modular"]
    plan = mod["kernel"]["modules"]
    names = [plan["names"][m] for m in plan["load"]]
    assert names.index("zsmalloc") < names.index("zram")
    assert plan["holders"] == {"zsmalloc": ["mm/zsmalloc.c"]}
    assert all(state == "loaded" for state in mod["run"]["modules"]["loaded"].values())
    steps = mod["run"]["modules"]["steps"]
    assert [s["step"] for s in steps if s["required"]] == [
        "swapoff", "reset:zram0", "rmmod:zram", "rmmod:zsmalloc", "insmod:movfault",
        "rmmod:movfault", "insmod:zsmalloc", "rmmod:zsmalloc"]
    assert all(s["ok"] for s in steps if s["required"]), steps
    # The registration fault: with movfault holding zsmalloc's page type,
    # zsmalloc's load failed with EBUSY and left nothing behind; then it
    # loaded (the steps above).
    assert plan["fault"] == ["zsmalloc"]
    f = mod["run"]["modules"]["fault"]
    assert f["ran"] and f["checked"] and f["error"] == verdict.EBUSY and not f["left"] \
        and not f["problems"], f
    # Nor its zpool driver.
    assert plan["fault_zpool"] == ["zsmalloc"]
    assert (f["zpool"], f["zpool_seen"]) == ("zsmalloc", "absent"), f
    assert mod["run"]["modules"]["post_unload"], "no counters of the compaction after the unload"

    neg = result["negative_control"]
    assert neg["guest"] == "builtin" and neg["ok"] and neg["reasons"], text
    assert not neg["run"]["ok"]

    # Upstream's regression, seen by the booted kernel: at the commit
    # before the registration step, the modular guest fails, because
    # zs_page_migrate() is not called or the kernel complains.
    static = result["static_control"]
    assert static["skipped"] is None and static["ok"], text
    assert static["commit"] == run(["git", "-C", str(kdir), "rev-parse",
                                    static["registration"] + "^"]).stdout.strip()
    srun = static["run"]
    assert not srun["ok"] and srun["boot_s"] is not None
    assert srun["modules"]["fault"]["module"] is None     # nothing registers there

    # The same fault on the previous series' shape: the failed load leaves
    # cpuhp_setup_state()'s state and the zpool driver behind (or the
    # kernel falls over reading them), and the second load fails.
    leak = result["leak_control"]
    assert leak["skipped"] is None and leak["ok"], text
    assert "moved back last" in leak["mutation"]
    lrun = leak["run"]
    assert not lrun["ok"] and lrun["boot_s"] is not None
    assert lrun["modules"]["fault"]["left"] or any(
        p["phase"] == "fault" for p in lrun["log_problems"]), lrun
    zs = srun["counters"]["delta"].get("kprobe:zsmalloc_mops")
    assert (zs is not None and zs < verdict.MIN_MIGRATED) or srun["log_problems"], srun
