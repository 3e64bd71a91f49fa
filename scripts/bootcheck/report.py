# SPDX-License-Identifier: GPL-2.0
"""Text tables of a runtime-check result (used by the CLI and the bench)."""

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
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths)))
    out = [line(header), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in rows]
    return "\n".join(out)


def counters_table(result):
    c = result.get("counters") or {}
    before, after, delta = c.get("before", {}), c.get("after", {}), c.get("delta", {})
    rows = [(label, _fmt(before.get(k)), _fmt(after.get(k)), _fmt(delta.get(k)))
            for k, label in counter_rows(result)]
    return table(rows, ("counter (around one compaction pass)", "before", "after", "delta"))


def times_rows(result):
    run = (result.get("runs") or [{}])[0]
    k = result.get("kernel", {})
    neg = result.get("negative_control") or {}
    t = result.get("timings", {})
    rows = [
        ("analysis", _secs(t.get("analysis_s")), "names the migrate callbacks (cached)"),
        ("tree copy, configuration", _secs(_sum(t.get("export_s"), t.get("config_s"))),
         "private checkout; tinyconfig + options (cached)"),
        ("kernel build", _secs(result.get("build_s")),
         f"{k.get('objects_compiled', '?')} objects compiled" if k.get("rebuilt", True)
         else "up to date, not rebuilt"),
        ("boot to init", _secs(result.get("boot_s")),
         f"{run.get('accel', '?')}, {run.get('cpus', '?')} CPUs"
         + (f", guest uptime {run['guest_uptime_at_init']:.2f} s"
            if run.get("guest_uptime_at_init") is not None else "")),
        ("compaction pass", _secs(run.get("compact_s")), "write to /proc/sys/vm/compact_memory"),
        ("whole guest run", _secs(run.get("run_s")), "QEMU start to power-off"),
    ]
    if neg:
        rows.append(("negative control build", _secs(neg.get("build_s")),
                     "incremental" if neg.get("rebuilt", True) else "up to date, not rebuilt"))
        nrun = neg.get("run") or {}
        rows.append(("negative control run", _secs(nrun.get("run_s")), ""))
    rows.append(("total", _secs(result.get("timings", {}).get("total_s")), ""))
    return rows


def _sum(*vals):
    vals = [v for v in vals if v is not None]
    return sum(vals) if vals else None


def _secs(v):
    return "-" if v is None else f"{v:.1f} s"


def render(result):
    """The CLI's report."""
    k = result.get("kernel", {})
    out = [f"Runtime check of {k.get('kdir')} at {k.get('rev')} "
           f"({(k.get('commit') or '')[:12]}, Linux {k.get('version')})", ""]
    out.append(counters_table(result))
    out.append("")
    out.append(table(times_rows(result), ("time", "seconds", "")))
    out.append("")
    for run in result.get("runs", []):
        out.append(f"guest run ({run['cpus']} CPUs, {run['accel']}): {run['verdict'].upper()}")
        for r in run["reasons"]:
            out.append("  - " + r)
        chk = run.get("check") or {}
        if chk:
            out.append(f"  data through zram: {chk.get('pages')} pages re-read, "
                       f"{chk.get('bad')} bad")
        bal = run.get("balloon") or {}
        if bal:
            out.append(f"  balloon: guest memory {bal.get('mem_mb')} MB -> "
                       f"{bal.get('actual_mb')} MB (target {bal.get('target_mb')} MB) "
                       f"in {bal.get('seconds')} s")
        for note in run.get("log_notes") or []:
            out.append(f"  note: {note[:150]}")
        if run.get("console_tail"):
            out.append("  last console lines:")
            out += ["    " + l for l in run["console_tail"]]
        out.append(f"  logs: {run.get('logs')}")
    neg = result.get("negative_control")
    if neg is not None:
        out.append("negative control: " + ("FAILED AS IT SHOULD" if neg["ok"]
                                           else "DID NOT FAIL AS IT SHOULD"))
        if neg.get("mutation"):
            out.append(f"  mutation: {neg['mutation']}")
        for r in neg.get("reasons", []):
            out.append("  - " + r.splitlines()[0])
    for e in result.get("errors", []):
        out.append("error: " + e)
    out.append("")
    out.append(result.get("summary", ""))
    return "\n".join(out)


def verify_row(result, name="runtime"):
    """The fields of a verifier report row (scripts/verifier/report.py
    CheckResult(**verify_row(result))) for a runtime-check result."""
    delta = (result.get("counters") or {}).get("delta", {})
    moved = [(u["ops"], delta.get(f"kprobe:{u['ops']}"))
             for u in result.get("users", []) if u.get("exercised")]
    details = []
    for run in result.get("runs", []):
        details += [f"guest ({run['cpus']} CPUs, {run['accel']}): {r}" for r in run["reasons"]]
    neg = result.get("negative_control")
    if neg is not None and not neg["ok"]:
        details += [f"negative control: {r.splitlines()[0]}" for r in neg["reasons"]]
    details += [f"error: {e.splitlines()[0]}" for e in result.get("errors", [])]
    parts = [", ".join(f"{ops}: {'?' if d is None else d} migrate calls" for ops, d in moved)]
    if result.get("build_s") is not None:
        parts.append(f"build {result['build_s']:.0f} s, boot {result.get('boot_s') or 0:.1f} s")
    if neg is not None:
        parts.append("negative control " + ("fails as it should" if neg["ok"]
                                            else "does NOT fail"))
    return {
        "name": name,
        "status": "pass" if result.get("ok") else "fail",
        "count": sum(d for _, d in moved if isinstance(d, int)),
        "time_s": float(result.get("timings", {}).get("total_s") or 0.0),
        "summary": "; ".join(p for p in parts if p),
        "details": details,
        "data": result,
    }
