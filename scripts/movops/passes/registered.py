# SPDX-License-Identifier: GPL-2.0
"""registrations present: the set_movable_ops(&ops, TYPE) calls a tree has
already (upstream's registration shape since the fix of 84caf98838a3, or
this series' own output), where each is given up again, and a warning for
one that can be unloaded while still registered."""
import re
from dataclasses import dataclass, field

from .. import facts as F
from .. import plan as P
from .context import Outcome
from .modules import module_evidence

NAME = "registered"
RUNS_AFTER = ()
REGISTER_FUNC = "set_movable_ops"


@dataclass
class Registered(Outcome):
    registered: list = field(default_factory=list)  # [plan.Registered]


def run(ctx, facts, done):
    out, unregs, warnings = [], {}, []
    tests = {}
    for t in ctx.types.values():
        tests[f"PGTY_{t.lname}"] = tests[f"PG_{t.lname}"] = t.test
    defs = {d.obj: f"{d.file}:{d.line}" for d in facts.opsdefs}
    for c in facts.calls_of(REGISTER_FUNC):
        args = F.split_args(c.args)
        if len(args) != 2:
            continue
        m = re.fullmatch(r"&(\w+)", args[0])
        if m:
            out.append(P.Registered(ops=m.group(1), type=args[1], file=c.file, line=c.line,
                                    fn=c.fn, test=tests.get(args[1]),
                                    defined=defs.get(m.group(1))))
        elif args[0] == "NULL":
            unregs.setdefault(args[1], []).append(
                P.Unregistration(file=c.file, line=c.line, fn=c.fn))
    for r in out:
        # An unregistration in the registering function itself is its
        # error path giving the ops up again, not the module's exit.
        r.unregistered = [x for x in unregs.get(r.type, [])
                          if x.file == r.file and x.fn != r.fn]
        r.module = module_evidence(ctx, r.file)
        if r.module and not r.unregistered:
            warnings.append(P.Warning(
                file=r.file, line=r.line,
                warning=f"{r.ops} is registered for {r.type} in {r.fn}() but "
                        f"never unregistered, and {r.file} can be a module "
                        f"({r.module.why}): once it is unloaded the dispatch "
                        f"returns a pointer into freed memory; call "
                        f"{REGISTER_FUNC}(NULL, {r.type}) from its module_exit()"))
    return Registered(registered=out, warnings=warnings)


def registered_for(ctx, test, registered):
    """The ops object set_movable_ops() calls register for the page type
    that TEST (PageOffline) tests, or None."""
    t = next((t for t in ctx.types.values() if t.test == test), None)
    if t is None:
        return None
    consts = {pattern.format(t.lname) for pattern in ("PGTY_{}", "PG_{}")}
    found = sorted({r.ops for r in registered if r.type in consts})
    return found[0] if len(found) == 1 else None
