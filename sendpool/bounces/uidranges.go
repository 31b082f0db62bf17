package bounces

import (
	"fmt"
	"slices"

	"github.com/emersion/go-imap"
)

// uidRanges is a set of IMAP UIDs as ranges, ascending, neither
// overlapping nor touching (go-imap's SeqSet, which keeps them so and
// finds a UID by binary search): a folder read from its first message to
// its last is one range, whatever its size.
type uidRanges []imap.Seq

// has reports whether uid is in the set.
func (s uidRanges) has(uid uint32) bool { return imap.SeqSet{Set: s}.Contains(uid) }

// with returns the set with uids added (in any order), merging ranges
// that touch.
func (s uidRanges) with(uids []uint32) uidRanges {
	set := imap.SeqSet{Set: slices.Clone(s)}
	set.AddNum(uids...)
	return set.Set
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
func (s uidRanges) String() string { return imap.SeqSet{Set: s}.String() }

// parseUIDRanges reads what String writes, and only that (ranges
// ascending and apart, no "*"); its error is the text's, for the caller
// to wrap.
func parseUIDRanges(text string) (uidRanges, error) {
	set, err := imap.ParseSeqSet(text)
	if err != nil || set.Dynamic() || set.String() != text {
		return nil, fmt.Errorf("%.40q is not a set of UID ranges in order", text)
	}
	return set.Set, nil
}
