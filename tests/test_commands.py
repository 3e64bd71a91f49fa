# SPDX-License-Identifier: GPL-2.0
"""What every command says about itself: the exit statuses of its --help
are README.md's ("Exit status"), and a usage error is one line, exit 2 (the
shell scripts said 1)."""
import re

import pytest

from conftest import REPO, SCRIPTS, run

PY = "/usr/bin/python3"
COMMANDS = {
    "apply-series.sh": [str(SCRIPTS / "apply-series.sh")],
    "verify.py": [PY, str(SCRIPTS / "verify.py")],
    "runtime-check.py": [PY, str(SCRIPTS / "runtime-check.py")],
    "drift.py": [PY, str(SCRIPTS / "drift.py")],
    "make-expected.py": [PY, str(SCRIPTS / "make-expected.py")],
    "baseline-tree.sh": [str(SCRIPTS / "baseline-tree.sh")],
    "prepare-tree.sh": [str(SCRIPTS / "prepare-tree.sh")],
    "debian-config.sh": [str(SCRIPTS / "debian-config.sh")],
    "pinned-deb.sh": [str(SCRIPTS / "pinned-deb.sh")],
}


def readme_statuses():
    """{status: meaning} of README.md's table, and 130."""
    text = (REPO / "README.md").read_text()
    section = text.split("## Exit status", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| (\d) \| ([^|]+) \|", section, re.M))
    assert "Interrupted runs end with 130" in section
    return {int(k): v.strip() for k, v in rows.items()} | {130: "interrupted"}


def help_statuses(name):
    """{status: what the command's --help says of it}."""
    res = run([*COMMANDS[name], "--help"], check=False)
    assert res.returncode == 0, res.stderr
    text = " ".join(res.stdout.split())
    m = re.search(r"Exit(?: status)?: (.*?)(?:\(README\.md|$)", text)
    assert m, f"{name} --help states no exit statuses"
    parts = re.split(r"[,;] (?=\d+ )|^(?=\d+ )", m.group(1))
    out = {}
    for p in parts:
        mm = re.match(r"(\d+) (.*)", p.strip())
        if mm:
            out[int(mm.group(1))] = mm.group(2)
    return out


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_exit_statuses_are_the_readmes(name):
    """verify.py --help said '1 a check failed or the verifier could not do
    its work', where README.md has 3 for that."""
    known = readme_statuses()
    said = help_statuses(name)
    assert set(said) <= set(known), (name, said)
    assert 0 in said and 2 in said, (name, said)
    for status, what in said.items():
        if re.search(r"could not|cannot|failure|a command failed|missing", what):
            assert status == 3, f"{name}: status {status} '{what}' is README's 3"
        if re.search(r"bad input|usage", what):
            assert status == 2, f"{name}: status {status} '{what}' is README's 2"
        if "interrupted" in what:
            assert status == 130


@pytest.mark.parametrize("name,args", [
    ("baseline-tree.sh", []), ("baseline-tree.sh", ["a", "b"]),
    ("prepare-tree.sh", ["--bogus"]), ("prepare-tree.sh", []),
    ("prepare-tree.sh", ["--pinned", "--deb-version", "1", "6.12"]),
    ("prepare-tree.sh", ["--deb-version"]),
    ("debian-config.sh", []), ("debian-config.sh", ["--bogus"]),
    ("debian-config.sh", ["--series"]),
    ("pinned-deb.sh", []), ("pinned-deb.sh", ["--version"]), ("pinned-deb.sh", ["=1"]),
    ("apply-series.sh", []), ("verify.py", ["--bogus"]), ("runtime-check.py", []),
    ("drift.py", ["--bogus"]), ("make-expected.py", ["--only", "nope"])])
def test_usage_errors_exit_2_in_one_line(name, args):
    res = run([*COMMANDS[name], *args], check=False)
    assert res.returncode == 2, (res.returncode, res.stderr)
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr


def test_shell_scripts_bad_input(tmp_path):
    (tmp_path / "f").write_text("x\n")
    res = run([*COMMANDS["baseline-tree.sh"], str(tmp_path / "f")], check=False)
    assert res.returncode == 2 and "not a directory" in res.stderr
    res = run([*COMMANDS["baseline-tree.sh"], str(tmp_path / "nope")], check=False)
    assert res.returncode == 2 and "no such directory" in res.stderr
    res = run([*COMMANDS["prepare-tree.sh"], "-q", "--pinned", "5.4"], check=False)
    assert res.returncode == 2 and "linux-source-5.4 is not pinned" in res.stderr
