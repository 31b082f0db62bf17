package main

import (
	"strings"
	"testing"
)

// TestCheckLineOneSettled: check's summary agrees in number with the
// recipients the journal settled: "1 needs no sending (the journal has it
// …)", "2 need no sending (… has them …)".
func TestCheckLineOneSettled(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{
		1: "; 1 needs no sending (the journal has it sent, failed or unknown)",
		2: "; 2 need no sending (the journal has them sent, failed or unknown)",
	} {
		s := checkSummary{rows: 3, ok: 3, done: n}
		if line := s.line("c"); !strings.HasSuffix(line, want) {
			t.Errorf("%d settled: %q, want it to end %q", n, line, want)
		}
	}
}
