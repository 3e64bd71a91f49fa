#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# baseline-tree.sh - turn an unpacked kernel source tree (such as Debian's
# linux-source-* tarball) into a git repository with one baseline commit, so
# that apply-series.sh can build a commit series on top of it.
#
# Usage: scripts/baseline-tree.sh [-q] KDIR
#
# Every file of the tree is committed, including those the tree's own
# top-level .gitignore hides (Debian's ignores '/*', so a plain 'git add -A'
# would add nothing).  The commit is reproducible: its author, committer and
# date are fixed (the date is the mtime of KDIR/Makefile, which the Debian
# package sets from its changelog), so the same tarball always gives the same
# commit ID.
#
# Exit: 0 baseline made, 2 bad input or usage, 3 a command failed
# (README.md, "Exit status").

set -eu
# A command that fails stops the script with status 3 (set -e).
trap 'exit 3' ERR

quiet=0
case "${1:-}" in
-h|--help) awk 'NR > 2 { if (!/^#/) exit; sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
-q) quiet=1; shift ;;
esac
[ $# -eq 1 ] || { echo "usage: baseline-tree.sh [-q] KDIR" >&2; exit 2; }
kdir=$1

die() { echo "baseline-tree: $*" >&2; exit 2; }

[ -d "$kdir" ] || { [ -e "$kdir" ] && die "$kdir: not a directory; give the path of an unpacked kernel tree"; die "$kdir: no such directory; give the path of an unpacked kernel tree"; }
[ -f "$kdir/Makefile" ] && grep -q '^VERSION = ' "$kdir/Makefile" && [ -d "$kdir/mm" ] ||
	die "$kdir: not a kernel tree (no top-level Makefile with VERSION, or no mm/); point at the top of an unpacked kernel source"
marker=.git/movops-baseline-incomplete
if [ -e "$kdir/$marker" ]; then
	rm -rf "$kdir/.git"	# left by an interrupted run of this script
elif [ -e "$kdir/.git" ]; then
	die "$kdir: already a git tree; commit your work there and run apply-series.sh on it directly"
fi

cd "$kdir"
date=$(stat -c %Y Makefile)
[ $quiet = 1 ] || echo "baseline-tree: committing every file of $kdir (about a minute for a full kernel)"
# An interrupted run removes its half-made repository; a killed one leaves
# the marker, and the next run starts over.
trap 'rm -rf "$kdir/.git"' INT TERM HUP
git init -q .
touch "$marker"
# core.bigFileThreshold=1: every blob goes straight into one pack as it
# is read (git's bulk check-in) rather than into ~80,000 loose objects
# that a 'git gc' would then pack.  The blobs of one snapshot hardly delta
# against each other (6.1: 242 MiB this way, 244 MiB through gc), and
# gc's delta search was 90 s of 2 cores on top of the 40 s of adding.
git -c core.bigFileThreshold=1 add -f -A .
version=$(sed -n 's/^VERSION = //p;s/^PATCHLEVEL = /./p;s/^SUBLEVEL = /./p' Makefile | tr -d '\n')
GIT_AUTHOR_NAME="movops baseline" GIT_AUTHOR_EMAIL="movops@localhost" \
GIT_COMMITTER_NAME="movops baseline" GIT_COMMITTER_EMAIL="movops@localhost" \
GIT_AUTHOR_DATE="@$date +0000" GIT_COMMITTER_DATE="@$date +0000" \
	git -c commit.gpgsign=false -c gc.auto=0 commit -q --no-verify \
	-m "Baseline: Linux $version source tree" \
	-m "Unpacked kernel sources committed as they are, as the base of a series."
rm -f "$marker"
trap - INT TERM HUP
# Pack the trees and the commit too, in the foreground.  Left loose, the
# next commit in the tree may start a detached 'git gc --auto' that
# outlives this script: it competes for the cores with what runs next, and
# the moment it finishes changes what git prints (abbreviated object
# names are as long as the packed object count asks: 9 digits for a
# kernel, once its ~83,000 objects are in packs).
git repack -d -q
[ $quiet = 1 ] || echo "baseline-tree: $kdir is now a git tree at $(git -C "$kdir" rev-parse --short HEAD)"
