# SPDX-License-Identifier: GPL-2.0
"""Shared pytest fixtures: the repository root, cached real kernel trees and
cheap clones of them.

Real trees come from Debian's linux-source-* packages, unpacked once into
$MOVOPS_CACHE/src (default ~/.cache/movops/src) and baselined as a git
commit by scripts/prepare-tree.sh.  Tests never touch that cached tree; they
work on clones that share its objects.
"""
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPTS = REPO / "scripts"
CACHE = Path(os.environ.get("MOVOPS_CACHE", Path.home() / ".cache" / "movops"))


def run(cmd, cwd=None, check=True, env=None, timeout=None, input=None):
    """Run a command, capture text output, fail loudly with both streams."""
    res = subprocess.run(cmd, cwd=cwd, env=env, text=True, input=input,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         timeout=timeout)
    if check and res.returncode != 0:
        raise AssertionError(
            f"{' '.join(map(str, cmd))} exited {res.returncode}\n"
            f"--- stdout\n{res.stdout}\n--- stderr\n{res.stderr}")
    return res


_trees = {}


def kernel_tree(version):
    """Path of the cached, baselined Debian linux-source-VERSION tree."""
    if version not in _trees:
        out = run([str(SCRIPTS / "prepare-tree.sh"), "-q", "--pinned", version]).stdout
        _trees[version] = Path(out.strip().splitlines()[-1])
    return _trees[version]


def clone_tree(version, dest, sparse=None):
    """Clone the cached tree to DEST, sharing its objects.

    With SPARSE (a list of directories), only those are checked out: much
    faster than the ~14 s of a full checkout, for tests that only need git
    history and a few files on disk.
    """
    src = kernel_tree(version)
    dest = Path(dest)
    if sparse:
        run(["git", "clone", "-q", "--shared", "--no-checkout", str(src), str(dest)])
        run(["git", "sparse-checkout", "set", "--cone", *sparse], cwd=dest)
        run(["git", "checkout", "-q"], cwd=dest)
    else:
        run(["git", "clone", "-q", "--shared", str(src), str(dest)])
    run(["git", "config", "user.name", "Movops Tester"], cwd=dest)
    run(["git", "config", "user.email", "tester@example.org"], cwd=dest)
    return dest


def debian_config(flavour):
    """Path of Debian's FLAVOUR kernel configuration (e.g. cloud-amd64) from
    the pinned linux-config-6.12, decompressed (scripts/debian-config.sh)."""
    out = run([str(SCRIPTS / "debian-config.sh"), "--pinned", flavour]).stdout
    return Path(out.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def repo():
    return REPO


@pytest.fixture(scope="session")
def series612(tmp_path_factory):
    """A full clone of the cached 6.12 tree with the series (drop-z3fold)
    on branch movable-ops and its patches; shared by the real-tree modules
    that only read it or leave it as they found it (checked out at master,
    clean)."""
    import time
    work = tmp_path_factory.mktemp("series612")
    kdir = clone_tree("6.12", work / "linux")
    head = run(["git", "-C", str(kdir), "rev-parse", "HEAD"]).stdout.strip()
    t = time.monotonic()
    res = run([str(SCRIPTS / "apply-series.sh"), "--prereq", "drop-z3fold", "--output",
               str(work / "patches"), str(kdir)], check=False)
    return {"kdir": kdir, "out": work / "patches", "res": res, "base": head,
            "seconds": time.monotonic() - t}
