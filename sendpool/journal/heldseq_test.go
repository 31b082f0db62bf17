package journal

import (
	"testing"

	"github.com/tidings/tidings/sendpool"
)

// TestHeldSequences: the sequences around a refusal to relay a run held
// (deferred, "again") and what follows it, read back as send and a later
// plain send must take them: nothing whose body may have gone is sent by
// a plain send, nothing cut off before its body went is skipped.
func TestHeldSequences(t *testing.T) {
	refusal := func(row int, key string) Result {
		r := res(row, key, sendpool.StatusDeferred)
		r.Code, r.EnhancedCode, r.Detail, r.Again = 554, "5.7.1", "<"+key+">: Relay access denied", true
		return r
	}
	stop := func(row int, key string) Result {
		r := res(row, key, sendpool.StatusNotAttempted)
		r.Detail = sendpool.StopUnsent("set smtp.username") + " before the next try"
		return r
	}
	failed := res(4, "f@x.test", sendpool.StatusFailed)
	failed.Code = 550
	dir := t.TempDir()
	writeRun(t, dir, Run{PID: 1, Started: t0}, att(2, "u@x.test"), att(3, "p@x.test"), att(4, "f@x.test"), failed)
	writeRun(t, dir, Run{PID: 2, Started: t0},
		// --resend-unknown: tried again (attempt ahead), held, stopped
		att(2, "u@x.test"), refusal(2, "u@x.test"), stop(2, "u@x.test"),
		// the same refused at RCPT, no attempt line (Postfix)
		refusal(3, "p@x.test"), stop(3, "p@x.test"),
		// --retry-failed: held, stopped
		refusal(4, "f@x.test"), stop(4, "f@x.test"),
		// held, released, its body due (attempt), then a crash
		att(5, "c@x.test"), refusal(5, "c@x.test"), att(5, "c@x.test"),
		// held, then a crash
		att(6, "h@x.test"), refusal(6, "h@x.test"),
		// held, released, cut off before its body went, stopped
		att(7, "w@x.test"), refusal(7, "w@x.test"), att(7, "w@x.test"), stop(7, "w@x.test"))
	s := load(t, dir)
	for _, c := range []struct {
		key  string
		st   sendpool.Status
		send bool
	}{
		// The user chose to send again what may have gone; the run
		// never did: the row stands not attempted, and a plain send
		// sends it, as it sent one the server deferred so before (see
		// the report of rev-final8).
		{"u@x.test", sendpool.StatusNotAttempted, true},
		{"p@x.test", sendpool.StatusNotAttempted, true},
		{"f@x.test", sendpool.StatusNotAttempted, true},
		{"c@x.test", sendpool.StatusUnknown, false},
		{"h@x.test", sendpool.StatusDeferred, true},
		{"w@x.test", sendpool.StatusNotAttempted, true},
	} {
		e, d := entryOf(t, s, c.key), decideOf(t, s, c.key, Policy{})
		if e.Status != c.st || d.Send != c.send {
			t.Errorf("%s: %s, a plain send sends it: %v; want %s, %v (%s)", c.key, e.Status, d.Send, c.st, c.send, d.Reason)
		}
	}
}
