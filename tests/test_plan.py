# SPDX-License-Identifier: GPL-2.0
"""The plan (scripts/movops/plan.py): a real analysis survives its JSON
exactly, and a file this code cannot read is refused with one line that
names the field and the fix, not misread."""
import json
import shutil

import pytest

from conftest import REPO, run
from movops import analysis
from movops.plan import PLAN_VERSION, Plan, PlanError, User
from movops.tree import Tree

FIXTURE = REPO / "tests" / "fixtures" / "v6.12-drop-z3fold" / "before"


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    """The analysis of a fixture tree committed to a git repository."""
    tmp = tmp_path_factory.mktemp("plan")
    kdir = tmp / "linux"
    shutil.copytree(FIXTURE, kdir)
    for args in (["init", "-q"], ["add", "-A"],
                 ["-c", "user.name=Fixture", "-c", "user.email=fixture@example.org",
                  "commit", "-q", "-m", "before"]):
        run(["git", "-C", str(kdir), *args])
    return analysis.analyze(Tree(kdir, "HEAD"), scratch=tmp / "facts")


@pytest.fixture()
def data(plan):
    return json.loads(plan.to_json())


def test_round_trip_of_a_real_plan(plan, data):
    assert isinstance(plan, Plan) and all(isinstance(u, User) for u in plan.users)
    assert len(plan.users) == 3 and plan.dispatch.branches and plan.blockers
    again = Plan.from_json(plan.to_json())
    assert again == plan
    assert again.to_json() == plan.to_json()
    assert data["version"] == PLAN_VERSION == 1 and list(data)[0] == "version"


def test_json_keeps_the_keys_consumers_read(data):
    assert {"tree", "state", "page_types", "users", "helpers", "decoding", "dispatch",
            "registration", "registered", "flag_step", "blockers", "warnings",
            "adaptations", "files"} <= set(data)
    u = data["users"][0]
    assert {"ops", "defined", "guard", "marks", "page_type", "type_test", "evidence",
            "drop_export", "module", "header"} <= set(u)
    assert {"kind", "file", "line", "user", "problem", "why", "fix"} == set(data["blockers"][0])


def refused(data, *words):
    with pytest.raises(PlanError) as e:
        Plan.from_dict(data, "plan.json")
    msg = str(e.value)
    assert "\n" not in msg and "apply-series.sh --analyze --json" in msg
    for w in words:
        assert w in msg, msg
    return msg


def test_version_mismatch_refused(data):
    refused(dict(data, version=PLAN_VERSION + 1), f"version {PLAN_VERSION + 1}",
            f"reads plan version {PLAN_VERSION}")
    data.pop("version")
    refused(data, "no version")


def test_missing_field_refused(data):
    ops = data["users"][1].pop("ops")
    refused(data, "users[1].ops", "missing")
    data["users"][1]["ops"] = ops
    data.pop("dispatch")
    refused(data, "dispatch: missing")


def test_wrong_type_refused(data):
    data["users"][0]["defined"]["line"] = "12"
    refused(data, "users[0].defined.line", "expected int, got str")
    data["users"][0]["defined"]["line"] = True
    refused(data, "users[0].defined.line", "expected int, got bool")
    data["users"][0]["defined"]["line"] = 12
    data["dispatch"]["branches"] = {}
    refused(data, "dispatch.branches", "expected a list")


def test_unknown_field_refused(data):
    data["registration"]["applied"] = True
    refused(data, "registration.applied", "unknown field")


def test_optional_fields_may_be_absent(data):
    u = data["users"][0]
    for k in ("module", "type_ops", "agreement", "from_dispatch", "include"):
        u.pop(k, None)
    data.pop("prereqs", None)
    p = Plan.from_dict(data)
    assert p.users[0].module is None and p.users[0].type_ops == [] and p.prereqs == []


def test_not_json_refused():
    with pytest.raises(PlanError, match="not JSON"):
        Plan.from_json("{", "plan.json")
