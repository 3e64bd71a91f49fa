# SPDX-License-Identifier: GPL-2.0
"""The fixture trees under tests/fixtures/ are real C: every tree (before/
and after/) of every case compiles with gcc and passes sparse without a
single diagnostic, in every configuration its case.json names.

A configuration compiles what Kbuild would build with it: a .c file whose
obj-$(CONFIG_X) line (in its directory's Makefile, or in a parent's line
that descends into the directory) names an option the configuration lacks
is left out, as the kernel would leave it out.  That is what lets a
fixture's mm/migrate.c define what include/linux/migrate.h stubs out for
!CONFIG_MIGRATION, as the kernel does.

An option X=m is written CONFIG_X_MODULE in a configuration, as the
kernel's autoconf.h has it: CONFIG_X is then not defined, and the .c files
its obj-$(CONFIG_X) line builds are compiled as modules are, in a command
of their own with -DMODULE.

One test per case x tree x configuration x tool.  The compilations of a
case run in parallel when its first test runs; the tests report them.  See
tests/fixtures/README.md.
"""
import json
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TREES = ("before", "after")

GCC = ["gcc", "-std=gnu11", "-fsyntax-only", "-nostdinc"]
SPARSE = ["sparse", "-nostdinc"]
SPARSE_FLAGS = ["-D__linux__", "-Dlinux", "-D__STDC__", "-Dunix", "-D__unix__",
                "-Wbitwise", "-Wno-return-void", "-Wno-unknown-attribute"]
TOOLS = ("gcc", "sparse")


def cases():
    return sorted(p.parent.name for p in FIXTURES.glob("*/case.json"))


def case_json(case):
    return json.loads((FIXTURES / case / "case.json").read_text())


# -- which .c files a configuration builds ------------------------------------

OBJ_RE = re.compile(r"^\s*obj-(\$\(CONFIG_(\w+)\)|y)\s*[:+]?=(.*)$", re.M)


def _makefile_text(tree, directory):
    text = ""
    for name in ("Makefile", "Kbuild"):
        path = tree / directory / name
        if path.is_file():
            text += path.read_text().replace("\\\n", " ") + "\n"
    return text


def _obj_line(tree, directory, target):
    """None when no obj- line names TARGET, else the option it needs ('' for obj-y)."""
    for m in OBJ_RE.finditer(_makefile_text(tree, directory)):
        if target in m.group(3).split():
            return "CONFIG_" + m.group(2) if m.group(2) else ""
    return None


def build_options(tree, rel):
    """Options the obj- lines require for REL (a .c file) to be built, or
    None when some directory on the way has no obj- line for it."""
    rel = Path(rel)
    need = []
    directory, target = rel.parent, rel.with_suffix(".o").name
    while True:
        opt = _obj_line(tree, directory, target)
        if opt is None:
            return None
        if opt:
            need.append(opt)
        if str(directory) in ("", "."):
            return need
        directory, target = directory.parent, directory.name + "/"


def c_files(tree):
    return sorted(str(p.relative_to(tree)) for p in tree.rglob("*.c"))


MODULE_SUFFIX = "_MODULE"


def option_name(opt):
    """CONFIG_X of CONFIG_X_MODULE (X=m), else OPT."""
    return opt[:-len(MODULE_SUFFIX)] if opt.endswith(MODULE_SUFFIX) else opt


def _built(tree, options):
    """{rel: True if built as a module} of the .c files OPTIONS build."""
    out = {}
    for rel in c_files(tree):
        need = build_options(tree, rel)
        if need is None:
            continue
        if all(o in options or o + MODULE_SUFFIX in options for o in need):
            out[rel] = any(o not in options for o in need)
    return out


def built_files(tree, options):
    return sorted(_built(tree, options))


def compile_commands(tree, options, autoconf, tool):
    """The commands that check what OPTIONS build in TREE: the built-in
    files in one, the modules (-DMODULE) in another."""
    built = _built(tree, options)
    include = ["-I", str(tree / "include"), "-include", str(autoconf)]
    base = GCC + include if tool == "gcc" else SPARSE + include + SPARSE_FLAGS
    cmds = []
    for module in (False, True):
        files = sorted(f for f, m in built.items() if m == module)
        if files:
            cmds.append(base + (["-DMODULE"] if module else []) + files)
    return cmds


def write_autoconf(path, options):
    path.write_text("".join(f"#define {o} 1\n" for o in options))
    return path


# -- running the tools ---------------------------------------------------------

def _run(case, tree_name, config, tool, autoconf_dir):
    tree = FIXTURES / case / tree_name
    options = case_json(case)["configs"][config]
    autoconf = write_autoconf(Path(autoconf_dir) / f"{tree_name}-{config}-{tool}.h",
                              options)
    cmds = compile_commands(tree, set(options), autoconf, tool)
    if not cmds:
        return None, f"configuration {config} builds no .c file of {tree}"
    results = [subprocess.run(cmd, cwd=tree, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for cmd in cmds]
    res = subprocess.CompletedProcess(
        cmds, max(r.returncode for r in results), "".join(r.stdout for r in results))
    return res, "\n$ ".join(" ".join(cmd) for cmd in cmds)


_results = {}


def _params(case):
    try:
        configs = case_json(case).get("configs", {})
    except (OSError, ValueError):
        return []       # test_case_json reports it
    return [(case, tree_name, config, tool)
            for config in configs for tree_name in TREES for tool in TOOLS]


def _all_params():
    return [p for case in cases() for p in _params(case)]


def result(case, tree_name, config, tool):
    """Run all compilations of CASE at once, in parallel, on first use."""
    if not any(p[0] == case for p in _results):
        tmp = tempfile.mkdtemp(prefix="movops-autoconf-")
        todo = [p for p in _params(case) if shutil.which(p[3])]
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            futures = {p: pool.submit(_run, *p, tmp) for p in todo}
        for p, fut in futures.items():
            _results[p] = fut.result()
        shutil.rmtree(tmp, ignore_errors=True)
    return _results[(case, tree_name, config, tool)]


@pytest.mark.parametrize("case,tree_name,config,tool", _all_params(),
                         ids=["-".join(p) for p in _all_params()])
def test_tree_compiles_clean(case, tree_name, config, tool):
    if not shutil.which(tool):
        pytest.skip(f"{tool} is not installed")
    res, cmd = result(case, tree_name, config, tool)
    if res is None:
        pytest.fail(cmd, pytrace=False)
    out = res.stdout.strip()
    if res.returncode != 0 or out:
        pytest.fail(f"{tool} on {case}/{tree_name} with configuration {config} "
                    f"(exit {res.returncode}):\n$ {cmd}\n{out}", pytrace=False)


# -- the fixture format itself ---------------------------------------------------

@pytest.mark.parametrize("case", cases())
def test_case_json(case):
    data = case_json(case)
    assert set(data) == {"description", "args", "exit", "output_contains", "configs"}, \
        f"{case}/case.json keys: {sorted(data)}"
    assert isinstance(data["description"], str) and data["description"]
    assert isinstance(data["args"], list) and all(isinstance(a, str) for a in data["args"])
    assert data["exit"] in (0, 1)
    assert isinstance(data["output_contains"], list)
    assert all(isinstance(s, str) and s for s in data["output_contains"])
    configs = data["configs"]
    assert isinstance(configs, dict) and len(configs) >= 2
    tristate = tristate_options(FIXTURES / case / "before")
    for name, opts in configs.items():
        assert opts and all(re.fullmatch(r"CONFIG_\w+", o) for o in opts), name
        for o in opts:
            if o.endswith(MODULE_SUFFIX):
                assert option_name(o) in tristate, \
                    f"{case}: {name}: {o}, but {option_name(o)} is not a tristate option"
                assert option_name(o) not in opts, f"{case}: {name}: {o} and {option_name(o)}"
    assert any("CONFIG_COMPACTION" not in opts for opts in configs.values()), \
        f"{case}: no configuration with CONFIG_COMPACTION off"
    # X=m and X=y are the same option set two ways.
    union = {option_name(o) for opts in configs.values() for o in opts}
    assert any({option_name(o) for o in opts} == union for opts in configs.values()), \
        f"{case}: no configuration sets every option the others use"


def tristate_options(tree):
    """CONFIG_X of every 'config X' entry of type tristate in TREE's Kconfig files."""
    out = set()
    for path in tree.rglob("Kconfig*"):
        for m in re.finditer(r"^config (\w+)\n((?:[ \t]+.*\n|\n)*)", path.read_text(), re.M):
            if re.search(r"^\s+(tristate|def_tristate)\b", m.group(2), re.M):
                out.add("CONFIG_" + m.group(1))
    return out


def _tree_files(tree):
    return {str(p.relative_to(tree)): p.read_bytes()
            for p in sorted(tree.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", cases())
def test_trees(case):
    data = case_json(case)
    before, after = FIXTURES / case / "before", FIXTURES / case / "after"
    for tree in (before, after):
        text = (tree / "Makefile").read_text()
        for key in ("VERSION", "PATCHLEVEL", "SUBLEVEL", "EXTRAVERSION", "NAME"):
            assert re.search(rf"^{key} =", text, re.M), f"{tree}/Makefile: no {key}"
        assert (tree / "Kconfig").is_file() and (tree / "mm" / "Makefile").is_file()
        for rel in c_files(tree):
            assert build_options(tree, rel) is not None, \
                f"{tree}: no obj- line builds {rel}"
    if data["exit"] != 0:
        assert _tree_files(before) == _tree_files(after), \
            f"{case}: the series must refuse, so after/ must equal before/"
