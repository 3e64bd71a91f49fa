# SPDX-License-Identifier: GPL-2.0
"""How a verify run spends its time and says so: the progress lines, and
the slots that share the cores between the builds."""
import contextlib
import heapq
import itertools
import resource
import sys
import threading
import time


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
