package journal

import (
	"math"
	"runtime"
	"slices"
	"time"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/offheap"
)

// SentSince counts the sent results whose finish time is after t, and
// returns the earliest such finish time (zero when n is 0). For a rolling
// 24-hour cap: SentSince(now.Add(-24*time.Hour)); the oldest of them
// leaves the window at oldest.Add(24*time.Hour). Times are kept to the
// second, rounded up (see sentKey), so a result up to a second before t
// may be counted too, and none after it is left out: a cap errs on the
// side of waiting.
func (s *State) SentSince(t time.Time) (n int, oldest time.Time) {
	defer runtime.KeepAlive(s)
	sent := s.sent.Items()
	i := 0 // before the zero time: every one is after it
	if !t.Before(time.Time{}) {
		// Kept times are rounded up, so compare with t rounded down:
		// every one after t counts, and one up to a second before it may.
		// Before sentEpoch, every one with a time counts.
		k := sentKey(t.Truncate(time.Second))
		if k == 1 {
			k = 0
		}
		i, _ = slices.BinarySearchFunc(sent, k, func(a, t uint32) int {
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
// window's messages have aged out of it). Messages of unknown outcome
// (unknownSince) count as sent: the server may have taken them, and
// counted them against the sender's quota. A limit <= 0 means no cap:
// left is math.MaxInt.
func (s *State) Quota(limit int, window time.Duration, now time.Time) (left int, next time.Time) {
	defer runtime.KeepAlive(s)
	if limit <= 0 {
		return math.MaxInt, time.Time{}
	}
	since := now.Add(-window)
	n, _ := s.SentSince(since)
	unknown := s.unknownSince(since)
	if n+len(unknown) < limit {
		return limit - n - len(unknown), time.Time{}
	}
	inWindow := s.inWindow(n, limit, unknown)
	return 0, sentAt(inWindow[len(inWindow)-limit]).Add(window)
}

// inWindow is the times (sentKey) of the latest limit of the window's
// messages, the n latest sent results and unknown, with some older ones
// (from unknown), in order: the latest limit of them are the window's.
// It copies no more than limit sent results however many the window
// holds (a million sent within the day, under a cap of 2,000).
func (s *State) inWindow(n, limit int, unknown []uint32) []uint32 {
	sent := s.sent.Items()
	in := slices.Concat(sent[len(sent)-min(n, limit):], unknown)
	slices.Sort(in)
	return in
}

// CapSlots is when a rolling cap of limit messages per window, at now,
// lets each message go past those it lets go now (Room's left), in
// order: the i-th a window after the i-th oldest of the latest limit
// messages the window holds (counted as Quota counts them: unknown
// outcomes too), when that one leaves it. They are as many as the
// window holds, up to limit; the messages past them go a window after
// those sent in the slots, or in Room's left. None (nil or empty) when
// limit <= 0 or the window holds none. A send an hour
// after a test send of 3 fills the window in two steps, and so the
// slots open in two: 3, then the rest an hour later.
func (s *State) CapSlots(limit int, window time.Duration, now time.Time) []time.Time {
	defer runtime.KeepAlive(s)
	if limit <= 0 {
		return nil
	}
	since := now.Add(-window)
	n, _ := s.SentSince(since)
	in := s.inWindow(n, limit, s.unknownSince(since))
	in = in[max(0, len(in)-limit):]
	slots := make([]time.Time, len(in))
	for i, k := range in {
		slots[i] = sentAt(k).Add(window)
	}
	return slots
}

// Room is Quota with next given also when the cap has room now: left
// is how many more may be sent now, and next when the next may go once
// those left have: Quota's when left is 0; when the window holds some
// messages (left below limit), when the oldest of them leaves it, the
// cap being reached then with those left sent now; zero when the window
// holds none (it then depends on when the left go) or limit <= 0.
func (s *State) Room(limit int, window time.Duration, now time.Time) (left int, next time.Time) {
	left, next = s.Quota(limit, window, now)
	if left > 0 && left < limit {
		// The window holds limit-left: a cap of that many is reached
		// now, and its next slot opens as the oldest of them leaves.
		_, next = s.Quota(limit-left, window, now)
	}
	return left, next
}

// CapUsed is how much of a cap whose window began at since is used: the
// messages sent since (SentSince) and those of unknown outcome tried
// since, which Quota counts as sent. check's estimate counts by it.
func (s *State) CapUsed(since time.Time) int {
	defer runtime.KeepAlive(s)
	n, _ := s.SentSince(since)
	return n + len(s.unknownSince(since))
}

// unknownSince returns the times (sentKey) of the latest attempts of the
// keys whose delivery is of unknown outcome (an attempt without a result,
// a crash's or one recorded ahead of a reply that never came, or a lost
// reply's unknown result) begun after t. A key's attempt is read back
// from the journal (one of each such key: a crash leaves a few); one that
// cannot be read counts as begun at t, erring on the side of waiting.
func (s *State) unknownSince(t time.Time) []uint32 {
	var out []uint32
	for i := range s.keys.n {
		k := s.keys.at(i)
		if k.deliveryStatus() != sendpool.StatusUnknown {
			continue
		}
		a, err := s.attemptAt(k.attempt.ref())
		at := t.Add(time.Second) // one that cannot be read
		switch {
		case err == nil && a == nil:
			continue // no attempt line: nothing tells when it went
		case err == nil:
			at = a.Time
		}
		if at.After(t) {
			out = append(out, sentKey(at))
		}
	}
	return out
}

// sentTimes holds finished times (seconds, see sentKey) in one list
// outside the Go heap (package offheap): a million sent recipients take
// 4 MB, which on the heap would cost as much again in the collector's
// headroom. Free gives the memory back (its State's cleanup calls it).
type sentTimes = offheap.List[uint32]

// sentEpoch is the time sentKey counts seconds from.
var sentEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// sentKey is what State.sent keeps of a sent time, in 4 bytes: 0 for the
// zero time (a result without a finish time), 1 for any other before
// sentEpoch, and otherwise 2 plus the seconds since sentEpoch rounded up
// (up to the year 2136; later ones are kept as the last second). Rounded
// up, a sent message stays in a cap's window up to a second longer than
// it must, never shorter.
func sentKey(t time.Time) uint32 {
	switch {
	case t.IsZero():
		return 0
	case t.Before(sentEpoch):
		return 1
	}
	d := t.Sub(sentEpoch)
	secs := int64(d / time.Second)
	if d%time.Second != 0 {
		secs++
	}
	if secs > math.MaxUint32-2 {
		return math.MaxUint32
	}
	return uint32(secs + 2)
}

// sentAt converts a sent time back: the zero time for 0, a second before
// sentEpoch for 1.
func sentAt(k uint32) time.Time {
	if k == 0 {
		return time.Time{}
	}
	return sentEpoch.Add(time.Duration(int64(k)-2) * time.Second)
}
