# SPDX-License-Identifier: GPL-2.0
"""The registration fault of the modular guest, and its control.

A module whose init registers its movable_ops must leave nothing behind
when that registration fails (-EBUSY: the page type has ops already), nor
when anything after it fails: the module is freed, and whatever its init
had set up (a CPU hotplug state, a zpool driver) points into freed memory.
The guest proves it with a fault (movtest.c, phase "fault"): a small test
module, tests/runtime/movfault.c, built here against the guest's kernel,
registers movable_ops for the page type the user's module registers; the
user's module must then fail to load, with EBUSY, leaving neither itself
nor a new CPU hotplug state behind, and load again once movfault is gone.

The modular guest has CONFIG_ZPOOL (kernel.ZPOOL_OPTIONS), so zs_init()
registers a zpool driver too: a leaking init leaves that and its CPU
hotplug state.  Where the user's file registers a zpool driver
(zpool_type()), movfault is built to look for it: the guest reads
/sys/module/movfault/parameters/zpool after the failed load, which asks
zpool_has_pool() (a driver left behind lies in the module's freed
memory, and looking at it makes the kernel complain, which fails the
check just as well).

The control (the registration-leak control) is the same modular guest
with one change, in a private copy of the tree (like the negative
control): the user's init function in the previous series' shape, with
set_movable_ops() last, at its success return, and no unregistration on
its error path.  Its failed load leaves cpuhp_setup_state()'s state
behind, and the check must fail.

Pure functions but build(), which runs make.
"""
import re
from pathlib import Path

from core.errors import EnvironmentFailure
from core.proc import run_long
from kbuildengine import image
from movops import initpath

from . import initramfs

SOURCE = initramfs.RUNTIME_SRC / "movfault.c"
NAME = "movfault"
# Where the guest finds it (movtest.c, FAULT_MODULE).
GUEST_PATH = "lib/movops/movfault.ko"
REGISTER = "set_movable_ops"
REGISTER_RE = re.compile(rf"\b{REGISTER}\(\s*&\s*(\w+)\s*,\s*(\w+)\s*\)")
UNREGISTER_RE = re.compile(rf"^\s*{REGISTER}\(NULL,\s*\w+\);$")
# What glibc's strerror() says for EBUSY, as the guest reports it.
EBUSY = "Device or resource busy"


def registration(text):
    """(ops, page type constant) of the first set_movable_ops(&ops, TYPE)
    call in TEXT, or None."""
    m = REGISTER_RE.search(text)
    return (m.group(1), m.group(2)) if m else None


ZPOOL_REGISTER_RE = re.compile(r"\bzpool_register_driver\(\s*&\s*(\w+)\s*\)")


def zpool_type(text):
    """The type name ("zsmalloc") of the zpool driver that TEXT registers
    (zpool_register_driver(&driver), with driver's '.type = "NAME"'), or
    None."""
    m = ZPOOL_REGISTER_RE.search(text)
    if not m:
        return None
    d = re.search(rf"\bstruct\s+zpool_driver\s+{m.group(1)}\s*=\s*\{{(.*?)\}};", text, re.S)
    t = re.search(r"\.type\s*=\s*\"(\w+)\"", d.group(1)) if d else None
    return t.group(1) if t else None


def target(src, plan):
    """(module, page type constant, zpool type or None) of the
    registration fault: the first module of PLAN (modules.plan()) holding
    a user whose file, in the source tree SRC, registers its ops, and the
    zpool driver that file registers (zpool_type()); or None (a series
    without the registration step, or its static-dispatch commit)."""
    for module, files in plan.get("holders", {}).items():
        for f in files:
            p = Path(src) / f
            text = p.read_text(errors="replace") if p.exists() else ""
            found = registration(text)
            if found:
                return module, found[1], zpool_type(text)
    return None


def _write_if_changed(path, data):
    """Keep the file (and its time) when its content stays: make then has
    nothing to do."""
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def build(build_dir, cache, log, type_const, zpool=None, timeout=600):
    """movfault.ko for the kernel built in BUILD_DIR, registering for
    TYPE_CONST and, with ZPOOL, looking for a zpool driver of that type;
    returns its path.  An external module build (M=) in
    BUILD_DIR/movops-fault, with the kernel's own compiler and flags."""
    d = Path(build_dir) / "movops-fault"
    d.mkdir(parents=True, exist_ok=True)
    _write_if_changed(d / "movfault.c", SOURCE.read_bytes())
    flags = f"-DMOVFAULT_TYPE={type_const}" + (f" -DMOVFAULT_ZPOOL='\"{zpool}\"'" if zpool else "")
    _write_if_changed(d / "Kbuild", f"obj-m := {NAME}.o\nccflags-y := {flags}\n".encode())
    logfile = d / "build.log"
    logfile.write_text("")
    run_long(["make", "-C", str(build_dir), f"M={d}", *image.make_args(), "modules"],
             timeout=timeout, env=image.make_env(cache), logfile=logfile,
             what="building tests/runtime/movfault.c against the guest kernel")
    ko = d / f"{NAME}.ko"
    if not ko.exists():
        raise EnvironmentFailure(f"building tests/runtime/movfault.c: no {ko} after make "
                                 f"(see {logfile})")
    log(f"  {NAME}.ko built: it will hold the movable_ops of {type_const}")
    return ko


# -- the control -------------------------------------------------------------------

def previous_shape(text, rel="mm/zsmalloc.c"):
    """(TEXT with its module's init function in the previous series' shape,
    a one-line description): set_movable_ops() moved from first to the
    success return, and the unregistration of its error paths removed.
    TEXT is the tip's, as the registration step wrote it."""
    m = re.search(r"^module_init\((\w+)\);", text, re.M)
    found = initpath.function_lines(text, m.group(1)) if m else None
    if found is None:
        raise EnvironmentFailure(f"registration-leak control: no module_init() function in {rel}")
    func = m.group(1)
    start, lines = found
    at = [i for i, line in enumerate(lines) if REGISTER_RE.search(line)]
    if len(at) != 1:
        raise EnvironmentFailure(f"registration-leak control: {func}() in {rel} has {len(at)} "
                                 f"{REGISTER}(&...) calls, not one: is this the registered series?")
    i = at[0]
    call = REGISTER_RE.search(lines[i]).group(0)
    var = re.match(r"\t(?:int )?(\w+) = ", lines[i])
    first = i - 1 if lines[i - 1].startswith("#if") else i
    j = i + 1 + (not lines[i + 1].strip())
    if not var or lines[j:j + 2] != [f"\tif ({var.group(1)})", f"\t\treturn {var.group(1)};"]:
        raise EnvironmentFailure(
            f"registration-leak control: {func}() in {rel} does not begin with the "
            f"registration step's '{REGISTER}(); if (...) return ...;'")
    end = j + 2
    guard = lines[first] if first < i else None
    if guard:
        end += 1                    # its #endif
    if end < len(lines) and not lines[end].strip():
        end += 1
    body = lines[:first] + lines[end:]
    # The unregistrations of the error paths, each with its guard.
    out, skip = [], False
    for k, line in enumerate(body):
        if skip:
            skip = False
        elif UNREGISTER_RE.match(line):
            if out and out[-1].startswith("#if") and body[k + 1].startswith("#endif"):
                out.pop()
                skip = True
        else:
            out.append(line)
    stmts = initpath.parse(out)
    labels = [s for s in stmts if s.kind == "label"]
    main = [s for s in stmts if s.kind not in ("cpp",)
            and (not labels or s.first < labels[0].first)]
    if not main or main[-1].text != "return 0;":
        raise EnvironmentFailure(f"registration-leak control: {func}() in {rel} has no success "
                                 "'return 0;'")
    r = main[-1].first
    last = [f"\treturn {call};"]
    if guard:
        last = [guard, *last, "#else", "\treturn 0;", "#endif"]
    out[r:r + 1] = last
    new = text.splitlines(keepends=True)
    new[start:start + len(lines)] = [line + "\n" for line in out]
    return "".join(new), (f"{rel}: {func}(): {REGISTER}() moved back last, to the success "
                          "return, and its error path no longer unregisters (the previous "
                          "series' shape)")


def control_outcome(run):
    """(ok, reasons) of the registration-leak control: it must fail, and in
    the fault: the failed load left something behind, the second load
    failed, or the kernel complained in either.  A kernel that fails
    otherwise (did not boot, failed before the fault) proves nothing."""
    if run["ok"]:
        return False, ["the kernel whose failed registration leaks PASSED: the check "
                       "cannot see what a failed module load leaves behind"]
    if run["boot_s"] is None:
        return False, ["the registration-leak kernel did not boot, so this proves nothing "
                       "about the check"] + run["reasons"]
    mods = run.get("modules") or {}
    fault = mods.get("fault") or {}
    second = any(s["step"].startswith("insmod:") and s["step"] != f"insmod:{NAME}"
                 and not s["ok"] for s in mods.get("steps") or [])
    complained = any(p.get("phase") in ("fault", "reload")
                     for p in run.get("log_problems") or [])
    if fault.get("left") or second or complained:
        return True, run["reasons"]
    return False, ["the registration-leak kernel failed, but not in the registration "
                   "fault: "] + run["reasons"]

