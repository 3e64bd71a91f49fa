# SPDX-License-Identifier: GPL-2.0
"""Small shared pieces of the verifier: running commands, progress output,
the result store that makes warm runs cheap, and the errors it raises."""
import contextlib
import fcntl
import hashlib
import heapq
import itertools
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = HERE.parent
REPO = SCRIPTS.parent


class BadInput(Exception):
    """KDIR, the branch or the base cannot be verified; the message is one
    line naming the problem and the fix (exit status 2)."""


class VerifyError(Exception):
    """The verifier itself could not do its work (a tool missing, a build
    directory that cannot be created...)."""


# Prefix of the checks that run beside the builds (checkpatch, the old-API
# spatch): they are not on the way to the result, so they take the cores
# the builds leave idle instead of slowing make defconfig or prepare.
BACKGROUND = ["nice", "-n", "19"]


def run(cmd, cwd=None, env=None, input=None, check=False, timeout=None):
    """Run CMD (a list), capturing text output; returns CompletedProcess."""
    res = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, input=input,
                         text=True, errors="surrogateescape",
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         timeout=timeout)
    if check and res.returncode != 0:
        raise VerifyError(f"{' '.join(map(str, cmd[:4]))} exited {res.returncode}: "
                          f"{(res.stderr or res.stdout).strip()[-1500:]}")
    return res


def git(repo, *args, check=True, input=None):
    """Output of 'git -C REPO ARGS'."""
    res = run(["git", "-C", repo, *args], input=input)
    if check and res.returncode != 0:
        raise VerifyError(f"git {' '.join(args[:3])}: {res.stderr.strip()}")
    return res.stdout


def c_env():
    """Environment for tools whose messages we parse: English, no colour."""
    env = dict(os.environ)
    env["LC_ALL"] = "C"
    env.pop("LANG", None)
    env.pop("LANGUAGE", None)
    env.pop("GCC_COLORS", None)
    return env


def cpu_seconds():
    """CPU time (user + system) of this process and its finished children.
    Beside the elapsed time in the progress lines it shows whether a phase
    worked or waited for the cores (other jobs on the machine)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


class Progress:
    """Progress lines on stderr ('verify: [elapsed, CPU] ...'), silenced by -q."""

    def __init__(self, quiet=False, stream=None):
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.t0 = time.monotonic()
        self.c0 = cpu_seconds()

    def __call__(self, msg):
        if not self.quiet:
            self.stream.write(f"verify: [{time.monotonic() - self.t0:6.1f}s "
                              f"cpu {cpu_seconds() - self.c0:6.1f}s] {msg}\n")
            self.stream.flush()


def sha256_text(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(str(p).encode("utf-8", "surrogateescape"))
        h.update(b"\0")
    return h.hexdigest()


def code_fingerprint():
    """Hash of the verifier's own sources: cached results made by another
    version of the verifier are not reused."""
    h = hashlib.sha256()
    for p in sorted(HERE.glob("*.py")) + sorted(HERE.glob("*.cocci")):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]


class ResultStore:
    """Results of expensive steps, keyed by everything they depend on.

    A key is a dict (commit tree id, configuration hash, objects, tool
    versions, verifier version...); the same inputs give the same compiler,
    sparse and spatch output, so a stored result is as good as a new run.
    This is what makes a second run ("warm") cheap; a fresh --build-dir
    starts with an empty store.
    """

    def __init__(self, root):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.hits = 0
        self.misses = 0

    def _path(self, kind, key):
        digest = sha256_text(json.dumps(key, sort_keys=True))[:32]
        return self.root / f"{kind}-{digest}.json"

    def get(self, kind, key):
        p = self._path(kind, key)
        try:
            data = json.loads(p.read_text())
        except (OSError, ValueError):
            self.misses += 1
            return None
        if data.get("key") != json.loads(json.dumps(key, sort_keys=True)):
            self.misses += 1
            return None
        self.hits += 1
        return data["value"]

    def put(self, kind, key, value):
        p = self._path(kind, key)
        tmp = p.with_suffix(".tmp")
        tmp.write_text(json.dumps({"key": key, "value": value}, sort_keys=True))
        os.replace(tmp, p)


class Lock:
    """Exclusive lock on a verify cache directory (one run per tree)."""

    def __init__(self, path, progress):
        self.path = Path(path)
        self.progress = progress
        self.fd = None

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = open(self.path, "w")
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.progress(f"waiting for another verify run using {self.path.parent}")
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        self.fd.close()


def cache_root():
    return Path(os.environ.get("MOVOPS_CACHE", Path.home() / ".cache" / "movops"))


def tool_versions():
    """One line per tool whose output the checks compare."""
    out = {}
    for name, cmd in (("gcc", ["gcc", "--version"]), ("sparse", ["sparse", "--version"]),
                      ("make", ["make", "--version"]), ("spatch", ["spatch", "--version"])):
        try:
            res = run(cmd)
            out[name] = (res.stdout or res.stderr).splitlines()[0].strip() if (res.stdout or res.stderr) else ""
        except OSError:
            out[name] = "missing"
    return out


class Slots:
    """At most N jobs at once, across threads, the costliest waiting job
    first.  The configurations' builds of a commit share it: the commit
    ends when its last compile does, and starting the longest ones first
    (and not four compiles on two cores) keeps both cores busy to the
    end."""

    def __init__(self, n):
        self.free = max(1, n)
        self.cv = threading.Condition()
        self.waiting = []
        self.seq = itertools.count()

    @contextlib.contextmanager
    def slot(self, cost):
        me = (-cost, next(self.seq))
        with self.cv:
            heapq.heappush(self.waiting, me)
            while self.free == 0 or self.waiting[0] != me:
                self.cv.wait()
            heapq.heappop(self.waiting)
            self.free -= 1
            # The next in line may be able to start too.
            self.cv.notify_all()
        try:
            yield
        finally:
            with self.cv:
                self.free += 1
                self.cv.notify_all()


class Timer:
    def __init__(self):
        self.t = time.monotonic()

    def lap(self):
        now = time.monotonic()
        d = now - self.t
        self.t = now
        return d
