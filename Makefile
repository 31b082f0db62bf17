# make test   — installs what the tests need and runs them all (same as CI)
# make bench  — the benchmark suite (see bench/)
.PHONY: test bench fuzz
test:
	./scripts/test.sh

bench:
	./bench/run.sh

fuzz:
	./scripts/fuzz.sh
