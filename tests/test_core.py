# SPDX-License-Identifier: GPL-2.0
"""scripts/core: the plumbing the three packages share."""
import subprocess
import time
from pathlib import Path

import pytest

from conftest import SCRIPTS
from core import cache, deps, fingerprint, tables
from core.errors import (EXIT_ENV, EXIT_NO, EXIT_OK, EXIT_USAGE, BadInput, CommandError,
                         EnvironmentFailure, MovopsError, Refusal)
from core.locks import Lock, Locked
from core.proc import git, run, run_long


def test_exit_statuses():
    assert (EXIT_OK, EXIT_NO, EXIT_USAGE, EXIT_ENV) == (0, 1, 2, 3)
    assert BadInput("x").status == EXIT_USAGE
    assert Refusal("x").status == EXIT_NO
    assert EnvironmentFailure("x").status == EXIT_ENV
    assert issubclass(CommandError, EnvironmentFailure)
    assert all(issubclass(c, MovopsError) for c in (BadInput, Refusal, EnvironmentFailure))


def test_command_error_is_one_line(tmp_path):
    with pytest.raises(CommandError) as e:
        git(tmp_path, "rev-parse", "HEAD")
    assert "\n" not in str(e.value)
    assert str(e.value).startswith(f"git rev-parse HEAD in {tmp_path}: fatal: ")
    assert e.value.argv[:3] == ["git", "-C", str(tmp_path)]
    assert e.value.returncode != 0 and "fatal:" in e.value.stderr
    res = git(tmp_path, "rev-parse", "HEAD", check=False, full=True)
    assert res.returncode != 0


def test_run_text_binary_and_timeout():
    assert run(["printf", "a\\377b"]).stdout == "a\udcffb"
    assert run(["printf", "a\\377b"], text=False).stdout == b"a\xffb"
    assert run(["cat"], input=b"\x00\xff").stdout == b"\x00\xff"
    assert run(["sh", "-c", "exit 4"]).returncode == 4
    with pytest.raises(CommandError, match="exit 4"):
        run(["sh", "-c", "exit 4"], check=True)
    with pytest.raises(CommandError, match="no result after 0.2 s"):
        run(["sleep", "5"], timeout=0.2)


def test_run_long_quotes_the_end_of_a_failure(tmp_path):
    script = "for i in $(seq 1 40); do echo line $i; done; exit 3"
    with pytest.raises(CommandError) as e:
        run_long(["sh", "-c", script], timeout=30, what="counting")
    assert e.value.returncode == 3
    assert str(e.value) == "counting failed (exit 3):\n" + "\n".join(
        f"line {i}" for i in range(16, 41))
    log = tmp_path / "log"
    log.write_text("before\n")
    assert run_long(["sh", "-c", "echo out; echo err >&2"], timeout=30, logfile=log) == ""
    assert log.read_text() == "before\nout\nerr\n"
    assert run_long(["sh", "-c", "exit 1"], timeout=30, check=False) == ""


def test_run_long_kills_the_whole_group_at_its_timeout(tmp_path):
    """A hung build's children go with it: the command leads its own
    process group, killed whole."""
    log = tmp_path / "log"
    seen = []
    t0 = time.monotonic()
    with pytest.raises(CommandError) as e:
        run_long(["sh", "-c", "sleep 60 & echo $!; wait"], timeout=2, logfile=log,
                 what="hanging", progress=seen.append, interval=0.5)
    assert time.monotonic() - t0 < 20
    assert e.value.returncode is None
    assert str(e.value).startswith("hanging: no result after 2 s, killed\n")
    assert str(e.value).endswith(f"(full log: {log})")
    assert seen and all(0 < s < 2.5 for s in seen)
    child = int(log.read_text().split()[0])
    for _ in range(50):
        if not _alive(child):
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"the command's child {child} outlived the timeout")


def _alive(pid):
    """PID exists and is not a zombie waiting for its new parent."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return False


def test_lock(tmp_path):
    told = []
    with Lock(tmp_path / "d" / "lock"):
        with pytest.raises(Locked):
            with Lock(tmp_path / "d" / "lock", timeout=0.3, waiting=told.append):
                pass
    assert told == [tmp_path / "d" / "lock"]
    with Lock(tmp_path / "d" / "lock", timeout=0):
        pass


def test_cache_layout(monkeypatch, tmp_path):
    monkeypatch.setenv("MOVOPS_CACHE", str(tmp_path))
    assert cache.root() == tmp_path
    assert cache.path("src", "x") == tmp_path / "src" / "x"
    with pytest.raises(KeyError):
        cache.path("nope")
    monkeypatch.delenv("MOVOPS_CACHE")
    out = subprocess.run([str(SCRIPTS / "py"), "-m", "core.cache", "runtime"],
                         stdout=subprocess.PIPE, text=True, check=True).stdout
    assert out.strip().endswith("/.cache/movops/runtime")


def test_deps_by_purpose():
    pkgs = deps.packages("verify")
    assert pkgs == deps.PACKAGES["series"] + deps.PACKAGES["build"]
    assert deps.packages("all", "linux-source-6.12")[-1] == "linux-source-6.12"
    assert len(set(deps.packages("all"))) == len(deps.packages("all"))
    assert "qemu-system-x86" in deps.packages("runtime-check")


def test_tables():
    assert tables.table(("a", "bb"), [("ccc", "d")], indent="  ") == \
        ["  a    bb", "  ---  --", "  ccc  d"]
    assert tables.table(("n", "x"), [("a", 1)], align="lr", strip=False) == \
        ["n  x", "-  -", "a  1"]
    assert tables.table(("c", "s"), [("x", "free text")], free_last=7) == \
        ["c  s", "-  -------", "x  free text"]


def test_fingerprint_follows_imports():
    mods = fingerprint.closure(["movops.kbuild"])
    assert "movops.kbuild" in mods and "movops.kexpr" in mods
    assert "verifier.runner" not in mods
    assert "core.proc" in fingerprint.closure(["movops.tree"])
    a = fingerprint.fingerprint(["movops.kbuild"])
    assert a == fingerprint.fingerprint(["movops.kbuild"]) and len(a) == 16
    assert a != fingerprint.fingerprint(["movops.tree"])


INTERRUPTED_RUN = r"""
import sys, threading
sys.path.insert(0, sys.argv[1])
from core import proc
proc.interrupt_on_signals()
# A command that starts one of its own and does not pass SIGTERM on (as
# checkpatch.pl's get_maintainer.pl), from a worker thread (verify's
# background checks).
t = threading.Thread(target=proc.run, args=(["perl", "-e",
    "my $p = fork(); if (!$p) { exec('sleep', '60') } print STDERR \"$p\n\"; "
    "waitpid($p, 0);"],), kwargs={"stdout": None, "stderr": None},
    daemon=True)
t.start()
try:
    t.join()
except KeyboardInterrupt:
    sys.exit(130)
"""


def test_an_interrupted_run_leaves_no_command_behind(tmp_path):
    """SIGTERM (kill, a CI timeout) reaches the run's process alone; the
    handler passes it to every process below it, not only its children:
    a grandchild that its parent does not pass the signal to ends too."""
    import signal
    p = subprocess.Popen(["/usr/bin/python3", "-c", INTERRUPTED_RUN, str(SCRIPTS)],
                         stderr=subprocess.PIPE, text=True)
    grandchild = int(p.stderr.readline())
    time.sleep(0.5)
    p.send_signal(signal.SIGTERM)
    assert p.wait(timeout=20) == 130
    for _ in range(50):
        if not _alive(grandchild):
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"the command's child {grandchild} outlived the interrupted run")
