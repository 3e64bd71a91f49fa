# SPDX-License-Identifier: GPL-2.0
"""Can a Kconfig change leave a configuration as it is?  Decided from the
diff, without kconfig.

Running 'make syncconfig' to find out costs a second of CPU per
configuration, most of it the compiler probes of scripts/Kconfig.include.
A commit that removes a driver removes its options; when every one of
them is off, the configuration cannot change, and that much can be read
from the diff.  What is accepted, each line of the diff on its own:

  - blank and comment lines, added or removed;
  - a whole 'config'/'menuconfig' entry removed, help text and all, when
    its option is off (absent from auto.conf) and no Kconfig file of the
    new commit names it any more (REFERENCED): an option that is off
    selects nothing, and nothing that named it remains to read its value;
    as a choice member it was not the one chosen, and .config names the
    chosen one;
  - a line of an entry's help text;
  - a 'default', 'select' or 'imply' line removed from a surviving entry
    whose 'if' condition is false: a conjunction (no '||', no
    parentheses) with a term that is an option that is off.

Anything else ('depends on', a new entry, a 'source', an 'if' block, a
condition it cannot evaluate) is an obstacle, and the caller runs
syncconfig as before: a wrong 'no' costs a second, a wrong 'yes' would
build the next commits with a stale configuration, so every doubt says
no.
"""
import re

from .gitdiff import parse_diff

ENTRY = re.compile(r"(config|menuconfig)\s+(\w+)\s*$")
# What starts a new menu entry (or ends one), besides config/menuconfig.
KEYWORDS = ("choice", "endchoice", "comment", "menu", "endmenu", "if", "endif",
            "source", "rsource", "osource", "orsource", "mainmenu")
COND_ATTR = re.compile(r"(default|select|imply)\s+.*?\s+if\s+(.+)$")
SYMBOL = re.compile(r"\w+")


def _indent(line):
    return len(line.expandtabs(8)) - len(line.expandtabs(8).lstrip())


def _starts_entry(stripped):
    word = stripped.split(None, 1)[0] if stripped else ""
    return word in KEYWORDS or ENTRY.match(stripped) is not None


def entries(lines):
    """The config/menuconfig entries of a Kconfig file's LINES:
    [(name, first, last, help_lines)], line numbers from 1, LAST the
    entry's last non-blank line, HELP_LINES the numbers of its help text.
    Help text is skipped as kconfig's lexer does: it runs to the first
    non-blank line indented less than its first line, or not at all."""
    out = []
    n = len(lines)
    cur = None
    i = 0
    while i < n:
        stripped = lines[i].strip()
        if stripped in ("help", "---help---"):
            j = i + 1
            while j < n and not lines[j].strip():
                j += 1
            depth = max(1, _indent(lines[j])) if j < n else 1
            j = i + 1
            while j < n and (not lines[j].strip() or _indent(lines[j]) >= depth):
                if cur and lines[j].strip():
                    cur[3].add(j + 1)
                    cur[2] = j + 1
                j += 1
            if cur:
                cur[2] = max(cur[2], i + 1)
            i = j
            continue
        m = ENTRY.match(stripped)
        if m or _starts_entry(stripped):
            if cur:
                out.append(tuple(cur))
            cur = [m.group(2), i + 1, i + 1, set()] if m else None
        elif cur and stripped:
            cur[2] = i + 1
        i += 1
    if cur:
        out.append(tuple(cur))
    return out


def _off(values, name):
    return values.get("CONFIG_" + name) in (None, "n")


def _false(cond, values):
    """True when the condition COND is false under VALUES for certain."""
    if "||" in cond or "(" in cond or ")" in cond:
        return False
    for term in cond.split("&&"):
        term = term.strip()
        if term == "n":
            return True
        if SYMBOL.fullmatch(term) and term not in ("y", "m") and not term.isdigit() \
                and _off(values, term):
            return True
    return False


def obstacle(path, old_text, new_text, diff, values, referenced):
    """Why the change DIFF (git diff -U0) of the Kconfig file PATH from
    OLD_TEXT to NEW_TEXT may change a configuration with the auto.conf
    VALUES ({'CONFIG_X': 'y'...}); '' when it cannot.  REFERENCED(names)
    returns those of NAMES that a Kconfig file of the new commit still
    contains as a word.  Returns (why, the names of the options removed)."""
    changed = parse_diff(diff)
    removed = set(changed[0].removed) if changed else set()
    new_lines = new_text.split("\n")
    for k in changed[0].added if changed else ():
        s = new_lines[k - 1].strip() if 0 < k <= len(new_lines) else ""
        if s and not s.startswith("#"):
            return f"{path} gains '{s[:60]}'", []
    lines = old_text.split("\n")
    whole = []
    covered = set()
    for name, first, last, help_lines in entries(lines):
        span = {k for k in range(first, last + 1) if lines[k - 1].strip()}
        if span <= removed:
            if not _off(values, name):
                return f"{path} removes CONFIG_{name}, which is on", []
            if any(lines[k - 1].strip().split(None, 1)[0] in ("modules", "option")
                   for k in span):
                return f"{path} removes CONFIG_{name}, which has an 'option'", []
            whole.append(name)
            covered |= span
            continue
        for k in removed & span:
            s = lines[k - 1].strip()
            if k in help_lines or s.startswith("#"):
                covered.add(k)
                continue
            m = COND_ATTR.match(s)
            if m and _false(m.group(2), values):
                covered.add(k)
                continue
            return f"{path} changes CONFIG_{name}: '-{s[:60]}'", []
    for k in sorted(removed - covered):
        s = lines[k - 1].strip() if 0 < k <= len(lines) else ""
        if s and not s.startswith("#"):
            return f"{path} removes '{s[:60]}'", []
    still = referenced(whole) if whole else []
    if still:
        return f"{path} removes CONFIG_{still[0]}, still named in a Kconfig file", []
    return "", whole
