# SPDX-License-Identifier: GPL-2.0
"""Which function each movable_ops user migrates its pages with.

The runtime check counts calls of these functions with kprobes, so the
names come from the toolkit's own analysis of the tree being checked
(movops.analysis: users[i]["callbacks"]["migrate_page"]), not from a list.

The analysis describes what is left to convert, so on a converted revision
it finds no user at all: the ops objects are no longer passed to
__SetPageMovable().  Their callbacks are the same before and after the
series, so for such a revision the users are taken from its newest
first-parent ancestor that still has some (on a series branch, the commit
the series was built on or one of its first steps), and kept only if the
ops object is still defined in the revision itself.  Commits the series
generated (movops.trailer) are not analysed at all: their callbacks are
those of the commit the series was built on, and on a series branch that
skips two or three analyses of spatch, tens of seconds of a fresh run.

Each analysis takes several seconds of spatch; results are kept in the
cache by commit and by a digest of the analysis code.
"""
import json
import re
import shutil
import tempfile
from pathlib import Path

from core import fingerprint as code
from core.errors import BadInput
from core.paths import write_whole
from core.proc import git
from movops import analysis
from movops.trailer import GENERATED_RE
from movops.tree import Tree

# How far back a converted revision's users are looked for: a series is a
# handful of commits; a tree with no user in this many is not one of ours.
MAX_ANCESTORS = 32


def _code_digest():
    """Changes when the analysis could give another answer."""
    return code.fingerprint(["movops.analysis"], ["cocci/analysis/*.cocci"])


def _analyze(kdir, commit, cache):
    """(state, [user]) of COMMIT: the analysis' users, reduced to what the
    runtime check needs, cached in CACHE/analysis when CACHE is given."""
    store = Path(cache) / "analysis" if cache is not None else None
    key = f"{commit}-{_code_digest()}"
    if store is not None and (store / f"{key}.json").exists():
        data = json.loads((store / f"{key}.json").read_text())
        return data["state"], data["users"]
    scratch = Path(tempfile.mkdtemp(prefix="movops-rt-analysis-"))
    try:
        plan = analysis.analyze(Tree(kdir, commit), scratch=scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    users = [{"ops": u.ops, "file": u.defined.file, "line": u.defined.line,
              "migrate_page": u.callbacks.get("migrate_page")}
             for u in plan.users]
    if store is not None:
        store.mkdir(parents=True, exist_ok=True)
        write_whole(store / f"{key}.json",
                    json.dumps({"state": plan.state, "users": users}, indent=1) + "\n")
    return plan.state, users


def _first_parents(kdir, commit, n):
    return git(kdir, "rev-list", "--first-parent", f"--max-count={n}", commit).split()


def _still_defined(tree, user):
    text = tree.read(user["file"]) or ""
    return re.search(rf"\bstruct\s+movable_operations\s+{re.escape(user['ops'])}\s*=",
                     text) is not None


def _generated(kdir, commit):
    """True when the series made COMMIT (its message has the trailer)."""
    return GENERATED_RE.search(git(kdir, "log", "-1", "--format=%B", commit)) is not None


def users(kdir, rev, cache=None, log=None):
    """([{"ops", "file", "line", "migrate_page"}], source) for REV of KDIR.

    SOURCE says which commit's analysis named them, for the report.
    "migrate_page" is None when the analysis found no migrate callback.
    """
    tree = Tree(kdir, rev)
    commit = tree.commit
    state = None
    for distance, ancestor in enumerate(_first_parents(kdir, commit, MAX_ANCESTORS + 1)):
        if _generated(kdir, ancestor):
            continue
        if distance and log:
            log(f"  {commit[:12]} is a commit of the series or has no user left to convert; "
                f"analysing {ancestor[:12]} (~{distance}) for the users' callbacks")
        state_a, found = _analyze(kdir, ancestor, cache)
        if distance == 0:
            state = state_a
        if found:
            kept = [u for u in found if _still_defined(tree, u)] if distance else found
            return kept, {"commit": ancestor, "distance": distance, "state": state_a}
    return [], {"commit": None, "distance": None, "state": state}


def migrate_callbacks(kdir, rev, cache=None):
    """{ops name: migrate callback} of the users of REV in KDIR."""
    try:
        found, _ = users(kdir, rev, cache)
    except Exception as e:          # spatch and git failures alike
        raise BadInput(f"cannot read the movable_ops users of {kdir} at {rev}: {e}")
    return {u["ops"]: u["migrate_page"] for u in found if u["migrate_page"]}
