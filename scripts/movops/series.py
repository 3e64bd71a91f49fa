# SPDX-License-Identifier: GPL-2.0
"""apply-series: turn the semantic patches of cocci/ into a commit series.

The series is built from a committed base (HEAD unless --base), never from
the working tree: the files the steps need are written to a scratch
directory, spatch changes them there, and each step that changes something
becomes a commit made with git plumbing in a private object store
(gitobjects.Stage).  Only at the very end are the objects copied into the
repository and the branch created.  The user's branch, index and working
tree are never touched, and an interrupted run leaves no trace.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from core import cache, paths, proc
from core.cli import Parser
from core.errors import (EXIT_INTERRUPTED, EXIT_NO, EXIT_OK, BadInput, CommandError,
                         EnvironmentFailure, MovopsError, Refusal)
from core.locks import Lock, Locked
from core.paths import OutputDir
from core.proc import git

from . import analysis as A
from . import facts as F
from . import presence, report, stable
from . import stepenv, tipcheck, trailer, upstreamgit
from . import upstream as U
from . import backport
from .gitobjects import CANONICAL_CONFIG, FORMAT_PATCH_RESET, Stage, pin_config
from .prereqs import PREREQS, PrereqMismatch
from .tree import Tree

REPO = Path(__file__).resolve().parents[2]
COCCI = REPO / "cocci"
MIN_SPATCH = (1, 1, 1)
DEFAULT_BRANCH = "movable-ops"
# How the patch files are made.  No signature: it would carry this machine's
# git version.  A fixed abbreviation: git's automatic one grows with the
# size of the repository, and the patches must not depend on it.  verify.py
# regenerates patches with the same options to compare them with expected/.
FORMAT_PATCH_OPTS = ["--numbered", "--no-signature", "--abbrev=12", *FORMAT_PATCH_RESET]
FORMAT_PATCH_CONFIG = CANONICAL_CONFIG
# The run's temporary directory: WORK_PREFIX<pid>-XXXX.
WORK_PREFIX = "movops-series-"
# Blockers: the answer is no (core.errors).
EXIT_BLOCKED = EXIT_NO


# -- steps ------------------------------------------------------------------

class Step:
    def __init__(self, path):
        self.path = Path(path)
        m = re.match(r"(\d+)-(.*)\.cocci$", self.path.name)
        self.number = int(m.group(1))
        self.name = m.group(2)
        self.kind, _ = stepenv.step_kind(self.path)
        desc = [l[4:] if l.startswith("/// ") else l[3:].strip()
                for l in self.path.read_text().splitlines() if l.startswith("///")]
        while desc and not desc[-1].strip():
            desc.pop()
        self.subject = desc[0].strip()
        body = desc[1:]
        while body and not body[0].strip():
            body.pop(0)
        self.body = "\n".join(body)


def working_set(tree, plan):
    """Every file a step can change or read: what names the API, the
    decoding, the helpers or an ops object, and the headers and hosts the
    plan names (make-expected.py records them as the golden's tree)."""
    files = set(plan.files)
    d = plan.dispatch
    for f in (d.host, d.decl_header, "include/linux/page-flags.h",
              "include/linux/migrate.h", "include/linux/balloon_compaction.h",
              "mm/compaction.c"):
        if f:
            files.add(f)
    for u in plan.users:
        for f in (u.header, u.defined.file if u.defined else None):
            if f:
                files.add(f)
    return sorted(f for f in files if tree.exists(f))


def series_steps():
    return [Step(p) for p in sorted(COCCI.glob("[0-9][0-9]-*.cocci"))]


def spatch_version():
    try:
        out = proc.run(["spatch", "--version"], stderr=subprocess.STDOUT).stdout
    except FileNotFoundError:
        return None
    m = re.search(r"spatch version (\d+)\.(\d+)\.(\d+)", out)
    return tuple(int(x) for x in m.groups()) if m else (0, 0, 0)


# -- the run ----------------------------------------------------------------

class Run:
    def __init__(self, args):
        self.args = args
        self.quiet = args.quiet
        self.kdir = Path(args.kdir).expanduser().absolute()
        self.lock = None
        self.work = None
        self.outdir = None
        self.published = None
        self.backporter = None

    def say(self, msg):
        if not self.quiet:
            print(msg, flush=True)

    def check_input(self):
        a = self.args
        self.kdir = paths.existing_dir(a.kdir, fix="give the top of a kernel tree")
        if not (self.kdir / "Makefile").is_file() or not (self.kdir / "mm").is_dir():
            raise BadInput(f"{a.kdir}: not a kernel tree (no top-level Makefile or mm/); "
                           "give the top directory of a Linux source tree")
        res = git(self.kdir, "rev-parse", "--show-toplevel", check=False, full=True)
        if res.returncode != 0 or Path(res.stdout.strip()).resolve() != self.kdir:
            raise BadInput(f"{a.kdir}: not a git tree; make a baseline commit first with "
                           f"'{REPO}/scripts/baseline-tree.sh {a.kdir}'")
        v = spatch_version()
        if v is None:
            raise EnvironmentFailure("spatch not found; install Coccinelle: "
                                     "apt-get install coccinelle")
        if v < MIN_SPATCH:
            raise EnvironmentFailure(f"spatch {'.'.join(map(str, v))} is older than "
                                     f"{'.'.join(map(str, MIN_SPATCH))}, which the series "
                                     "needs; install a newer coccinelle")
        if a.jobs < 1:
            raise BadInput(f"--jobs {a.jobs}: give a number of jobs of at least 1")
        for p in a.prereq:
            if p not in PREREQS:
                raise BadInput(f"unknown prerequisite '{p}'; known: {', '.join(sorted(PREREQS))}")
        try:
            self.base = Tree(self.kdir, a.base)
        except CommandError:
            raise BadInput(f"{a.base}: no such commit in {a.kdir}; give --base a commit")
        if not self.base.is_kernel_tree():
            raise BadInput(f"{a.kdir}: --base {a.base} is not a kernel tree (no VERSION in its "
                           "Makefile, or no mm/Makefile: an orphan branch?); give --base a "
                           "commit of the kernel's history")
        self._check_outputs()
        if not (a.analyze or a.dry_run):
            self.identity = self._identity()
            ref = f"refs/heads/{a.branch}"
            # --branch: what 'git branch NAME' accepts, and only that name
            # ('@{-1}' would expand to another; 'HEAD' and '-x' are refused).
            res = git(self.kdir, "check-ref-format", "--branch", a.branch, check=False,
                      full=True)
            if res.returncode or res.stdout.strip() != a.branch:
                raise BadInput(f"--branch '{a.branch}' is not a valid branch name; choose "
                               "another (git check-ref-format --branch NAME)")
            self.old = self._ref(ref)
            if self.old and not a.force:
                raise BadInput(f"branch '{a.branch}' exists in {a.kdir}; choose another with "
                               "--branch NAME or replace it with --force")
            if self.old and self._checked_out(ref):
                raise BadInput(f"branch '{a.branch}' is checked out in {a.kdir}; check out "
                               "another branch or choose another --branch")
        else:
            self.identity = self._identity(required=False)
            self.old = None

    def _check_outputs(self):
        """--json and --output, before any work (core.paths)."""
        a = self.args
        if a.json:
            if not a.analyze:
                raise BadInput(f"--json {a.json}: the analysis is written as JSON with "
                               "--analyze; add --analyze or leave --json out")
            paths.new_file(a.json, "--json", ours=paths.json_with_keys("version", "tree",
                                                                      "state"),
                           tool="apply-series")
        if a.output:
            self.outdir = OutputDir.claim(a.output, "--output", "apply-series", a.force)

    def _identity(self, required=True):
        def cfg(key):
            return git(self.kdir, "config", key, check=False).strip()
        name, email = cfg("user.name"), cfg("user.email")
        if required and not (name and email):
            raise BadInput("no git identity for the Signed-off-by; set it with "
                           "'git config user.name ...' and 'git config user.email ...'")
        return (name or "movops", email or "movops@localhost")

    def _ref(self, ref):
        return git(self.kdir, "rev-parse", "--verify", "-q", ref, check=False).strip() or None

    def _checked_out(self, ref):
        out = git(self.kdir, "worktree", "list", "--porcelain", check=False)
        return f"branch {ref}" in out.splitlines()

    def take_lock(self):
        gitdir = git(self.kdir, "rev-parse", "--git-common-dir", check=False).strip()
        try:
            self.lock = Lock((self.kdir / gitdir / "movops-apply-series.lock").resolve(),
                             timeout=0).acquire()
        except Locked:
            raise EnvironmentFailure(f"another apply-series run is working on "
                                     f"{self.args.kdir}; wait for it to finish")

    def date(self):
        if os.environ.get("SOURCE_DATE_EPOCH"):
            return f"@{int(os.environ['SOURCE_DATE_EPOCH'])} +0000"
        out = git(self.kdir, "log", "-1", "--format=%ct", self.base.commit, check=False)
        return f"@{out.strip()} +0000"

    # -- scratch files ------------------------------------------------------
    def changed_files(self):
        changed = []
        for rel, old in self.originals.items():
            new = (self.scratch / rel).read_text(errors="surrogateescape")
            if new != old:
                changed.append(rel)
        return sorted(changed)

    def snapshot(self):
        """{rel: text} of the scratch files, to tell what one step changed."""
        return {rel: (self.scratch / rel).read_text(errors="surrogateescape")
                for rel in self.originals}

    def accept_changes(self, changed):
        for rel in changed:
            self.originals[rel] = (self.scratch / rel).read_text(errors="surrogateescape")

    # -- the steps ----------------------------------------------------------
    def run_step(self, step, plan_path):
        """Run STEP on the scratch tree and return its notes.  A semantic
        patch runs in spatch, which writes its changes in place; a text step
        ('// Step: text') runs without it.  Either way, standard output is
        the step's text edits as a diff (movops/textedit.py), applied last."""
        env = F.spatch_env()
        env["MOVOPS_PLAN"] = str(plan_path)
        if step.kind == "text":
            cmd = [str(REPO / "scripts" / "py"), "-m", "movops.textedit", "-D", "patch",
                   str(step.path)]
        else:
            # --no-show-diff: what spatch writes in place is not repeated on
            # standard output, which is left to the text edits.
            cmd = ["spatch", "--very-quiet", "-D", "patch", "--sp-file", str(step.path),
                   "--include-headers", "--no-includes", "--in-place", "--no-show-diff",
                   "--timeout", "120", "--jobs", str(self.args.jobs), "--chunksize", "1",
                   "--dir", "."]
        res = subprocess.run(cmd, cwd=self.scratch, env=env, text=True,
                             errors="surrogateescape",
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        notes = [l[len("movops: "):] for l in res.stderr.splitlines()
                 if l.startswith("movops: ")]
        if res.returncode != 0:
            what = "spatch" if step.kind != "text" else "text step"
            raise EnvironmentFailure(f"step {step.path.name} failed ({what} exit {res.returncode}): "
                                     + (res.stderr.strip().splitlines() or ["no message"])[-1])
        if res.stdout:
            p = subprocess.run(["patch", "-p1", "-s", "--no-backup-if-mismatch", "-d",
                                str(self.scratch)], input=res.stdout,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               errors="surrogateescape")
            if p.returncode != 0:
                raise EnvironmentFailure(f"step {step.path.name}: its text edits do not apply "
                                         "on top of its SmPL changes (a bug in the step): "
                                         f"{p.stdout.strip()}")
        return notes

    def message(self, subject, body, extra=None):
        name, email = self.identity
        msg = subject + "\n\n"
        if body:
            msg += body.rstrip() + "\n\n"
        if extra:
            msg += extra.rstrip() + "\n\n"
        msg += f"Signed-off-by: {name} <{email}>\n"
        return msg

    def main(self):
        a = self.args
        self.check_input()
        self.backporter = (backport.Backporter(self.kdir, self.identity, self.base.version(),
                                               self.base.commit) if a.stable else None)
        self.take_lock()
        # Named with this run's PID: what a killed run left is removed by
        # the next one (core.paths.sweep()).
        self.work = paths.scratch_dir(WORK_PREFIX)
        self.scratch = self.work / "tree"
        self.scratch.mkdir()
        stage = Stage(self.kdir, self.work / "git")
        date = self.date()
        head = self.base.commit
        commits = []      # (sha, label, files, seconds)
        t_start = time.time()
        self.say(f"apply-series: {a.kdir} at {head[:12]} (Linux {self.base.version()})")

        # Prerequisites first: the analysis must see the tree they leave.
        for name in a.prereq:
            pr = PREREQS[name]
            t0 = time.time()
            try:
                changes, deleted, notes = pr.apply(Tree(self.kdir, head, env=stage.env,
                                                        near=self.base.commit))
            except PrereqMismatch as e:
                raise Refusal(f"--prereq {name} does not fit this tree: {e}; nothing was "
                              "changed (backport the upstream change by hand, or leave "
                              "the prerequisite out to see the blocker report)")
            for n in notes:
                self.say(f"  note: {n}")
            if not changes and not deleted:
                self.say(f"[prereq] {name}: nothing to do")
                continue
            for rel, text in changes.items():
                p = self.scratch / ".prereq" / rel
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_text(text, errors="surrogateescape")
            blobs = stage.hash_blobs(self.scratch / ".prereq", sorted(changes))
            shutil.rmtree(self.scratch / ".prereq")
            bp = self.backporter.prereq(name) if self.backporter else None
            if bp:
                msg, author = self.backporter.prereq_commit(stage, head, blobs, deleted, bp,
                                                            pr, date)
            else:
                msg, author = self.message(pr.subject, pr.body), None
            head = stage.commit(head, blobs, deleted, msg, self.identity, date, author)
            if bp:
                self.backporter.made.append((head, bp))
            files = sorted(changes) + deleted
            commits.append((head, f"prereq {name}", files, time.time() - t0))
            self.say(f"[prereq] {name}: {time.time() - t0:.1f} s, {len(files)} files "
                     f"({len(deleted)} removed)")

        t0 = time.time()
        tree = Tree(self.kdir, head, env=stage.env, near=self.base.commit)
        plan = A.analyze(tree, scratch=self.work / "facts", dispatch_mode=a.dispatch)
        plan.prereqs = list(a.prereq)
        # Which upstream commits the tree has, read from the tree the steps
        # see (after the prerequisites); in the stable form also from git,
        # where the repository holds them (a pass over the history since).
        table = self.backporter.table if self.backporter else U.load()
        plan.upstream = presence.table(
            table.entries, tree.read,
            upstreamgit.histories(self.kdir, self.base.commit, table.entries)
            if a.stable else None,
            stable.predicted(plan),
            applied=[label.split(" ", 1)[1] for _, label, _, _ in commits])
        t_analysis = time.time() - t0
        plan_path = self.work / "plan.json"
        plan_path.write_text(plan.to_json())
        self.say(f"[analysis] {t_analysis:.1f} s: {len(plan.users)} users, "
                 f"{len(plan.blockers)} blockers")

        if a.analyze:
            text = report.format_analysis(plan, upstream=a.stable)
            print(text, end="")
            if a.json:
                paths.write_whole(a.json, plan.to_json() + "\n")
            where = self.write_report(plan, text)
            self.say(f"apply-series: analysis written to {where} (JSON beside it)")
            return EXIT_BLOCKED if plan.blockers else EXIT_OK

        if plan.blockers:
            text = report.format_analysis(plan, upstream=a.stable)
            print(text, end="", file=sys.stderr if self.quiet else sys.stdout)
            where = self.write_report(plan, text)
            print(f"apply-series: stopped on {len(plan.blockers)} blockers before any "
                  f"commit; report: {where}", file=sys.stderr)
            return EXIT_BLOCKED

        if plan.state in ("converted", "no-users") and not commits:
            if not plan.registration.applies:
                self.say(f"apply-series: {a.kdir} is already converted (no two-argument "
                         "__SetPageMovable(), no pointer decoding); nothing to do")
                return EXIT_OK
            # Converted with a static dispatch (upstream's 84caf98838a3, or
            # --dispatch static): only the registration step has work left.
            self.say(f"apply-series: {a.kdir} is converted, but its static dispatch "
                     "cannot name an ops object built into a module; registering them")

        files = working_set(tree, plan)
        self.originals = tree.write_files(files, self.scratch)
        steps = series_steps()
        # One commit per step; in the stable form one per upstream commit,
        # made by the steps that carry it, in upstream order.
        groups = (self.backporter.groups(steps) if self.backporter else
                  [(None, [s]) for s in steps])
        done = 0
        for bp, members in groups:
            t0 = time.time()
            made = []
            for step in members:
                done += 1
                t1 = time.time()
                before = self.snapshot()
                notes = self.run_step(step, plan_path)
                now = self.snapshot()
                changed = sorted(r for r in now if now[r] != before[r])
                label = f"[{done}/{len(steps)}] {step.name}"
                if not changed:
                    why = "; ".join(notes) if notes else "nothing to change"
                    self.say(f"{label}: {time.time() - t1:.1f} s, no change ({why})")
                    continue
                made.append(step)
                self.say(f"{label}: {time.time() - t1:.1f} s, {len(changed)} files: "
                         f"{', '.join(changed)}")
                for n in notes:
                    self.say(f"    {n}")
            changed = self.changed_files()
            if not changed:
                continue
            blobs = stage.hash_blobs(self.scratch, changed)
            if bp is None:
                step = made[0]
                msg, author, label = self.message(
                    step.subject, step.body, trailer.generated_by(step.path.name)), None, \
                    step.name
            else:
                msg, author = self.backporter.steps_commit(stage, head, bp, made, plan,
                                                           changed)
                label = bp.label
            head = stage.commit(head, blobs, [], msg, self.identity, date, author)
            if bp is not None:
                self.backporter.made.append((head, bp))
            self.accept_changes(changed)
            commits.append((head, label, changed, time.time() - t0))

        if not commits:
            self.say("apply-series: no step changed anything; no branch made")
            return EXIT_OK
        if any(not label.startswith("prereq ") for _, label, _, _ in commits):
            # The steps converted the tree: it must hold what that means.
            self.check_tip(stage, head)
        base = self.base.commit
        if a.dry_run:
            print(stage.git("diff", "--stat", base, head), end="")
            print(stage.git("diff", base, head), end="")
            self.say("apply-series: dry run; nothing committed")
            return EXIT_OK

        if self.outdir:
            self.write_patches(stage, base, head, commits, plan)
        # Publishing must not be cut in half by a signal.
        old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            stage.publish(f"refs/heads/{a.branch}", head, self.old)
            self.published = f"branch '{a.branch}' at {head[:12]}"
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
        self.say(f"apply-series: branch '{a.branch}' at {head[:12]}: {len(commits)} commits "
                 f"on {base[:12]} in {time.time() - t_start:.1f} s")
        if a.output:
            self.say(f"apply-series: patches in {a.output}")
        return EXIT_OK

    def check_tip(self, stage, head):
        """Re-read the tip as text (movops.tipcheck): the old API gone,
        one page_movable_ops().  Whatever the analysis concluded, a tip
        that fails is not published: exit 3, no branch, no patch file."""
        t0 = time.time()
        tip = Tree(self.kdir, head, env=stage.env, near=self.base.commit)
        found = tipcheck.problems(tip.read_many(tip.grep(tipcheck.PATTERN, F.CODE_PATHSPECS)))
        if found:
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            raise EnvironmentFailure(
                f"the series fails its own check at its tip: {found[0]}{more}; no branch "
                "was made (the analysis missed something in this tree: please report it "
                "with the output of --analyze)")
        self.say(f"[check] {time.time() - t0:.1f} s: the tip has no old API and one "
                 "page_movable_ops()")

    def write_report(self, plan, text):
        if self.outdir:
            self.outdir.write("analysis.txt", text)
            self.outdir.write("analysis.json", plan.to_json() + "\n")
            # Patches of an earlier run beside a blocker report would
            # describe another tree.
            self.outdir.finish()
            return self.outdir.path / "analysis.txt"
        # The cache's own directory (core.cache), which nothing else writes.
        d = cache.path("reports", f"{self.kdir.name}-{self.base.commit[:12]}")
        d.mkdir(parents=True, exist_ok=True)
        (d / "analysis.txt").write_text(text)
        (d / "analysis.json").write_text(plan.to_json() + "\n")
        return d / "analysis.txt"

    def write_patches(self, stage, base, head, commits, plan):
        """The series as format-patch files with a cover letter, made in the
        work directory and written into --output one whole file at a time."""
        made = self.work / "patches"
        stage.git("format-patch", "-q", *FORMAT_PATCH_OPTS,
                  "-o", str(made), f"{base}..{head}")
        for p in sorted(made.glob("*.patch")):
            self.outdir.write(p.name, p.read_bytes())
        n = len(commits)
        if self.backporter:
            text = self.backporter.cover_letter(stage, base, head, plan, self.args.prereq, n)
        else:
            text = cover_letter(stage, base, head, commits, plan, self.identity,
                                self.args.prereq, n)
        self.outdir.write("0000-cover-letter.patch", text)
        self.outdir.finish()

    def cleanup(self):
        if os.environ.get("MOVOPS_KEEP_WORK"):
            print(f"apply-series: work directory kept: {self.work}", file=sys.stderr)
        elif self.work and self.work.exists():
            shutil.rmtree(self.work, ignore_errors=True)
        if self.lock:
            self.lock.release()


def cover_letter(stage, base, head, commits, plan, identity, prereqs, n):
    name, email = identity
    date = stage.git("log", "-1", "--format=%aD", head).strip()
    users = [u for u in plan.users if u.type_test]
    lines = [f"From {head} Mon Sep 17 00:00:00 2001",
             f"From: {name} <{email}>",
             f"Date: {date}",
             f"Subject: [PATCH 0/{n}] mm: look up movable_ops by page type, "
             "stop storing them in page->mapping",
             "", "This series was generated by movops (semantic patches of the "
             "movable_ops rework)",
             f"on Linux {plan.tree.version}.", "",
             "__SetPageMovable() stops storing a movable_operations pointer in",
             "page->mapping.  page_movable_ops() no longer decodes it: it finds the ops",
             "from the page type that identifies each user of movable_ops page",
             "migration, under the options that make that user's ops exist.", ""]
    lines.append(f"Users found in the tree ({len(users)}):")
    for u in users:
        d = u.defined
        lines.append(f"  {u.ops:<16} {u.type_test:<14} {' && '.join(u.guard.atoms)}"
                     f"  ({d.file}:{d.line})")
    lines.append("")
    summary = report.dispatch_summary(plan)
    if summary:
        lines += summary + [""]
    if prereqs:
        lines.append("Prerequisites applied first: " + ", ".join(prereqs) + ".")
        lines.append("")
    if plan.adaptations:
        lines.append("Adapted to this tree:")
        for x in plan.adaptations:
            lines.append("  - " + x)
        lines.append("")
    lines.append("Per step:")
    for sha, label, files, _ in commits:
        stat = stage.git("diff", "--shortstat", f"{sha}^", sha).strip()
        lines.append(f"  {label}: {stat}")
    lines.append("")
    lines.append(stage.git("shortlog", f"{base}..{head}").rstrip())
    lines.append("")
    lines.append(stage.git("diff", "--stat=72", "--summary", base, head).rstrip())
    lines.append("")
    lines.append("")
    lines.append(f"base-commit: {base}")
    return "\n".join(lines) + "\n"


def parse_args(argv):
    p = Parser(
        prog="apply-series.sh",
        description="Turn the semantic patches of cocci/ into a git commit series on "
                    "the kernel tree KDIR, on a new branch; the checked-out branch, "
                    "index and working tree are never modified.",
        epilog="Exit status: 0 done or nothing to do, 1 stopped on blockers before any "
               "commit (report printed and written) or a prerequisite that does not fit, "
               "2 bad input, 3 it could not do its work (a tool or command failed, or the "
               "series it made failed its own check: no branch is made), 130 interrupted.")
    p.add_argument("kdir", metavar="KDIR", help="top of a git kernel tree")
    p.add_argument("--branch", default=DEFAULT_BRANCH,
                   help=f"branch to create (default: {DEFAULT_BRANCH})")
    p.add_argument("--base", default="HEAD", help="commit to build on (default: HEAD)")
    p.add_argument("--force", action="store_true",
                   help="replace an existing branch, and in --output DIR the files an earlier "
                        "run wrote there (its manifest, .movops-output, names them)")
    p.add_argument("--output", metavar="DIR",
                   help="also write the series as format-patch files with a cover letter "
                        "(the analysis report when it stops) into DIR: a new or empty "
                        "directory; one holding any other file is refused, nothing of "
                        "yours is overwritten or deleted")
    p.add_argument("--dry-run", action="store_true",
                   help="print the combined diff; commit nothing")
    p.add_argument("--analyze", action="store_true",
                   help="print the users and the checks of the rework's preconditions; "
                        "commit nothing")
    p.add_argument("--json", metavar="FILE", help="with --analyze: write the analysis as JSON")
    p.add_argument("--prereq", action="append", default=[], metavar="NAME",
                   help="apply a prerequisite first (known: " + ", ".join(sorted(PREREQS)) + ")")
    p.add_argument("--dispatch", choices=A.DISPATCH_MODES, default="auto",
                   help="how the dispatch finds a user's movable_ops: 'auto' (default) adds "
                        "the registration step where some user can be built as a module; "
                        "'static' names the ops objects in the dispatch only, as upstream's "
                        "84caf98838a3 did (the report and cover letter then say which "
                        "configurations lose which user)")
    p.add_argument("--stable", action="store_true",
                   help="the stable form: one commit per upstream commit, in upstream "
                        "order, each naming its upstream commit and documenting how it "
                        "deviates from it (Documentation/process/stable-kernel-rules.rst)")
    p.add_argument("--jobs", type=int, default=2, help="spatch jobs (default 2)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    return p.parse_args(argv)


def main(argv=None):
    pin_config()
    args = parse_args(sys.argv[1:] if argv is None else argv)
    run = Run(args)
    # SIGTERM and SIGHUP end the run as Ctrl-C does (spatch stops too).
    proc.interrupt_on_signals()
    try:
        return run.main()
    except MovopsError as e:
        print(f"apply-series: {e}", file=sys.stderr)
        return e.status
    except KeyboardInterrupt:
        # A signal blocked while the branch was published arrives after it.
        what = (f"the series was complete: {run.published}" if run.published
                else "nothing was changed")
        print(f"apply-series: interrupted; {what}", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        run.cleanup()


if __name__ == "__main__":
    sys.exit(main())
