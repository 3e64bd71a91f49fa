# SPDX-License-Identifier: GPL-2.0
"""Can code in a file end up in a module?  The one answer to it.

Three callers ask: whether an ops object's export is still needed (a
module may name it), whether a user's ops can live in a module (the
registration decision, visibility.py), and whether a registration already
in the tree can be unloaded (registered.py).  They asked it through two
functions that differed where the answer is not known: a file no Makefile
line builds counted as a module for the export and as built in for a
registration.  Here the unknown is always "it may be a module", the
conservative answer for both, with its reason: in every tree the tests
analyse the two never differed (bench/analysis-snapshot.py).
"""
from .. import kbuild
from .. import plan as P


def module_evidence(ctx, file):
    """Why code in FILE can be built into a module (a plan.Module), or None
    when it is always built in: a .c file whose object is built only under
    bool options."""
    if not file.endswith(".c"):
        return P.Module(option="", kconfig=None,
                        why=f"{file} is not a .c file: its code is built into what "
                            "includes it, modules too")
    try:
        atoms = kbuild.obj_atoms(ctx.tree, file)
    except kbuild.NotDerivable as e:
        return P.Module(option="", kconfig=None,
                        why=f"no Makefile line tells which option builds {file} ({e}), "
                            "so it may be a module")
    for a in atoms:
        sym = ctx.kconfig.symbol(a)
        if sym is not None and sym.type == "bool":
            continue
        obj = kbuild.obj_line(ctx.tree, file)
        built = f"{obj} builds {file} under it" if obj else f"{file} is built under it"
        if sym is None:
            return P.Module(option=a, kconfig=None,
                            why=f"{a} has no Kconfig entry in this tree, so it may be "
                                f"tristate; {built}")
        return P.Module(option=a, kconfig=f"{sym.file}:{sym.line}",
                        why=f"{a} is {sym.type}, {sym.file}:{sym.line}; {built}")
    return None
