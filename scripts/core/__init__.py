# SPDX-License-Identifier: GPL-2.0
"""The plumbing movops, verifier and bootcheck share, written once:
commands and git (proc), errors and exit statuses (errors), locks, the
cache layout (cache), the Debian packages each purpose needs (deps), text
tables (tables) and code fingerprints for cache keys (fingerprint)."""
