# SPDX-License-Identifier: GPL-2.0
"""How a verify run spends its time and says so: the progress lines (the
slots that share the cores between the builds are the engine's:
kbuildengine/slots.py)."""
import resource
import sys
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


class Timer:
    def __init__(self):
        self.t = time.monotonic()

    def lap(self):
        now = time.monotonic()
        d = now - self.t
        self.t = now
        return d
