package report

import (
	"cmp"
	"net/mail"
	"slices"
	"strings"
)

// Limits of the page's domain table.
const (
	// pageTopDomains are shown by number of recipients, then up to
	// pageTroubleDomains more of the rest by throttling, refusals and
	// deferrals; the others make one line.
	pageTopDomains     = 25
	pageTroubleDomains = 10
	// statusSlots bounds the statuses counted per domain; the last slot
	// takes any status beyond (there are a dozen).
	statusSlots = 16
)

// domainOf is the receiving domain of a recipient, lower-cased: after the
// last '@' of the key when the key is a bare address (the usual case, and
// cheap), else of the first address of To (as net/mail parses it); "" when
// neither names one.
func domainOf(key, to string) string {
	if d, ok := bareDomain(key); ok {
		return d
	}
	if d, ok := bareDomain(to); ok {
		return d
	}
	if to == "" {
		return ""
	}
	list, err := mail.ParseAddressList(to)
	if err != nil || len(list) == 0 {
		return ""
	}
	d, _ := bareDomain(list[0].Address)
	return d
}

// maxDomain is the longest domain name DNS allows (RFC 1035): longer ones
// are cut there.
const maxDomain = 253

// bareDomain is the domain of s when s is a bare address (no name, no
// brackets, no list).
func bareDomain(s string) (string, bool) {
	s = strings.TrimSpace(s)
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.ContainsAny(s, " <>,;\"()") {
		return "", false
	}
	d := s[at+1:]
	if len(d) > maxDomain {
		d = strings.ToValidUTF8(d[:maxDomain], "")
	}
	for i := 0; i < len(d); i++ {
		if c := d[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(d), true
		}
	}
	return d, true
}

// domainStat counts one receiving domain's recipients and replies.
type domainStat struct {
	name string
	// n counts the report rows (recipients); byStatus splits them by final
	// status (slots of a statusTable).
	n        int32
	byStatus [statusSlots]int32
	// throttled, refused and deferred count the journal's replies, every
	// try: asked to slow down, refused permanently, refused temporarily.
	throttled, refused, deferred int32
}

// domainTable holds a domainStat per domain: O(distinct domains) memory,
// about a hundred bytes each.
type domainTable struct {
	index map[string]int32
	stats []domainStat
}

func newDomainTable() *domainTable { return &domainTable{index: map[string]int32{}} }

// id returns the index of domain d, adding it when new.
func (t *domainTable) id(d string) int32 {
	if i, ok := t.index[d]; ok {
		return i
	}
	i := int32(len(t.stats))
	t.index[d] = i
	t.stats = append(t.stats, domainStat{name: d})
	return i
}

// shown picks the domains the page lists: the top pageTopDomains by
// recipients, then up to pageTroubleDomains of the rest that throttled,
// refused or deferred most. It returns their indexes in that order.
func (t *domainTable) shown() []int32 {
	all := make([]int32, len(t.stats))
	for i := range all {
		all[i] = int32(i)
	}
	byCount := func(a, b int32) int {
		x, y := &t.stats[a], &t.stats[b]
		return cmp.Or(cmp.Compare(y.n, x.n), cmp.Compare(x.name, y.name))
	}
	slices.SortFunc(all, byCount)
	top := all[:min(len(all), pageTopDomains)]
	var trouble []int32
	for _, i := range all[len(top):] {
		if s := &t.stats[i]; s.throttled+s.refused+s.deferred > 0 {
			trouble = append(trouble, i)
		}
	}
	slices.SortFunc(trouble, func(a, b int32) int {
		x, y := &t.stats[a], &t.stats[b]
		return cmp.Or(cmp.Compare(y.throttled+y.refused+y.deferred, x.throttled+x.refused+x.deferred), byCount(a, b))
	})
	return append(slices.Clone(top), trouble[:min(len(trouble), pageTroubleDomains)]...)
}
