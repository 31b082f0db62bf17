package journal

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
)

// TestCapSlots: a cap whose window took 2 messages at t0 and 3 an hour
// later opens its slots in two steps, a day after each (Quota's next is
// the first of them only); the slots it needs are those of the window's
// latest limit messages, and none when it holds none.
func TestCapSlots(t *testing.T) {
	dir := t.TempDir()
	var recs []any
	for i := range 5 {
		r := res(i+2, fmt.Sprintf("u%d@example.org", i), sendpool.StatusSent)
		if i >= 2 {
			r.Finished = r.Finished.Add(time.Hour)
		}
		recs = append(recs, att(i+2, r.Key), r)
	}
	writeRun(t, dir, Run{Started: t0}, recs...)
	s := load(t, dir)
	day := 24 * time.Hour
	now := t0.Add(2 * time.Hour)
	first, second := t0.Add(day+time.Second), t0.Add(day+time.Hour+time.Second)
	for limit, want := range map[int][]time.Time{
		5: {first, first, second, second, second},
		8: {first, first, second, second, second},
		4: {first, second, second, second},
		3: {second, second, second},
		0: nil,
	} {
		if got := s.CapSlots(limit, day, now); !slices.EqualFunc(got, want, time.Time.Equal) {
			t.Errorf("CapSlots(%d) = %v, want %v", limit, got, want)
		}
	}
	if left, next := s.Quota(5, day, now); left != 0 || !next.Equal(first) {
		t.Errorf("Quota(5) = %d, %v; want 0 until %v", left, next, first)
	}
	if got := s.CapSlots(5, day, now.Add(day)); len(got) != 0 {
		t.Errorf("a day later CapSlots(5) = %v, want none", got)
	}
}
