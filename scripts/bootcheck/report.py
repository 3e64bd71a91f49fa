# SPDX-License-Identifier: GPL-2.0
"""Text tables of a runtime-check result (used by the CLI, verify and the
bench)."""
from core import tables

VMSTAT_ROWS = [
    ("vmstat:balloon_migrate", "balloon_migrate (vmstat)"),
    ("vmstat:pgmigrate_success", "pgmigrate_success (vmstat)"),
    ("vmstat:pgmigrate_fail", "pgmigrate_fail (vmstat)"),
    ("vmstat:compact_isolated", "compact_isolated (vmstat)"),
    ("vmstat:compact_migrate_scanned", "compact_migrate_scanned (vmstat)"),
    ("vmstat:balloon_inflate", "balloon_inflate (vmstat)"),
    ("zram:orig_pages", "pages stored in zram"),
    ("zram:zsmalloc_pages", "pages used by zsmalloc"),
]
GUEST_LABELS = {"builtin": "built-in guest", "modular": "modular guest"}
# Besides the callbacks, what the static-dispatch table compares.
STATIC_ROWS = ("vmstat:balloon_migrate", "vmstat:pgmigrate_success")


def counter_rows(result):
    """[(key, label)] in display order: the migrate callbacks first."""
    rows = []
    for u in result.get("users", []):
        if u.get("exercised"):
            rows.append((f"kprobe:{u['ops']}",
                         f"{u['migrate_page']}() calls ({u['ops']}, kprobe)"))
    return rows + VMSTAT_ROWS


def _fmt(v):
    return "-" if v is None else str(v)


def table(rows, header):
    """The runtime report's tables: labels left, numbers right, padded to
    the end of the line."""
    return "\n".join(tables.table(header, rows, align="l" + "r" * (len(header) - 1),
                                  strip=False))


def counters_table(result, counters):
    before, after, delta = (counters.get(k, {}) for k in ("before", "after", "delta"))
    rows = [(label, _fmt(before.get(k)), _fmt(after.get(k)), _fmt(delta.get(k)))
            for k, label in counter_rows(result)]
    return table(rows, ("counter (around one compaction pass)", "before", "after", "delta"))


def _delta(run, delta, key):
    """A counter's delta, or why there is none: a kernel that stopped
    before the compaction pass never reported it."""
    if key in delta:
        return str(delta[key])
    return "not reached" if run and not delta else "-"


def check_text(run):
    chk = (run or {}).get("check") or {}
    if not chk:
        return "not reached" if run else "-"
    return f"{chk.get('pages')} pages re-read, {chk.get('bad')} bad"


def log_text(run):
    probs = (run or {}).get("log_problems") or []
    if not run:
        return "-"
    if not probs:
        return "clean"
    p = probs[0]
    return f"{p['what']}" + (f" in the {p['phase']} phase" if p.get("phase") else "") \
        + (f", +{len(probs) - 1} more" if len(probs) > 1 else "")


def static_table(result):
    """The modular guest at the static-dispatch commit next to the tip: the
    evidence that the check sees a dispatch that compiles a module's branch
    out."""
    static = result.get("static_control") or {}
    tip = (result.get("guests") or {}).get("modular") or {}
    if not static.get("run") and not tip.get("run"):
        return ""
    srun, trun = static.get("run") or {}, tip.get("run") or {}
    sd = (srun.get("counters") or {}).get("delta", {})
    td = (trun.get("counters") or {}).get("delta", {})
    rows = []
    for k, label in counter_rows(result):
        if k.startswith("kprobe:") or k in STATIC_ROWS:
            rows.append((label + ", delta", _delta(srun, sd, k), _delta(trun, td, k)))
    rows.append(("data check", check_text(srun), check_text(trun)))
    rows.append(("kernel log", log_text(srun), log_text(trun)))
    rows.append(("verdict of the check",
                 (srun.get("verdict") or "-").upper()
                 + (" (as it should)" if static.get("ok") else ""),
                 (trun.get("verdict") or "-").upper()))
    commit = (static.get("commit") or "")[:12]
    tip_commit = (result.get("kernel", {}).get("commit") or "")[:12]
    return table(rows, ("modular guest, one compaction pass",
                        f"static dispatch ({commit})", f"tip ({tip_commit})"))


def times_rows(result):
    t = result.get("timings", {})
    rows = [("analysis", _secs(t.get("analysis_s")), "names the migrate callbacks (cached)"),
            ("tree copy, initramfs", _secs(_sum(t.get("export_s"), t.get("initramfs_s"))),
             "private checkout, busybox + movtest (cached)"),
            ("guest configurations", _secs(t.get("configs_s")),
             "derived side by side, beside the initramfs (cached)")]
    for name, g in (result.get("guests") or {}).items():
        label = GUEST_LABELS.get(name, name)
        k, gt, run = g.get("kernel", {}), g.get("timings", {}), g.get("run") or {}
        rows.append((f"{label}: configuration", _secs(gt.get("config_s")),
                     "into the build directory"))
        rows.append((f"{label}: kernel build", _secs(g.get("build_s")),
                     (f"{k.get('objects_compiled', '?')} objects compiled"
                      if k.get("rebuilt", True) else "up to date, not rebuilt")
                     + (", modules installed and packed" if k.get("modules") else "")))
        rows.append((f"{label}: boot to init", _secs(g.get("boot_s")),
                     f"{run.get('accel', '?')}, {run.get('cpus', '?')} CPUs"
                     + (f", guest uptime {run['guest_uptime_at_init']:.2f} s"
                        if run.get("guest_uptime_at_init") is not None else "")))
        rows.append((f"{label}: compaction pass", _secs(run.get("compact_s")),
                     "write to /proc/sys/vm/compact_memory"))
        rows.append((f"{label}: whole guest run", _secs(run.get("run_s")),
                     "QEMU start to power-off"))
    for key, label in (("negative_control", "negative control"),
                       ("leak_control", "registration-leak control"),
                       ("static_control", "static-dispatch control")):
        c = result.get(key) or {}
        if c and not c.get("skipped"):
            rows.append((f"{label}: build", _secs(c.get("build_s")),
                         "incremental" if c.get("rebuilt", True) else "up to date, not rebuilt"))
            rows.append((f"{label}: run", _secs((c.get("run") or {}).get("run_s")), ""))
    rows.append(("total", _secs(t.get("total_s")), ""))
    return rows


def _sum(*vals):
    vals = [v for v in vals if v is not None]
    return sum(vals) if vals else None


def _secs(v):
    return "-" if v is None else f"{v:.1f} s"


def _unload_lines(run):
    mods = run.get("modules")
    if not mods:
        return []
    out = []
    loaded = mods.get("loaded") or {}
    if loaded:
        out.append("  modules: " + ", ".join(f"{m} {s}" for m, s in loaded.items()))
    steps = mods.get("steps") or []
    if steps:
        out.append("  unload: " + ", ".join(
            f"{s['step']} {'ok' if s['ok'] else 'FAILED (' + str(s['error']) + ')'}"
            for s in steps))
    f = mods.get("fault") or {}
    if f.get("module"):
        out.append(f"  registration fault: {f['module']} "
                   + (("failed to load (" + str(f.get("error")) + ")"
                       if f.get("error") else "LOADED") if f.get("ran") else "not reached")
                   + ("; left behind: " + ", ".join(f["left"]) if f.get("left")
                      else "; nothing left behind" if f.get("checked")
                      else "; what it left was not all looked at (the guest stopped)"
                      if f.get("ran") else "")
                   + (f"; its {f['zpool']} zpool driver: {f['zpool_seen']}"
                      if f.get("zpool") and f.get("zpool_seen") else ""))
    post = mods.get("post_unload") or {}
    if post:
        out.append("  compaction after the unload: "
                   + ", ".join(f"{k.split(':', 1)[1]} +{post[k]}"
                               for k in ("vmstat:pgmigrate_success", "vmstat:balloon_migrate",
                                         "vmstat:compact_isolated") if k in post))
    return out


def _run_lines(run):
    out = []
    for r in run["reasons"]:
        out.append("  - " + r)
    chk = run.get("check") or {}
    if chk:
        out.append(f"  data through zram: {check_text(run)}")
    bal = run.get("balloon") or {}
    if bal:
        out.append(f"  balloon: guest memory {bal.get('mem_mb')} MB -> "
                   f"{bal.get('actual_mb')} MB (target {bal.get('target_mb')} MB) "
                   f"in {bal.get('seconds')} s")
    out += _unload_lines(run)
    for note in run.get("log_notes") or []:
        out.append(f"  note: {note[:150]}")
    if run.get("console_tail"):
        out.append("  last console lines:")
        out += ["    " + line for line in run["console_tail"]]
    out.append(f"  logs: {run.get('logs')}")
    return out


def render(result):
    """The CLI's report."""
    k = result.get("kernel", {})
    guests = result.get("guests") or {}
    out = [f"Runtime check of {k.get('kdir')} at {k.get('rev')} "
           f"({(k.get('commit') or '')[:12]}, Linux {k.get('version')}); guests: "
           + (", ".join(GUEST_LABELS.get(n, n) for n in guests) or "none"), ""]
    for name, g in guests.items():
        run = g.get("run") or {}
        label = GUEST_LABELS.get(name, name)
        plan = (g.get("kernel") or {}).get("modules")
        out.append(f"{label}: {g['verdict'].upper()}"
                   + (f" ({run.get('cpus')} CPUs, {run.get('accel')})" if run else "")
                   + (f"; modules {', '.join(plan['names'][m] for m in plan['load'])}"
                      if plan else ""))
        out.append(counters_table(result, g.get("counters") or {}))
        if run:
            out += _run_lines(run)
        else:
            out += ["  - " + r for r in g["reasons"]]
        out.append("")
    neg = result.get("negative_control")
    if neg is not None:
        out.append(f"negative control ({GUEST_LABELS.get(neg.get('guest'), neg.get('guest'))}): "
                   + ("FAILED AS IT SHOULD" if neg["ok"] else "DID NOT FAIL AS IT SHOULD"))
        if neg.get("mutation"):
            out.append(f"  mutation: {neg['mutation']}")
        for r in neg.get("reasons", []):
            out.append("  - " + r.splitlines()[0])
        out.append("")
    leak = result.get("leak_control")
    if leak is not None:
        if leak.get("skipped"):
            out.append(f"registration-leak control: NOT RUN: {leak['skipped']}")
        else:
            out.append("registration-leak control (modular guest): "
                       + ("FAILED AS IT SHOULD" if leak["ok"] else "DID NOT FAIL AS IT SHOULD"))
            if leak.get("mutation"):
                out.append(f"  mutation: {leak['mutation']}")
            for r in leak.get("reasons", []):
                out.append("  - " + r.splitlines()[0])
            if leak.get("run"):
                out += _unload_lines(leak["run"])
                out.append(f"  logs: {leak['run'].get('logs')}")
        out.append("")
    static = result.get("static_control")
    if static is not None:
        if static.get("skipped"):
            out.append(f"static-dispatch control: NOT RUN: {static['skipped']}")
        else:
            out.append("static-dispatch control: "
                       + ("FAILED AS IT SHOULD" if static["ok"] else "DID NOT FAIL AS IT SHOULD")
                       + f" (modular guest at {(static.get('commit') or '?')[:12]}, before the "
                       f"registration step {(static.get('registration') or '?')[:12]})")
            for r in static.get("reasons", []):
                out.append("  - " + r.splitlines()[0])
            if static.get("run"):
                out.append(f"  logs: {static['run'].get('logs')}")
            out.append("")
            out.append(static_table(result))
        out.append("")
    out.append(table(times_rows(result), ("time", "seconds", "")))
    out.append("")
    for e in result.get("errors", []):
        out.append("error: " + e)
    out.append(result.get("summary", ""))
    return "\n".join(out)


def verify_rows(result, prefix="runtime"):
    """The fields of the verifier report's rows (scripts/verifier/report.py
    CheckResult(**row)), one per guest: "runtime-builtin",
    "runtime-modular".  A control belongs to the row of the guest it was
    run in."""
    rows = []
    exercised = [u for u in result.get("users", []) if u.get("exercised")]
    for name, g in (result.get("guests") or {}).items():
        delta = (g.get("counters") or {}).get("delta", {})
        moved = [(u["ops"], delta.get(f"kprobe:{u['ops']}")) for u in exercised]
        run = g.get("run") or {}
        details = [f"{GUEST_LABELS.get(name, name)} ({run.get('cpus', '?')} CPUs, "
                   f"{run.get('accel', '?')}): {r}" for r in g["reasons"]]
        parts = [", ".join(f"{ops}: {'?' if d is None else d} migrate calls" for ops, d in moved)]
        if g.get("build_s") is not None:
            parts.append(f"build {g['build_s']:.0f} s, boot {g.get('boot_s') or 0:.1f} s")
        ok = g["ok"]
        data = {"kernel": result.get("kernel"), "users": result.get("users"), "guest": g}
        time_s = sum(v for v in (g.get("timings") or {}).values() if isinstance(v, (int, float)))
        neg = result.get("negative_control")
        if neg is not None and neg.get("guest") == name:
            parts.append("negative control " + ("fails as it should" if neg["ok"]
                                                else "does NOT fail"))
            if not neg["ok"]:
                ok = False
                details += [f"negative control: {r.splitlines()[0]}" for r in neg["reasons"]]
            data["negative_control"] = neg
            time_s += (neg.get("build_s") or 0) + ((neg.get("run") or {}).get("run_s") or 0)
        leak = result.get("leak_control")
        if leak is not None and name == "modular":
            if leak.get("skipped"):
                parts.append("no registration-leak control (nothing registers)")
            else:
                parts.append("registration-leak control " + ("fails as it should" if leak["ok"]
                                                             else "does NOT fail"))
                if not leak["ok"]:
                    ok = False
                    details += [f"registration-leak control: {r.splitlines()[0]}"
                                for r in leak["reasons"]]
                time_s += (leak.get("build_s") or 0) + ((leak.get("run") or {}).get("run_s") or 0)
            data["leak_control"] = leak
        static = result.get("static_control")
        if static is not None and name == "modular":
            if static.get("skipped"):
                parts.append("no static-dispatch control (the series has no registration step)")
            else:
                parts.append("static-dispatch control " + ("fails as it should" if static["ok"]
                                                           else "does NOT fail"))
                if not static["ok"]:
                    ok = False
                    details += [f"static-dispatch control: {r.splitlines()[0]}"
                                for r in static["reasons"]]
                time_s += (static.get("build_s") or 0) \
                    + ((static.get("run") or {}).get("run_s") or 0)
            data["static_control"] = static
        details += [f"error: {e.splitlines()[0]}" for e in g.get("errors", [])]
        rows.append({
            "name": f"{prefix}-{name}",
            "status": "pass" if ok and not result.get("errors") else "fail",
            "count": sum(d for _, d in moved if isinstance(d, int)),
            "time_s": float(time_s),
            "summary": "; ".join(p for p in parts if p),
            "details": details + [f"error: {e.splitlines()[0]}" for e in result.get("errors", [])],
            "data": data,
        })
    return rows
