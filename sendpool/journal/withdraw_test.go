package journal_test

import (
	"context"
	"testing"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/pooltest"
)

// TestRecorderWithdrawn: an attempt taken back (a not-attempted result
// that is not final: its body never went) is written as not attempted,
// ends the attempt uncounted, and the next attempt counts as the try it
// is; a crash after the withdrawal leaves the key to send, not unknown.
func TestRecorderWithdrawn(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	l, err := journal.AcquireLock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	w, err := journal.Open(ctx, l, journal.Run{})
	if err != nil {
		t.Fatal(err)
	}
	rec := journal.NewRecorder(w)
	m := pooltest.Message(2, "ann@example.org")
	res := sendpool.Result{Row: 2, Key: m.Key, To: m.To, MessageID: m.MessageID,
		Recipients: []sendpool.RecipientResult{{Address: m.To, Status: sendpool.StatusNotAttempted}}}
	if err := rec.Attempt(ctx, m); err != nil {
		t.Fatal(err)
	}
	res.Status = sendpool.StatusNotAttempted
	if err := rec.Result(ctx, m, res); err != nil {
		t.Fatal(err)
	}
	if err := w.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	st, err := journal.Load(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	e, err := st.Entry(m.Key)
	st.Close()
	if err != nil || e == nil || e.Status != sendpool.StatusNotAttempted || e.Attempts != 0 {
		t.Fatalf("after the withdrawal: %+v, %v; want not attempted, no attempt counted", e, err)
	}
	if err := rec.Attempt(ctx, m); err != nil {
		t.Fatal(err)
	}
	res.Status, res.Final, res.Attempts = sendpool.StatusSent, true, 1
	res.Recipients[0].Status = sendpool.StatusSent
	if err := rec.Result(ctx, m, res); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var tries []int
	if _, err := journal.Scan(ctx, dir, func(r journal.Record) error {
		if r.Attempt != nil {
			tries = append(tries, r.Attempt.Try)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(tries) != 2 || tries[0] != 1 || tries[1] != 1 {
		t.Errorf("attempt lines' tries %v, want [1 1]: the withdrawn one handed nothing over", tries)
	}
}
