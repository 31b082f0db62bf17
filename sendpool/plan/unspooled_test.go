package plan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/smtptest"
	"github.com/tidings/tidings/sendpool/spool"
)

// preflightAt opens camp and runs its preflight at now.
func preflightAt(t *testing.T, camp string, now time.Time) (*Inputs, *Plan) {
	t.Helper()
	in, state := open(t, camp)
	pl, err := Preflight(context.Background(), in, state, Options{Version: "test", Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return in, pl
}

// unspooledRows lists the rows gen's records mark unspooled.
func unspooledRows(t *testing.T, gen *spool.Generation) []int {
	t.Helper()
	rd, err := gen.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	var rows []int
	err = rd.ScanRows(context.Background(), func(r spool.Row) error {
		if r.Unspooled {
			if r.ValueSums == nil {
				t.Errorf("row %d: unspooled without its value sums", r.Row)
			}
			rows = append(rows, r.Row)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestResumeSpoolsRowsToSend: a resume whose spool is too old to send
// from renders every row again but spools the messages of the rows still
// to send only: a row whose message went out keeps its record (unspooled)
// and its message stays where it went out from. The resume sends the
// rest, each once. Were the journal gone since (everyone to send again),
// that generation is not sent from: the rows are rendered and spooled
// whole again.
func TestResumeSpoolsRowsToSend(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := writeCampaign(t, srv, 4, "")
	now := time.Now()
	in, pl := preflightAt(t, camp, now)
	deliver(t, in, pl, 2)
	first := pl.Spool

	in, pl = preflightAt(t, camp, now.Add(MaxSpoolAge+time.Minute))
	if pl.Reused || pl.ToSend != 2 || pl.Spool.Number() != 2 || pl.Spool.Rows() != 4 || pl.Spool.Messages() != 2 {
		t.Fatalf("resume: reused %v, to send %d, generation %d with %d rows and %d messages", pl.Reused, pl.ToSend, pl.Spool.Number(), pl.Spool.Rows(), pl.Spool.Messages())
	}
	if rows := unspooledRows(t, pl.Spool); len(rows) != 2 || rows[0] != 2 || rows[1] != 3 {
		t.Errorf("unspooled rows %v, want [2 3]", rows)
	}
	// What went out to row 2 is found where it went out from.
	state, err := journal.Load(context.Background(), in.Campaign.StateDir)
	if err != nil {
		t.Fatal(err)
	}
	e, err := state.Entry("user000@example.com")
	if err != nil || e == nil {
		t.Fatalf("journal entry: %v", err)
	}
	f, err := spool.OpenStore(in.Campaign.StateDir).NewFinder()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if m, g, ok, err := f.Find(context.Background(), 2, e.Key, e.Hash); !ok || err != nil || g.Number() != first.Number() || m.Row != 2 {
		t.Errorf("the message sent to row 2: found %v in %v (%v)", ok, g, err)
	}
	state.Close()

	deliver(t, in, pl, 2)
	for i := range 4 {
		if addr := fmt.Sprintf("user%03d@example.com", i); srv.Received(addr) != 1 {
			t.Errorf("%s received %d messages", addr, srv.Received(addr))
		}
	}

	// The journal removed: every row is to send, and generation 2, young
	// enough, holds two of their messages only.
	if err := os.Remove(filepath.Join(in.Campaign.StateDir, journal.FileName)); err != nil {
		t.Fatal(err)
	}
	_, pl = preflightAt(t, camp, time.Now()) // generation 2 was begun now (by the clock, not the test's)
	if pl.Reused || pl.ToSend != 4 || pl.Spool.Number() != 3 || pl.Spool.Messages() != 4 {
		t.Errorf("without the journal: reused %v, to send %d, generation %d with %d messages", pl.Reused, pl.ToSend, pl.Spool.Number(), pl.Spool.Messages())
	}
}

// TestReuseCountsTheRun: a generation young enough to send from is not
// reused when the run, at its rate (Options.RunFor), would send its last
// message more than MaxSpoolAge after the generation was begun: the rows
// are rendered again, dated now.
func TestReuseCountsTheRun(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := writeCampaign(t, srv, 3, "")
	preflightAt(t, camp, time.Now())
	for _, c := range []struct {
		perMessage time.Duration
		reused     bool
	}{{time.Minute, true}, {MaxSpoolAge / 2, false}} {
		in, state := open(t, camp)
		pl, err := Preflight(context.Background(), in, state, Options{Version: "test",
			RunFor: func(n int) time.Duration { return time.Duration(n) * c.perMessage }})
		if err != nil {
			t.Fatal(err)
		}
		if pl.Reused != c.reused || pl.ToSend != 3 {
			t.Errorf("%v a message: reused %v (to send %d), want %v", c.perMessage, pl.Reused, pl.ToSend, c.reused)
		}
	}
}
