#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# prepare-tree.sh - give a cached, baselined copy of a Debian kernel source
# package, installing and unpacking it on first use.
#
# Usage: scripts/prepare-tree.sh [-q] VERSION      (e.g. 6.12 or 6.1)
#
# Installs linux-source-VERSION if it is missing, unpacks
# /usr/src/linux-source-VERSION.tar.xz into $MOVOPS_CACHE/src (default
# ~/.cache/movops/src) and makes one reproducible baseline commit there with
# baseline-tree.sh.  Later calls reuse it.  Prints the tree's path on stdout.
# The cached tree is the pristine base: work on clones of it
# ('git clone --shared'), never in it.
#
# Exit: 0 ready, 1 failure.

set -eu

quiet=""
case "${1:-}" in
-h|--help) sed -n '3,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
-q) quiet=-q; shift ;;
esac
[ $# -eq 1 ] || { echo "usage: prepare-tree.sh [-q] VERSION" >&2; exit 1; }
version=$1
here=$(cd "$(dirname "$0")" && pwd)
cache=${MOVOPS_CACHE:-$HOME/.cache/movops}
tarball=/usr/src/linux-source-$version.tar.xz
tree=$cache/src/linux-source-$version

if [ -d "$tree/.git" ] && [ ! -e "$tree/.git/movops-baseline-incomplete" ]; then
	echo "$tree"
	exit 0
fi

"$here/ensure-deps.sh" "linux-source-$version" >&2
[ -f "$tarball" ] || { echo "prepare-tree: $tarball missing after installing linux-source-$version" >&2; exit 1; }

mkdir -p "$cache/src"
exec 9>"$cache/src/.lock-$version"
flock 9
if [ ! -d "$tree/.git" ] || [ -e "$tree/.git/movops-baseline-incomplete" ]; then
	if [ ! -f "$tree/.movops-unpacked" ]; then
		[ -n "$quiet" ] || echo "prepare-tree: unpacking $tarball into $cache/src (about 10 s)" >&2
		tmp=$(mktemp -d "$cache/src/.unpack.XXXXXX")
		tar -C "$tmp" -xf "$tarball"
		rm -rf "$tree"
		mv "$tmp/linux-source-$version" "$tree"
		rmdir "$tmp"
		touch "$tree/.movops-unpacked"
	fi
	# The marker must not become part of the baseline.
	rm -f "$tree/.movops-unpacked"
	"$here/baseline-tree.sh" $quiet "$tree" >&2 || { touch "$tree/.movops-unpacked"; exit 1; }
fi
echo "$tree"
