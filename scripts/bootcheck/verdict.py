# SPDX-License-Identifier: GPL-2.0
"""Judge one guest run from what it left behind: the test program's report
(the control line), the kernel console, and how QEMU ended.

Pure functions of text and numbers, so they are tested without QEMU.

A run passes when all of these hold:
  - the guest brought up every CPU it was given (2 for the SMP run);
  - the test program ran to the end (DONE, no FAIL) and the guest powered
    off cleanly: the kernel's "reboot: Power down" (ACPI S5), then QEMU's
    exit with status 0, no timeout.  A restart ("reboot: Restarting
    system") or a panic also ends QEMU with status 0, since it runs with
    -no-reboot, but is not a power-off and fails;
  - every kprobe on an exercised user's migrate callback was registered;
  - during compaction, each exercised user's migrate callback was called at
    least MIN_MIGRATED times, and for the balloon the kernel's own counter
    balloon_migrate rose by at least as much;
  - the data pushed into zram before compaction reads back intact, and it
    really was in zram (zram held at least half of it before compaction);
  - the kernel log has no warning, BUG, oops or panic, on the console nor
    in /dev/kmsg as the guest read it; a failure names the phase of the
    run it came in, from the marks the test program writes to the log;
  - in the modular guest, also: every module /init was given is loaded;
    after the check, zram is reset and the modules holding a user (and
    those depending on them) are removed, compaction runs once more, the
    user's module loads and goes a second time, each step succeeding
    (removing the other modules, the balloon driver, last, is only
    reported); and the kernel log stays clean through all of it;
  - in the modular guest whose user registers its ops, before that second
    load, the registration fault (fault.py): with movfault holding the
    user's page type, loading the user's module fails with EBUSY and
    leaves nothing behind (not the module, not a CPU hotplug state).
"""
import re

# "Well above zero": a broken dispatch moves nothing; a working one moves
# thousands of pages of each user in this workload (about 12,000 balloon and
# 6,000 zsmalloc pages on 512 MB).  A hundred leaves a wide margin on both
# sides.
MIN_MIGRATED = 100

# Which users the guest workload drives, by the file that defines the ops:
# the balloon is inflated by the host, zram stores its data with zsmalloc.
EXERCISED = {
    "mm/balloon_compaction.c": "balloon",
    "mm/zsmalloc.c": "zsmalloc",
}

BAD_LOG = [
    (re.compile(r"WARNING:"), "kernel warning"),
    (re.compile(r"kernel BUG at"), "kernel BUG"),
    (re.compile(r"\bBUG:"), "kernel BUG"),
    (re.compile(r"\bOops\b"), "oops"),
    (re.compile(r"general protection fault"), "general protection fault"),
    (re.compile(r"Kernel panic"), "kernel panic"),
    (re.compile(r"page dumped because"), "DEBUG_VM page dump"),
    (re.compile(r"Out of memory: Kill"), "OOM kill"),
]
# Reported, but not failures: signs of a slow host, or of the memory
# pressure the workload creates on purpose (an allocation that fails under
# it warns; a swap write that fails leaves the page in memory, and the data
# check would see any loss).
NOTE_LOG = [
    (re.compile(r"rcu: INFO: .*detected stall"), "RCU stall (TCG can be slow)"),
    (re.compile(r"soft lockup"), "soft lockup"),
    (re.compile(r"page allocation failure"), "allocation failure under memory pressure"),
    (re.compile(r"Write-error on swap-device"), "swap write error under memory pressure"),
]
# What kernel_power_off() prints last, just before ACPI S5: the one way a
# guest run may end.  The others are told apart to say what happened
# instead: kernel_restart() (a reboot, which QEMU's -no-reboot turns into
# its exit), kernel_halt() (no power-off handler: the guest stops, QEMU
# does not) and a panic (whose reboot prints no 'reboot:' line).
POWER_OFF_MARKER = "reboot: Power down"
RESTART_MARKER = "reboot: Restarting system"
HALT_MARKER = "reboot: System halted"
PANIC_MARKER = "Kernel panic - not syncing"


# What the test program writes to the kernel log at the start of each
# phase (movtest.c, phase(); init.sh for "modules").
PHASE_MARK = re.compile(r"\bmovops: phase (\S+)")
PHASE_LABELS = {
    "boot": "the boot", "modules": "module loading", "keeper": "the keeper phase",
    "filler": "the filler phase", "balloon": "balloon inflation",
    "free": "the free phase", "compact": "compaction", "compacted": "the counters",
    "check": "the data check", "unload": "the unload",
    "recompact": "the compaction after the unload",
    "recompacted": "the counters after the unload", "reload": "the reload",
    "unload-late": "the late unload", "fault": "the registration fault",
}
# The test module of the registration fault (fault.py, tests/runtime/movfault.c).
FAULT_MODULE = "movfault"
# What the guest's strerror() says for EBUSY, the error set_movable_ops()
# gives for a page type that has ops already.
EBUSY = "Device or resource busy"


def parse_report(text):
    """The test program's report lines, as a dict."""
    rep = {"hello": {}, "probes": {}, "stats": {}, "check": None, "kmsg": None,
           "done": False, "fail": None, "balloon_target_mb": None, "phases": {},
           "balloon_answer": None, "modules": {}, "steps": [], "fault": {}, "left": [],
           "cpuhp": None, "fault_done": False, "zpool": None}
    for line in text.splitlines():
        words = line.split()
        if not words:
            continue
        kind = words[0]
        if kind == "HELLO":
            rep["hello"] = _kv(words[1:])
        elif kind == "PROBE" and len(words) >= 4:
            rep["probes"][words[1]] = {"func": words[2], "ok": words[3] == "ok",
                                       "error": " ".join(words[4:]) or None}
        elif kind == "STAT" and len(words) == 4:
            value = int(words[3]) if re.fullmatch(r"-?\d+", words[3]) else None
            rep["stats"].setdefault(words[1], {})[words[2]] = value
        elif kind == "CHECK":
            rep["check"] = {k: (int(v) if re.fullmatch(r"-?\d+", v) else v)
                            for k, v in _kv(words[1:]).items()}
        elif kind == "KMSG":
            kv = _kv(words[1:])
            rep["kmsg"] = {k: int(v) for k, v in kv.items() if v.isdigit()} or None
        elif kind == "PHASE" and len(words) >= 2:
            rep["phases"][words[1]] = _float(_kv(words[2:]).get("uptime"))
        elif kind == "BALLOON" and len(words) == 2 and words[1].isdigit():
            rep["balloon_target_mb"] = int(words[1])
        elif kind == "NOTE" and "BALLOON-DONE" in line:
            rep["balloon_answer"] = line.split("BALLOON-DONE", 1)[1].strip()
        elif kind == "MODULE" and len(words) >= 3:
            rep["modules"][words[1]] = words[2]
        elif kind == "STEP" and len(words) >= 3:
            rep["steps"].append({"step": words[1], "ok": words[2] == "ok",
                                 "error": " ".join(words[3:]) or None})
        elif kind == "FAULT" and len(words) >= 3:
            rep["fault"][words[1]] = {"loaded": words[2] == "loaded",
                                      "error": " ".join(words[3:]) or None}
        elif kind == "FAULT-DONE":
            rep["fault_done"] = True
        elif kind == "LEFT" and len(words) >= 3:
            rep["left"].append(" ".join(words[1:]))
        elif kind == "ZPOOL" and len(words) >= 3:
            rep["zpool"] = {"type": words[1], "state": words[2],
                            "error": " ".join(words[3:]) or None}
        elif kind == "CPUHP" and len(words) >= 2:
            rep["cpuhp"] = " ".join(words[2:]) or words[1]
        elif kind == "DONE":
            rep["done"] = True
        elif kind == "FAIL":
            rep["fail"] = " ".join(words[1:]) or "unspecified"
    return rep


def _kv(words):
    out = {}
    for w in words:
        if "=" in w:
            k, v = w.split("=", 1)
            out[k] = v
    return out


def _float(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def log_problems(console):
    """([(what, line)] failures, [(what, line)] notes) found in the log."""
    bad, notes = log_problems_by_phase(console)
    return [(w, l) for w, l, _ in bad], [(w, l) for w, l, _ in notes]


def log_problems_by_phase(console):
    """Like log_problems(), each with the phase it came in: the last
    'movops: phase NAME' mark before it ("boot" before the first), or None
    in a log that has no marks at all (an older test program)."""
    marked = PHASE_MARK.search(console) is not None
    phase = "boot" if marked else None
    bad, notes = [], []
    for line in console.splitlines():
        m = PHASE_MARK.search(line)
        if m:
            phase = m.group(1)
            continue
        for rx, what in BAD_LOG:
            if rx.search(line):
                bad.append((what, line.strip(), phase))
                break
        else:
            for rx, what in NOTE_LOG:
                if rx.search(line):
                    notes.append((what, line.strip(), phase))
                    break
    return bad, notes


def phase_label(phase):
    return PHASE_LABELS.get(phase, f"the {phase} phase")


def expected_steps(modules):
    """The unload steps the test program must report, in order, given the
    module plan MODULES (modules.plan()): (step, required)."""
    steps = [("swapoff", True), ("reset:zram0", True)]
    steps += [(f"rmmod:{m}", True) for m in modules.get("unload", [])]
    if modules.get("fault"):
        steps += [(f"insmod:{FAULT_MODULE}", True), (f"rmmod:{FAULT_MODULE}", True)]
    steps += [(f"insmod:{m}", True) for m in modules.get("reload", [])]
    steps += [(f"rmmod:{m}", True) for m in reversed(modules.get("reload", []))]
    steps += [(f"rmmod:{m}", False) for m in modules.get("late", [])]
    return steps


def unload_result(rep, modules):
    """{"steps": [{step, ok, error, required}], "problems": [text],
    "notes": [text]} of the modular guest's unload phase: PROBLEMS fail
    the run, NOTES (a late module that would not go) do not."""
    got = list(rep["steps"])
    out = {"steps": [], "problems": [], "notes": []}
    for step, required in expected_steps(modules):
        i = next((i for i, g in enumerate(got) if g["step"] == step), None)
        if i is None:
            if rep["done"]:
                out["problems"].append(f"the unload phase did not report '{step}'")
            continue
        g = got.pop(i)
        out["steps"].append(dict(g, required=required))
        if not g["ok"]:
            what = step.replace(":", " ", 1)
            if required:
                out["problems"].append(f"unload: {what} failed: {g['error']}")
            else:
                out["notes"].append(f"unload: {what} failed ({g['error']}); "
                                    "it is not a movable_ops user, so this is not judged")
    for g in got:
        out["steps"].append(dict(g, required=None))
        if not g["ok"]:
            out["problems"].append(f"unload: unexpected step {g['step']} failed: {g['error']}")
    return out


def fault_result(rep, modules):
    """{"module", "ran", "error", "checked", "left", "problems", "zpool",
    "zpool_seen"} of the registration fault, which the module plan MODULES
    asks for with "fault" (the module whose load must fail) and, where
    the kernel has zpool, "fault_zpool" (ZPOOL: the type of the zpool
    driver that module's init registers, which the guest looks for:
    ZPOOL_SEEN, "absent" when none was left); CHECKED: the guest looked at
    all it could have left (a kernel that falls over reading a state left
    behind never gets there).  PROBLEMS fail the run."""
    names = (modules or {}).get("fault") or []
    zpool = ((modules or {}).get("fault_zpool") or [None])[0]
    out = {"module": names[0] if names else None, "ran": False, "error": None,
           "checked": rep["fault_done"], "left": list(rep["left"]), "problems": [],
           "zpool": zpool, "zpool_seen": None}
    if not names:
        return out
    name = names[0]
    got = rep["fault"].get(name)
    if got is None:
        if rep["done"]:
            out["problems"].append(f"{phase_label('fault')} did not run in the modular guest")
        return out
    out.update(ran=True, error=got["error"])
    if got["loaded"]:
        out["problems"].append(f"{name} loaded although {FAULT_MODULE} held the movable_ops "
                               "of its page type: its set_movable_ops() did not fail, so the "
                               "fault proves nothing")
    elif got["error"] != EBUSY:
        out["problems"].append(f"loading {name} while {FAULT_MODULE} held its page type "
                               f"failed with '{got['error']}', not EBUSY ('{EBUSY}')")
    if rep["cpuhp"]:
        out["problems"].append(f"the guest cannot read its CPU hotplug states "
                               f"({rep['cpuhp']}): the fault cannot see a state left behind")
    for left in rep["left"]:
        out["problems"].append(f"the failed load of {name} left behind: {left}")
    # Its zpool driver (the modular guest has zpool): looked for through
    # movfault after the failed load.
    z = rep["zpool"]
    if zpool and z is not None:
        out["zpool_seen"] = z["state"]
        if z["state"] != "absent":
            out["problems"].append(f"the guest could not look for a {zpool} zpool driver "
                                   f"after the failed load of {name}: {z['error'] or z['state']}")
    elif zpool and rep["fault_done"] and not any(x.startswith("zpool ") for x in rep["left"]):
        out["problems"].append(f"the guest did not say whether the failed load of {name} "
                               f"left a {zpool} zpool driver behind")
    if not rep["fault_done"] and rep["done"]:
        out["problems"].append(f"{phase_label('fault')} did not finish looking at what the "
                               f"failed load of {name} left")
    return out


def counters(rep):
    """{"before": {...}, "after": {...}, "delta": {...}} from the report."""
    before = rep["stats"].get("before", {})
    after = rep["stats"].get("after", {})
    delta = {}
    for k in after:
        if isinstance(after.get(k), int) and isinstance(before.get(k), int):
            delta[k] = after[k] - before[k]
    return {"before": dict(before), "after": dict(after), "delta": delta}


def power_off_problem(console, exit_code=0, timeout=None):
    """Why the run did not end in a clean power-off (the kernel's "reboot:
    Power down", then QEMU's exit with status 0), or None when it did.

    After a TIMEOUT the timeout is the reason, except for a halted kernel,
    whose QEMU waits for the host to kill it: that is said as well.
    """
    if HALT_MARKER in console:
        return ("the kernel halted ('reboot: System halted') instead of powering "
                "off, so QEMU did not exit: no power-off handler (no ACPI?)")
    if timeout:
        return None
    if PANIC_MARKER in console:
        return "the kernel panicked; its reboot, not a power-off, ended QEMU"
    if RESTART_MARKER in console:
        return ("the kernel restarted ('reboot: Restarting system') instead of "
                "powering off; QEMU exited only because it runs with -no-reboot")
    if exit_code is None:
        return "QEMU did not exit by itself"
    if POWER_OFF_MARKER not in console:
        return ("no 'reboot: Power down' line from the kernel"
                + (f" (QEMU exit status {exit_code})" if exit_code else ""))
    if exit_code != 0:
        return f"QEMU exit status {exit_code} after the kernel's 'reboot: Power down'"
    return None


def exercised_users(users):
    """The users (from callbacks.users()) that the workload drives, with
    their role; users it does not drive are left out of the verdict."""
    out = []
    for u in users:
        role = EXERCISED.get(u["file"])
        if role and u.get("migrate_page"):
            out.append(dict(u, role=role))
    return out


def judge(rep, console, users, exit_code=0, timeout=None, error=None, cpus=None,
          modules=None):
    """(ok, reasons): REASONS lists every failed rule, in plain words.

    CPUS, when given, is how many CPUs QEMU gave the guest: the guest must
    have brought them all up (an SMP run must really be one).  MODULES,
    for the modular guest, is its module plan (modules.plan()).
    """
    reasons = []
    seen_cpus = rep["hello"].get("cpus")
    if cpus is not None and seen_cpus is not None and seen_cpus != str(cpus):
        reasons.append(f"the guest runs on {seen_cpus} CPUs, QEMU gave it {cpus}")
    if timeout:
        reasons.append(f"guest timed out in the {timeout} phase")
    if error and not timeout:
        reasons.append(error)
    if rep["fail"]:
        reasons.append(f"test program failed: {rep['fail']}")
    elif not rep["done"]:
        reasons.append("test program did not finish")
    why = power_off_problem(console, exit_code, timeout)
    if why:
        reasons.append(f"guest did not power off cleanly: {why}")

    c = counters(rep)
    roles = {}
    for u in users:
        roles.setdefault(u["role"], []).append(u)
    for role in ("balloon", "zsmalloc"):
        if role not in roles:
            reasons.append(f"no {role} movable_ops user with a migrate callback in the tree")
    for u in users:
        key = f"kprobe:{u['ops']}"
        probe = rep["probes"].get(u["ops"])
        if probe is None:
            if rep["done"] or rep["stats"]:
                reasons.append(f"no kprobe on {u['migrate_page']} ({u['ops']})")
            continue
        if not probe["ok"]:
            reasons.append(f"kprobe on {u['migrate_page']} ({u['ops']}) failed: {probe['error']}")
            continue
        if "after" not in rep["stats"]:
            continue
        d = c["delta"].get(key)
        if d is None or d < MIN_MIGRATED:
            reasons.append(f"{u['role']} pages were not migrated: {u['migrate_page']}() "
                           f"called {d if d is not None else 'an unknown number of'} times "
                           f"during compaction (need >= {MIN_MIGRATED})")
    if "balloon" in roles and "after" in rep["stats"]:
        d = c["delta"].get("vmstat:balloon_migrate")
        if d is None:
            reasons.append("balloon_migrate missing from /proc/vmstat (VM_EVENT_COUNTERS off?)")
        elif d < MIN_MIGRATED:
            reasons.append(f"balloon_migrate rose by {d} during compaction "
                           f"(need >= {MIN_MIGRATED})")

    chk = rep["check"]
    if rep["done"] or chk:
        if not chk:
            reasons.append("no data check result")
        else:
            if chk.get("bad", 1) != 0:
                reasons.append(f"data read back from zram is corrupt: {chk.get('bad')} of "
                               f"{chk.get('pages')} pages differ (first: page "
                               f"{chk.get('first_bad')})")
            held = c["before"].get("zram:orig_pages")
            pages = chk.get("pages") or 0
            if pages <= 0:
                reasons.append("no data went through zram")
            elif held is not None and held * 2 < pages:
                reasons.append(f"the checked data was not in zram before compaction "
                               f"(zram held {held} pages, data {pages} pages)")

    if modules is not None:
        if rep["hello"]:
            for path in modules.get("load", []):
                m = modules["names"][path]
                state = rep["modules"].get(m)
                if state != "loaded":
                    reasons.append(f"module {m} is not loaded ({state or 'not reported'}): "
                                   f"/init could not insmod {path}")
        if rep["done"]:
            for ph in ("unload", "recompact"):
                if ph not in rep["phases"]:
                    reasons.append(f"{phase_label(ph)} did not run in the modular guest")
        reasons += unload_result(rep, modules)["problems"]
        reasons += fault_result(rep, modules)["problems"]

    bad, _ = log_problems_by_phase(console)
    seen = set()
    for what, line, phase in bad:
        # The first of each kind in each phase: a warning while unloading
        # is another finding than one during compaction.
        if (what, phase) not in seen:
            where = f" during {phase_label(phase)}" if phase else ""
            reasons.append(f"{what} in the kernel log{where}: {line[:160]}")
            seen.add((what, phase))
    km = rep.get("kmsg") or {}
    if not bad and (km.get("warnings") or km.get("bugs")):
        reasons.append(f"kernel log read in the guest has {km.get('warnings', 0)} warnings "
                       f"and {km.get('bugs', 0)} BUG/oops lines")
    return not reasons, reasons


def last_lines(console, n=20):
    lines = [l for l in console.splitlines() if l.strip()]
    return lines[-n:]
