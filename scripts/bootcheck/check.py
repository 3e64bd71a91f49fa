# SPDX-License-Identifier: GPL-2.0
"""The runtime check from end to end: export, configure, build, boot, judge,
and the negative control."""
import time

from . import callbacks, guest, initramfs, kernel, negctl, source, verdict
from .common import BadInput, CheckError, Lock, cache_root, ensure_deps

from movops.tree import Tree


def run(kdir, rev="movable-ops", cache_dir=None, negative_control=True, smp=2, log=print,
        mem_mb=guest.MEM_MB, negctl_mode=negctl.DEFAULT_MODE):
    """Build REV of KDIR, boot it, prove both movable_ops users still migrate.

    Never writes to KDIR; everything goes to CACHE_DIR (default
    $MOVOPS_CACHE/runtime).  Raises BadInput when KDIR or REV cannot be used
    at all.  Returns a dict:
      ok                bool: the guest run passed and (unless disabled) the
                        negative control failed as it should
      build_s, boot_s   kernel build seconds (incremental when cached),
                        QEMU start to the guest's init
      counters          {"before": {name: n}, "after": {...}, "delta": {...}}
                        around the compaction pass; names are
                        "kprobe:<ops>" (calls of that user's migrate
                        callback), "vmstat:<counter>", "zram:<...>"
      runs              per guest run: cpus, accel (kvm/tcg), ok, verdict,
                        reasons, times, balloon, data check, log directory
      negative_control  None when disabled, else {"ok": failed as it should,
                        "reasons": why the broken kernel failed, "mutation",
                        "build_s", "run"}
      summary           one line
      kernel, users, timings, errors   details for the report
    """
    kdir, commit = source.resolve(kdir, rev)
    ensure_deps(log)
    cache = cache_root(cache_dir)
    t_all = time.monotonic()
    version = Tree(kdir, commit).version()
    slot = version
    result = {
        "ok": False, "build_s": None, "boot_s": None,
        "counters": {"before": {}, "after": {}, "delta": {}},
        "runs": [], "negative_control": None, "summary": "",
        "kernel": {"kdir": str(kdir), "rev": rev, "commit": commit, "version": version},
        "users": [], "timings": {}, "errors": [],
    }
    log(f"runtime check: {kdir} at {rev} ({commit[:12]}, Linux {version})")
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
        result["summary"] = _summary(result, negative_control)
        log(result["summary"])
        return result

    src = cache / "src" / slot
    good_build = cache / "build" / slot
    neg_build = cache / "build" / f"{slot}-negctl"
    rundir = cache / "runs" / slot
    timings = result["timings"]
    with Lock(cache / "locks" / f"{slot}.lock", log=log, what=f"cache slot {slot}"):
        try:
            t = time.monotonic()
            source.export(kdir, commit, src, log)
            timings["export_s"] = round(time.monotonic() - t, 1)

            t = time.monotonic()
            config = kernel.configure(src, commit, good_build, cache, log)
            timings["config_s"] = round(time.monotonic() - t, 1)
            nr_cpus = int(config.get("CONFIG_NR_CPUS", "1"))
            if smp > nr_cpus:
                log(f"  the guest kernel supports {nr_cpus} CPUs (NR_CPUS); "
                    f"running with {nr_cpus}, not {smp}")
                smp = nr_cpus

            log("building the guest kernel (out of tree, incremental)")
            since = time.time()
            identity = f"{commit} {kernel.config_digest(good_build)}"
            image, build_s, made = kernel.build(src, good_build, cache, log,
                                                identity=identity)
            result["build_s"] = round(build_s, 1)
            result["kernel"]["objects_compiled"] = (kernel.compiled_objects(good_build, since)
                                                    if made else 0)
            result["kernel"]["image"] = str(image)
            result["kernel"]["rebuilt"] = made
            if made:
                log(f"  built in {build_s:.1f} s "
                    f"({result['kernel']['objects_compiled']} objects compiled)")
            else:
                log("  up to date: this commit and configuration were built last time")

            t = time.monotonic()
            initrd = initramfs.make(cache, log)
            timings["initramfs_s"] = round(time.monotonic() - t, 1)

            log(f"booting the guest ({smp} CPUs, {mem_mb} MB, virtio-balloon)")
            run = _guest_run(image, initrd, probes, users, smp, rundir / f"smp{smp}",
                             cache, log, mem_mb)
            result["runs"].append(run)
            result["boot_s"] = run["boot_s"]
            result["counters"] = run["counters"]
            for r in run["reasons"]:
                log(f"  FAIL: {r}")

            if negative_control:
                result["negative_control"] = _negative_control(
                    src, commit, good_build, neg_build, initrd, probes, users, smp,
                    rundir / "negctl", cache, log, mem_mb, negctl_mode, timings)
        except CheckError as e:
            result["errors"].append(str(e))
            log(f"  ERROR: {e}")
    timings["total_s"] = round(time.monotonic() - t_all, 1)
    runs_ok = bool(result["runs"]) and all(r["ok"] for r in result["runs"])
    neg = result["negative_control"]
    neg_ok = (not negative_control) or (neg is not None and neg["ok"])
    result["ok"] = runs_ok and neg_ok and not result["errors"]
    result["summary"] = _summary(result, negative_control)
    log(result["summary"])
    return result


def _guest_run(image, initrd, probes, users, cpus, logdir, cache, log, mem_mb):
    g = guest.run(image, initrd, probes, cpus, logdir, cache, log, mem_mb=mem_mb)
    rep = verdict.parse_report(g.ctl_text)
    ok, reasons = verdict.judge(rep, g.console, users, exit_code=g.exit_code,
                                timeout=g.timeout, error=g.error, cpus=cpus)
    tail = verdict.last_lines(g.console, 15) if not ok and not rep["done"] else []
    bad, notes = verdict.log_problems(g.console)
    return {
        "cpus": cpus, "guest_cpus": _int(rep["hello"].get("cpus")),
        "accel": g.accel, "mem_mb": mem_mb, "ok": ok,
        "verdict": "pass" if ok else "fail", "reasons": reasons,
        "boot_s": round(g.boot_s, 2) if g.boot_s is not None else None,
        "guest_uptime_at_init": _float(rep["hello"].get("uptime")),
        "run_s": round(g.run_s, 1) if g.run_s is not None else None,
        "compact_s": _phase_len(rep, "compact", "compacted"),
        "balloon": g.balloon, "counters": verdict.counters(rep),
        "check": rep["check"], "log_notes": [f"{w}: {l}" for w, l in notes][:5],
        "console_tail": tail,
        "logs": str(logdir),
    }


def _negative_control(src, commit, good_build, neg_build, initrd, probes, users, smp,
                      logdir, cache, log, mem_mb, mode, timings):
    out = {"ok": False, "reasons": [], "mutation": None, "mode": mode,
           "build_s": None, "run": None}
    log(f"negative control: breaking the dispatch ({mode}) in the private copy")
    try:
        negctl.seed_build_dir(good_build, neg_build, log)
        with negctl.Mutated(src, neg_build, mode) as m:
            out["mutation"] = m.description
            log(f"  {m.description}")
            identity = f"{commit} {kernel.config_digest(neg_build)} {m.digest}"
            image, build_s, made = kernel.build(src, neg_build, cache, log,
                                                what="negative control build",
                                                identity=identity)
            m.built()
        out["build_s"] = round(build_s, 1)
        out["rebuilt"] = made
        timings["negctl_build_s"] = out["build_s"]
        log((f"  rebuilt in {build_s:.1f} s" if made else "  up to date") + "; booting it")
        run = _guest_run(image, initrd, probes, users, smp, logdir, cache, log, mem_mb)
    except CheckError as e:
        out["reasons"] = [f"the negative control could not be run: {e}"]
        log(f"  negative control not run: {e}")
        return out
    out["run"] = run
    booted = run["boot_s"] is not None
    if run["ok"]:
        out["reasons"] = ["the kernel with the broken dispatch PASSED: the check is blind"]
    elif not booted:
        out["reasons"] = ["the broken kernel did not even boot, so this proves nothing "
                          "about the check"] + run["reasons"]
    else:
        out["ok"] = True
        out["reasons"] = run["reasons"]
    log("  negative control " + ("failed as it should:" if out["ok"] else "NOT as expected:"))
    for r in out["reasons"]:
        log(f"    {r.splitlines()[0]}")
    return out


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


def _summary(result, negative_control):
    c = result["counters"].get("delta", {})
    moved = ", ".join(f"{u['ops']} {c.get('kprobe:' + u['ops'], '?')}"
                      for u in result["users"] if u.get("exercised"))
    head = "runtime check PASSED" if result["ok"] else "runtime check FAILED"
    parts = [f"{head}: Linux {result['kernel']['version']} at {result['kernel']['rev']}"]
    if result["runs"]:
        r = result["runs"][0]
        parts.append(f"{r['cpus']} CPUs/{r['accel']}: {r['verdict']}"
                     + (f" (migrate calls: {moved})" if moved else ""))
    if negative_control:
        neg = result["negative_control"]
        parts.append("negative control " + ("failed as it should" if neg and neg["ok"]
                                            else "did NOT fail as it should"))
    if result["errors"]:
        parts.append("error: " + result["errors"][0].splitlines()[0])
    return "; ".join(parts)
