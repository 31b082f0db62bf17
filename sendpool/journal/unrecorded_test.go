package journal

import (
	"bytes"
	"os"
	"path/filepath"
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

// TestEndedShort: the latest send run with fewer final results than it
// set out to send (Run.ToSend), neither interrupted nor stopped on
// record, ended short (killed between two messages, or before the
// first); not one that went through them (a temporary result it went on
// with is no final one), one interrupted or stopped, one of a journal
// without to_send, nor the send running beside the reader. A run line
// with a member this tidings does not know reads as before.
func TestEndedShort(t *testing.T) {
	send := func(at time.Time, n int) Run { return Run{PID: 77, Started: at, KeyColumn: "email", ToSend: n} }
	sent := func(row int, key string) Result {
		return Result{Row: row, Key: key, Status: sendpool.StatusSent, Code: 250, Attempts: 1}
	}
	again := Result{Row: 3, Key: "b@example.org", Status: sendpool.StatusDeferred, Again: true, Code: 451}
	cut := func(detail string) Result {
		return Result{Row: 4, Key: "c@example.org", Status: sendpool.StatusNotAttempted, Detail: detail}
	}
	for _, c := range []struct {
		name    string
		recs    []any
		toSend  int
		running bool
		want    bool
	}{
		{"killed between", []any{att(2, "a@example.org"), sent(2, "a@example.org")}, 3, false, true},
		{"killed before the first", nil, 3, false, true},
		{"killed after a retry due", []any{att(2, "a@example.org"), sent(2, "a@example.org"), again}, 2, false, true},
		{"went through", []any{att(2, "a@example.org"), sent(2, "a@example.org"), again, sent(3, "b@example.org")}, 2, false, false},
		{"interrupted", []any{att(2, "a@example.org"), sent(2, "a@example.org"), cut(sendpool.InterruptedUnsent)}, 3, false, false},
		{"stopped", []any{cut(sendpool.StopUnsent("server unreachable: no"))}, 3, false, false},
		{"no to_send", []any{att(2, "a@example.org"), sent(2, "a@example.org")}, 0, false, false},
		{"running", nil, 3, true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeRun(t, dir, send(t0, c.toSend), c.recs...)
			if !c.running { // a bounces run after the send: not beside it
				writeRun(t, dir, Run{PID: 78, Started: t0.Add(time.Hour)})
			}
			s := load(t, dir)
			defer s.Close()
			if c.running {
				s.SendRunning(77, t0)
			}
			if got := s.EndedShort(); got != c.want {
				t.Errorf("EndedShort() = %t, want %t", got, c.want)
			}
		})
	}
	dir := t.TempDir()
	writeRun(t, dir, send(t0, 2), att(2, "a@example.org"), sent(2, "a@example.org"))
	path := filepath.Join(dir, FileName)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	later := bytes.Replace(b, []byte(`"to_send":2`), []byte(`"to_send":2,"later_field":{"x":[1]}`), 1)
	if err := os.WriteFile(path, later, 0o600); err != nil {
		t.Fatal(err)
	}
	s := load(t, dir)
	defer s.Close()
	if len(s.Runs) != 1 || s.Runs[0].ToSend != 2 || len(s.Warnings) > 0 || !s.EndedShort() {
		t.Errorf("a run line with a member unknown: runs %+v, warnings %v, EndedShort %t", s.Runs, s.Warnings, s.EndedShort())
	}
}
