# SPDX-License-Identifier: GPL-2.0
"""The plumbing movops, verifier, kbuildengine and bootcheck share,
written once.  It imports nothing of theirs.

  proc.py         commands and git: run(), run_long() (a hard timeout, its
                  own process group, a log file), git(); how a run told to
                  stop stops them (interrupt_on_signals())
  errors.py       the error types and the exit statuses (0, 1, 2, 3, 130)
  paths.py        the paths a command is given, checked before any work;
                  OutputDir; write_whole(), the one atomic write
  cache.py        the cache root ($MOVOPS_CACHE) and its parts
  locks.py        one exclusive lock (flock) as a context manager
  deps.py         the Debian packages each purpose needs, and the installer
  fingerprint.py  code fingerprints for cache keys
  tables.py       plain-text tables
  cli.py          the command lines' parser (a usage error: one line, exit 2)
"""
