# SPDX-License-Identifier: GPL-2.0
"""The commits of the stable form, for series.py: what each one backports
and its message, with upstream's message and author where the repository
holds the upstream commit (movops.upstreamgit) and the toolkit's own
description otherwise (movops.stable writes both)."""
from . import stable
from . import upstream as U
from . import upstreamgit


class Backporter:
    """The stable form of one run: KDIR's repository, the backporter's
    IDENTITY, the tree's VERSION and the upstream TABLE."""

    def __init__(self, kdir, identity, version, table=None):
        self.kdir = kdir
        self.identity = identity
        self.version = version
        self.table = table or U.load()

    def groups(self, steps):
        """[(Backport, [Step])] of series.Step objects, in upstream order."""
        by_file = {s.path.name: s for s in steps}
        return [(stable.Backport(entry, files, part=part), [by_file[f] for f in files])
                for entry, part, files in stable.groups(list(by_file), self.table)]

    def prereq(self, name):
        return stable.Backport(self.table.get(name), prereq=name)

    def commit(self, bp, own_body, items):
        """(message, author or None) of the commit of BP: upstream's message
        and author where the repository holds the upstream commit."""
        e = bp.entry
        msg = upstreamgit.message(self.kdir, e.sha)
        fixes = self.table.get(e.fixes).ref() if e.fixes and self.table.get(e.fixes) else None
        text = stable.message(bp, own_body, msg, items, self.version, self.identity, fixes)
        return text, upstreamgit.author(self.kdir, e.sha) if msg else None


def cover_letter(stage, base, head, made, plan, identity, prereqs, n):
    """The stable form's cover letter for the series BASE..HEAD made in
    STAGE; MADE: [(sha, Backport)] of its commits, oldest first."""
    from . import report
    date = stage.git("log", "-1", "--format=%aD", head).strip()
    states = {u.key: u for u in plan.upstream}
    table = U.load()
    numbered = [(i, sha, bp) for i, (sha, bp) in enumerate(made, 1)]
    users = []
    for u in plan.users:
        if u.type_test:
            d = u.defined
            users.append(f"{u.ops:<16} {u.type_test:<14} {' && '.join(u.guard.atoms)}"
                         f"  ({d.file}:{d.line})")
    return stable.cover_text(
        head, identity, date, plan.tree.version, n,
        stable.upstream_sections(table, states, numbered), users,
        report.dispatch_summary(plan), prereqs,
        stage.git("shortlog", f"{base}..{head}"),
        stage.git("diff", "--stat=72", "--summary", base, head), base)
