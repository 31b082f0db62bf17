package journal

import (
	"testing"

	"github.com/tidings/tidings/sendpool"
)

// TestHeldThenStopped: a refusal to relay the run held (deferred, "again")
// and the run's stop after it (not attempted, the stop's words) leave the
// key not attempted with the stop's line, as send reported it, its try
// not counted (the body never went, as for a try the stop cut off
// before it) and sent by a plain send; also when the temporary line has
// no "again" (written before it was), and when no attempt line came
// before it (a transport that writes one only before the body is due:
// Postfix's refusal at RCPT), where an earlier run's try stays counted. A key deferred by an earlier run
// that the latest one did not come to stays deferred with the server's
// reply (an older journal's rule).
func TestHeldThenStopped(t *testing.T) {
	dir := t.TempDir()
	held, old, earlier := "held@partner.test", "old@other.test", "earlier@example.org"
	refusal := func(row int, key string, again bool) Result {
		r := res(row, key, sendpool.StatusDeferred)
		r.Code, r.EnhancedCode, r.Detail, r.Again = 554, "5.7.1", "<"+key+">: Relay access denied", again
		return r
	}
	stop := func(row int, key string) Result {
		r := res(row, key, sendpool.StatusNotAttempted)
		r.Detail = sendpool.StopUnsent("set smtp.username") + " before the next try"
		return r
	}
	plain := "plain@partner.test"
	writeRun(t, dir, Run{PID: 1, Started: t0}, att(4, earlier), refusal(4, earlier, false), att(5, plain), refusal(5, plain, false))
	writeRun(t, dir, Run{PID: 2, Started: t0}, att(2, held), refusal(2, held, true), att(3, old), refusal(3, old, false),
		refusal(5, plain, true), stop(2, held), stop(3, old), stop(4, earlier), stop(5, plain))
	s := load(t, dir)
	for k, tries := range map[string]int{held: 0, old: 0, plain: 1} {
		e := entryOf(t, s, k)
		line, _ := e.ReportLine()
		if e.Status != sendpool.StatusNotAttempted || line.Status != sendpool.StatusNotAttempted || line.Detail != stop(0, k).Detail || line.Code != 0 || e.Attempts != tries {
			t.Errorf("%s: %s after %d attempts, line %s %d %q; want not-attempted after %d, the stop's line", k, e.Status, e.Attempts, line.Status, line.Code, line.Detail, tries)
		}
		if d := decideOf(t, s, k, Policy{}); !d.Send {
			t.Errorf("%s is not sent by a plain send: %+v", k, d)
		}
	}
	e := entryOf(t, s, earlier)
	if line, _ := e.ReportLine(); e.Status != sendpool.StatusDeferred || line.Code != 554 || e.Attempts != 1 {
		t.Errorf("%s: %s after %d attempts, line %d %q; want deferred after 1, with the reply", earlier, e.Status, e.Attempts, line.Code, line.Detail)
	}
}
