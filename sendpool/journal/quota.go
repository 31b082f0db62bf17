package journal

import (
	"math"
	"runtime"
	"slices"
	"time"

	"github.com/tidings/tidings/sendpool/offheap"
)

// SentSince counts the sent results whose finish time is after t, and
// returns the earliest such finish time (zero when n is 0). For a rolling
// 24-hour cap: SentSince(now.Add(-24*time.Hour)); the oldest of them
// leaves the window at oldest.Add(24*time.Hour).
func (s *State) SentSince(t time.Time) (n int, oldest time.Time) {
	defer runtime.KeepAlive(s)
	sent := s.sent.all()
	i := 0 // before the zero time: every one is after it
	if !t.Before(time.Time{}) {
		i, _ = slices.BinarySearchFunc(sent, sentKey(t), func(a, t int64) int {
			if a > t {
				return 1
			}
			return -1
		})
	}
	n = len(sent) - i
	if n > 0 {
		oldest = sentAt(sent[i])
	}
	return n, oldest
}

// Quota applies a rolling cap of limit sent messages per window at now:
// left is how many more may be sent now (0 when the cap is reached), and
// when left is 0, next is when the next one may go (when enough of the
// window's messages have aged out of it). A limit <= 0 means no cap: left
// is math.MaxInt.
func (s *State) Quota(limit int, window time.Duration, now time.Time) (left int, next time.Time) {
	defer runtime.KeepAlive(s)
	if limit <= 0 {
		return math.MaxInt, time.Time{}
	}
	n, _ := s.SentSince(now.Add(-window))
	if n < limit {
		return limit - n, time.Time{}
	}
	sent := s.sent.all()
	inWindow := sent[len(sent)-n:]
	return 0, sentAt(inWindow[n-limit]).Add(window)
}

// sentTimes holds finished times (Unix ns, see sentKey) in one array
// outside the Go heap (package offheap) that doubles as it fills: a
// million sent recipients take 8 MB, which on the heap would cost as much
// again in the collector's headroom. free gives the memory back.
type sentTimes struct {
	mem offheap.Array[int64]
	n   int
}

// add appends v.
func (t *sentTimes) add(v int64) {
	if t.n == len(t.mem.Items) {
		old := t.mem
		t.mem = offheap.Make[int64](max(1024, 2*t.n))
		copy(t.mem.Items, old.Items)
		old.Free()
	}
	t.mem.Items[t.n] = v
	t.n++
}

// all returns the times held; the slice is valid until the next add.
func (t *sentTimes) all() []int64 { return t.mem.Items[:t.n] }

// free gives the memory back (its State's cleanup calls it).
func (t *sentTimes) free() {
	t.mem.Free()
	t.n = 0
}
