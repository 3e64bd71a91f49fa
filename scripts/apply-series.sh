#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# apply-series.sh - apply the movable_ops rework to a kernel tree as a
# reproducible git commit series, without touching the checkout.
#
# Usage: scripts/apply-series.sh [options] KDIR     (--help for the options)
#
# The work is done by scripts/movops/series.py; this wrapper finds the
# toolkit and runs it with Debian's python3, the one spatch's Python rules
# use as well.

here=$(cd "${BASH_SOURCE[0]%/*}" && pwd)
exec "$here/py" -m movops.series "$@"
