# SPDX-License-Identifier: GPL-2.0
"""The result store that makes warm runs cheap (the one store of the
engine's results and of what verify computes from them), and what its keys
hold besides the inputs: the tools' versions, and the code (key())."""
import hashlib
import json
import re
from pathlib import Path

from core import fingerprint as code
from core.paths import write_whole
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
        write_whole(p, json.dumps({"key": key, "value": value}, sort_keys=True))


def engine_code():
    """The fingerprint of the engine's own code (core.fingerprint): every
    stored build result depends on it."""
    return code.fingerprint(["kbuildengine"])


def key(kind, **inputs):
    """The one key scheme: what a stored result of KIND was made from
    (INPUTS: tree ids, configuration hash, target, objects, tools...),
    and the engine's code."""
    return dict(inputs, kind=kind, engine=engine_code())


def tool_versions():
    """One line per host tool whose output the checks compare."""
    return {name: version(cmd) for name, cmd in (
        ("gcc", ["gcc", "--version"]), ("sparse", ["sparse", "--version"]),
        ("make", ["make", "--version"]), ("spatch", ["spatch", "--version"]))}


def version(cmd):
    """The first line CMD prints ('missing' when it cannot run)."""
    try:
        res = run(cmd)
    except OSError:
        return "missing"
    text = res.stdout or res.stderr
    return text.splitlines()[0].strip() if text else ""


def config_fingerprint(config_text):
    """Hash of a .config without its comment header (which names the
    version and date of generation)."""
    lines = [l for l in config_text.splitlines()
             if l.startswith("CONFIG_") or re.match(r"# CONFIG_\w+ is not set", l)]
    return sha256_text("\n".join(sorted(lines)))[:16]
