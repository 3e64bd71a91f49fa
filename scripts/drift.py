#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""drift.py - the series on every Debian point release of a stable line,
against its golden: a report for maintainers, not a CI gate.

Usage: scripts/drift.py [--entry NAME] [--release V]... [--output DIR] [-q]

The golden entry (default expected/6.12-drop-z3fold) names the stable
line (its tree.json source, debian:6.12), the prerequisites and the files
the series reads.  The releases are every version of linux-source-<line>
that 'apt-cache madison' lists, plus the pinned one (scripts/
pinned-trees.txt) and the installed one; --release V (repeatable) names
them instead.  For each release it

  - fetches the .deb with 'apt-get download' into $MOVOPS_CACHE/debs and
    unpacks and baselines it into $MOVOPS_CACHE/src, once
    (scripts/prepare-tree.sh --deb-version; about 1.5 GB per release);
  - lists the files of the rework (tree.json "files") that changed since
    the pinned release;
  - runs scripts/apply-series.sh with the entry's prerequisites on a
    sparse clone (the golden's identity, so that only the base differs);
  - compares the series with the golden the way verify.py does
    (scripts/verifier/golden.py, content.py): by content, and on the
    golden's own tree byte for byte too; the cover letter with versions
    and line numbers abstracted.

It prints one row per release and the details below, and writes them to
DIR/drift.txt and DIR/drift.json (default DIR: $MOVOPS_CACHE/drift),
with each release's patches in DIR/<version>/.

Exit: 0 no drift (every release fetched, the series applied and its
content equals the golden), 1 drift (on some release the series did not
apply or its content differs), 2 bad input, 3 drift.py could not do its
work (a command failed) or, with no drift, some release could not be
fetched; 130 interrupted (README.md, "Exit status").
"""
import functools
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from core import cache
from core.cli import Parser
from core.paths import OutputDir
from core.errors import (EXIT_ENV, EXIT_INTERRUPTED, EXIT_NO, EXIT_OK, EXIT_USAGE, BadInput,
                         EnvironmentFailure, MovopsError)
from core.proc import git, interrupt_on_signals, run
from core.tables import table
from movops.tree import Tree
from verifier import content, golden

REPO = Path(__file__).resolve().parents[1]

PREPARE = REPO / "scripts" / "prepare-tree.sh"
PINNED = REPO / "scripts" / "pinned-deb.sh"
APPLY = REPO / "scripts" / "apply-series.sh"
# The identity scripts/make-expected.py makes the goldens with: the byte
# comparison on the pinned release needs it.
IDENTITY = ("Movops Tester", "tester@example.org")


class Progress:
    def __init__(self, quiet):
        self.quiet = quiet
        self.t0 = time.monotonic()

    def __call__(self, msg):
        if not self.quiet:
            print(f"drift: [{time.monotonic() - self.t0:6.1f}s] {msg}", file=sys.stderr,
                  flush=True)


# -- the releases ---------------------------------------------------------------

def debian_sort(versions):
    """VERSIONS in Debian's order, oldest first."""
    def cmp(a, b):
        if a == b:
            return 0
        return -1 if run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0 else 1
    return sorted(set(versions), key=functools.cmp_to_key(cmp))


def releases(pkg):
    """(every version of PKG to run, oldest first; the pinned version; the
    installed version or '')."""
    pinned = run([PINNED, "--version", pkg], check=True).stdout.strip()
    res = run(["apt-cache", "madison", pkg])
    known = [l.split("|")[1].strip() for l in res.stdout.splitlines() if l.count("|") >= 2]
    installed = run(["dpkg-query", "-W", "-f=${Status} ${Version}", pkg]).stdout
    installed = installed.split()[-1] if installed.startswith("install ok installed") else ""
    return debian_sort(known + [pinned] + ([installed] if installed else [])), pinned, installed


# -- one release ----------------------------------------------------------------

def prepare(line, version):
    """(cached tree, '') or (None, why it cannot be fetched)."""
    res = run([PREPARE, "-q", "--deb-version", version, line])
    if res.returncode == 0:
        return Path(res.stdout.strip().splitlines()[-1]), ""
    why = (res.stderr.strip().splitlines() or [f"exit {res.returncode}"])[-1]
    if res.returncode == 3:
        return None, why
    raise EnvironmentFailure(f"prepare-tree.sh --deb-version {version} {line}: {why}")


def blobs(tree, files):
    """{file: blob id or None} at the cached tree's baseline."""
    out = git(tree, "ls-tree", "HEAD", "--", *files)
    ids = {l.split("\t", 1)[1]: l.split()[2] for l in out.splitlines()}
    return {f: ids.get(f) for f in files}


def clone(tree, dest):
    """A sparse clone (mm/ checked out: apply-series reads the base through
    git) with the golden's identity."""
    run(["git", "clone", "-q", "--shared", "--no-checkout", tree, dest], check=True)
    git(dest, "sparse-checkout", "set", "--cone", "mm")
    git(dest, "checkout", "-q")
    git(dest, "config", "user.name", IDENTITY[0])
    git(dest, "config", "user.email", IDENTITY[1])


def compare(entry_dir, meta, kdir, out):
    """The series in OUT against the golden: (relation, content
    differences, cover letter differences, bytes equal or None where the
    base is not the golden's)."""
    rel, _ = golden.relation(meta, Tree(kdir, "HEAD"))
    gold = golden.golden_patches(entry_dir)
    got = golden.golden_patches(out)
    diffs = content.compare(golden.content_of(gold), golden.content_of(got))
    cover = content.compare_reports((entry_dir / "0000-cover-letter.patch").read_text(),
                                    (out / "0000-cover-letter.patch").read_text(),
                                    "cover letter")
    same_bytes = None
    if rel == golden.SAME_BASE:
        same_bytes = (not golden.compare(got, gold)[0]
                      and (out / "0000-cover-letter.patch").read_bytes()
                      == (entry_dir / "0000-cover-letter.patch").read_bytes())
    return rel, diffs, cover, same_bytes


def run_release(args, version, line, meta, entry_dir, pinned_blobs, work, say):
    r = {"version": version, "linux": "", "fetched": False, "fetch_error": "",
         "files_changed": [], "applied": False, "exit": None, "error": "",
         "commits": 0, "relation": "", "content_equal": None, "bytes_equal": None,
         "differences": [], "cover_letter": "", "seconds": {}}
    t = time.monotonic()
    say(f"{version}: fetching and preparing (cached after the first run)")
    tree, why = prepare(line, version)
    r["seconds"]["prepare"] = round(time.monotonic() - t, 1)
    if tree is None:
        r["fetch_error"] = why
        say(f"{version}: cannot be fetched: {why}")
        return r
    r["fetched"] = True
    r["linux"] = Tree(tree, "HEAD").version()
    now = blobs(tree, meta["files"])
    r["files_changed"] = [f for f in meta["files"] if now[f] != pinned_blobs[f]]

    kdir = work / version.replace("~", "_").replace(":", "_")
    out = args.outdir.subdir(version.replace("~", "_").replace(":", "_"))
    t = time.monotonic()
    clone(tree, kdir)
    pre = [a for p in meta.get("prereqs", []) for a in ("--prereq", p)]
    res = run([APPLY, "-q", *pre, "--output", out, kdir])
    r["seconds"]["series"] = round(time.monotonic() - t, 1)
    r["exit"] = res.returncode
    if res.returncode != 0:
        r["error"] = (res.stderr.strip().splitlines() or [f"exit {res.returncode}"])[-1]
        say(f"{version}: the series did not apply: {r['error']}")
        shutil.rmtree(kdir, ignore_errors=True)
        return r
    r["applied"] = True
    r["commits"] = len(golden.golden_patches(out))
    rel, diffs, cover, same_bytes = compare(entry_dir, meta, kdir, out)
    shutil.rmtree(kdir, ignore_errors=True)
    r.update(relation=rel or "", content_equal=not diffs and not cover,
             bytes_equal=same_bytes, differences=[d.to_json() for d in diffs],
             cover_letter=cover)
    r["_diffs"] = diffs
    say(f"{version}: Linux {r['linux']}: {len(r['files_changed'])} files changed since the "
        f"pinned release; series applied ({r['commits']} patches, "
        f"{r['seconds']['series']:.0f} s); content "
        f"{'equal' if r['content_equal'] else 'DIFFERS'}")
    return r


# -- the report -------------------------------------------------------------------

def content_cell(r):
    if not r["applied"]:
        return "-"
    if r["content_equal"]:
        return "equal" + (", bytes too" if r["bytes_equal"] else
                          ", BYTES DIFFER" if r["bytes_equal"] is False else "")
    parts = []
    if r["_diffs"]:
        parts.append(content.summary(r["_diffs"]))
    if r["cover_letter"]:
        parts.append("cover letter differs")
    return "DIFFERS: " + "; ".join(parts)


def report_text(rep, results):
    pinned, n_files = rep["pinned"], len(rep["files"])
    since = rep["pinned_linux"]
    head = [f"drift of expected/{rep['entry']} (Linux {rep['golden_version']}, "
            f"prereqs: {', '.join(rep['prereqs']) or 'none'}) over linux-source-{rep['line']}",
            f"pinned {pinned}; installed {rep['installed'] or 'none'}; "
            f"{len(results)} releases in {rep['total_s']:.0f} s", ""]
    rows = []
    for r in results:
        mark = [m for m, v in (("pinned", pinned), ("installed", rep["installed"]))
                if r["version"] == v]
        name = r["version"] + (f" ({', '.join(mark)})" if mark else "")
        if not r["fetched"]:
            rows.append((name, "-", "-", "cannot be fetched", "-", "-"))
            continue
        applied = (f"yes, {r['commits']} patches" if r["applied"]
                   else f"NO (exit {r['exit']})")
        secs = sum(r["seconds"].values())
        rows.append((name, r["linux"], f"{len(r['files_changed'])}/{n_files}", applied,
                     content_cell(r), f"{secs:.0f}s"))
    lines = head + table(("release", "linux", f"files changed since {since}",
                          "series applied", "content vs golden", "time"), rows)
    lines.append("")
    for r in results:
        if not r["fetched"]:
            lines.append(f"{r['version']}: {r['fetch_error']}")
            continue
        changed = ", ".join(r["files_changed"]) or "none"
        lines.append(f"{r['version']}: files of the rework changed since {since}: {changed}")
        if not r["applied"]:
            lines.append(f"    the series did not apply: {r['error']}")
        for d in r.get("_diffs", []):
            lines += ["    " + l for l in content.render(d, limit=30).split("\n")]
        if r["cover_letter"]:
            lines += ["    " + l for l in r["cover_letter"].split("\n")]
    return "\n".join(lines) + "\n"


def main(argv=None):
    ap = Parser(
        prog="drift.py", description=__doc__.split("\n\n")[0],
        epilog="Exit: 0 no drift, 1 drift (not applied or content differs), 2 bad input, "
               "3 drift.py could not do its work (a command failed) or, with no drift, "
               "some release could not be fetched; 130 interrupted.")
    ap.add_argument("--entry", default="6.12-drop-z3fold",
                    help="the golden entry of expected/ (default 6.12-drop-z3fold)")
    ap.add_argument("--release", action="append", metavar="V",
                    help="a Debian version to run (repeatable; default: every version "
                         "apt-cache madison lists, the pinned and the installed one)")
    ap.add_argument("--output", metavar="DIR",
                    help="where drift.txt, drift.json and the patches go: a new or empty "
                         "directory, or one drift.py filled before (default "
                         "$MOVOPS_CACHE/drift)")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    try:
        args = ap.parse_args(argv)
    except SystemExit as e:
        return EXIT_USAGE if e.code else EXIT_OK
    say = Progress(args.quiet)
    t0 = time.monotonic()
    interrupt_on_signals()
    try:
        # Before any work; drift.py replaces only what it wrote there
        # before (core.paths.OutputDir).
        args.outdir = (OutputDir.claim(args.output, "--output", "drift.py", force=True)
                       if args.output else OutputDir.own(cache.path("drift"), "drift.py"))
        entry_dir = golden.expected_dir() / args.entry
        tj = entry_dir / "tree.json"
        if not tj.is_file() or not golden.golden_patches(entry_dir):
            raise BadInput(f"{entry_dir}: no golden series there; give --entry the name of an "
                           "expected/ entry with patches")
        meta = json.loads(tj.read_text())
        source = meta.get("source", "")
        if not source.startswith("debian:"):
            raise BadInput(f"expected/{args.entry} was made from {source or 'no source'}, not "
                           "a Debian package; give an entry with source debian:X.Y")
        line = source.split(":", 1)[1]
        pkg = f"linux-source-{line}"
        found, pinned, installed = releases(pkg)
        todo = debian_sort(args.release) if args.release else found
        say(f"{len(todo)} releases of {pkg}: {', '.join(todo)}")
        ptree, why = prepare(line, pinned)
        if ptree is None:
            raise EnvironmentFailure(f"the pinned {pkg}={pinned} cannot be fetched ({why}); "
                                     "move the pin (docs/golden.md, 'Pinned trees')")
        pinned_blobs = blobs(ptree, meta["files"])
        results = []
        with tempfile.TemporaryDirectory(prefix="movops-drift-") as work:
            for v in todo:
                results.append(run_release(args, v, line, meta, entry_dir, pinned_blobs,
                                           Path(work), say))
    except MovopsError as e:
        print(f"drift: {e}", file=sys.stderr)
        return e.status
    except KeyboardInterrupt:
        print("drift: interrupted; no report written", file=sys.stderr)
        return EXIT_INTERRUPTED
    rep = {"entry": args.entry, "line": line, "golden_version": meta.get("version"),
           "prereqs": meta.get("prereqs", []), "files": meta["files"], "pinned": pinned,
           "pinned_linux": Tree(ptree, "HEAD").version(),
           "installed": installed, "total_s": round(time.monotonic() - t0, 1)}
    text = report_text(rep, results)
    for r in results:
        r.pop("_diffs", None)
    rep["releases"] = results
    out = args.outdir.path
    args.outdir.write("drift.txt", text)
    args.outdir.write("drift.json", json.dumps(rep, indent=1) + "\n")
    args.outdir.finish()
    print(text, end="")
    say(f"report: {out / 'drift.txt'} and drift.json beside it")
    return exit_status(results)


def exit_status(results):
    """1 drift (a release where the series did not apply or its content
    differs), else 3 where a release could not be fetched, else 0."""
    if any(r["fetched"] and not (r["applied"] and r["content_equal"]) for r in results):
        return EXIT_NO
    if any(not r["fetched"] for r in results):
        return EXIT_ENV
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
