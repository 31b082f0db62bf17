package plan

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/offheap"
	"github.com/tidings/tidings/sendpool/report"
)

// maxKeyChangeRows is how many rows a KeyChangeError names.
const maxKeyChangeRows = 3

// keyChange finds the rows to send whose To the journal delivered to
// under another key: the journal tells recipients apart by key, so under
// the new one they would count as not sent and get the campaign a second
// time. Under another recipients.key column than the journal's latest
// send recorded, any such row counts. Under the same column, a row whose
// key the journal does not know and whose To it delivered to under a key
// no longer in the sheet counts when the two keys are one value written
// otherwise ("001" and "1", "100102" and "100,102", "12345678901234567"
// and "1.23457E+16", "100107" and "1.00E+05": a spreadsheet that changed
// the column's cells or their number format); it is only noted (a
// warning) when they differ (a new invoice for a customer whose earlier
// row left the sheet), and not at all while the earlier row is still there
// (two recipients at one address). A journal whose sends recorded no
// column (a tidings from before they did) is taken as of the same column
// while some row of the sheet has a key it knows, and of another one when
// none does (recipients.key changed since: its keys are in no row).
type keyChange struct {
	file, key, was string // was == key: the same column; "": not recorded
	// known counts the rows of the sheet whose key the journal knows
	// (inSheet), which tell, when was is "", whether the column is the
	// same.
	known int
	state *journal.State
	// delivered holds the hashes of the To addresses of the journal's
	// deliveries (sent, or of unknown outcome), read when first needed
	// (another column).
	delivered map[uint64]struct{}
	seed      maphash.Seed
	// fresh holds the rows to send with a key new to the journal, by the
	// hash of each To address (alts the other readings of their keys
	// that have one, by row), and inSheet the journal's keys the sheet
	// has (the same column), all for KeyChange.
	fresh   offheap.List[freshAddr] // outside the Go heap: a day of a send under daily_cap, or a send resumed, notes most of the sheet's rows
	alts    map[int32]uint64
	inSheet *journal.Marks
	rows    []string // the first rows found
	n       int      // all of them
	// maybe are the rows only noted (the same column, other keys).
	maybe RowList
}

// freshAddr is an address of the To of a row to send whose key the
// journal does not know: the address's hash and what the key reads as
// (canonicalKey), its canonical reading hashed (its other reading, the
// few keys that have one, is in keyChange.alts). 32 bytes: a day of a
// send under daily_cap, or one resumed, holds one for most of the
// sheet's rows.
type freshAddr struct {
	hash, canon uint64
	num         float64
	row         int32
	shown       int8 // 0: not written with an exponent
}

// keyReading is a key read as a value (canonicalKey): canon its
// canonical form; alt, when not "", another reading of it with a point or
// comma taken for a thousands separator ("7.000" is 7, or 7000 as de-DE
// writes it; "100,102" is 100102): two keys are one value when any of
// their readings agree, the safe side for a key. num is the key as a
// number (NaN when it is none) and shown, for a number written with an
// exponent, the significant digits its mantissa shows ("1.00E+05": 3),
// else 0.
type keyReading struct {
	canon, alt string
	num        float64
	shown      int
}

// canonicalKey reads key as a value: an integer (a sign, digits, maybe a
// point and zeros: "001", "1.0") as its digits without leading zeros,
// exact at any length; another number in its shortest form, whole ones
// below 2^53 without an exponent ("1e3" is "1000"); anything else as the
// journal compares keys. A key whose whole part is grouped in threes by a
// separator ("100,102", "1.234.567", "100 102", "100'102") is read
// without the separators too (alt).
func canonicalKey(key string) keyReading {
	k := campaign.NormalizeKey(key) // full-width digits read as digits
	if c := strings.TrimFunc(k, isCurrencyOrSpace); c != k && c != "" {
		// A currency format on the column ("$200,101", "200.105 €"): the
		// number it shows, when it is one.
		if r := canonicalKey(c); !math.IsNaN(r.num) {
			return r
		}
	}
	r := plainReading(key, k)
	if g, ok := ungroup(k); ok {
		if alt := plainReading(g, g); alt.canon != r.canon {
			r.alt = alt.canon
			if math.IsNaN(r.num) {
				r.num, r.shown = alt.num, alt.shown
			}
		}
	}
	return r
}

// isCurrencyOrSpace reports whether r is a currency sign or a space
// (a no-break one too), which a currency format writes around a number.
func isCurrencyOrSpace(r rune) bool { return unicode.Is(unicode.Sc, r) || unicode.IsSpace(r) }

// plainReading is canonicalKey of key (k trimmed) without thousands
// separators.
func plainReading(key, k string) keyReading {
	f, err := strconv.ParseFloat(k, 64)
	if n, ok := integerKey(k); ok {
		return keyReading{canon: n, num: f}
	}
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return keyReading{canon: journal.NormalizeKey(key), num: math.NaN()}
	}
	r := keyReading{num: f, shown: mantissaDigits(k)}
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		r.canon = strconv.FormatFloat(f, 'f', -1, 64)
	} else {
		r.canon = strconv.FormatFloat(f, 'g', -1, 64)
	}
	return r
}

// sameAtShown says whether the number a, written with an exponent
// showing shown significant digits, is b as a spreadsheet shows it at
// those digits: "1.23457E+16" is 12345678901234567 at six (Excel's
// General), "1.00E+05" is 100107 at three (the format 0.00E+00). Such a
// key lost the digits that told the row apart, so it can never be
// trusted to name another row than the one sent under b.
func sameAtShown(a float64, shown int, b float64) bool {
	if shown == 0 || math.IsNaN(a) || math.IsNaN(b) {
		return false
	}
	return strconv.FormatFloat(a, 'e', shown-1, 64) == strconv.FormatFloat(b, 'e', shown-1, 64)
}

// mantissaDigits is the number of significant digits the mantissa of k,
// a number, shows when k is written with an exponent as a spreadsheet
// writes one, a sign and at least two digits ("1.00E+05": 3, "1E+05": 1),
// and 0 otherwise: "5e3" may be a key of letters and digits, no number a
// spreadsheet cut short.
func mantissaDigits(k string) int {
	i := strings.IndexAny(k, "eE")
	if i < 0 || !spreadsheetExponent(k[i+1:]) {
		return 0
	}
	digits := strings.TrimLeft(strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, k[:i]), "0")
	return max(1, min(len(digits), 17))
}

// spreadsheetExponent reports whether exp, what follows the E of a
// number, is a sign and two or more digits, as spreadsheets write it.
func spreadsheetExponent(exp string) bool {
	if len(exp) < 3 || exp[0] != '+' && exp[0] != '-' {
		return false
	}
	return strings.Trim(exp[1:], "0123456789") == ""
}

// groupSeparators are the thousands separators spreadsheets write: the
// comma (en-US, zh-CN), the point (de-DE), spaces (fr-FR: a no-break or
// narrow no-break one), the apostrophe (de-CH).
const groupSeparators = ",. '\u00a0\u202f\u2019"

// ungroup is k, a number whose whole part is grouped in threes by one
// thousands separator ("1,234,567", "100.102", "1.234,50"), without the
// separators, its decimal mark a point. ok is false for anything else,
// also a separator not followed by exactly three digits ("1,5", "12,34").
func ungroup(k string) (string, bool) {
	sign := ""
	if k != "" && (k[0] == '+' || k[0] == '-') {
		sign, k = k[:1], k[1:]
	}
	lead := len(k) - len(strings.TrimLeft(k, "0123456789"))
	if lead == 0 || lead > 3 || k[0] == '0' {
		return "", false // no spreadsheet groups 0,100
	}
	sep, size := utf8.DecodeRuneInString(k[lead:])
	if !strings.ContainsRune(groupSeparators, sep) {
		return "", false
	}
	var b strings.Builder
	b.WriteString(sign + k[:lead])
	for rest := k[lead:]; ; {
		if !strings.HasPrefix(rest, string(sep)) {
			return decimalPart(&b, rest, sep)
		}
		rest = rest[size:]
		if len(rest) < 3 || strings.Trim(rest[:3], "0123456789") != "" {
			return "", false
		}
		b.WriteString(rest[:3])
		rest = rest[3:]
	}
}

// decimalPart ends ungroup: rest is empty, or a decimal mark other than
// the separator sep (a point or a comma) and digits.
func decimalPart(b *strings.Builder, rest string, sep rune) (string, bool) {
	if rest == "" {
		return b.String(), true
	}
	if mark := rune(rest[0]); mark == sep || mark != '.' && mark != ',' || len(rest) == 1 || strings.Trim(rest[1:], "0123456789") != "" {
		return "", false
	}
	return b.String() + "." + rest[1:], true
}

// integerKey is k, when it is an integer written with an optional sign,
// digits and an optional point followed by zeros, as its sign ("-" only,
// and none for zero) and digits without leading zeros.
func integerKey(k string) (string, bool) {
	sign := ""
	if k != "" && (k[0] == '+' || k[0] == '-') {
		sign, k = k[:1], k[1:]
	}
	digits, frac, _ := strings.Cut(k, ".")
	if digits == "" || strings.Trim(digits, "0123456789") != "" || strings.Trim(frac, "0") != "" {
		return "", false
	}
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return "0", true
	}
	if sign == "+" {
		sign = ""
	}
	return sign + digits, true
}

// newKeyChange returns the keyChange of campaign c, or nil when the
// journal names no recipient (no send yet).
func newKeyChange(c *campaign.Campaign, state *journal.State) *keyChange {
	if state.Len() == 0 {
		return nil
	}
	was := state.KeyColumn()
	k := &keyChange{file: c.File, key: c.Recipients.Key, was: was, state: state, seed: maphash.MakeSeed()}
	if was == k.key || was == "" {
		k.inSheet = state.NewMarks()
	}
	return k
}

// sheet notes key as a row of the sheet (one with a message). A nil
// keyChange notes nothing.
func (k *keyChange) sheet(key string) {
	if k != nil && k.inSheet != nil && k.inSheet.Mark(key) {
		k.known++
	}
}

// note looks at a row to send with key and the To header to (decoded):
// one the journal does not know by key (a resend, or a send to Cc's still
// owed, is no second copy) is kept for KeyChange when it goes to an
// address the journal delivered to (another column), or may (the same
// column: KeyChange decides once every row was seen). A nil keyChange
// notes nothing.
func (k *keyChange) note(row int, key, to string) error {
	if k == nil {
		return nil
	}
	if _, known := k.state.Brief(key); known {
		return nil
	}
	if k.inSheet != nil {
		f := k.freshOf(key, row)
		for _, a := range addressesOf(to) {
			f.hash = maphash.String(k.seed, a)
			k.fresh.Add(f)
		}
		return nil
	}
	if k.delivered == nil {
		if err := k.load(); err != nil {
			return err
		}
	}
	for _, a := range addressesOf(to) {
		if _, ok := k.delivered[maphash.String(k.seed, a)]; ok {
			k.add(row, a, "")
			return nil
		}
	}
	return nil
}

// add counts a row found, naming the first ones; was is the key the
// address was delivered under ("" when not known).
func (k *keyChange) add(row int, addr, was string) {
	if k.n++; len(k.rows) < maxKeyChangeRows {
		line := fmt.Sprintf("row %d: %s", row, addr)
		if was != "" {
			line += fmt.Sprintf(" (sent as %q)", was)
		}
		k.rows = append(k.rows, line)
	}
}

// load reads the To addresses of the journal's deliveries.
func (k *keyChange) load() error {
	k.delivered = map[uint64]struct{}{}
	for e, err := range k.state.All() {
		if err != nil {
			return err
		}
		if delivered(e) {
			for _, a := range addressesOf(e.To) {
				k.delivered[maphash.String(k.seed, a)] = struct{}{}
			}
		}
	}
	return nil
}

// delivered says whether e is a delivery: sent, or of unknown outcome.
func delivered(e *journal.Entry) bool {
	return e.Status == sendpool.StatusSent || e.Status == sendpool.StatusUnknown
}

// settle finds, under the same column, the fresh rows that go to an
// address the journal delivered to under a key no longer in the sheet:
// refused (add) when the keys are one value, or the column is not
// recorded and no row has a key the journal knows (it changed), noted
// (maybe) otherwise. Only the lines of the keys no longer in the sheet
// are read.
func (k *keyChange) settle() error {
	defer k.free()
	fresh := k.fresh.Items()
	if len(fresh) == 0 {
		return nil
	}
	changed := k.was == "" && k.known == 0
	slices.SortFunc(fresh, func(a, b freshAddr) int { return cmp.Compare(a.hash, b.hash) })
	type match struct {
		addr, was string
		same      bool
	}
	found := map[int32]match{}
	for e, err := range k.state.Unmarked(k.inSheet) {
		if err != nil {
			return err
		}
		if !delivered(e) {
			continue
		}
		was := canonicalKey(e.Key)
		same := func(f freshAddr) bool {
			return changed || k.sameHashed(f, was)
		}
		for _, a := range addressesOf(e.To) {
			h := maphash.String(k.seed, a)
			i, _ := slices.BinarySearchFunc(fresh, h, func(f freshAddr, h uint64) int { return cmp.Compare(f.hash, h) })
			for ; i < len(fresh) && fresh[i].hash == h; i++ {
				f := fresh[i]
				if m, ok := found[f.row]; !ok || !m.same && same(f) {
					found[f.row] = match{a, e.Key, same(f)}
				}
			}
		}
	}
	for _, row := range slices.Sorted(maps.Keys(found)) {
		m := found[row]
		if m.same {
			k.add(int(row), m.addr, m.was)
		} else {
			k.maybe.Add(fmt.Sprintf("row %d: %s (sent as %q)", row, m.addr, m.was))
		}
	}
	return nil
}

// freshOf is what a freshAddr keeps of key, at row: its readings
// (canonicalKey), hashed; the other one, when there is one, goes in
// k.alts.
func (k *keyChange) freshOf(key string, row int) freshAddr {
	r := canonicalKey(key)
	f := freshAddr{canon: maphash.String(k.seed, r.canon), num: r.num, row: int32(row), shown: int8(r.shown)}
	if r.alt != "" {
		if k.alts == nil {
			k.alts = map[int32]uint64{}
		}
		k.alts[f.row] = maphash.String(k.seed, r.alt)
	}
	return f
}

// sameHashed says whether f's key and was are one value: any of their
// readings agree, or one written with an exponent is the other at the
// digits it shows.
func (k *keyChange) sameHashed(f freshAddr, was keyReading) bool {
	for _, x := range []string{was.canon, was.alt} {
		if x == "" {
			continue
		}
		if h := maphash.String(k.seed, x); h == f.canon || k.alts[f.row] != 0 && h == k.alts[f.row] {
			return true
		}
	}
	return sameAtShown(f.num, int(f.shown), was.num) || sameAtShown(was.num, was.shown, f.num)
}

// addressesOf is toAddresses, or the whole header lower-cased when it
// cannot be read.
func addressesOf(to string) []string {
	if addrs, ok := toAddresses(to); ok {
		return addrs
	}
	return []string{strings.ToLower(strings.TrimSpace(to))}
}

// KeyChange returns a *KeyChangeError when rows to send go to addresses
// the journal delivered to under other keys (see keyChange): under
// another recipients.key column than the journal's latest send recorded,
// or under the same one when those keys are no longer in the sheet; nil
// otherwise (a column renamed with its values kept finds its recipients
// sent, a sheet of new people under a new key sends to none of the old
// ones, and a new row beside an old one at the same address is another
// recipient). An error reading the journal is returned as it is. Call it
// once, when every row was decided; it says nothing after.
func (d *Decider) KeyChange() error {
	k := d.keys
	if k == nil {
		return nil
	}
	d.keys = nil // asked once: the rows Seed judges again note nothing
	if err := k.settle(); err != nil {
		return err
	}
	d.maybe = k.maybe
	if k.n == 0 {
		return nil
	}
	return &KeyChangeError{File: k.file, Key: k.key, Was: k.was, Rows: k.rows, N: k.n}
}

// SameAddress lists, once KeyChange was asked, the rows to send ("row 7:
// ann@example.com (sent as "001")") with a key new to the journal whose
// To it delivered to under another key no longer in the sheet (not one
// value written otherwise, which KeyChange refuses): a new recipient at
// an old address, or one that would get the campaign twice (a warning).
func (d *Decider) SameAddress() RowList { return d.maybe }

// KeyChangeError is KeyChange's error.
type KeyChangeError struct {
	File     string   // the campaign file
	Key, Was string   // recipients.key now, and in the journal's latest send (the same: its values changed)
	Rows     []string // the first rows ("row 5: ann@example.com")
	N        int      // all of them
}

func (e *KeyChangeError) Error() string {
	more := ""
	if n := e.N - len(e.Rows); n > 0 {
		more = fmt.Sprintf(" and %d more", n)
	}
	verb := "go"
	if e.N == 1 {
		verb = "goes"
	}
	switch e.Was {
	case "":
		return fmt.Sprintf("plan: %s: no row's key (column %q) is one the earlier sends told recipients apart by (by a tidings that did not record its recipients.key), and %s to send %s to addresses sent to before under them (%s%s), which would get the campaign a second time: recipients.key changed since? "+
			"Set it back to the column those sends used (the journal's \"key\" values are in it), or take those rows out. Rows that are other messages for those addresses (a second invoice) "+
			"go in a campaign of their own: a copy of the campaign file with another name:, and a sheet of those rows",
			e.File, e.Key, report.Plural(e.N, "row"), verb, strings.Join(e.Rows, "; "), more)
	case e.Key:
		return fmt.Sprintf("plan: %s: %s to send %s to addresses sent to before under keys (column %q) no longer in the sheet that hold the same value written otherwise (%s%s): the keys changed (a spreadsheet that dropped the zeros before an id, grouped its digits with a thousands separator, or wrote it with an exponent?), and under the new ones those recipients would get the campaign a second time. "+
			"Put the keys back as they were, or take those rows out",
			e.File, report.Plural(e.N, "row"), verb, e.Key, strings.Join(e.Rows, "; "), more)
	}
	return fmt.Sprintf("plan: %s: recipients.key is %q, but earlier sends told recipients apart by %q: %s to send %s to addresses sent to before (%s%s), which would get the campaign a second time. "+
		"Set recipients.key back to %q, or take those rows out. Rows that are other messages for those addresses (a second invoice), which the key was changed to send, "+
		"go in a campaign of their own: a copy of the campaign file with another name:, and a sheet of those rows",
		e.File, e.Key, e.Was, report.Plural(e.N, "row"), verb, strings.Join(e.Rows, "; "), more, e.Was)
}

// free gives back what k's notes of the fresh rows hold. Freeing a nil
// keyChange does nothing.
func (k *keyChange) free() {
	if k == nil {
		return
	}
	k.fresh.Free()
	k.alts = nil
}

// freshBytes is the memory k's notes of the fresh rows hold outside the
// Go heap.
func (k *keyChange) freshBytes() int { return k.fresh.Bytes() }
