package journal

import (
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
)

// TestSendRunning: beside a running send (its PID's run the latest, begun
// after the lock was taken), an attempt of that run without a result is
// being sent (report line, Decide, Settle); one of an earlier run of the
// same process (a part whose reply was lost) stays unknown, as do both
// when the latest run began before the lock's holder took it (a PID used
// again) or is another process's, and without SendRunning.
func TestSendRunning(t *testing.T) {
	dir := t.TempDir()
	a := func(key string, at time.Time) Attempt {
		return Attempt{Row: 2, Key: key, To: key, MessageID: "m-" + key, Hash: "h", Try: 1, Time: at}
	}
	writeRun(t, dir, Run{PID: 77, Started: t0}, a("old@example.org", t0))
	writeRun(t, dir, Run{PID: 77, Started: t0.Add(time.Hour)}, a("now@example.org", t0.Add(time.Hour)),
		a("done@example.org", t0.Add(time.Hour)), Result{Row: 2, Key: "done@example.org", Status: sendpool.StatusSent, Code: 250})

	for _, c := range []struct {
		name  string
		pid   int
		since time.Time
		now   sendpool.Status
	}{
		{"running", 77, t0.Add(time.Hour - time.Second), sendpool.StatusSending},
		{"none", 0, time.Time{}, sendpool.StatusUnknown},
		{"other process", 78, t0, sendpool.StatusUnknown},
		{"pid used again", 77, t0.Add(2 * time.Hour), sendpool.StatusUnknown},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := load(t, dir)
			defer s.Close()
			if c.pid != 0 {
				s.SendRunning(c.pid, c.since)
			}
			for key, want := range map[string]sendpool.Status{"old@example.org": sendpool.StatusUnknown, "now@example.org": c.now, "done@example.org": sendpool.StatusSent} {
				line, ok := entryOf(t, s, key).ReportLine()
				if !ok || line.Status != want {
					t.Errorf("%s: report line %v, want %v", key, line.Status, want)
				}
				if d := decideOf(t, s, key, Policy{ResendUnknown: true}); want == sendpool.StatusSending && (d.Send || d.Status != want || !strings.Contains(d.Reason, "being sent now")) {
					t.Errorf("%s: decision %+v", key, d)
				}
				if d := s.Settle(key, Policy{}); want != sendpool.StatusSent && d.Status != want {
					t.Errorf("%s: settled %v, want %v", key, d.Status, want)
				}
			}
			if want := c.now == sendpool.StatusSending; entryOf(t, s, "now@example.org").InHand != want {
				t.Errorf("InHand = %v, want %v", !want, want)
			}
		})
	}
}

// TestSendingNeverRead: a result line saying "sending" (which tidings
// never writes) is a corrupt line, not a status.
func TestSendingNeverRead(t *testing.T) {
	var s recordStatus
	if err := s.UnmarshalText([]byte("sending")); err == nil {
		t.Errorf("sending read as %v", sendpool.Status(s))
	}
}

// TestSendRunningDeferred: beside a running send, a key deferred by a
// result of that send's run that it goes on with (Again: a retry due, a
// refusal to relay held) is one it has not finished with: RunHolds, its
// report line's detail beginning with RunHoldsNote; one it gave up on
// (no Again) is not, nor one deferred by an earlier run, nor any without
// SendRunning.
func TestSendRunningDeferred(t *testing.T) {
	dir := t.TempDir()
	deferred := func(key string, again bool) Result {
		return Result{Row: 2, Key: key, Status: sendpool.StatusDeferred, Code: 554, Detail: "<" + key + ">: Relay access denied", Again: again}
	}
	writeRun(t, dir, Run{PID: 77, Started: t0}, deferred("old@example.org", true))
	writeRun(t, dir, Run{PID: 77, Started: t0.Add(time.Hour)}, deferred("now@example.org", true), deferred("given-up@example.org", false))
	for _, running := range []bool{true, false} {
		s := load(t, dir)
		if running {
			s.SendRunning(77, t0.Add(time.Hour-time.Second))
		}
		for key, want := range map[string]bool{"old@example.org": false, "now@example.org": running, "given-up@example.org": false} {
			e := entryOf(t, s, key)
			line, ok := e.ReportLine()
			if e.RunHolds != want || !ok || line.Status != sendpool.StatusDeferred || strings.HasPrefix(line.Detail, RunHoldsNote+": <") != want {
				t.Errorf("running %t, %s: RunHolds %t, line %v %q, want %t", running, key, e.RunHolds, line.Status, line.Detail, want)
			}
		}
		s.Close()
	}
}
