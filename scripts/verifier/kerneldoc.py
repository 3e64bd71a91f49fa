# SPDX-License-Identifier: GPL-2.0
"""kernel-doc over the files a series changes, at the base and at every
commit: 'scripts/kernel-doc -none -Wall FILES', the tree's own script, as
netdev's NIPA runs it on a patch's files.  Upstream's movable_ops rework
drew such a warning in linux-next (a doc comment of page_has_movable_ops()
that lost its ':'), fixed by a follow-up patch.

Each run works on a copy of the files and the script taken from git (no
worktree needed, so it runs beside the builds), and its warnings are
stored by the content of what it read.
"""
import os
import tempfile
from pathlib import Path

from core.proc import c_env, run
from kbuildengine import diag
from kbuildengine.store import sha256_text
from movops.tree import Tree

from . import commits as ser

SCRIPT = "scripts/kernel-doc"
ARGS = ("-none", "-Wall")


def files_of(changes):
    """The C files (sources and headers) the series' CHANGES touch, as
    they are named at the tip (or at the base, when deleted)."""
    return sorted({p for fc in changes for p in (fc.path, fc.old_path)
                   if p and p.endswith((".c", ".h"))})


def run_at(kdir, rev, files, store=None, scratch=None):
    """(warnings as diag dicts, error) of kernel-doc on FILES at REV (those
    REV has); ERROR is '' when the script ran."""
    blobs = ser.blob_ids(kdir, rev, [SCRIPT, *files])
    present = [f for f in files if f in blobs]
    if SCRIPT not in blobs:
        return [], f"{rev[:12]} has no {SCRIPT}"
    key = {"kind": "kerneldoc", "args": ARGS,
           "blobs": sha256_text(*[f"{f}:{blobs[f]}" for f in [SCRIPT, *present]])}
    got = store.get("kerneldoc", key) if store is not None else None
    if got is not None:
        return got, ""
    with tempfile.TemporaryDirectory(prefix="kerneldoc-", dir=scratch) as d:
        Tree(kdir, rev).write_files([SCRIPT, *present], d)
        os.chmod(Path(d) / SCRIPT, 0o755)
        res = run([f"./{SCRIPT}", *ARGS, *present], cwd=d, env=c_env()) if present else None
    if res is not None and res.returncode not in (0, 1) and not res.stderr.strip():
        return [], f"kernel-doc exited {res.returncode}"
    out = diag.parse((res.stderr + res.stdout) if res else "", "kernel-doc")
    for d_ in out:
        d_["text"] = ""
    if store is not None:
        store.put("kerneldoc", key, out)
    return out, ""
