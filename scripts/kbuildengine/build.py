# SPDX-License-Identifier: GPL-2.0
"""Out-of-tree builds of single objects, with every diagnostic kept per
object.

The compiler and sparse are called through two small wrappers
(files.py) that copy the diagnostics of each object into a file next to
it in the build directory.  make only recompiles what
changed, and a compiler log is rewritten exactly when its object is, so
after any build the compiler logs of all objects describe the current
source: one build per configuration per commit gives the build check and
the bisection check their data.  objtool's warnings name their object and
are taken from make's output for the objects that were rebuilt.

sparse is only needed where the sparse check compares (the base and the
tip), and costs about as much as the compilation, so the commits in
between are built without it.  Compiling an object removes its sparse log
(the CC wrapper does it), so a sparse log present always belongs to the
object as it is now; a build with sparse runs make with C=1 (sparse on what
is recompiled) and then C=2 on the objects still without a log (objects
last compiled by a build without sparse).

A commit that changes only C sources and headers is built without make,
from the commands kbuild recorded (replay.py).
"""
import os
import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from core import fingerprint as code
from core.proc import c_env, run
from movops import kbuild

from . import diag
from .files import copy_into, install_wrappers, log_path, mtime, read
from .replay import AUTO_CONF, SPARSE_AT, Replay, cmd_names, config_input, record_prepared
from .slots import Slots
from .store import config_fingerprint, engine_code, sha256_text, version
from .targets import HOST, TARGETS

# In a build directory: the commit its objects were last built at by build();
# absent while a build runs and after the configuration changed.  (And
# replay.SPARSE_AT: the last make run with sparse.)
BUILT_AT = ".movops-built-at"

# Where a defconfig started before the plans are known is made
# (Verification.start_defconfig()); the plans' directories copy it.
SEED_DIR = "build-defconfig"

# What kconfig writes for kbuild beside .config (conf_write_autoconf()):
# auto.conf last, the dependency list of auto.conf, the C header and the
# rustc flags (since 6.0).
AUTOCONF_FILES = (AUTO_CONF, "include/config/auto.conf.cmd",
                  "include/generated/autoconf.h", "include/generated/rustc_cfg")


@dataclass
class Config:
    plan: object
    bdir: Path
    values: dict = field(default_factory=dict)
    failed: list = field(default_factory=list)
    fingerprint: str = ""
    derived: bool = False      # derived in this run (not taken from the store)
    error: str = ""
    # The build's target and warning level (Builder.flavour()): '' for the
    # host's target without W=, '@arm64-gcc', '+W1', '@arm64-gcc+W1'.
    flavour: str = ""
    target: object = None       # targets.Target
    warn: str = ""              # W= level, '' or '1'

    @property
    def name(self):
        return self.plan.name + self.flavour


def warn_suffix(warn):
    """The last part of a configuration's flavour for the warning level
    WARN: '' without W=, '+W1' with W=1."""
    return f"+W{warn}" if warn else ""


def flavour(target, warn=""):
    """The suffix of a configuration's name and build directory for TARGET
    and the warning level WARN (see Config.flavour)."""
    return ("" if target.name == HOST else f"@{target.name}") + warn_suffix(warn)


def distcc_hosts():
    """DISTCC_HOSTS when the compilers are to run through distcc (the
    variable set and distcc installed), else ''."""
    hosts = os.environ.get("DISTCC_HOSTS", "").strip()
    return hosts if hosts and shutil.which("distcc") else ""


class Builder:
    """The builds of one target at one warning level (W=), in build
    directories under ROOT, one per configuration.  Builders of several
    targets share the cores through SLOTS (slots.Slots)."""

    def __init__(self, root, worktree, progress, jobs=None, store=None, tools=None,
                 target=None, warn="", slots=None):
        self.root = Path(root)
        self.wt = worktree
        self.progress = progress
        self.jobs = jobs or os.cpu_count() or 2
        self.slots = slots or Slots(self.jobs)
        self.store = store
        self.target = target or TARGETS[HOST]
        # The target's compiler is an input of everything it builds (and
        # only of that: a run with other targets finds these builds).
        self.tools = dict(tools or {}, cc=version([self.target.cc, "--version"]))
        self.warn = warn
        self.flavour = flavour(self.target, warn)
        w = install_wrappers(self.root / "bin")
        # With DISTCC_HOSTS, distcc runs the compiler (where the hosts
        # say); what it gives is the same, so the keys leave it out.
        self.distcc = distcc_hosts()
        cc = self.target.cc
        self.key_vars = [f"CC={w['movops-cc']} {cc}", f"CHECK={w['movops-check']} sparse",
                         *self.target.make_vars(), *([f"W={warn}"] if warn else [])]
        self.make_vars = list(self.key_vars)
        if self.distcc:
            self.make_vars[0] = f"CC={w['movops-cc']} distcc {cc}"
        self.env = c_env()
        self.replay = Replay(self)

    def key(self, kind, **inputs):
        """The store key of a result of this builder (store.key()): the
        target, the make variables and the engine's code with INPUTS."""
        return dict(inputs, kind=kind, target=self.target.spec(), vars=self.key_vars,
                    target_tools=self.tools, engine=engine_code())

    # -- configurations ----------------------------------------------------
    def seed_key(self, base_key):
        """What a defconfig seed depends on (and, with a plan's options,
        config_key() a derivation).  The warning level is no input of the
        configuration: a W= builder finds its target's derivations."""
        return {"base": base_key, "tools": self.tools, "target": self.target.spec(),
                "vars": [v for v in self.key_vars if not v.startswith("W=")],
                "engine": engine_code()}

    def config_key(self, plan, base_key):
        # A derivation is kbuild.derive_config()'s work: another version of
        # it may derive another configuration.
        key = dict(self.seed_key(base_key), enable=plan.enable, disable=plan.disable,
                   code=code.fingerprint(["movops.kbuild"]))
        if plan.text:
            key["user_config"] = sha256_text(plan.text)
        return key

    def defconfig_seed(self):
        """'make defconfig' in a directory of its own, SEED_DIR, which then
        holds a defconfig .config and the kconfig programs for the plans'
        directories (copy_seed(), take_seed()); returns the directory and
        the error text when it failed."""
        bdir = self.root / (SEED_DIR + self.flavour)
        # A seed from an earlier run may hold another tree's defconfig.
        shutil.rmtree(bdir, ignore_errors=True)
        bdir.mkdir(parents=True, exist_ok=True)
        res = self._make(bdir, [self.target.defconfig], quiet=True)
        if res.returncode != 0:
            return bdir, ((res.stdout + res.stderr).strip()[-2000:]
                          or f"make {self.target.defconfig} failed")
        return bdir, ""

    def bdir_of(self, plan):
        return self.root / f"build-{plan.name}{self.flavour}"

    def copy_seed(self, seed, plan):
        """Start PLAN's build directory as a copy of SEED (where
        defconfig_seed() ran); configure(PLAN, seed=bdir_of(PLAN)) then
        derives from it."""
        bdir = self.bdir_of(plan)
        bdir.mkdir(parents=True, exist_ok=True)
        copy_into(seed, bdir)

    def seed_programs(self, seed, plan):
        """Give PLAN's build directory, when it has no configuration yet,
        the kconfig programs (scripts/basic, scripts/kconfig) of SEED,
        where defconfig_seed() ran for another target: they are host
        programs, the same for every target built with the same host
        compiler, and make builds them again where the command differs (a
        target with another HOSTCC).  Its '<defconfig>' then only runs
        them."""
        bdir = self.bdir_of(plan)
        if (bdir / ".config").exists():
            return
        for sub in ("scripts/basic", "scripts/kconfig"):
            if (Path(seed) / sub).is_dir():
                (bdir / sub).mkdir(parents=True, exist_ok=True)
                copy_into(Path(seed) / sub, bdir / sub)

    def share_config(self, cfg):
        """Start this builder's directory for CFG's plan as a copy of CFG's
        (a builder of the same target at another warning level that has
        just derived it): W= is no input of a configuration (seed_key()),
        so the copy spares this one its kconfig programs and its
        olddefconfig, and configure() then finds the stored text in
        place."""
        bdir = self.bdir_of(cfg.plan)
        dot = bdir / ".config"
        if dot.exists() and dot.read_text() == (cfg.bdir / ".config").read_text():
            return
        bdir.mkdir(parents=True, exist_ok=True)
        copy_into(cfg.bdir, bdir)
        _forget_builds(bdir)

    def take_seed(self, seed, plan):
        """Like copy_seed(), but SEED's directory itself becomes PLAN's when
        PLAN has none yet (a fresh run), which spares the copy."""
        bdir = self.bdir_of(plan)
        if bdir.exists():
            self.copy_seed(seed, plan)
        else:
            os.rename(seed, bdir)

    def configure(self, plan, kconfig, base_key, seed=None, retry=None):
        """Config for PLAN in its own build directory, reusing a derivation
        made before with the same inputs.

        A new derivation starts from the defconfig .config in SEED (a copy
        of the directory where defconfig_seed() ran, usually PLAN's own:
        the kconfig programs are not built again), or else runs 'make
        defconfig' itself.  When it failed in a partial
        worktree, RETRY() is called (it checks out every file) and the
        derivation runs once more.
        """
        bdir = self.bdir_of(plan)
        bdir.mkdir(parents=True, exist_ok=True)
        cfg = Config(plan, bdir, flavour=self.flavour, target=self.target, warn=self.warn)
        key = self.config_key(plan, base_key)
        stored = self.store.get("config", key) if self.store else None
        dot = bdir / ".config"
        if stored:
            have = dot.read_text() if dot.exists() else None
            if have != stored["text"]:
                _forget_builds(bdir)
                dot.write_text(stored["text"])
                self._make(bdir, ["olddefconfig"], quiet=True)
            cfg.values = kbuild.read_config(dot)
            cfg.failed = stored["failed"]
        else:
            self.progress(f"[{cfg.name}] the configuration of {plan.source}, olddefconfig"
                          if plan.text else
                          f"[{cfg.name}] deriving the configuration from "
                          f"{self.target.defconfig} "
                          f"(+{len(plan.enable)} options, -{len(plan.disable)})")
            _forget_builds(bdir)
            while True:
                was_partial = self.wt.partial
                try:
                    base_target = self.target.defconfig
                    if seed is not None:
                        if Path(seed) != bdir:
                            copy_into(seed, bdir)
                        # Without defconfig's auto.conf, the derivation's
                        # olddefconfig writes auto.conf, autoconf.h and the
                        # option files itself (kconfig makes them when they
                        # are missing), newer than .config: the first build
                        # has no syncconfig to run, nor make to restart
                        # after it.  (derive_config() removes it before
                        # each of its rounds for the same reason; the
                        # user's configuration has one olddefconfig.)
                        (bdir / AUTO_CONF).unlink(missing_ok=True)
                        # The .config is defconfig's already: a target that
                        # leaves it alone (only writes O='s Makefile).
                        base_target = "outputmakefile"
                    if plan.text:
                        cfg.values, cfg.failed = self._user_config(bdir, plan, seed)
                    else:
                        cfg.values, cfg.failed = kbuild.derive_config(
                            self.wt.path, bdir, base_target, plan.enable, kconfig,
                            disable=plan.disable, make_args=self.make_vars,
                            srcarch=self.target.srcarch)
                    break
                except (RuntimeError, OSError) as e:
                    if seed is not None:
                        seed = None
                        continue
                    if retry is not None and was_partial:
                        retry()
                        retry = None
                        continue
                    lines = [l for l in str(e).strip().splitlines() if l.strip()]
                    cfg.error = " | ".join(lines[:1] + lines[-3:]) if lines else repr(e)
                    return cfg
            cfg.derived = True
            if self.store:
                self.store.put("config", key, {"text": dot.read_text(), "failed": cfg.failed})
        cfg.fingerprint = config_fingerprint(dot.read_text())
        return cfg

    def _user_config(self, bdir, plan, seed):
        """The user's configuration as this tree reads it: their .config,
        the options of PLAN.disable off, then olddefconfig (what 'make' on
        an older .config does).  (values, options of PLAN.disable still
        on)."""
        keep = [l for l in plan.text.splitlines()
                if not any(l.startswith(o + "=") or l == f"# {o} is not set"
                           for o in plan.disable)]
        keep += [f"# {o} is not set" for o in plan.disable]
        (bdir / ".config").write_text("\n".join(keep) + "\n")
        if seed is not None:
            # The seed's auto.conf is defconfig's (see configure()).
            (bdir / AUTO_CONF).unlink(missing_ok=True)
        res = self._make(bdir, ["olddefconfig"], quiet=True)
        if res.returncode != 0:
            raise RuntimeError("make olddefconfig failed on the configuration from "
                               f"{plan.source}:\n{(res.stdout + res.stderr)[-2000:]}")
        values = kbuild.read_config(bdir / ".config")
        return values, [o for o in plan.disable if values.get(o) not in (None, "n")]

    def fresh(self, cfg):
        """True when CFG's build directory has not been prepared (made
        configuration files only; 'prepare' ends with asm-offsets.h)."""
        return not (cfg.bdir / "include" / "generated" / "asm-offsets.h").exists()

    def prepare(self, cfg):
        """'make prepare' in CFG: the host programs and generated headers
        every object needs; True when it worked."""
        if self._make(cfg.bdir, ["prepare"]).returncode != 0:
            return False
        record_prepared(cfg.bdir)
        return True

    def seed(self, src, dst):
        """Start DST's build directory as a copy of SRC's after prepare():
        the host programs (fixdep, objtool, scripts/...) do not depend on
        the configuration and are not built again.  objtool is built by
        tools/build, whose command files name their outputs by absolute
        path: those are renamed to DST so that they count as up to date.

        DST keeps its .config.  Kbuild must then rebuild what depends on
        the options whose value differs (asm-offsets, bounds, ...), as
        after any change of configuration: syncconfig would touch the
        include/config/ file of each such option and write DST's
        auto.conf, autoconf.h and rustc_cfg.  When DST's derivation wrote
        those files for its .config (configure() lets olddefconfig write
        them), they are put back and the options touched here, which
        spares a kconfig run (its compiler probes are most of its second
        of CPU); otherwise .config is left newer than the copied auto.conf
        and make runs syncconfig."""
        text = (dst.bdir / ".config").read_text()
        own = _own_autoconf(dst.bdir)
        copy_into(src.bdir, dst.bdir)
        _forget_builds(dst.bdir)
        old, new = f"{src.bdir}/", f"{dst.bdir}/"
        tools = dst.bdir / "tools"
        if tools.is_dir():
            for p in tools.rglob(".*.cmd"):
                t = p.read_text(errors="surrogateescape")
                if old in t:
                    st = p.stat()
                    p.write_text(t.replace(old, new), errors="surrogateescape")
                    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
        dot = dst.bdir / ".config"
        dot.write_text(text)
        now = time.time_ns()
        os.utime(dot, ns=(now, now))
        if own is None:
            return
        # What conf_touch_deps() does: an option whose auto.conf value
        # differs, or that is in one of the two files only, gets its
        # include/config/ file touched (made when missing).
        was = kbuild.read_config(dst.bdir / AUTO_CONF)
        mine = kbuild.parse_config(own[AUTO_CONF].decode(errors="surrogateescape"))
        later = now + 1000
        for opt in sorted(set(was) | set(mine)):
            if was.get(opt) != mine.get(opt):
                dep = dst.bdir / "include" / "config" / opt[len("CONFIG_"):]
                dep.touch()
                os.utime(dep, ns=(later, later))
        # auto.conf last, as conf writes it: it marks the others complete.
        for rel in sorted(own, key=lambda r: r == AUTO_CONF):
            f = dst.bdir / rel
            f.write_bytes(own[rel])
            os.utime(f, ns=(later, later))

    # -- make ----------------------------------------------------------------
    def _make(self, bdir, targets, quiet=False, extra=()):
        cmd = ["make", "-C", self.wt.path, f"O={bdir}", "-k", f"-j{self.jobs}",
               *self.make_vars, *extra, *targets]
        if quiet:
            cmd.insert(1, "-s")
        res = run(cmd, env=self.env)
        return res

    def built_at(self, cfg):
        """The commit CFG's objects were last built at (build(AT=...)), or
        None."""
        try:
            return (cfg.bdir / BUILT_AT).read_text().strip() or None
        except OSError:
            return None

    def build(self, cfg, objs, sparse=True, at=None, changed=None):
        """Build OBJS in CFG at the worktree's current commit AT, with
        sparse on them unless SPARSE is false.  CHANGED: the files that
        differ between built_at(CFG) and AT, when known; a build without
        sparse then goes without make if it can (see the module's text).

        Returns {"objects": {obj: {"ok", "rebuilt", "cc", "sparse", "objtool"}},
        "make_errors": [...], "rc": int, "sparse": bool, "how": "make" |
        "direct" | "direct, n rebuilt", "why_make": str}; without sparse the
        objects' "sparse" lists are empty.
        """
        bdir = cfg.bdir
        start = time.time()
        before = {o: mtime(log_path(bdir, o, "cc")) for o in objs}
        last = self.built_at(cfg)
        (bdir / BUILT_AT).unlink(missing_ok=True)
        why_make = "the files changed since the last build are not known" \
            if changed is None else self.replay.obstacle(cfg, objs, changed)
        synced = ""
        if not why_make and any(config_input(f) for f in changed):
            why_make, synced = self.replay.resync(cfg, [f for f in changed if config_input(f)],
                                            last, at)
        sparse_args = {}
        if sparse and not why_make:
            sparse_args, why_make = self.replay.sparse_commands(cfg, objs, at)
        direct = bool(objs) and not why_make
        if not objs:
            output, rc, how = "", 0, "nothing to build"
        elif direct:
            output, rc, n = self.replay.build_direct(cfg, objs, changed, sparse_args)
            how = f"direct, {n} rebuilt" + (f", {synced}" if synced else "")
        else:
            if sparse:
                (bdir / SPARSE_AT).unlink(missing_ok=True)
            cmds = None if self.fresh(cfg) else cmd_names(bdir)
            res = self._make(bdir, objs, extra=["C=1"] if sparse else [])
            if not self.fresh(cfg):
                record_prepared(bdir, objs, cmds)
            output, rc, how = res.stdout + "\n" + res.stderr, res.returncode, "make"
        srcdirs = [str(self.wt.path)]
        objtool = {}
        for d in diag.parse(output, "objtool", srcdirs, bdir):
            if d["tool"] == "objtool":
                objtool.setdefault(d["file"], []).append(d)
        # make's own complaints (a target it cannot make...), not the
        # "Error 1" lines that only pass a compiler failure up.
        make_errors = [l.strip() for l in output.splitlines()
                       if re.match(r"^make(\[\d+\])?: \*\*\* ", l)
                       and not re.search(r"\] Error \d+$|Waiting for unfinished jobs", l)]
        lines_cache = {}

        def read_line(f, n):
            if f not in lines_cache:
                p = self.wt.path / f
                if not p.exists():
                    p = bdir / f
                try:
                    lines_cache[f] = p.read_text(errors="surrogateescape").split("\n")
                except OSError:
                    lines_cache[f] = []
            ls = lines_cache[f]
            return ls[n - 1] if 0 < n <= len(ls) else None

        state = {"objects": {}, "make_errors": make_errors, "rc": rc, "sparse": sparse,
                 "how": how, "why_make": why_make}
        if sparse and not direct:
            stale = [o for o in objs if (bdir / o).exists()
                     and not log_path(bdir, o, "sparse").exists()]
            if stale:
                self._make(bdir, stale, extra=["C=2"])
            if at and rc >= 0:
                conf = read(bdir / AUTO_CONF)
                (bdir / SPARSE_AT).write_text(f"{at} {sha256_text(conf)} "
                                              f"{int(start * 1e9)}\n")
        for o in objs:
            cc_log = log_path(bdir, o, "cc")
            now = mtime(cc_log)
            rebuilt = now is not None and (now != before[o] or now >= start)
            ot_log = log_path(bdir, o, "objtool")
            if rebuilt:
                ot_log.write_text("".join(f"{o}: {d['severity']}: objtool: {d['msg']}\n"
                                          for d in objtool.get(o, [])))
            entry = {"ok": (bdir / o).exists(), "rebuilt": rebuilt}
            cc_text = read(cc_log)
            if "movops-cc: exit " in cc_text:
                entry["ok"] = False
            for kind, tool in (("cc", "gcc"), ("sparse", "sparse"), ("objtool", "objtool")):
                text = read(log_path(bdir, o, kind)) if sparse or kind != "sparse" else ""
                ds = [d for d in diag.parse(text, tool, srcdirs, bdir)]
                for d in ds:
                    d["tool"] = tool
                entry[kind] = diag.add_source_text(ds, read_line)
            if not entry["ok"] and not any(d["severity"] == "error" for d in entry["cc"]):
                entry["why"] = _why_failed(output, o)
            state["objects"][o] = entry
        if at and rc >= 0:      # not when make was killed
            (bdir / BUILT_AT).write_text(at + "\n")
        return state

    # -- builds without make ---------------------------------------------------

    def preprocess(self, cfg, objs, built=()):
        """The preprocessing step of OBJS (kbuild's 'make O=... foo.i');
        {obj: text}, and the output of what ran.

        For the objects in BUILT (just compiled successfully, so their
        .foo.o.cmd holds the current compile command) the command is run
        directly: kbuild's foo.i rule is 'CPP c_flags -o foo.i foo.c', with
        CPP the compiler and -E and c_flags those of foo.o (whose dependency
        file name aside), so the command derived from foo.o's is the one
        make would run, without a make evaluating the whole tree for it.
        The others, or a command file that does not have the expected
        shape, go through make.
        """
        targets = [o[:-2] + ".i" for o in objs]
        if not targets:
            return {}, ""
        for t in targets:
            p = cfg.bdir / t
            if p.exists():
                p.unlink()
        direct = {o: c for o in objs if o in built
                  for c in [self.replay.cpp_command(cfg, o)] if c}
        log = []

        def one(o):
            res = run(["sh", "-c", direct[o]], cwd=cfg.bdir, env=self.env)
            d, n = os.path.split(o[:-2])
            try:
                (cfg.bdir / d / f".{n}.i.d").unlink()
            except OSError:
                pass
            return res.stdout + res.stderr

        with ThreadPoolExecutor(max_workers=self.jobs) as ex:
            log += list(ex.map(one, sorted(direct)))
        rest = [o[:-2] + ".i" for o in objs if o not in direct]
        if rest:
            res = self._make(cfg.bdir, rest)
            log.append(res.stdout + res.stderr)
        out = {}
        for o, t in zip(objs, targets):
            out[o] = read(cfg.bdir / t) if (cfg.bdir / t).exists() else None
        return out, "".join(log)


def _own_autoconf(bdir):
    """{relative path: bytes} of the files kconfig wrote beside BDIR's
    .config, when they were written for this .config (none older than it);
    None otherwise."""
    try:
        since = (bdir / ".config").stat().st_mtime_ns
        out = {}
        for rel in AUTOCONF_FILES:
            f = bdir / rel
            if not f.exists() and rel.endswith("rustc_cfg"):
                continue
            if f.stat().st_mtime_ns < since:
                return None
            out[rel] = f.read_bytes()
        return out
    except OSError:
        return None


def _forget_builds(bdir):
    """The configuration of BDIR changes: what build() recorded about its
    last builds no longer holds."""
    for name in (BUILT_AT, SPARSE_AT):
        (Path(bdir) / name).unlink(missing_ok=True)














def _why_failed(output, obj):
    lines = [l for l in output.splitlines() if obj in l or "***" in l]
    return "; ".join(l.strip() for l in lines[-3:]) or "object not produced"
