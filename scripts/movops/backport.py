# SPDX-License-Identifier: GPL-2.0
"""The commits of the stable form, for series.py: what each one backports
and its message, with upstream's message and author where the repository
holds the upstream commit (movops.upstreamgit) and the toolkit's own
description otherwise (movops.stable writes both), and the cover letter."""
from . import report, stable
from . import upstream as U
from . import upstreamgit
from .tree import Tree


class Backporter:
    """The stable form of one run: KDIR's repository, the backporter's
    IDENTITY, the tree's VERSION, the commit BASE the series starts from
    and the upstream TABLE.  MADE: [(sha, stable.Backport)] of the commits
    made so far, oldest first."""

    def __init__(self, kdir, identity, version, base, table=None):
        self.kdir = kdir
        self.identity = identity
        self.version = version
        self.base = base
        self.table = table or U.load()
        self.made = []

    def groups(self, steps):
        """[(Backport, [Step])] of series.Step objects, in upstream order."""
        by_file = {s.path.name: s for s in steps}
        return [(stable.Backport(entry, files, part=part), [by_file[f] for f in files])
                for entry, part, files in stable.groups(list(by_file), self.table)]

    def prereq(self, name):
        return stable.Backport(self.table.get(name), prereq=name)

    def _tree(self, stage, rev):
        return Tree(self.kdir, rev, env=stage.env, near=self.base)

    def prereq_commit(self, stage, head, blobs, deleted, bp, pr, date):
        """(message, author) of the prerequisite PR's commit (Backport BP)
        on HEAD; what it removes is read from a draft of the same change."""
        draft = stage.commit(head, blobs, deleted, "draft", self.identity, date)
        items = stable.deviations(bp, None, self.table, {}, sorted(blobs) + sorted(deleted),
                                  self._tree(stage, head).exists,
                                  stage.git("diff", head, draft))
        return self.commit(bp, pr.stable_body or pr.body, items)

    def steps_commit(self, stage, head, bp, steps, plan, changed):
        """(message, author) of the commit of Backport BP on HEAD, made by
        STEPS (series.Step, those that changed something) and changing
        CHANGED."""
        bp.steps = [s.path.name for s in steps]
        states = {u.key: u.status for u in plan.upstream}
        items = stable.deviations(bp, plan, self.table, states, changed,
                                  self._tree(stage, head).exists)
        return self.commit(bp, "\n\n".join(s.body for s in steps), items)

    def commit(self, bp, own_body, items):
        """(message, author or None) of the commit of BP: upstream's message
        and author where the repository holds the upstream commit."""
        e = bp.entry
        msg = upstreamgit.message(self.kdir, e.sha)
        fixes = self.table.get(e.fixes).ref() if e.fixes and self.table.get(e.fixes) else None
        text = stable.message(bp, own_body, msg, items, self.version, self.identity, fixes)
        return text, upstreamgit.author(self.kdir, e.sha) if msg else None

    def cover_letter(self, stage, base, head, plan, prereqs, n):
        """The stable form's cover letter for the series BASE..HEAD."""
        date = stage.git("log", "-1", "--format=%aD", head).strip()
        states = {u.key: u for u in plan.upstream}
        numbered = [(i, sha, bp) for i, (sha, bp) in enumerate(self.made, 1)]
        users = []
        for u in plan.users:
            if u.type_test:
                d = u.defined
                users.append(f"{u.ops:<16} {u.type_test:<14} {' && '.join(u.guard.atoms)}"
                             f"  ({d.file}:{d.line})")
        return stable.cover_text(
            head, self.identity, date, plan.tree.version, n,
            stable.upstream_sections(self.table, states, numbered, stable.required(plan)),
            users,
            report.dispatch_summary(plan), prereqs,
            stage.git("shortlog", f"{base}..{head}"),
            stage.git("diff", "--stat=72", "--summary", base, head), base)
