package templates

import (
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

func mustLocale(t *testing.T, tag string) campaign.Locale {
	t.Helper()
	l, err := campaign.ParseLocale(tag)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestDateLocaleNames(t *testing.T) {
	for _, tc := range []struct{ tag, layout, value, want string }{
		{"de-DE", "Monday, 2. January 2006", "2026-12-15", "Dienstag, 15. Dezember 2026"},
		{"de-DE", "Mon 02.01.06, 2. Jan", "2026-03-05", "Do 05.03.26, 5. Mär"},
		{"de-AT", "2. January 2006", "2027-01-04", "4. Jänner 2027"},
		{"fr-FR", "Monday 2 January 2006", "2026-12-15", "mardi 15 décembre 2026"},
		{"fr-FR", "Mon 2 Jan 2006", "2026-02-02", "lun. 2 févr. 2026"},
		{"fr-CH", "long", "15.12.2026", "15 décembre 2026"},
		{"en-GB", "Monday 2 January 2006", "2026-12-15", "Tuesday 15 December 2026"},
		// A layout's text stays: "Monat" is no weekday, as time.Format reads it.
		{"de-DE", "Monat: January", "2026-12-15", "Monat: Dezember"},
		// Names read in the locale's language, as its workbooks show them.
		{"de-DE", "2006-01-02", "Dienstag, 15. Dezember 2026", "2026-12-15"},
		{"de-DE", "02.01.2006", "15 Dez 2026", "15.12.2026"},
		{"fr-FR", "2006-01-02", "mardi 15 décembre 2026", "2026-12-15"},
		{"fr-FR", "2006-01-02", "15 déc. 2026", "2026-12-15"},
		{"fr-CH", "2006-01-02", "mardi, 15. décembre 2026", "2026-12-15"},
		{"fr-FR", "2006-01-02", "15/12/2026", "2026-12-15"}, // day-first, the locale's order
		// Excel's built-in 15 (d-mmm-yy) as LibreOffice shows it.
		{"de-DE", "2006-01-02", "15. Dez 26", "2026-12-15"},
		{"de-AT", "2006-01-02", "15.Dez.26", "2026-12-15"},
		{"fr-FR", "2006-01-02", "15-déc.-26", "2026-12-15"},
		{"fr-CH", "2006-01-02", "15.déc..26", "2026-12-15"},
	} {
		loc := mustLocale(t, tc.tag)
		got, err := dateFunc(loc.DateOrder(), loc)(tc.layout, tc.value)
		if err != nil || got != tc.want {
			t.Errorf("%s: date %q %q = %q, %v; want %q", tc.tag, tc.layout, tc.value, got, err, tc.want)
		}
	}
}

func TestDateLocaleWrongWeekday(t *testing.T) {
	loc := mustLocale(t, "de-DE")
	_, err := dateFunc(loc.DateOrder(), loc)("iso", "Montag, 15. Dezember 2026")
	if err == nil || !strings.Contains(err.Error(), "is a Tuesday, not a Monday") {
		t.Errorf("a Monday that is a Tuesday: %v", err)
	}
}

// TestDateLocaleHint: the error of a value with names date cannot read
// says, under a locale, that it reads the locale's names too, not that
// it reads English ones only.
func TestDateLocaleHint(t *testing.T) {
	loc := mustLocale(t, "de-DE")
	_, err := dateFunc(loc.DateOrder(), loc)("iso", "3. Jänner 2026")
	if err == nil || strings.Contains(err.Error(), "in English (and") || !strings.Contains(err.Error(), "in English and as locale de-DE writes them (Dezember, Dez)") {
		t.Errorf("de-DE: %v", err)
	}
	_, err = dateFunc(campaign.MonthFirst, campaign.Locale{})("iso", "15. Dezember 2026")
	if err == nil || !strings.Contains(err.Error(), "names in English (and Chinese and Japanese dates) only") {
		t.Errorf("no locale: %v", err)
	}
}

func TestDateNoLocaleUnchanged(t *testing.T) {
	date := dateFunc(campaign.MonthFirst, campaign.Locale{})
	if got, _ := date("Monday, 2. January 2006", "2026-12-15"); got != "Tuesday, 15. December 2026" {
		t.Errorf("no locale: %q", got)
	}
	if _, err := date("iso", "15. Dezember 2026"); err == nil {
		t.Error("no locale read German names")
	}
}

func TestNumberLocale(t *testing.T) {
	for _, tc := range []struct {
		tag, decimal, value string
		places              int
		want                string
	}{
		{"de-DE", "", "1.234,5", 2, "1.234,50"},
		{"de-DE", "", "1234567,891", 2, "1.234.567,89"},
		{"de-DE", "", "-1234,5", 0, "-1.235"},
		{"de-DE", "", "999,5", 2, "999,50"},
		{"fr-FR", "", "1\u00a0234,5", 2, "1\u00a0234,50"},
		{"fr-FR", "", "1 234,5", 2, "1\u00a0234,50"},
		{"de-CH", "", "1'234.5", 2, "1'234.50"},
		{"en-GB", "", "1,234.5", 2, "1,234.50"},
		{"de-DE", ".", "1,234.5", 2, "1,234.50"}, // recipients.decimal written wins
		{"", "", "1,234.5", 2, "1234.50"},        // no locale: no grouping, as before
		{"", ",", "1.234,5", 2, "1234,50"},
	} {
		r := campaign.Recipients{Locale: mustLocale(t, tc.tag)}
		r.Decimal = r.Locale.Decimal()
		if tc.decimal != "" {
			r.Decimal, _ = campaign.ParseDecimalMark(tc.decimal)
		}
		got, err := numberFunc(r)(tc.places, tc.value)
		if err != nil || got != tc.want {
			t.Errorf("%s %q: number %d %q = %q, %v; want %q", tc.tag, tc.decimal, tc.places, tc.value, got, err, tc.want)
		}
	}
}
