# SPDX-License-Identifier: GPL-2.0
"""The verifier's private checkout of the series.

KDIR is never built in or written to (except git's bookkeeping of the
worktree under KDIR/.git/worktrees).  The commits are materialised in a
detached 'git worktree' under the cache directory; moving from one commit
to the next rewrites only the files that differ, so make's own dependency
tracking rebuilds only what a commit changed.
"""
import os
import shutil
from pathlib import Path

from .util import VerifyError, git, run


class Worktree:
    def __init__(self, kdir, path, progress):
        self.kdir = Path(kdir)
        self.path = Path(path)
        self.progress = progress
        self.head = None
        self._saved = {}        # rel -> (atime, mtime) before write()

    def _ours(self):
        """True when PATH is a worktree of KDIR's repository."""
        if not (self.path / ".git").exists():
            return False
        res = run(["git", "-C", self.path, "rev-parse", "--git-common-dir"])
        if res.returncode != 0:
            return False
        mine = (self.path / res.stdout.strip()).resolve()
        res = run(["git", "-C", self.kdir, "rev-parse", "--git-common-dir"])
        theirs = (self.kdir / res.stdout.strip()).resolve()
        return mine == theirs

    def ensure(self, commit):
        """Create the worktree at COMMIT if it does not exist yet."""
        if self._ours():
            return False
        if self.path.exists():
            shutil.rmtree(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # -f: PATH may still be registered from a run whose directory was
        # removed since.
        self.progress(f"checking out {commit[:12]} into {self.path} (once per tree, ~15 s)")
        workers = str(2 * (os.cpu_count() or 2))
        res = run(["git", "-C", self.kdir, "worktree", "add", "-f", "--detach",
                   "--no-checkout", self.path, commit])
        if res.returncode != 0:
            raise VerifyError(f"git worktree add {self.path}: {res.stderr.strip()}")
        self._full_checkout()
        res = run(["git", "-C", self.path, "-c", f"checkout.workers={workers}",
                   "reset", "-q", "--hard", commit])
        if res.returncode != 0:
            raise VerifyError(f"git reset --hard in {self.path}: {res.stderr.strip()}")
        self.head = commit
        self.progress(f"worktree ready at {commit[:12]}")
        return True

    def _full_checkout(self):
        """A sparse KDIR gives its sparse-checkout settings to new worktrees;
        the build needs every file.  Only the worktree's own settings are
        changed (its config.worktree, or its info/sparse-checkout under
        KDIR/.git/worktrees/), never KDIR's."""
        sparse = run(["git", "-C", self.path, "config", "--get", "--bool",
                      "core.sparseCheckout"]).stdout.strip()
        if sparse != "true":
            return
        wtconf = run(["git", "-C", self.path, "config", "--get", "--bool",
                      "extensions.worktreeConfig"]).stdout.strip()
        if wtconf == "true":
            git(self.path, "config", "--worktree", "core.sparseCheckout", "false")
            run(["git", "-C", self.path, "config", "--worktree", "--unset",
                 "core.sparseCheckoutCone"])
        else:
            admin = Path(git(self.path, "rev-parse", "--absolute-git-dir").strip())
            (admin / "info").mkdir(exist_ok=True)
            (admin / "info" / "sparse-checkout").write_text("/*\n")

    def current(self):
        return git(self.path, "rev-parse", "HEAD").strip()

    def goto(self, commit):
        """Materialise COMMIT; only files that differ are rewritten.

        Local changes (markers of an interrupted changed-line proof) are
        discarded first.
        """
        if self.head is None:
            self.head = self.current()
            dirty = git(self.path, "status", "--porcelain", "--untracked-files=no").strip()
            if dirty:
                git(self.path, "reset", "-q", "--hard")
        if self.head == commit:
            return
        res = run(["git", "-C", self.path, "-c", "checkout.workers=4", "checkout", "-q",
                   "-f", "--detach", commit])
        if res.returncode != 0:
            raise VerifyError(f"git checkout {commit[:12]} in {self.path}: {res.stderr.strip()}")
        self.head = commit

    def write(self, rel, text):
        """Replace REL's text for a while (until restore())."""
        p = self.path / rel
        st = p.stat()
        self._saved.setdefault(rel, (st.st_atime_ns, st.st_mtime_ns))
        p.write_text(text, errors="surrogateescape")

    def restore(self, rels):
        """Put back the committed content of RELS (after marking them), and
        their modification times: make compares those with the objects, and
        a marked header that looked new would make the next build recompile
        every object including it although its content is what they were
        built from."""
        if rels:
            git(self.path, "checkout", "-q", "-f", self.head, "--", *rels)
        for rel in rels:
            times = self._saved.pop(rel, None)
            if times is not None:
                os.utime(self.path / rel, ns=times)

    def read_line(self, rel, lineno):
        p = self.path / rel
        try:
            with open(p, errors="surrogateescape") as f:
                for i, line in enumerate(f, 1):
                    if i == lineno:
                        return line.rstrip("\n")
        except OSError:
            return None
        return None
