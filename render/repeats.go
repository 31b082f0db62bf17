package render

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/tidings/tidings/campaign"
)

// mailboxKey is the form in which two addresses of one message are
// compared: the addr-spec (domain in IDNA A-labels) lower-cased, its
// local part in Unicode NFC, so letter case never makes two mailboxes,
// in the local part either, nor does a letter written composed or as a
// base and a combining mark (zoë as Windows and as a Mac writes it,
// which RFC 6532 3.1 asks be sent in NFC: one string to every reader).
// RFC 5321 2.4 lets a server tell Anne@uni.edu from anne@uni.edu, but
// practically every mailbox provider folds case, and a person sent two
// copies is the likelier harm. Compatibility forms are not folded (not
// campaign.NormalizeKey's NFKC, by which recipient keys are compared):
// ⓐnn@x.example, ſam@x.example and ﬁona@x.example are other
// internationalized mailboxes than ann@, sam@ and fiona@, which no
// server takes for one, and folding them would leave the ASCII one out
// where the other came first. sameMailbox compares so too.
func mailboxKey(m mailbox) string {
	k := strings.ToLower(m.spec())
	if m.utf8 {
		k = norm.NFC.String(k)
	}
	return k
}

// repeat is a mailbox a row's To, Cc or Bcc gives again (mailboxKey),
// left out: field is its list (0 To, 1 Cc, 2 Bcc), first the mailbox
// kept and firstField that one's list.
type repeat struct {
	field, firstField int
	m, first          mailbox
}

// dropRepeats leaves out of lists (To, Cc, Bcc) every mailbox that one
// before it is (mailboxKey), in its own list or an earlier one, so that
// each recipient gets one copy and is named once. It returns the lists
// kept, new slices where one lost a mailbox (lists may be a fixed
// field's, shared by every row), and what it left out.
func dropRepeats(lists [3][]mailbox) ([3][]mailbox, []repeat) {
	if len(lists[0])+len(lists[1])+len(lists[2]) < 2 {
		return lists, nil
	}
	type seen struct {
		key   string
		field int
		m     mailbox
	}
	var (
		firsts []seen // a row has a few: a slice, not a map
		reps   []repeat
		out    [3][]mailbox
	)
	for f, list := range lists {
		kept := list[:0:0]
		for _, m := range list {
			k := mailboxKey(m)
			if i := slices.IndexFunc(firsts, func(s seen) bool { return s.key == k }); i >= 0 {
				reps = append(reps, repeat{field: f, firstField: firsts[i].field, m: m, first: firsts[i].m})
				continue
			}
			firsts = append(firsts, seen{k, f, m})
			kept = append(kept, m)
		}
		out[f] = list
		if len(kept) < len(list) {
			out[f] = kept
		}
	}
	return out, reps
}

// repeatWarnings tell of each mailbox dropRepeats left out of row's
// message, naming the column it came from.
func (r *Renderer) repeatWarnings(row campaign.Row, reps []repeat) []string {
	if len(reps) == 0 {
		return nil
	}
	fields := [3]*addrField{&r.to, &r.cc, &r.bcc}
	out := make([]string, 0, len(reps))
	for _, p := range reps {
		out = append(out, repeatWarning(row, p, fields[p.field], fields[p.firstField]))
	}
	return out
}

// repeatWarning tells of p, a mailbox f's template gave that first's had
// given already: "column "cc": cc: holds BOB@x.example, which to: holds
// already as bob@x.example (column "email"), one mailbox (letter case
// makes no other): it gets one copy, and cc: leaves it out".
func repeatWarning(row campaign.Row, p repeat, f, first *addrField) string {
	var b strings.Builder
	col, spec, firstSpec := mailboxColumn(f, row, p.m), p.m.spec(), p.first.spec()
	if col != "" {
		fmt.Fprintf(&b, "column %q: ", col)
	}
	name, what := f.t.Name(), "leaves it out"
	switch {
	case p.field == p.firstField && spec == firstSpec:
		fmt.Fprintf(&b, "%s: holds %s twice", name, spec)
	case p.field == p.firstField:
		fmt.Fprintf(&b, "%s: holds %s and %s", name, firstSpec, spec)
	default:
		fmt.Fprintf(&b, "%s: holds %s, which %s: holds already", name, spec, first.t.Name())
		if spec != firstSpec {
			fmt.Fprintf(&b, " as %s", firstSpec)
		}
		if c := mailboxColumn(first, row, p.first); c != "" && c != col {
			fmt.Fprintf(&b, " (column %q)", c)
		}
	}
	if p.field == p.firstField {
		what = "names it once"
	}
	b.WriteString(oneMailbox(spec, firstSpec))
	fmt.Fprintf(&b, ": it gets one copy, and %s: %s", name, what)
	return b.String()
}

// oneMailbox says why a and b, the addr-specs of one mailbox
// (mailboxKey), are one, for a warning: "" when they are spelt alike.
func oneMailbox(a, b string) string {
	switch {
	case a == b:
		return ""
	case strings.ToLower(a) == strings.ToLower(b):
		return ", one mailbox (letter case makes no other)"
	}
	return ", one mailbox (the same letters, one written with a combining accent: Unicode NFC makes them one)"
}

// mailboxColumn names the column of row that f's template took m from:
// the one whose value holds its local part and @, in any letter case (the
// value may spell the domain otherwise: in upper case, or in Unicode
// where m has its A-labels); the only column f reads when none does; or
// "".
func mailboxColumn(f *addrField, row campaign.Row, m mailbox) string {
	if f.t == nil {
		return ""
	}
	local := strings.ToLower(m.local + "@")
	if col := f.t.ColumnWhere(row, func(v string) bool { return strings.Contains(strings.ToLower(v), local) }); col != "" {
		return col
	}
	return f.t.Column(row)
}
