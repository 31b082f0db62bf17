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

// TestRunningWordsStopped: a send stopped with Ctrl-Z read as running to
// report, check and preview beside it, which then waited for it to end;
// its words now say it is stopped and how to continue it (journal.Holder
// tells, TestLockHolderStopped).
func TestRunningWordsStopped(t *testing.T) {
	h := journal.LockedError{PID: 4711, Since: time.Date(2026, 12, 6, 16, 21, 38, 0, time.UTC)}
	if got := runningWords(h); strings.Contains(got, "stopped") {
		t.Errorf("runningWords of a running send = %q", got)
	}
	h.Stopped = true
	if got, want := runningWords(h), ", stopped (Ctrl-Z or SIGSTOP) until continued with fg in its terminal or kill -CONT 4711"; !strings.HasSuffix(got, want) {
		t.Errorf("runningWords of a stopped send = %q, want it to end %q", got, want)
	}
}
