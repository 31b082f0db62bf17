package campaign

import "testing"

// TestGarbled: UTF-8 read as Windows-1252 is told, with the text it was;
// text right as it is, in any script, is not, nor a capital letter with
// a sign or a no-break space right after it.
func TestGarbled(t *testing.T) {
	for _, c := range []struct{ in, was string }{
		{"JÃ¼rgen GroÃŸ", "Jürgen Groß"},
		{"FÃ¤llig", "Fällig"},
		{"Ã–ko-Laden", "Öko-Laden"},
		{"1.234,50 â‚¬", "1.234,50 €"},
		{"Jürgen Groß", ""},
		{"São Paulo", ""},
		{"ann@example.com", ""},
		{"李雷", ""},
		{"CAFÉ\u00a0", ""},
		{"PATÉ®", ""},
		{"MÜ–BERLIN", ""},
		{"voilÃ\u00a0", "voilà"},
		{"Ã‰COLE", "ÉCOLE"},
		{"", ""},
	} {
		was, ok := Garbled(c.in)
		if ok != (c.was != "") || was != c.was {
			t.Errorf("Garbled(%q) = %q, %v; want %q", c.in, was, ok, c.was)
		}
	}
}

// TestGarbledNoAllocation: a value whose letters beyond ASCII are
// Windows-1252 lead bytes with a letter after them (José, Müller, Ñandú:
// most Western European text) is checked without an allocation, as every
// read cell of every message is.
func TestGarbledNoAllocation(t *testing.T) {
	for _, v := range []string{"José Müller", "Ñandú Ltda.", "Françoise Côté", "ann@example.com", "李雷"} {
		if n := testing.AllocsPerRun(100, func() { Garbled(v) }); n != 0 {
			t.Errorf("Garbled(%q): %v allocations, want 0", v, n)
		}
	}
}
