# SPDX-License-Identifier: GPL-2.0
"""Builds without make: kbuild's saved commands run again.

A commit that changes only C sources and headers (and documentation) is
built without make (Builder.build() with CHANGED known): neither the
configuration nor any compile command can have changed, so kbuild would rebuild exactly
the objects one of whose recorded dependencies (.foo.o.cmd, written by
fixdep) the commit changed, with the command recorded there; that command
is run directly and fixdep writes the .cmd file as make would.  A make run
costs about a second of CPU (its compiler probes and the walk through
'prepare') even when it compiles nothing; a series of a few commits runs it
a dozen times.  A header that something 'prepare' made depends on
(asm-offsets.h, bounds.h: their .cmd files name it), a Kconfig file or a
makefile sends the build back through make.
"""
import os
import re
import shlex
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from core.paths import write_whole
from core.proc import git, run
from movops import kbuild

from . import kconfigdiff
from .files import cmd_file, log_path, read, size
from .store import sha256_text

# Written by build.py: the commit a build directory was built at, the
# last make run with sparse, and the configuration kbuild reads.
SPARSE_AT = ".movops-sparse-at"
# The command files 'make prepare' left in a build directory (one relative
# path a line), written by Builder.prepare(): what the objects' direct
# builds depend on beyond their own sources.
PREPARED = ".movops-prepared"
AUTO_CONF = "include/config/auto.conf"

# Changed files that no build of a single object reads.
NOT_BUILT = ("Documentation/", "LICENSES/")
NOT_BUILT_FILES = {"MAINTAINERS", "CREDITS", ".mailmap", "README", "COPYING"}


def direct_obstacle(changed):
    """Why a commit that changes the files CHANGED (relative to the source
    tree) needs make, or '' when only C sources and headers outside the
    host programs' directories changed (which then go by their recorded
    dependencies)."""
    for f in sorted(changed):
        if f.startswith(NOT_BUILT) or f in NOT_BUILT_FILES:
            continue
        if not f.endswith((".c", ".h")) or f.startswith(("scripts/", "tools/", "usr/")):
            return f"{f} changed"
    return ""


def config_input(path):
    """True for the files a commit may change and still be built without
    make after 'make syncconfig' (Builder.build()): Kconfig files, and the
    makefiles of directories (makefile_obstacle() reads their diffs); not
    the top, architecture or scripts/ makefiles, which every build reads."""
    name = os.path.basename(path)
    if name.startswith("Kconfig"):
        return True
    return (name in ("Makefile", "Kbuild") and "/" in path
            and not path.startswith(("arch/", "scripts/", "tools/")))


# A line a directory's makefile may gain or lose without changing the build
# of any object kbuild builds there: an object list under an option that
# is off (kbuild ignores 'obj-'), a comment or a blank line.
OBJ_LINE = re.compile(r"obj-\$\(CONFIG_(\w+)\)\s*[+:]?=[\w\s./-]*")


def makefile_obstacle(path, diff, values):
    """Why the change DIFF (git diff -U0) of the makefile PATH may change
    a build under the configuration VALUES ({'CONFIG_X': 'y'...}), or ''."""
    for line in diff.split("\n"):
        if not line[:1] in "+-" or line.startswith(("+++ ", "--- ")):
            continue
        body = line[1:].strip()
        if not body or body.startswith("#"):
            continue
        m = OBJ_LINE.fullmatch(body)
        if not m:
            return f"{path} changed: {body[:60]}"
        if values.get("CONFIG_" + m.group(1)) not in (None, "n"):
            return f"{path} changed the objects of CONFIG_{m.group(1)}, which is on"
    return ""


def prepared_cmd_files(bdir):
    """The .cmd files of what 'make prepare' built in BDIR, as recorded by
    Builder.prepare(); every .cmd file (cmd_files()) when there is no
    record.  The objects of other builds in the same directory (a user's
    driver compiled for the users row) are not prepare's: a change to
    what they read does not reach the objects built directly."""
    names = _recorded(bdir)
    if names is None:
        return cmd_files(bdir)
    return [Path(bdir) / n for n in sorted(names) if (Path(bdir) / n).exists()]


def _recorded(bdir):
    """The relative paths the PREPARED record of BDIR names, or None
    without a record."""
    lines = read(Path(bdir) / PREPARED).split("\n")
    return set(filter(None, lines[1:])) if lines[0] == "# prepare" else None


def record_prepared(bdir, objs=(), before=None):
    """Write the PREPARED record of BDIR after a make: after 'make
    prepare', or the first make of the objects OBJS in a fresh directory
    (which prepared it on the way), every command file but OBJS' own;
    after a later make (BEFORE: the command files before it), the record
    gains what that make's prepare step made anew (a changed configuration
    may generate more).  A directory without a record keeps none."""
    own = {cmd_file(o) for o in objs}
    now = cmd_names(bdir)
    if before is None:
        names = now - own
    else:
        rec = _recorded(bdir)
        if rec is None:
            return
        names = rec | (now - set(before) - own)
    write_whole(Path(bdir) / PREPARED, "\n".join(["# prepare", *sorted(names)]) + "\n")


def cmd_names(bdir):
    """The relative paths of BDIR's command files (record_prepared()'s
    BEFORE)."""
    return {str(p.relative_to(bdir)) for p in cmd_files(bdir)}


def cmd_files(bdir):
    """The .cmd files kbuild wrote in BDIR (those of tools/, built by their
    own makefiles, aside: a change there is not a C source of the kernel's)."""
    out = []
    for top, dirs, files in os.walk(bdir):
        if top == str(bdir):
            dirs[:] = [d for d in dirs if d != "tools"]
        out += [Path(top) / f for f in files if f.startswith(".") and f.endswith(".cmd")]
    return out


class Replay:
    """The builder's commands without make (BUILDER: a build.Builder, whose
    worktree, environment, make variables and job slots it uses)."""

    def __init__(self, builder):
        self.b = builder

    def obstacle(self, cfg, objs, changed):
        """Why the objects OBJS of CFG need make after the source files
        CHANGED changed, or '' when their recorded commands can be run
        (after 'make syncconfig', when CHANGED has config_input() files)."""
        why = direct_obstacle([f for f in changed if not config_input(f)])
        if why:
            return why
        conf = read(cfg.bdir / ".config")
        # Steps of kbuild's rule for a C object beyond the compile command.
        for opt in ("CONFIG_MODVERSIONS", "CONFIG_FTRACE_MCOUNT_USE_RECORDMCOUNT"):
            if f"\n{opt}=y" in conf:
                return f"{opt} adds steps to the compilation"
        for o in objs:
            if self.compile_command(cfg, o) is None:
                return f"{o} has no recorded command that can be run directly"
        src = f"{self.b.wt.path}/"
        # The objects' own, and those of their .i and .s (the changed-line
        # proof's preprocessing by make).
        mine = {cmd_file(o[:-2] + ext) for o in objs for ext in (".o", ".i", ".s")}
        for p in prepared_cmd_files(cfg.bdir):
            if str(p.relative_to(cfg.bdir)) in mine:
                continue
            text = read(p)
            for f in changed:
                if src + f in text:
                    return (f"{f} is read by {p.relative_to(cfg.bdir)}, which 'make "
                            f"prepare' builds")
        return ""

    def recorded_command(self, cfg, obj):
        """The command that compiled OBJ, as kbuild saved it in OBJ's .cmd
        file ('savedcmd_' since v6.3, 'cmd_' before), when it runs our CC;
        else None."""
        first = read(cfg.bdir / cmd_file(obj)).split("\n", 1)[0]
        cc = self.b.make_vars[0][len("CC="):]
        for head in (f"savedcmd_{obj} := ", f"cmd_{obj} := "):
            if first.startswith(head + cc + " "):
                return first[len(head):]
        return None

    def compile_command(self, cfg, obj):
        """(the command, as in make's recipe, as written in .cmd) that
        compiled OBJ, when it has the expected shape; else None."""
        cmd = self.recorded_command(cfg, obj)
        if cmd is None:
            return None
        d, n = os.path.split(obj[:-2])
        # make's escapes ($$, \#) would need undoing before the shell.
        if "$" in cmd or "#" in cmd or f" -c -o {obj} " not in cmd \
                or f" -Wp,-MMD,{d + '/' if d else ''}.{n}.o.d " not in cmd:
            return None
        return cmd

    def resync(self, cfg, files, last, at):
        """Bring CFG's configuration up to date after the commits LAST..AT
        changed the config_input() FILES.  Returns (why make must build,
        or '' when neither the configuration nor, by makefile_obstacle(),
        the makefiles' changes can change a compile command; how the
        configuration was found unchanged).  A Kconfig change that
        kconfigdiff proves neutral needs no kconfig run; any other runs
        'make syncconfig' (which kbuild's own build runs first when a
        Kconfig file changed) and compares auto.conf."""
        bdir = cfg.bdir
        auto = bdir / AUTO_CONF
        before = read(auto)
        if not before or not last or not at:
            return "no configuration to compare with", ""
        values = kbuild.parse_config(before)
        kfiles = [f for f in files if os.path.basename(f).startswith("Kconfig")]
        how = ""
        if kfiles:
            why, dropped = self._kconfig_obstacle(kfiles, last, at, values)
            if why:
                res = self.b._make(bdir, ["syncconfig"], quiet=True)
                if res.returncode != 0:
                    return "make syncconfig failed", ""
                if read(auto) != before:
                    return "the configuration changed", ""
                how = "after syncconfig"
            else:
                how = (f"Kconfig only drops {len(dropped)} options that are off" if dropped
                       else "Kconfig changes no option")
        for f in files:
            if f not in kfiles:
                res = self._diff(last, at, f)
                if res.returncode != 0:
                    return f"{f} changed", how
                why = makefile_obstacle(f, res.stdout, values)
                if why:
                    return why, how
        return "", how

    def _kconfig_obstacle(self, files, last, at, values):
        """kconfigdiff.obstacle() over the Kconfig FILES changed in
        LAST..AT: ('', the options removed) when the configuration VALUES
        cannot change, else (why, [])."""
        dropped = []
        for f in files:
            old, new = (git(self.b.wt.path, "cat-file", "blob", f"{rev}:{f}", check=False,
                            full=True, env=self.b.env) for rev in (last, at))
            diff = self._diff(last, at, f)
            if old.returncode != 0 or new.returncode != 0 or diff.returncode != 0:
                return f"{f} added or removed", []
            why, names = kconfigdiff.obstacle(f, old.stdout, new.stdout, diff.stdout, values,
                                              lambda names: self._kconfig_words(at, names))
            if why:
                return why, []
            dropped += names
        return "", dropped

    def _diff(self, last, at, path):
        """'git diff -U0' of PATH between LAST and AT in the worktree."""
        return git(self.b.wt.path, "diff", "-U0", "--no-color", "--no-ext-diff",
                   last, at, "--", path, check=False, full=True, env=self.b.env)

    def _kconfig_words(self, at, names):
        """Those of NAMES that a Kconfig file of AT contains as a word."""
        args = [a for n in names for a in ("-e", n)]
        res = git(self.b.wt.path, "grep", "-o", "-h", "-w", "-F", *args, at,
                  "--", "*Kconfig*", check=False, full=True, env=self.b.env)
        if res.returncode not in (0, 1):
            return list(names)
        found = set(res.stdout.split())
        return [n for n in names if n in found]

    def sparse_commands(self, cfg, objs, at):
        """({obj: sparse's argument list}, '') for OBJS of CFG at AT: the
        commands the last make run with sparse recorded, when running them
        again is what make would do now; else ({}, why make is needed).

        sparse's command is CHECK CHECKFLAGS c_flags source.  The c_flags
        must be the object's compile flags now; CHECKFLAGS come from the
        top and architecture makefiles and the configuration, which must
        not have changed since."""
        meta = read(cfg.bdir / SPARSE_AT).split()
        if len(meta) != 3:
            return {}, "no sparse commands recorded"
        rec, conf_sha, start_ns = meta[0], meta[1], int(meta[2])
        if sha256_text(read(cfg.bdir / AUTO_CONF)) != conf_sha:
            return {}, "the configuration changed since sparse's commands were recorded"
        res = git(self.b.wt.path, "diff", "--name-only", "--no-renames", "-z",
                  rec, at, check=False, full=True, env=self.b.env)
        if res.returncode != 0:
            return {}, f"no diff from {rec[:12]}"
        for f in res.stdout.split("\0"):
            if f == "Makefile" or f.startswith("scripts/") or (
                    f.startswith("arch/") and os.path.basename(f).startswith("Makefile")):
                return {}, f"{f} changed since sparse's commands were recorded"
        check = self.b.make_vars[1][len("CHECK="):].split()
        out = {}
        for o in objs:
            p = log_path(cfg.bdir, o, "sparse-args")
            try:
                if p.stat().st_mtime_ns < start_ns:
                    return {}, f"{o}: sparse's command is older than the last sparse run"
                args = p.read_text(errors="surrogateescape").split("\0")[:-1]
            except OSError:
                return {}, f"{o}: no sparse command recorded"
            cmd = self.compile_command(cfg, o)
            at_c = cmd.index(f" -c -o {o} ")
            try:
                flags = shlex.split(cmd[:at_c])[len(shlex.split(
                    self.b.make_vars[0][len("CC="):])):]
                srcfile = shlex.split(cmd[at_c + len(f" -c -o {o} "):])[:1]
            except ValueError:
                return {}, f"{o}: its compile command does not split into words"
            # The wrapper got 'sparse CHECKFLAGS c_flags source'.
            if (args[:1] != check[1:] or not srcfile or args[-1] != srcfile[0]
                    or args[len(args) - 1 - len(flags):-1] != flags):
                return {}, f"{o}: its flags changed since sparse's command was recorded"
            out[o] = check[:1] + args
        return out, ""

    def build_direct(self, cfg, objs, changed, sparse_args=None):
        """Recompile the objects of OBJS whose recorded dependencies
        include a file of CHANGED (or that do not exist), each with its
        recorded command, then fixdep, as kbuild's if_changed_rule would;
        with SPARSE_ARGS ({obj: argv}), then sparse on each object that has
        no sparse log (C=1 and then C=2 in build()).  Returns (output, exit
        status, number rebuilt)."""
        bdir = cfg.bdir
        src = f"{self.b.wt.path}/"
        recorded = {o: read(bdir / cmd_file(o)) for o in objs}
        todo = [o for o in objs if not (bdir / o).exists()
                or any(src + f + " " in recorded[o] or src + f + "\n" in recorded[o]
                       for f in changed)]

        def one(o):
            cmd = self.compile_command(cfg, o)
            with self.b.slots.slot(size(bdir / o)):
                res = run(["sh", "-c", cmd], cwd=bdir, env=self.b.env)
            out = res.stdout + res.stderr
            if res.returncode != 0:
                return out, res.returncode
            d, n = os.path.split(o[:-2])
            dep = f"{d + '/' if d else ''}.{n}.o.d"
            old = recorded[o]
            # What kbuild's rule appends after fixdep's text (objtool's
            # dependency, until v6.x) stays.
            tail = old.split(f"$(deps_{o}):\n", 1)[1] if f"$(deps_{o}):\n" in old else ""
            fx = run(["scripts/basic/fixdep", dep, o, cmd], cwd=bdir, env=self.b.env)
            if fx.returncode != 0:
                return out + fx.stderr, fx.returncode
            write_whole(bdir / cmd_file(o), fx.stdout + tail)
            (bdir / dep).unlink(missing_ok=True)
            return out, 0

        def with_sparse(o):
            out, rc = one(o) if o in todo else ("", 0)
            if rc == 0 and sparse_args and (bdir / o).exists() \
                    and not log_path(bdir, o, "sparse").exists():
                with self.b.slots.slot(0):
                    res = run(sparse_args[o], cwd=bdir, env=self.b.env)
                out += res.stdout + res.stderr
            return out, rc

        # A thread per object: self.b.slots decides which runs, the largest
        # object of the last build (a compile's cost, roughly) first.
        items = objs if sparse_args else todo
        with ThreadPoolExecutor(max_workers=max(1, len(items))) as ex:
            got = list(ex.map(with_sparse, items))
        return "".join(out for out, _ in got), max([rc for _, rc in got] + [0]), len(todo)

    def cpp_command(self, cfg, obj):
        """foo.i's command made from foo.o's saved one (see preprocess()),
        or None."""
        cmd = self.recorded_command(cfg, obj)
        if cmd is None:
            return None
        d, n = os.path.split(obj[:-2])
        cc = self.b.make_vars[0][len("CC="):]
        dep = f" -Wp,-MMD,{d + '/' if d else ''}.{n}.o.d "
        tail = f" -c -o {obj} "
        if cmd.count(dep) != 1 or cmd.count(tail) != 1:
            return None
        # The compilation ends with the source file; what follows it (until
        # v6.x, '; objtool ... foo.o') works on the object, not wanted here.
        at = cmd.index(tail) + len(tail)
        src = cmd[at:].split(None, 1)[0] if cmd[at:].strip() else ""
        if not src.endswith(f"{obj[:-2]}.c"):
            return None
        cmd = cmd[:at] + src
        cmd = cc + " -E" + cmd[len(cc):]
        cmd = cmd.replace(dep, dep.replace(".o.d ", ".i.d "))
        return cmd.replace(tail, f" -o {obj[:-2]}.i ")
