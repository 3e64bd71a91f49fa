# SPDX-License-Identifier: GPL-2.0
"""The cores, shared between the engine's builds."""
import contextlib
import heapq
import itertools
import threading


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
