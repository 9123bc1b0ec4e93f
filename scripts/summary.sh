#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# summary.sh DIR - the verdict of `make check`: every failure named with its
# reason, then "N passed, N failed".  Exits non-zero on any failure, or if
# no test ran at all.
set -u
dir=${1:-build/results}
pass=$(cat "$dir"/*.txt 2>/dev/null | grep -c '^PASS ')
fail=$(cat "$dir"/*.txt 2>/dev/null | grep -c '^FAIL ')
if [ "$fail" -gt 0 ]; then
	echo "Failed:"
	cat "$dir"/*.txt | sed -n 's/^FAIL /  /p'
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
