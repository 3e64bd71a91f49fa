# SPDX-License-Identifier: GPL-2.0
"""tests/layers.sh, make check's layer runner: the fast layer first and
alone, the real-tree and runtime layers side by side, a time line per
layer, and an exit status that fails if any layer failed.

The layers' pytest command is a small shell script here that answers
for each layer as told, so that the runner's own logic is what is tested."""
import subprocess

from conftest import REPO

LAYERS = REPO / "tests" / "layers.sh"


def fake_pytest(tmp_path, fail=()):
    """A PYTEST command that logs each layer it is asked for and fails the
    layers named in FAIL (fast, realtree, runtime)."""
    log = tmp_path / "calls"
    script = tmp_path / "fake-pytest"
    cases = "\n".join(
        f'*"{sel}"*) echo {name} >>"{log}"; exit {1 if name in fail else 0};;'
        for name, sel in (("fast", "not realtree"), ("realtree", "-m realtree"),
                          ("runtime", "-m runtime")))
    script.write_text(f'#!/bin/sh\ncase "$*" in\n{cases}\nesac\nexit 9\n')
    script.chmod(0o755)
    return script, log


def run_layers(cmd):
    return subprocess.run([str(LAYERS), str(cmd)], capture_output=True, text=True, timeout=60)


def test_every_layer_runs_and_is_timed(tmp_path):
    cmd, log = fake_pytest(tmp_path)
    res = run_layers(cmd)
    assert res.returncode == 0, res.stdout + res.stderr
    assert log.read_text().split()[0] == "fast"
    assert sorted(log.read_text().split()) == ["fast", "realtree", "runtime"]
    for name in ("fast", "realtree", "runtime"):
        assert f"layer {name}: " in res.stdout
    assert "runtime| make check: layer runtime: " in res.stdout
    assert "real-tree and runtime layers side by side: " in res.stdout


def test_a_failed_heavy_layer_fails_the_run_after_both_ran(tmp_path):
    for failing in ("realtree", "runtime"):
        cmd, log = fake_pytest(tmp_path, fail=(failing,))
        log.unlink(missing_ok=True)
        res = run_layers(cmd)
        assert res.returncode == 1, (failing, res.stdout)
        assert sorted(log.read_text().split()) == ["fast", "realtree", "runtime"]
        assert f"layer {failing}: " in res.stdout and ", exit 1" in res.stdout


def test_a_failed_fast_layer_stops_before_the_real_trees(tmp_path):
    cmd, log = fake_pytest(tmp_path, fail=("fast",))
    res = run_layers(cmd)
    assert res.returncode == 1
    assert log.read_text().split() == ["fast"]
    assert "layer fast: " in res.stdout and "realtree" not in res.stdout


def test_usage():
    res = subprocess.run([str(LAYERS)], capture_output=True, text=True)
    assert res.returncode == 2 and res.stderr.startswith("usage: tests/layers.sh")
    res = subprocess.run([str(LAYERS), "--help"], capture_output=True, text=True)
    assert res.returncode == 0 and "Exit status" in res.stdout
