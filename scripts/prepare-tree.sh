#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# prepare-tree.sh - give a cached, baselined copy of a Debian kernel source
# package, fetching and unpacking it on first use.
#
# Usage: scripts/prepare-tree.sh [-q] [--pinned | --deb-version V] VERSION
#        (VERSION: the package's, e.g. 6.12 or 6.1)
#
# Without --pinned: the installed linux-source-VERSION (installed first if
# missing), unpacked from /usr/src/linux-source-VERSION.tar.xz; what the
# demo and a user's own runs work on.
# With --pinned: the exact version scripts/pinned-trees.txt names, fetched
# by scripts/pinned-deb.sh into $MOVOPS_CACHE/debs without installing it;
# what the tests, 'make expected' and 'make bench' work on.  Where that
# version cannot be downloaded any more, the installed package is used
# instead, and one line on stderr says so.
# With --deb-version V: the exact Debian version V of linux-source-VERSION
# (e.g. 6.12.107-1~deb12u1), fetched the same way; no fallback (make drift).
#
# The tree is unpacked into $MOVOPS_CACHE/src/linux-source-<full version>
# (default ~/.cache/movops) and given one reproducible baseline commit with
# baseline-tree.sh.  Later calls reuse it.  Prints the tree's path on
# stdout.  The cached tree is the pristine base: work on clones of it
# ('git clone --shared'), never in it.
#
# Exit: 0 ready, 2 bad input or usage, 3 it could not be done (the package
# cannot be downloaded, a command failed) (README.md, "Exit status").

set -eu -o pipefail
# A command that fails stops the script with status 3 (set -e).
trap 'exit 3' ERR

quiet=""
pinned=""
exact=""
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) awk 'NR > 2 { if (!/^#/) exit; sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	-q) quiet=-q; shift ;;
	--pinned) pinned=1; shift ;;
	--deb-version)
		[ $# -ge 2 ] || { echo "prepare-tree: --deb-version needs a Debian version, e.g. 6.12.107-1~deb12u1" >&2; exit 2; }
		exact=$2; shift 2 ;;
	-*) echo "prepare-tree: unknown option $1; see --help" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { echo "usage: prepare-tree.sh [-q] [--pinned | --deb-version V] VERSION" >&2; exit 2; }
[ -z "$pinned" ] || [ -z "$exact" ] || { echo "prepare-tree: give --pinned or --deb-version, not both" >&2; exit 2; }
version=$1
pkg=linux-source-$version
here=$(cd "$(dirname "$0")" && pwd)
cache=$("$here/py" -m core.cache)
mkdir -p "$cache/src"

# '~' and ':' are legal in Debian versions and awkward in paths.
tree_of() { echo "$cache/src/$pkg-$(echo "$1" | tr '~:' '__')"; }
ready() { [ -d "$1/.git" ] && [ ! -e "$1/.git/movops-baseline-incomplete" ]; }

# Where the tarball comes from, and the full version it unpacks to.  A tree
# already prepared is used as it is: no download, no network needed.
deb=""
if [ -n "$exact" ] || [ -n "$pinned" ]; then
	want=$exact
	[ -n "$want" ] || want=$("$here/pinned-deb.sh" --version "$pkg") || exit $?
	if ready "$(tree_of "$want")"; then
		tree_of "$want"
		exit 0
	fi
	rc=0
	if [ -n "$exact" ]; then
		deb=$("$here/pinned-deb.sh" $quiet "$pkg=$want") || rc=$?
		[ $rc -eq 0 ] || exit $rc
	else
		deb=$("$here/pinned-deb.sh" $quiet --try "$pkg") || rc=$?
		if [ $rc -eq 3 ]; then
			echo "prepare-tree: the pinned $pkg=$want can no longer be downloaded (${deb#*: }); using the installed $pkg instead (move the pin: docs/golden.md, \"Pinned trees\")" >&2
			deb=""
		elif [ $rc -ne 0 ]; then
			exit $rc
		fi
	fi
fi
if [ -n "$deb" ]; then
	full=$want
else
	"$here/py" -m core.deps "$pkg" >&2
	full=$(dpkg-query -W -f='${Version}' "$pkg")
fi
tarball=/usr/src/$pkg.tar.xz
tree=$(tree_of "$full")

if ready "$tree"; then
	echo "$tree"
	exit 0
fi
[ -n "$deb" ] || [ -f "$tarball" ] || { echo "prepare-tree: $tarball missing after installing $pkg; reinstall it (apt-get install --reinstall $pkg)" >&2; exit 3; }

exec 9>"$tree.lock"
flock 9
if [ ! -d "$tree/.git" ] || [ -e "$tree/.git/movops-baseline-incomplete" ]; then
	if [ ! -f "$tree/.movops-unpacked" ]; then
		tmp=$(mktemp -d "$cache/src/.unpack.XXXXXX")
		trap 'rm -rf "$tmp"' EXIT
		if [ -n "$deb" ]; then
			[ -n "$quiet" ] || echo "prepare-tree: unpacking $(basename "$deb") into $cache/src (about 15 s)" >&2
			dpkg-deb --fsys-tarfile "$deb" | tar -x -O -f - "./usr/src/$pkg.tar.xz" | tar -x -J -C "$tmp"
		else
			[ -n "$quiet" ] || echo "prepare-tree: unpacking $tarball into $cache/src (about 10 s)" >&2
			tar -C "$tmp" -xf "$tarball"
		fi
		rm -rf "$tree"
		mv "$tmp/$pkg" "$tree"
		rmdir "$tmp"
		trap - EXIT
		touch "$tree/.movops-unpacked"
	fi
	# The marker must not become part of the baseline.
	rm -f "$tree/.movops-unpacked"
	"$here/baseline-tree.sh" $quiet "$tree" >&2 || { touch "$tree/.movops-unpacked"; exit 3; }
fi
echo "$tree"
