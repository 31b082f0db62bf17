package plan

import "testing"

// TestCanonicalKey: keys that are one value written otherwise have one
// canonical form; others keep theirs.
func TestCanonicalKey(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"001", "1", true},
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
	} {
		a, aSci := canonicalKey(tc.a, false)
		b, bSci := canonicalKey(tc.b, false)
		if a != b && (aSci || bSci) {
			a, _ = canonicalKey(tc.a, true)
			b, _ = canonicalKey(tc.b, true)
		}
		if (a == b) != tc.same {
			t.Errorf("%q (%s) and %q (%s): same %v, want %v", tc.a, a, tc.b, b, a == b, tc.same)
		}
	}
}
