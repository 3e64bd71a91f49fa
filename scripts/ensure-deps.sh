#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ensure-deps.sh - install the Debian packages a target needs, if missing.
#
# Usage: scripts/ensure-deps.sh PACKAGE...
#
# Prints one line naming what it installs; prints nothing when all is
# present.  Exit 0 when everything is installed afterwards, 1 otherwise.

set -u

if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
	sed -n '3,9p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
fi

missing=()
for pkg in "$@"; do
	if ! dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
		missing+=("$pkg")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "ensure-deps: installing missing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp /tmp/ensure-deps.XXXXXX.log)
if ! { $sudo apt-get install -y --no-install-recommends "${missing[@]}" >"$log" 2>&1 ||
       { $sudo apt-get update >>"$log" 2>&1 &&
         $sudo apt-get install -y --no-install-recommends "${missing[@]}" >>"$log" 2>&1; }; }; then
	echo "ensure-deps: apt-get install ${missing[*]} failed; see $log" >&2
	exit 1
fi
rm -f "$log"
exit 0
