# SPDX-License-Identifier: GPL-2.0
"""Build configurations derived from the tree and the series.

Every configuration starts from 'defconfig'.  The options come from the
tree, never from a list in this file:
  - the #if/#ifdef nest around every line the series adds (read at the tip)
    or removes (read at the base), through kbuild.sufficient_options();
  - the obj-$(CONFIG_...) lines that build each affected object, through
    kbuild.obj_atoms();
  - their Kconfig dependencies, which kbuild.derive_config() turns on.
A line that needs options off (an #ifndef or #else branch) puts those
options into a configuration of its own; a configuration with
CONFIG_COMPACTION off is always made, for the !CONFIG_COMPACTION stubs.
CONFIG_WERROR is turned off everywhere so that warnings are reported and
compared with the base rather than stopping the build.
"""
import re
from dataclasses import dataclass, field
from pathlib import Path

from movops import kbuild
from movops.tree import Tree


ALWAYS_OFF = ("CONFIG_WERROR",)
# Off in every configuration built, the user's too: symbol versions add
# genksyms to every compilation of a file that exports symbols
# (ppc64le_defconfig and the distributions' configurations have them),
# which sends each commit through make instead of kbuild's saved commands
# (kbuildengine/replay.py); they change no compiler diagnostic, and verify
# links nothing that would read the checksums.
DERIVED_OFF = ("CONFIG_MODVERSIONS",)
STUB_OFF = "CONFIG_COMPACTION"
MAX_CONFIGS = 4


@dataclass
class Plan:
    name: str
    enable: list = field(default_factory=list)
    disable: list = field(default_factory=list)
    why: dict = field(default_factory=dict)        # option -> [reason]
    dropped: dict = field(default_factory=dict)    # option -> reason
    selected: dict = field(default_factory=dict)   # option -> the wanted option selecting it
    # A configuration of the user's (verify.py --config FILE): its text,
    # taken as it is (olddefconfig on this tree, ALWAYS_OFF turned off)
    # instead of derived from defconfig.
    source: str = ""
    text: str = ""

    def to_json(self):
        return {"name": self.name, "enable": self.enable, "disable": self.disable,
                "dropped": self.dropped, "source": self.source}


def user_plans(paths):
    """A Plan for each configuration file of the user's, named after the
    file (user-<name>); reading them is the caller's input check."""
    plans, names = [], set()
    for path in paths:
        stem = re.sub(r"[^\w.-]+", "-", Path(path).name).strip("-") or "config"
        name = f"user-{stem}"
        while name in names:
            name += "-2"
        names.add(name)
        plans.append(Plan(name, disable=list(ALWAYS_OFF + DERIVED_OFF),
                          source=str(Path(path).resolve()),
                          text=Path(path).read_text(errors="surrogateescape")))
    return plans


def stands_for(user, full, kconfig):
    """[] when the user's configuration USER (a Plan with its text) turns
    on, =y or =m, every option the derived configuration FULL would turn
    on, and every option those depend on, and leaves off what FULL turns
    off beyond what every configuration turns off: it then builds every
    object and every #if branch FULL would, in place of it.  Else the
    options it lacks (or has on where FULL has them off).

    Read from the text as the user gave it, before olddefconfig: an option
    whose dependencies are all on is one olddefconfig keeps.  (The other
    targets' configurations, derived from theirs, build the tristate ones
    =y.)"""
    values = kbuild.parse_config(user.text)
    on = lambda o: values.get(o) in ("y", "m")   # noqa: E731
    lacking = []
    for opt in list(full.enable) + list(full.selected):
        for o in [opt] + ["CONFIG_" + d for d in sorted(kconfig.implied(opt))]:
            if not on(o) and o not in lacking:
                lacking.append(o)
    lacking += [o for o in full.disable if o not in ALWAYS_OFF + DERIVED_OFF and on(o)]
    return lacking


def with_users(plans, mine, kconfig):
    """(plans, notes): the derived PLANS ('full' first) and the user's
    (MINE), in the order the host's target builds them.  The first of the
    user's that stands for 'full' (stands_for()) is built in its place:
    first, with its W=1 twin at every commit, and 'full' is not made.  The
    same objects and #if branches are built, in the configuration the user
    ships, once instead of twice (its tristate options =m; the other
    targets' configurations build them =y)."""
    full, notes = plans[0], []
    for u in mine:
        lacking = stands_for(u, full, kconfig)
        if not lacking:
            notes.append(f"{full.name}: not made; {u.name} turns on all of its options "
                         f"({' '.join(_short(o) for o in full.enable)}) and builds in its "
                         "place, with W=1 at every commit")
            return [u] + plans[1:] + [p for p in mine if p is not u], notes
        notes.append(f"{full.name}: made as well as {u.name}, which has "
                     f"{', '.join(_short(o) for o in lacking[:4])}"
                     f"{' ...' if len(lacking) > 4 else ''} off")
    return plans + mine, notes


def _short(opt):
    return opt[7:] if opt.startswith("CONFIG_") else opt


def line_needs(series, file_changes):
    """[(enable, disable, where)] for every changed line of C code, and
    notes about conditions that could not be read."""
    needs, notes = [], []
    tip = Tree(series.kdir, series.tip)
    base = Tree(series.kdir, series.base)
    for fc in file_changes:
        # Removed lines matter for building the base of an object that the
        # tip still has; the lines of a deleted file are not built anywhere.
        old = (base, fc.old_path, fc.removed) if fc.path else (base, "", [])
        for tree, path, lines in ((tip, fc.path, fc.added), old):
            if not path or not is_c(path) or not lines:
                continue
            text = tree.read(path)
            if text is None:
                continue
            for ln in lines:
                en, dis, unknown = kbuild.sufficient_options(text, ln)
                where = f"{path}:{ln}" + ("" if tree is tip else " (base)")
                for c in unknown:
                    notes.append(f"{where}: condition '#{c.directive} {c.expr}' "
                                 f"(line {c.line}) not planned for")
                needs.append((en, dis, where))
    return needs, notes


def is_c(path):
    return path.endswith(".c") or path.endswith(".h")


def other_arch(kconfig, opt, arch):
    """The arch/ directory that OPT, or an option it depends on, is
    defined in only, when that is not ARCH's (the option cannot be set
    there); else ''."""
    for name in [opt[7:] if opt.startswith("CONFIG_") else opt] + sorted(kconfig.implied(opt)):
        dirs = kconfig.arch_dirs(name)
        if dirs and arch not in dirs:
            return sorted(dirs)[0] + ("" if name == opt.replace("CONFIG_", "", 1)
                                      else f" (through {name})")
    return ""


def fixed_off_clash(kconfig, opt, fixed_off):
    """The symbols of FIXED_OFF (a target's: Target.fixed_off) that OPT
    is or depends on: OPT cannot be set on that target."""
    name = opt[7:] if opt.startswith("CONFIG_") else opt
    return sorted(({name} | set(kconfig.implied(opt))) & set(fixed_off))


def unsettable(kconfig, opt, arch, fixed_off=(), target=""):
    """Why no configuration of the target TARGET (building arch/ARCH, on
    which the symbols FIXED_OFF cannot be set) can set OPT, or ''."""
    elsewhere = other_arch(kconfig, opt, arch)
    if elsewhere:
        return f"defined for arch/{elsewhere} only, not {arch}"
    fixed = fixed_off_clash(kconfig, opt, fixed_off)
    if fixed:
        return (f"depends on {', '.join('CONFIG_' + f for f in fixed)}, which "
                f"{target or arch} cannot set")
    return ""


def plan(series, file_changes, objects, kconfig, arch="x86", fixed_off=(), target=""):
    """[Plan] and notes, for a target building arch/ARCH, on which the
    symbols FIXED_OFF cannot be set (TARGET: its name, for the notes)."""
    tip = Tree(series.kdir, series.tip)
    needs, notes = line_needs(series, file_changes)
    base_enable, why = [], {}

    def want(opt, reason):
        if opt not in base_enable:
            base_enable.append(opt)
        why.setdefault(opt, [])
        if len(why[opt]) < 3 and reason not in why[opt]:
            why[opt].append(reason)

    obj_notes = {}
    for obj in objects:
        src = obj[:-2] + ".c"
        try:
            for a in kbuild.obj_atoms(tip, src):
                want(a, f"obj line of {src}")
        except kbuild.NotDerivable as e:
            obj_notes[obj] = str(e)
            notes.append(f"{src}: {e}")
    groups = {}
    for en, dis, where in needs:
        key = tuple(sorted(dis))
        groups.setdefault(key, []).append((en, where))
        if not dis:
            for a in en:
                want(a, where)
    # The configurations: all options on; CONFIG_COMPACTION off; and one for
    # each other set of options some changed line needs off.
    off_sets = [(STUB_OFF,)] + [k for k in sorted(groups) if k and k != (STUB_OFF,)]
    plans = [Plan("full")]
    for off in off_sets:
        if len(plans) >= MAX_CONFIGS:
            lines = [w for _, w in groups.get(off, [])]
            notes.append(f"no configuration made with {', '.join(off)} off "
                         f"(limit {MAX_CONFIGS}); lines: {', '.join(lines[:5])}")
            continue
        plans.append(Plan("no-" + "-".join(_short(o) for o in off), disable=list(off)))
    for p in plans:
        extra = []
        for en, where in groups.get(tuple(sorted(p.disable)), []):
            extra += [(a, where) for a in en]
        off = set(p.disable)
        # Options that select an option we turn off must go off too.
        for o in list(off):
            for sel in kconfig.selectors(o):
                off.add("CONFIG_" + sel)
        p.disable = sorted(off) + [o for o in ALWAYS_OFF + DERIVED_OFF if o not in off]
        cand = [(a, r) for a in base_enable for r in why[a][:1]] + extra
        for a, reason in cand:
            if a in p.enable or a in p.dropped:
                continue
            sym = kconfig.symbol(a)
            if sym is None:
                p.dropped[a] = f"no such Kconfig option (needed by {reason})"
                continue
            cannot = unsettable(kconfig, a, arch, fixed_off, target)
            if cannot:
                p.dropped[a] = f"{cannot} (needed by {reason})"
                continue
            if a in off:
                p.dropped[a] = "turned off in this configuration"
                continue
            implied = {"CONFIG_" + s for s in kconfig.implied(a)}
            clash = sorted(implied & off)
            if clash:
                p.dropped[a] = f"depends on {', '.join(clash)}, off here"
                continue
            p.enable.append(a)
            p.why[a] = why.get(a, [reason])
        # An option without a prompt that another wanted option selects
        # comes with that one; asking for it directly only sends
        # derive_config() looking for some selector of its own.
        for a in list(p.enable):
            sym = kconfig.symbol(a)
            if sym.has_prompt and not sym.prompt_if:
                continue
            for b in p.enable:
                if b != a and any("CONFIG_" + sel == a and cond is None
                                  for sel, cond in kconfig.symbol(b).selects):
                    p.enable.remove(a)
                    p.selected[a] = b
                    break
    return plans, notes, obj_notes


def object_enabled(tree, obj, config, cache):
    """Whether CONFIG builds OBJ (its obj- lines' options are y or m), and why
    not.  Objects whose Makefile line cannot be read are tried anyway."""
    key = (tree.commit, obj)
    if key not in cache:
        src = obj[:-2] + ".c"
        if not tree.exists(src):
            cache[key] = (None, f"{src} does not exist")
        else:
            try:
                cache[key] = (kbuild.obj_atoms(tree, src), None)
            except kbuild.NotDerivable:
                cache[key] = ([], None)
    atoms, err = cache[key]
    if err:
        return False, err
    off = [a for a in atoms if config.get(a) not in ("y", "m")]
    if off:
        return False, f"{', '.join(off)} not set"
    return True, None
