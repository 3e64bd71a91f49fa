# SPDX-License-Identifier: GPL-2.0
"""One exclusive lock: flock on a file, as a context manager."""
import fcntl
import os
import time
from pathlib import Path

from .errors import EnvironmentFailure


class Locked(EnvironmentFailure):
    """The lock stayed taken (by another run) longer than allowed."""


class Lock:
    """An exclusive flock on PATH (created, with its directory, if missing).

    TIMEOUT: seconds to wait for another holder, None for as long as it
    takes, 0 for not at all (then Locked at once).  WAITING(path), if
    given, is called once when the lock is not free at the first try, so
    the user learns why nothing happens.
    """

    def __init__(self, path, timeout=None, waiting=None):
        self.path = Path(path)
        self.timeout = timeout
        self.waiting = waiting
        self.fd = None

    def acquire(self):
        """Take the lock (see the class); returns self."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self.fd = fd
                return self
            except BlockingIOError:
                if deadline is not None and time.monotonic() >= deadline:
                    os.close(fd)
                    raise Locked(f"{self.path} stayed locked for {self.timeout} s")
                if not told and self.waiting:
                    self.waiting(self.path)
                    told = True
                if deadline is None:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX)
                    except BaseException:
                        os.close(fd)
                        raise
                    self.fd = fd
                    return self
                time.sleep(min(1, max(0.05, deadline - time.monotonic())))

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()

    def release(self):
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None
