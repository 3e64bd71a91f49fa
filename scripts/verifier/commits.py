# SPDX-License-Identifier: GPL-2.0
"""The series under verification: KDIR, its branch, the base, the commits
between them, and what the series changes (files, added lines, objects)."""
import re
from dataclasses import dataclass
from pathlib import Path

from core import paths
from core.errors import BadInput, CommandError
from core.proc import git
from movops import trailer
from movops.tree import Tree
from kbuildengine.gitdiff import parse_diff
from movops.trailer import GENERATED_RE

DEFAULT_BRANCH = "movable-ops"
# Files that mention the API make a tree's "movable_ops users".
USER_RE = r"__SetPageMovable|movable_operations"
# The core files of page migration: always among the users.
CORE_USERS = ("mm/migrate.c", "mm/compaction.c")


@dataclass
class Commit:
    sha: str
    subject: str
    tree: str           # git tree id: the content, independent of the identity


@dataclass
class Series:
    kdir: Path
    branch: str
    base: str           # full sha
    base_tree: str
    commits: list       # [Commit], oldest first
    base_given: bool = False
    version: str = ""

    @property
    def tip(self):
        return self.commits[-1].sha

    def describe(self):
        return f"{self.branch} ({len(self.commits)} commits on {self.base[:12]})"


def resolve(kdir, branch=DEFAULT_BRANCH, base=None):
    """Check the input and return a Series; raise BadInput (one line) if the
    tree, the branch or the base cannot be used."""
    kdir = paths.existing_dir(kdir, fix="give the path of the kernel tree apply-series.sh "
                                        "worked on")
    res = git(kdir, "rev-parse", "--show-toplevel", check=False, full=True)
    if res.returncode != 0:
        raise BadInput(f"{kdir}: not a git tree; run scripts/baseline-tree.sh and "
                       "scripts/apply-series.sh on it first")
    top = Path(res.stdout.strip()).resolve()
    if top != kdir:
        raise BadInput(f"{kdir}: not the top of its git tree ({top} is); "
                       "give the top directory of the kernel tree")
    ref = git(kdir, "rev-parse", "--verify", "-q",
              f"refs/heads/{branch}^{{commit}}", check=False, full=True)
    if ref.returncode != 0:
        raise BadInput(f"{kdir}: no branch '{branch}'; create the series with "
                       f"scripts/apply-series.sh {kdir} or name it with --branch")
    tip = ref.stdout.strip()
    tip_tree = Tree(kdir, tip)
    if not tip_tree.is_kernel_tree():
        raise BadInput(f"{kdir}: branch '{branch}' is not a kernel tree (no top-level "
                       "Makefile with VERSION, or no mm/); point at a kernel source tree")
    if base is not None:
        b = git(kdir, "rev-parse", "--verify", "-q", f"{base}^{{commit}}", check=False, full=True)
        if b.returncode != 0:
            raise BadInput(f"{kdir}: --base '{base}' is not a commit of this tree; "
                           "give a commit, tag or branch name")
        base_sha = b.stdout.strip()
        if git(kdir, "merge-base", "--is-ancestor", base_sha, tip, check=False,
               full=True).returncode != 0:
            raise BadInput(f"{kdir}: --base {base} is not an ancestor of '{branch}'"
                           f"{_unrelated(kdir, base_sha, tip)}; give the commit the series "
                           f"starts from{_suggest_base(kdir, branch, tip)}")
    else:
        base_sha = default_base(kdir, branch, tip)
    shas = git(kdir, "rev-list", "--reverse", "--topo-order", f"{base_sha}..{tip}").split()
    if not shas:
        raise BadInput(f"{kdir}: branch '{branch}' has no commits after its base "
                       f"{base_sha[:12]}; run scripts/apply-series.sh {kdir} or pass "
                       "--base")
    merges = git(kdir, "rev-list", "--merges", f"{base_sha}..{tip}").split()
    if merges:
        raise BadInput(f"{kdir}: the series has merge commit {merges[0][:12]}; "
                       "verify a linear series (rebase it) or pass --base after the merge")
    log = git(kdir, "log", "--no-walk=unsorted", "--format=%H%x00%T%x00%s", *shas)
    info = {}
    for line in log.splitlines():
        sha, tree, subject = line.split("\0", 2)
        info[sha] = (tree, subject)
    commits = [Commit(s, info[s][1], info[s][0]) for s in shas]
    base_tree = git(kdir, "rev-parse", f"{base_sha}^{{tree}}").strip()
    try:
        version = Tree(kdir, base_sha).version()
    except CommandError:
        version = ""
    return Series(kdir, branch, base_sha, base_tree, commits, base is not None, version)


def _unrelated(kdir, base, tip):
    """' (no common history: ...)' when BASE and TIP share no commit."""
    res = git(kdir, "merge-base", base, tip, check=False, full=True)
    return "" if res.returncode == 0 else " (they share no history: an orphan branch?)"


def _suggest_base(kdir, branch, tip):
    """', e.g. --base SHA' naming where the series on BRANCH starts, or
    ', or leave --base out' when that cannot be found."""
    try:
        return f", e.g. --base {default_base(kdir, branch, tip)[:12]} (where its series starts)"
    except BadInput:
        return ""


def default_base(kdir, branch, tip):
    """Where the series on BRANCH starts: the parent of the oldest commit
    reachable from BRANCH and from no other local branch; when every commit
    is on another branch too (a branch made from the series, say), the
    parent of the run of commits apply-series.sh made that ends at the tip.
    """
    others = [r for r in git(kdir, "for-each-ref", "--format=%(refname)",
                             "refs/heads/").split()
              if r != f"refs/heads/{branch}"]
    own = git(kdir, "rev-list", "--reverse", "--topo-order", tip, "--not", *others).split()
    if not own:
        start = generated_run_start(kdir, tip)
        if start is None:
            raise BadInput(f"{kdir}: every commit of '{branch}' is also on another branch, "
                           "so the series has no start; pass --base REV")
        own = [start]
    parents = git(kdir, "rev-list", "--parents", "-n", "1", own[0]).split()[1:]
    if not parents:
        raise BadInput(f"{kdir}: '{branch}' has no commit before its series (a root "
                       "commit); pass --base REV")
    return parents[0]


# apply-series.sh marks the commits of its steps with movops.trailer's
# line; its prerequisite commits come first and carry the subject of
# their movops.prereqs entry.  In the stable form both are named in the
# head of each commit's deviation block (trailer.stable_source()).


def generated_run_start(kdir, tip, limit=64):
    """Oldest commit of the unbroken run of apply-series commits (steps,
    then prerequisites below them) ending at TIP, or None when TIP is not one."""
    from movops.prereqs import PREREQS
    subjects = {p.subject for p in PREREQS.values()}
    out = git(kdir, "log", "--first-parent", f"-{limit}", "--format=%H%x00%B%x01", tip)
    start = None
    seen_prereq = False
    for rec in out.split("\x01"):
        rec = rec.strip("\n")
        if not rec:
            continue
        sha, msg = rec.split("\0", 1)
        subject = msg.split("\n", 1)[0]
        stable = trailer.stable_source(msg)
        if (GENERATED_RE.search(msg) or stable and stable[0]) and not seen_prereq:
            start = sha
        elif (subject in subjects and not GENERATED_RE.search(msg) and not stable
              or stable and stable[1]):
            start = sha
            seen_prereq = True
        else:
            break
    return start


# -- what the series changes ------------------------------------------------

def changes(series, a=None, b=None):
    """FileChanges between A (default base) and B (default tip)."""
    a = a or series.base
    b = b or series.tip
    text = git(series.kdir, "diff", "-U0", "--no-color", "--no-ext-diff", "-M", a, b)
    return parse_diff(text)


def is_c(path):
    return path.endswith(".c") or path.endswith(".h")


# -- which objects a change affects -----------------------------------------

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def includes(path, text):
    """Repository paths a file's #include lines may name (both readings of
    a quoted include: next to the file, and under include/)."""
    out = []
    d = str(Path(path).parent)
    for kind, name in INCLUDE_RE.findall(text or ""):
        if kind == '"':
            out.append(str(Path(d) / name) if d not in ("", ".") else name)
        out.append("include/" + name)
        out.append("arch/x86/include/" + name)
    return out


# Every file that can hold the movable_ops API or its old encoding has one of
# these tokens; one git grep of a revision (seconds on a whole kernel) finds
# them, and narrower questions are then asked of these files only.
API_TOKENS = r"__SetPageMovable|movable_operations|PAGE_MAPPING_MOVABLE"


def api_files(kdir, rev, tree_id, store=None):
    """C files of REV containing API_TOKENS (stored by tree id)."""
    key = {"tree": tree_id, "re": API_TOKENS}
    if store is not None:
        got = store.get("apifiles", key)
        if got is not None:
            return got
    files = _grep_checkout(kdir, rev, API_TOKENS, ["*.c", "*.h"])
    if files is None:
        files = _grep_files(kdir, rev, API_TOKENS, ["*.c", "*.h"])
    if store is not None:
        store.put("apifiles", key, files)
    return files


def api_files_from(kdir, rev, base, base_files):
    """api_files() of REV, knowing BASE_FILES = api_files() of BASE: a file
    the diff BASE..REV does not touch has the same content in both, so
    only the touched files are searched (instead of the whole tree, several
    seconds per revision)."""
    res = git(kdir, "diff", "--name-only", "--no-renames", base, rev,
              "--", "*.c", "*.h", check=False, full=True)
    if res.returncode != 0:
        raise BadInput(f"{kdir}: git diff {base[:12]} {rev[:12]} failed: {res.stderr.strip()}")
    touched = [l for l in res.stdout.splitlines() if l]
    found = _grep_files(kdir, rev, API_TOKENS, touched) if touched else []
    return sorted((set(base_files) - set(touched)) | set(found))


def blob_ids(kdir, rev, files):
    """{path: blob id} of FILES at REV (content identities for the store)."""
    if not files:
        return {}
    res = git(kdir, "--literal-pathspecs", "ls-tree", "-z", rev, "--", *files, check=False,
              full=True)
    out = {}
    for rec in res.stdout.split("\0"):
        if "\t" in rec:
            meta, path = rec.split("\t", 1)
            out[path] = meta.split()[2]
    return out


def _grep_checkout(kdir, rev, regex, pathspecs):
    """_grep_files() of REV searched in KDIR's checked-out files, when they
    are REV's for PATHSPECS (the usual case: apply-series.sh leaves the
    checkout at the base); None when that is not shown.  Searching files
    takes a third of the CPU of searching a revision, whose every blob git
    must inflate (a second or more of a cold verify).  Every index entry
    must be a plain one ('H'): git diff-index trusts assume-unchanged
    entries and git grep passes over skip-worktree ones."""
    flags = git(kdir, "ls-files", "-v", "-z", check=False, full=True)
    if flags.returncode != 0 or any(e and not e.startswith("H ")
                                    for e in flags.stdout.split("\0")):
        return None
    same = git(kdir, "diff-index", "--quiet", rev, "--", *pathspecs, check=False, full=True)
    if same.returncode != 0:
        return None
    words = regex.split("|")
    assert all(re.fullmatch(r"\w+", w) for w in words), regex
    pats = [a for w in words for a in ("-e", w)]
    res = git(kdir, "grep", "--full-name", "-l", "-I", "-F", *pats, "--",
              *pathspecs, check=False, full=True)
    if res.returncode not in (0, 1):
        return None
    return sorted(l for l in res.stdout.splitlines() if l)


def _grep_files(kdir, rev, regex, pathspecs):
    # --literal-pathspecs would break the globs; touched paths have none.
    # The alternatives are plain words: as fixed strings git searches for
    # them all at once, in half the time of the regular expression (the
    # whole tree of a cold run: seconds of CPU).
    words = regex.split("|")
    assert all(re.fullmatch(r"\w+", w) for w in words), regex
    pats = [a for w in words for a in ("-e", w)]
    res = git(kdir, "grep", "-l", "-I", "-F", *pats, rev, "--", *pathspecs, check=False, full=True)
    if res.returncode not in (0, 1):
        raise BadInput(f"{kdir}: git grep failed on {rev[:12]}: {res.stderr.strip()}")
    return sorted(l.split(":", 1)[1] for l in res.stdout.splitlines())


def users(series, base_files, tip_files):
    """Files that mention the movable_ops API at the base or the tip, plus
    the core migration files: {path: text at tip}.  BASE_FILES and TIP_FILES
    are api_files() of the two revisions."""
    found = set(CORE_USERS)
    for rev, files in ((series.base, base_files), (series.tip, tip_files)):
        if not files:
            continue
        found |= set(_grep_files(series.kdir, rev, USER_RE, files))
    tip = Tree(series.kdir, series.tip)
    texts = tip.read_many(sorted(found))
    return {p: t for p, t in texts.items() if t is not None}


def header_includers(user_texts, header):
    """User .c files that include HEADER, directly or through user headers."""
    reach = {header}
    changed = True
    # Fixed point over the user headers: a header that includes something
    # in REACH is itself in REACH.
    while changed:
        changed = False
        for p, text in user_texts.items():
            if p.endswith(".h") and p not in reach and set(includes(p, text)) & reach:
                reach.add(p)
                changed = True
    return sorted(p for p, text in user_texts.items()
                  if p.endswith(".c") and set(includes(p, text)) & reach)


def commit_changes(series):
    """[FileChange] of every commit of SERIES against its parent, each
    with the two revisions its line numbers are of (old_rev, new_rev): a
    commit's lines are not the tip's once a later commit moves them."""
    out = []
    prev = series.base
    for c in series.commits:
        for fc in changes(series, prev, c.sha):
            fc.old_rev, fc.new_rev = prev, c.sha
            out.append(fc)
        prev = c.sha
    return out


def affected_objects(series, file_changes, base_files=(), tip_files=(), commit_changes=()):
    """(objects, reasons): the .o files to build and why each one.

    Every changed .c file that exists at the tip gives its object; every
    changed header gives the objects of the movable_ops users that include
    it (all users when none does, directly or through a user header).
    FILE_CHANGES are those of the whole series; COMMIT_CHANGES, those of
    its commits one by one, add what a commit changes and a later one puts
    back: the final diff does not show it, but bisection must build it.
    """
    reasons = {}
    user_texts = None

    def add(obj, why):
        if why not in reasons.setdefault(obj, []):
            reasons[obj].append(why)

    final = {fc.path for fc in file_changes}
    for fc in list(file_changes) + [fc for fc in commit_changes if fc.path not in final]:
        p = fc.path
        if not p:
            continue
        later = "" if p in final else " by a commit (not in the final diff)"
        if p.endswith(".c"):
            add(p[:-2] + ".o", f"{p} changed{later}")
        elif p.endswith(".h"):
            if user_texts is None:
                user_texts = users(series, base_files, tip_files)
            inc = header_includers(user_texts, p)
            if not inc:
                inc = sorted(u for u in user_texts if u.endswith(".c"))
                why = f"{p} changed{later} (no user includes it directly: all users)"
            else:
                why = f"includes {p}, changed{later}" if later else f"includes {p}"
            for u in inc:
                add(u[:-2] + ".o", why)
    return sorted(reasons), reasons
