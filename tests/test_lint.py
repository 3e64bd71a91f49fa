# SPDX-License-Identifier: GPL-2.0
"""pyflakes (Debian's pyflakes3) over every Python file of the repository:
an unused import, an undefined name, a redefinition fails the fast layer
with pyflakes' own lines.  Without pyflakes3 the test is a skip naming
the fix, and a failure under CI=true (make check and make check-fast
install it: core.deps, purpose 'tests')."""
import shutil
import subprocess

import pytest

from conftest import REPO, run
from verifier import golden

PYFLAKES = "pyflakes3"


def python_files(top):
    """The repository's Python files, relative to TOP: those git tracks or
    would track (new, not ignored), by their name or their #! line."""
    names = run(["git", "-C", str(top), "ls-files", "-z", "--cached", "--others",
                 "--exclude-standard"]).stdout.split("\0")
    out = []
    for name in sorted(set(filter(None, names))):
        p = top / name
        if not p.is_file():
            continue        # deleted in the work tree
        if name.endswith(".py"):
            out.append(name)
            continue
        with open(p, "rb") as f:
            first = f.readline(200)
        if first.startswith(b"#!") and b"python" in first:
            out.append(name)
    return out


def pyflakes(top, files):
    """(status, pyflakes' report) of FILES under TOP."""
    if shutil.which(PYFLAKES) is None:
        why = f"{PYFLAKES} not installed; install it with 'scripts/py -m core.deps tests'"
        if golden.strict():
            pytest.fail(f"{why} (CI=true: the lint cannot be a skip)", pytrace=False)
        pytest.skip(why)
    res = subprocess.run([PYFLAKES, *files], cwd=top, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return res.returncode, res.stdout


def test_pyflakes_is_clean():
    files = python_files(REPO)
    # The toolkit, its tests and bench at least: a listing that lost them
    # would pass on nothing.
    for part in ("scripts/verify.py", "scripts/core/proc.py", "tests/conftest.py",
                 "bench/bench-verify.py", "tests/test_lint.py"):
        assert part in files, part
    status, out = pyflakes(REPO, files)
    assert status == 0 and out == "", f"pyflakes3 reports:\n{out}"


def test_pyflakes_reports_what_it_should(tmp_path):
    run(["git", "init", "-q", str(tmp_path)])
    (tmp_path / "a.py").write_text("import os\n\nprint(undefined_name)\n")
    (tmp_path / "tool").write_text("#!/usr/bin/python3\nimport sys\n")
    (tmp_path / "notes.txt").write_text("import nothing\n")
    files = python_files(tmp_path)
    assert files == ["a.py", "tool"]
    status, out = pyflakes(tmp_path, files)
    assert status != 0
    assert "a.py:1:1: 'os' imported but unused" in out, out
    assert "a.py:3:7: undefined name 'undefined_name'" in out, out
    assert "tool:2:1: 'sys' imported but unused" in out, out
