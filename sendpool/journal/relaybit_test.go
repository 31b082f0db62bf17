package journal

import (
	"context"
	"fmt"
	"testing"

	"github.com/tidings/tidings/sendpool"
)

// TestRelayBitMatchesLines: what the State keeps of a refusal to relay
// (Refusal.Relay, which the bounce guard counts by) says what reading
// the key's delivery result back says (Entry.Result refused to relay),
// over histories across runs: relayed then refused for good and the
// other way round, sent after, a partial delivery whose owed recipients
// are refused to relay, a crash after the attempt, a deferral, a cut-off
// try, a bounce reported later.
func TestRelayBitMatchesLines(t *testing.T) {
	ctx := context.Background()
	type step struct {
		status       sendpool.Status
		code         int
		detail       string
		owed         []string
		noResult     bool // a crash after the attempt
		bounce, anew bool
	}
	relay := step{status: sendpool.StatusFailed, code: 554, detail: "5.7.1 Relay access denied"}
	unknownUser := step{status: sendpool.StatusFailed, code: 550, detail: "5.1.1 User unknown"}
	sent := step{status: sendpool.StatusSent, code: 250}
	deferred := step{status: sendpool.StatusDeferred, code: 451, detail: "4.3.0 try later"}
	cut := step{status: sendpool.StatusNotAttempted}
	partial := step{status: sendpool.StatusSent, code: 250, owed: []string{"cc@example.org"}}
	relayOwed := step{status: sendpool.StatusFailed, code: 554, detail: "5.7.1 Relay access denied"}
	histories := [][][]step{ // runs of steps, one history a key
		{{relay}},
		{{relay}, {unknownUser}},
		{{unknownUser}, {relay}},
		{{relay}, {sent}},
		{{relay}, {deferred}},
		{{relay}, {deferred, relay}},
		{{relay}, {{noResult: true}}},
		{{deferred}, {cut}},
		{{relay}, {cut}},
		{{partial, relayOwed}},
		{{partial}, {relayOwed}},
		{{sent, {bounce: true}}},
		{{relay, {bounce: true}}},
		{{sent}, {{anew: true}, relay}},
		{{relay}, {{anew: true}, sent}},
	}
	dir := t.TempDir()
	for run := range 3 {
		l, err := AcquireLock(dir)
		if err != nil {
			t.Fatal(err)
		}
		w, err := Open(ctx, l, Run{Started: t0})
		if err != nil {
			t.Fatal(err)
		}
		for h, runs := range histories {
			if run >= len(runs) {
				continue
			}
			key := fmt.Sprintf("k%02d@example.org", h)
			msg := fmt.Sprintf("<m%02d-%d@x>", h, run)
			for _, s := range runs[run] {
				switch {
				case s.bounce:
					w.Feedback(ctx, Feedback{ID: msg, Row: h + 2, Key: key, Recipient: key, Kind: FeedbackBounced})
					continue
				case s.anew:
					msg += "-anew"
					continue
				}
				w.Attempt(ctx, Attempt{Row: h + 2, Key: key, To: key, MessageID: msg, Hash: msg, Try: 1})
				if !s.noResult {
					w.Result(ctx, Result{Row: h + 2, Key: key, To: key, MessageID: msg, Hash: msg, Status: s.status,
						Attempts: 1, Code: s.code, Detail: s.detail, Owed: s.owed})
				}
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		l.Release()
	}
	s, err := Load(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range s.keys.n {
		e, err := s.entryAt(i)
		if err != nil {
			t.Fatal(err)
		}
		lines := e.Result != nil && e.Result.Status == sendpool.StatusFailed && sendpool.IsRelayRefusal(e.Result.Code, e.Result.Detail)
		if r := s.refusal(i); r.Relay != lines {
			t.Errorf("%s (%v, delivery %v): the State's relay bit %v, its result line says %v (%+v)", e.Key, e.Status, e.delivery, r.Relay, lines, e.Result)
		}
	}
}
