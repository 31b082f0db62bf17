package campaign

import "testing"

// TestDateFormatOrder: the order of all-number date format codes as Excel
// and LibreOffice write them; names of months, year-first dates, dotted
// dates, times and text are no all-number order.
func TestDateFormatOrder(t *testing.T) {
	for code, want := range map[string]string{
		`dd/mm/yyyy`:                     "day-first",
		`d/m/yy`:                         "day-first",
		`dd\-mm\-yyyy`:                   "day-first",
		`dd/mm/yyyy\ hh:mm`:              "day-first",
		`[$-809]dd/mm/yyyy;@`:            "day-first",
		`DD/MM/YYYY`:                     "day-first",
		`mm/dd/yyyy`:                     "month-first",
		`m/d/yy\ h:mm`:                   "month-first",
		`[$-409]m/d/yyyy\ h:mm\ AM/PM;@`: "month-first",
		`"due "dd/mm/yyyy`:               "day-first",
		`yyyy-mm-dd`:                     "",
		`yyyy/m/d`:                       "",
		`dd.mm.yyyy`:                     "",
		`d-mmm-yy`:                       "",
		`mmmm d, yyyy`:                   "",
		`dddd, dd/mm`:                    "day-first",
		`hh:mm:ss`:                       "",
		`h:mm`:                           "",
		`0.00`:                           "",
		`"dd/mm"`:                        "",
		`General`:                        "",
		`0;[Red]-0`:                      "",
	} {
		got, ok := dateFormatOrder(code)
		s := ""
		if ok {
			s = got.String()
		}
		if s != want {
			t.Errorf("dateFormatOrder(%q) = %q, want %q", code, s, want)
		}
	}
}
