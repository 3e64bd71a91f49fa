# SPDX-License-Identifier: GPL-2.0
"""A private, persistent copy of one revision of the user's kernel tree.

The user's tree (KDIR) is only read: 'git rev-parse' to name the commit and
a fetch from it.  The copy is an ordinary git clone in the cache whose work
tree is switched with 'git checkout', which rewrites only the files that
differ between the two commits.  So the build directory that belongs to the
copy sees new modification times exactly on the changed files, and a rerun
or a switch between related revisions (base, converted) rebuilds only what
the change touches.
"""
import shutil
from pathlib import Path

from core.errors import BadInput, EnvironmentFailure
from core.proc import git



def _git(where, *args, timeout=600, check=True):
    return git(where, *args, timeout=timeout, check=check, full=True)


def resolve(kdir, rev):
    """(absolute KDIR, full commit id of REV in it), or BadInput."""
    kdir = Path(kdir).expanduser().resolve()
    if not kdir.is_dir():
        raise BadInput(f"{kdir}: no such directory")
    if _git(kdir, "rev-parse", "--git-dir", check=False).returncode != 0:
        raise BadInput(f"{kdir} is not a git repository (run scripts/prepare-tree.sh "
                       "or baseline-tree.sh on it first)")
    res = _git(kdir, "rev-parse", "--verify", "-q", f"{rev}^{{commit}}", check=False)
    if res.returncode != 0:
        raise BadInput(f"{kdir}: revision '{rev}' does not exist"
                       + (" (run scripts/apply-series.sh first)" if rev == "movable-ops" else ""))
    commit = res.stdout.strip()
    mk = _git(kdir, "cat-file", "blob", f"{commit}:Makefile", check=False)
    mm = _git(kdir, "cat-file", "-e", f"{commit}:mm/migrate.c", check=False)
    if mk.returncode != 0 or "PATCHLEVEL" not in mk.stdout or mm.returncode != 0:
        raise BadInput(f"{kdir} at {rev} is not a Linux kernel tree")
    return kdir, commit


def export(kdir, commit, dest, log):
    """Make DEST a clean checkout of COMMIT of KDIR (created on first use).

    A copy that git cannot use any more (say, the tree it borrowed objects
    from is gone) is made again from scratch, once.
    """
    dest = Path(dest)
    try:
        return _export(kdir, commit, dest, log)
    except EnvironmentFailure as e:
        if not dest.exists():
            raise
        log(f"the private copy {dest} is unusable ({str(e).splitlines()[0]}); "
            "making it again")
        shutil.rmtree(dest)
        return _export(kdir, commit, dest, log)


def _export(kdir, commit, dest, log):
    if dest.exists() and _git(dest, "rev-parse", "--git-dir", check=False).returncode != 0:
        raise EnvironmentFailure(f"{dest} exists but is not a git clone; remove it")
    if not dest.exists():
        log(f"exporting the tree into {dest} (first run only)")
        dest.parent.mkdir(parents=True, exist_ok=True)
        # A local clone hard-links the object files: quick, and independent
        # of later changes in KDIR.  Nothing is written to KDIR.
        _git(dest.parent, "clone", "-q", "--no-checkout", str(kdir), dest.name)
    have = _git(dest, "cat-file", "-e", f"{commit}^{{commit}}", check=False).returncode == 0
    if not have:
        _git(dest, "fetch", "-q", "--no-tags", str(kdir),
             "+refs/heads/*:refs/movops-kdir/heads/*", "+refs/tags/*:refs/movops-kdir/tags/*",
             "+HEAD:refs/movops-kdir/HEAD")
        have = _git(dest, "cat-file", "-e", f"{commit}^{{commit}}", check=False).returncode == 0
    if not have:
        _git(dest, "fetch", "-q", "--no-tags", str(kdir), commit)
    marker = dest / ".git" / "movops-checked-out"
    head = _git(dest, "rev-parse", "-q", "--verify", "HEAD", check=False).stdout.strip()
    dirty = ""
    if marker.exists():
        dirty = _git(dest, "status", "--porcelain", "--untracked-files=no").stdout.strip()
        if dirty:
            # Left over from an interrupted negative control: restore.
            log(f"restoring modified files in {dest}: {' '.join(dirty.split()[:6])}")
    else:
        head = None
    if head != commit or dirty:
        _git(dest, "checkout", "-q", "-f", "--detach", commit, timeout=900)
        marker.write_text(commit + "\n")
    return dest


def changed_files(dest, old, new):
    """Files that differ between two commits of the copy."""
    if not old:
        return None
    res = _git(dest, "diff", "--name-only", old, new, check=False)
    return res.stdout.split() if res.returncode == 0 else None
