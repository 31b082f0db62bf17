#!/usr/bin/env bash
# Runs every Go fuzz target of tidings for FUZZTIME each (default 30s).
# `go test ./...` already runs each target's seed corpus (testdata/fuzz/);
# this explores beyond it. A failing input is written to the package's
# testdata/fuzz/<Target>/ and the script stops: commit that file with the
# fix, and it becomes part of the seed corpus.
#
#   make fuzz                     # 30s per target
#   FUZZTIME=10m make fuzz        # longer
#   FUZZTIME=2m scripts/fuzz.sh FuzzCSVSheet   # only the targets named
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime="${FUZZTIME:-30s}"

# Every "func FuzzXxx(" in a _test.go file, as "package-dir target".
targets=$(grep -rl --include='*_test.go' '^func Fuzz[A-Z0-9_]' . | sort | while read -r f; do
  dir=$(dirname "$f")
  sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$f" | while read -r name; do
    echo "$dir $name"
  done
done)

if [ -z "$targets" ]; then
  echo "no fuzz targets found" >&2
  exit 1
fi

ran=0
while read -r dir name; do
  if [ "$#" -gt 0 ]; then
    wanted=false
    for w in "$@"; do [ "$w" = "$name" ] && wanted=true; done
    $wanted || continue
  fi
  echo "== $name ($dir) for $fuzztime"
  go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "$dir"
  ran=$((ran + 1))
done <<< "$targets"

if [ "$ran" -eq 0 ]; then
  echo "no fuzz target named $*" >&2
  exit 1
fi
echo "== $ran fuzz target(s) ran for $fuzztime each without a failure"
