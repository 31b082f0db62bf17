package journal

import (
	"math"
	"slices"
	"time"
)

// SentSince counts the sent results whose finish time is after t, and
// returns the earliest such finish time (zero when n is 0). For a rolling
// 24-hour cap: SentSince(now.Add(-24*time.Hour)); the oldest of them
// leaves the window at oldest.Add(24*time.Hour).
func (s *State) SentSince(t time.Time) (n int, oldest time.Time) {
	i := 0 // before the zero time: every one is after it
	if !t.Before(time.Time{}) {
		i, _ = slices.BinarySearchFunc(s.sent, sentKey(t), func(a, t int64) int {
			if a > t {
				return 1
			}
			return -1
		})
	}
	n = len(s.sent) - i
	if n > 0 {
		oldest = sentAt(s.sent[i])
	}
	return n, oldest
}

// Quota applies a rolling cap of limit sent messages per window at now:
// left is how many more may be sent now (0 when the cap is reached), and
// when left is 0, next is when the next one may go (when enough of the
// window's messages have aged out of it). A limit <= 0 means no cap: left
// is math.MaxInt.
func (s *State) Quota(limit int, window time.Duration, now time.Time) (left int, next time.Time) {
	if limit <= 0 {
		return math.MaxInt, time.Time{}
	}
	n, _ := s.SentSince(now.Add(-window))
	if n < limit {
		return limit - n, time.Time{}
	}
	inWindow := s.sent[len(s.sent)-n:]
	return 0, sentAt(inWindow[n-limit]).Add(window)
}
