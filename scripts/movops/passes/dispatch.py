# SPDX-License-Identifier: GPL-2.0
"""dispatch placement: the dispatch's branches (one per typed user, under
its guard), the sanity check that opens it, the #include lines its host
needs, how the series adapts to the tree (folio_movable_ops(),
__ClearPageMovable()), and, for a tree converted to a static dispatch
already, its branches and what the commit that made it did (git history)."""
import re
from dataclasses import dataclass, field
from typing import Optional

from core.errors import CommandError

from .. import plan as P
from ..tree import git
from .context import Adaptation, Outcome, def_file
from .registered import registered_for

NAME = "dispatch"
RUNS_AFTER = ("shape", "agreement", "decoding", "registered")
DISPATCH_NAME = "page_movable_ops"


@dataclass
class History:
    """What the commit that brought a static dispatch into its host made
    visible: the #include lines it added there (INCLUDES), the ops that
    lost 'static' (UNSTATIC), the extern declarations it added ({ops:
    header}, EXTERNS)."""
    commit: str
    includes: list = field(default_factory=list)
    unstatic: set = field(default_factory=set)
    externs: dict = field(default_factory=dict)


@dataclass
class Dispatch(Outcome):
    dispatch: Optional[P.Dispatch] = None
    history: Optional[History] = None   # dispatch_history()


def run(ctx, facts, done):
    users, dec = done["agreement"].users, done["decoding"]
    decodings, host = facts.decodings, dec.host
    r = Dispatch()
    sanity = opening_check(ctx, facts)
    if sanity is None and host and any(u.from_dispatch for u in users.values()):
        sanity = existing_sanity(ctx, host)
    if any(d.func == "folio_movable_ops" for d in decodings):
        r.adaptations.append(Adaptation(
            "folio-movable-ops-via-page",
            "the tree has folio_movable_ops(): its callers go through "
            "page_movable_ops(&folio->page) (step folio-movable-ops-via-page)"))
    if "mm/compaction.c" in ctx.files_matching(r"\b__ClearPageMovable\s*\(") \
            and not done["shape"].pre_v6:
        r.adaptations.append(Adaptation(
            "setpagemovable-drop-ops",
            "the tree un-marks pages with __ClearPageMovable(): it keeps storing "
            "PAGE_MAPPING_MOVABLE, and PageMovable() keeps its meaning through the "
            "dispatch, because every user clears its page type together with the mark"))
    branches = planned_branches(users)
    if not branches and not decodings:
        # Already converted (a step run on its own after the ops argument
        # is gone): the dispatch in the tree is the record of the users.
        branches = existing_branches(ctx, facts, done["registered"].registered)
    includes = []
    host_text = ctx.read(host) if host else ""
    for b in branches:
        inc = b.include
        if inc and not re.search(r"#\s*include\s*" + re.escape(inc), host_text):
            includes.append(inc)
    if host and any(u.from_dispatch for u in users.values()):
        r.history = dispatch_history(ctx.tree, host, users)
        where = ", ".join(f"{u.from_dispatch.file}:{u.from_dispatch.line}"
                          for u in users.values())
        r.adaptations.append(Adaptation(
            "movable-ops-registration",
            f"the tree has a static dispatch already ({where}): its branches name the "
            "users, and " + (
                f"commit {r.history.commit[:12]}, which added it, tells what it "
                "made visible" if r.history else
                "no commit in the tree's history shows what it made visible, so "
                "their visibility and the #include lines stay")))
    r.dispatch = P.Dispatch(host=host, static=dec.static, decl_header=dec.decl_header,
                            sanity=sanity, branches=branches, includes=includes,
                            caller_files=dec.caller_files)
    return r


def opening_check(ctx, facts):
    """The VM_BUG/VM_WARN check that opens the tree's page_movable_ops()."""
    page_dec = [d for d in facts.decodings if d.func == DISPATCH_NAME]
    if not page_dec:
        return None
    d, sanity = page_dec[0], None
    lines = ctx.read(d.file).splitlines()
    for i in range(d.line - 1, min(len(lines), d.line + 10)):
        if lines[i].strip() == "{":
            for j in range(i + 1, len(lines)):
                if lines[j].strip():
                    sanity = lines[j].strip()
                    break
            break
    if sanity and not re.match(r"VM_(BUG|WARN)\w*\(", sanity):
        return None
    return sanity


def planned_branches(users):
    """One branch per user with a page type and a guard, by defining file."""
    return [P.Branch(ops=u.ops, test=u.type_test, open=u.guard.open, close=u.guard.close,
                     remark=(f"Only {u.name} sets {u.type_test} pages movable."
                             if u.remark else None),
                     include=u.include)
            for u in sorted(users.values(), key=def_file) if u.guard and u.type_test]


def existing_branches(ctx, facts, registered):
    """The branches of the dispatch in the tree: naming ops, or returning
    the pointer registered for the branch's page type."""
    branches = [P.Branch(ops=f.ops, test=f.test, open=None, close=None, remark=None,
                         include=None, existing=f"{f.file}:{f.line}")
                for f in sorted(facts.dispatch_branches, key=lambda f: f.line)]
    if branches:
        return branches
    return [P.Branch(ops=registered_for(ctx, f.test, registered), test=f.test, var=f.var,
                     open=None, close=None, remark=None, include=None,
                     existing=f"{f.file}:{f.line}")
            for f in sorted(facts.dispatch_registered, key=lambda f: f.line)]


def existing_sanity(ctx, host):
    """The VM_BUG/VM_WARN check that opens the dispatch in HOST."""
    lines = ctx.read(host).splitlines()
    for i, line in enumerate(lines):
        if re.match(rf"(static )?const struct movable_operations \*{DISPATCH_NAME}\(",
                    line) and i + 2 < len(lines) and lines[i + 1] == "{":
            first = lines[i + 2].strip()
            return first if re.match(r"VM_(BUG|WARN)\w*\(", first) else None
    return None


def dispatch_history(tree, host, users):
    """What the commit that brought the static dispatch into HOST did to
    make the users' ops visible there, from git history: a History.
    That commit adds the
    branches ('return &ops;') to HOST, which it does not create, and
    removes the pointer decoding ('->mapping - PAGE_MAPPING_MOVABLE').
    None when the tree's history has no such commit (the step then
    leaves the visibility and the #include lines as they are)."""
    if not users or not tree.is_git():
        return None
    rev = tree.commit or "HEAD"     # a working tree: its history
    names = "|".join(re.escape(o) for o in sorted(users))
    env = getattr(tree, "env", None)
    try:
        shas = git(tree.path, "log", "-n20", "--format=%H", "-G",
                   rf"return &({names});", rev, "--", host, env=env).split()
    except CommandError:
        return None
    for sha in shas:
        try:
            diff = git(tree.path, "show", "--format=", "--unified=0",
                       "--no-renames", sha, env=env)
        except CommandError:
            return None
        out = dispatch_commit(sha, diff, host, users)
        if out:
            return out
    return None


def dispatch_commit(sha, diff, host, users):
    """dispatch_history()'s reading of commit SHA's DIFF, or None when it is
    not the commit that made the dispatch."""
    out = History(commit=sha)
    returns, cur, decoding, created = set(), None, False, False
    for line in diff.splitlines():
        m = re.match(r"diff --git a/\S+ b/(\S+)", line)
        if m:
            cur = m.group(1)
            continue
        if cur == host and line == "--- /dev/null":
            created = True
        if line.startswith(("+++", "---")):
            continue
        if re.match(r"-.*->mapping\s*-\s*PAGE_MAPPING_MOVABLE\b", line):
            decoding = True
        if cur == host:
            m = re.match(r"\+#\s*include\s*(<[^>]+>|\"[^\"]+\")", line)
            if m:
                out.includes.append(m.group(1))
            m = re.match(r"\+\s*return &(\w+);", line)
            if m:
                returns.add(m.group(1))
        m = re.match(r"-static const struct movable_operations (\w+)\s*=", line)
        if m:
            out.unstatic.add(m.group(1))
        m = re.match(r"\+extern const struct movable_operations (\w+);", line)
        if m:
            out.externs[m.group(1)] = cur
    if created or not decoding or not set(users) <= returns:
        return None
    return out
