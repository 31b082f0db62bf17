#!/bin/sh
# bench/run.sh: runs tidings' benchmark suite (go test -bench in this
# folder) and prints one table. `make bench` calls it.
#
# Sizes (environment; defaults in parentheses):
#   BENCH_N          recipients for check and preview (100000)
#   BENCH_SEND_N     messages for the loopback send cases (20000)
#   BENCH_RTT_N      messages per connection behind the delaying proxy (40)
#   BENCH_CSV_ROWS   rows of the big CSV for peak memory (1000000)
#   BENCH_XLSX_ROWS  rows of the big XLSX for peak memory (200000)
#   BENCH_PAGE_N     recipients of the report page (100000)
#   BENCH_PAGE_MEM_N recipients of the report page's memory cases (10000,300000,1000000)
#   BENCH_SEND_MEM_N recipients of send's memory and state folder cases
#                    (10000,300000,1000000; the 1,000,000 case takes minutes and
#                    leaves about 1.9 GB in the temporary folder while it runs)
#   BENCH_QUICK=1    all of them twentyfold smaller (a smoke run)
#   BENCH_FILTER     which benchmarks (a go test -bench pattern; default .)
#   BENCH_CPU_PROFILE  a file: the loopback 8-connection pipelined/BDAT send
#                    writes a CPU profile of tidings there (--cpu-profile)
#
# Ratios compare numbers taken in the same run: the machine may be shared
# and noisy, so absolute numbers vary more than ratios.
set -eu
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
if ! go test -run '^$' -bench "${BENCH_FILTER:-.}" -benchtime 1x -timeout 60m ./bench/ >"$out" 2>&1; then
	cat "$out"
	exit 1
fi
# The loopback 8-connection case and its yardstick once more, on one core
# (taskset; the child tidings inherits it): how their ratio depends on the
# number of cores.
if [ -z "${BENCH_FILTER:-}" ] && [ "$(getconf _NPROCESSORS_ONLN)" -gt 1 ] && command -v taskset >/dev/null 2>&1; then
	if ! BENCH_LABEL="1 core" BENCH_YARDSTICK_ONLY=1 taskset -c 0 go test -run '^$' -bench '^BenchmarkSend$' -benchtime 1x -timeout 60m ./bench/ >>"$out" 2>&1; then
		cat "$out"
		exit 1
	fi
fi
cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ *//')
echo "tidings benchmarks, $(date -u +%Y-%m-%d), $(go version | cut -d' ' -f3), $(getconf _NPROCESSORS_ONLN) cores${cpu:+ ($cpu)}"
grep 'ROW|' "$out" | sed 's/.*ROW|//' | awk -F'|' '
	BEGIN { fmt = "%-58s %9s %8s %8s %6s  %-28s %s\n"
		printf fmt, "case", "msgs/s", "msgs/RT", "peak MB", "ratio", "target", "note"
		printf fmt, "----", "------", "-------", "-------", "-----", "------", "----" }
	{ printf fmt, $1, $2, $3, $4, $5, $6, $7 }'
