# SPDX-License-Identifier: GPL-2.0
"""Row "runtime" (verify.py --runtime): the boot check of scripts/bootcheck
on the series' tip.

bootcheck builds a small kernel of the tip in its own cache, boots it in
QEMU, makes compaction migrate balloon and zsmalloc pages and counts the
calls of each user's migrate callback; then breaks the dispatch on purpose
and expects its own check to fail (the negative control).  It is slow
(a kernel build), so it only runs when asked for.  The row's fields come
from bootcheck.report.verify_row(), which belongs with the check that
knows what its result means; this module only calls it and turns what
stops bootcheck from running at all into a failing row.
"""
import time

from .report import FAIL, CheckResult

NAME = "runtime"


def row(result, seconds=None):
    """CheckResult of a bootcheck.run() result.  SECONDS stands in for the
    time when the result has none (a run stopped early)."""
    from bootcheck.report import verify_row
    r = CheckResult(**verify_row(result, name=NAME))
    if not r.time_s and seconds is not None:
        r.time_s = seconds
    if not r.ok and not r.details:
        r.details.append(result.get("summary") or "the runtime check failed without a reason")
    return r


def error_row(message, seconds=0.0):
    """The row when the runtime check could not run at all."""
    r = CheckResult(NAME, status=FAIL, time_s=seconds,
                    summary=f"the runtime check could not run: {message.splitlines()[0]}")
    r.details.append(message)
    return r


def check(v):
    """Run the boot check on the tip of V's series (a runner.Verification)."""
    t0 = time.monotonic()
    s = v.series
    try:
        import bootcheck
    except ImportError as e:
        return error_row(f"scripts/bootcheck cannot be imported: {e}")
    v.progress(f"runtime: booting a kernel of {s.tip[:12]} (scripts/bootcheck; "
               "a kernel build, minutes when not cached)")
    try:
        result = bootcheck.run(s.kdir, rev=s.tip, log=lambda m: v.progress(f"runtime: {m}"))
    except bootcheck.BadInput as e:
        return error_row(str(e), time.monotonic() - t0)
    except Exception as e:  # noqa: BLE001 - one failing row, not a lost report
        return error_row(f"{type(e).__name__}: {e}", time.monotonic() - t0)
    return row(result, time.monotonic() - t0)
