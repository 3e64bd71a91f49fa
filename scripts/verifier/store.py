# SPDX-License-Identifier: GPL-2.0
"""The result store that makes warm runs cheap, and what its keys hold
besides the inputs: the tools' versions."""
import hashlib
import json
import os
from pathlib import Path

from core.proc import interrupted, run


def sha256_text(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(str(p).encode("utf-8", "surrogateescape"))
        h.update(b"\0")
    return h.hexdigest()


class ResultStore:
    """Results of expensive steps, keyed by everything they depend on.

    A key is a dict (commit tree id, configuration hash, objects, tool
    versions, verifier version...); the same inputs give the same compiler,
    sparse and spatch output, so a stored result is as good as a new run.
    This is what makes a second run ("warm") cheap; a fresh --build-dir
    starts with an empty store.
    """

    def __init__(self, root):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.hits = 0
        self.misses = 0

    def _path(self, kind, key):
        digest = sha256_text(json.dumps(key, sort_keys=True))[:32]
        return self.root / f"{kind}-{digest}.json"

    def get(self, kind, key):
        p = self._path(kind, key)
        try:
            data = json.loads(p.read_text())
        except (OSError, ValueError):
            self.misses += 1
            return None
        if data.get("key") != json.loads(json.dumps(key, sort_keys=True)):
            self.misses += 1
            return None
        self.hits += 1
        return data["value"]

    def put(self, kind, key, value):
        if interrupted():
            # The value may come from a command the interruption stopped.
            return
        p = self._path(kind, key)
        tmp = p.with_suffix(".tmp")
        tmp.write_text(json.dumps({"key": key, "value": value}, sort_keys=True))
        os.replace(tmp, p)


def tool_versions():
    """One line per tool whose output the checks compare."""
    out = {}
    for name, cmd in (("gcc", ["gcc", "--version"]), ("sparse", ["sparse", "--version"]),
                      ("make", ["make", "--version"]), ("spatch", ["spatch", "--version"])):
        try:
            res = run(cmd)
            out[name] = (res.stdout or res.stderr).splitlines()[0].strip() if (res.stdout or res.stderr) else ""
        except OSError:
            out[name] = "missing"
    return out
