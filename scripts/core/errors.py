# SPDX-License-Identifier: GPL-2.0
"""The errors every command reports the same way, and its exit status.

One convention for apply-series, verify.py, runtime-check.py, drift.py and
make-expected.py (README.md, "Exit status"):

  0  done: the series was made, the checks passed
  1  the answer is no: a check failed, the series is blocked
  2  bad input or usage: one line naming the problem and the fix
  3  the tool could not do its work: a command failed unexpectedly, a
     package could not be fetched, a tool is missing
130  interrupted (SIGINT, SIGTERM, SIGHUP)
"""

EXIT_OK = 0
EXIT_NO = 1
EXIT_USAGE = 2
EXIT_ENV = 3
EXIT_INTERRUPTED = 130


class MovopsError(Exception):
    """Base of the errors a command turns into one line and an exit status."""

    status = EXIT_ENV


class BadInput(MovopsError):
    """The caller gave something unusable (not a kernel tree, an unknown
    revision, a branch that exists); the message names the fix."""

    status = EXIT_USAGE


class Refusal(MovopsError):
    """The tree cannot take what was asked (a prerequisite that does not
    fit it): not a fault of the tool nor of the command line."""

    status = EXIT_NO


class EnvironmentFailure(MovopsError):
    """The tool could not do its work: a tool missing, a step that failed,
    a lock that stayed taken."""

    status = EXIT_ENV


class CommandError(EnvironmentFailure):
    """A command exited with a failure status (or ran out of time)."""

    def __init__(self, argv, status, stderr="", what=None, message=None):
        self.argv = [str(a) for a in argv]
        self.returncode = status
        self.stderr = stderr or ""
        self.what = what or " ".join(self.argv[:4])
        # MESSAGE: the caller's own wording, when one line is not enough
        # (a long command's failure quotes the end of its log).
        super().__init__(message or self._line())

    def _line(self):
        lines = [l.strip() for l in self.stderr.splitlines() if l.strip()]
        # git's own words come in a 'fatal:' or 'error:' line, its hints after.
        said = [l for l in lines if l.startswith(("fatal:", "error:"))] or lines[-1:]
        why = f"exit {self.returncode}" if self.returncode is not None else "no result in time"
        return f"{self.what}: {said[0] if said else why}"
