# SPDX-License-Identifier: GPL-2.0
"""The Debian packages each purpose needs, and the one installer.

Usage: scripts/py -m core.deps PURPOSE|PACKAGE...

Installs what is missing of the purposes' packages (and of packages named
directly), printing one line naming them; prints nothing when all is
present.  Exit 0 when everything is installed afterwards, 3 otherwise.
"""
import os
import subprocess
import sys
import tempfile

from .errors import EXIT_ENV, EXIT_OK

# What each part of the work needs.
PACKAGES = {
    # apply-series and its fixture tests (sparse, gcc and make: the tests'
    # small builds; perl: checkpatch.pl)
    "series": ["coccinelle", "sparse", "git", "patch", "gcc", "make", "perl"],
    # (pyflakes3: the fast layer lints every Python file, tests/test_lint.py;
    # python3-pytest-xdist: the fast layer runs on every core)
    "tests": ["python3-pytest", "python3-pytest-xdist", "pyflakes3"],
    # building a kernel (verify, the runtime check)
    "build": ["flex", "bison", "bc", "libelf-dev", "libssl-dev", "libc6-dev"],
    # booting it: the guest, its initramfs and modules.dep
    "runtime": ["qemu-system-x86", "busybox-static", "ccache", "cpio", "gzip", "kmod"],
    # the compilers of the build targets other than the host's gcc
    # (kbuildengine/targets.py names the one each target needs)
    "toolchain-llvm": ["clang", "lld", "llvm"],
    "toolchain-arm64": ["gcc-aarch64-linux-gnu"],
    "toolchain-powerpc64le": ["gcc-powerpc64le-linux-gnu"],
    # compiling on other machines (the engine's DISTCC_HOSTS), and its test
    "distcc": ["distcc"],
}

# What each command needs, as purposes.
PURPOSES = {
    # (verify installs each target's toolchain itself, and lists a target
    # whose toolchain cannot be had as not covered: kbuildengine.targets)
    "verify": ["series", "build"],
    "targets": ["toolchain-llvm", "toolchain-arm64", "toolchain-powerpc64le"],
    "runtime-check": ["series", "build", "runtime"],
    "check-fast": ["series", "tests"],
    "all": list(PACKAGES),
}


def packages(*names):
    """The packages of NAMES (purposes of PACKAGES or PURPOSES; any other
    name is a package's), in order, once each."""
    out = []
    for name in names:
        if name in PURPOSES:
            out += packages(*PURPOSES[name])
        else:
            out += PACKAGES.get(name, [name])
    return list(dict.fromkeys(out))


def missing(pkgs):
    out = []
    for pkg in pkgs:
        res = subprocess.run(["dpkg-query", "-W", "-f=${Status}\n", pkg],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        if "install ok installed" not in res.stdout.splitlines():
            out.append(pkg)
    return out


def ensure(*names, log=print):
    """Install what is missing of NAMES' packages; True when all is there
    afterwards.  One line through LOG when it installs anything, one more
    when that failed."""
    want = missing(packages(*names))
    if not want:
        return True
    log(f"ensure-deps: installing missing Debian packages: {' '.join(want)}")
    sudo = ["sudo"] if os.geteuid() != 0 else []
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = [*sudo, "apt-get", "install", "-y", "--no-install-recommends", *want]
    fd, logname = tempfile.mkstemp(prefix="ensure-deps.", suffix=".log")
    with os.fdopen(fd, "w") as out:
        def ok(cmd):
            return subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT,
                                  env=env).returncode == 0
        # A stale package list is the usual reason an install fails.
        done = ok(install) or (ok([*sudo, "apt-get", "update"]) and ok(install))
    if not done:
        log(f"ensure-deps: apt-get install {' '.join(want)} failed; see {logname}")
        return False
    os.unlink(logname)
    return True


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.split("\n\n", 1)[1].strip())
        for name, pkgs in PACKAGES.items():
            print(f"  {name:14} {' '.join(pkgs)}")
        for name, parts in PURPOSES.items():
            print(f"  {name:14} {' + '.join(parts)}")
        return EXIT_OK
    return EXIT_OK if ensure(*argv, log=lambda l: print(l, flush=True)) else EXIT_ENV


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
