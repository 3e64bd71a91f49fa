# SPDX-License-Identifier: GPL-2.0
"""The passes in their order, and the Plan built from their results.

Each pass module declares NAME and RUNS_AFTER (the passes whose results it
reads) and run(ctx, facts, done) -> its result (a context.Outcome), DONE
being the results so far by name.  The order is PASSES' order, checked
against the declarations: a pass listed before a pass it runs after is an
error, not a silent reordering.  The plan's blockers, warnings and
adaptations are those of every pass, in this order."""
from .. import plan as P
from .context import def_file
from . import (agreement, decoding, dispatch, flagstep, pagetypes, registered,
               registration, shape, state, users, visibility)

PASSES = (shape, users, visibility, pagetypes, agreement, registered, decoding,
          dispatch, registration, flagstep, state)

# Most fundamental first (plan.BLOCKER_KINDS): a user without a page type
# cannot be dispatched at all, whatever else is true of it.
BLOCKER_ORDER = list(P.BLOCKER_KINDS)


def order(passes=PASSES):
    """PASSES, checked: every pass runs after what it declares."""
    seen = set()
    for p in passes:
        missing = [n for n in p.RUNS_AFTER if n not in seen]
        if missing:
            raise ValueError(f"pass {p.NAME} runs after {', '.join(missing)}, "
                             "which the pipeline lists later or not at all")
        seen.add(p.NAME)
    return list(passes)


def run(ctx, facts, passes=PASSES):
    """{name: result} of every pass over FACTS (a FactSet) in CTX."""
    done = {}
    for p in order(passes):
        done[p.NAME] = p.run(ctx, facts, done)
    return done


def sort_blockers(blockers):
    """BLOCKERS in the report's order: by kind (BLOCKER_ORDER), file, line."""
    return sorted(blockers, key=lambda b: (
        BLOCKER_ORDER.index(b.kind) if b.kind in BLOCKER_ORDER else len(BLOCKER_ORDER),
        b.file, b.line or 0))


def build_plan(ctx, facts, done):
    """The plan.Plan of the passes' results DONE."""
    tree = ctx.tree
    us = done["agreement"].users
    results = list(done.values())
    adaptations = [a for r in results for a in r.adaptations]
    return P.Plan(
        tree=P.TreeInfo(path=str(tree.path), rev=tree.rev, commit=tree.commit,
                        version=tree.version()),
        state=done["state"].state,
        page_types=sorted(ctx.types),
        users=[us[k] for k in sorted(us, key=lambda k: def_file(us[k]) + k)],
        helpers=done["users"].helpers,
        decoding=P.Decoding(
            defs=[P.DecodingDef(func=d.func, file=d.file, line=d.line)
                  for d in facts.decodings],
            callers=[P.DecodingCall(func=c.func, file=c.file, line=c.line, fn=c.fn)
                     for c in facts.decoding_calls]),
        dispatch=done["dispatch"].dispatch,
        registration=done["registration"].registration,
        registered=done["registered"].registered,
        flag_step=done["flagstep"].flag_step,
        blockers=sort_blockers([b for r in results for b in r.blockers]),
        warnings=[w for r in results for w in r.warnings],
        adaptations=[a.text for a in adaptations],
        adaptation_steps={a.text: a.step for a in adaptations})
