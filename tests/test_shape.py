# SPDX-License-Identifier: GPL-2.0
"""The shape limits the team keeps the code within (issue 24): no module of
scripts/ over 700 lines, no class with more than 20 methods.  A newcomer
reads a pass or a check on one screen, not a class of forty methods; a
module that outgrows the limit is split where its parts are ideas of
their own.  (No two packages importing each other: test_engine.py.)"""
import ast

from conftest import SCRIPTS

MAX_LINES = 700
MAX_METHODS = 20


def _modules():
    return sorted(p for p in SCRIPTS.rglob("*.py") if "__pycache__" not in p.parts)


def test_no_module_over_the_line_limit():
    over = {str(p.relative_to(SCRIPTS)): n for p in _modules()
            for n in [len(p.read_text().splitlines())] if n > MAX_LINES}
    assert over == {}, f"modules over {MAX_LINES} lines: {over}"


def test_no_class_over_the_method_limit():
    over = {}
    for p in _modules():
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, ast.ClassDef):
                n = sum(isinstance(x, (ast.FunctionDef, ast.AsyncFunctionDef))
                        for x in node.body)
                if n > MAX_METHODS:
                    over[f"{p.relative_to(SCRIPTS)}:{node.name}"] = n
    assert over == {}, f"classes over {MAX_METHODS} methods: {over}"


def test_the_limits_see_what_they_limit():
    # The walk finds the packages' modules and their classes: a limit
    # that looked at nothing would pass forever.
    mods = _modules()
    assert any(p.parent.name == "movops" for p in mods)
    assert any(p.parent.name == "checks" for p in mods)
    assert sum(isinstance(n, ast.ClassDef) for p in mods
               for n in ast.walk(ast.parse(p.read_text()))) > 20
