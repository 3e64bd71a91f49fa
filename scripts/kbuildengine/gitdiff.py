# SPDX-License-Identifier: GPL-2.0
"""What a git diff changes, file by file and line by line: what the
replay reads of a Kconfig file's diff, and what verify reads of a series."""
import re
from dataclasses import dataclass, field


@dataclass
class FileChange:
    path: str            # path at the tip ('' when deleted)
    old_path: str        # path at the base ('' when added)
    status: str          # A, M, D, R
    added: list = field(default_factory=list)     # new line numbers ('+' lines)
    removed: list = field(default_factory=list)   # old line numbers ('-' lines)
    # The revisions the line numbers are of (the diff's two sides), when
    # the reader knows them: '' for a diff of the series' base and tip.
    old_rev: str = ""
    new_rev: str = ""


HUNK_RE = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def parse_diff(text):
    """[FileChange] from 'git diff -U0 --no-color -M' output."""
    changes = []
    cur = None
    old_no = new_no = 0
    for line in text.splitlines():
        if line.startswith("diff --git "):
            cur = FileChange("", "", "M")
            changes.append(cur)
            m = re.match(r"diff --git a/(.*) b/(.*)$", line)
            if m:
                cur.old_path, cur.path = m.group(1), m.group(2)
            continue
        if cur is None:
            continue
        if line.startswith("new file mode"):
            cur.status = "A"
        elif line.startswith("deleted file mode"):
            cur.status = "D"
        elif line.startswith("rename from "):
            cur.status = "R"
            cur.old_path = line[len("rename from "):]
        elif line.startswith("rename to "):
            cur.path = line[len("rename to "):]
        elif line.startswith("--- "):
            if line == "--- /dev/null":
                cur.old_path = ""
            elif line.startswith("--- a/"):
                cur.old_path = line[6:]
        elif line.startswith("+++ "):
            if line == "+++ /dev/null":
                cur.path = ""
            elif line.startswith("+++ b/"):
                cur.path = line[6:]
        elif line.startswith("@@"):
            m = HUNK_RE.match(line)
            old_no, new_no = int(m.group(1)), int(m.group(3))
        elif line.startswith("+"):
            cur.added.append(new_no)
            new_no += 1
        elif line.startswith("-"):
            cur.removed.append(old_no)
            old_no += 1
        elif line.startswith(" "):
            old_no += 1
            new_no += 1
    for c in changes:
        if c.status == "D":
            c.path = ""
        if c.status == "A":
            c.old_path = ""
    return changes
