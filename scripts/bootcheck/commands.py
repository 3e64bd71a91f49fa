# SPDX-License-Identifier: GPL-2.0
"""The runtime check's long commands (builds, the guest): run in their own
process group, killed whole after a hard timeout, output to a log file."""
import os
import signal
import subprocess
import time

from core.errors import EnvironmentFailure


class CheckError(EnvironmentFailure):
    """The check could not be carried out (build failure, missing tool).

    Reported as a failing verdict with this message as the reason.
    """


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
