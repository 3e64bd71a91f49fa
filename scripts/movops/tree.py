# SPDX-License-Identifier: GPL-2.0
"""Read-only views of a kernel tree: a directory on disk, or one git revision.

The series is always built from a committed base, never from the user's
working tree, so everything that reads the tree goes through this class and
can be pointed at a revision without checking it out.
"""
import hashlib
import os
import re
import subprocess
from pathlib import Path

from core.errors import CommandError
from core.proc import git, run


class Tree:
    """A kernel tree at PATH; with REV, the files of that git revision."""

    def __init__(self, path, rev=None, env=None, near=None):
        """ENV: environment for git (a private object store holding REV);
        NEAR: a commit of the real repository close to REV, used to find
        which checked-out files can stand in for REV's (default: REV)."""
        self.path = Path(path).resolve()
        self.rev = rev
        self.env = env
        self.near = near
        self._cache = {}
        if rev is not None:
            self.commit = git(self.path, "rev-parse", "--verify", "-q",
                              rev + "^{commit}", env=env).strip()
        else:
            self.commit = None

    # -- reading -----------------------------------------------------------
    def read(self, rel):
        """Text of REL, or None when the tree has no such file."""
        rel = str(rel)
        if rel in self._cache:
            return self._cache[rel]
        if self.rev is None:
            p = self.path / rel
            text = p.read_text(errors="surrogateescape") if p.is_file() else None
        else:
            res = git(self.path, "cat-file", "blob", f"{self.commit}:{rel}", env=self.env,
                      check=False, text=False, full=True)
            text = (res.stdout.decode("utf-8", "surrogateescape")
                    if res.returncode == 0 else None)
        self._cache[rel] = text
        return text

    def read_many(self, rels):
        """Read many files at once (one git process for a revision)."""
        wanted = [str(r) for r in rels]
        rels = [r for r in wanted if r not in self._cache]
        if rels and self.rev is not None:
            spec = "".join(f"{self.commit}:{r}\n" for r in rels)
            out = git(self.path, "cat-file", "--batch", input=spec.encode(), env=self.env,
                      text=False)
            pos = 0
            for r in rels:
                nl = out.index(b"\n", pos)
                header = out[pos:nl].split()
                pos = nl + 1
                if len(header) >= 2 and header[1] == b"missing":
                    self._cache[r] = None
                    continue
                size = int(header[2])
                self._cache[r] = out[pos:pos + size].decode("utf-8", "surrogateescape")
                pos += size + 1
        return {r: self.read(r) for r in wanted}

    def write_files(self, rels, dest):
        """Write the files RELS of the tree under DEST (spatch and the steps
        work on such a copy of a few files, never on the tree); returns
        {rel: text} of those written (the tree has the others not)."""
        written = {}
        for rel, text in self.read_many(rels).items():
            if text is None:
                continue
            p = Path(dest) / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, errors="surrogateescape")
            written[rel] = text
        return written

    def exists(self, rel):
        return self.read(rel) is not None

    def grep(self, pattern, pathspecs=(), extended=True, word=False):
        """Files matching the regex PATTERN (git grep, or grep -r on disk)."""
        return sorted(self.grep_lines(pattern, pathspecs, extended, word,
                                      files_only=True))

    def grep_lines(self, pattern, pathspecs=(), extended=True, word=False,
                   files_only=False, fixed=None):
        """{file: [(line, text)]} for lines matching PATTERN.

        FIXED, a list of plain strings one of which every match contains,
        makes the search a fixed-string one for them, and PATTERN (then a
        Python regex) only filters the lines found: for a pattern with
        alternatives like '__SetPage[A-Z]\\w*\\s*\\(' git's PCRE search
        takes twice as long over a kernel tree."""
        opts = ["-I"]
        if fixed:
            assert not files_only and not word
            opts.append("-F")
            search = [a for w in fixed for a in ("-e", w)]
        else:
            # Perl regexes: with \b or \s, git's ERE engine is 20 times slower.
            opts.append("-P" if extended else "-G")
            search = ["-e", pattern]
        if word:
            opts.append("-w")
        opts.append("-l" if files_only else "-n")
        if self.is_git():
            differ = self._differ_from_worktree()
            if self.rev is None or differ is None:
                stdout = self._git_grep(opts, search, self.commit, pathspecs)
            else:
                # Searching a revision inflates every blob (4 s on a kernel);
                # the checked-out files are ten times faster to read.  Search
                # the working tree for the files identical to the revision and
                # the revision itself only for the few that differ.
                excl = [f":(exclude){d}" for d in differ]
                stdout = self._git_grep(opts, search, None, list(pathspecs or ["."]) + excl)
                narrowed = _narrow(pathspecs, differ)
                if narrowed:
                    stdout += self._git_grep(opts, search, self.commit, narrowed)
            res = subprocess.CompletedProcess([], 0, stdout=stdout)
        else:
            cmd = ["grep", "-r", *opts, *_grep_filters(pathspecs), *search, "--",
                   *_grep_paths(pathspecs)]
            res = run(cmd, cwd=self.path, text=False, stderr=subprocess.DEVNULL)
        found = {}
        keep = re.compile(pattern) if fixed else None
        prefix = f"{self.commit}:" if self.rev is not None else ""
        for raw in res.stdout.decode("utf-8", "surrogateescape").splitlines():
            if prefix and raw.startswith(prefix):
                raw = raw[len(prefix):]
            if raw.startswith("./"):
                raw = raw[2:]
            if files_only:
                found[raw] = []
                continue
            name, lineno, text = raw.split(":", 2)
            if fixed and not keep.search(text):
                continue
            found.setdefault(name, []).append((int(lineno), text))
        return found

    def _git_grep(self, opts, search, commit, pathspecs):
        args = ["grep", *opts, *search, *([commit] if commit is not None else []),
                "--", *pathspecs]
        # Status 1: nothing matched.
        res = git(self.path, *args, check=False, text=False, full=True,
                  env=self.env if commit is not None else None)
        if res.returncode not in (0, 1):
            raise CommandError(["git", "-C", self.path, *args], res.returncode,
                               res.stderr.decode("utf-8", "replace"), what="git grep")
        return res.stdout

    def _differ_from_worktree(self):
        """Files whose checked-out content differs from the revision, or None
        when the working tree cannot stand in for it (bare, sparse, or too
        different)."""
        if self.rev is None:
            return None
        if "_differ" in self.__dict__:
            return self._differ
        differ = None
        near = self.near or self.commit
        if (self.path / ".git").exists() and not _is_sparse(self.path):
            # The real index knows which checked-out files match NEAR ...
            res = git(self.path, "diff", "--no-renames", "--name-only", near, "--",
                      check=False, full=True)
            if res.returncode == 0:
                names = set(res.stdout.splitlines())
                # ... and NEAR differs from the revision in a few files.
                if near != self.commit:
                    names |= set(git(self.path, "diff", "--no-renames", "--name-only",
                                     near, self.commit, env=self.env).splitlines())
                differ = sorted(names) if len(names) <= 500 else None
        self._differ = differ
        return differ

    def is_git(self):
        if self.rev is not None:
            return True
        return (self.path / ".git").exists()

    def ls_files(self, pathspecs=()):
        if self.rev is not None:
            out = git(self.path, "ls-tree", "-r", "--name-only", self.commit,
                      "--", *pathspecs, env=self.env)
            return out.splitlines()
        if self.is_git():
            return git(self.path, "ls-files", "--", *pathspecs).splitlines()
        files = []
        for top in (pathspecs or ["."]):
            for dirpath, _, names in os.walk(self.path / top):
                for n in names:
                    files.append(os.path.relpath(os.path.join(dirpath, n), self.path))
        return sorted(files)

    # -- identity ----------------------------------------------------------
    def version(self):
        """'6.12.117' from the top-level Makefile."""
        text = self.read("Makefile") or ""
        parts = {}
        for key in ("VERSION", "PATCHLEVEL", "SUBLEVEL", "EXTRAVERSION"):
            m = re.search(rf"^{key}[ \t]*=[ \t]*(\S*)", text, re.M)
            parts[key] = m.group(1) if m else ""
        v = parts["VERSION"]
        if parts["PATCHLEVEL"]:
            v += "." + parts["PATCHLEVEL"]
        if parts["SUBLEVEL"] not in ("", "0"):
            v += "." + parts["SUBLEVEL"]
        return v + parts["EXTRAVERSION"]

    def is_kernel_tree(self):
        text = self.read("Makefile")
        return bool(text and re.search(r"^VERSION\s*=", text, re.M)
                    and self.read("mm/Makefile") is not None)

    def content_hash(self, rels):
        """sha256 over the named files (path and content), missing ones too."""
        h = hashlib.sha256()
        texts = self.read_many(sorted(set(rels)))
        for rel in sorted(texts):
            h.update(rel.encode() + b"\0")
            t = texts[rel]
            h.update(b"-" if t is None else t.encode("utf-8", "surrogateescape"))
            h.update(b"\0")
        return h.hexdigest()


# A plain tree (no git) is searched with grep -r: git pathspecs become its
# --include and --exclude-dir options.
def _grep_filters(pathspecs):
    out = []
    for p in pathspecs or ():
        if p.startswith((":!", ":(exclude)")):
            d = p.split(")", 1)[1] if p.startswith(":(") else p[2:]
            out.append(f"--exclude-dir={d.rstrip('/')}")
        elif "*" in p and "/" not in p:
            out.append(f"--include={p}")
    return out


def _grep_paths(pathspecs):
    paths = [p for p in pathspecs or () if not p.startswith(":") and "*" not in p]
    return paths or ["."]


def _is_sparse(path):
    return git(path, "config", "--bool", "core.sparseCheckout", check=False).strip() == "true"


def _pathspec_match(path, spec):
    import fnmatch
    if spec.startswith(":!") or spec.startswith(":(exclude)"):
        return None
    if any(c in spec for c in "*?["):
        return fnmatch.fnmatchcase(path, spec)
    return path == spec or path.startswith(spec.rstrip("/") + "/")


def _narrow(pathspecs, files):
    """The FILES that PATHSPECS (globs and ':!prefix' exclusions) select."""
    pos = [s for s in pathspecs if not s.startswith(":")]
    neg = [s.split(")", 1)[1] if s.startswith(":(") else s[2:]
           for s in pathspecs if s.startswith(":")]
    out = []
    for f in files:
        if pos and not any(_pathspec_match(f, s) for s in pos):
            continue
        if any(_pathspec_match(f, s) for s in neg):
            continue
        out.append(f)
    return out
