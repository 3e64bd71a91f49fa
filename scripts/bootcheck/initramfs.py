# SPDX-License-Identifier: GPL-2.0
"""The guest's initramfs: Debian's busybox-static, the test program built
from tests/runtime/movtest.c, and tests/runtime/init.sh as /init.

The archive is written here (newc cpio, gzip), deterministically: the same
inputs give the same bytes, and it is rebuilt only when an input changes.

The modular guest's initramfs is that archive followed by a second one
with the modules of its kernel (with_modules()): the kernel unpacks
concatenated archives one after the other, so the shared part stays the
same file for every guest and every kernel.
"""
import gzip
import hashlib
import io
import stat
import subprocess
from pathlib import Path

from core.errors import EnvironmentFailure
from core.paths import write_whole
from core.proc import run_long

RUNTIME_SRC = Path(__file__).resolve().parents[2] / "tests" / "runtime"

BUSYBOX = Path("/bin/busybox")
TEST_SOURCE = RUNTIME_SRC / "movtest.c"
INIT_SCRIPT = RUNTIME_SRC / "init.sh"
CFLAGS = ["-static", "-O2", "-Wall", "-Wextra", "-Werror"]
APPLETS = ["sh", "mount", "poweroff", "sync", "sleep", "cat", "dmesg", "ls", "echo",
           "insmod"]
# The list /init loads, one absolute path a line, in load order.
MODULE_LIST = "etc/movops-modules"


class Cpio:
    """A minimal writer of the 'newc' cpio format the kernel unpacks."""

    def __init__(self):
        self.buf = io.BytesIO()
        self.ino = 1

    def _entry(self, name, mode, data=b"", rdev=(0, 0), nlink=1):
        name_b = name.encode() + b"\0"
        fields = [self.ino, mode, 0, 0, nlink, 0, len(data), 0, 0,
                  rdev[0], rdev[1], len(name_b), 0]
        self.ino += 1
        self.buf.write(b"070701" + b"".join(b"%08X" % f for f in fields))
        self.buf.write(name_b)
        self._pad()
        self.buf.write(data)
        self._pad()

    def _pad(self):
        self.buf.write(b"\0" * (-self.buf.tell() % 4))

    def dir(self, name):
        self._entry(name, stat.S_IFDIR | 0o755, nlink=2)

    def file(self, name, data, mode=0o755):
        self._entry(name, stat.S_IFREG | mode, data)

    def symlink(self, name, target):
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def chardev(self, name, major, minor, mode=0o600):
        self._entry(name, stat.S_IFCHR | mode, rdev=(major, minor))

    def finish(self):
        self._entry("TRAILER!!!", 0, nlink=1)
        self._pad()
        return self.buf.getvalue()


def _gzip(data):
    out = io.BytesIO()
    # mtime=0: the same inputs give the same archive.
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, compresslevel=6) as gz:
        gz.write(data)
    return out.getvalue()


def _compiler_id():
    res = subprocess.run(["gcc", "--version"], stdout=subprocess.PIPE, text=True)
    return res.stdout.splitlines()[0] if res.returncode == 0 and res.stdout else "?"


def inputs_key():
    h = hashlib.sha256()
    for p in (TEST_SOURCE, INIT_SCRIPT, BUSYBOX):
        if not p.exists():
            raise EnvironmentFailure(f"{p} is missing"
                                     + (" (install busybox-static)" if p == BUSYBOX else ""))
        h.update(p.read_bytes())
    h.update(" ".join(CFLAGS + APPLETS).encode() + _compiler_id().encode())
    return h.hexdigest()[:16]


def build_test_program(out):
    run_long(["gcc", *CFLAGS, "-o", out, TEST_SOURCE], timeout=120,
             what="compiling tests/runtime/movtest.c")


def make(cache, log):
    """Path of the gzip'ed initramfs (built into CACHE/initramfs on change)."""
    key = inputs_key()
    outdir = Path(cache) / "initramfs"
    image = outdir / f"initramfs-{key}.cpio.gz"
    if image.exists():
        return image
    log("packing the initramfs (busybox-static + tests/runtime/movtest.c)")
    outdir.mkdir(parents=True, exist_ok=True)
    prog = outdir / f"movtest-{key}"
    build_test_program(prog)
    cpio = Cpio()
    for d in ("bin", "dev", "proc", "sys", "tmp"):
        cpio.dir(d)
    cpio.chardev("dev/console", 5, 1)
    cpio.file("bin/busybox", BUSYBOX.read_bytes())
    for a in APPLETS:
        cpio.symlink(f"bin/{a}", "busybox")
    cpio.file("bin/movtest", prog.read_bytes())
    cpio.file("init", INIT_SCRIPT.read_bytes())
    write_whole(image, _gzip(cpio.finish()))
    prog.unlink()
    # Old archives are useless once the inputs changed.
    for old in outdir.glob("initramfs-*.cpio.gz"):
        if old != image:
            old.unlink()
    return image


def modules_archive(release, moddir, load, extra=()):
    """The gzip'ed cpio of the modules LOAD (paths relative to MODDIR, in
    load order) under /lib/modules/RELEASE, with depmod's files beside
    them, the list /init loads them from, and EXTRA files ((path in the
    guest, bytes): the registration fault's module) that /init does not
    load."""
    cpio = Cpio()
    made = set()

    def dirs(path):
        parts = Path(path).parts
        for i in range(1, len(parts)):
            d = "/".join(parts[:i])
            if d not in made:
                cpio.dir(d)
                made.add(d)

    root = f"lib/modules/{release}"
    for rel in sorted(set(load) | {"modules.dep", "modules.order"}):
        src = Path(moddir) / rel
        if not src.exists():
            continue
        dirs(f"{root}/{rel}")
        cpio.file(f"{root}/{rel}", src.read_bytes(), 0o644)
    dirs(MODULE_LIST)
    cpio.file(MODULE_LIST, "".join(f"/{root}/{rel}\n" for rel in load).encode(), 0o644)
    for path, data in extra:
        dirs(path)
        cpio.file(path, data, 0o644)
    return _gzip(cpio.finish())


def with_modules(base, out, release, moddir, load, extra=()):
    """OUT: the initramfs BASE followed by the archive of the modules LOAD.

    The kernel skips the zero bytes between two archives, and finds the
    next one at a multiple of 4 bytes.
    """
    data = Path(base).read_bytes()
    data += b"\0" * (-len(data) % 4)
    data += modules_archive(release, moddir, load, extra)
    out = Path(out)
    if not out.exists() or out.read_bytes() != data:
        write_whole(out, data)
    return out
