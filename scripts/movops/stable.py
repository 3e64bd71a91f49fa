# SPDX-License-Identifier: GPL-2.0
"""The stable form of the series: one commit per upstream commit.

Documentation/process/stable-kernel-rules.rst asks a backport to name its
upstream commit on a line above its message, and to document clearly any
deviation from the upstream patch; backporting.rst gives the shape:

    <upstream subject>

    commit <sha> upstream.

    <upstream message, trailers included>
    [ <what differs from upstream, and why> ]
    Signed-off-by: <backporter>

Upstream's message is taken from the repository where it holds the
commit (as 'git cherry-pick -x' takes it); otherwise the message is the
toolkit's own description of the change, under the same upstream line.
The bracketed block lists what the analysis adapted to this tree, the
parts of the upstream commit left out and why, and which steps of cocci/
made the commit (trailer.py reads that back).  Its tag is 'movops', not
the backporter's name: the tool made those changes, and a tag that does
not depend on who runs it keeps the messages comparable (goldens).

Everything here is a pure function of typed data (the plan, the upstream
table, what the series' commits changed); series.py runs the steps and
makes the commits.
"""
import re
import textwrap
from dataclasses import dataclass, field
from typing import Optional

from . import presence
from . import trailer
from . import upstream as U

WIDTH = 72


@dataclass
class Backport:
    """One commit of the stable form: the upstream ENTRY it backports, made
    by the prerequisite PREREQ or by the steps STEPS (file names of cocci/),
    carrying only PART of the upstream commit where that is not None."""
    entry: U.Upstream
    steps: list = field(default_factory=list)
    prereq: Optional[str] = None
    part: Optional[str] = None

    @property
    def label(self):
        return f"prereq {self.prereq}" if self.prereq else \
            "+".join(re.sub(r"^\d+-|\.cocci$", "", s) for s in self.steps)


def step_name(step_file):
    """'movable-ops-dispatch' of '02-movable-ops-dispatch.cocci'."""
    return re.sub(r"^\d+-|\.cocci$", "", step_file)


def groups(step_files, table):
    """[(entry, part, [step files])]: the steps that make one upstream
    commit together, in upstream order (the order of TABLE).  Steps of the
    same commit stay in their own order."""
    by_key = {}
    for f in step_files:
        key, part = U.STEP_UPSTREAM[step_name(f)]
        by_key.setdefault(key, [None, []])
        by_key[key][1].append(f)
        if part:
            by_key[key][0] = part
    keys = sorted(by_key, key=table.order)
    return [(table.get(k), by_key[k][0], by_key[k][1]) for k in keys]


def predicted(plan):
    """{upstream key: how} of what the series will backport on the tree
    PLAN describes (with its prerequisites), for the analysis' table."""
    out = {}
    for name in plan.prereqs:
        out[name] = f"backported by this series (prerequisite {name})"
    if plan.blockers:
        return out
    steps = []
    if any(d.func == "folio_movable_ops" for d in plan.decoding.defs):
        steps.append("folio-movable-ops-via-page")
    if plan.state == "unconverted":
        steps += ["movable-ops-dispatch", "setpagemovable-drop-ops"]
    if plan.registration.applies:
        steps.append("movable-ops-registration")
    if plan.flag_step.applies:
        steps += ["movable-ops-page-flag", "balloon-compaction-doc"]
    for s in steps:
        key, part = U.STEP_UPSTREAM[s]
        how = f"backported by this series (step {s}" + (", in part" if part else "") + ")"
        out.setdefault(key, how)
    return out


# -- deviations -----------------------------------------------------------------

# What a backport looks like on a tree without another upstream commit:
# (the commit backported, the commits this tree lacks (any of them), what
# the backport does instead).  {refs} names the lacking commits, {sanity}
# the dispatch's sanity check.
LACKING = (
    ("p19", ("p14",), "__ClearPageMovable() is kept: upstream removed it in {refs}, "
                      "which this tree does not have"),
    ("p19", ("p15",), "PageMovable() is kept: upstream removed it in {refs}, which "
                      "this tree does not have"),
    ("p19", ("p16",), "the dispatch checks its page with this tree's {sanity}: "
                      "page_has_movable_ops() comes from {refs}, which this tree does "
                      "not have"),
    ("p10", ("p7", "p8"), "folio_test_movable() stays: upstream removed it after "
                          "{refs} had reworked its callers, which this tree does not "
                          "have, so it still calls it"),
)

# Why a file upstream's commit touched is left alone, where it is in the
# tree: {(commit, file): why}.
LEFT_OUT = {
    ("drop-z3fold", "CREDITS"):
        "upstream also credited z3fold's maintainer there; a record of the "
        "project that the removal does not need",
    ("zsmalloc-page-type", "mm/Kconfig"):
        "upstream's HAVE_ZSMALLOC keeps zsmalloc from pages over 64 KiB; here "
        "a BUILD_BUG_ON() in zsmalloc stops such a build",
    ("zsmalloc-page-type", "drivers/block/zram/Kconfig"):
        "it only depends on upstream's HAVE_ZSMALLOC, which is left out",
}

# Why the backport changes a file upstream's commit does not touch, where
# no adaptation says so: {(commit, file): why}.
ALSO = {
    ("p10", "mm/migrate.c"):
        "where folio_movable_ops() is called; upstream's commit came after "
        "the calls were gone",
}

# The Kconfig options a prerequisite's upstream commit removed: where the
# tree's differ, the backport says so.
UPSTREAM_KCONFIG = {
    "drop-z3fold": ("Z3FOLD", "Z3FOLD_DEPRECATED", "ZSWAP_ZPOOL_DEFAULT_Z3FOLD_DEPRECATED"),
}

# What the prerequisites adapt, beyond their description.
PREREQ_DEVIATIONS = {
    "zsmalloc-page-type": ["written for this tree's page-type scheme (types are "
                           "bits cleared under PAGE_TYPE_BASE): PG_zsmalloc is a "
                           "free type bit, and the first object's offset moves to "
                           "bits 12 to 27 instead of upstream's low 16 bits, where "
                           "this scheme keeps its type bits"],
}


def _refs(table, keys):
    return " and ".join(table.get(k).ref() for k in keys if table.get(k))


def deviations(bp, plan, table, states, files, exists, diff_text=""):
    """The items of BP's deviation block: what the analysis adapted, what
    this tree lacks and what the backport does instead, and the files of
    the upstream commit left out (and why) or added.  STATES: {key:
    status} of plan.upstream; FILES: what the backport's commit changes;
    EXISTS(path): whether the tree before it has the file; DIFF_TEXT: the
    commit's diff (for what a prerequisite removed)."""
    e = bp.entry
    items = []
    if bp.part:
        items.append(f"only part of the upstream commit: {bp.part}")
    names = {step_name(s) for s in bp.steps}
    for text in (plan.adaptations if plan else []):
        if plan.adaptation_steps.get(text) in names:
            items.append(f"adapted: {text}")
    for key, lacking, text in LACKING:
        missing = [k for k in lacking if states.get(k) in (presence.MISSING,
                                                             presence.NOT_NEEDED)]
        if key != e.key or not missing:
            continue
        sanity = plan.dispatch.sanity if plan else None
        if "{sanity}" in text and not sanity:
            continue
        items.append(text.format(refs=_refs(table, missing), sanity=(sanity or "").rstrip(";")))
    if e.key == "fix" and plan:
        items += _registration_deviations(plan)
    if bp.prereq:
        removed = sorted(re.findall(r"^-(?:menu)?config (\w+)$", diff_text, re.M))
        upstream_removed = sorted(UPSTREAM_KCONFIG.get(bp.prereq, ()))
        if upstream_removed and removed != upstream_removed:
            items.append(f"the Kconfig options removed are this tree's "
                         f"({', '.join(removed) or 'none'}); upstream removed "
                         f"{', '.join(upstream_removed)}")
        items += PREREQ_DEVIATIONS.get(bp.prereq, [])
    said = " ".join(items)
    for f in e.files:
        if f in files:
            continue
        why = LEFT_OUT.get((e.key, f)) or (
            "not in this tree" if not exists(f) else
            f"{'the prerequisite' if bp.prereq else 'the steps'} found nothing to "
            "change there in this tree")
        items.append(f"left out: {f}: {why}")
    for f in files:
        if f not in e.files and f not in said:
            why = ALSO.get((e.key, f))
            items.append(f"also changes {f}, which the upstream commit does not touch"
                         + (f": {why}" if why else ""))
    return items


def _registration_deviations(plan):
    reg = plan.registration
    out = []
    if reg.key and reg.key.type != "enum pagetype":
        out.append(f"set_movable_ops() takes the page type's bit ({reg.key.type}, the "
                   f"scheme of {reg.key.where}) instead of an enum pagetype, which this "
                   "tree does not have")
    for x in reg.entries:
        if x.restore_static:
            where = ", ".join(x.drop_extern) or "its header"
            out.append(f"{x.ops} is static again and its extern declaration goes "
                       f"({where}): once it registers, nothing outside {x.file} "
                       "names it")
    return out


# -- the message ------------------------------------------------------------------

def upstream_line(entry):
    """The line that names the upstream commit, or says that its ID is not
    confirmed (never a guess)."""
    if entry.sha:
        return f"commit {entry.sha} upstream."
    return (f"Upstream commit: ID not confirmed ({entry.unconfirmed or 'not found'}); "
            f"upstream subject \"{entry.subject}\".")


def _wrap_item(text, first="  - ", rest="    "):
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest,
                         break_long_words=False, break_on_hyphens=False)


def block(bp, items, version):
    """The bracketed deviation block (lines, no trailing newline)."""
    head = trailer.stable_head(version, [s[:-len(".cocci")] for s in bp.steps], bp.prereq)
    lines = textwrap.wrap(head, WIDTH, subsequent_indent="  ", break_long_words=False,
                          break_on_hyphens=False)
    lines.append("  Deviations from upstream:" if items else
                 "  No deviation from upstream.")
    for it in items:
        lines += _wrap_item(it)
    lines[-1] += " ]"
    return lines


def message(bp, own_body, upstream_msg, items, version, identity, fixes=None):
    """The full commit message of BP (its subject first).  UPSTREAM_MSG:
    upstream's message as the repository has it (its trailers end it), or
    None; OWN_BODY: the toolkit's description, used without it, followed
    by FIXES (the 'Fixes:' reference of the commit it fixes) if any."""
    name, email = identity
    e = bp.entry
    out = [e.subject, "", upstream_line(e), ""]
    if upstream_msg:
        body = upstream_msg.rstrip("\n").split("\n")[1:]
        while body and not body[0].strip():
            body.pop(0)
        out += body
    else:
        out += own_body.rstrip("\n").split("\n") + [""]
        if fixes:
            out.append(f"Fixes: {fixes}")
    out += block(bp, items, version)
    out.append(f"Signed-off-by: {name} <{email}>")
    return "\n".join(out) + "\n"


# -- the cover letter ---------------------------------------------------------------

REQUIRED = "required"


def required(plan):
    """{key: why} of the upstream commits this tree needs that the series
    leaves out on request: the fix, under --dispatch static, where some
    user can be built as a module."""
    reg = plan.registration
    if reg.needed and not reg.applies:
        lost = "; ".join(x.text for x in reg.lost) or reg.reason
        return {"fix": f"left out on request (--dispatch static), though this tree "
                       f"needs it: {lost}"}
    return {}


def upstream_sections(table, states, made, needed=None):
    """The cover letter's list of upstream commits: (title, [(entry, note)])
    for those backported (MADE: [(n, sha, Backport)] of the series'
    commits), present in the tree, not needed, missing but not required,
    and missing though required (NEEDED: required()).  STATES: {key:
    plan.UpstreamState}."""
    needed = needed or {}
    by_key = {bp.entry.key: (n, sha, bp) for n, sha, bp in made}
    groups = {presence.BACKPORTED: [], presence.PRESENT: [], presence.NOT_NEEDED: [],
              presence.MISSING: [], REQUIRED: []}
    for e in table.entries:
        st = states.get(e.key)
        if e.key in by_key:
            n, sha, bp = by_key[e.key]
            what = f"prerequisite {bp.prereq}" if bp.prereq else \
                ", ".join(f"cocci/{s}" for s in bp.steps)
            note = f"patch {n}, {sha[:12]} ({what})"
            if bp.part:
                note += f"; in part: {bp.part}"
            groups[presence.BACKPORTED].append((e, note))
        elif st is None:
            continue
        elif e.key in needed and st.status != presence.PRESENT:
            groups[REQUIRED].append((e, needed[e.key]))
        elif st.status == presence.PRESENT:
            groups[presence.PRESENT].append((e, st.how))
        elif st.status == presence.NOT_NEEDED:
            groups[presence.NOT_NEEDED].append((e, st.how))
        else:
            why = e.not_required or "not made by this series"
            groups[presence.MISSING].append((e, f"{why} (this tree: {st.how})"))
    titles = {presence.BACKPORTED: "Backported by this series",
              presence.PRESENT: "Already present in the tree",
              presence.NOT_NEEDED: "Not needed on this tree",
              presence.MISSING: "Missing, and not required by this backport",
              REQUIRED: "Missing, though this tree needs it"}
    return [(titles[k], v) for k, v in groups.items() if v or k != REQUIRED]


def cover_text(head, identity, date, version, n, sections, users, summary, prereqs,
               shortlog, diffstat, base):
    """The cover letter of the stable form (text), from what
    backport.cover_letter() gathered."""
    name, email = identity
    lines = [f"From {head} Mon Sep 17 00:00:00 2001",
             f"From: {name} <{email}>",
             f"Date: {date}",
             f"Subject: [PATCH 0/{n}] mm: stop storing movable_ops in page->mapping "
             f"(backport to Linux {version})",
             ""]
    lines += textwrap.wrap(
        f"This series backports to Linux {version} the upstream commits that stop "
        "storing a movable_operations pointer in page->mapping (v6.17) and look the "
        "ops up by page type, with upstream's fix for users built as modules and "
        "the prerequisites this tree needs: one commit per upstream commit, in "
        "upstream order, each naming its upstream commit on its first line and "
        "listing how it deviates from it.  It was generated by movops (semantic "
        "patches of the movable_ops rework).", WIDTH)
    lines.append("")
    lines.append("Upstream commits (the evidence is read from the tree):")
    for title, rows in sections:
        lines.append("")
        lines.append(f"{title} ({len(rows)}):")
        if not rows:
            lines.append("  none")
        for e, note in rows:
            # One line each: a wrapped note would break differently on
            # another point release (its file:line references change).
            lines += [f"  {e.short} {e.subject}", f"      {note}"]
    lines.append("")
    lines.append(f"Users found in the tree ({len(users)}):")
    lines += [f"  {u}" for u in users]
    lines.append("")
    if summary:
        lines += summary + [""]
    if prereqs:
        lines += [f"Prerequisites applied first: {', '.join(prereqs)}.", ""]
    lines += [shortlog.rstrip(), "", diffstat.rstrip(), "", "", f"base-commit: {base}"]
    return "\n".join(lines) + "\n"
