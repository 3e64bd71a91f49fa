# SPDX-License-Identifier: GPL-2.0
"""What the analysis relies on, stated and checked.

The analysis reasons from what spatch reports (facts.py), and spatch is
silent about what it did not read.  So before the analysis' conclusions are
trusted, the files are read again as text (csource.py) and held against
the facts:

  seen      every place the rework must see (a call of __SetPageMovable(),
            __ClearPageMovable(), the decoding, set_movable_ops() or a
            forwarding helper; a definition of one; a movable_operations
            object) has its fact.  Where one has none, it lies in a region
            spatch could not parse (blocker 'unparsed', naming the file,
            line and function), or in code spatch does not read, such as
            '#if 0' (blocker 'unseen').  A prototype has no fact of its
            own: only the parse failures say whether spatch read it.
  decoding  an unconverted tree has exactly one definition of
            page_movable_ops() that decodes the pointer (none once the
            dispatch step made the dispatch), and at most one of
            folio_movable_ops(): the dispatch replaces that one.
  once      no function the series rewrites is defined twice in one file
            where both definitions are compiled together (different
            branches of one #if are fine: a stub and the real one).

Each violation is a blocker with file and line; the tree is then refused
before any commit.  Pure functions over facts (dicts, as facts.collect()
returns them) and file texts.
"""
from dataclasses import dataclass

from . import csource
from .plan import Blocker, ParseFailure

# The functions whose every occurrence the analysis must see, and what it
# would miss of each (per site kind).
REWORK = {
    "__SetPageMovable": {"call": "where a page is marked movable",
                         "definition": "the definition of __SetPageMovable() the series "
                                       "changes",
                         "declaration": "the prototype of __SetPageMovable() the series "
                                        "changes"},
    "__ClearPageMovable": {"call": "where a page is un-marked",
                           "definition": "the definition of __ClearPageMovable()"},
    "page_movable_ops": {"call": "a caller of the decoding",
                         "definition": "the decoding",
                         "declaration": "the declaration of the decoding"},
    "folio_movable_ops": {"call": "a caller of the decoding",
                          "definition": "the decoding",
                          "declaration": "the declaration of the decoding"},
    "set_movable_ops": {"call": "a registration of movable_ops",
                        "definition": "the registration function",
                        "declaration": "the declaration of set_movable_ops()"},
}
HELPER = {"call": "a call of a helper that forwards movable_operations",
          "definition": "a helper that forwards movable_operations",
          "declaration": "the prototype of a helper that forwards movable_operations"}
DECODING = "page_movable_ops"
WHY_UNPARSED = ("spatch skips code it cannot parse without saying so in its normal modes: "
                "a fact it did not report cannot be told from one the code does not have, "
                "and a step would leave that code unchanged")
FIX_UNPARSED = ("make the code there parse (balanced braces and parentheses, macros "
                "spatch knows), or make this change by hand")


@dataclass(frozen=True)
class Unseen:
    """A place of the rework spatch reported nothing for."""
    file: str
    line: int
    name: str
    kind: str           # csource.Site kind, or 'object' for an ops definition
    function: str       # the function it is in, by text ('' at file level)


def failures_of(facts):
    """The ParseFailures of FACTS (a factset.FactSet: its Unparsed facts)."""
    return [ParseFailure(file=f.file, first=f.line, last=f.last, functions=list(f.functions))
            for f in facts.unparsed]


def _seen_index(facts):
    return ({(f.file, f.line, f.func) for f in facts.calls},
            {(f.file, f.line, f.func) for f in facts.fndefs},
            {(f.file, f.line, f.obj) for f in facts.opsdefs})


def unseen(facts, texts, helpers=()):
    """[Unseen]: the places of TEXTS ({file: text}) spatch reported no fact
    for (see the module's docstring)."""
    calls, defs, objs = _seen_index(facts)
    names = set(REWORK) | set(helpers)
    out = []
    for f, text in sorted(texts.items()):
        if text is None:
            continue
        funcs = None
        for s in csource.sites(text, names):
            key = (f, s.line, s.name)
            if s.kind in ("call", "macro") and key in calls:
                continue
            if s.kind == "definition" and key in defs:
                continue
            funcs = csource.functions(text) if funcs is None else funcs
            out.append(Unseen(f, s.line, s.name, s.kind,
                              csource.function_at(funcs, s.line) or ""))
        for obj, line in csource.ops_definitions(text):
            if (f, line, obj) not in objs:
                out.append(Unseen(f, line, obj, "object", ""))
    return out


def _what(u, helpers):
    if u.kind == "object":
        return f"the movable_operations object {u.name}"
    table = REWORK.get(u.name) or (HELPER if u.name in helpers else {})
    kind = "call" if u.kind == "macro" else u.kind
    return table.get(kind, f"a use of {u.name}()")


def _inside(u):
    if u.kind == "object":
        return f"the definition of {u.name}"
    if u.kind == "definition" or (u.kind == "declaration" and not u.function):
        return f"{u.name}()"
    return f"{u.function}()" if u.function else f"{u.name}() at file level"


def parse_blockers(unseen_list, failures, texts, helpers=()):
    """Blockers for the Unseen places: 'unparsed' where spatch gave up on
    their lines, 'unseen' otherwise (a prototype, which has no fact, only
    when it lies in a failed region)."""
    out = []
    done = set()
    for u in unseen_list:
        region = next((p for p in failures if p.file == u.file and p.first <= u.line <= p.last),
                      None)
        if region is not None:
            key = ("unparsed", u.file, _inside(u))
            if key in done:
                continue
            done.add(key)
            out.append(Blocker(
                kind="unparsed", file=u.file, line=u.line, user=None,
                problem=(f"spatch could not parse {_inside(u)} (lines {region.first}-"
                         f"{region.last}); the analysis cannot see {_what(u, helpers)}"),
                why=WHY_UNPARSED, fix=FIX_UNPARSED))
            continue
        text = texts.get(u.file) or ""
        block = next(((a, b) for a, b in csource.if0_regions(text) if a <= u.line <= b), None)
        if u.kind == "declaration" and not block:
            continue            # no fact to expect: read, as far as spatch says
        if block:
            where = f"inside '#if 0' (lines {block[0]}-{block[1]}), which spatch does not read"
            fix = "remove the dead code, or make it code the compiler reads"
        else:
            where = "in code spatch reported nothing for (a macro it expands, or skipped)"
            fix = "write it as a plain call or definition, or make this change by hand"
        in_fn = f" in {u.function}()" if u.function and u.kind != "definition" else ""
        out.append(Blocker(
            kind="unseen", file=u.file, line=u.line, user=None,
            problem=f"{_what(u, helpers)}{in_fn} is {where}",
            why=("the steps change only what spatch sees: this would be left as it is, "
                 "with the old API, in a tree the series calls converted"),
            fix=fix))
    return out


def decoding_blockers(facts, texts, state):
    """The 'decoding' invariant (module docstring)."""
    if state != "unconverted":
        return []
    decs = facts.decodings
    # A tree the dispatch step converted already (a later step run on its
    # own): the dispatch stands where the decoding was.
    dispatched = bool(facts.dispatch_branches or facts.dispatch_registered)
    out = []
    for func, lo in ((DECODING, 0 if dispatched else 1), ("folio_movable_ops", 0)):
        # A set: spatch reports a definition once per decoding it holds.
        mine = sorted({(d.file, d.line) for d in decs if d.func == func})
        if lo <= len(mine) <= 1:
            continue
        where = ", ".join(f"{f}:{l}" for f, l in mine)
        defs = sorted((f, s.line) for f, t in texts.items() if t
                      for s in csource.sites(t, [func]) if s.kind == "definition")
        # Where to look: a definition, else a caller of the one missing.
        calls = sorted((c.file, c.line) for c in facts.decoding_calls if c.func == func)
        first = (mine or defs or calls or [("include/linux/migrate.h", None)])[0]
        if mine:
            problem = (f"the tree decodes the movable_operations pointer in {len(mine)} "
                       f"definitions of {func}() ({where}); the analysis relies on exactly "
                       "one, which the dispatch replaces")
        else:
            seen = ", ".join(f"{f}:{l}" for f, l in defs) or "none in the files read"
            called = f", called at {calls[0][0]}:{calls[0][1]}" if calls else ""
            problem = (f"an unconverted tree (pages are marked with ops) has no definition "
                       f"of {func}() that decodes the pointer from page->mapping "
                       f"(definitions by text: {seen}{called}); the analysis relies on "
                       "exactly one")
        out.append(Blocker(
            kind="invariant", file=first[0], line=first[1], user=None, problem=problem,
            why="the dispatch replaces the decoding: with none or several, the series "
                "would keep one or add a second page_movable_ops()",
            fix=f"leave one definition of {func}() that returns "
                "'(const struct movable_operations *)((unsigned long)page->mapping - "
                "PAGE_MAPPING_MOVABLE)'"))
    return out


def once_blockers(texts, helpers=()):
    """The 'once' invariant (module docstring)."""
    out = []
    names = set(REWORK) | set(helpers)
    for f, text in sorted(texts.items()):
        if not text:
            continue
        branch = csource.branches(text)
        defs = {}
        for s in csource.sites(text, names):
            if s.kind == "definition":
                defs.setdefault(s.name, []).append(s.line)
        for name, lines in sorted(defs.items()):
            clash = [(a, b) for i, a in enumerate(lines) for b in lines[i + 1:]
                     if not csource.exclusive(branch[a], branch[b])]
            if clash:
                a, b = clash[0]
                out.append(Blocker(
                    kind="invariant", file=f, line=b, user=None,
                    problem=(f"{name}() is defined twice where both are compiled "
                             f"together ({f}:{a} and {f}:{b})"),
                    why="the series rewrites each definition it finds: two of them do "
                        "not compile before the series, and would not after it",
                    fix=f"remove one definition of {name}(), or put them in different "
                        "branches of an #if"))
    return out


def check(facts, texts, state, helpers=()):
    """(blockers, [ParseFailure]) for the tree whose FACTS (a
    factset.FactSet) and TEXTS these are, in state STATE (plan.STATES)."""
    failures = failures_of(facts)
    blockers = parse_blockers(unseen(facts, texts, helpers), failures, texts, helpers)
    blockers += decoding_blockers(facts, texts, state)
    blockers += once_blockers(texts, helpers)
    return blockers, failures
