# SPDX-License-Identifier: GPL-2.0
"""The runtime check from end to end: export, configure, build, boot, judge,
for each guest, and the controls that prove the check can fail.

Two guests (kernel.guest_options()): "builtin", every rework option =y, and
"modular", with zsmalloc, zram and the balloon driver built as modules,
loaded by /init and removed again at the end; its build starts from a copy
of the built-in one's.

Three controls, each a kernel that must FAIL the same check:
  - the negative control (negctl.py) removes a branch of the dispatch in a
    private copy of the tip, in the first guest checked;
  - the registration-leak control (fault.py) puts the user's init function
    of the modular guest back in the previous series' shape, in a private
    copy of the tip: registered last, its error path not unregistering,
    so the registration fault leaves a CPU hotplug state behind;
  - the static-dispatch control builds the modular guest at the series'
    commit before its registration step (the dispatch as upstream's seed
    003 shipped it, whose '#if defined(CONFIG_ZSMALLOC)' branch is compiled
    out when zsmalloc is a module).  A series without a registration step
    (apply-series.sh --dispatch static) has nothing to compare with, and
    the result says so.
"""
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

from core import cache as cache_layout
from core import deps
from core.errors import BadInput, EnvironmentFailure
from core.locks import Lock
from core.proc import git
from movops.trailer import step_commit
from movops.tree import Tree

from . import callbacks, fault, guest, initramfs, kernel, modules, negctl, source, verdict

# --modules: which guests run.
MODULES_MODES = {"both": ("builtin", "modular"), "no": ("builtin",), "only": ("modular",)}
DEFAULT_MODULES = "both"
# The step whose parent is the series' static dispatch (its file name
# without the number, which moves when steps are added).
REGISTRATION_STEP = "movable-ops-registration"
# The initramfs of each modular build: the shared one, then its modules.
MODULAR_INITRD = "movops-initrd.cpio.gz"


def run(kdir, rev="movable-ops", cache_dir=None, negative_control=True, smp=2, log=print,
        mem_mb=guest.MEM_MB, negctl_mode=negctl.DEFAULT_MODE, modules=DEFAULT_MODULES,
        static_control=True, leak_control=True):
    """Build REV of KDIR, boot it, prove both movable_ops users still migrate.

    MODULES ("both", "no", "only") chooses the guests.  Never writes to
    KDIR; everything goes to CACHE_DIR (default $MOVOPS_CACHE/runtime).
    Raises BadInput when KDIR or REV cannot be used at all.  Returns a dict:
      ok                bool: every guest passed, and each control that ran
                        failed as it should
      guests            {"builtin": ..., "modular": ...}, the ones that ran:
                        ok, verdict, reasons, build_s, boot_s, counters
                        ({"before", "after", "delta"} around the compaction
                        pass: "kprobe:<ops>" calls of that user's migrate
                        callback, "vmstat:<counter>", "zram:<...>"), run
                        (the guest run: cpus, accel, times, balloon, data
                        check, unload steps, log directory), kernel
                        (image, rebuilt, objects_compiled, modules plan)
      negative_control  None when not asked for, else {"guest", "ok":
                        failed as it should, "reasons", "mutation",
                        "build_s", "run"}
      static_control    None when not asked for or without the modular
                        guest, else {"ok", "reasons", "commit",
                        "registration", "build_s", "run", "skipped": why
                        it could not run (then "ok" is None)}
      leak_control      None when not asked for or without the modular
                        guest, else {"ok", "reasons", "mutation",
                        "build_s", "run", "skipped" (as above)}
      summary           one line
      kernel, users, timings, errors   details for the report
    """
    if modules not in MODULES_MODES:
        raise BadInput(f"--modules {modules}: give one of {', '.join(MODULES_MODES)}")
    kdir, commit = source.resolve(kdir, rev)
    if not deps.ensure("runtime-check", log=log):
        log("some packages could not be installed; the check may fail for that reason")
    cache = Path(cache_dir) if cache_dir is not None else cache_layout.path("runtime")
    cache.mkdir(parents=True, exist_ok=True)
    t_all = time.monotonic()
    version = Tree(kdir, commit).version()
    slot = version
    result = {
        "ok": False, "modules": modules, "guests": {},
        "negative_control": None, "static_control": None, "leak_control": None,
        "summary": "",
        "kernel": {"kdir": str(kdir), "rev": rev, "commit": commit, "version": version},
        "users": [], "timings": {}, "errors": [],
    }
    log(f"runtime check: {kdir} at {rev} ({commit[:12]}, Linux {version}); "
        f"guests: {', '.join(MODULES_MODES[modules])}")
    t = time.monotonic()
    try:
        all_users, origin = callbacks.users(kdir, commit, cache=cache, log=log)
    except Exception as e:          # spatch, git and tree errors alike
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise BadInput(f"cannot analyse the movable_ops users of {kdir} at {rev}: {first}")
    users = verdict.exercised_users(all_users)
    result["users"] = [dict(u, exercised=any(u["ops"] == x["ops"] for x in users))
                       for u in all_users]
    result["users_source"] = origin
    probes = [(u["ops"], u["migrate_page"]) for u in users]
    result["timings"]["analysis_s"] = round(time.monotonic() - t, 1)
    if origin["commit"] is None:
        where = f"this commit and its last {callbacks.MAX_ANCESTORS} first parents"
    elif origin["distance"]:
        where = f"{origin['commit'][:12]}, {origin['distance']} commits back"
    else:
        where = "this commit"
    log(f"  migrate callbacks, from the analysis of {where}: "
        + (", ".join(f"{o} -> {f}" for o, f in probes) or "none"))
    if not probes:
        # Nothing the workload drives could be observed: booting would
        # only take minutes to say the same.
        result["errors"].append("no balloon or zsmalloc movable_ops user with a migrate "
                                 f"callback found in {where}")
        result["timings"]["total_s"] = round(time.monotonic() - t_all, 1)
        result["summary"] = _summary(result)
        log(result["summary"])
        return result

    ctx = _Context(kdir=kdir, cache=cache, log=log, users=users, probes=probes, smp=smp,
                   mem_mb=mem_mb, src=cache / "src" / slot, rundir=cache / "runs" / slot)
    builds = {"builtin": cache / "build" / slot, "modular": cache / "build" / f"{slot}-modular"}
    timings = result["timings"]
    with Lock(cache / "locks" / f"{slot}.lock", timeout=3600,
              waiting=lambda p: log(f"waiting for another run using the cache slot {slot} ({p})")):
        try:
            t = time.monotonic()
            source.export(kdir, commit, ctx.src, log)
            timings["export_s"] = round(time.monotonic() - t, 1)
            t = time.monotonic()
            # Each guest's configuration is Kconfig work on one core;
            # derived side by side, and beside the initramfs, they take
            # the time of one.  A guest whose derivation failed fails
            # alone, when its build asks for it (_build).
            with ThreadPoolExecutor(max_workers=2, thread_name_prefix="movops-config") as pool:
                ctx.derived = {(name, commit): pool.submit(kernel.derive, ctx.src, commit,
                                                           cache, log, name)
                               for name in MODULES_MODES[modules]}
                t_i = time.monotonic()
                ctx.base_initrd = initramfs.make(cache, log)
                timings["initramfs_s"] = round(time.monotonic() - t_i, 1)
            timings["configs_s"] = round(time.monotonic() - t, 1)
        except EnvironmentFailure as e:
            result["errors"].append(str(e))
            log(f"  ERROR: {e}")
        else:
            # Kernels are built one after the other (they share the source
            # copy, which the controls change); each boots in the
            # background while the next one builds (_Boots).
            with _Boots() as boots:
                ctx.boots = boots
                pending = []
                for name in MODULES_MODES[modules]:
                    if name == "modular" and (builds["builtin"] / kernel.IMAGE).exists():
                        # Incremental from the built-in guest's build
                        # (kernel.py, "The two guests").
                        kernel.seed_build_dir(builds["builtin"], builds["modular"], log,
                                              "the modular guest")
                    pending.append(("guest", name, _check_guest(
                        ctx, name, commit, builds[name], ctx.rundir / _logname(name))))
                    if negative_control and not any(p[0] == "negctl" for p in pending):
                        # The control runs where its source is still the tip's.
                        pending.append(("negctl", name, _negative_control(
                            ctx, name, commit, builds[name], negctl_mode)))
                    if leak_control and name == "modular":
                        # Also on the tip's source: before the static control.
                        pending.append(("leak", name, _leak_control(
                            ctx, commit, builds[name])))
                if static_control and "modular" in MODULES_MODES[modules]:
                    pending.append(("static", "modular",
                                    _static_control(ctx, commit, builds["modular"])))
                for kind, name, finish in pending:
                    if kind == "guest":
                        result["guests"][name] = finish()
                    elif kind == "negctl":
                        result["negative_control"] = finish()
                    elif kind == "leak":
                        result["leak_control"] = finish()
                    else:
                        result["static_control"] = finish()
    timings["total_s"] = round(time.monotonic() - t_all, 1)
    guests_ok = bool(result["guests"]) and all(g["ok"] for g in result["guests"].values())
    neg = result["negative_control"]
    neg_ok = (not negative_control) or (neg is not None and neg["ok"])
    static = result["static_control"]
    static_ok = static is None or static["ok"] is not False
    leak = result["leak_control"]
    leak_ok = leak is None or leak["ok"] is not False
    result["ok"] = guests_ok and neg_ok and static_ok and leak_ok and not result["errors"]
    result["summary"] = _summary(result)
    log(result["summary"])
    return result


class _Context:
    def __init__(self, **kw):
        self.base_initrd = None
        self.boots = None
        self.derived = {}       # (guest, commit) -> Future of kernel.derive()
        self.__dict__.update(kw)


class _Boots:
    """The guests boot one at a time, in the order their kernels were
    built, each while the next kernel builds: a boot waits on the host for
    part of its ~25 s (the balloon, the power-off) and a build leaves a
    core idle while it links, so the four boots of a run no longer add
    their whole length to it.  A boot never runs beside another boot; its
    own timings (boot_s, run_s) include the build it shared the cores
    with."""

    def __init__(self):
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="movops-boot")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.pool.shutdown(wait=True, cancel_futures=exc[0] is not None)
        return False

    def submit(self, fn, *args, **kw):
        return self.pool.submit(fn, *args, **kw)


def _logname(name):
    # The built-in guest's logs stay where they always were.
    return "smp2" if name == "builtin" else f"{name}-smp2"


def _build(ctx, name, commit, build_dir, what, identity_extra=""):
    """Configure and build GUEST NAME of COMMIT (the source being checked
    out at it) in BUILD_DIR; returns a dict with image, initrd, module
    plan, build time."""
    out = {"guest": name}
    t = time.monotonic()
    # A derivation run() started fails this guest, here, and no other.
    pending = ctx.derived.get((name, commit))
    stored = (pending.result() if pending
              else kernel.derive(ctx.src, commit, ctx.cache, ctx.log, name))
    config = kernel.configure(build_dir, stored, ctx.log)
    out["config_s"] = round(time.monotonic() - t, 1)
    out["nr_cpus"] = int(config.get("CONFIG_NR_CPUS", "1"))
    modular = name == "modular"
    since = time.time()
    identity = f"{commit} {kernel.config_digest(build_dir)}" + identity_extra
    image, build_s, made = kernel.build(ctx.src, build_dir, ctx.cache, ctx.log, what=what,
                                        identity=identity, modules=modular)
    out.update(image=image, build_s=round(build_s, 1), rebuilt=made,
               objects_compiled=kernel.compiled_objects(build_dir, since) if made else 0,
               initrd=ctx.base_initrd, plan=None, release=None)
    if made:
        ctx.log(f"  built in {build_s:.1f} s ({out['objects_compiled']} objects compiled)")
    else:
        ctx.log("  up to date: this commit and configuration were built last time")
    if modular:
        t = time.monotonic()
        release, moddir, plan = modules.plan_for_build(
            build_dir, kernel.MODULES_STAGING, [u["file"] for u in ctx.users])
        # The registration fault, where the user's module registers its
        # ops (not at the static-dispatch commit).
        target, extra = fault.target(ctx.src, plan), []
        plan["fault"] = [target[0]] if target else []
        # The zpool driver the user registers, looked for after the failed
        # load where the kernel has zpool (the modular guest).
        zpool = target[2] if target and config.get("CONFIG_ZPOOL") == "y" else None
        plan["fault_zpool"] = [zpool] if zpool else []
        if target:
            ko = fault.build(build_dir, ctx.cache, ctx.log, target[1], zpool)
            extra = [(fault.GUEST_PATH, ko.read_bytes())]
        out["initrd"] = initramfs.with_modules(ctx.base_initrd, Path(build_dir) / MODULAR_INITRD,
                                               release, moddir, plan["load"], extra)
        out.update(plan=plan, release=release, initramfs_s=round(time.monotonic() - t, 1))
        ctx.log(f"  modules, in load order: {', '.join(plan['names'][m] for m in plan['load'])}"
                f"; {', '.join(f'{m} holds {fs[0]}' for m, fs in plan['holders'].items())}")
    return out


def module_args(plan):
    """The kernel command line that tells the test program the plan."""
    if not plan:
        return ""
    parts = [f"movops.modules={','.join(plan['names'][m] for m in plan['load'])}"]
    for key, arg in (("unload", "unload"), ("reload", "reload"), ("late", "unload_late"),
                     ("fault", "fault"), ("fault_zpool", "fault_zpool")):
        if plan.get(key):
            parts.append(f"movops.{arg}={','.join(plan[key])}")
    return " ".join(parts)


def _check_guest(ctx, name, commit, build_dir, logdir):
    """Build GUEST NAME now and queue its boot; returns a function that
    waits for the boot and gives the guest's result."""
    g = {"guest": name, "ok": False, "verdict": "fail", "reasons": [], "build_s": None,
         "boot_s": None, "counters": {"before": {}, "after": {}, "delta": {}}, "run": None,
         "kernel": {}, "timings": {}, "errors": []}

    def failed(e):
        g["errors"].append(str(e))
        g["reasons"].append(f"the {name} guest could not be checked: {str(e).splitlines()[0]}")
        ctx.log(f"  ERROR ({name} guest): {e}")
        return g

    def built(b):
        g["build_s"] = b["build_s"]
        g["kernel"] = {"image": str(b["image"]), "rebuilt": b["rebuilt"],
                       "objects_compiled": b["objects_compiled"], "release": b["release"],
                       "modules": b["plan"]}
        g["timings"] = {k: b[k] for k in ("config_s", "build_s", "initramfs_s") if k in b}
        smp = _cpus(ctx, b)
        ctx.log(f"{name} guest: booting ({smp} CPUs, {ctx.mem_mb} MB, virtio-balloon"
                + (", modules" if b["plan"] else "") + ")")
        return smp

    def judge(run):
        g["run"] = run
        g.update(ok=run["ok"], verdict=run["verdict"], reasons=list(run["reasons"]),
                 boot_s=run["boot_s"], counters=run["counters"])
        g["timings"]["run_s"] = run["run_s"]
        ctx.log(f"{name} guest: " + ("PASS" if run["ok"] else "FAIL"))
        for r in run["reasons"]:
            ctx.log(f"  FAIL: {r}")
        return g

    ctx.log(f"{name} guest: building the kernel (out of tree, incremental)")
    return _build_then_boot(
        ctx, lambda: _build(ctx, name, commit, build_dir, f"{name} guest kernel build"),
        built, logdir, f"{name} guest", judge, failed)


def _build_then_boot(ctx, build, built, logdir, label, judge, failed):
    """What every guest and control does: BUILD() its kernel now (returning
    _build()'s dict), BUILT(b) records it and gives the CPU count, and its
    boot is queued behind the others (_Boots).  Returns the function that
    waits for the boot and gives JUDGE(run), or FAILED(e) when the build or
    the boot could not be carried out (an EnvironmentFailure)."""
    try:
        b = build()
    except EnvironmentFailure as e:
        return partial(failed, e)
    booting = ctx.boots.submit(_guest_run, ctx, b, built(b), logdir, label)

    def finish():
        try:
            run = booting.result()
        except EnvironmentFailure as e:
            return failed(e)
        return judge(run)
    return finish


def _control(ctx, what, out, build, logdir, outcome, recorded=("build_s", "rebuilt")):
    """Build the control WHAT ("negative control"...) now with BUILD() and
    queue its boot; returns the function that waits for the boot and fills
    OUT: the run, and OUTCOME(run)'s (ok, reasons)."""
    def failed(e):
        out["ok"] = False
        out["reasons"] = [f"the {what} could not be run: {e}"]
        ctx.log(f"  {what} not run: {e}")
        return out

    def built(b):
        out.update((k, b[k]) for k in recorded)
        ctx.log(f"  {what}: booting it")
        return _cpus(ctx, b)

    def judge(run):
        out["run"] = run
        out["ok"], out["reasons"] = outcome(run)
        ctx.log(f"  {what} " + ("failed as it should:" if out["ok"] else "NOT as expected:"))
        for r in out["reasons"]:
            ctx.log(f"    {r.splitlines()[0]}")
        return out

    return _build_then_boot(ctx, build, built, logdir, what, judge, failed)


def _cpus(ctx, b):
    if ctx.smp > b["nr_cpus"]:
        ctx.log(f"  the guest kernel supports {b['nr_cpus']} CPUs (NR_CPUS); "
                f"running with {b['nr_cpus']}, not {ctx.smp}")
        return b["nr_cpus"]
    return ctx.smp


def _guest_run(ctx, b, cpus, logdir, label):
    """Boot B's kernel and judge the run.  Runs beside the next build, so
    what the guest logs says whose it is (LABEL)."""
    plan = b["plan"]
    g = guest.run(b["image"], b["initrd"], ctx.probes, cpus, logdir, ctx.cache,
                  lambda m: ctx.log(f"  [{label}] {m.strip()}"),
                  mem_mb=ctx.mem_mb, extra_append=module_args(plan))
    rep = verdict.parse_report(g.ctl_text)
    ok, reasons = verdict.judge(rep, g.console, ctx.users, exit_code=g.exit_code,
                                timeout=g.timeout, error=g.error, cpus=cpus, modules=plan)
    tail = verdict.last_lines(g.console, 15) if not ok and not rep["done"] else []
    bad, notes = verdict.log_problems_by_phase(g.console)
    out = {
        "cpus": cpus, "guest_cpus": _int(rep["hello"].get("cpus")),
        "accel": g.accel, "mem_mb": ctx.mem_mb, "ok": ok,
        "verdict": "pass" if ok else "fail", "reasons": reasons,
        "boot_s": round(g.boot_s, 2) if g.boot_s is not None else None,
        "guest_uptime_at_init": _float(rep["hello"].get("uptime")),
        "run_s": round(g.run_s, 1) if g.run_s is not None else None,
        "compact_s": _phase_len(rep, "compact", "compacted"),
        "balloon": g.balloon, "counters": verdict.counters(rep),
        "check": rep["check"],
        "log_problems": [{"what": w, "line": l[:200], "phase": p} for w, l, p in bad][:10],
        "log_notes": [f"{w}: {l}" for w, l, _ in notes][:5],
        "console_tail": tail,
        "logs": str(logdir),
    }
    if plan:
        unload = verdict.unload_result(rep, plan)
        out["modules"] = {"loaded": rep["modules"], "steps": unload["steps"],
                          "notes": unload["notes"],
                          "post_unload": _post_unload(rep),
                          "fault": verdict.fault_result(rep, plan)}
        out["log_notes"] += unload["notes"]
    return out


def _post_unload(rep):
    """What the compaction pass after the unload did (vmstat deltas)."""
    a, b = rep["stats"].get("unloaded", {}), rep["stats"].get("recompacted", {})
    return {k: b[k] - a[k] for k in b
            if isinstance(b.get(k), int) and isinstance(a.get(k), int)}


def _negative_control(ctx, name, commit, good_build, mode):
    """Build the negative control now and queue its boot; returns a
    function that waits for the boot and gives the control's result."""
    out = {"guest": name, "ok": False, "reasons": [], "mutation": None, "mode": mode,
           "build_s": None, "run": None}
    neg_build = Path(f"{good_build}-negctl")
    ctx.log(f"negative control ({name} guest): breaking the dispatch ({mode}) in the "
            "private copy")

    def build():
        negctl.seed_build_dir(good_build, neg_build, ctx.log)
        with negctl.Mutated(ctx.src, neg_build, mode) as m:
            out["mutation"] = m.description
            ctx.log(f"  {m.description}")
            b = _build(ctx, name, commit, neg_build, "negative control build",
                       identity_extra=f" {m.digest}")
            m.built()
        return b

    return _control(ctx, "negative control", out, build, ctx.rundir / "negctl",
                    negctl_outcome)


def negctl_outcome(run):
    """(ok, reasons) of the negative control: it must fail, having booted."""
    if run["ok"]:
        return False, ["the kernel with the broken dispatch PASSED: the check is blind"]
    if run["boot_s"] is None:
        return False, ["the broken kernel did not even boot, so this proves nothing "
                       "about the check"] + run["reasons"]
    return True, run["reasons"]


def _leak_control(ctx, commit, tip_build):
    """Build the registration-leak control now and queue its boot; returns
    a function that waits for the boot and gives the control's result."""
    out = {"ok": None, "reasons": [], "mutation": None, "skipped": None, "build_s": None,
           "run": None}
    # The user the tip's fault targets: held by a module, registering.
    try:
        _, _, plan = modules.plan_for_build(tip_build, kernel.MODULES_STAGING,
                                            [u["file"] for u in ctx.users])
    except EnvironmentFailure as e:
        plan = {}
        ctx.log(f"  the modular guest's modules cannot be read: {e}")
    target = fault.target(ctx.src, plan) if plan else None
    if target is None:
        out["skipped"] = ("no module of the modular guest registers its movable_ops with "
                          "set_movable_ops() at this commit: no registration to fault")
        ctx.log(f"registration-leak control: not run: {out['skipped']}")
        return lambda: out
    rel = next(f for f in plan["holders"][target[0]]
               if fault.registration((ctx.src / f).read_text(errors="replace")))
    build_dir = Path(f"{tip_build}-leak")
    ctx.log(f"registration-leak control (modular guest): {rel} in the previous series' "
            "shape, in the private copy; the registration fault must fail it")

    def build():
        negctl.seed_build_dir(tip_build, build_dir, ctx.log, "the registration-leak control")
        with negctl.Mutated(ctx.src, build_dir, rel=rel,
                            mutator=lambda text: fault.previous_shape(text, rel)) as m:
            out["mutation"] = m.description
            ctx.log(f"  {m.description}")
            b = _build(ctx, "modular", commit, build_dir, "registration-leak control build",
                       identity_extra=f" {m.digest}")
            m.built()
        return b

    return _control(ctx, "registration-leak control", out, build,
                    ctx.rundir / "modular-leak", fault.control_outcome,
                    recorded=("build_s", "rebuilt", "objects_compiled"))


def registration_commit(kdir, tip):
    """(commit of the registration step in TIP's series, its parent: the
    static-dispatch commit), or (None, None)."""
    reg = step_commit(kdir, tip, REGISTRATION_STEP)
    if reg is None:
        return None, None
    return reg, (git(kdir, "rev-parse", "--verify", "-q", f"{reg}^", check=False).strip()
                 or None)


def static_outcome(run, users):
    """(ok, reasons) of the static-dispatch control: it must fail, and
    for the reason the control is about: a migrate callback in a module
    not called (fewer than MIN_MIGRATED times), or a kernel warning, BUG or
    oops.  A kernel that fails otherwise (did not boot, timed out before
    compaction) proves nothing about the check."""
    if run["ok"]:
        return False, ["the modular guest at the static-dispatch commit PASSED: the check "
                       "cannot see a dispatch that compiles a module's branch out"]
    if run["boot_s"] is None:
        return False, ["the static-dispatch kernel did not boot, so this proves nothing "
                       "about the check"] + run["reasons"]
    delta = (run.get("counters") or {}).get("delta", {})
    missed = [u for u in users if u["role"] == "zsmalloc"
              and f"kprobe:{u['ops']}" in delta
              and delta[f"kprobe:{u['ops']}"] < verdict.MIN_MIGRATED]
    if missed or run.get("log_problems"):
        return True, run["reasons"]
    return False, ["the static-dispatch kernel failed, but neither for a zsmalloc callback "
                   "that is not called nor for a kernel warning: "] + run["reasons"]


def _static_control(ctx, tip, tip_build):
    """Build the static-dispatch control now and queue its boot; returns a
    function that waits for the boot and gives the control's result."""
    out = {"ok": None, "reasons": [], "registration": None, "commit": None, "skipped": None,
           "build_s": None, "run": None}
    reg, static = registration_commit(ctx.kdir, tip)
    if reg is None:
        out["skipped"] = (f"the series has no commit generated from cocci/*-{REGISTRATION_STEP}"
                          ".cocci (made with apply-series.sh --dispatch static, or not a "
                          "movops series): no static-dispatch commit to compare with")
        ctx.log(f"static-dispatch control: not run: {out['skipped']}")
        return lambda: out
    out.update(registration=reg, commit=static)
    ctx.log(f"static-dispatch control: the modular guest at {static[:12]}, the parent of "
            f"the registration step {reg[:12]}; it must fail")
    build_dir = Path(f"{tip_build}-static")

    def build():
        source.export(ctx.kdir, static, ctx.src, ctx.log)
        kernel.seed_build_dir(tip_build, build_dir, ctx.log, "the static-dispatch control")
        return _build(ctx, "modular", static, build_dir, "static-dispatch control build")

    return _control(ctx, "static-dispatch control", out, build, ctx.rundir / "modular-static",
                    lambda run: static_outcome(run, ctx.users),
                    recorded=("build_s", "rebuilt", "objects_compiled"))


def _phase_len(rep, a, b):
    pa, pb = rep["phases"].get(a), rep["phases"].get(b)
    return round(pb - pa, 2) if pa is not None and pb is not None else None


def _int(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def _float(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def _summary(result):
    head = "runtime check PASSED" if result["ok"] else "runtime check FAILED"
    parts = [f"{head}: Linux {result['kernel']['version']} at {result['kernel']['rev']}"]
    exercised = [u for u in result["users"] if u.get("exercised")]
    for name, g in result["guests"].items():
        c = (g.get("counters") or {}).get("delta", {})
        moved = ", ".join(f"{u['ops']} {c.get('kprobe:' + u['ops'], '?')}" for u in exercised)
        run = g.get("run") or {}
        parts.append(f"{name} guest ({run.get('cpus', '?')} CPUs/{run.get('accel', '?')}): "
                     f"{g['verdict']}" + (f" (migrate calls: {moved})" if moved else ""))
    neg = result["negative_control"]
    if neg is not None:
        parts.append("negative control " + ("failed as it should" if neg["ok"]
                                            else "did NOT fail as it should"))
    leak = result["leak_control"]
    if leak is not None:
        parts.append("no registration-leak control (no registration)" if leak["ok"] is None
                     else "registration-leak control " + ("failed as it should" if leak["ok"]
                                                          else "did NOT fail as it should"))
    static = result["static_control"]
    if static is not None:
        if static["ok"] is None:
            parts.append("no static-dispatch control (no registration step)")
        else:
            parts.append("static-dispatch control " + ("failed as it should" if static["ok"]
                                                       else "did NOT fail as it should"))
    errors = result["errors"] + [e for g in result["guests"].values() for e in g["errors"]]
    if errors:
        parts.append("error: " + errors[0].splitlines()[0])
    return "; ".join(parts)
