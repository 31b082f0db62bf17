package journal

import (
	"slices"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
)

// revised is s.Revised of key's values now: sum, and each facet's sums.
func revised(s *State, key string, facets []string, sum uint32, sums []uint16) ([]string, error) {
	return s.Revised(key, facets, sum, func() ([]uint16, error) { return sums, nil })
}

// sumsAtt is an attempt of a message made of values with the
// fingerprints sum and each.
func sumsAtt(row int, key, id string, sum uint32, each ...uint16) Attempt {
	a := att(row, key)
	a.MessageID, a.Values = id, Values{Sum: sum, Each: each}
	return a
}

// TestRevised: a key's latest message was made of the values its attempt
// line fingerprints, under its run's facets; Revised names the facets
// both know whose fingerprints differ now, says "?" when the sum differs
// and no facet tells (a 16-bit hash that collides), and says nothing
// when the journal has no fingerprints (an older tidings' lines) or the
// values are not known.
func TestRevised(t *testing.T) {
	dir := t.TempDir()
	facets := []string{"name", "amount", ""}
	writeRun(t, dir, Run{PID: 1, Started: t0, Facets: facets},
		sumsAtt(2, "ann@example.org", "a1", 100, 1, 2, 3), res(2, "ann@example.org", sendpool.StatusSent),
		att(3, "bob@example.org"), res(3, "bob@example.org", sendpool.StatusSent))
	s := load(t, dir)
	defer s.Close()
	for _, tt := range []struct {
		key    string
		facets []string
		sum    uint32
		sums   []uint16
		want   []string
	}{
		{"ann@example.org", facets, 100, []uint16{9, 9, 9}, nil}, // the sum tells: the facets are not read
		{" ANN@example.org", facets, 101, []uint16{1, 9, 3}, []string{"amount"}},
		{"ann@example.org", facets, 101, []uint16{7, 2, 8}, []string{"name", ""}},
		{"ann@example.org", facets, 101, []uint16{1, 2, 3}, []string{"?"}},
		{"ann@example.org", facets, 0, nil, nil}, // values not known
		// Other facets now: those both know are compared, by name.
		{"ann@example.org", []string{"amount", "note", "name"}, 102, []uint16{2, 5, 1}, []string{}},
		{"ann@example.org", []string{"amount", "note", "name"}, 102, []uint16{4, 5, 1}, []string{"amount"}},
		{"bob@example.org", facets, 101, []uint16{1, 2, 3}, nil}, // none recorded
		{"cy@example.org", facets, 101, []uint16{1, 2, 3}, nil},  // never tried
	} {
		got, err := revised(s, tt.key, tt.facets, tt.sum, tt.sums)
		if err != nil || !slices.Equal(got, tt.want) || (got == nil) != (tt.want == nil) {
			t.Errorf("Revised(%q, %q, %d, %v) = %q, %v; want %q", tt.key, tt.facets, tt.sum, tt.sums, got, err, tt.want)
		}
	}
}

// TestSentSum: the values sum of a key's delivered message is known from
// memory; a key refused for good, one whose attempt recorded no sum and
// one never tried have none (rev-user14).
func TestSentSum(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir, Run{PID: 1, Started: t0, Facets: []string{"amount"}},
		sumsAtt(2, "ann@example.org", "a1", 100, 1), res(2, "ann@example.org", sendpool.StatusSent),
		sumsAtt(3, "bob@example.org", "b1", 200, 2), res(3, "bob@example.org", sendpool.StatusFailed),
		att(4, "cy@example.org"), res(4, "cy@example.org", sendpool.StatusSent))
	s := load(t, dir)
	defer s.Close()
	for key, want := range map[string]uint32{" ANN@example.org": 100, "bob@example.org": 0, "cy@example.org": 0, "dee@example.org": 0} {
		if sum, ok := s.SentSum(key); ok != (want != 0) || ok && sum != want {
			t.Errorf("SentSum(%q) = %d, %v; want %d", key, sum, ok, want)
		}
	}
}

// TestRevisedResent: a message made anew for a sent key, of other values
// (send --resend-changed), becomes the key's once the server takes it or
// may have (an unknown outcome, an attempt a crash left without a
// result): its status, Message-ID and values are what later runs see, and
// the message before is an earlier one. Deferred, refused (after its body
// or before it, with no attempt line) or cut off before its body, it
// leaves the key on the message that went: the row is still told as
// changed. An attempt of the same values again, and one without
// fingerprints, are no new message.
func TestRevisedResent(t *testing.T) {
	k := "ann@example.org"
	later := func(st sendpool.Status, id string) Result {
		r := res(2, k, st)
		r.MessageID, r.Finished = id, t0.Add(time.Hour)
		return r
	}
	facets := []string{"amount"}
	for _, tt := range []struct {
		name   string
		second []any
		status sendpool.Status
		id     string
		sum    uint32 // of the values of the message the key has
	}{
		{"resent and sent", []any{sumsAtt(2, k, "a2", 9, 9), later(sendpool.StatusSent, "a2")}, sendpool.StatusSent, "a2", 9},
		{"resent and refused", []any{sumsAtt(2, k, "a2", 9, 9), later(sendpool.StatusFailed, "a2")}, sendpool.StatusSent, "m2@test", 1},
		{"resent and deferred", []any{sumsAtt(2, k, "a2", 9, 9), later(sendpool.StatusDeferred, "a2")}, sendpool.StatusSent, "m2@test", 1},
		{"resent, deferred, then sent", []any{sumsAtt(2, k, "a2", 9, 9), later(sendpool.StatusDeferred, "a2"), sumsAtt(2, k, "a2", 9, 9), later(sendpool.StatusSent, "a2")}, sendpool.StatusSent, "a2", 9},
		{"resent, cut off after its attempt (a crash)", []any{sumsAtt(2, k, "a2", 9, 9)}, sendpool.StatusUnknown, "a2", 9},
		{"resent, its reply lost", []any{sumsAtt(2, k, "a2", 9, 9), later(sendpool.StatusUnknown, "a2")}, sendpool.StatusUnknown, "a2", 9},
		{"resent, refused before its body", []any{later(sendpool.StatusFailed, "a2")}, sendpool.StatusSent, "m2@test", 1},
		{"the same values again", []any{sumsAtt(2, k, "a1", 1, 1), later(sendpool.StatusFailed, "a1")}, sendpool.StatusSent, "m2@test", 1}, // the first result's
		{"no fingerprints", []any{att(2, k), later(sendpool.StatusFailed, "a3")}, sendpool.StatusSent, "m2@test", 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeRun(t, dir, Run{PID: 1, Started: t0, Facets: facets}, sumsAtt(2, k, "a1", 1, 1), res(2, k, sendpool.StatusSent))
			writeRun(t, dir, Run{PID: 2, Started: t0.Add(time.Hour), Facets: facets, ResendChanged: true}, tt.second...)
			s := load(t, dir)
			defer s.Close()
			e := entryOf(t, s, k)
			if e.Status != tt.status || e.MessageID != tt.id {
				t.Errorf("status %v, Message-ID %q; want %v, %q", e.Status, e.MessageID, tt.status, tt.id)
			}
			if got, err := revised(s, k, facets, tt.sum, []uint16{uint16(tt.sum)}); len(got) > 0 || err != nil {
				t.Errorf("Revised of the values of the message it has = %q, %v", got, err)
			}
			if tt.sum == 1 && tt.name != "the same values again" && tt.name != "no fingerprints" {
				if got, _ := revised(s, k, facets, 9, []uint16{9}); len(got) != 1 {
					t.Errorf("Revised of the corrected values = %q: the row is still told", got)
				}
			}
			if earlier, err := s.Earlier(k); err != nil || (len(earlier) == 1) != (tt.id == "a2") {
				t.Errorf("Earlier = %+v, %v", earlier, err)
			}
		})
	}
}

// TestRevisedResentAfterReports: a message sent again corrected (its
// attempt of other values) leaves behind what came back about the one
// before (the key's status is the new message's, and State.Earlier has
// the one before); a report about that earlier message (Feedback.Earlier)
// does not change it. A send to the recipients a message still owes is
// no new message, whatever its values.
func TestRevisedResentAfterReports(t *testing.T) {
	k := "ann@example.org"
	facets := []string{"amount"}
	bounced := Feedback{ID: "f1", Row: 2, Key: k, Recipient: k, Kind: FeedbackBounced, Recorded: t0}
	dir := t.TempDir()
	writeRun(t, dir, Run{PID: 1, Started: t0, Facets: facets}, sumsAtt(2, k, "a1", 1, 1), res(2, k, sendpool.StatusSent))
	writeRun(t, dir, Run{PID: 2, Started: t0}, bounced)
	second := res(2, k, sendpool.StatusSent)
	second.MessageID = "a2"
	writeRun(t, dir, Run{PID: 3, Started: t0, Facets: facets}, sumsAtt(2, k, "a2", 9, 9), second)
	late := bounced
	late.ID, late.Earlier = "f2", true
	writeRun(t, dir, Run{PID: 4, Started: t0}, late)
	s := load(t, dir)
	e := entryOf(t, s, k)
	if e.Status != sendpool.StatusSent || e.MessageID != "a2" || e.Feedback != nil {
		t.Errorf("after the resend: status %v, Message-ID %q, feedback %+v; want sent, a2, none", e.Status, e.MessageID, e.Feedback)
	}
	earlier, err := s.Earlier(" ANN@example.org")
	if err != nil || len(earlier) != 1 || earlier[0].MessageID != "a1" {
		t.Errorf("Earlier = %+v, %v; want the attempt of a1", earlier, err)
	}
	if !s.FeedbackSeen("f2") {
		t.Error("the report about the earlier message is not seen")
	}
	s.Close()

	// Every hard report is kept, also two of one weight about one
	// message (a To and a Cc bounced), and none of a soft bounce.
	dir = t.TempDir()
	writeRun(t, dir, Run{PID: 1, Started: t0, Facets: facets}, sumsAtt(2, k, "a1", 1, 1), res(2, k, sendpool.StatusSent))
	cc, soft := bounced, bounced
	cc.ID, cc.Recipient = "f3", "cc@example.org"
	soft.ID, soft.Recipient, soft.Kind = "f4", "full@example.org", FeedbackSoftBounce
	writeRun(t, dir, Run{PID: 2, Started: t0}, bounced, cc, soft)
	s = load(t, dir)
	var who []string
	reports, err := s.Reports(k)
	for _, f := range reports {
		who = append(who, f.Recipient)
	}
	if err != nil || !slices.Equal(who, []string{k, "cc@example.org"}) {
		t.Errorf("Reports = %q, %v; want both hard bounces", who, err)
	}
	s.Close()

	dir = t.TempDir()
	partly := res(2, k, sendpool.StatusSent)
	partly.Owed = []string{"cc@example.org"}
	writeRun(t, dir, Run{PID: 1, Started: t0, Facets: facets}, sumsAtt(2, k, "a1", 1, 1), partly)
	owedSend := res(2, k, sendpool.StatusFailed)
	owedSend.Owed = []string{"cc@example.org"}
	writeRun(t, dir, Run{PID: 2, Started: t0, Facets: facets}, sumsAtt(2, k, "a1", 9, 9), owedSend)
	s = load(t, dir)
	defer s.Close()
	if e := entryOf(t, s, k); e.Status != sendpool.StatusSent {
		t.Errorf("after a send to the owed recipients: status %v, want sent", e.Status)
	}
	if earlier, _ := s.Earlier(k); len(earlier) != 0 {
		t.Errorf("a send to the owed recipients made an earlier message: %+v", earlier)
	}
	// The key's values stay those of the message that went (the send to
	// the owed one, refused for good, settled it).
	if got, err := revised(s, k, facets, 1, []uint16{1}); len(got) != 0 || err != nil {
		t.Errorf("Revised of the values that went = %q, %v", got, err)
	}
	if got, _ := revised(s, k, facets, 9, []uint16{9}); len(got) == 0 {
		t.Errorf("Revised of other values = %q, want them told", got) // unnamed ("?"): the owed send's line has them
	}
}

// TestSameColumns: a row's columns are those of the key's message when
// every column both name has its fingerprint; the files are left out,
// and nothing known is no match.
func TestSameColumns(t *testing.T) {
	dir := t.TempDir()
	a := att(2, "ann@example.org")
	a.Values = Values{Sum: 9, Each: []uint16{10, 20, 30}}
	writeRun(t, dir, Run{PID: 1, Started: t0, Facets: []string{"name", "city", ""}}, a, res(2, "ann@example.org", sendpool.StatusSent))
	s := load(t, dir)
	for _, c := range []struct {
		facets []string
		sums   []uint16
		want   bool
	}{
		{[]string{"name", "city", ""}, []uint16{10, 20, 0}, true},    // the files not read now
		{[]string{"city", "name"}, []uint16{20, 10}, true},           // another order, no files
		{[]string{"name", "city", "zip"}, []uint16{10, 20, 7}, true}, // a column read since
		{[]string{"name", "city", ""}, []uint16{10, 21, 30}, false},
		{[]string{"zip"}, []uint16{10}, false}, // no column in common
		{[]string{"name"}, nil, false},
	} {
		if got, err := s.SameColumns("ann@example.org", c.facets, c.sums); err != nil || got != c.want {
			t.Errorf("SameColumns(%v, %v) = %v, %v; want %v", c.facets, c.sums, got, err, c.want)
		}
	}
	if got, _ := s.SameColumns("bob@example.org", []string{"name"}, []uint16{10}); got {
		t.Error("a key the journal does not have matches")
	}
}
