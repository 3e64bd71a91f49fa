# SPDX-License-Identifier: GPL-2.0
"""Boot the guest in QEMU and drive its balloon, under hard timeouts.

Three channels connect host and guest:
  - ttyS0, the kernel console, goes to a file (console.log): the kernel log
    the verdict reads, and the last lines shown when something hangs;
  - ttyS1, the control line, is a unix socket the host is connected to
    before the guest boots.  The test program writes its report there, one
    line per message, and asks "BALLOON <target_mb>" when memory is under
    pressure; the host answers "BALLOON-DONE <actual_mb>" once the balloon
    has reached the target or stopped moving.  Keeping the report off the
    console means kernel messages cannot interleave with it;
  - QMP on a second unix socket: 'balloon' sets the target, 'query-balloon'
    reads the guest's memory size as the balloon grows.

The guest must answer in time at every phase; a guest that does not is
killed, and the run is reported with the phase and the last console lines.
KVM is used when /dev/kvm exists and works; when it fails (QEMU cannot use
it, or the guest shows no sign of life) the run is repeated under TCG, and
the outcome is remembered for the rest of the host's boot.
"""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from core.errors import EnvironmentFailure
from core.proc import kill_group

MEM_MB = 512
# Phase deadlines in seconds under TCG; KVM is much faster and uses them too.
TIMEOUTS = {
    "boot": 120,        # QEMU start to the test program's HELLO
    "workload": 240,    # HELLO to the BALLOON request (zram, keeper, filler)
    "balloon": 120,     # inflating
    "compact": 300,     # BALLOON-DONE to DONE (compaction, checks)
    "poweroff": 60,     # DONE to QEMU's exit (the guest's ACPI power-off)
}
KVM_SIGN_OF_LIFE = 10   # seconds for a KVM guest to print anything at all
BALLOON_STALL = 4.0     # seconds without progress that end inflation
INIT_MARKER = "movops-init: reached init"


class QMP:
    """A small QMP client: one command at a time, events ignored."""

    def __init__(self, path, timeout=10, proc=None):
        self.sock = _connect(path, timeout, proc)
        self.buf = b""
        self._id = 0
        self._read_msg(timeout)                 # greeting
        self.cmd("qmp_capabilities")

    def _read_msg(self, timeout):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise EnvironmentFailure("QMP: no answer from QEMU")
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EnvironmentFailure("QMP: QEMU closed the monitor")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name, timeout=10, **args):
        self._id += 1
        msg = {"execute": name, "id": self._id}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_msg(max(0.1, deadline - time.monotonic()))
            if reply.get("id") != self._id:
                continue                        # an event
            if "error" in reply:
                raise EnvironmentFailure(f"QMP {name}: {reply['error'].get('desc')}")
            return reply.get("return")

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def _connect(path, timeout, proc=None):
    """Connect to QEMU's unix socket PATH.  With PROC (the QEMU process),
    give up as soon as it has exited: a QEMU that cannot use KVM aborts
    before it creates its sockets, and waiting out TIMEOUT would only delay
    the fallback to TCG."""
    deadline = time.monotonic() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(str(path))
            return s
        except OSError:
            s.close()
            if proc is not None and proc.poll() is not None:
                raise EnvironmentFailure(f"QEMU exited (status {proc.returncode}) before "
                                         "opening its sockets")
            if time.monotonic() > deadline:
                raise EnvironmentFailure(f"cannot connect to QEMU's socket {path}")
            time.sleep(0.05)


def qemu_binary():
    exe = shutil.which("qemu-system-x86_64")
    if not exe:
        raise EnvironmentFailure("qemu-system-x86_64 not found (install qemu-system-x86)")
    return exe


def _boot_id():
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return "unknown"


def kvm_known_bad(cache):
    """True when KVM already failed during this boot of the host."""
    f = Path(cache) / "kvm-unusable"
    return f.exists() and f.read_text().strip() == _boot_id()


def mark_kvm_bad(cache):
    (Path(cache) / "kvm-unusable").write_text(_boot_id() + "\n")


def kvm_candidate(cache):
    return os.access("/dev/kvm", os.R_OK | os.W_OK) and not kvm_known_bad(cache)


class GuestResult:
    def __init__(self):
        self.accel = None
        self.cpus = None
        self.ctl_lines = []         # (seconds since start, line)
        self.console = ""
        self.exit_code = None       # QEMU's, None when killed
        self.timeout = None         # the phase that timed out
        self.error = None           # host-side failure text
        self.boot_s = None          # QEMU start to init
        self.run_s = None           # QEMU start to exit
        self.balloon = {}           # target/actual MB, seconds
        self.logdir = None

    @property
    def ctl_text(self):
        return "\n".join(l for _, l in self.ctl_lines)


def run(image, initramfs, probes, cpus, logdir, cache, log, mem_mb=MEM_MB,
        extra_append=""):
    """Boot once (KVM, else TCG) and collect a GuestResult."""
    accels = ["kvm", "tcg"] if kvm_candidate(cache) else ["tcg"]
    for accel in accels:
        res = _run_once(image, initramfs, probes, cpus, logdir, accel, mem_mb,
                        extra_append, log)
        if accel == "kvm" and res.kvm_failed:
            log(f"KVM does not work here ({res.error}); using TCG")
            mark_kvm_bad(cache)
            continue
        return res
    return res


def _kernel_append(probes, extra):
    spec = ",".join(f"{ops}:{fn}" for ops, fn in probes)
    parts = ["console=ttyS0", "oops=panic", "panic=-1", "movops.ctl=ttyS1",
             f"movops.probes={spec}"]
    if extra:
        parts.append(extra)
    return " ".join(parts)


def _run_once(image, initramfs, probes, cpus, logdir, accel, mem_mb, extra, log):
    res = GuestResult()
    res.kvm_failed = False
    res.accel = accel
    res.cpus = cpus
    res.mem_mb = mem_mb
    logdir = Path(logdir)
    logdir.mkdir(parents=True, exist_ok=True)
    res.logdir = logdir
    console_path = logdir / "console.log"
    console_path.write_text("")
    sockdir = Path(tempfile.mkdtemp(prefix="movops-rt-"))   # short socket paths
    ctl_path, qmp_path = sockdir / "ctl", sockdir / "qmp"
    # -no-reboot: a reboot ends QEMU instead of starting the guest again.
    # The guest powers itself off when done; what reboots is a panic
    # (panic=-1), and the run must end there, not loop.  The CPUs are
    # cores of one socket: the kernel finds them all in the ACPI MADT
    # (SeaBIOS's MP table would list only the first; the guest kernel
    # does not read it).
    cmd = [qemu_binary(), "-nodefaults", "-display", "none", "-no-reboot",
           "-machine", "pc", "-m", str(mem_mb),
           "-smp", f"{cpus},sockets=1,cores={cpus},threads=1",
           "-kernel", str(image), "-initrd", str(initramfs),
           "-append", _kernel_append(probes, extra),
           "-chardev", f"file,id=con,path={console_path}", "-serial", "chardev:con",
           "-chardev", f"socket,id=ctl,path={ctl_path},server=on,wait=off",
           "-serial", "chardev:ctl",
           "-qmp", f"unix:{qmp_path},server=on,wait=off",
           "-device", "virtio-balloon-pci,id=balloon0"]
    cmd += ["-accel", "kvm", "-cpu", "host"] if accel == "kvm" else ["-accel", "tcg"]
    (logdir / "qemu-cmdline.txt").write_text(" ".join(cmd) + "\n")
    qemu_err = open(logdir / "qemu-stderr.log", "w")
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=qemu_err,
                            stderr=subprocess.STDOUT, start_new_session=True)
    ctl = qmp = None
    try:
        ctl = _connect(ctl_path, 15, proc)
        qmp = QMP(qmp_path, proc=proc)
        _drive(proc, ctl, qmp, res, t0, console_path, accel, log)
    except (EnvironmentFailure, OSError, ValueError, KeyError, TypeError) as e:
        # OSError: a socket closed under us; the others: a garbled answer.
        res.error = res.error or (str(e) if isinstance(e, EnvironmentFailure)
                                  else f"host side of the guest run: {e!r}")
        if accel == "kvm" and proc.poll() is not None and not console_path.read_text().strip():
            res.kvm_failed = True
    finally:
        for c in (ctl, qmp):
            if c is not None:
                c.close()
        if proc.poll() is None:
            kill_group(proc)
        else:
            res.exit_code = proc.returncode
        res.run_s = time.monotonic() - t0
        qemu_err.close()
        shutil.rmtree(sockdir, ignore_errors=True)
    res.console = console_path.read_text(errors="replace")
    (logdir / "ctl.log").write_text("".join(f"{t:8.2f} {l}\n" for t, l in res.ctl_lines))
    err = (logdir / "qemu-stderr.log").read_text(errors="replace")
    if accel == "kvm" and not res.console.strip() and (
            res.exit_code not in (None, 0) or "kvm" in err.lower() or res.timeout == "boot"):
        res.kvm_failed = True
        # QEMU's own last words say why (say, "failed to set MSR 0x10a" on
        # a nested host); the TCG run overwrites the stderr log.
        last = [l for l in err.strip().splitlines() if l.strip()][-1:]
        res.error = last[0] if last else (res.error or "no output")
    if res.error is None and res.exit_code not in (0, None):
        res.error = f"QEMU exited with status {res.exit_code}: {err.strip()[-300:]}"
    return res


def _drive(proc, ctl, qmp, res, t0, console_path, accel, log):
    """Follow the guest through its phases; answer its balloon request."""
    phase = "boot"
    deadline = t0 + TIMEOUTS["boot"]
    buf = b""
    balloon = None          # state while inflating
    seen_init = False
    ctl.setblocking(False)
    while True:
        now = time.monotonic()
        if not seen_init:
            text = _read_head(console_path)
            if INIT_MARKER in text:
                seen_init = True
                res.boot_s = now - t0
                log(f"  guest reached init after {res.boot_s:.1f} s ({accel}, {res.cpus} CPUs)")
            elif accel == "kvm" and not text.strip() and now - t0 > KVM_SIGN_OF_LIFE:
                res.kvm_failed = True
                raise EnvironmentFailure(f"no console output after {KVM_SIGN_OF_LIFE} s under KVM")
        if proc.poll() is not None:
            _drain(ctl, res, t0, buf)
            if phase != "poweroff":
                res.error = (f"guest stopped during the {phase} phase "
                             f"(QEMU exit status {proc.returncode})")
            return
        if now > deadline:
            res.timeout = phase
            raise EnvironmentFailure(f"timeout: the guest spent over {TIMEOUTS[phase]} s "
                                     f"in the {phase} phase; killed")
        try:
            chunk = ctl.recv(65536)
            if chunk == b"":
                chunk = None
        except BlockingIOError:
            chunk = None
        except OSError:
            chunk = None
        if chunk:
            buf += chunk
            while b"\n" in buf:
                raw, buf = buf.split(b"\n", 1)
                line = raw.decode("utf-8", "replace").strip("\r\0 ")
                if not line:
                    continue
                res.ctl_lines.append((time.monotonic() - t0, line))
                word = line.split()[0]
                if word == "HELLO" and phase == "boot":
                    phase, deadline = "workload", time.monotonic() + TIMEOUTS["workload"]
                    if res.boot_s is None:
                        res.boot_s = time.monotonic() - t0
                elif word == "BALLOON" and phase in ("boot", "workload"):
                    target = int(line.split()[1])
                    log(f"  guest under memory pressure; inflating the balloon to leave {target} MB")
                    qmp.cmd("balloon", value=target * 1024 * 1024)
                    balloon = {"target_mb": target, "start": time.monotonic(),
                               "last": None, "last_change": time.monotonic()}
                    phase, deadline = "balloon", time.monotonic() + TIMEOUTS["balloon"]
                elif word in ("DONE", "FAIL"):
                    phase, deadline = "poweroff", time.monotonic() + TIMEOUTS["poweroff"]
        if phase == "balloon":
            actual = qmp.cmd("query-balloon")["actual"] // (1024 * 1024)
            now = time.monotonic()
            if actual != balloon["last"]:
                balloon["last"], balloon["last_change"] = actual, now
            reached = actual <= balloon["target_mb"] + 1
            stalled = now - balloon["last_change"] > BALLOON_STALL
            if reached or stalled:
                res.balloon = {"target_mb": balloon["target_mb"], "actual_mb": actual,
                               "mem_mb": res.mem_mb,
                               "seconds": round(now - balloon["start"], 2),
                               "reached": reached}
                log(f"  balloon: guest memory {actual} MB (target {balloon['target_mb']} MB)"
                    f" after {now - balloon['start']:.1f} s")
                ctl.setblocking(True)
                ctl.sendall(f"BALLOON-DONE {actual}\n".encode())
                ctl.setblocking(False)
                phase, deadline = "compact", now + TIMEOUTS["compact"]
            time.sleep(0.25)
            continue
        if not chunk:
            time.sleep(0.05)


def _drain(ctl, res, t0, buf):
    try:
        ctl.setblocking(False)
        while True:
            chunk = ctl.recv(65536)
            if not chunk:
                break
            buf += chunk
    except OSError:
        pass
    for raw in buf.split(b"\n"):
        line = raw.decode("utf-8", "replace").strip("\r\0 ")
        if line:
            res.ctl_lines.append((time.monotonic() - t0, line))


def _read_head(path, limit=1 << 20):
    try:
        with open(path, "rb") as f:
            return f.read(limit).decode("utf-8", "replace")
    except OSError:
        return ""
