package plan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
)

// TestBounceGuardCounts: the guard starts from the journal, where hard
// bounces recorded later count as refused, and leaves out the refused
// recipients the suppression list names since (not a sent one it names);
// a recipient retried with --retry-failed is counted once, and no longer
// refused when it goes through.
func TestBounceGuardCounts(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	lock, w := openJournal(t, dir)
	key := func(i int) string { return fmt.Sprintf("u%03d@example.org", i) }
	for i := range 200 {
		st := sendpool.StatusSent
		if i < 10 {
			st = sendpool.StatusFailed
		}
		w.Attempt(ctx, journal.Attempt{Row: i + 2, Key: key(i), To: "U <" + key(i) + ">", MessageID: key(i), Try: 1})
		w.Result(ctx, journal.Result{Row: i + 2, Key: key(i), To: "U <" + key(i) + ">", Status: st, Attempts: 1})
	}
	for i := 190; i < 195; i++ {
		w.Feedback(ctx, journal.Feedback{ID: fmt.Sprint(i), Row: i + 2, Key: key(i), Recipient: key(i), Kind: journal.FeedbackBounced})
	}
	w.Close()
	lock.Release()
	state, err := journal.Load(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	supp := filepath.Join(dir, "suppress.txt")
	if err := os.WriteFile(supp, []byte(key(0)+"\n"+key(1)+"\n"+key(2)+"\n"+key(190)+"\n"+key(100)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	list, err := campaign.LoadSuppression(supp)
	if err != nil {
		t.Fatal(err)
	}
	cleaned, err := newBounceGuard(0.5, state, list, nil, journal.Policy{})
	if err != nil || cleaned.attempted != 196 || cleaned.refused != 11 {
		t.Errorf("with 4 of the refused suppressed since (and one sent): %d tried, %d refused, %v; want 196 and 11", cleaned.attempted, cleaned.refused, err)
	}
	// Two of those left out retried (--retry-failed, at corrected
	// addresses: the key is not the address): each counts as new.
	cleaned.add(sendpool.Result{Key: key(0), Status: sendpool.StatusSent, Attempts: 1})
	cleaned.add(sendpool.Result{Key: key(1), Status: sendpool.StatusFailed, Attempts: 1})
	if cleaned.attempted != 198 || cleaned.refused != 12 {
		t.Errorf("after retrying two left out: %d tried, %d refused; want 198 and 12", cleaned.attempted, cleaned.refused)
	}
	g, err := newBounceGuard(0.5, state, nil, nil, journal.Policy{})
	if err != nil || g.attempted != 200 || g.refused != 15 {
		t.Fatalf("from the journal: %d tried, %d refused, %v; want 200 and 15", g.attempted, g.refused, err)
	}
	g.add(sendpool.Result{Key: key(0), Status: sendpool.StatusFailed, Attempts: 1}) // retried, refused again
	g.add(sendpool.Result{Key: key(1), Status: sendpool.StatusSent, Attempts: 1})   // retried, went through
	g.add(sendpool.Result{Key: "new@example.org", Status: sendpool.StatusFailed, Attempts: 1})
	if g.attempted != 201 || g.refused != 15 {
		t.Errorf("after the retries: %d tried, %d refused; want 201 and 15", g.attempted, g.refused)
	}
	// Rows taken out of the sheet: two refused ones leave both counts, a
	// sent one stays tried; with the list too, the two ways add up.
	inSheet := state.NewMarks()
	for i := range 200 {
		if i != 3 && i != 4 && i != 150 {
			inSheet.Mark(key(i))
		}
	}
	g, err = newBounceGuard(0.5, state, nil, inSheet, journal.Policy{})
	if err != nil || g.attempted != 198 || g.refused != 13 {
		t.Errorf("with 2 refused rows and 1 sent row out of the sheet: %d tried, %d refused, %v; want 198 and 13", g.attempted, g.refused, err)
	}
	g, err = newBounceGuard(0.5, state, list, inSheet, journal.Policy{})
	if err != nil || g.attempted != 194 || g.refused != 9 {
		t.Errorf("with the list and the rows out of the sheet: %d tried, %d refused, %v; want 194 and 9", g.attempted, g.refused, err)
	}
	// --retry-failed: the refused at RCPT still in the sheet wait for
	// their retry (the bounced later stay counted); one retried that goes
	// through counts as tried, not refused.
	g, err = newBounceGuard(0.5, state, nil, inSheet, journal.Policy{RetryFailed: true})
	if err != nil || g.attempted != 190 || g.refused != 5 {
		t.Errorf("retrying: %d tried, %d refused, %v; want 190 and 5", g.attempted, g.refused, err)
	}
	g.add(sendpool.Result{Key: key(5), Status: sendpool.StatusSent, Attempts: 1})
	if g.attempted != 191 || g.refused != 5 {
		t.Errorf("after a retry went through: %d tried, %d refused; want 191 and 5", g.attempted, g.refused)
	}
}

// TestBounceGuardInFlight: the messages in flight when the guard stops
// the run finish after it and count on, as the report counts them: the
// summary's note (afterStop) gives the counts the report has, and the
// stop's words say theirs are the counts when it stopped.
func TestBounceGuardInFlight(t *testing.T) {
	dir := t.TempDir()
	lock, w := openJournal(t, dir)
	// A key an earlier run tried and the server deferred: counted as
	// tried from the journal on.
	ctx := context.Background()
	known := "known@example.org"
	if err := w.Attempt(ctx, journal.Attempt{Row: 2, Key: known, NormKey: known, Try: 1, Time: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := w.Result(ctx, journal.Result{Row: 2, Key: known, NormKey: known, Status: sendpool.StatusDeferred, Attempts: 1}); err != nil {
		t.Fatal(err)
	}
	w.Close()
	lock.Release()
	state, err := journal.Load(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	g, err := newBounceGuard(0.05, state, nil, nil, journal.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	var stop error
	for i := range guardMinimum - 1 {
		r := sendpool.Result{Key: fmt.Sprintf("u%03d@example.org", i), Status: sendpool.StatusSent, Attempts: 1}
		if i%10 == 5 {
			r.Status = sendpool.StatusFailed
		}
		if err := g.add(r); err != nil {
			stop = err
		}
	}
	if stop == nil || !strings.Contains(stop.Error(), "20 of the 200 recipients tried when it stopped the run (10.0%)") || g.afterStop() != "" {
		t.Fatalf("stop %v, note %q", stop, g.afterStop())
	}
	// In flight when it stopped: the known key, refused (tried already:
	// only the refused count moves, which the note must tell too).
	if err := g.add(sendpool.Result{Key: known, Status: sendpool.StatusFailed, Attempts: 1}); err != nil {
		t.Errorf("a second stop: %v", err)
	}
	want := "the bounce-rate guard stopped the run at 20 of 200 refused for good; with the 1 message in flight then, which finished after it: 21 of the 200 recipients tried (10.5%)"
	if got := g.afterStop(); got != want {
		t.Errorf("note\n got %q\nwant %q", got, want)
	}
	// Then one refused, one taken.
	for _, st := range []sendpool.Status{sendpool.StatusFailed, sendpool.StatusSent} {
		if err := g.add(sendpool.Result{Key: "late" + st.String() + "@example.org", Status: st, Attempts: 1}); err != nil {
			t.Errorf("a second stop: %v", err)
		}
	}
	want = "the bounce-rate guard stopped the run at 20 of 200 refused for good; with the 3 messages in flight then, which finished after it: 22 of the 202 recipients tried (10.9%)"
	if got := g.afterStop(); got != want {
		t.Errorf("note\n got %q\nwant %q", got, want)
	}
}

// TestBounceGuardReadsNoLine: without a suppression list the guard
// counts the journal from what its State holds in memory, reading no
// recipient's lines back (a read per refused recipient was a send's cost
// before its first message): with the State closed, where a read fails,
// it counts as it did, refusals to relay left out, rows taken out of the
// sheet and those --retry-failed retries too.
func TestBounceGuardReadsNoLine(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	lock, w := openJournal(t, dir)
	key := func(i int) string { return fmt.Sprintf("u%03d@example.org", i) }
	for i := range 300 {
		r := journal.Result{Row: i + 2, Key: key(i), To: key(i), Status: sendpool.StatusSent, Attempts: 1}
		switch {
		case i < 20:
			r.Status, r.Code, r.Detail = sendpool.StatusFailed, 550, "5.1.1 <"+key(i)+">: Recipient address rejected: User unknown"
		case i < 50:
			r.Status, r.Code, r.Detail = sendpool.StatusFailed, 554, "5.7.1 <"+key(i)+">: Relay access denied"
		}
		w.Attempt(ctx, journal.Attempt{Row: i + 2, Key: key(i), To: key(i), MessageID: key(i), Try: 1})
		w.Result(ctx, r)
	}
	w.Feedback(ctx, journal.Feedback{ID: "b1", Row: 202, Key: key(200), Recipient: key(200), Kind: journal.FeedbackBounced})
	w.Close()
	lock.Release()
	// A later run through another relay: one refused to relay before is
	// refused for good now, and counts.
	lock, w = openJournal(t, dir)
	w.Attempt(ctx, journal.Attempt{Row: 27, Key: key(25), To: key(25), MessageID: key(25) + "-2", Try: 1})
	w.Result(ctx, journal.Result{Row: 27, Key: key(25), To: key(25), Status: sendpool.StatusFailed, Code: 550, Detail: "5.1.1 User unknown", Attempts: 1})
	w.Close()
	lock.Release()
	state, err := journal.Load(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	inSheet := state.NewMarks()
	for i := range 300 {
		if i != 3 && i != 30 && i != 100 {
			inSheet.Mark(key(i))
		}
	}
	if err := state.Close(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name               string
		policy             journal.Policy
		attempted, refused int
	}{
		{"plain", journal.Policy{}, 270, 21},                    // 29 relay refusals out, 1 refused and 1 sent row gone
		{"retrying", journal.Policy{RetryFailed: true}, 250, 1}, // the refused in the sheet wait for their retry
	} {
		g, err := newBounceGuard(0.5, state, nil, inSheet, c.policy)
		if err != nil || g.attempted != c.attempted || g.refused != c.refused {
			t.Errorf("%s: %d tried, %d refused, %v; want %d and %d with no line read", c.name, g.attempted, g.refused, err, c.attempted, c.refused)
		}
	}
}
