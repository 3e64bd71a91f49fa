# SPDX-License-Identifier: GPL-2.0
"""Code fingerprints for cache keys.

A cached result is only as good as the code that made it: its key carries
a hash of the source of every module of this repository that code runs,
found by following the import lines from the modules named.
"""
import hashlib
import re
from functools import lru_cache
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[1]
REPO = SCRIPTS.parent


def _source(module):
    """The file of MODULE ('movops.kbuild', 'verifier'), or None when it
    is not one of this repository's."""
    base = SCRIPTS.joinpath(*module.split("."))
    for p in (base.with_suffix(".py"), base / "__init__.py"):
        if p.is_file():
            return p
    return None


# Import lines, also inside functions; a parenthesised list may span lines.
# A docstring that looks like one only adds a module to hash.
IMPORT_RE = re.compile(r"^[ \t]*import[ \t]+([\w. \t,]+)$", re.M)
FROM_RE = re.compile(r"^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)", re.M)


@lru_cache(maxsize=None)
def _imports(module):
    """Modules of this repository that MODULE imports (and its packages)."""
    path = _source(module)
    if path is None:
        return ()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    text = path.read_text(errors="replace")
    found = []
    for m in IMPORT_RE.finditer(text):
        found += [n.split()[0] for n in m.group(1).split(",") if n.strip()]
    for m in FROM_RE.finditer(text):
        dots, name, names = m.groups()
        if dots:
            parts = package.split(".")
            parts = parts[:len(parts) - len(dots) + 1]
            base = ".".join(parts + ([name] if name else []))
        else:
            base = name
        found.append(base)
        # 'from pkg import mod' imports a module as well as a name.
        found += [f"{base}.{n.split()[0]}" for n in names.strip("()").split(",")
                  if n.split() and not n.split()[0].startswith("#")]
    out = set()
    for name in found:
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            sub = ".".join(parts[:i])
            if _source(sub) is not None:
                out.add(sub)
    return tuple(sorted(out))


def _package_modules(name):
    """NAME's own modules when it is a package directory, else [NAME]."""
    d = SCRIPTS.joinpath(*name.split("."))
    if (d / "__init__.py").is_file():
        return [name] + [f"{name}.{p.stem}" for p in sorted(d.glob("*.py"))
                         if p.name != "__init__.py"]
    return [name]


def closure(modules):
    """Every module of this repository the MODULES (a package name stands
    for all its modules) import, directly or not, themselves included."""
    todo = [m for name in modules for m in _package_modules(name)]
    seen = set()
    while todo:
        m = todo.pop()
        if m in seen or _source(m) is None:
            continue
        seen.add(m)
        todo.extend(_imports(m))
    return sorted(seen)


def fingerprint(modules, files=()):
    """16 hex digits over the sources of closure(MODULES) and the FILES
    (paths or glob patterns relative to the repository, for the data the
    code reads: .cocci files)."""
    return _fingerprint(tuple(modules), tuple(files))


# The sources do not change while a run uses them.
@lru_cache(maxsize=None)
def _fingerprint(modules, files):
    h = hashlib.sha256()
    paths = [_source(m) for m in closure(modules)]
    for pattern in files:
        paths += sorted(REPO.glob(pattern))
    for p in paths:
        h.update(str(p.relative_to(REPO)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:16]
