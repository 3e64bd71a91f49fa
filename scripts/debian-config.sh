#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debian-config.sh - a kernel configuration Debian ships, as a plain
# .config file, for 'verify.py --config'.
#
# Usage: scripts/debian-config.sh [--pinned] [--series 6.12] FLAVOUR
#        (FLAVOUR: e.g. cloud-amd64, amd64, rt-amd64)
#
# Takes config.amd64_none_FLAVOUR.xz (or config.amd64_FLAVOUR.xz) from
# Debian's linux-config-SERIES package: with --pinned the version
# scripts/pinned-trees.txt names, fetched into $MOVOPS_CACHE/debs without
# installing it (the installed package is used instead, said in one line,
# when it can no longer be downloaded); without, the installed package
# (installed first if missing).  Prints the path of the decompressed file,
# kept in $MOVOPS_CACHE/configs.
#
# Exit: 0 done, 2 bad input or usage (an unknown FLAVOUR), 3 it could not be
# done (a package cannot be downloaded, a command failed) (README.md, "Exit
# status").

set -eu
# A command that fails stops the script with status 3 (set -e).
trap 'exit 3' ERR

pinned=""
series=6.12
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) awk 'NR > 2 { if (!/^#/) exit; sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	--pinned) pinned=1; shift ;;
	--series) [ $# -ge 2 ] || { echo "debian-config: --series needs a version, e.g. 6.12" >&2; exit 2; }
		series=$2; shift 2 ;;
	-*) echo "debian-config: unknown option $1; see --help" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { echo "usage: debian-config.sh [--pinned] [--series 6.12] FLAVOUR" >&2; exit 2; }
flavour=$1
pkg=linux-config-$series
here=$(cd "$(dirname "$0")" && pwd)
cache=$("$here/py" -m core.cache)

src=""
if [ -n "$pinned" ]; then
	version=$("$here/pinned-deb.sh" --version "$pkg") || exit $?
	rc=0
	deb=$("$here/pinned-deb.sh" -q "$pkg") || rc=$?
	if [ $rc -eq 0 ]; then
		src=$cache/configs/$pkg-$(echo "$version" | tr '~:' '__')
		if [ ! -d "$src" ]; then
			mkdir -p "$cache/configs"
			tmp=$(mktemp -d "$cache/configs/.unpack.XXXXXX")
			dpkg-deb -x "$deb" "$tmp"
			mv "$tmp/usr/src/$pkg" "$src"
			rm -rf "$tmp"
		fi
	elif [ $rc -eq 3 ]; then
		echo "debian-config: $pkg=$version can no longer be downloaded; using the installed $pkg instead (move the pin: docs/golden.md, \"Pinned trees\")" >&2
	else
		exit $rc
	fi
fi
if [ -z "$src" ]; then
	"$here/py" -m core.deps "$pkg" >&2
	version=$(dpkg-query -W -f='${Version}' "$pkg")
	src=/usr/src/$pkg
fi
xz=""
for name in "config.amd64_none_$flavour.xz" "config.amd64_$flavour.xz" "config.$flavour.xz"; do
	[ -f "$src/$name" ] && { xz=$src/$name; break; }
done
[ -n "$xz" ] || { echo "debian-config: no configuration '$flavour' in $pkg $version; choose one of: $(ls "$src" | sed -n 's/^config\.amd64_\(none_\)\{0,1\}\(.*\)\.xz$/\2/p' | tr '\n' ' ')" >&2; exit 2; }
out=$cache/configs/$pkg-$(echo "$version" | tr '~:' '__')-$flavour.config
if [ ! -f "$out" ]; then
	mkdir -p "$cache/configs"
	xz -dc "$xz" > "$out.tmp"
	mv "$out.tmp" "$out"
fi
echo "$out"
