package journal

import (
	"strings"
	"testing"
	"time"
)

// TestSentAtLocalTime: "already sent at …", "its delivery began at …" and
// "handed over at …" give the time in the local zone with its offset, as
// every other time tidings prints does (the gallery showed it in UTC
// beside the message's Date in local time).
func TestSentAtLocalTime(t *testing.T) {
	local := time.Local
	t.Cleanup(func() { time.Local = local })
	time.Local = time.FixedZone("test", -(3*3600 + 1800))
	r := &Result{Finished: time.Date(2026, 12, 6, 18, 59, 54, 0, time.UTC)}
	if got, want := r.where(), " at 2026-12-06T15:29:54-03:30"; got != want {
		t.Errorf("where() = %q, want %q", got, want)
	}
	a := &Attempt{Time: r.Finished}
	if got, want := a.began(), "its delivery began at 2026-12-06T15:29:54-03:30, no final reply recorded"; got != want {
		t.Errorf("began() = %q, want %q", got, want)
	}
	if got, want := inHandDetail(a), "being sent now by the send that is running (handed over at 2026-12-06T15:29:54-03:30)"; !strings.HasPrefix(got, want) {
		t.Errorf("inHandDetail() = %q, want it to begin %q", got, want)
	}
}
