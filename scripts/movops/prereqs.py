# SPDX-License-Identifier: GPL-2.0
"""Prerequisites a stable tree may need before the rework is sound.

Each one changes files as text (Kconfig, Makefiles and documentation are
not C, so they are not Coccinelle's) and becomes the first commit(s) of the
series.  They run only when asked for with --prereq NAME.
"""
import re
from pathlib import PurePosixPath

ENTRY_RE = re.compile(r"^(menuconfig|config|choice|endchoice|comment|menu|endmenu|if|endif|source)\b")


class Prereq:
    name = None
    subject = None
    body = None

    def apply(self, tree):
        """({rel: new text}, [deleted rel], [notes]) for TREE."""
        raise NotImplementedError


def _kconfig_drop(text, dead):
    """Remove the entries of the symbols in DEAD and the lines that name
    them from a Kconfig file; returns the new text."""
    lines = text.splitlines(keepends=True)
    out = []
    i = 0
    while i < len(lines):
        m = re.match(r"(menuconfig|config)\s+(\w+)\s*$", lines[i])
        if m and m.group(2) in dead:
            j = i + 1
            while j < len(lines) and not ENTRY_RE.match(lines[j]):
                j += 1
            i = j
            continue
        line = lines[i]
        stripped = line.strip()
        names = set(re.findall(r"\b[A-Z0-9_]+\b", stripped))
        if names & dead and re.match(r"(default|select|imply|depends on)\b", stripped):
            i += 1
            continue
        out.append(line)
        i += 1
    return "".join(out)


class DropZ3fold(Prereq):
    name = "drop-z3fold"
    subject = "mm: remove z3fold"
    body = (
        "z3fold marks its pages movable but gives them no page type, so a\n"
        "dispatch of movable_ops by page type cannot serve it.  It was\n"
        "deprecated in v6.12 and has since been removed upstream (v6.15);\n"
        "remove it here the same way, so that the movable_ops rework can\n"
        "follow: its source, its Kconfig options and every reference to them,\n"
        "its Makefile line, its documentation and its MAINTAINERS entry.\n"
        "\n"
        "zsmalloc is the allocator to use instead; users of zswap's\n"
        "'zpool=z3fold' fall back to the default allocator.")

    def apply(self, tree):
        if not tree.exists("mm/z3fold.c"):
            return {}, [], ["mm/z3fold.c does not exist: nothing to remove"]
        mentions = tree.grep(r"(?i)z3fold")
        changes, deleted, notes = {}, [], []
        dead = set()
        for f in mentions:
            if "Kconfig" in PurePosixPath(f).name:
                dead |= {m.group(2) for m in re.finditer(
                    r"^(menuconfig|config)\s+(\w*Z3FOLD\w*)\s*$", tree.read(f), re.M)}
        for f in mentions:
            p = PurePosixPath(f)
            text = tree.read(f)
            if p.name.startswith("z3fold."):
                deleted.append(f)
                continue
            if "Kconfig" in p.name:
                new = _kconfig_drop(text, dead)
            elif p.name in ("Makefile", "Kbuild"):
                new = "".join(l for l in text.splitlines(keepends=True)
                              if not re.search(r"\bz3fold\.o\b", l))
            elif p.suffix == ".rst":
                # toctree entries naming the removed document
                new = "".join(l for l in text.splitlines(keepends=True)
                              if l.strip() != "z3fold")
            elif f == "MAINTAINERS":
                new = re.sub(r"^Z3FOLD[^\n]*\n(?:[A-Z]:[^\n]*\n)*\n", "", text, flags=re.M)
            else:
                new = text
            if re.search(r"(?i)z3fold", new):
                notes.append(f"{f} still mentions z3fold; review it")
            if new != text:
                changes[f] = new
        return changes, sorted(deleted), notes


PREREQS = {p.name: p for p in (DropZ3fold(),)}
