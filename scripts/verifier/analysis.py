# SPDX-License-Identifier: GPL-2.0
"""What verify works out from the series before anything is built: the
objects to build and why, the users of the definitions the series
changes, and the configurations to derive per target.

It is a function of the series, the targets and the code only, so a warm
run takes it from the result store (Analysis.to_json(), from_json());
cold, the users' grep of the whole tip is most of its time.
"""
from dataclasses import asdict, dataclass, field

from . import commits as ser
from . import configs
from .users import Users, find as find_users

# The stored form's (to_json()); from_json() refuses another, and the
# store's key holds the code anyway.
VERSION = 1


@dataclass
class Analysis:
    objects: list = field(default_factory=list)         # every object to build, sorted
    reasons: dict = field(default_factory=dict)         # object -> [why it is built]
    series_objects: list = field(default_factory=list)  # those the series' changes affect
    users: Users = field(default_factory=Users)
    plans: list = field(default_factory=list)           # [configs.Plan] of the first target
    plan_notes: list = field(default_factory=list)
    obj_notes: dict = field(default_factory=dict)
    # The 'full' plan of each other target of another architecture, by
    # name (one of the first target's architecture builds its plans[0]).
    other_full: dict = field(default_factory=dict)

    def to_json(self):
        # asdict() turns the Users, its Definitions and the Plans into the
        # dicts their from_json() and Plan(**) read back.
        return dict(asdict(self), version=VERSION)

    @classmethod
    def from_json(cls, d):
        if d.get("version") != VERSION:
            raise ValueError(f"analysis of version {d.get('version')}, not {VERSION}")
        return cls(d["objects"], d["reasons"], d["series_objects"],
                   Users.from_json(d["users"]), [configs.Plan(**p) for p in d["plans"]],
                   d["plan_notes"], d["obj_notes"],
                   {t: configs.Plan(**p) for t, p in d["other_full"].items()})


def analyse(series, changes, targets, kconfig, api_files):
    """The Analysis of SERIES (its CHANGES: commits.changes()) for
    TARGETS (the first the one whose configurations are derived in full),
    with KCONFIG the base's and API_FILES(rev) the files that use the old
    API at a revision."""
    s = series
    commit_changes = ser.commit_changes(s) if len(s.commits) > 1 else []
    a = Analysis()
    a.objects, a.reasons = ser.affected_objects(
        s, changes, api_files(s.base), api_files(s.tip), commit_changes)
    a.series_objects = list(a.objects)
    # Every user of a definition the series changes is built too, on the
    # targets where its option exists (users.py).
    a.users = find_users(s, changes + commit_changes)
    for o in a.users.objects():
        names = a.users.files[o[:-2] + ".c"]
        why = f"uses {', '.join(names[:4])}{' ...' if len(names) > 4 else ''}, changed"
        if o not in a.reasons:
            a.objects.append(o)
        a.reasons.setdefault(o, []).append(why)
    a.objects.sort()
    first = targets[0]
    a.plans, a.plan_notes, a.obj_notes = configs.plan(
        s, changes, a.objects, kconfig, first.srcarch, first.fixed_off, first.name)
    for t in targets[1:]:
        if (t.srcarch, t.fixed_off) != (first.srcarch, first.fixed_off):
            a.other_full[t.name] = configs.plan(s, changes, a.objects, kconfig, t.srcarch,
                                                t.fixed_off, t.name)[0][0]
    return a
