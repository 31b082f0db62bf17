package report

import (
	"cmp"
	"slices"
	"strconv"
)

// shares writes each of counts as a share of total, in tenths of a
// percent, so that the shares written add up to 100% (largest remainder:
// each share is rounded down, and the tenths that leaves over go to the
// shares that lost most, the earlier of equal ones first, but none to
// make "100%" of a count short of the total). A count whose share rounds
// to no tenth is "<0.1%", counting as none. The page's
// script shares alike (page.js, shares), so both parts of the page write
// the same numbers. A total of 0 makes every share "0%".
func shares(counts []int, total int) []string {
	out := make([]string, len(counts))
	if total <= 0 {
		for i := range out {
			out[i] = "0%"
		}
		return out
	}
	units := make([]int, len(counts))
	order := make([]int, len(counts))
	left := 1000
	for i, n := range counts {
		units[i] = 1000 * n / total
		left -= units[i]
		order[i] = i
	}
	rem := func(i int) int { return 1000 * counts[i] % total }
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rem(b), rem(a)) })
	for _, i := range order {
		if left == 0 {
			break
		}
		if units[i] == 999 && counts[i] < total {
			continue // not all of them: never "100%"
		}
		units[i]++
		left--
	}
	for i, u := range units {
		out[i] = shareText(u, counts[i])
	}
	return out
}

// shareText writes u tenths of a percent, the share of a count n.
func shareText(u, n int) string {
	switch {
	case u == 0 && n > 0:
		return "<0.1%"
	case u%10 == 0:
		return strconv.Itoa(u/10) + "%"
	}
	return strconv.Itoa(u/10) + "." + strconv.Itoa(u%10) + "%"
}
