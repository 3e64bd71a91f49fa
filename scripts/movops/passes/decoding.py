# SPDX-License-Identifier: GPL-2.0
"""decoding callers: where the pointer decoding is called, hence where the
dispatch must live (mm/migrate.c, or the .c file that calls it most), and
whether it can stay static there.  A caller outside the host needs a header
both share and must only be built when the host is."""
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .. import kbuild
from .context import Adaptation, Outcome, blocker

NAME = "decoding"
RUNS_AFTER = ()


@dataclass
class Decoding(Outcome):
    host: Optional[str] = None
    static: bool = True
    decl_header: Optional[str] = None
    caller_files: list = field(default_factory=list)


def run(ctx, facts, done):
    callers = facts.decoding_calls
    files = sorted({c.file for c in callers})
    r = Decoding(caller_files=files)
    if not files:
        return r
    counts = {f: sum(1 for c in callers if c.file == f) for f in files}
    cfiles = [f for f in files if f.endswith(".c")]
    r.host = "mm/migrate.c" if "mm/migrate.c" in cfiles else (
        max(cfiles, key=lambda f: counts[f]) if cfiles else None)
    if r.host is None:
        r.blockers.append(blocker(
            "no-dispatch-host", files[0], callers[0].line,
            "the decoding is only called from headers",
            "the dispatch needs a .c file to live in",
            "call it from mm/migrate.c", None))
    elif len(files) > 1:
        r.static = False
        r.decl_header = common_local_header(ctx, r.host, files)
        others = [f for f in files if f != r.host]
        if r.decl_header is None:
            r.blockers.append(blocker(
                "no-shared-header", others[0], callers[0].line,
                f"callers of the decoding in {', '.join(others)} share no local "
                f"header with {r.host}",
                "the dispatch must be declared where every caller sees it",
                f"include a header of {Path(r.host).parent}/ in every caller", None))
        else:
            where = ", ".join(f"{c.file}:{c.line} ({c.fn})" for c in callers
                              if c.file != r.host)
            r.adaptations.append(Adaptation(
                "movable-ops-dispatch",
                f"the decoding is also called outside {r.host} ({where}): the dispatch "
                f"is not static and is declared in {r.decl_header}"))
            r.blockers += host_built(ctx, r.host, callers)
    return r


def common_local_header(ctx, host, files):
    """A header of HOST's directory that every one of FILES includes."""
    common = None
    for f in files:
        incs = set(re.findall(r'^#\s*include\s+"([^"]+)"', ctx.read(f), re.M))
        common = incs if common is None else common & incs
    for name in sorted(common or []):
        path = str(Path(host).parent / name)
        if ctx.tree.exists(path):
            return path
    return None


def host_built(ctx, host, callers):
    """[blocker] for each caller outside HOST that can be built without it."""
    try:
        host_atoms = kbuild.obj_atoms(ctx.tree, host)
    except kbuild.NotDerivable:
        return []
    out = []
    for c in callers:
        if c.file == host:
            continue
        try:
            atoms = kbuild.obj_atoms(ctx.tree, c.file)
        except kbuild.NotDerivable:
            atoms = []
        enable, _, _ = kbuild.sufficient_options(ctx.read(c.file), c.line)
        have = set(atoms + enable)
        closure = set()
        for a in have:
            closure.add(a)
            closure |= {"CONFIG_" + s for s in ctx.kconfig.implied(a)}
            sym = ctx.kconfig.symbol(a)
            if sym:
                closure |= {"CONFIG_" + s for s, cond in sym.selects if not cond}
        missing = [a for a in host_atoms if a not in closure]
        if missing:
            out.append(blocker(
                "host-not-built", c.file, c.line,
                f"{c.fn}() calls the decoding under {', '.join(sorted(have)) or 'no option'}, "
                f"which does not imply {', '.join(missing)} that builds {host}",
                "the non-static dispatch in the host file would be missing at link time",
                f"move the caller under {', '.join(missing)}", None))
    return out
