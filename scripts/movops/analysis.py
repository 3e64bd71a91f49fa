# SPDX-License-Identifier: GPL-2.0
"""Can the movable_ops rework be applied to a tree, and how?

analyze(tree) collects the Coccinelle facts of the files that matter
(facts.py), reads them once into types (factset.py), and runs the passes
of movops.passes over them (passes/pipeline.py, which builds the plan):

  - the users: each movable_operations object passed to __SetPageMovable(),
    where it is defined and under which guard, every place its pages are
    marked movable and through which helpers;
  - the page type that identifies each user's pages, and whether the type
    and the movable mark agree (set before the mark, cleared together with
    it or when the page is freed);
  - the callers of the pointer decoding, hence where the dispatch must live;
  - what the steps of the series need: helpers that only forward an ops
    pointer, exports no module needs any more, includes, declarations.

Every fact that would make the rework wrong becomes a blocker with a file
and line, the reason and what would resolve it; and what spatch could not
parse is checked against what the conclusions rest on (invariants.py).
"""
import re
from pathlib import Path

from . import facts as F
from . import invariants, kbuild
from . import plan as P
from .factset import FactSet
from .passes import pipeline
from .passes.context import Context, page_types

# How the dispatch finds a user's ops: 'auto' registers them where some
# user can be built as a module (the static dispatch cannot name it) and
# names them statically otherwise; 'static' always names them (the
# dispatch of upstream's commit 84caf98838a3, which loses modular users).
DISPATCH_MODES = P.DISPATCH_MODES

# One pass of git grep over the tree answers every textual question the
# analysis asks: which files matter, where page types are set, where pages
# are un-marked.
PREFETCH_RE = (F.CANDIDATE_RE + r"|__SetPage[A-Z]\w*\s*\(|__folio_set_\w+\s*\(")
# Strings every PREFETCH_RE match contains, searched as fixed strings: the
# words of CANDIDATE_RE ('__SetPage' covers __SetPageMovable) and the
# prefixes of the other alternatives.
PREFETCH_WORDS = [w for w in F.CANDIDATE_RE.split("|") if not w.startswith("__SetPage")] \
    + ["__SetPage", "__folio_set_"]
assert all(re.fullmatch(r"\w+", w) for w in PREFETCH_WORDS), PREFETCH_WORDS

sort_blockers = pipeline.sort_blockers


def context(tree, lines=None, dispatch_mode="auto"):
    """The passes' Context of TREE; LINES, the prefetch grep's, if made."""
    if lines is None:
        lines = tree.grep_lines(PREFETCH_RE, F.CODE_PATHSPECS, fixed=PREFETCH_WORDS)
    return Context(tree=tree, kconfig=kbuild.Kconfig(tree),
                   types=page_types(tree.read("include/linux/page-flags.h") or ""),
                   lines=lines, dispatch_mode=dispatch_mode)


def analyze(tree, scratch=None, dispatch_mode="auto"):
    """Analyse TREE (a movops.tree.Tree); return a plan.Plan."""
    lines = tree.grep_lines(PREFETCH_RE, F.CODE_PATHSPECS, fixed=PREFETCH_WORDS)
    cand = re.compile(F.CANDIDATE_RE)
    files = sorted(f for f, ls in lines.items() if any(cand.search(t) for _, t in ls))
    # Headers next to the users (wrappers such as mm/zpdesc.h) are found by
    # name in a second round: names of functions called from marking code.
    facts_list = F.collect(tree, files, scratch)
    extra = _neighbour_headers(tree, files, facts_list)
    if extra:
        facts_list += F.collect(tree, extra, scratch)
    ctx = context(tree, lines, dispatch_mode)
    facts = FactSet.parse(facts_list)
    done = pipeline.run(ctx, facts)
    plan = pipeline.build_plan(ctx, facts, done)
    # Every file a step may need: the candidates, their local headers, the
    # files naming an ops object or calling a forwarding helper.
    vis = done["visibility"]
    plan.files = sorted(set(files) | set(extra) | set(vis.ops_refs) | vis.helper_refs)
    # What the conclusions rest on: spatch saw every place of the rework.
    found, plan.parse_failures = invariants.check(
        facts, tree.read_many(sorted(set(files) | set(extra))), plan.state,
        helpers=sorted(plan.helpers))
    if found:
        plan.blockers = sort_blockers(plan.blockers + found)
    return plan


def _neighbour_headers(tree, files, facts_list):
    """Local headers included by the files that mark pages movable."""
    out = set()
    marking = {f["file"] for f in facts_list if f["kind"] in ("mark", "unmark", "opsdef")}
    for f in marking:
        text = tree.read(f) or ""
        for inc in re.findall(r'^#\s*include\s+"([^"]+)"', text, re.M):
            p = str(Path(f).parent / inc)
            if p not in files and tree.exists(p):
                out.add(p)
    return sorted(out)
