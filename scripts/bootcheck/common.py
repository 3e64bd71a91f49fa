# SPDX-License-Identifier: GPL-2.0
"""Small helpers shared by the runtime check: cache layout, commands with
hard timeouts, locks."""
import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = HERE.parent
REPO = SCRIPTS.parent
RUNTIME_SRC = REPO / "tests" / "runtime"


class BadInput(Exception):
    """The caller gave something unusable (not a kernel tree, unknown rev)."""


class CheckError(Exception):
    """The check could not be carried out (build failure, missing tool).

    Reported as a failing verdict with this message as the reason.
    """


def cache_root(cache_dir=None):
    """$MOVOPS_CACHE/runtime (default ~/.cache/movops/runtime)."""
    if cache_dir is not None:
        root = Path(cache_dir)
    else:
        root = Path(os.environ.get("MOVOPS_CACHE", Path.home() / ".cache" / "movops")) / "runtime"
    root.mkdir(parents=True, exist_ok=True)
    return root


def run_cmd(cmd, timeout, cwd=None, env=None, logfile=None, check=True, what=None,
            progress=None, interval=60):
    """Run CMD in its own process group, killed whole after TIMEOUT seconds.

    Output goes to LOGFILE (appended) when given, else is captured and
    returned.  PROGRESS(elapsed seconds), when given, is called every
    INTERVAL seconds while CMD runs.  Raises CheckError on timeout or (with
    CHECK) failure, quoting the end of the output.
    """
    what = what or " ".join(str(c) for c in cmd[:3])
    out = open(logfile, "a") if logfile else subprocess.PIPE
    t0 = time.monotonic()
    try:
        proc = subprocess.Popen([str(c) for c in cmd], cwd=cwd, env=env, text=True,
                                stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            while True:
                left = timeout - (time.monotonic() - t0)
                try:
                    stdout, _ = proc.communicate(
                        timeout=max(0.1, min(left, interval) if progress else left))
                    break
                except subprocess.TimeoutExpired:
                    if time.monotonic() - t0 >= timeout:
                        raise
                    progress(time.monotonic() - t0)
        except subprocess.TimeoutExpired:
            kill_group(proc)
            raise CheckError(f"{what}: no result after {timeout:.0f} s, killed"
                             + _tail_hint(logfile))
        except BaseException:
            # Interrupted: the command runs in its own session, so it would
            # not see the terminal's signal and would carry on alone.
            kill_group(proc)
            raise
    finally:
        if logfile:
            out.close()
    if check and proc.returncode != 0:
        text = stdout if stdout is not None else _tail(logfile)
        raise CheckError(f"{what} failed (exit {proc.returncode}):\n{_last_lines(text, 25)}")
    return stdout if stdout is not None else ""


def kill_group(proc):
    """Kill PROC and everything it started (it leads its own session)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def _tail(logfile, n=8000):
    try:
        with open(logfile, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - n))
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _tail_hint(logfile):
    if not logfile:
        return ""
    return "\n" + _last_lines(_tail(logfile), 15) + f"\n(full log: {logfile})"


def _last_lines(text, n):
    return "\n".join((text or "").rstrip().splitlines()[-n:])


DEPS = ["qemu-system-x86", "busybox-static", "ccache", "gcc", "libc6-dev", "make", "flex",
        "bison", "bc", "libelf-dev", "libssl-dev", "git",
        "kmod",             # depmod: modules.dep of the modular guest
        "coccinelle"]       # the analysis that names the migrate callbacks


def ensure_deps(log=print):
    """Install the Debian packages the check needs, if missing (one line of
    output when it installs anything)."""
    script = SCRIPTS / "ensure-deps.sh"
    res = subprocess.run([str(script), *DEPS], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    for line in res.stdout.splitlines():
        log(line)
    if res.returncode != 0:
        log("some packages could not be installed; the check may fail for that reason")


class Lock:
    """An exclusive flock on PATH, waited for at most TIMEOUT seconds."""

    def __init__(self, path, timeout=3600, log=None, what="cache"):
        self.path = Path(path)
        self.timeout = timeout
        self.log = log
        self.what = what
        self.fd = None

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout
        told = False
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except BlockingIOError:
                if not told and self.log:
                    self.log(f"waiting for another run using the {self.what} ({self.path})")
                    told = True
                if time.monotonic() > deadline:
                    os.close(self.fd)
                    raise CheckError(f"{self.path} stayed locked for {self.timeout} s")
                time.sleep(1)

    def __exit__(self, *exc):
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
        self.fd = None
