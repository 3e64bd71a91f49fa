# SPDX-License-Identifier: GPL-2.0
"""The modules of the modular guest: which ones, in which order they load
and unload, and what that proves.

Everything is read from the build: 'make modules_install' into a staging
directory (kernel.install_modules) leaves depmod's modules.dep (what each
module needs loaded first) and modules.order; kbuild's <module>.mod files
in the build directory list the objects a module is linked from, which
tells the module that holds a movable_ops user (the one whose object is
built from the file that defines the user's ops).

The guest's plan, from that:
  load     every staged module, each after what it depends on;
  unload   the modules that hold an exercised user, and those depending on
           them, each before what it depends on: removing them must leave
           the kernel log clean, and a compaction pass after it too;
  reload   the modules that hold a user, loaded again and removed again:
           a module whose exit path did not give up what its init
           registered (set_movable_ops(NULL, type)) fails to load twice;
  late     the other modules (the balloon driver), removed last, where
           they can go: their failing to unload is reported, not judged.

Pure functions but stage() and plan_for_build(), which only read files.
"""
from pathlib import Path

from core.errors import EnvironmentFailure


def parse_dep(text):
    """{module path: [paths it depends on]} from the text of modules.dep.

    Paths are relative to /lib/modules/<release>/, as depmod writes them.
    """
    deps = {}
    for line in text.splitlines():
        if ":" not in line:
            continue
        mod, rest = line.split(":", 1)
        deps[mod.strip()] = rest.split()
    return deps


def name(path):
    """The module name of PATH, as /proc/modules and delete_module() say it."""
    base = Path(path).name
    for suffix in (".ko.xz", ".ko.gz", ".ko.zst", ".ko"):
        if base.endswith(suffix):
            base = base[:-len(suffix)]
            break
    return base.replace("-", "_")


def load_order(deps, order=()):
    """Every module of DEPS, each after all it depends on.

    ORDER (the lines of modules.order) decides between modules that do
    not depend on each other, so the result is the same every time.
    """
    rank = {m: i for i, m in enumerate(order)}
    todo = sorted(deps, key=lambda m: (rank.get(m, len(rank)), m))
    out, state = [], {}

    def visit(m, chain):
        if state.get(m) == "done":
            return
        if state.get(m) == "visiting":
            raise EnvironmentFailure("modules.dep has a dependency cycle: "
                                     + " -> ".join(name(x) for x in chain + [m]))
        state[m] = "visiting"
        for d in sorted(deps.get(m, ()), key=lambda x: (rank.get(x, len(rank)), x)):
            visit(d, chain + [m])
        state[m] = "done"
        out.append(m)

    for m in todo:
        visit(m, [])
    return out


def dependents(deps, targets):
    """Modules of DEPS that depend, directly or not, on one of TARGETS."""
    targets = set(targets)
    out = set()
    changed = True
    while changed:
        changed = False
        for m, ds in deps.items():
            if m not in out and m not in targets and any(d in targets or d in out for d in ds):
                out.add(m)
                changed = True
    return out


def plan(deps, order, members, user_files):
    """The guest's module plan (see the top of this file) as a dict:
      load     [path] in load order
      names    {path: name}
      holders  {name: [user files it is built from]}
      unload   [name], removed first, in this order
      reload   [name], loaded again and removed again, in this order
      late     [name], removed last, in this order
    MEMBERS is {module path: [source files it is built from]};
    USER_FILES the files defining the exercised users' ops.
    """
    load = load_order(deps, order)
    holders = {m: sorted(set(members.get(m, ())) & set(user_files)) for m in load}
    holders = {m: fs for m, fs in holders.items() if fs}
    involved = set(holders) | dependents(deps, holders)
    unload = [m for m in reversed(load) if m in involved]
    late = [m for m in reversed(load) if m not in involved]
    return {
        "load": load,
        "names": {m: name(m) for m in load},
        "holders": {name(m): fs for m, fs in holders.items()},
        "unload": [name(m) for m in unload],
        "reload": [name(m) for m in load if m in holders],
        "late": [name(m) for m in late],
    }


def members_from_mod(text):
    """Source files (.c) of a module, from its kbuild .mod file, which lists
    the objects it is linked from (relative to the build directory)."""
    out = []
    for word in text.split():
        if word.endswith(".o"):
            out.append(word[:-2] + ".c")
    return out


def stage(build_dir, staging):
    """(release, directory of the release's modules) under STAGING, as
    make modules_install left it."""
    found = sorted(Path(build_dir, staging).glob("lib/modules/*/modules.dep"))
    if len(found) != 1:
        raise EnvironmentFailure(f"{Path(build_dir, staging)}: expected the modules of one kernel "
                                 f"release, found {len(found)}; rebuild the modular guest")
    return found[0].parent.name, found[0].parent


def plan_for_build(build_dir, staging, user_files):
    """(release, module directory, plan) of the modules BUILD_DIR installed."""
    release, moddir = stage(build_dir, staging)
    deps = parse_dep((moddir / "modules.dep").read_text())
    order_file = moddir / "modules.order"
    order = order_file.read_text().split() if order_file.exists() else []
    members = {}
    for m in deps:
        # kernel/mm/zsmalloc.ko was built from mm/zsmalloc.mod's objects.
        rel = m[len("kernel/"):] if m.startswith("kernel/") else m
        mod = Path(build_dir) / (rel[:-len(".ko")] + ".mod" if rel.endswith(".ko") else rel)
        if mod.exists():
            members[m] = members_from_mod(mod.read_text())
    return release, moddir, plan(deps, order, members, user_files)
