package journal

import (
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
)

// TestUnrecorded: the latest send run with an attempt left without a
// result ended unrecorded, also under a later bounces run; not one whose
// lost reply it recorded (unknown), nor an earlier run's attempt left so,
// nor the send running beside the reader.
func TestUnrecorded(t *testing.T) {
	a := func(key string, at time.Time) Attempt {
		return Attempt{Row: 2, Key: key, To: key, MessageID: "m-" + key, Hash: "h", Try: 1, Time: at}
	}
	lost := Result{Row: 2, Key: "lost@example.org", Status: sendpool.StatusUnknown, Detail: sendpool.ErrReplyLost.Error()}
	send := func(at time.Time) Run { return Run{PID: 77, Started: at, KeyColumn: "email"} }
	for _, c := range []struct {
		name    string
		runs    func(dir string)
		running bool
		want    bool
	}{
		{"killed", func(dir string) { writeRun(t, dir, send(t0), a("cut@example.org", t0)) }, false, true},
		{"killed, then bounces", func(dir string) {
			writeRun(t, dir, send(t0), a("cut@example.org", t0))
			writeRun(t, dir, Run{PID: 78, Started: t0.Add(time.Hour)})
		}, false, true},
		{"reply lost, recorded", func(dir string) { writeRun(t, dir, send(t0), a("lost@example.org", t0), lost) }, false, false},
		{"killed, then a run", func(dir string) {
			writeRun(t, dir, send(t0), a("cut@example.org", t0))
			writeRun(t, dir, send(t0.Add(time.Hour)), a("next@example.org", t0.Add(time.Hour)),
				Result{Row: 3, Key: "next@example.org", Status: sendpool.StatusSent, Code: 250})
		}, false, false},
		{"running", func(dir string) { writeRun(t, dir, send(t0), a("cut@example.org", t0)) }, true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			c.runs(dir)
			s := load(t, dir)
			defer s.Close()
			if c.running {
				s.SendRunning(77, t0)
			}
			if got := s.Unrecorded(); got != c.want {
				t.Errorf("Unrecorded() = %t, want %t", got, c.want)
			}
		})
	}
}
