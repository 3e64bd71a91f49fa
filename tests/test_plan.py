# SPDX-License-Identifier: GPL-2.0
"""The plan (scripts/movops/plan.py): a real analysis survives its JSON
exactly, and a file this code cannot read is refused with one line that
names the field and the fix, not misread."""
import json
import os
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


def test_version_that_is_a_string_is_not_called_version_1(data):
    """'"version": "1"' was refused as "version '1', this movops reads plan
    version 1": a message that contradicts itself."""
    msg = refused(dict(data, version="1"), 'version: expected a number, got string "1"')
    assert "version '1'" not in msg
    refused(dict(data, version=True), "expected a number, got boolean")


@pytest.mark.parametrize("path,value", [
    (("state",), "bogus"), (("registration", "mode"), "dynamic"),
    (("blockers", 0, "kind"), "whatever"), (("state",), 1)])
def test_enumerated_fields_refused_outside_their_values(data, path, value):
    d = data
    for k in path[:-1]:
        d = d[k]
    d[path[-1]] = value
    refused(data, ".".join(str(k) for k in path).replace(".0.", "[0]."),
            f"{json.dumps(value)} is not one of")


@pytest.mark.parametrize("content,words", [
    (None, "no such file"), (b"", "empty"), (b"  \n", "empty"),
    (b"\xff\xfe\x00\x01", "not text (byte 0 is not UTF-8)"),
    (b'{"version": 1, "tree"', "not JSON"), ("DIR", "a directory")])
def test_load_refuses_what_is_not_a_plan_file(tmp_path, content, words):
    p = tmp_path / "plan.json"
    if content == "DIR":
        p.mkdir()
    elif content is not None:
        p.write_bytes(content)
    with pytest.raises(PlanError) as e:
        Plan.load(p)
    assert "\n" not in str(e.value) and words in str(e.value)
    assert str(e.value).startswith(str(p))


BAD_PLANS = {
    "truncated": lambda text: text[:300].encode(),
    "empty": lambda text: b"",
    "binary": lambda text: b"\x7fELF\x02\x01\x01\x00\xff",
    "missing": None,
    "bogus-state": lambda text: text.replace('"state": "unconverted"',
                                             '"state": "bogus"').encode(),
    "string-version": lambda text: text.replace('"version": 1,', '"version": "1",').encode(),
}


# Every kind of bad file on one step; the steps that read the plan
# otherwise (their SmPL's Python rules) on one kind each.
@pytest.mark.parametrize("step,kind", [("03-setpagemovable-drop-ops", k)
                                       for k in sorted(BAD_PLANS)]
                         + [("02-movable-ops-dispatch", "truncated"),
                            ("05-movable-ops-page-flag", "bogus-state")])
def test_step_under_spatch_refuses_a_bad_plan_in_one_line(plan, tmp_path, kind, step):
    """A bad MOVOPS_PLAN, read by a step under spatch: one line on stderr,
    and the step changes nothing.  It was a JSONDecodeError,
    UnicodeDecodeError or FileNotFoundError traceback, exit 255."""
    kdir = tmp_path / "linux"
    shutil.copytree(FIXTURE, kdir)
    before = {p: p.read_bytes() for p in kdir.rglob("*") if p.is_file()}
    bad = tmp_path / "plan.json"
    if BAD_PLANS[kind]:
        assert plan.state == "unconverted"
        bad.write_bytes(BAD_PLANS[kind](plan.to_json()))
    cmd = ["spatch", "--very-quiet", "-D", "patch", "--sp-file",
           str(REPO / "cocci" / f"{step}.cocci"), "--include-headers", "--no-includes",
           "--in-place", "--dir", "."]
    res = run(cmd, cwd=kdir, check=False, env=dict(os.environ, MOVOPS_PLAN=str(bad)))
    assert res.returncode == 2, res.stdout + res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"movops: MOVOPS_PLAN={bad}: "), res.stderr
    assert lines[0].endswith("the step changed nothing")
    assert "Traceback" not in res.stderr and res.stdout == ""
    assert {p: p.read_bytes() for p in kdir.rglob("*") if p.is_file()} == before


def test_every_blocker_kind_the_analysis_makes_is_enumerated():
    """plan.BLOCKER_KINDS is what a plan file may say: a kind the analysis
    makes without listing it there would be refused when read back."""
    import re as _re
    from movops.plan import BLOCKER_KINDS
    made = set()
    movops = REPO / "scripts" / "movops"
    for path in [movops / "invariants.py", *sorted((movops / "passes").glob("*.py"))]:
        made |= set(_re.findall(r'[Bb]locker\(\s*(?:kind=)?"([a-z-]+)"', path.read_text()))
    assert made and made <= set(BLOCKER_KINDS), made - set(BLOCKER_KINDS)
