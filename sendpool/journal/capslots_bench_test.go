package journal

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkCapSlots: what a cap's room and slots (Room, CapSlots: what
// send's ending and report compute) cost on a journal of 1,000,000 sent
// messages, all within the cap's day (one every 50 ms), under a cap of
// 2,000 and of 1,000,000.
func BenchmarkCapSlots(b *testing.B) {
	const n = 1_000_000
	s := newState("") // its cleanup frees s.sent
	for i := range n {
		s.sent.Add(sentKey(t0.Add(time.Duration(i) * 50 * time.Millisecond)))
	}
	day := 24 * time.Hour
	now := t0.Add(n * 50 * time.Millisecond)
	for _, limit := range []int{2000, n} {
		b.Run(fmt.Sprintf("Room/cap=%d", limit), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s.Room(limit, day, now)
			}
		})
		b.Run(fmt.Sprintf("CapSlots/cap=%d", limit), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if len(s.CapSlots(limit, day, now)) != limit {
					b.Fatal("CapSlots: too few slots")
				}
			}
		})
	}
}
