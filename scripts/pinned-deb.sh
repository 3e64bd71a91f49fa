#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pinned-deb.sh - a Debian package of an exact version, as a .deb file in
# $MOVOPS_CACHE/debs (default ~/.cache/movops/debs).
#
# Usage: scripts/pinned-deb.sh [-q] PACKAGE          the version pinned in
#                                                    scripts/pinned-trees.txt
#        scripts/pinned-deb.sh [-q] PACKAGE=VERSION  that exact version
#                                                    (make drift: any point release)
#        scripts/pinned-deb.sh --version PACKAGE     print the pinned version
#
# Prints the .deb's path.  Downloads it with 'apt-get download
# PACKAGE=VERSION' on first use (after an 'apt-get update' when the package
# lists do not know that version).  Nothing is installed: the package the
# user has installed stays as it is.
#
# --try: where the version cannot be downloaded, say why on stdout instead
# of stderr (prepare-tree.sh --pinned folds it into its one line).
#
# Exit: 0 done, 2 bad input or usage, 3 that version cannot be downloaded
# (no longer in the archive, or no network) (README.md, "Exit status").

set -u

here=$(cd "$(dirname "$0")" && pwd)
pins=$here/pinned-trees.txt
quiet=""
try=""
while :; do
	case "${1:-}" in
	-q) quiet=1; shift ;;
	--try) try=1; shift ;;
	*) break ;;
	esac
done
case "${1:-}" in
-h|--help) awk 'NR > 2 { if (!/^#/) exit; sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
--version)
	[ $# -eq 2 ] || { echo "usage: pinned-deb.sh --version PACKAGE" >&2; exit 2; }
	v=$(awk -v p="$2" '$1 == p { print $2 }' "$pins")
	[ -n "$v" ] || { echo "pinned-deb: $2 is not pinned in $pins; add a line 'PACKAGE VERSION' there" >&2; exit 2; }
	echo "$v"; exit 0 ;;
esac
[ $# -eq 1 ] || { echo "usage: pinned-deb.sh [-q] [--try] PACKAGE[=VERSION]" >&2; exit 2; }
case "$1" in
*=*) pkg=${1%%=*}; version=${1#*=}
     [ -n "$pkg" ] && [ -n "$version" ] || { echo "pinned-deb: '$1': give PACKAGE=VERSION" >&2; exit 2; } ;;
*)   pkg=$1; version=$("$0" --version "$pkg") || exit $? ;;
esac
cache=$("$here/py" -m core.cache) || exit 3
debs=$cache/debs
unavailable() {
	if [ -n "$try" ]; then echo "$1"; else echo "pinned-deb: $1" >&2; fi
	exit 3
}

# apt-get download names the file PACKAGE_VERSION_ARCH.deb, with the
# epoch's ':' written as %3a.
cached() { ls "$debs/${pkg}_${version//:/%3a}"_*.deb 2>/dev/null | head -n 1; }
deb=$(cached)
if [ -n "$deb" ]; then
	echo "$deb"
	exit 0
fi

mkdir -p "$debs"
exec 9>"$debs/.lock"
flock 9
# Another run may have fetched it while this one waited for the lock.
deb=$(cached)
if [ -n "$deb" ]; then
	echo "$deb"
	exit 0
fi
tmp=$(mktemp -d "$debs/.download.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log=$tmp/apt.log
[ -n "$quiet" ] || echo "pinned-deb: downloading $pkg=$version into $debs" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
# apt-get download writes into the current directory; as root it warns that
# the _apt user cannot write there, which is harmless.
if ! (cd "$tmp" && apt-get download "$pkg=$version" >"$log" 2>&1); then
	$sudo apt-get update >>"$log" 2>&1
	if ! (cd "$tmp" && apt-get download "$pkg=$version" >>"$log" 2>&1); then
		unavailable "$pkg=$version cannot be downloaded: $(grep -m1 '^E:' "$log" || tail -n 1 "$log")"
	fi
fi
got=$(ls "$tmp"/*.deb 2>/dev/null | head -n 1)
if [ -z "$got" ]; then
	keep=$(mktemp "$debs/.apt-log.XXXXXX")
	cp "$log" "$keep"
	unavailable "apt-get download $pkg=$version left no .deb; see $keep"
fi
mv "$got" "$debs/"
echo "$debs/$(basename "$got")"
