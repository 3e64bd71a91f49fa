# SPDX-License-Identifier: GPL-2.0
"""Commits built beside a repository, published in one step.

Every object the series creates goes to a private object directory that
borrows the repository's objects as alternates, and every tree is built in
a private index.  The user's index, working tree and refs are not touched
until publish(), which copies the new objects in and then moves one ref.
An interrupted run therefore leaves the repository exactly as it was.
"""
import os
from pathlib import Path

from core.paths import write_whole
from core.proc import git


# What the series' commits and patch text must not inherit from the user's
# git configuration: a signing or encoding setting would change the commit
# IDs, and diff and format settings the bytes of the patches (noprefix also
# breaks checkpatch and git am).  Given as -c options to every git command
# of the stage; verify.py regenerates patches with the same.
CANONICAL_CONFIG = [
    "commit.gpgSign=false", "i18n.commitEncoding=UTF-8", "i18n.logOutputEncoding=UTF-8",
    "core.quotePath=true", "color.ui=never", "color.diff=never", "log.showSignature=false",
    "diff.noprefix=false", "diff.mnemonicPrefix=false", "diff.relative=false",
    "diff.srcPrefix=a/", "diff.dstPrefix=b/", "diff.orderFile=/dev/null",
    "diff.algorithm=myers", "diff.context=3", "diff.interHunkContext=0",
    "diff.suppressBlankEmpty=false", "diff.renames=true", "diff.indentHeuristic=true",
    "format.useAutoBase=false", "format.thread=false", "format.signOff=false",
    "format.coverLetter=false", "format.notes=false", "format.from=false",
    "format.forceInBodyFrom=false", "format.subjectPrefix=PATCH", "format.suffix=.patch",
    "format.filenameMaxLength=64", "format.encodeEmailHeaders=true",
    "grep.lineNumber=false", "grep.column=false", "grep.patternType=default",
    "grep.extendedRegexp=false", "grep.fullName=false", "grep.fallbackToNoIndex=false",
]


def config_env():
    """CANONICAL_CONFIG as environment variables, which every git command
    started with them honours like -c options (git 2.31 and later)."""
    env = {"GIT_CONFIG_COUNT": str(len(CANONICAL_CONFIG))}
    for i, c in enumerate(CANONICAL_CONFIG):
        k, v = c.split("=", 1)
        env[f"GIT_CONFIG_KEY_{i}"] = k
        env[f"GIT_CONFIG_VALUE_{i}"] = v
    return env


def pin_config():
    """Make every git command this process starts ignore the settings of
    CANONICAL_CONFIG in the user's configuration: the tools parse git's
    output (a color.ui=always or grep.column would break that) and
    promise the same commits and patches whatever the configuration."""
    os.environ.update(config_env())


# format-patch options that undo list-valued settings -c cannot reset.
FORMAT_PATCH_RESET = ["--no-to", "--no-cc", "--no-add-header"]


class Stage:
    def __init__(self, kdir, workdir):
        self.kdir = Path(kdir)
        self.gitdir = Path(self._plain("rev-parse", "--absolute-git-dir").strip())
        self.common = Path(self._plain("rev-parse", "--git-common-dir").strip())
        if not self.common.is_absolute():
            self.common = (self.kdir / self.common).resolve()
        self.objects = Path(workdir) / "objects"
        self.objects.mkdir(parents=True, exist_ok=True)
        self.index = Path(workdir) / "index"
        self.env = dict(os.environ)
        self.env.update(config_env())
        self.env.update({
            "GIT_OBJECT_DIRECTORY": str(self.objects),
            "GIT_ALTERNATE_OBJECT_DIRECTORIES": str(self.common / "objects"),
            "GIT_INDEX_FILE": str(self.index),
        })
        for k in ("GIT_DIR", "GIT_WORK_TREE"):
            self.env.pop(k, None)

    def _plain(self, *args, input=None):
        """git in the repository itself, outside the stage."""
        return git(self.kdir, *args, input=input)

    def git(self, *args, input=None, env=None):
        return git(self.kdir, *args, input=input, env=dict(self.env, **(env or {})))

    def hash_blobs(self, root, rels):
        """Write the files REL (under ROOT) as blobs; {rel: sha}."""
        if not rels:
            return {}
        paths = "\n".join(str(Path(root) / r) for r in rels) + "\n"
        out = self.git("hash-object", "-w", "--no-filters", "--stdin-paths", input=paths)
        return dict(zip(rels, out.split()))

    def commit(self, parent, changes, deletions, message, ident, date, author=None):
        """A commit on PARENT with files changed ({rel: blob}) and deleted,
        committed by IDENT at DATE and authored by them too, or by AUTHOR
        (name, email, date): a backport keeps its upstream author."""
        self.git("read-tree", parent)
        if changes:
            modes = {}
            listing = self.git("ls-tree", "-r", parent, "--", *sorted(changes))
            for line in listing.splitlines():
                meta, path = line.split("\t", 1)
                modes[path] = meta.split()[0]
            spec = "".join(f"{modes.get(r, '100644')} {sha}\t{r}\n"
                           for r, sha in sorted(changes.items()))
            self.git("update-index", "--index-info", input=spec)
        if deletions:
            spec = "".join(f"0 {'0' * 40}\t{r}\n" for r in sorted(deletions))
            self.git("update-index", "--index-info", input=spec)
        tree = self.git("write-tree").strip()
        name, email = ident
        a_name, a_email, a_date = author or (name, email, date)
        env = {"GIT_AUTHOR_NAME": a_name, "GIT_AUTHOR_EMAIL": a_email,
               "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email,
               "GIT_AUTHOR_DATE": a_date, "GIT_COMMITTER_DATE": date}
        return self.git("commit-tree", tree, "-p", parent, "-F", "-",
                        input=message, env=env).strip()

    def publish(self, ref, new, old):
        """Copy the new objects into the repository, then move REF.

        Copying first means a crash between the two leaves only unreachable
        objects, never a ref to a missing object.
        """
        dest = self.common / "objects"
        for sub in self.objects.iterdir():
            if not sub.is_dir() or len(sub.name) != 2:
                continue
            (dest / sub.name).mkdir(exist_ok=True)
            for obj in sub.iterdir():
                target = dest / sub.name / obj.name
                if not target.exists():
                    # Read-only, as git writes its loose objects.
                    write_whole(target, obj.read_bytes(), mode=0o444)
        self._plain("update-ref", "-m", "movops: apply-series", ref, new, old or "0" * 40)
