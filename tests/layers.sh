#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check's three test layers, each timed.
#
# The fast layer runs first and alone: a broken step shows in seconds,
# before any real tree is unpacked.  The real-tree and runtime layers then
# run side by side, each in its own pytest process.  The real-tree layer
# leaves a core idle for much of its time (xz, git, spatch, checkpatch and
# kernel-doc run on one core) and the runtime layer is mostly make -j2 of
# two guest kernels, so together they take less than one after the other.
# The runtime check's guests already boot while its own builds run
# (bootcheck/check.py), and their deadlines (bootcheck/guest.py) are tens
# of times what a boot takes under that load.
#
# Both heavy layers share $MOVOPS_CACHE; what they both need (the 6.12
# tree) is made once, under the cache's locks.
set -u

usage() {
	cat <<END
usage: tests/layers.sh PYTEST...
       tests/layers.sh --fast PYTEST...
       tests/layers.sh --layer NAME PYTEST... -- PYTEST-ARGS...

Runs make check's layers with the pytest command PYTEST (e.g.
'/usr/bin/python3 -m pytest -p no:cacheprovider'): the fast layer on every
core, then the real-tree and runtime layers at the same time.  The
runtime layer's lines are printed as they come, each starting 'runtime| '.
Prints one line per layer: 'make check: layer NAME: SECONDS s, exit RC'.
--fast runs the fast layer alone (make check-fast); --layer runs one
layer, PYTEST-ARGS choosing its tests.  Each layer lists
its DURATIONS slowest tests (default 10; 0 lists every test).

Exit status: 0 if every layer passed, 1 if one failed, 2 on bad usage.
END
}

layer() {   # NAME PYTEST... -- PYTEST-ARGS...: one layer, its time, its status
	local name=$1 t0 rc cmd=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do cmd+=("$1"); shift; done
	shift
	t0=$(date +%s)
	# Each layer's slowest tests go into the log: what the 45-minute
	# budget is kept against.
	"${cmd[@]}" -v --durations="${DURATIONS:-10}" "$@" tests
	rc=$?
	echo "make check: layer $name: $(( $(date +%s) - t0 )) s, exit $rc"
	[ $rc = 0 ]
}

fast() {    # PYTEST...: the fast layer, the one definition of its tests and workers
	# Every core; each fixture case's tests on one worker, which runs its
	# series once (tests/test_series_fixtures.py, grouped()).
	layer fast "$@" -- -n "$(nproc)" --dist loadgroup -m "not realtree and not runtime"
}

case "${1:-}" in
-h|--help) usage; exit 0 ;;
"") usage >&2; exit 2 ;;
--fast)
	shift
	[ $# -ge 1 ] || { usage >&2; exit 2; }
	fast "$@"
	exit ;;
--layer)
	shift
	[ $# -ge 3 ] || { usage >&2; exit 2; }
	layer "$@"
	exit ;;
esac

fast "$@" || exit 1

t0=$(date +%s)
# Each heavy layer in a session of its own (setsid), so that both are
# stopped whole with this script (make interrupted, CI's time limit); the
# runtime layer's lines are printed as they come, prefixed.  'wait', unlike
# a command in the foreground, lets the traps run at once.
log=$(mktemp)
pids=()
trap 'for p in "${pids[@]}"; do kill -TERM -- -$p 2>/dev/null; done; rm -f "$log"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
setsid "$0" --layer runtime "$@" -- -m runtime >"$log" 2>&1 </dev/null &
runtime_pid=$!
pids+=($runtime_pid)
tail -n +1 -f --pid=$runtime_pid "$log" | sed -u 's/^/runtime| /' &
tail_pid=$!
setsid "$0" --layer realtree "$@" -- -m realtree </dev/null &
realtree_pid=$!
pids+=($realtree_pid)

wait $realtree_pid
realtree_rc=$?
wait $runtime_pid
runtime_rc=$?
wait $tail_pid
echo "make check: real-tree and runtime layers side by side: $(( $(date +%s) - t0 )) s"
[ $realtree_rc = 0 ] && [ $runtime_rc = 0 ]
