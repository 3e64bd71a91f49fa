# SPDX-License-Identifier: GPL-2.0
"""configspace: the configuration-space proof (verifier/configspace.py)
holds at the tip, and each of the user's configurations, built for real,
agrees with it.  A commit in the middle that fails is a note."""
from ..report import CheckResult


def check(verdicts, agreement):
    """VERDICTS: configspace.verdict_json() of the base and every commit,
    each with its label, commit and subject, tip last; AGREEMENT: {config:
    {"ok", "lines"}} of the user's configurations (configspace.agreement())."""
    r = CheckResult("configspace")
    last = verdicts[-1]
    r.summary = last["summary"]
    r.count = last["failing"]
    if not last["ok"]:
        r.fail()
        for g in last["groups"]:
            r.details.append(f"{g['key']}: {g['count']} of {last['valid']} assignments; "
                             f"first: {g['first']}: {g['problem']}")
    for v in verdicts[:-1]:
        if not v["ok"]:
            r.details.append(f"note: commit {v['label']} {v['commit'][:12]} "
                             f"{v['subject']!r}: {v['summary']}"
                             + ("; the tip fixes it" if last["ok"] else ""))
    for n in last["notes"]:
        r.details.append(f"note: not modelled: {n}")
    for name, a in agreement.items():
        if not a["ok"]:
            r.fail()
        for line in a["lines"]:
            r.details.append(f"[{name}] {'' if a['ok'] else 'disagrees: '}{line}")
    if agreement:
        r.summary += "; " + ", ".join(
            f"{n} build {'agrees' if a['ok'] else 'DISAGREES'}" for n, a in agreement.items())
    r.data = {"commits": verdicts, "agreement": agreement}
    return r
