# SPDX-License-Identifier: GPL-2.0
"""The analysis' passes: pure functions of the typed facts
(movops.factset.FactSet), the tree as read (context.Context) and the
results of the passes before them, each returning its result with its
blockers, warnings and adaptations as values (context.Outcome).
pipeline.py lists them in order and builds the plan.Plan.

  shape          shape.py         a tree from before struct movable_operations
  users          users.py         ops objects, their marks, forwarding helpers
  visibility     visibility.py    guard, header, module, export of each user
  pagetypes      pagetypes.py     the page type that identifies each user
  agreement      agreement.py     type and mark cleared together
  registered     registered.py    set_movable_ops() calls already in the tree
  decoding       decoding.py      callers of the decoding, the dispatch's host
  dispatch       dispatch.py      the dispatch's branches, includes, history
  registration   registration.py  whether and how users register (regentry.py:
                                  one user's entry, init path, visibility)
  flagstep       flagstep.py      whether the mark can become PG_movable_ops
  state          state.py         unconverted, converted or no users

modules.py answers "can code in this file be a module?" for all of them.
Which upstream commits a tree has is movops.presence, run by series.py for
the stable form.
"""
