# SPDX-License-Identifier: GPL-2.0
"""The stable row of verify (checks/stable.py) with what it needs from git,
and the series' commit messages it starts from."""
import time

from core.proc import git
from movops import upstream as U
from movops import upstreamgit

from . import golden
from .checks import stable as check_stable

def series_messages(series):
    """The full messages of SERIES' commits, oldest first."""
    out = git(series.kdir, "log", "--no-walk=unsorted", "--format=%B%x00",
              *[c.sha for c in series.commits])
    return [m.strip("\n") + "\n" for m in out.split("\0")[:len(series.commits)]]


def stable_row(series):
    """The stable row (checks/stable.py) of SERIES, with what it needs
    from git: the commits' messages and diffs, the upstream commits' diffs
    where the repository holds them, and the subjects of the commits that
    Fixes: tags name outside the table; None for a series in the default
    form."""
    msgs = series_messages(series)
    if golden.form_of(msgs) != golden.STABLE_FORM:
        return None
    t0 = time.monotonic()
    kdir = series.kdir
    table = U.load()
    commits = [check_stable.SeriesCommit(
        c.sha, m, git(kdir, "show", "--format=", "--no-color", "--no-renames", c.sha))
        for c, m in zip(series.commits, msgs)]
    have = upstreamgit.held(kdir, [e.sha for e in table.entries])
    diffs = {e.key: upstreamgit.diff(kdir, e.sha) if e.sha in have else None
             for e in table.entries}
    held = {}
    for sha in check_stable.fixes_shas(msgs):
        if table.by_sha(sha) is not None:
            continue
        res = git(kdir, "log", "-1", "--format=%H%x00%s", sha, "--", check=False, full=True)
        if res.returncode == 0 and "\0" in res.stdout:
            full, subject = res.stdout.strip("\n").split("\0", 1)
            held[full] = subject
    r = check_stable.check(commits, table, diffs, held)
    r.time_s += time.monotonic() - t0
    return r
