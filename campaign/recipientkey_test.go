package campaign

import "testing"

// TestNormalizeKey: keys a person takes for one are one key: trimmed,
// case aside, in NFD or NFC, in full or half width; keys that differ
// stay apart.
func TestNormalizeKey(t *testing.T) {
	for _, same := range [][2]string{
		{" Ann@Example.COM ", "ann@example.com"},
		{"Zu\u0308rich-1", "Zürich-1"},
		{"ＩＮＶ-３", "inv-3"},
		{"ｊｉｒｏ@ｅｘａｍｐｌｅ.jp", "jiro@example.jp"},
		{"ｱｲｳ", "アイウ"},
	} {
		if a, b := NormalizeKey(same[0]), NormalizeKey(same[1]); a != b {
			t.Errorf("NormalizeKey(%q) = %q, NormalizeKey(%q) = %q: want one key", same[0], a, same[1], b)
		}
	}
	for _, apart := range [][2]string{{"zurich-1", "zürich-1"}, {"inv-3", "inv-8"}, {"a@x.com", "a@x.co"}} {
		if NormalizeKey(apart[0]) == NormalizeKey(apart[1]) {
			t.Errorf("%q and %q are one key", apart[0], apart[1])
		}
	}
}
