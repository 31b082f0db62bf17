package report

import (
	"math"
	"math/bits"
)

// histBuckets is the number of counters of a durationHist: 16 for 0–15 ms,
// then eight for each power of two up to 2^31 ms.
const histBuckets = 16 + 27*8

// durationHist is a histogram of durations in milliseconds with a relative
// precision of 1/16: values below 16 ms have a bucket each; above, every
// power of two is cut into eight equal buckets (as HDR histograms do). It
// takes the same 928 bytes whatever the number of values, which is what
// keeps the page's medians in bounded memory; a quantile is the middle of
// its bucket, within 1/16 of the true value. The zero value is empty.
type durationHist struct {
	counts [histBuckets]uint32
	n      int
}

// histIndex is the bucket of a duration (negative ones count as 0).
func histIndex(ms int64) int {
	ms = min(max(ms, 0), math.MaxInt32)
	if ms < 16 {
		return int(ms)
	}
	e := bits.Len64(uint64(ms)) - 1 // 4 ≤ e ≤ 30
	sub := int(ms>>(e-3)) & 7
	return 16 + (e-4)*8 + sub
}

// histMid is the middle of bucket i, in milliseconds.
func histMid(i int) int64 {
	if i < 16 {
		return int64(i)
	}
	e, sub := (i-16)/8+4, (i-16)%8
	lo := int64(8+sub) << (e - 3)
	return lo + (int64(1)<<(e-3))/2
}

// add counts a duration.
func (h *durationHist) add(ms int64) {
	h.counts[histIndex(ms)]++
	h.n++
}

// quantile returns the q-quantile (0 < q ≤ 1) in milliseconds, -1 when
// the histogram is empty.
func (h *durationHist) quantile(q float64) int64 {
	if h.n == 0 {
		return -1
	}
	rank := max(1, int(math.Ceil(q*float64(h.n))))
	seen := 0
	for i, c := range h.counts {
		seen += int(c)
		if seen >= rank {
			return histMid(i)
		}
	}
	return histMid(histBuckets - 1)
}
