# SPDX-License-Identifier: GPL-2.0
"""old-api-gone: no use of the old API is left at the tip (what
verifier/oldapi.py's spatch and grep found)."""
from ..report import CheckResult


def check(hits, files, err):
    """HITS: [(file, line, message, source)]; FILES: the candidate files
    searched; ERR: spatch's error, '' when it ran."""
    r = CheckResult("old-api-gone")
    for f, l, msg, src in hits:
        r.fail(f"{f}:{l}: {msg} [{src}]")
    if err:
        r.fail(f"spatch failed: {err}")
    r.count = len(hits)
    r.summary = (f"{len(hits)} uses of the old API in {len(files)} "
                 "candidate files (spatch report mode + grep)")
    return r
