#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench-report.sh RESULTS JSON - turn "@@@ BENCH <backend> <mode> <name>
# <value>" lines into a table (benchmark x backend/mode, instructions per
# operation) on stdout and the same as JSON in JSON.
set -euo pipefail
results=$1 json=$2
grep -q '^@@@ BENCH ' "$results" || { echo "bench-report: no results in $results" >&2; exit 1; }
awk -v json="$json" '
$1 == "@@@" && $2 == "BENCH" {
	col = $3 "/" $4
	if (!(col in seen)) { seen[col] = 1; cols[++nc] = col }
	if (!($5 in seenb)) { seenb[$5] = 1; rows[++nr] = $5 }
	val[$5, col] = $6
	rec[++n] = sprintf("    {\"backend\": \"%s\", \"mode\": \"%s\", \"benchmark\": \"%s\", \"instructions_per_op\": %s}", $3, $4, $5, $6)
}
END {
	printf "%-22s", "instructions/op"
	for (c = 1; c <= nc; c++) printf " %14s", cols[c]
	printf "\n"
	for (r = 1; r <= nr; r++) {
		printf "%-22s", rows[r]
		for (c = 1; c <= nc; c++) {
			v = ((rows[r], cols[c]) in val) ? val[rows[r], cols[c]] : "-"
			printf " %14s", v
		}
		printf "\n"
	}
	printf "{\n  \"unit\": \"instructions per operation (QEMU -icount shift=0: 1 ns = 1 instruction)\",\n  \"results\": [\n" > json
	for (i = 1; i <= n; i++) printf "%s%s\n", rec[i], (i < n ? "," : "") > json
	printf "  ]\n}\n" > json
}' "$results"
echo "(also in ${json})"
