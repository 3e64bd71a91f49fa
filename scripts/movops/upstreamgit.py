# SPDX-License-Identifier: GPL-2.0
"""What the tree's repository knows of the upstream commits (git only).

A clone of linux-stable or of mainline holds them: then a commit is in
the tree when it is an ancestor of the base, or when a commit of the
base's history since its date has the same patch-id (a cherry-pick, as
stable trees take them).  A Debian source tree's baseline repository
holds none of them, and everything here answers 'not held' at the cost
of one git process.  The stable form also takes upstream's messages and
diffs from here (movops.stable, verify's stable row).
"""
from core.proc import git

from .presence import History


def held(repo, shas, env=None):
    """The SHAs (full IDs) that REPO holds as commits."""
    shas = [s for s in shas if s]
    if not shas:
        return set()
    out = git(repo, "cat-file", "--batch-check=%(objectname) %(objecttype)",
              input="".join(s + "\n" for s in shas), env=env)
    return {line.split()[0] for line in out.splitlines()
            if line.endswith(" commit")}


def patch_id(repo, sha, env=None):
    """'git patch-id --stable' of commit SHA, or None (an empty diff)."""
    diff = git(repo, "show", "--format=", "--no-color", sha, env=env)
    out = git(repo, "patch-id", "--stable", input=diff, env=env).split()
    return out[0] if out else None


def _cherry_picks(repo, entries, base, env=None):
    """{key: commit} of ENTRIES that a commit of BASE's history has the
    patch-id of: one pass over the history since the oldest of them,
    limited to the files they touch."""
    want = {}
    for e in entries:
        pid = patch_id(repo, e.sha, env)
        if pid:
            want.setdefault(pid, []).append(e)
    if not want:
        return {}
    since = min(git(repo, "log", "-1", "--format=%aI", e.sha, env=env).strip()
                for e in entries)
    files = sorted({f for e in entries for f in e.files})
    log = git(repo, "log", "--no-merges", "-p", "--no-color", f"--since={since}", base,
              "--", *files, env=env)
    out = {}
    for line in git(repo, "patch-id", "--stable", input=log, env=env).splitlines():
        pid, _, commit = line.partition(" ")
        for e in want.get(pid, []):
            if commit != e.sha:
                out.setdefault(e.key, commit)
    return out


def histories(repo, base, entries, env=None):
    """{key: presence.History} of ENTRIES for the tree at BASE of REPO."""
    have = held(repo, [e.sha for e in entries], env)
    out, rest = {}, []
    for e in entries:
        if e.sha not in have:
            out[e.key] = History(False)
        elif git(repo, "merge-base", "--is-ancestor", e.sha, base, check=False, full=True,
                 env=env).returncode == 0:
            out[e.key] = History(True, True)
        else:
            rest.append(e)
    picks = _cherry_picks(repo, rest, base, env) if rest else {}
    for e in rest:
        out[e.key] = History(True, False, picks.get(e.key))
    return out


def message(repo, sha, env=None):
    """The full message of commit SHA, or None when REPO does not hold it."""
    if not sha or sha not in held(repo, [sha], env):
        return None
    return git(repo, "log", "-1", "--format=%B", sha, env=env).rstrip("\n") + "\n"


def diff(repo, sha, env=None):
    """'git show' of SHA's change (no message), or None when not held."""
    if not sha or sha not in held(repo, [sha], env):
        return None
    return git(repo, "show", "--format=", "--no-color", "--no-renames", sha, env=env)


def author(repo, sha, env=None):
    """(name, email, date) of commit SHA's author, as 'git cherry-pick'
    keeps them, or None when REPO does not hold it."""
    if not sha or sha not in held(repo, [sha], env):
        return None
    name, email, date = git(repo, "log", "-1", "--format=%an%x00%ae%x00%ad", "--date=raw",
                            sha, env=env).rstrip("\n").split("\0")
    return name, email, date
