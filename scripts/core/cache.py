# SPDX-License-Identifier: GPL-2.0
"""Where movops keeps what it makes once and reuses: the one definition of
the cache root and its layout.

The root is $MOVOPS_CACHE, by default ~/.cache/movops.  The Makefile and
the shell scripts ask for it, or for one of its parts, with
'scripts/py -m core.cache [PART [SUB...]]' (main() below; scripts/py runs
Debian's python3 with scripts/ on the module path).
"""
import os
import sys
from pathlib import Path

DEFAULT = "~/.cache/movops"

# The parts of the cache, each owned by one command.
LAYOUT = {
    "src": "unpacked Debian linux-source trees, each baselined as a git repository",
    "debs": "pinned linux-source packages, fetched without installing them",
    "configs": "Debian kernel configurations (debian-config.sh)",
    "verify": "verify.py's private checkouts, build directories and results",
    "runtime": "runtime-check.py's trees, kernels, guests and logs",
    "demo": "make demo's clone, patches and report",
    "drift": "make drift's report",
    "bench": "make bench's clone and runtime cache",
    "bench-verify": "bench-verify.py's full-build reference timings and their build logs",
    "reports": "apply-series' reports of the runs given no --output",
}


def root():
    """The cache root, $MOVOPS_CACHE or the default (not created)."""
    return Path(os.environ.get("MOVOPS_CACHE") or os.path.expanduser(DEFAULT))


def path(part, *more):
    """ROOT/PART/MORE...; PART must be one of LAYOUT (not created)."""
    if part not in LAYOUT:
        raise KeyError(f"no cache part '{part}'; known: {', '.join(LAYOUT)}")
    return root().joinpath(part, *more)


def main(argv):
    if argv[:1] in (["-h"], ["--help"]):
        print("usage: scripts/py -m core.cache [PART [SUB...]]  (the cache root, or one of "
              "its parts)")
        for name, what in LAYOUT.items():
            print(f"  {name:15} {what}")
        return 0
    try:
        print(path(*argv) if argv else root())
    except KeyError as e:
        print(f"core.cache: {e.args[0]}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
