# SPDX-License-Identifier: GPL-2.0
"""checkpatch: no checkpatch.pl error in any patch; its warnings and checks
are details."""
from ..report import CheckResult


def check(res, err):
    """RES: {patch: [finding]} (verifier/checkpatch.py), or None when
    checkpatch could not run (ERR says why)."""
    r = CheckResult("checkpatch")
    if res is None:
        r.fail(err)
        return r
    n_err = n_warn = 0
    for name in sorted(res):
        for f in res[name]:
            line = f"{f['where']}: {f['level']}:{f['type']}: {f['msg']}"
            if f["level"] == "ERROR":
                n_err += 1
                r.fail(line)
            else:
                n_warn += 1
                r.details.append(line)
    r.count = n_err
    r.summary = f"{len(res)} patches: {n_err} errors, {n_warn} warnings/checks"
    r.details.sort(key=lambda l: ": ERROR:" not in l)
    return r
