# SPDX-License-Identifier: GPL-2.0
"""Check "checkpatch": the tree's own scripts/checkpatch.pl on every patch
of 'git format-patch base..branch', with the materialised tree as --root.
ERRORs fail the check; WARNINGs and CHECKs are listed.

A patch's findings are stored under its text and the content of the files
checkpatch takes its rules from (INPUTS, at the tip), so a series that
shares patches with one verified before only has its new patches checked.
"""
import re
from pathlib import Path

from core.proc import BACKGROUND, c_env, run

from kbuildengine.store import sha256_text

HEAD_RE = re.compile(r"^(ERROR|WARNING|CHECK):(?:([A-Z0-9_]+):)?\s*(.*)$")
WHERE_RE = re.compile(r"^#(\d+): FILE: (\S+?):(\d+):")
WHERE_PATCH_RE = re.compile(r"^#(\d+):")


def parse(output, patch_name):
    """[{level, type, msg, where}] from checkpatch's default output."""
    out = []
    cur = None
    for line in output.splitlines():
        m = HEAD_RE.match(line)
        if m:
            cur = {"level": m.group(1), "type": m.group(2) or "", "msg": m.group(3).strip(),
                   "where": patch_name}
            out.append(cur)
            continue
        if cur is not None and cur["where"] == patch_name:
            w = WHERE_RE.match(line)
            if w:
                cur["where"] = f"{patch_name} ({w.group(2)}:{w.group(3)})"
                continue
            w = WHERE_PATCH_RE.match(line)
            if w:
                cur["where"] = f"{patch_name}:{w.group(1)}"
        if not line.strip():
            cur = None
    return out


def run_many(root, patches):
    """{patch name: (output, exit status)} of checkpatch.pl on PATCHES,
    one perl for all of them: its start (compiling the script, reading
    the spelling list) costs as much as checking a small patch.  With
    several files it heads each one's output with its name between two
    rulers; the exit status is then the whole run's."""
    script = Path(root) / "scripts" / "checkpatch.pl"
    paths = [str(p) for p in patches]
    res = run([*BACKGROUND, "perl", script, f"--root={root}", "--show-types", "--color=never",
               "--no-summary", *paths], cwd=root, env=c_env())
    out = res.stdout + res.stderr
    if len(paths) == 1:
        return {Path(paths[0]).name: (out, res.returncode)}
    return {Path(p).name: (text, res.returncode or (0 if found else 1))
            for p, (text, found) in split_output(out, paths).items()}


def split_output(out, paths):
    """{path: (its part of OUT, whether its heading was found)} of the
    output of checkpatch.pl on several PATHS; a path whose heading is
    missing (perl stopped before it) gets the whole output."""
    lines = out.split("\n")

    def heading(i):
        return (lines[i] in paths and 0 < i < len(lines) - 1
                and lines[i - 1] == lines[i + 1] == "-" * len(lines[i]))
    segments, cur = {}, None
    i = 0
    while i < len(lines):
        if heading(i):
            cur = lines[i]
            segments[cur] = []
            i += 2
        elif cur is not None and not (i + 1 < len(lines) and heading(i + 1)):
            segments[cur].append(lines[i])
            i += 1
        else:
            i += 1
    return {p: ("\n".join(segments[p]), True) if p in segments else (out, False)
            for p in paths}


# What checkpatch.pl reads besides the patch: its rules and word lists, and
# the maintainer data it asks get_maintainer.pl about.
INPUTS = ("scripts/checkpatch.pl", "scripts/spelling.txt", "scripts/const_structs.checkpatch",
          "scripts/get_maintainer.pl", "scripts/spdxcheck.py", "MAINTAINERS")


COMPAT_C_RE = re.compile(r"^\+.*\.compatible\s*=\s*\"")
COMPAT_DT_RE = re.compile(r"^\+\s*compatible\s*=\s*\"")
ABS_RE = re.compile(r"(?:^|\s)(/\S*)")


def tree_paths(patch_texts, tree_files):
    """Sparse-checkout patterns for the files of the tree, beyond INPUTS
    and include/, that checkpatch.pl may look at for these patches: any
    file named by a suffix of an absolute path in a commit message (it
    warns about kernel paths there; TREE_FILES are the tree's files) and,
    when a patch adds a DT compatible string, the bindings it greps."""
    out = set()
    for text in patch_texts:
        in_log, realfile = True, ""
        for line in text.splitlines():
            # (The diffstat counts as log here: a superset does no harm.)
            if in_log and line.startswith("diff --git "):
                in_log = False
            if in_log:
                for m in ABS_RE.finditer(line):
                    for f in {m.group(1), re.sub(r"(?::\d+)+:?$", "", m.group(1))}:
                        while True:
                            f2 = re.sub(r"^[^/]*/", "", f, count=1)
                            if f2 == f:
                                break
                            f = f2
                            if f in tree_files and not re.search(r"[*?\[\\!]", f):
                                out.add("/" + f)
                continue
            if line.startswith("+++ "):
                realfile = line[6:] if line.startswith("+++ b/") else ""
            elif (realfile.endswith((".c", ".h")) and COMPAT_C_RE.match(line)) or \
                    (realfile.endswith((".dts", ".dtsi")) and COMPAT_DT_RE.match(line)):
                out.add("/Documentation/devicetree/bindings/")
    return sorted(out)


def check(root, patches, store=None, inputs_key=""):
    """{patch name: [finding]} for every patch file in PATCHES."""
    script = Path(root) / "scripts" / "checkpatch.pl"
    if not script.exists():
        return None, f"{script} missing in the tree"

    results, todo = {}, {}
    for p in patches:
        text = Path(p).read_text(errors="surrogateescape")
        key = {"patch": sha256_text(text), "inputs": inputs_key}
        got = store.get("checkpatch", key) if store is not None else None
        if got is not None:
            results[Path(p).name] = got
        else:
            todo[p] = key
    ran = run_many(root, list(todo)) if todo else {}
    for p, key in todo.items():
        out, rc = ran[Path(p).name]
        found = parse(out, Path(p).name)
        # The exit status of several patches is the run's: a patch with
        # nothing found that checkpatch did not call clean failed.
        if rc != 0 and not found and "has no obvious style problems" not in out:
            found.append({"level": "ERROR", "type": "CHECKPATCH_FAILED",
                          "msg": f"checkpatch.pl exited {rc}: {out.strip()[-300:]}",
                          "where": Path(p).name})
        if store is not None:
            store.put("checkpatch", key, found)
        results[Path(p).name] = found
    return results, ""
