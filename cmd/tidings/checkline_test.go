package main

import (
	"strings"
	"testing"
)

// TestCheckLineOneSettled: check's summary agrees in number with the
// recipients the journal settled: "1 needs no sending (1 sent)", "2 need
// no sending (2 sent)"; those that came back since by the report's status
// (TestCheckPreviewSayBounced).
func TestCheckLineOneSettled(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{
		1: "; 1 needs no sending (1 sent)",
		2: "; 2 need no sending (2 sent)",
	} {
		s := checkSummary{rows: 3, ok: 3, done: n}
		if line := s.line("c"); !strings.HasSuffix(line, want) {
			t.Errorf("%d settled: %q, want it to end %q", n, line, want)
		}
	}
}
