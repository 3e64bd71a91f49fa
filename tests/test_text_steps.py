# SPDX-License-Identifier: GPL-2.0
"""The one way a step hands text edits over (scripts/movops/textedit.py).

A step that is only a text edit declares it ('// Step: text MODULE') and
runs without spatch; the steps that mix SmPL and text write their text
edits through textedit.finish(), on standard output; no step reads a side
channel, sniffs spatch's command line, or carries a rule that only exists to
make spatch run.
"""
import re
import subprocess

import pytest

from conftest import REPO, SCRIPTS, run
import test_series_fixtures as sf
import test_step_modes as sm

from movops import series, stepenv, textedit

COCCI = REPO / "cocci"
DOC = COCCI / "06-balloon-compaction-doc.cocci"


def sources():
    """Every file of the toolkit that code could read a variable in."""
    for top in ("cocci", "scripts", "tests", "bench"):
        for p in (REPO / top).rglob("*"):
            if p.is_file() and p.suffix in (".py", ".cocci", ".sh", ".mk", "") \
                    and p != (REPO / "tests" / "test_text_steps.py"):
                yield p
    yield REPO / "Makefile"


def test_step_kinds():
    kinds = {s.path.name: s.kind for s in series.series_steps()}
    assert kinds.pop(DOC.name) == "text"
    assert set(kinds.values()) == {"smpl"}
    assert stepenv.step_kind(DOC) == ("text", "movops.docstep")


def test_bad_step_line(tmp_path):
    f = tmp_path / "07-x.cocci"
    f.write_text("/// x\n// Step: text\n")
    with pytest.raises(ValueError, match="Step: text MODULE"):
        stepenv.step_kind(f)


@pytest.fixture(scope="module")
def doc_commit(tmp_path_factory):
    repo, res, _ = sf.series("mainline", tmp_path_factory)
    assert res.returncode == 0, res.stderr
    return repo, sm.step_commits(repo)[DOC.name]


def test_text_step_runs_without_spatch(doc_commit, tmp_path, monkeypatch):
    """The driver runs the doc step as Python, and its diff makes the commit."""
    repo, sha = doc_commit
    tree = sm.tree_at(repo, f"{sha}^", tmp_path / "t")
    commands = []
    real_run = subprocess.run

    def spy(cmd, *a, **kw):
        commands.append(cmd[0])
        return real_run(cmd, *a, **kw)

    monkeypatch.setattr(series.subprocess, "run", spy)
    plan = tmp_path / "plan.json"
    plan.write_text("{}")       # the doc step needs none
    fake = type("Run", (), {"scratch": tree, "args": type("A", (), {"jobs": 1})})()
    notes = series.Run.run_step(fake, series.Step(DOC), plan)
    assert notes == []
    assert "spatch" not in commands and commands[0] == str(SCRIPTS / "py")
    after = sm.tree_at(repo, sha, tmp_path / "after")
    assert sm.files_of(tree) == {tree / p.relative_to(after): b
                                 for p, b in sm.files_of(after).items()}


@pytest.mark.parametrize("mode", ["patch", "report", "org"])
def test_text_step_alone(doc_commit, tmp_path, mode):
    """python3 -m movops.textedit, in the tree, speaks like spatch -D MODE."""
    repo, sha = doc_commit
    tree = sm.tree_at(repo, f"{sha}^", tmp_path / "t")
    res = run(["/usr/bin/python3", "-m", "movops.textedit", "-D", mode, str(DOC)], cwd=tree,
              env={"PATH": "/nonexistent", "PYTHONPATH": str(SCRIPTS)})
    header = "include/linux/balloon_compaction.h"
    if mode == "patch":
        assert res.stdout.startswith(f"diff -u -p a/{header} b/{header}\n")
        run(["patch", "-p1", "-s"], cwd=tree, input=res.stdout)
        after = sm.tree_at(repo, sha, tmp_path / "after")
        assert sm.files_of(tree) == {tree / p.relative_to(after): b
                                     for p, b in sm.files_of(after).items()}
    elif mode == "report":
        assert re.match(rf"{header}:\d+:0-1: comment says page->mapping", res.stdout)
    else:
        assert f"[[view:{tree / header}::" in res.stdout


def test_text_step_skips_with_reason(tmp_path):
    (tmp_path / "include/linux").mkdir(parents=True)
    res = run(["/usr/bin/python3", "-m", "movops.textedit", str(DOC)], cwd=tmp_path,
              env={"PATH": "/nonexistent", "PYTHONPATH": str(SCRIPTS)})
    assert res.stdout == ""
    assert "movops: balloon-compaction-doc: skipped: include/linux/balloon_compaction.h " \
           "does not exist" in res.stderr


def test_finish_per_file(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(stepenv, "tree_root", lambda: tmp_path)
    t = textedit.TextEdits("x", {"a.h": ("1\n", "2\n"), "b.h": ("1\n", "3\n")},
                           [("a.h", 1, "one"), ("b.h", 1, "two")])
    textedit.finish(t, "patch", only="b.h")
    out = capsys.readouterr().out
    assert "b/b.h" in out and "a.h" not in out
    textedit.finish(t, "report")
    assert capsys.readouterr().out == "a.h:1:0-1: one\nb.h:1:0-1: two\n"


def test_no_side_channel():
    """Text edits reach the driver one way: no variable names a file for them."""
    hits = [str(p.relative_to(REPO)) for p in sources()
            if "MOVOPS_TEXT_PATCH" in p.read_text(errors="replace")]
    assert hits == []


def test_steps_do_not_sniff_their_command_line():
    for step in sorted(COCCI.glob("[0-9][0-9]-*.cocci")):
        text = step.read_text()
        assert "/proc/self/cmdline" not in text, step.name
        assert "_spatch_args" not in text, step.name
        if "@initialize:python@" in text:
            # One line puts scripts/ on sys.path, found from the step's path.
            assert text.count("sys.path") == 1, step.name
            assert "cocci.cocci_file" in text, step.name


def test_doc_step_has_no_smpl_change():
    """A text step's one rule only matches; its change is the text edit."""
    text = DOC.read_text()
    assert not re.search(r"^[-+*]", text, re.M)
    assert "__movops_balloon_compaction_doc_has_no_smpl_change" not in text
