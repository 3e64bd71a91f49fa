# SPDX-License-Identifier: GPL-2.0
"""The paths a command is given: checked before any work, written without
losing anything of the user's.

- existing_dir(): a directory argument (KDIR) that must exist; a regular
  file or anything else is said to be what it is, not "no such directory".
- new_file(): a file a command writes (--json FILE).  Refused, each in one
  line, when it is a directory, its directory is missing or cannot be
  written (under /proc, read-only), or it exists and is not a file the
  command wrote itself (recognised by its content).
- OutputDir: a directory a command fills (--output DIR).  It must be new or
  empty, or hold only files an earlier run of the command wrote there,
  unchanged since, as its manifest (MANIFEST, beside them) records; those
  are replaced only with --force.  Each file is written whole (a temporary
  file renamed over it: write_whole(), the toolkit's one atomic write),
  and the manifest is rewritten after each, so that an interrupted run
  leaves only files the manifest names.

Whether a directory can be written is found out by creating a file in it,
not from its permission bits: root passes every access() test, and /proc
refuses files whatever its bits say.
"""
import hashlib
import json
import os
import tempfile
from pathlib import Path

from .errors import BadInput

MANIFEST = ".movops-output"
# What the manifest records for a directory the command made (its content
# is the command's: make-drift's per-release patches).
DIRECTORY = "directory"


def existing_dir(path, what="KDIR", fix="give the top directory of a kernel tree"):
    """PATH resolved, or BadInput saying what PATH is instead of a directory."""
    p = Path(path).expanduser()
    if p.is_dir():
        return p.resolve()
    if p.is_file():
        kind = "a regular file, not a directory"
    elif p.exists():
        kind = "not a directory"
    elif p.is_symlink():
        kind = "a broken symbolic link"
    else:
        kind = "no such directory"
    raise BadInput(f"{path}: {kind}; {fix}")


def cannot_write(directory):
    """Why no file can be created in DIRECTORY, or None when one can."""
    try:
        fd, name = tempfile.mkstemp(prefix=".movops-probe-", dir=directory)
    except OSError as e:
        return e.strerror or str(e)
    os.close(fd)
    os.unlink(name)
    return None


def new_file(path, option, ours=None, tool="movops"):
    """Check that the file PATH (given as OPTION) can be written; returns it.

    OURS(path) -> bool tells a file this command wrote earlier, which may be
    replaced; any other existing file is refused."""
    p = Path(path).expanduser()
    if p.is_dir():
        raise BadInput(f"{option} {path}: a directory; give the name of a file to write "
                       f"(e.g. {Path(path) / 'report.json'})")
    parent = p.absolute().parent
    if not parent.is_dir():
        what = "is not a directory" if parent.exists() else "does not exist"
        raise BadInput(f"{option} {path}: {parent} {what}; create it first or give a path "
                       "in an existing directory")
    if p.exists() or p.is_symlink():
        if not p.is_file():
            raise BadInput(f"{option} {path}: exists and is not a regular file; give a new "
                           "file name")
        if not (ours and _safe(ours, p)):
            raise BadInput(f"{option} {path}: the file exists and {tool} did not write it; "
                           "give a new file name (or remove it yourself)")
    why = cannot_write(parent)
    if why:
        raise BadInput(f"{option} {path}: cannot create a file in {parent} ({why}); give a "
                       "path in a writable directory")
    return p


def json_with_keys(*keys):
    """An OURS test for new_file(): a JSON object that has all KEYS, as the
    reports the commands write do."""
    def ours(p):
        data = json.loads(Path(p).read_text())
        return isinstance(data, dict) and all(k in data for k in keys)
    return ours


def _safe(test, p):
    try:
        return bool(test(p))
    except (OSError, ValueError):
        return False


def write_whole(path, data, mode=0o644):
    """Write DATA (str or bytes) to PATH through a temporary file beside it:
    PATH is either the old file or the complete new one, never half.

    This is the one atomic write of the toolkit (cache entries, stored
    configurations, wrappers, reports).  The temporary file has a name of its
    own (mkstemp), so that concurrent writers of one PATH never write into
    each other's file; the last rename wins, whole.  On any failure, Ctrl-C
    included, the temporary file is removed and PATH is as it was.  A str is
    written as UTF-8, undecodable bytes (surrogateescape) as they were read.

    fsync policy: none.  The rename makes the write whole against an
    interrupted run and against a concurrent reader, not against a power
    loss; what is written here is either a cache entry, recomputed when it
    is missing or unreadable, or an output its command writes again.
    """
    path = Path(path)
    raw = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_manifest(d):
    """{name: sha256} of the files the manifest in D records, or None
    without a readable manifest."""
    try:
        data = json.loads((Path(d) / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        return None
    return files


class OutputDir:
    """A directory a command fills; see the module's docstring."""

    def __init__(self, path, tool, earlier):
        self.path = Path(path)
        self.tool = tool
        self.earlier = dict(earlier)    # what an earlier run left, unchanged
        self.written = {}

    @classmethod
    def claim(cls, path, option, tool, force):
        """Check, before any work, that the command may write into PATH
        (given as OPTION); BadInput otherwise.  Nothing is created yet."""
        p = Path(path).expanduser()
        if p.exists() and not p.is_dir():
            raise BadInput(f"{option} {path}: {'a regular file' if p.is_file() else 'exists'}"
                           ", not a directory; give a new or empty directory")
        if not p.exists():
            parent = p.absolute().parent
            if not parent.is_dir():
                raise BadInput(f"{option} {path}: {parent} does not exist; create it first "
                               "or give a directory in an existing one")
            why = cannot_write(parent)
            if why:
                raise BadInput(f"{option} {path}: cannot create it in {parent} ({why}); give "
                               "a directory where you can write")
            return cls(p, tool, {})
        why = cannot_write(p)
        if why:
            raise BadInput(f"{option} {path}: cannot write in it ({why}); give a directory "
                           "where you can write")
        names = sorted(os.listdir(p))
        manifest = read_manifest(p)
        known = manifest or {}
        foreign = [n for n in names if not (n == MANIFEST and manifest is not None)
                   and (n not in known or (p / n).is_dir() != (known[n] == DIRECTORY))]
        if foreign:
            more = f" and {len(foreign) - 4} more" if len(foreign) > 4 else ""
            raise BadInput(f"{option} {path}: holds files {tool} did not write "
                           f"({', '.join(foreign[:4])}{more}); give a new or empty directory")
        changed = [n for n in names if n in known and known[n] != DIRECTORY
                   and _sha256(p / n) != known[n]]
        if changed:
            raise BadInput(f"{option} {path}: {', '.join(changed[:4])} changed since {tool} "
                           "wrote it; give a new or empty directory (or move your changes "
                           "away)")
        present = {n: known[n] for n in names if n in known}
        if present and not force:
            raise BadInput(f"{option} {path}: holds the {len(present)} files of an earlier "
                           f"{tool} run; replace them with --force or give a new or empty "
                           "directory")
        return cls(p, tool, present)

    @classmethod
    def own(cls, path, tool):
        """PATH, a directory of the cache that TOOL alone writes (core.cache):
        everything in it is an earlier run's, manifest or not."""
        p = Path(path)
        earlier = {}
        if p.is_dir():
            earlier = {n: DIRECTORY if (p / n).is_dir() else _sha256(p / n)
                       for n in os.listdir(p) if n != MANIFEST}
        return cls(p, tool, earlier)

    def write(self, name, data):
        """Write the file NAME (str or bytes) and record it."""
        self.path.mkdir(parents=True, exist_ok=True)
        target = self.path / name
        if target.exists() and name not in self.earlier and name not in self.written:
            # Appeared since claim(): someone else's.
            raise BadInput(f"{target}: appeared while {self.tool} ran; nothing of it was "
                           "replaced")
        write_whole(target, data)
        self.written[name] = _sha256(target)
        self._save()

    def subdir(self, name):
        """The directory NAME, emptied if an earlier run made it, recorded."""
        import shutil
        d = self.path / name
        if d.exists():
            if self.earlier.get(name) != DIRECTORY and self.written.get(name) != DIRECTORY:
                raise BadInput(f"{d}: appeared while {self.tool} ran; nothing of it was "
                               "replaced")
            shutil.rmtree(d)
        d.mkdir(parents=True)
        self.written[name] = DIRECTORY
        self._save()
        return d

    def finish(self):
        """Remove what an earlier run wrote and this one did not write again,
        if it is still as that run left it."""
        for name, sha in sorted(self.earlier.items()):
            p = self.path / name
            if name in self.written or not p.exists():
                continue
            if sha == DIRECTORY:
                import shutil
                shutil.rmtree(p, ignore_errors=True)
            elif p.is_file() and _sha256(p) == sha:
                p.unlink()
        self.earlier = {}
        if self.path.is_dir():
            self._save()

    def _save(self):
        files = {**{n: s for n, s in self.earlier.items() if (self.path / n).exists()},
                 **self.written}
        write_whole(self.path / MANIFEST, json.dumps(
            {"tool": self.tool, "files": dict(sorted(files.items()))}, indent=1) + "\n")


# -- temporary directories ----------------------------------------------------
#
# A run's temporary directory is named PREFIX<pid>-<random> in the system's
# temporary directory, so that a run killed with SIGKILL (no cleanup
# possible) is known by its dead PID, and the next run removes what it left.

def scratch_dir(prefix):
    """A new temporary directory PREFIX<pid>-XXXX; earlier ones of dead
    runs are removed first (sweep())."""
    sweep(prefix)
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True     # another user's process
    return True


def sweep(prefix, root=None):
    """Remove the PREFIX<pid>-* directories of ROOT (the temporary
    directory) whose process is gone; returns their paths.  A PID in use
    again keeps its directory: only what is certainly dead goes."""
    import re
    import shutil
    root = Path(root or tempfile.gettempdir())
    rx = re.compile(re.escape(prefix) + r"(\d+)-[^/]+\Z")
    gone = []
    try:
        entries = list(root.iterdir())
    except OSError:
        return gone
    for d in entries:
        m = rx.match(d.name)
        if not m or int(m.group(1)) == os.getpid() or _alive(int(m.group(1))):
            continue
        try:
            if d.is_dir() and not d.is_symlink() and d.stat().st_uid == os.getuid():
                shutil.rmtree(d, ignore_errors=True)
                gone.append(d)
        except OSError:
            continue
    return gone
