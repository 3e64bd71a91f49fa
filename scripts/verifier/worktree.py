# SPDX-License-Identifier: GPL-2.0
"""The verifier's private checkout of the series.

KDIR is never built in or written to (except git's bookkeeping of the
worktree under KDIR/.git/worktrees).  The commits are materialised in a
detached 'git worktree' under the cache directory; moving from one commit
to the next rewrites only the files that differ, so make's own dependency
tracking rebuilds only what a commit changed.

The checkout is partial: writing the 80,000 files of a whole kernel costs
more CPU than all the builds of a short series, and the builds read a
sixth of them (builder.wanted()).  The others carry git's skip-worktree
bit and are not written.  Git's sparse-checkout patterns are not used:
matched against every path at every checkout they cost a second of CPU
per commit, and the bits alone suffice because every file a commit of
the series changes is checked out (widen()), so a skipped file has the
same content at every commit visited.  Every directory of the tree is
still created, empty where none of its files is needed, so that what
tests a directory's existence (kbuild's wildcards, -I options,
checkpatch.pl and get_maintainer.pl) sees the whole tree's answer.  A
build that fails is built again after full() has written every file, so
that a file the selection missed can only cost time, never change a
result.  Git's own sparse-checkout is turned off on the command line of
every git command run here: KDIR's configuration is never changed.
"""
import os
import shutil
import threading
from pathlib import Path

from core.proc import git

NOSPARSE = ["-c", "core.sparseCheckout=false"]
MARK = "movops-partial"     # in the worktree's admin directory while partial


class Worktree:
    def __init__(self, kdir, path, progress):
        self.kdir = Path(kdir)
        self.path = Path(path)
        self.progress = progress
        self.head = None
        self._saved = {}        # rel -> (atime, mtime) before write()
        self._lock = threading.Lock()
        self._partial = None
        # Set once the files ensure(FIRST=...) selects are written (or
        # ensure() ended, however it ended).
        self.first_ready = threading.Event()

    def _git(self, *args, input=None):
        return git(self.path, *NOSPARSE, *args, input=input)

    def _ours(self):
        """True when PATH is a worktree of KDIR's repository."""
        if not (self.path / ".git").exists():
            return False
        res = git(self.path, "rev-parse", "--git-common-dir", check=False, full=True)
        if res.returncode != 0:
            return False
        mine = (self.path / res.stdout.strip()).resolve()
        res = git(self.kdir, "rev-parse", "--git-common-dir", check=False, full=True)
        theirs = (self.kdir / res.stdout.strip()).resolve()
        return mine == theirs

    def _mark(self):
        return Path(git(self.path, "rev-parse", "--absolute-git-dir").strip()) / MARK

    @property
    def partial(self):
        """True while some files are not checked out."""
        if self._partial is None:
            self._partial = self._mark().exists()
        return self._partial

    def ensure(self, commit, wanted=None, dirs=(), dirs_of=(), first=None):
        """Create the worktree at COMMIT if it does not exist yet, with the
        files for which WANTED(path) is true (all files when None) and
        those under DIRS, and every directory of COMMIT and of the
        revisions DIRS_OF.  An existing partial worktree gets DIRS added.
        The files for which FIRST(path) is true are written before the
        others, and first_ready is set then: what needs only those (make
        defconfig) can start."""
        try:
            return self._ensure(commit, wanted, dirs, dirs_of, first)
        finally:
            self.first_ready.set()

    def _ensure(self, commit, wanted, dirs, dirs_of, first):
        if self._ours():
            self.widen(dirs)
            return False
        if self.path.exists():
            shutil.rmtree(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        what = "the files the builds read" if wanted else "every file"
        self.progress(f"checking out {commit[:12]} into {self.path} ({what})")
        workers = f"checkout.workers={2 * (os.cpu_count() or 2)}"
        # -f: PATH may still be registered from a run whose directory was
        # removed since.
        git(self.kdir, "worktree", "add", "-f", "--detach", "--no-checkout", self.path, commit)
        self._git("read-tree", commit)
        self._partial = False
        files = [f for f in self._git("ls-files", "-z").split("\0") if f]
        if wanted is not None:
            prefixes = tuple(d.rstrip("/") + "/" for d in dirs)
            keep = [f for f in files if wanted(f) or f.startswith(prefixes)]
            if len(keep) < len(files):
                kept = set(keep)
                self._mark().write_text("files with the skip-worktree bit are not checked "
                                        "out (scripts/verifier/worktree.py)\n")
                self._partial = True
                self._git("update-index", "-z", "--skip-worktree", "--stdin",
                          input="\0".join(f for f in files if f not in kept) + "\0")
            files = keep
        if first is not None:
            head = [f for f in files if first(f)]
            if head:
                self._git("-c", workers, "checkout-index", "-f", "-u", "-z", "--stdin",
                          input="\0".join(head) + "\0")
            self.first_ready.set()
            done = set(head)
            rest = [f for f in files if f not in done]
            if rest:
                self._git("-c", workers, "checkout-index", "-f", "-u", "-z", "--stdin",
                          input="\0".join(rest) + "\0")
        else:
            self._git("-c", workers, "checkout-index", "-a", "-f", "-u")
        self.head = commit
        if self.partial:
            self.make_dirs([commit, *dirs_of])
        self.progress(f"worktree ready at {commit[:12]}")
        return True

    def make_dirs(self, revs):
        want = set()
        for rev in revs:
            out = git(self.kdir, "ls-tree", "-r", "-d", "-z", "--name-only", rev)
            want.update(d for d in out.split("\0") if d)
        # ls-tree lists a directory before its subdirectories; sorted, a
        # parent still comes first, and one mkdir() per directory will do.
        top = str(self.path)
        for d in sorted(want):
            try:
                os.mkdir(f"{top}/{d}")
            except FileExistsError:
                pass

    def widen(self, paths):
        """Also check out PATHS (directories or files), at the commit the
        index holds."""
        with self._lock:
            paths = [p.strip("/") for p in paths if p.strip("/")]
            if not paths or not self.partial:
                return
            listed = self._git("--literal-pathspecs", "ls-files", "-z", "-t", "--", *paths)
            self._check_out_skipped(listed)

    def _check_out_skipped(self, listed, parallel=False):
        """Clear the skip-worktree bit of, and check out, the entries of
        LISTED ('git ls-files -z -t' output) tagged S; PARALLEL for many."""
        skipped = [e[2:] for e in listed.split("\0") if e.startswith("S ")]
        if not skipped:
            return
        data = "\0".join(skipped) + "\0"
        conf = ["-c", f"checkout.workers={2 * (os.cpu_count() or 2)}"] if parallel else []
        self._git("update-index", "-z", "--no-skip-worktree", "--stdin", input=data)
        self._git(*conf, "checkout-index", "-f", "-u", "-z", "--stdin", input=data)

    def full(self):
        """Check out every file (the fallback when a build failed in the
        partial checkout).  Files already there stay as they are."""
        with self._lock:
            if not self.partial:
                return False
            self.progress(f"checking out the rest of the tree into {self.path}")
            # Only the skipped files: the others may carry the markers of
            # a changed-line proof, which checkout-index would refuse to
            # overwrite (or, with -f, undo).
            self._check_out_skipped(self._git("ls-files", "-z", "-t"), parallel=True)
            self._mark().unlink()
            self._partial = False
            return True

    # -- moving between commits ------------------------------------------------
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
                self._git("reset", "-q", "--hard")
        if self.head == commit:
            return
        self._git("-c", "checkout.workers=4", "checkout", "-q", "-f", "--detach", commit)
        self.head = commit

    def write(self, rel, text):
        """Replace REL's text for a while (until restore()).  The file keeps
        its modification time: a make run meanwhile then remakes only what
        it is asked for, not what depends on REL (a marked header such as
        page-flags.h would otherwise remake kernel/bounds.s and
        asm-offsets.s, which the markers do not compile in)."""
        p = self.path / rel
        st = p.stat()
        self._saved.setdefault(rel, (st.st_atime_ns, st.st_mtime_ns))
        p.write_text(text, errors="surrogateescape")
        os.utime(p, ns=self._saved[rel])

    def restore(self, rels):
        """Put back the committed content of RELS (after marking them), and
        their modification times: make compares those with the objects, and
        a marked header that looked new would make the next build recompile
        every object including it although its content is what they were
        built from."""
        if rels:
            self._git("checkout", "-q", "-f", self.head, "--", *rels)
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
