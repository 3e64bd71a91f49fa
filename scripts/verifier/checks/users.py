# SPDX-License-Identifier: GPL-2.0
"""users: every user of a definition the series changes or removes
(verifier/users.py) is compiled at the tip on some target that can build
it, and the users that are not the series' own objects (ONLY: drivers
expanding a changed inline, callers of a changed function) build there
with no compiler or objtool diagnostic the base has not.  Per target: "users of changed definitions: N found, N compiled"
(found: the users' objects the target can build; compiled: those that
built in one of its configurations).  A user that no target built is
named under "not covered", with the targets that could not be had; it
fails when a target that ran could have built it and did not."""
from kbuildengine import diag
from ..report import CheckResult
from .build import TOOLS
from .newdiags import BROKEN, NEW, compare


def check(users, expected, builds, not_covered, only=()):
    """USERS: users.Users; EXPECTED: {target: [user objects it can build]};
    BUILDS: {target: the Matrix.view() of its builds without W=};
    NOT_COVERED: {target: why it was not built}; ONLY: the users this row
    judges the builds of (the build rows judge the others)."""
    r = CheckResult("users")
    objs = users.objects()
    compiled_by = {}
    per_target = {}
    for t, want in expected.items():
        m = builds.get(t)
        done = set()
        for cfg in (m.configs if m else ()):
            done |= {o for o in m.cell(m.tip, cfg).built() if o in want}
            for o, what, x in compare(m.cell(m.tip, cfg), m.cell(m.base, cfg), TOOLS):
                if o not in only:
                    continue
                if what == BROKEN:
                    r.fail(f"[{cfg}] {o} does not build at the tip: {x.first_errors()}")
                elif what == NEW:
                    r.fail(f"[{cfg}] {o}: new {diag.fmt(x)}")
        for o in done:
            compiled_by.setdefault(o, []).append(t)
        per_target[t] = {"found": sorted(want), "compiled": sorted(done)}
        r.details.append(f"{t}: users of changed definitions: {len(want)} found, "
                         f"{len(done)} compiled"
                         + (f" ({', '.join(sorted(done))})" if done else ""))
        tried = {o for cfg in (m.configs if m else ()) for o in m.cell(m.tip, cfg).objects}
        for o in sorted(set(want) - done - tried):
            r.fail(f"{t}: {o} uses {', '.join(users.files[o[:-2] + '.c'])} and can be "
                   "built here, but was not compiled (see configs)")
    uncovered = [o for o in objs if o not in compiled_by]
    for o in uncovered:
        where = "; ".join(f"{t}: {why}" for t, why in not_covered.items()) or \
            "no target builds its architecture"
        r.details.append(f"not covered: {o} (uses {', '.join(users.files[o[:-2] + '.c'])}): "
                         f"{where}")
    for h in users.headers():
        r.details.append(f"header: {h} uses {', '.join(users.files[h])} "
                         "(compiled where it is included)")
    r.count = len(uncovered) + sum(1 for d in r.details if d.startswith("["))
    names = sorted({d.name for d in users.definitions})
    r.summary = (f"{len(names)} changed definitions, {len(objs)} users: "
                 + ", ".join(f"{t} {len(v['compiled'])}/{len(v['found'])}"
                             for t, v in per_target.items())
                 + (f"; {len(uncovered)} not covered" if uncovered else ""))
    r.data = dict(users.to_json(), targets=per_target, not_covered=uncovered,
                  compiled_by=compiled_by)
    return r
