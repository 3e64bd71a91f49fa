# SPDX-License-Identifier: GPL-2.0
"""Whole kernels: a target's boot image (and modules), built out of tree
and incrementally, for the runtime check's guests (and bench's full
builds, make_command()).

Where builds of single objects (build.py) keep every diagnostic, an image
build wants speed: the compiler runs through ccache (its cache under the
caller's directory), and the build identity is fixed so that a relink
differs in nothing but its content.  The caller runs the commands
(RUN(cmd, timeout=, env=, logfile=, what=, progress=) raising on failure:
core.proc.run_long, which kills a hung build's whole process group).
"""
import hashlib
import json
import os
import shutil
import time
from pathlib import Path

from core.errors import EnvironmentFailure
from movops import kbuild

from .build import distcc_hosts
from .targets import HOST, TARGETS

# Where make modules_install puts the modules, inside the build directory.
MODULES_STAGING = "movops-modules"
STAMP = ".movops-built"


def make_env(cache):
    """Environment for kernel builds: ccache under CACHE, fixed build
    identity (so a relink does not differ only in a date)."""
    env = dict(os.environ)
    env.update({
        "CCACHE_DIR": str(Path(cache) / "ccache"),
        "CCACHE_NOHASHDIR": "1",
        "CCACHE_MAXSIZE": env.get("CCACHE_MAXSIZE", "5G"),
        "KBUILD_BUILD_TIMESTAMP": "Thu Jan  1 00:00:00 UTC 1970",
        "KBUILD_BUILD_USER": "movops",
        "KBUILD_BUILD_HOST": "runtime-check",
        "LC_ALL": "C",
    })
    if distcc_hosts():
        # ccache hands what it does not have to distcc.
        env["CCACHE_PREFIX"] = "distcc"
    return env


def make_args(target=None, jobs=None, ccache=True):
    """The make variables of TARGET (default the host's) and its compiler
    (through ccache, unless CCACHE is false: a build measured from
    scratch), and -jJOBS."""
    target = target or TARGETS[HOST]
    jobs = jobs or os.cpu_count() or 2
    args = target.make_vars()
    if ccache and shutil.which("ccache"):
        args.append(f"CC=ccache {target.cc}")
    return args + [f"-j{jobs}"]


def make_command(src, build_dir, targets, target=None, jobs=None, extra=(), ccache=True):
    """The make command line of an image build."""
    return ["make", "-C", str(src), f"O={build_dir}", *make_args(target, jobs, ccache),
            *extra, *targets]


def build(src, build_dir, cache, log, run, timeout, what="kernel build", identity=None,
          modules=False, target=None):
    """make TARGET's image (and with MODULES, the modules, installed into
    BUILD_DIR/MODULES_STAGING); returns (image path, seconds, ran make).

    IDENTITY names what is being built (commit, configuration, mutation).
    When the last successful build of BUILD_DIR had the same identity, make
    is not run at all: even a no-op make of the kernel takes seconds.
    """
    target = target or TARGETS[HOST]
    if not target.image:
        raise EnvironmentFailure(f"{what}: the target {target.name} has no boot image")
    build_dir = Path(build_dir)
    image = build_dir / target.image
    stamp = build_dir / STAMP
    staged = build_dir / MODULES_STAGING
    if identity and image.exists() and stamp.exists() \
            and stamp.read_text().strip() == identity \
            and (not modules or staged.is_dir()):
        return image, 0.0, False
    if stamp.exists():
        stamp.unlink()
    logfile = build_dir / "movops-build.log"
    logfile.write_text("")
    t0 = time.monotonic()

    def progress(elapsed):
        try:
            text = logfile.read_text(errors="replace")
        except OSError:
            text = ""
        done = sum(1 for l in text.splitlines() if l.lstrip().startswith("CC "))
        log(f"  ... still building after {elapsed:.0f} s ({done} files compiled so far)")

    goals = [Path(target.image).name] + (["modules"] if modules else [])
    run(make_command(src, build_dir, goals, target), timeout=timeout, env=make_env(cache),
        logfile=logfile, what=what, progress=progress)
    if not image.exists():
        raise EnvironmentFailure(f"{what}: no {image} after make")
    if modules:
        install_modules(src, build_dir, cache, logfile, run, timeout, what, target)
    if identity:
        stamp.write_text(identity + "\n")
    return image, time.monotonic() - t0, True


def install_modules(src, build_dir, cache, logfile, run, timeout, what, target=None):
    """make modules_install into BUILD_DIR/MODULES_STAGING, afresh: the
    guest gets exactly the modules of this build, and depmod's
    modules.dep, which says in what order they load."""
    staged = Path(build_dir) / MODULES_STAGING
    if staged.exists():
        shutil.rmtree(staged)
    run(make_command(src, build_dir, ["modules_install"], target,
                     extra=[f"INSTALL_MOD_PATH={staged}"]),
        timeout=timeout, env=make_env(cache), logfile=logfile,
        what=f"{what}: make modules_install")
    if not list(staged.glob("lib/modules/*/modules.dep")):
        raise EnvironmentFailure(f"{what}: make modules_install wrote no modules.dep "
                                 "(depmod missing? install the kmod package)")


def config_digest(build_dir):
    """Hash of the options set in BUILD_DIR/.config (not of its comments,
    which list every option the revision's Kconfig knows): what a copy of
    the build dir, or a build, must match."""
    cfg = Path(build_dir) / ".config"
    if not cfg.exists():
        return None
    opts = sorted(kbuild.read_config(cfg).items())
    return hashlib.sha256(json.dumps(opts).encode()).hexdigest()[:16]


def seed_build_dir(good, new, log, what):
    """Make NEW a copy of the build dir GOOD unless it already has GOOD's
    configuration: building a small change (a mutation, another commit of
    the series) in NEW is then incremental.  Returns True when it copied.

    Kbuild records relative paths, except objtool's own build, which
    records the absolute path of the build dir; those records are moved to
    the copy's path, or objtool would be rebuilt and, with it, every object.
    """
    good, new = Path(good), Path(new)
    want = config_digest(good)
    stamp = new / ".movops-seeded-config"
    if new.exists() and stamp.exists() and stamp.read_text().strip() == want:
        return False
    log(f"seeding {what}'s build dir from {good}")
    if new.exists():
        shutil.rmtree(new)
    shutil.copytree(good, new, symlinks=True)
    old_prefix, new_prefix = f"{good}/", f"{new}/"
    for root, _, files in os.walk(new / "tools"):
        for f in files:
            if f.endswith(".cmd") or f.endswith(".d"):
                p = Path(root) / f
                text = p.read_text(errors="surrogateescape")
                if old_prefix in text:
                    st = os.stat(p)
                    p.write_text(text.replace(old_prefix, new_prefix), errors="surrogateescape")
                    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
    stamp.write_text(want + "\n")
    return True


def compiled_objects(build_dir, since):
    """Objects (re)compiled after SINCE (an epoch time): tells a cold build
    from an incremental one in the report."""
    n = 0
    for root, _, files in os.walk(build_dir):
        for f in files:
            if f.endswith(".o"):
                try:
                    if os.stat(os.path.join(root, f)).st_mtime >= since:
                        n += 1
                except OSError:
                    pass
    return n
