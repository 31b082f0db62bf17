package journal

import (
	"context"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
)

// TestTestSendRecords: a test send counts towards the daily quota when the
// server took it, is never a delivery of its row (the row is still to be
// sent, and the report does not list it), and Scan hands it on.
func TestTestSendRecords(t *testing.T) {
	dir := t.TempDir()
	a := "ann@example.org"
	ok := TestSend{Row: 2, Key: a, To: []string{"me@example.net"}, MessageID: "test.1@x", Status: sendpool.StatusSent, Code: 250, Finished: t0}
	refused := TestSend{Row: 2, Key: a, To: []string{"me@example.net"}, MessageID: "test.2@x", Status: sendpool.StatusFailed, Code: 550, Finished: t0}
	writeRun(t, dir, Run{PID: 1, Started: t0}, ok, refused)
	s := load(t, dir)
	if s.Tests != 2 || s.Records != 2 {
		t.Errorf("Tests %d, Records %d; want 2 and 2", s.Tests, s.Records)
	}
	if n, _ := s.SentSince(t0.Add(-time.Hour)); n != 1 {
		t.Errorf("SentSince counts %d, want the one test the server took", n)
	}
	if left, _ := s.Quota(3, 24*time.Hour, t0.Add(time.Minute)); left != 2 {
		t.Errorf("quota left %d, want 2", left)
	}
	if d := decideOf(t, s, a, Policy{}); !d.Send {
		t.Errorf("the row is decided %+v after a test send, want it still to be sent", d)
	}
	if entryOf(t, s, a) != nil || len(reportOf(t, s)) != 0 {
		t.Errorf("a test send made an entry: %+v, report %+v", entryOf(t, s, a), reportOf(t, s))
	}
	var got []TestSend
	skipped, err := Scan(context.Background(), dir, func(r Record) error {
		if r.Test != nil {
			got = append(got, *r.Test)
		}
		return nil
	})
	if err != nil || skipped != 0 || len(got) != 2 || got[1].Status != sendpool.StatusFailed || got[0].MessageID != "test.1@x" {
		t.Errorf("scan: %+v, skipped %d, err %v", got, skipped, err)
	}
}
