package plan

import (
	"fmt"
	"hash/maphash"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// TestCanonicalKey: keys that are one value written otherwise have one
// canonical form, or (a key written with an exponent) are the same at the
// digits its mantissa shows; others keep theirs.
func TestCanonicalKey(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"001", "1", true},
		{"００１", "1", true}, // full width, as a Japanese input method types it
		{"1.0", "1", true},
		{" 42 ", "42", true},
		{"12345678901234567", "1.23457E+16", true}, // at six digits, as shown
		{"001", "006", false},
		{"A-001", "A-1", false},
		{"Ann@X.org", "ann@x.org", true},
		{"1000001", "1000002", false},
		{"123456789012345678", "123456789012345679", false}, // past float64's integers
		{"1.23457E+16", "12345678901234567", true},          // put back
		{"+7", "7", true},
		{"1234567", "1234567.0", true}, // a column with gaps, as pandas writes it
		{"1000000", "1000000.00", true},
		{"1e3", "1000", true},
		{"-12345678901234567", "-12345678901234568", false},
		{"-0", "0", true},
		{"-1", "1", false},
		{"0", "00", true},
		{"1.5", "1.50", true},
		// Thousands separators: Excel's #,##0 and its locales.
		{"100102", "100,102", true},
		{"100102", "100.102", true}, // de-DE
		{"100102", "100 102", true},
		{"100102", "100\u00a0102", true}, // fr-FR
		{"100102", "100'102", true},      // de-CH
		{"1234567", "1,234,567", true},
		{"1234567", "1.234.567", true},
		{"1234.5", "1,234.50", true},
		{"1234.5", "1.234,50", true},
		{"-100102", "-100,102", true},
		{"100102", "100,10", false},
		{"100102", "1,00102", false},
		{"100102", "1000,102", false},
		{"1234567", "1,234.567", false},
		{"100102", "100,102,", false},
		{"100102", "100,.102", false},
		{"1,5", "15", false},
		// A point or comma before three digits reads both ways: the
		// format 0.000 on a key column, or de-DE grouping.
		{"7", "7.000", true},
		{"12.5", "12.500", true},
		{"12500", "12.500", true},
		{"7000", "7,000", true},
		{"7.5", "7,500", false},
		// Not a spreadsheet's exponent, nor its grouping.
		{"5e3", "5123", false},
		{"12e4", "123456", false},
		{"0.100", "100", false},
		{"0.001", "1", false},
		// A currency format on the column.
		{"200101", "$200,101", true},
		{"200105", "€ 200,105", true},
		{"200105", "200.105 €", true},
		{"200105", "¥200105", true},
		{"200105", "$200,106", false},
		{"$", "€", false},
		{"A$1", "1", false},
		// The format 0.00E+00: three digits shown.
		{"100107", "1.00E+05", true},
		{"1.00E+05", "100107", true},
		{"100107", "1.01E+05", false},
		{"150000", "1.5E+05", true},
		{"100107", "1E+05", true},
	} {
		k := &keyChange{seed: maphash.MakeSeed()}
		a, b := canonicalKey(tc.a), canonicalKey(tc.b)
		if same := k.sameHashed(k.freshOf(tc.a, 2), b); same != tc.same {
			t.Errorf("%q (%+v) and %q (%+v): same %v, want %v", tc.a, a, tc.b, b, same, tc.same)
		}
		if same := k.sameHashed(k.freshOf(tc.b, 2), a); same != tc.same {
			t.Errorf("%q and %q, the other way round: same %v, want %v", tc.b, tc.a, same, tc.same)
		}
	}
}

// TestDeciderCloseFreesKeyNotes: a Decider closed without KeyChange asked
// (a preflight that fails, or decides again from the rendering, preview,
// report's JudgeRows) gives back its key check's notes of the rows new to
// the journal, memory outside the Go heap that no collection frees.
func TestDeciderCloseFreesKeyNotes(t *testing.T) {
	key := func(i int) string { return fmt.Sprintf("user%05d@example.com", i) }
	state := sentJournal(t, 100, key)
	c := &campaign.Campaign{File: "c.yaml"}
	c.Recipients.Key = "email"
	d := &Decider{keys: newKeyChange(c, state)}
	k := d.keys
	for i := range 5_000 {
		k.sheet(key(i))
		if err := k.note(i+2, key(i), fmt.Sprintf("Reader %d <%s>", i, key(i))); err != nil {
			t.Fatal(err)
		}
	}
	if k.freshBytes() == 0 {
		t.Fatal("no notes of the fresh rows")
	}
	d.Close()
	if n := k.freshBytes(); n != 0 {
		t.Errorf("after Close the key check's notes still hold %d bytes", n)
	}
	d.Close() // again: nothing
}
