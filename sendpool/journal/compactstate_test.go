package journal

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/tidings/tidings/sendpool"
)

// TestSlotSize: a slot is 40 bytes, with its line references in 5 bytes
// each that name every place of a journal up to maxJournal, and every
// status and NoStatus packed in 4 bits beside another.
func TestSlotSize(t *testing.T) {
	if n := unsafe.Sizeof(slot{}); n != 40 {
		t.Errorf("a slot is %d bytes, want 40", n)
	}
	for _, st := range append(sendpool.Statuses(), NoStatus) {
		for _, other := range []sendpool.Status{NoStatus, sendpool.StatusComplained} {
			var k slot
			k.setDelivery(st)
			k.setNoteStatus(other)
			if k.delivery() != st || k.noteStatus() != other {
				t.Errorf("packed %v beside %v: got %v and %v", st, other, k.delivery(), k.noteStatus())
			}
			k.setNoteStatus(st)
			k.setDelivery(other)
			if k.delivery() != other || k.noteStatus() != st {
				t.Errorf("packed %v beside %v: got %v and %v", other, st, k.delivery(), k.noteStatus())
			}
		}
	}
	var k slot
	for range maxTries + 5 {
		k.tried()
		k.setPending(true)
	}
	if k.attempts() != maxTries || !k.pending() {
		t.Errorf("after %d tries: %d attempts, pending %v", maxTries+5, k.attempts(), k.pending())
	}
	if k.setPending(false); k.attempts() != maxTries || k.pending() {
		t.Errorf("pending cleared: %d attempts, pending %v", k.attempts(), k.pending())
	}
	for _, at := range []lineRef{0, 1, 255, 256, 1 << 32, maxJournal + 1} {
		if got := shorten(at).ref(); got != at {
			t.Errorf("shorten(%d).ref() = %d", at, got)
		}
	}
}

// TestSlotMoreSize: a slot's details (slotMore) are the 72 bytes the
// State's doc counts for a recipient with a decision, reports or a
// refusal to relay; a field more changes that count, and the doc with it.
func TestSlotMoreSize(t *testing.T) {
	if n := unsafe.Sizeof(slotMore{}); n != 72 {
		t.Errorf("a slotMore is %d bytes, want the 72 State's doc says", n)
	}
}

// TestLoadTooLarge: a journal larger than a State can name lines of is
// refused, not read with its places wrapped around.
func TestLoadTooLarge(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir, Run{Started: t0}, att(2, "ann@example.org"), res(2, "ann@example.org", sendpool.StatusSent))
	fi, err := os.Stat(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	if s, err := loadUpTo(context.Background(), dir, fi.Size()); err != nil {
		t.Fatalf("a journal of the largest size: %v", err)
	} else {
		s.Close()
	}
	s, err := loadUpTo(context.Background(), dir, fi.Size()-1)
	if !errors.Is(err, errTooLarge) || s != nil {
		t.Fatalf("a journal one byte too large: %v, %v; want errTooLarge", s, err)
	}
}

// TestAttemptsSaturate: a key tried more often than a slot counts stays
// at the largest count (tried, and often), not back at zero.
func TestAttemptsSaturate(t *testing.T) {
	s := newState(filepath.Join(t.TempDir(), FileName))
	a := att(2, "ann@example.org")
	a.NormKey = NormalizeKey(a.Key)
	for i := range maxTries + 10 {
		s.attempt(&a, lineRef(i+1))
	}
	b, ok := s.Brief(a.Key)
	if !ok || b.Attempts != maxTries || b.Delivery != sendpool.StatusUnknown {
		t.Errorf("Brief = %+v, %v; want %d attempts, the last without a result", b, ok, maxTries)
	}
}

// TestSentKey: sent times are kept to the second, rounded up, so a cap
// never lets a message leave its window early.
func TestSentKey(t *testing.T) {
	whole := time.Date(2026, 11, 25, 21, 0, 0, 0, time.UTC)
	tests := []struct {
		in, want time.Time
	}{
		{time.Time{}, time.Time{}},
		{whole, whole},
		{whole.Add(time.Nanosecond), whole.Add(time.Second)},
		{whole.Add(999 * time.Millisecond), whole.Add(time.Second)},
		{sentEpoch, sentEpoch},
		{sentEpoch.Add(-time.Nanosecond), sentEpoch.Add(-time.Second)},
		{time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), sentEpoch.Add(-time.Second)},
		{time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), sentAt(math.MaxUint32)},
	}
	for _, tt := range tests {
		if got := sentAt(sentKey(tt.in)); !got.Equal(tt.want) {
			t.Errorf("sentAt(sentKey(%v)) = %v, want %v", tt.in, got, tt.want)
		}
	}
	if last := sentAt(math.MaxUint32); last.Year() != 2136 {
		t.Errorf("the last time kept is %v, want in 2136", last)
	}
}

// TestSentSinceSubSecond: with times kept to the second, a cap still
// counts every message sent within its window (one up to a second older
// may count too): three sent at .6, .7 and .8 of a second are all in the
// window that starts at .5 of it, so a cap of three is reached. And with
// a clock before sentEpoch, those sent then still count.
func TestSentSinceSubSecond(t *testing.T) {
	dir := t.TempDir()
	var recs []any
	for i, frac := range []time.Duration{600, 700, 800} {
		r := res(i+2, fmt.Sprintf("r%d@example.org", i), sendpool.StatusSent)
		r.Finished = t0.Add(frac * time.Millisecond)
		recs = append(recs, r)
	}
	old := res(9, "old@example.org", sendpool.StatusSent)
	old.Finished = time.Date(1970, 1, 2, 0, 0, 0, 500, time.UTC)
	recs = append(recs, old)
	writeRun(t, dir, Run{Started: t0}, recs...)
	s := load(t, dir)
	defer s.Close()
	day := 24 * time.Hour
	now := t0.Add(day + 500*time.Millisecond)
	if n, oldest := s.SentSince(now.Add(-day)); n != 3 || oldest.Before(t0.Add(600*time.Millisecond)) {
		t.Errorf("SentSince(.5 s) = %d, %v; want 3, from %v", n, oldest, t0.Add(600*time.Millisecond))
	}
	if left, next := s.Quota(3, day, now); left != 0 || next.Before(t0.Add(day+600*time.Millisecond)) {
		t.Errorf("Quota(3) at %v = %d, %v; want 0, not before the first leaves the window", now, left, next)
	}
	if n, _ := s.SentSince(t0.Add(time.Second)); n != 0 {
		t.Errorf("SentSince(a second after the last) = %d, want 0", n)
	}
	if n, _ := s.SentSince(time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)); n != 4 {
		t.Errorf("SentSince(1970) = %d, want all 4", n)
	}
}

// TestRecorded: a decision is the journal's latest word on its row when
// the same line is there and nothing since stands in its way: a row's own
// fact (a duplicate, a row without a key) not superseded by a later
// record of the row; a key's decision with no delivery after it (one
// before it that every run tries again gives way to it).
func TestRecorded(t *testing.T) {
	dir := t.TempDir()
	dup := res(3, "ann@example.org", sendpool.StatusDuplicate)
	dup.Detail = "duplicate of row 2"
	keyless := res(4, "", sendpool.StatusInvalid)
	keyless.Detail = "email: empty"
	supp := res(5, "Bob@example.org", sendpool.StatusSuppressed)
	supp.To, supp.Detail = "Bob <bob@example.org>", "bob@example.org is suppressed"
	deferred := res(6, "cid@example.org", sendpool.StatusDeferred)
	suppCid := res(6, "cid@example.org", sendpool.StatusSuppressed)
	suppCid.Detail = "cid@example.org is suppressed"
	gone := res(7, "", sendpool.StatusInvalid) // then row 7 is sent
	bad := res(10, "bad@@x", sendpool.StatusInvalid)
	bad.Detail = "email: not an address"
	eve := res(11, "eve@example.org", sendpool.StatusSuppressed) // then row 11 has no key
	eveRow := res(11, "", sendpool.StatusInvalid)
	suppFay := res(12, "fay@example.org", sendpool.StatusSuppressed) // then deferred
	suppHal := res(13, "hal@example.org", sendpool.StatusSuppressed) // after a failure, under --retry-failed
	writeRun(t, dir, Run{Started: t0}, dup, keyless, supp, deferred, suppCid, gone, att(7, "dan@example.org"), res(7, "dan@example.org", sendpool.StatusSent),
		bad, eve, eveRow, suppFay, att(12, "fay@example.org"), res(12, "fay@example.org", sendpool.StatusDeferred),
		att(13, "hal@example.org"), res(13, "hal@example.org", sendpool.StatusFailed), suppHal)
	s := load(t, dir)
	defer s.Close()
	moved, otherTo, otherDetail, spelled := supp, supp, supp, supp
	moved.Row = 8
	otherTo.To = "bob@example.org"
	otherDetail.Detail = "@example.org is suppressed"
	spelled.Key = "bob@example.org"
	otherFirst := dup
	otherFirst.Detail = "duplicate of row 9"
	asSuppressed := bad
	asSuppressed.Status = sendpool.StatusSuppressed
	for _, c := range []struct {
		name string
		r    Result
		want bool
	}{
		{"the duplicate again", dup, true},
		{"the keyless row again", keyless, true},
		{"the suppressed key again", supp, true},
		{"the suppressed key at another row", moved, false},
		{"the suppressed key with another To", otherTo, false},
		{"the suppressed key for another reason", otherDetail, false},
		{"a key deferred, then suppressed", suppCid, true},
		{"a key suppressed, then deferred", suppFay, false},
		{"a key failed, then suppressed", suppHal, true},
		{"a row since sent", gone, false},
		{"a key the journal lacks", res(9, "gil@example.org", sendpool.StatusSuppressed), false},
		{"the keyed invalid row again", bad, true},
		{"the key spelled otherwise", spelled, false},
		{"a duplicate of another row now", otherFirst, false},
		{"a key whose latest decision is another", asSuppressed, false},
		{"a key whose row has its own fact since", eve, false},
	} {
		c.r.Finished = time.Time{} // when is not compared
		if got, err := s.Recorded(c.r, nil); got != c.want || err != nil {
			t.Errorf("%s: %v (%v), want %v", c.name, got, err, c.want)
		}
	}
	// A key this run wrote a line for already: the State, read before,
	// no longer has the latest word.
	written := s.NewMarks()
	written.Mark(supp.Key)
	if got, _ := s.Recorded(supp, written); got {
		t.Error("a key written this run: recorded")
	}
}

// TestReached: Reached lists the recipients m does not mark that a message
// may have reached (sent, also with a bounce since; an attempt without a
// result; an unknown result), by row, and none of the others.
func TestReached(t *testing.T) {
	dir := t.TempDir()
	bounced := Feedback{ID: "f1", Row: 3, Key: "bea@example.org", NormKey: "bea@example.org", Kind: FeedbackBounced, Status: "5.1.1"}
	writeRun(t, dir, Run{Started: t0},
		att(2, "ann@example.org"), res(2, "ann@example.org", sendpool.StatusSent),
		att(3, "bea@example.org"), res(3, "bea@example.org", sendpool.StatusSent), bounced,
		att(4, "cid@example.org"), // no result
		att(5, "dan@example.org"), res(5, "dan@example.org", sendpool.StatusUnknown),
		att(6, "eve@example.org"), res(6, "eve@example.org", sendpool.StatusFailed),
		att(7, "fay@example.org"), res(7, "fay@example.org", sendpool.StatusDeferred),
		res(8, "gil@example.org", sendpool.StatusSuppressed),
		att(9, "hal@example.org"), res(9, "hal@example.org", sendpool.StatusSent))
	s := load(t, dir)
	defer s.Close()
	marks := s.NewMarks()
	marks.Mark("hal@example.org") // still in the sheet
	var got []string
	for e, err := range s.Reached(marks) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e.NormKey)
	}
	if want := "ann@example.org bea@example.org cid@example.org dan@example.org"; strings.Join(got, " ") != want {
		t.Errorf("Reached = %v, want %s", got, want)
	}
}
