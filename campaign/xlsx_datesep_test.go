package campaign

import "testing"

// TestWithDateSeparator: a / in a date section of a format naming a
// locale that separates dates otherwise is that separator, escaped; a
// format naming no such locale, a fraction's / and AM/PM stay.
func TestWithDateSeparator(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`[$-407]dd/mm/yyyy`, `[$-407]dd\.mm\.yyyy`},
		{`[$-de-DE]dd/mm/yyyy`, `[$-de-DE]dd\.mm\.yyyy`},
		{`[$-1010407]dd/mm/yy`, `[$-1010407]dd\.mm\.yy`},
		{`[$-413]d/m/yyyy`, `[$-413]d\-m\-yyyy`},
		{`[$-407]dd/mm/yyyy\ hh:mm;@`, `[$-407]dd\.mm\.yyyy\ hh:mm;@`},
		{`[$-407]mm/yyyy`, `[$-407]mm\.yyyy`},
		{`[$-407]"a/b" dd/mm`, `[$-407]"a/b" dd\.mm`},
		{`[$-407]hh:mm AM/PM`, `[$-407]hh:mm AM/PM`},
		{`[$-407]dd/mm/yyyy h:mm A/P`, `[$-407]dd\.mm\.yyyy h:mm A/P`},
		{`[$-407]# ?/?`, `[$-407]# ?/?`},
		// Month first keeps its / where the locale writes a point: date
		// reads 03.04.2026 as 3 April, and 03/04/2026 month first.
		{`[$-407]mm/dd/yyyy`, `[$-407]mm/dd/yyyy`},
		{`[$-407]m/d/yy h:mm`, `[$-407]m/d/yy h:mm`},
		{`[$-413]mm/dd/yyyy`, `[$-413]mm\-dd\-yyyy`},
		{`[$-40C]dd/mm/yyyy`, `[$-40C]dd/mm/yyyy`},
		{`[$-813]dd/mm/yyyy`, `[$-813]dd/mm/yyyy`},
		{`dd/mm/yyyy`, `dd/mm/yyyy`},
		{`[$-F800]dddd\,\ mmmm\ dd\,\ yyyy`, `[$-F800]dddd\,\ mmmm\ dd\,\ yyyy`},
	} {
		if got := withDateSeparator(c.in, Locale{}); got != c.want {
			t.Errorf("withDateSeparator(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
