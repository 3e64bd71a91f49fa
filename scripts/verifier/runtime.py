# SPDX-License-Identifier: GPL-2.0
"""Rows "runtime-builtin" and "runtime-modular" (verify.py --runtime): the
boot check of scripts/bootcheck on the series' tip, one row per guest.

bootcheck builds small kernels of the tip in its own cache, boots them in
QEMU, makes compaction migrate balloon and zsmalloc pages and counts the
calls of each user's migrate callback: in the built-in guest, and in the
modular one (zsmalloc, zram and the balloon driver as modules, removed
again at the end).  Then it breaks the dispatch on purpose and expects
its own check to fail (the negative control, in the first guest's row),
and builds the modular guest at the series' static-dispatch commit, which
must fail too (in the modular row).  It is slow (kernel builds), so it
only runs when asked for.  The rows' fields come from
bootcheck.report.verify_rows(), which belongs with the check that knows
what its result means; this module only calls it and turns what stops
bootcheck from running at all into a failing row.
"""
import time

from .report import FAIL, CheckResult

NAME = "runtime"


def rows(result, seconds=None):
    """[CheckResult] of a bootcheck.run() result, one per guest.  SECONDS
    stands in for the time when the result has none (a run stopped early)."""
    from bootcheck.report import verify_rows
    out = [CheckResult(**r) for r in verify_rows(result, prefix=NAME)]
    if not out:
        r = CheckResult(NAME, status=FAIL, time_s=seconds or 0.0,
                        summary=result.get("summary") or "the runtime check ran no guest")
        r.details += result.get("errors") or [r.summary]
        return [r]
    for r in out:
        if not r.time_s and seconds is not None:
            r.time_s = seconds / len(out)
        if not r.ok and not r.details:
            r.details.append(result.get("summary") or "the runtime check failed without a reason")
    return out


def error_row(message, seconds=0.0):
    """The row when the runtime check could not run at all."""
    r = CheckResult(NAME, status=FAIL, time_s=seconds,
                    summary=f"the runtime check could not run: {message.splitlines()[0]}")
    r.details.append(message)
    return r


def checker(modules="both"):
    """The extra check for run.verify(): the boot check of V's tip with
    the guests MODULES chooses (bootcheck.check.MODULES_MODES)."""
    def check(v):
        return _check(v, modules)
    return check


def _check(v, modules):
    t0 = time.monotonic()
    s = v.series
    try:
        import bootcheck
    except ImportError as e:
        return [error_row(f"scripts/bootcheck cannot be imported: {e}")]
    v.progress(f"runtime: booting kernels of {s.tip[:12]} (scripts/bootcheck, guests: "
               f"{modules}; kernel builds, minutes when not cached)")
    try:
        result = bootcheck.run(s.kdir, rev=s.tip, modules=modules,
                               log=lambda m: v.progress(f"runtime: {m}"))
    except bootcheck.BadInput as e:
        return [error_row(str(e), time.monotonic() - t0)]
    except Exception as e:  # noqa: BLE001 - one failing row, not a lost report
        return [error_row(f"{type(e).__name__}: {e}", time.monotonic() - t0)]
    return rows(result, time.monotonic() - t0)
