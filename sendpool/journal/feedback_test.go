package journal

import (
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool"
)

// TestFeedbackRecords: bounces and complaints recorded for sent keys show
// in the report (the weightiest one per key), are known by id so a second
// run records nothing twice, and leave the decision to send unchanged.
func TestFeedbackRecords(t *testing.T) {
	dir := t.TempDir()
	a, b, c := "ann@example.org", "bob@example.org", "cid@example.org"
	sent := func(row int, k string) Result { r := res(row, k, sendpool.StatusSent); r.Code = 250; return r }
	soft := Feedback{ID: FeedbackID("r1", a), Row: 2, Key: a, Recipient: a, Kind: FeedbackSoftBounce, Status: "4.2.2", Diagnostic: "mailbox full"}
	hard := Feedback{ID: FeedbackID("r2", a), Row: 2, Key: a, Recipient: a, Kind: FeedbackBounced, Status: "5.1.1", Code: 550, Diagnostic: "no such user"}
	spam := Feedback{ID: FeedbackID("r3", b), Row: 3, Key: b, Recipient: b, Kind: FeedbackComplained}
	unsub := Feedback{ID: FeedbackID("r4", c), Row: 4, Key: c, Recipient: c, Kind: FeedbackUnsubscribed}
	writeRun(t, dir, Run{PID: 1, Started: t0}, att(2, a), sent(2, a), att(3, b), sent(3, b), att(4, c), sent(4, c))
	writeRun(t, dir, Run{PID: 2, Started: t0}, soft, hard, spam, unsub)
	s := load(t, dir)
	if f := entryOf(t, s, a).Feedback; f == nil || f.Kind != FeedbackBounced {
		t.Errorf("ann's feedback %+v, want the hard bounce over the soft one", f)
	}
	for _, id := range []string{soft.ID, hard.ID, spam.ID, unsub.ID} {
		if !s.FeedbackSeen(id) {
			t.Errorf("feedback %s not seen", id)
		}
	}
	if s.FeedbackSeen(FeedbackID("r9", a)) {
		t.Error("an unknown report is seen")
	}
	got := map[string]Result{}
	for _, r := range reportOf(t, s) {
		got[r.Key] = r
	}
	if r := got[a]; r.Status != sendpool.StatusBounced || r.EnhancedCode != "5.1.1" || r.Code != 550 || !strings.Contains(r.Detail, "no such user") {
		t.Errorf("ann: %+v", r)
	}
	if r := got[b]; r.Status != sendpool.StatusComplained {
		t.Errorf("bob: %+v", r)
	}
	if r := got[c]; r.Status != sendpool.StatusSent {
		t.Errorf("cid (unsubscribed) stays sent: %+v", r)
	}
	if d := decideOf(t, s, a, Policy{RetryFailed: true}); d.Send || d.Status != sendpool.StatusSent {
		t.Errorf("a bounced key is decided %+v, want not sent again", d)
	}
}

// TestFeedbackOnUnknown: a report that came back about a message whose
// reply was lost leaves the row unknown (only --resend-unknown settles
// that) and its line says what came back; a row whose message no server
// took (failed) keeps its line as it was.
func TestFeedbackOnUnknown(t *testing.T) {
	dir := t.TempDir()
	a, b := "ann@example.org", "bob@example.org"
	failed := res(3, b, sendpool.StatusFailed)
	failed.Code, failed.Detail = 550, "550 5.1.1 no such user"
	writeRun(t, dir, Run{PID: 1, Started: t0}, att(2, a), att(3, b), failed)
	writeRun(t, dir, Run{PID: 2, Started: t0},
		Feedback{ID: FeedbackID("r1", a), Row: 2, Key: a, Recipient: a, Kind: FeedbackBounced, Status: "5.1.1", Diagnostic: "no such user"},
		Feedback{ID: FeedbackID("r2", b), Row: 3, Key: b, Recipient: b, Kind: FeedbackBounced, Status: "5.1.1", Diagnostic: "no such user"})
	got := map[string]Result{}
	for _, r := range reportOf(t, load(t, dir)) {
		got[r.Key] = r
	}
	if r := got[a]; r.Status != sendpool.StatusUnknown || !strings.Contains(r.Detail, "; since then: bounced for ann@example.org: no such user") {
		t.Errorf("ann: %s %q", r.Status, r.Detail)
	}
	if r := got[b]; r.Status != sendpool.StatusFailed || r.Detail != failed.Detail {
		t.Errorf("bob: %s %q", r.Status, r.Detail)
	}
}
