package main

import (
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/journal"
)

// TestRunningWordsZone: the time a send beside began is printed with its
// offset, as the send lock's refusal and the other times tidings prints
// are; it was the local time without one, which a log read elsewhere (a
// container in UTC, an operator in Berlin) takes for its own.
func TestRunningWordsZone(t *testing.T) {
	local := time.Local
	t.Cleanup(func() { time.Local = local })
	time.Local = time.FixedZone("test", 9*3600)
	since := time.Date(2026, 12, 6, 16, 21, 38, 0, time.UTC)
	got := runningWords(journal.LockedError{PID: 4711, Since: since})
	if !strings.Contains(got, "since 2026-12-07T01:21:38+09:00") {
		t.Errorf("runningWords = %q, want the time with its offset", got)
	}
}
