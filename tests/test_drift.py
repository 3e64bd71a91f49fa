# SPDX-License-Identifier: GPL-2.0
"""scripts/drift.py without the network: its bad input, the order of
Debian versions, the report's rows and its exit status.  The drift run
itself (every point release of 6.12) is 'make drift', a report for
maintainers, not part of the tests."""
import importlib.util

from conftest import SCRIPTS, run

from verifier import content

spec = importlib.util.spec_from_file_location("drift", SCRIPTS / "drift.py")
drift = importlib.util.module_from_spec(spec)
spec.loader.exec_module(drift)

DRIFT = SCRIPTS / "drift.py"


def test_bad_input_is_one_line_and_exit_2():
    res = run(["/usr/bin/python3", str(DRIFT), "--entry", "nope"], check=False)
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0 and "give --entry" in res.stderr
    res = run(["/usr/bin/python3", str(DRIFT), "--entry", "mainline-fixture"], check=False)
    assert res.returncode == 2 and "not a Debian package" in res.stderr


def test_debian_version_order():
    got = drift.debian_sort(["6.12.117-1~deb12u1", "6.12.107-1~deb12u1",
                             "6.12.115-2~deb12u1", "6.12.115-1~deb12u1", "6.12.9-1"])
    assert got == ["6.12.9-1", "6.12.107-1~deb12u1", "6.12.115-1~deb12u1",
                   "6.12.115-2~deb12u1", "6.12.117-1~deb12u1"]


def _release(version, **kw):
    r = {"version": version, "linux": version.split("-")[0], "fetched": True,
         "fetch_error": "", "files_changed": [], "applied": True, "exit": 0, "error": "",
         "commits": 4, "relation": "same line", "content_equal": True, "bytes_equal": None,
         "differences": [], "cover_letter": "", "seconds": {"series": 60.0}, "_diffs": []}
    r.update(kw)
    return r


def test_report_rows_and_exit_status():
    hunk = content.Difference(3, "mm: look up movable_ops", "hunk", "mm/migrate.c",
                              " @@ f()\n-+\tif (a)\n++\tif (b)")
    rep = {"entry": "6.12-drop-z3fold", "line": "6.12", "golden_version": "6.12.117",
           "prereqs": ["drop-z3fold"], "files": ["mm/migrate.c", "mm/zsmalloc.c"],
           "pinned": "6.12.117-1~deb12u1", "pinned_linux": "6.12.117",
           "installed": "6.12.118-1~deb12u1", "total_s": 100.0}
    results = [
        _release("6.12.107-1~deb12u1", files_changed=["mm/migrate.c"],
                 content_equal=False, _diffs=[hunk]),
        _release("6.12.117-1~deb12u1", relation="same base", bytes_equal=True),
        _release("6.12.118-1~deb12u1", applied=False, exit=1,
                 error="--prereq drop-z3fold does not fit this tree"),
        _release("6.12.119-1~deb12u1", fetched=False, fetch_error="cannot be downloaded"),
    ]
    text = drift.report_text(rep, results)
    rows = {l.split()[0]: l for l in text.splitlines() if l.startswith("6.12.1") and "  " in l}
    assert "1/2" in rows["6.12.107-1~deb12u1"]
    assert "DIFFERS: 1 hunk differs (patch 3)" in rows["6.12.107-1~deb12u1"]
    assert "(pinned)" in rows["6.12.117-1~deb12u1"]
    assert "equal, bytes too" in rows["6.12.117-1~deb12u1"]
    assert "NO (exit 1)" in rows["6.12.118-1~deb12u1"]
    assert "cannot be fetched" in rows["6.12.119-1~deb12u1"]
    assert "++\tif (b)" in text and "does not fit this tree" in text
    assert drift.exit_status(results) == 1
    assert drift.exit_status(results[1:2]) == 0
    assert drift.exit_status(results[1:2] + results[3:]) == 3
