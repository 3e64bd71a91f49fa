# SPDX-License-Identifier: GPL-2.0
"""apply-series.sh on bad input: one line naming the problem and the fix,
exit status 2 (3 when the environment fails it, 1 when the tree cannot take
what was asked), and nothing of the user's changed.  On fixture trees, so it
runs in seconds."""
import json
import os
import shutil
import subprocess
import time

import pytest

from conftest import REPO, SCRIPTS, run
from core.errors import EXIT_ENV, EXIT_NO, EXIT_USAGE
import test_series_fixtures as sf

APPLY = SCRIPTS / "apply-series.sh"


@pytest.fixture
def kdir(tmp_path):
    return sf.make_repo(REPO / "tests" / "fixtures" / "mainline" / "before", tmp_path / "k")


def refused(res, *words, status=EXIT_USAGE):
    assert res.returncode == status, res.stdout + res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


def apply(*args, env=None, cwd=None):
    return run([str(APPLY), *map(str, args)], check=False, env=env, cwd=cwd)


def test_help():
    res = apply("--help")
    assert res.returncode == 0
    for opt in ("--branch", "--output", "--dry-run", "--analyze", "--prereq", "-q"):
        assert opt in res.stdout
    assert "Exit status" in res.stdout


def test_missing_directory(tmp_path):
    refused(apply(tmp_path / "nope"), "no such directory")


def test_not_a_kernel_tree(tmp_path):
    (tmp_path / "README").write_text("hello\n")
    refused(apply(tmp_path), "not a kernel tree")


def test_not_a_git_tree(tmp_path):
    shutil.copytree(REPO / "tests" / "fixtures" / "mainline" / "before", tmp_path / "k")
    line = refused(apply(tmp_path / "k"), "not a git tree", "baseline-tree.sh")
    assert str(tmp_path / "k") in line


def test_unknown_base(kdir):
    refused(apply("--base", "nosuchrev", kdir), "no such commit", "--base")


def test_unknown_prereq(kdir):
    refused(apply("--prereq", "drop-everything", kdir), "unknown prerequisite", "drop-z3fold")


def test_bad_branch_name(kdir):
    refused(apply("--branch", "bad..name", kdir), "not a valid branch name")


def test_branch_exists_needs_force(kdir):
    run(["git", "-C", str(kdir), "branch", "movable-ops"])
    tip = sf.git(kdir, "rev-parse", "movable-ops")
    refused(apply(kdir), "branch 'movable-ops' exists", "--force")
    assert sf.git(kdir, "rev-parse", "movable-ops") == tip


def test_checked_out_branch_not_replaced(kdir):
    run(["git", "-C", str(kdir), "checkout", "-q", "-b", "movable-ops"])
    refused(apply("--force", kdir), "checked out")


def test_no_identity(kdir, tmp_path):
    run(["git", "-C", str(kdir), "config", "--unset", "user.name"])
    run(["git", "-C", str(kdir), "config", "--unset", "user.email"])
    env = dict(os.environ, HOME=str(tmp_path), GIT_CONFIG_NOSYSTEM="1",
               XDG_CONFIG_HOME=str(tmp_path))
    refused(apply(kdir, env=env), "git identity", "git config user.name")


def test_spatch_missing(kdir, tmp_path):
    """A PATH with git and patch but no spatch."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    for tool in ("git", "patch", "bash"):
        (bin_ / tool).symlink_to(shutil.which(tool))
    env = dict(os.environ, PATH=str(bin_))
    refused(apply(kdir, env=env), "spatch not found", "apt-get install coccinelle",
            status=EXIT_ENV)


def test_spatch_version_parse():
    code = ("from movops import series; "
            "v = series.spatch_version(); print(v, v >= series.MIN_SPATCH)")
    out = run([str(SCRIPTS / "py"), "-c", code]).stdout.strip()
    assert out.endswith("True"), out


def test_step_that_does_not_parse(kdir, tmp_path):
    """A copy of the toolkit with one broken step: the run fails naming the
    step, and makes no branch."""
    copy = tmp_path / "movops"
    shutil.copytree(REPO / "scripts", copy / "scripts",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "cocci", copy / "cocci")
    step = copy / "cocci" / "03-setpagemovable-drop-ops.cocci"
    step.write_text(step.read_text().replace("@call@", "@call@\nthis is not SmPL", 1))
    res = run([str(copy / "scripts" / "apply-series.sh"), str(kdir)], check=False)
    line = refused(res, "03-setpagemovable-drop-ops.cocci", "failed", status=EXIT_ENV)
    assert "movable-ops" not in sf.git(kdir, "branch", "--list")
    assert sf.git(kdir, "status", "--porcelain") == ""
    assert line.startswith("apply-series: step ")


def test_user_git_config_does_not_leak(kdir, tmp_path):
    """Settings that would sign, re-encode or reshape the series: the
    commits and patch files are those of a plain configuration."""
    res = apply("-q", "--output", tmp_path / "plain", kdir)
    assert res.returncode == 0, res.stderr
    for c in ("commit.gpgSign=true", "i18n.commitEncoding=ISO-8859-1", "diff.noprefix=true",
              "diff.context=7", "diff.algorithm=patience", "format.useAutoBase=true",
              "format.thread=shallow", "format.signOff=true", "format.headers=X-Mine: 1",
              "format.to=list@example.org", "format.subjectPrefix=RFC", "color.ui=always",
              "diff.mnemonicPrefix=true", "format.coverLetter=true"):
        k, v = c.split("=", 1)
        run(["git", "-C", str(kdir), "config", k, v])
    res = apply("-q", "--branch", "configured", "--output", tmp_path / "configured", kdir)
    assert res.returncode == 0, res.stderr
    assert sf.git(kdir, "rev-parse", "configured") == sf.git(kdir, "rev-parse", "movable-ops")
    plain = sorted((tmp_path / "plain").glob("*.patch"))
    assert [p.name for p in plain] == sorted(p.name for p in
                                             (tmp_path / "configured").glob("*.patch"))
    for p in plain:
        assert (tmp_path / "configured" / p.name).read_bytes() == p.read_bytes(), p.name


def test_prereq_that_does_not_fit_refuses(tmp_path):
    """zsmalloc-page-type edits exact text of v6.1's page-flags.h and
    zsmalloc.c; the v6.1 fixture has the same scheme in other words, so the
    prerequisite refuses, naming the file and the text it expected, before
    any commit."""
    k = sf.make_repo(REPO / "tests" / "fixtures" / "v6.1" / "before", tmp_path / "k")
    refs = run(["git", "-C", str(k), "for-each-ref"]).stdout
    line = refused(apply("--prereq", "drop-z3fold", "--prereq", "zsmalloc-page-type", k),
                   "--prereq zsmalloc-page-type does not fit this tree",
                   "include/linux/page-flags.h", "nothing was changed", status=EXIT_NO)
    assert "#define PG_guard" in line
    assert run(["git", "-C", str(k), "for-each-ref"]).stdout == refs
    assert run(["git", "-C", str(k), "status", "--porcelain"]).stdout == ""


def test_prereq_with_nothing_to_do(tmp_path):
    """A tree whose zsmalloc pages have a page type already (v6.12's
    PGTY_zsmalloc): the prerequisite says so and the run goes on (here to
    the z3fold blocker, which it does not address)."""
    k = sf.make_repo(REPO / "tests" / "fixtures" / "v6.12" / "before", tmp_path / "k")
    res = apply("--prereq", "zsmalloc-page-type", k)
    assert res.returncode == EXIT_NO, res.stdout + res.stderr
    assert "already has a zsmalloc page type: nothing to do" in res.stdout
    assert "[prereq] zsmalloc-page-type: nothing to do" in res.stdout


# -- output paths: nothing of the user's is overwritten or deleted --------------

def test_output_keeps_the_users_patch(kdir, tmp_path):
    """The issue's case: 'mkdir o; echo mine > o/0001-my-work.patch;
    apply-series --output o KDIR' deleted the user's patch."""
    o = tmp_path / "o"
    o.mkdir()
    (o / "0001-my-work.patch").write_text("mine\n")
    refs = run(["git", "-C", str(kdir), "for-each-ref"]).stdout
    refused(apply("--output", o, kdir), "--output", "0001-my-work.patch",
            "did not write", "new or empty directory")
    assert sorted(p.name for p in o.iterdir()) == ["0001-my-work.patch"]
    assert (o / "0001-my-work.patch").read_text() == "mine\n"
    # Refused before any work: no branch.
    assert run(["git", "-C", str(kdir), "for-each-ref"]).stdout == refs


def test_output_force_replaces_only_an_earlier_runs_files(kdir, tmp_path):
    o = tmp_path / "o"
    assert apply("-q", "--output", o, kdir).returncode == 0
    first = sorted(p.name for p in o.glob("*.patch"))
    assert first[0] == "0000-cover-letter.patch" and len(first) == 6
    assert (o / ".movops-output").is_file()
    refused(apply("-q", "--branch", "two", "--output", o, kdir), "earlier apply-series run",
            "--force")
    res = apply("-q", "--branch", "two", "--force", "--output", o, kdir)
    assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in o.glob("*.patch")) == first
    # A patch the user edited is the user's: not replaced, even with --force.
    p = o / first[1]
    p.write_text(p.read_text() + "my note\n")
    refused(apply("-q", "--branch", "three", "--force", "--output", o, kdir),
            f"{first[1]} changed since apply-series wrote it")
    assert p.read_text().endswith("my note\n")
    assert "three" not in sf.git(kdir, "branch", "--list")


def test_blocker_report_in_output_keeps_the_users_files(tmp_path):
    """--analyze and a blocked run write analysis.txt/.json into --output
    under the same rule."""
    k = sf.make_repo(REPO / "tests" / "fixtures" / "v6.12" / "before", tmp_path / "k")
    o = tmp_path / "o"
    o.mkdir()
    (o / "analysis.txt").write_text("my analysis\n")
    refused(apply("--output", o, k), "analysis.txt", "did not write")
    assert (o / "analysis.txt").read_text() == "my analysis\n"
    res = apply("--output", tmp_path / "new", k)
    assert res.returncode == EXIT_NO
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == [
        ".movops-output", "analysis.json", "analysis.txt"]


@pytest.mark.parametrize("where,words", [
    ("/proc/movops-out", ("--output /proc/movops-out", "cannot create it in /proc")),
    ("/proc", ("--output /proc", "cannot write in it")),
    ("FILE", ("a regular file, not a directory",)),
    ("MISSING/sub", ("does not exist", "create it first")),
], ids=["under-proc", "proc", "existing-file", "missing-parent"])
def test_output_path_refused_before_any_work(kdir, tmp_path, where, words):
    (tmp_path / "FILE").write_text("x\n")
    arg = where.replace("FILE", str(tmp_path / "FILE")).replace("MISSING",
                                                                str(tmp_path / "missing"))
    refs = run(["git", "-C", str(kdir), "for-each-ref"]).stdout
    refused(apply("--output", arg, kdir), *words)
    assert run(["git", "-C", str(kdir), "for-each-ref"]).stdout == refs
    assert (tmp_path / "FILE").read_text() == "x\n"


@pytest.mark.parametrize("args,words", [
    (["--analyze", "--json", "DIR"], ("--json", "a directory")),
    (["--analyze", "--json", "/proc/a.json"], ("cannot create a file in /proc",)),
    (["--analyze", "--json", "DIR/no/a.json"], ("does not exist",)),
    (["--analyze", "--json", "DIR/mine.json"], ("exists and apply-series did not write it",)),
    (["--json", "DIR/a.json"], ("with --analyze",)),
], ids=["directory", "proc", "missing-dir", "users-file", "without-analyze"])
def test_json_path_refused(kdir, tmp_path, args, words):
    (tmp_path / "mine.json").write_text("{}\n")
    refused(apply(*[a.replace("DIR", str(tmp_path)) for a in args], kdir), *words)
    assert (tmp_path / "mine.json").read_text() == "{}\n"


def test_json_of_an_earlier_analysis_is_replaced(kdir, tmp_path):
    j = tmp_path / "a.json"
    for _ in range(2):
        res = apply("-q", "--analyze", "--json", j, kdir)
        assert res.returncode == 0, res.stderr
    assert json.loads(j.read_text())["state"] == "unconverted"


def test_kdir_that_is_a_file(tmp_path):
    (tmp_path / "f").write_text("x\n")
    refused(apply(tmp_path / "f"), "a regular file, not a directory")


@pytest.mark.parametrize("name", ["HEAD", "-foo", "@{-1}", "a..b"])
def test_branch_names_git_branch_refuses(kdir, name):
    """'--branch HEAD' made refs/heads/HEAD, after which git calls HEAD
    ambiguous in the user's repository."""
    run(["git", "-C", str(kdir), "checkout", "-q", "-b", "other"])
    run(["git", "-C", str(kdir), "checkout", "-q", "-"])
    refused(apply(f"--branch={name}", kdir), f"--branch '{name}' is not a valid branch name")
    assert not (kdir / ".git" / "refs" / "heads" / name).exists()
    assert sf.git(kdir, "branch", "--list", "--format=%(refname:short)").split() == \
        ["master", "other"]


def test_usage_error_is_one_line(kdir):
    line = refused(apply(kdir, "--branch"), "expected one argument", "--help")
    assert line.startswith("apply-series: ")
    refused(apply("--jobs", "0", kdir), "--jobs 0")


def test_orphan_base_refused_with_a_fix(kdir):
    run(["git", "-C", str(kdir), "checkout", "-q", "--orphan", "notes"])
    run(["git", "-C", str(kdir), "rm", "-q", "-rf", "."])
    (kdir / "NOTES").write_text("notes\n")
    run(["git", "-C", str(kdir), "add", "NOTES"])
    run(["git", "-C", str(kdir), "commit", "-q", "-m", "notes"])
    run(["git", "-C", str(kdir), "checkout", "-q", "master"])
    refused(apply("--base", "notes", kdir), "--base notes is not a kernel tree",
            "orphan branch", "give --base a commit of the kernel's history")


def test_dead_runs_temporary_directories_are_removed(kdir, tmp_path):
    """A run killed with SIGKILL cannot clean up: its movops-series-<pid>-*
    directory is removed by the next run, and only one of a dead PID."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = dict(os.environ, TMPDIR=str(tmp))
    p = subprocess.Popen([str(APPLY), "-q", kdir], env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not list(tmp.glob("movops-series-*")) and time.monotonic() < deadline:
        time.sleep(0.02)
    # The Python process is the wrapper's (exec): its PID names the directory.
    left = list(tmp.glob("movops-series-*"))
    assert [d.name.split("-")[2] for d in left] == [str(p.pid)]
    p.kill()
    p.wait()
    assert left[0].exists()
    live = tmp / f"movops-series-{os.getpid()}-mine"
    live.mkdir()
    res = apply("-q", "--branch", "again", kdir, env=env)
    assert res.returncode == 0, res.stderr
    assert not left[0].exists() and live.exists()
    assert sorted(d.name for d in tmp.iterdir()) == [live.name]
