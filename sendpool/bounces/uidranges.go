package bounces

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// uidRange is the IMAP UIDs lo to hi, both included.
type uidRange struct{ lo, hi uint32 }

// uidRanges is a set of IMAP UIDs as ranges, ascending, neither
// overlapping nor touching: a folder read from its first message to its
// last is one range, whatever its size.
type uidRanges []uidRange

// has reports whether uid is in the set.
func (s uidRanges) has(uid uint32) bool {
	i, _ := slices.BinarySearchFunc(s, uid, func(r uidRange, u uint32) int {
		switch {
		case r.hi < u:
			return -1
		case r.lo > u:
			return 1
		}
		return 0
	})
	return i < len(s) && s[i].lo <= uid && uid <= s[i].hi
}

// with returns the set with uids added (in any order), merging ranges
// that touch.
func (s uidRanges) with(uids []uint32) uidRanges {
	all := slices.Clone(s)
	for _, u := range uids {
		all = append(all, uidRange{u, u})
	}
	slices.SortFunc(all, func(a, b uidRange) int { return cmp.Compare(a.lo, b.lo) })
	out := all[:0]
	for _, r := range all {
		if n := len(out); n > 0 && uint64(r.lo) <= uint64(out[n-1].hi)+1 {
			out[n-1].hi = max(out[n-1].hi, r.hi)
			continue
		}
		out = append(out, r)
	}
	return slices.Clip(out)
}

// capped is the set keeping its n highest ranges: the messages of those
// dropped are read again, which records nothing twice.
func (s uidRanges) capped(n int) uidRanges {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// String is the set as IMAP writes a UID set: "1:500,502,504:900".
func (s uidRanges) String() string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatUint(uint64(r.lo), 10))
		if r.hi != r.lo {
			b.WriteByte(':')
			b.WriteString(strconv.FormatUint(uint64(r.hi), 10))
		}
	}
	return b.String()
}

// parseUIDRanges reads what String writes, ranges ascending and apart;
// its error is the bad range's, for the caller to wrap.
func parseUIDRanges(text string) (uidRanges, error) {
	var s uidRanges
	for part := range strings.SplitSeq(text, ",") {
		lo, hi, isRange := strings.Cut(part, ":")
		if !isRange {
			hi = lo
		}
		a, errA := strconv.ParseUint(lo, 10, 32)
		b, errB := strconv.ParseUint(hi, 10, 32)
		if errA != nil || errB != nil || a == 0 || b < a || len(s) > 0 && uint64(s[len(s)-1].hi)+1 >= a {
			return nil, fmt.Errorf("%q is not a UID range in order", part)
		}
		s = append(s, uidRange{uint32(a), uint32(b)})
	}
	return s, nil
}
