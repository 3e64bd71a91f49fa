# SPDX-License-Identifier: GPL-2.0
"""Running commands and git: one function each, one error (CommandError);
and how a run that is told to stop stops them (interrupt_on_signals()).

run() is for commands whose output is wanted; run_long() for the long
ones (kernel builds, a QEMU guest) that must not outlive a hard timeout:
their own process group, killed whole, output to a log file."""
import os
import signal
import subprocess
import time
from pathlib import Path

from .errors import CommandError

# Set once the run was told to stop: no new command starts after that.
_stopping = False


class Stopped(KeyboardInterrupt):
    """The run was interrupted (SIGINT, SIGTERM or SIGHUP)."""


def run(argv, cwd=None, env=None, input=None, check=False, timeout=None,
        text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, what=None):
    """Run ARGV (a list; its items are made strings) and return the
    CompletedProcess, output captured as text (undecodable bytes kept as
    surrogates) unless TEXT is false.  With CHECK, a failure status raises
    CommandError; running out of TIMEOUT always does."""
    argv = [str(a) for a in argv]
    if _stopping:
        # A worker thread of an interrupted run: its next command would
        # outlive the run's cleanup.
        raise Stopped()
    if text and isinstance(input, bytes):
        text = False
    elif not text and isinstance(input, str):
        input = input.encode("utf-8", "surrogateescape")
    try:
        res = subprocess.run(argv, cwd=cwd, env=env, input=input, timeout=timeout,
                             stdout=stdout, stderr=stderr,
                             **({"text": True, "errors": "surrogateescape"} if text else {}))
    except subprocess.TimeoutExpired:
        raise CommandError(argv, None, f"no result after {timeout} s", what=what)
    if check and res.returncode != 0:
        err = res.stderr if isinstance(res.stderr, str) else (res.stderr or b"").decode(
            "utf-8", "replace")
        out = res.stdout if isinstance(res.stdout, str) else ""
        raise CommandError(argv, res.returncode, err or out or "", what=what)
    return res


def run_long(argv, timeout, cwd=None, env=None, logfile=None, check=True, what=None,
             progress=None, interval=60):
    """Run ARGV in its own process group, killed whole after TIMEOUT seconds.

    Output (stderr with stdout) goes to LOGFILE (appended) when given, else
    is captured and returned.  PROGRESS(elapsed seconds), when given, is
    called every INTERVAL seconds while ARGV runs.  Raises CommandError on
    timeout or (with CHECK) failure, its message quoting the end of the
    output.
    """
    argv = [str(a) for a in argv]
    what = what or " ".join(argv[:3])
    if _stopping:
        raise Stopped()
    out = open(logfile, "a") if logfile else subprocess.PIPE
    t0 = time.monotonic()
    try:
        proc = subprocess.Popen(argv, cwd=cwd, env=env, text=True,
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
            tail = _tail(logfile) if logfile else ""
            raise CommandError(argv, None, tail, what=what, message=(
                f"{what}: no result after {timeout:.0f} s, killed" + _tail_hint(logfile)))
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
        raise CommandError(argv, proc.returncode, text, what=what, message=(
            f"{what} failed (exit {proc.returncode}):\n{_last_lines(text, 25)}"))
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


def git(repo, *args, check=True, input=None, env=None, timeout=None, text=True,
        full=False):
    """'git -C REPO ARGS': its standard output, or with FULL the whole
    CompletedProcess.  A failure raises CommandError when CHECK."""
    res = run(["git", "-C", repo, *args], env=env, input=input, check=check,
              timeout=timeout, text=text,
              what="git " + " ".join(str(a) for a in args[:4]) + f" in {repo}")
    return res if full else res.stdout


# Prefix of the commands that run beside the main work (checkpatch, the
# old-API spatch of verify): they are not on the way to the result, so they
# take the cores the main work leaves idle instead of slowing it.
BACKGROUND = ["nice", "-n", "19"]


def c_env():
    """Environment for tools whose messages are parsed: English, no colour."""
    env = dict(os.environ)
    env["LC_ALL"] = "C"
    for k in ("LANG", "LANGUAGE", "GCC_COLORS"):
        env.pop(k, None)
    return env


def children(pid="self"):
    """PIDs of the direct children of PID (default: this process), started
    from any of its threads."""
    pids = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return []
    for task in tasks:
        try:
            pids += [int(p) for p in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return sorted(set(pids))


def descendants(pid="self"):
    """PIDs of every process below PID (default: this one), children
    first: what a terminal's Ctrl-C reaches in the process group, whose
    members a SIGTERM to this process alone does not (checkpatch.pl's
    get_maintainer.pl outlived verify's children)."""
    out, todo = [], [pid]
    while todo:
        kids = children(todo.pop(0))
        out += kids
        todo += kids
    return out


def interrupted():
    """True once interrupt_on_signals()' handler ran: a result computed
    now may come from a command it stopped, and must not be stored."""
    return _stopping


def interrupt_on_signals(signals=(signal.SIGINT, signal.SIGTERM, signal.SIGHUP)):
    """End the run on each of SIGNALS the way a terminal's Ctrl-C does:
    Ctrl-C reaches the whole process group, a SIGTERM (kill, a CI timeout)
    only this process, so the handler passes SIGTERM on to the running
    commands and everything they started (descendants(): make's recipes
    remove their half-written targets, as after Ctrl-C), lets no new
    command start (run()), and raises Stopped (a KeyboardInterrupt) in the main thread, whose
    cleanup then runs as after Ctrl-C."""
    def handler(signum, frame):
        global _stopping
        first = not _stopping
        _stopping = True
        for pid in descendants():
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        if first:
            raise Stopped()
    for s in signals:
        # A signal ignored from the start (nohup, a background job of a
        # script) stays ignored, as the caller wanted.
        if signal.getsignal(s) is not signal.SIG_IGN:
            signal.signal(s, handler)
