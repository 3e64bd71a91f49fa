# SPDX-License-Identifier: GPL-2.0
"""core.paths and core.proc's interruption: nothing of the user's is
overwritten or deleted, a path that cannot be written is refused before any
work, what a killed run left is removed by the next, and SIGTERM stops a
run's commands as Ctrl-C does."""
import errno
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import SCRIPTS
from core import paths
from core.errors import BadInput
from core.paths import MANIFEST, OutputDir


def refused(fn, *words):
    with pytest.raises(BadInput) as e:
        fn()
    msg = str(e.value)
    assert "\n" not in msg
    for w in words:
        assert w in msg, msg
    return msg


def test_existing_dir_says_what_the_path_is(tmp_path):
    (tmp_path / "f").write_text("x")
    assert paths.existing_dir(tmp_path) == tmp_path.resolve()
    refused(lambda: paths.existing_dir(tmp_path / "f"), "a regular file, not a directory")
    refused(lambda: paths.existing_dir(tmp_path / "nope"), "no such directory")
    (tmp_path / "dangling").symlink_to(tmp_path / "gone")
    refused(lambda: paths.existing_dir(tmp_path / "dangling"), "broken symbolic link")
    refused(lambda: paths.existing_dir("/dev/null"), "not a directory")


def test_new_file(tmp_path):
    ours = paths.json_with_keys("ok", "checks")
    assert paths.new_file(tmp_path / "r.json", "--json", ours) == tmp_path / "r.json"
    refused(lambda: paths.new_file(tmp_path, "--json", ours), "--json", "a directory")
    refused(lambda: paths.new_file(tmp_path / "no" / "r.json", "--json", ours),
            "does not exist")
    refused(lambda: paths.new_file("/proc/r.json", "--json", ours), "cannot create a file in /proc")
    mine = tmp_path / "mine.json"
    mine.write_text('{"mine": 1}\n')
    refused(lambda: paths.new_file(mine, "--json", ours, tool="verify.py"),
            "exists and verify.py did not write it")
    assert mine.read_text() == '{"mine": 1}\n'
    (tmp_path / "old.json").write_text(json.dumps({"ok": True, "checks": []}))
    assert paths.new_file(tmp_path / "old.json", "--json", ours)
    (tmp_path / "bin.json").write_bytes(b"\xff\x00")
    refused(lambda: paths.new_file(tmp_path / "bin.json", "--json", ours), "did not write it")


def test_output_dir_keeps_the_users_files(tmp_path):
    """The issue's case: a patch of the user's in --output DIR."""
    d = tmp_path / "o"
    d.mkdir()
    (d / "0001-my-work.patch").write_text("mine\n")
    refused(lambda: OutputDir.claim(d, "--output", "apply-series", force=True),
            "holds files apply-series did not write (0001-my-work.patch)")
    assert (d / "0001-my-work.patch").read_text() == "mine\n"
    refused(lambda: OutputDir.claim(tmp_path / "o" / "0001-my-work.patch", "--output", "x",
                                    force=True), "a regular file, not a directory")
    refused(lambda: OutputDir.claim(tmp_path / "a" / "b", "--output", "x", False),
            "does not exist")
    refused(lambda: OutputDir.claim("/proc/out", "--output", "x", False), "cannot create it")


def test_output_dir_replaces_only_its_own_files_with_force(tmp_path):
    d = tmp_path / "o"
    out = OutputDir.claim(d, "--output", "t", force=False)
    assert not d.exists()
    out.write("0001-a.patch", "a\n")
    out.write("0002-b.patch", b"b\n")
    out.finish()
    assert json.loads((d / MANIFEST).read_text())["files"].keys() == {"0001-a.patch",
                                                                      "0002-b.patch"}
    refused(lambda: OutputDir.claim(d, "--output", "t", force=False),
            "holds the 2 files of an earlier t run", "--force")
    again = OutputDir.claim(d, "--output", "t", force=True)
    again.write("0001-a.patch", "a2\n")
    again.finish()
    # 0002 was the earlier run's and not written again: gone.
    assert sorted(os.listdir(d)) == [MANIFEST, "0001-a.patch"]
    assert (d / "0001-a.patch").read_text() == "a2\n"
    # A file of the run the user changed since is theirs now.
    (d / "0001-a.patch").write_text("edited\n")
    refused(lambda: OutputDir.claim(d, "--output", "t", force=True),
            "0001-a.patch changed since t wrote it")
    assert (d / "0001-a.patch").read_text() == "edited\n"
    # A manifest that is not one: every file is foreign.
    (d / "0001-a.patch").write_text("a2\n")
    (d / MANIFEST).write_text("garbage")
    refused(lambda: OutputDir.claim(d, "--output", "t", force=True), "did not write")


def test_output_dir_directories(tmp_path):
    out = OutputDir.claim(tmp_path / "d", "--output", "drift.py", force=True)
    rel = out.subdir("6.12.117")
    (rel / "0001.patch").write_text("x")
    out.write("drift.txt", "t")
    out.finish()
    again = OutputDir.claim(tmp_path / "d", "--output", "drift.py", force=True)
    assert not (again.subdir("6.12.117") / "0001.patch").exists()
    (tmp_path / "d" / "mine").mkdir()
    refused(lambda: OutputDir.claim(tmp_path / "d", "--output", "drift.py", force=True),
            "did not write (mine)")


def test_write_whole_leaves_no_half_file(tmp_path):
    p = tmp_path / "f"
    p.write_text("old")
    paths.write_whole(p, "new")
    assert p.read_text() == "new" and os.listdir(tmp_path) == ["f"]
    paths.write_whole(p, b"\xff\x00bytes", mode=0o755)
    assert p.read_bytes() == b"\xff\x00bytes" and os.listdir(tmp_path) == ["f"]
    assert p.stat().st_mode & 0o777 == 0o755
    # What was read with surrogateescape is written back byte for byte.
    paths.write_whole(p, b"caf\xe9".decode("utf-8", "surrogateescape"))
    assert p.read_bytes() == b"caf\xe9"


# A write the kernel stops half way: the file size limit (RLIMIT_FSIZE, its
# signal ignored) makes write() fail with EFBIG after the first 4 KiB.
HALF_WRITE = r"""
import resource, signal, sys
sys.path.insert(0, sys.argv[1])
from core import paths
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
try:
    paths.write_whole(sys.argv[2], "x" * 100000)
except OSError as e:
    print(e.errno)
"""


def test_write_whole_failure_keeps_the_old_file_and_no_temporary(tmp_path):
    p = tmp_path / "f"
    p.write_text("old")
    res = subprocess.run([sys.executable, "-c", HALF_WRITE, str(SCRIPTS), str(p)],
                         capture_output=True, text=True, check=True)
    assert res.stdout.strip() == str(errno.EFBIG), res.stdout + res.stderr
    assert p.read_text() == "old" and os.listdir(tmp_path) == ["f"]
    # The rename itself failing (a directory where the file goes).
    d = tmp_path / "d"
    (d / "inside").mkdir(parents=True)
    with pytest.raises(OSError):
        paths.write_whole(d, "new")
    assert (d / "inside").is_dir() and sorted(os.listdir(tmp_path)) == ["d", "f"]


def _dead_pid():
    """The PID of a process that has exited."""
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


def test_sweep_removes_only_dead_runs_directories(tmp_path):
    dead = tmp_path / f"movops-series-{_dead_pid()}-abc"
    alive = tmp_path / f"movops-series-{os.getppid()}-abc"
    other = tmp_path / "movops-series-notapid"
    for d in (dead, alive, other):
        (d / "tree").mkdir(parents=True)
    assert paths.sweep("movops-series-", tmp_path) == [dead]
    assert not dead.exists() and alive.exists() and other.exists()


SIGNALLED = r"""
import sys, threading, time
sys.path.insert(0, sys.argv[1])
from core import proc
proc.interrupt_on_signals()
def work():
    try:
        proc.run(["sleep", "60"])
        proc.run(["sleep", "61"])
    except KeyboardInterrupt:
        pass
threads = [threading.Thread(target=work) for _ in range(2)]
for t in threads:
    t.start()
try:
    while True:
        time.sleep(0.1)
except KeyboardInterrupt:
    for t in threads:
        t.join()
    print("interrupted", flush=True)
    sys.exit(130)
"""


def _sleeps(parent):
    out = subprocess.run(["ps", "-o", "pid=,ppid=,args=", "-e"], stdout=subprocess.PIPE,
                         text=True).stdout
    return [l for l in out.splitlines() if l.split()[1] == str(parent) and "sleep 6" in l]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_the_commands_of_every_thread(sig):
    """A SIGTERM to the process alone (not to its group, as a terminal's
    Ctrl-C does) stops the commands its threads run, and no new one starts:
    the run ends at once instead of when they would have."""
    p = subprocess.Popen([sys.executable, "-c", SIGNALLED, str(SCRIPTS)],
                         stdout=subprocess.PIPE, text=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 10
    while len(_sleeps(p.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(_sleeps(p.pid)) == 2
    t = time.monotonic()
    p.send_signal(sig)
    out, _ = p.communicate(timeout=20)
    assert p.returncode == 130 and out == "interrupted\n"
    assert time.monotonic() - t < 5
    assert _sleeps(p.pid) == []
