# SPDX-License-Identifier: GPL-2.0
"""Results of the checks: one row each, printed as a table and written as
JSON with a top-level "ok"."""
import json
from dataclasses import dataclass, field

from core import paths, tables
from kbuildengine.targets import HOST, TARGETS


def target_row(target):
    """The build row of the target named TARGET: 'build' for the host's,
    'build-NAME' for the others (one row each, as the bots report them)."""
    return "build" if target == HOST else f"build-{target}"


# The order of the rows; a later check (the runtime boot check) is appended
# after these by the caller (see run.verify(extra_checks=...)).  The
# build rows follow the targets' data (kbuildengine/targets.py).
CHECKS = ("old-api-gone", "configs", *(target_row(t) for t in TARGETS), "w1", "users",
          "kernel-doc", "changed-lines", "sparse", "bisect", "configspace", "checkpatch",
          "golden")
# The row of a series in the stable form (checks/stable.py), after CHECKS;
# a series in the default form has none.
STABLE = "stable"

PASS, FAIL, SKIP = "pass", "fail", "skip"


@dataclass
class CheckResult:
    name: str
    status: str = PASS
    count: int = 0
    time_s: float = 0.0
    summary: str = ""
    details: list = field(default_factory=list)
    data: dict = field(default_factory=dict)

    @property
    def ok(self):
        return self.status != FAIL

    def fail(self, detail=None):
        self.status = FAIL
        if detail:
            self.details.append(detail)

    def to_json(self):
        d = {"name": self.name, "status": self.status, "ok": self.ok,
             "count": self.count, "time_s": round(self.time_s, 2),
             "summary": self.summary, "details": self.details}
        if self.data:
            d["data"] = self.data
        return d


def to_json(series, results, extra=None):
    out = {
        "ok": all(r.ok for r in results),
        "kdir": str(series.kdir),
        "base": series.base,
        "branch": series.branch,
        "version": series.version,
        "commits": [{"sha": c.sha, "subject": c.subject} for c in series.commits],
        "checks": [r.to_json() for r in results],
    }
    if extra:
        out.update(extra)
    return out


def table(results, total_s=None):
    """The report table (check, status, count, time, summary)."""
    rows = [("check", "status", "count", "time", "summary")]
    for r in results:
        rows.append((r.name, r.status.upper(), str(r.count), f"{r.time_s:.1f}s", r.summary))
    lines = tables.table(rows[0], rows[1:], align="llrr", free_last=7)
    ok = all(r.ok for r in results)
    verdict = "OK: every check passed" if ok else \
        "FAILED: " + ", ".join(r.name for r in results if not r.ok)
    if total_s is not None:
        verdict += f" ({total_s:.1f}s)"
    lines.append(verdict)
    return "\n".join(lines)


def details_text(results, limit=40):
    """What failed and where, and the warnings worth reading, per check."""
    out = []
    for r in results:
        if not r.details:
            continue
        if r.status == PASS and r.name not in ("checkpatch", "configs", "changed-lines",
                                               "users", "golden"):
            continue
        head = {FAIL: "FAIL", PASS: "note", SKIP: "skip"}[r.status]
        out.append(f"[{head}] {r.name}:")
        for d in r.details[:limit]:
            out.extend("    " + l for l in str(d).splitlines())
        if len(r.details) > limit:
            out.append(f"    ... {len(r.details) - limit} more in the JSON report")
    return "\n".join(out)


def write_json(path, data):
    paths.write_whole(path, json.dumps(data, indent=2) + "\n")
