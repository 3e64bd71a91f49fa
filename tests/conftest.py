# SPDX-License-Identifier: GPL-2.0
"""Shared pytest fixtures: the repository root, cached real kernel trees and
cheap clones of them.

Real trees come from Debian's linux-source-* packages, unpacked once into
$MOVOPS_CACHE/src (default ~/.cache/movops/src) and baselined as a git
commit by scripts/prepare-tree.sh.  Tests never touch that cached tree; they
work on clones that share its objects.
"""
import json
import os
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest

from movops.tree import Tree
from verifier import content, golden

REPO = Path(__file__).resolve().parents[1]
SCRIPTS = REPO / "scripts"


def run(cmd, cwd=None, check=True, env=None, timeout=None, input=None):
    """Run a command, capture text output, fail loudly with both streams."""
    res = subprocess.run(cmd, cwd=cwd, env=env, text=True, input=input,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         timeout=timeout)
    if check and res.returncode != 0:
        raise AssertionError(
            f"{' '.join(map(str, cmd))} exited {res.returncode}\n"
            f"--- stdout\n{res.stdout}\n--- stderr\n{res.stderr}")
    return res


_trees = {}


def kernel_tree(version):
    """Path of the cached, baselined Debian linux-source-VERSION tree."""
    if version not in _trees:
        res = run([str(SCRIPTS / "prepare-tree.sh"), "-q", "--pinned", version])
        # The one line saying that the pinned version could not be
        # downloaded (and the installed one is used) reaches pytest's
        # warnings summary instead of vanishing with the captured stderr.
        for line in res.stderr.splitlines():
            if line.startswith("prepare-tree: "):
                warnings.warn(line)
        _trees[version] = Path(res.stdout.strip().splitlines()[-1])
    return _trees[version]


def clone_tree(version, dest, sparse=None):
    """Clone the cached tree to DEST, sharing its objects.

    With SPARSE (a list of directories), only those are checked out: much
    faster than the ~14 s of a full checkout, for tests that only need git
    history and a few files on disk.
    """
    src = kernel_tree(version)
    dest = Path(dest)
    if sparse:
        run(["git", "clone", "-q", "--shared", "--no-checkout", str(src), str(dest)])
        run(["git", "sparse-checkout", "set", "--cone", *sparse], cwd=dest)
        run(["git", "checkout", "-q"], cwd=dest)
    else:
        run(["git", "clone", "-q", "--shared", str(src), str(dest)])
    return identify(dest)


def identify(dest):
    """Give the repository DEST the tests' git identity; returns DEST."""
    run(["git", "config", "user.name", "Movops Tester"], cwd=dest)
    run(["git", "config", "user.email", "tester@example.org"], cwd=dest)
    return dest


def debian_config(flavour):
    """Path of Debian's FLAVOUR kernel configuration (e.g. cloud-amd64) from
    the pinned linux-config-6.12, decompressed (scripts/debian-config.sh)."""
    out = run([str(SCRIPTS / "debian-config.sh"), "--pinned", flavour]).stdout
    return Path(out.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def repo():
    return REPO


@pytest.fixture(scope="session")
def series612(tmp_path_factory):
    """A full clone of the cached 6.12 tree with the series (drop-z3fold)
    on branch movable-ops and its patches; shared by the real-tree modules
    that only read it or leave it as they found it (checked out at master,
    clean)."""
    import time
    work = tmp_path_factory.mktemp("series612")
    kdir = clone_tree("6.12", work / "linux")
    head = run(["git", "-C", str(kdir), "rev-parse", "HEAD"]).stdout.strip()
    t = time.monotonic()
    res = run([str(SCRIPTS / "apply-series.sh"), "--prereq", "drop-z3fold", "--output",
               str(work / "patches"), str(kdir)], check=False)
    return {"kdir": kdir, "out": work / "patches", "res": res, "base": head,
            "seconds": time.monotonic() - t}


# -- the one verified series of each tree ---------------------------------------

VERIFY = SCRIPTS / "verify.py"
PY = "/usr/bin/python3"


def verify(kdir, *args, build_dir=None, env=None, json_path=None):
    """Run scripts/verify.py; (exit status, JSON report or None, output)."""
    json_path = json_path or Path(build_dir or kdir).parent / "verify-report.json"
    if Path(json_path).exists():
        Path(json_path).unlink()
    cmd = [PY, str(VERIFY), "-q", "--json", str(json_path)]
    if build_dir:
        cmd += ["--build-dir", str(build_dir)]
    cmd += [*map(str, args), str(kdir)]
    e = dict(os.environ)
    e.update(env or {})
    res = run(cmd, check=False, env=e)
    data = json.loads(Path(json_path).read_text()) if Path(json_path).exists() else None
    return res.returncode, data, res.stdout + res.stderr


class VerifiedSeries:
    """A clone of the cached tree with the good series on 'movable-ops', the
    verify cache directory shared by the tests, and the first report: the
    tests that break the series in one way each verify a branch of their
    own in the same directory, which builds only their own commits."""

    def __init__(self, kdir, root, base):
        self.kdir = kdir
        self.root = root
        self.base = base
        self.branch = "movable-ops"

    def variant(self, name, start=None):
        """A new branch NAME at START (default: the good series' tip)."""
        run(["git", "checkout", "-q", "-b", name, start or self.branch], cwd=self.kdir)
        return self.kdir

    def verify(self, branch, *args, env=None):
        return verify(self.kdir, "--branch", branch, "--base", self.base, *args,
                      build_dir=self.root, env=env,
                      json_path=self.root.parent / f"report-{branch}.json")

    def line_of(self, rel, text):
        lines = (Path(self.kdir) / rel).read_text().split("\n")
        return next(i for i, l in enumerate(lines, 1) if text in l)


@pytest.fixture(scope="session")
def verified612(tmp_path_factory, series612):
    """The 6.12 series (drop-z3fold) verified once for the session, with
    Debian's cloud-amd64 configuration added (zsmalloc a module: the
    configuration upstream's static dispatch broke) and every build target
    (verify's default): the real-tree tests of verify, of its rows and of
    the engine share it.

    The series is series612's, the one apply-series.sh run of the session
    on the full 6.12 tree, cloned with its branch: the tests here add
    branches of their own, which series612's readers must not see."""
    assert series612["res"].returncode == 0, series612["res"].stderr
    work = tmp_path_factory.mktemp("verify")
    kdir = work / "linux"
    run(["git", "clone", "-q", "--shared", str(series612["kdir"]), str(kdir)])
    run(["git", "branch", "-q", "--no-track", "movable-ops", "origin/movable-ops"], cwd=kdir)
    identify(kdir)
    base = run(["git", "-C", str(kdir), "rev-parse", "HEAD"]).stdout.strip()
    assert base == series612["base"]
    root = Path(os.environ.get("MOVOPS_VERIFY_TEST_ROOT") or work / "verify-root")
    g = VerifiedSeries(kdir, root, base)
    g.patch_dir = series612["out"]
    g.cloud = debian_config("cloud-amd64")
    g.first = g.verify("movable-ops", "--config", g.cloud)
    yield g
    # The clone, the verify worktree and the build directories take some
    # GB; the reports (work/report-*.json) stay for reading.
    if not os.environ.get("MOVOPS_VERIFY_TEST_ROOT"):
        shutil.rmtree(root, ignore_errors=True)
    shutil.rmtree(kdir, ignore_errors=True)


# -- goldens ---------------------------------------------------------------------
#
# The real-tree tests compare what they make with expected/ the way
# verify.py does (scripts/verifier/golden.py): on the golden's own tree,
# byte for byte and by content; on another point release of the same line
# (the pinned package could not be downloaded, and the installed one is
# newer), by content only.  The golden's version with other files is a tree
# the golden does not describe.  A golden that cannot be compared at all is
# a skip with its reason, and a failure under CI=true.

def golden_unavailable(reason):
    if golden.strict():
        pytest.fail(f"{reason} (CI=true: a golden that cannot be compared fails)",
                    pytrace=False)
    pytest.skip(reason)


def golden_entry(name, kdir):
    """(directory, tree.json, relation) of expected/NAME for KDIR's HEAD."""
    d = golden.expected_dir() / name
    tj = d / "tree.json"
    if not tj.is_file():
        golden_unavailable(f"{tj} missing: regenerate with 'make expected' and review")
    meta = json.loads(tj.read_text())
    rel, why = golden.relation(meta, Tree(kdir, "HEAD"))
    # A golden judges only the trees it describes: its own, or another point
    # release of its line.  The golden's version with other files (a tree
    # changed by hand) is not one of them.
    if rel not in (golden.SAME_BASE, golden.SAME_LINE):
        golden_unavailable(f"expected/{name} does not describe this tree: {why}; "
                           "regenerate with 'make expected' and review")
    return d, meta, rel


def series_golden_differences(d, out):
    """Text of the content differences between the series in OUT (what
    apply-series.sh --output wrote) and the golden in D; '' if none."""
    diffs = content.compare(golden.content_of(golden.golden_patches(d)),
                            golden.content_of(golden.golden_patches(out)))
    cover = content.compare_reports((d / "0000-cover-letter.patch").read_text(),
                                    (Path(out) / "0000-cover-letter.patch").read_text(),
                                    "cover letter")
    parts = [content.summary(diffs)] if diffs else []
    parts += [content.render(x) for x in diffs] + ([cover] if cover else [])
    return "\n".join(parts)


def assert_series_equals_golden(name, kdir, out):
    """The series apply-series.sh wrote into OUT, made on KDIR's HEAD,
    against expected/NAME; returns the relation (golden.SAME_BASE or
    golden.SAME_LINE)."""
    d, meta, rel = golden_entry(name, kdir)
    differences = series_golden_differences(d, out)
    assert not differences, f"expected/{name} ({rel}):\n{differences}"
    if rel == golden.SAME_BASE:
        got = sorted(p.name for p in Path(out).glob("*.patch"))
        assert got == sorted(p.name for p in d.glob("*.patch"))
        for p in got:
            assert (Path(out) / p).read_bytes() == (d / p).read_bytes(), p
    return rel


def assert_report_equals_golden(name, kdir, text):
    """A blocker report (analysis.txt) against expected/NAME: exact on the
    golden's tree; elsewhere with versions, bases and line numbers
    abstracted (content.report_lines)."""
    d, meta, rel = golden_entry(name, kdir)
    text = text.replace(str(kdir), "<KDIR>")
    want = (d / "analysis.txt").read_text()
    if rel == golden.SAME_BASE:
        assert text == want
    else:
        differences = content.compare_reports(want, text, "analysis.txt")
        assert not differences, f"expected/{name} ({rel}):\n{differences}"
    return rel


def change_one_added_line(entry):
    """Change one added line of the golden series in the expected/ entry
    directory ENTRY (a copy): the first added code line of its last patch
    that occurs once in that file, so that exactly one hunk changes
    whatever the series' commits are.  Returns (path of the file the hunk
    is in, the line as it was, the line as it is now), '+' included."""
    patch = golden.golden_patches(entry)[-1]
    text = patch.read_text()
    commit = content.parse_patch(text)
    for f in commit.files:
        for h in f.hunks:
            for line in h.lines:
                if line.startswith("+") and len(line.strip()) > 3 and \
                        text.count(line + "\n") == 1:
                    changed = line + " /* changed */"
                    patch.write_text(text.replace(line + "\n", changed + "\n"))
                    return f.path, line, changed
    raise AssertionError(f"{patch}: no added line to change")
