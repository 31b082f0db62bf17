package campaign

import (
	"testing"
	"unicode"
)

// TestInvisibles: the table of invisible format characters holds the
// eighteen that render, NormalizeKey, the report page and ShellWord told
// of each in a list of its own, each a format character (Cf) with a
// name; IsInvisible and InvisibleRunes pick them by kind.
func TestInvisibles(t *testing.T) {
	want := map[InvisibleKind]string{
		DirectionControl: "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069",
		ZeroWidth:        "\u200B\u2060\uFEFF",
		Joiner:           "\u200C\u200D",
		DirectionMark:    "\u061C\u200E\u200F",
		SoftHyphen:       "\u00AD",
	}
	n := 0
	for kind, rs := range want {
		if got := InvisibleRunes(kind); got != rs {
			t.Errorf("InvisibleRunes(%d) = %+q, want %+q", kind, got, rs)
		}
		for _, r := range rs {
			n++
			inv, ok := InvisibleChar(r)
			if !ok || inv.Kind != kind || inv.Name == "" || !unicode.Is(unicode.Cf, r) || !IsInvisible(r, Joiner, kind) {
				t.Errorf("%U: %+v, %v", r, inv, ok)
			}
		}
	}
	if n != len(invisibles) {
		t.Errorf("the table holds %d characters, want %d", len(invisibles), n)
	}
	for _, r := range "a \u00A0\u00ACé\u2028" {
		if _, ok := InvisibleChar(r); ok || IsInvisible(r, ZeroWidth) {
			t.Errorf("%U is in the table", r)
		}
	}
}
