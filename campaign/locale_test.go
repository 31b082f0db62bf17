package campaign

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseLocale(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "de": "de-DE", "de-DE": "de-DE", "de_DE": "de-DE", "DE-de": "de-DE", "de-AT": "de-AT", "de-CH": "de-CH",
		"fr": "fr-FR", "fr-FR": "fr-FR", "fr-CH": "fr-CH", "en": "en-US", "en-GB": "en-GB", " en-US ": "en-US",
		"de_DE.UTF-8": "de-DE", "de_AT.utf8": "de-AT", "de_DE@euro": "de-DE", "fr_CH.UTF-8": "fr-CH", "en_GB.ISO-8859-1": "en-GB",
	} {
		l, err := ParseLocale(in)
		if err != nil || l.String() != want {
			t.Errorf("ParseLocale(%q) = %q, %v; want %q", in, l, err, want)
		}
	}
	for _, bad := range []string{"es-ES", "de-LU", "german", "xx-YY-ZZ", "fr-CA"} {
		_, err := ParseLocale(bad)
		if err == nil || !strings.Contains(err.Error(), "supported: en-US, en-GB, de-DE, de-AT, de-CH, fr-FR, fr-CH") {
			t.Errorf("ParseLocale(%q): %v", bad, err)
		}
	}
}

func TestLocaleSetting(t *testing.T) {
	for _, tc := range []struct {
		yaml  string
		dec   DecimalMark
		dates DateOrder
		loc   string
	}{
		{minimalCampaign, DecimalPoint, MonthFirst, ""},
		{"locale: de-DE\n" + minimalCampaign, DecimalComma, DayFirst, "de-DE"},
		{"locale: fr\n" + minimalCampaign, DecimalComma, DayFirst, "fr-FR"},
		{"locale: de-CH\n" + minimalCampaign, DecimalPoint, DayFirst, "de-CH"},
		{"locale: en-US\n" + minimalCampaign, DecimalPoint, MonthFirst, "en-US"},
		// recipients.decimal and recipients.dates written win.
		{"locale: de-DE\n" + minimalCampaign + "  decimal: \".\"\n  dates: month-first\n", DecimalPoint, MonthFirst, "de-DE"},
		{"locale: de-DE\n" + minimalCampaign + "  decimal: \"\"\n", DecimalComma, DayFirst, "de-DE"},
	} {
		c, err := Load(writeCampaign(t, tc.yaml))
		if err != nil {
			t.Fatalf("%q: %v", tc.yaml, err)
		}
		r := c.Recipients
		if r.Decimal != tc.dec || r.Dates != tc.dates || r.Locale.String() != tc.loc || c.Locale != r.Locale {
			t.Errorf("%q: decimal %v, dates %v, locale %q/%q; want %v, %v, %q", tc.yaml, r.Decimal, r.Dates, c.Locale, r.Locale, tc.dec, tc.dates, tc.loc)
		}
	}
}

func TestLocaleSettingError(t *testing.T) {
	_, err := Load(writeCampaign(t, minimalCampaign+"locale: es-ES\n"))
	var fe *FileError
	if err == nil || !errors.As(err, &fe) || fe.Line != 7 || !strings.Contains(err.Error(), `locale: locale "es-ES" is not supported; supported: en-US`) {
		t.Fatalf("locale: es-ES: %v", err)
	}
}

// TestLocaleUnsupportedSaysWhatToWrite: a locale tidings has none for
// (pl-PL, an exam office in Kraków) was refused with the list of
// supported ones alone, a dead end (rev-user26); the error says what to
// write instead: the decimal mark and date order as settings of their
// own, and dates with numbers.
func TestLocaleUnsupportedSaysWhatToWrite(t *testing.T) {
	_, err := Load(writeCampaign(t, minimalCampaign+"locale: pl-PL\n"))
	var fe *FileError
	want := `locale "pl-PL" is not supported; supported: en-US, en-GB, de-DE, de-AT, de-CH, fr-FR, fr-CH (de alone is de-DE, fr fr-FR, en en-US); for another language, take locale: out and set recipients.decimal: "," if its numbers are written 4,5, and recipients.dates: day-first if its dates are written 15.12.2026; write dates with numbers then ({{date "02.01.2006" .due}})`
	if err == nil || !errors.As(err, &fe) || fe.Line != 7 || !strings.Contains(err.Error(), want) {
		t.Fatalf("locale: pl-PL: %v, want %q", err, want)
	}
}

// TestLocaleNotATagSaysWhatToWrite: a locale written as the system
// writes it (pl_PL.UTF-8, copied from $LANG) or as a language's name
// (polish) was refused with the list of supported ones alone, while
// pl-PL was told what to write instead; both are told now.
func TestLocaleNotATagSaysWhatToWrite(t *testing.T) {
	for _, s := range []string{"polish", "pl PL", ".UTF-8"} {
		_, err := ParseLocale(s)
		if err == nil || !strings.Contains(err.Error(), "is not a language tag") || !strings.HasSuffix(err.Error(), "; "+otherLanguage) {
			t.Errorf("locale: %s: %v, want it not a tag and %q", s, err, otherLanguage)
		}
	}
}

// TestLocaleNames checks the names against what LibreOffice Calc 7
// shows for mmm, mmmm, ddd and dddd in each language (convert an .xlsx
// to CSV "as shown" in a profile of that locale).
// TestLocaleUnsupportedPOSIX checks that a POSIX name copied from $LANG
// for a language tidings has no locale for gets the advice for another
// language, as its tag does.
func TestLocaleUnsupportedPOSIX(t *testing.T) {
	for _, s := range []string{"pl_PL.UTF-8", "es_ES@euro"} {
		_, err := ParseLocale(s)
		if err == nil || !strings.Contains(err.Error(), "is not supported") || !strings.HasSuffix(err.Error(), "; "+otherLanguage) {
			t.Errorf("locale: %s: %v, want it unsupported and %q", s, err, otherLanguage)
		}
	}
}

func TestLocaleNames(t *testing.T) {
	for tag, want := range map[string]string{
		"de-DE": "Jan Januar Do Donnerstag|Mär März Mi Mittwoch|Dez Dezember Di Dienstag",
		"de-AT": "Jän Jänner Do Donnerstag|Mär März Mi Mittwoch|Dez Dezember Di Dienstag",
		"fr-FR": "janv. janvier jeu. jeudi|mars mars mer. mercredi|déc. décembre mar. mardi",
		"en-GB": "Jan January Thu Thursday|Mar March Wed Wednesday|Dec December Tue Tuesday",
	} {
		l, err := ParseLocale(tag)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range []time.Time{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC)} {
			got = append(got, strings.Join([]string{l.Month(d.Month(), true), l.Month(d.Month(), false), l.Weekday(d.Weekday(), true), l.Weekday(d.Weekday(), false)}, " "))
		}
		if g := strings.Join(got, "|"); g != want {
			t.Errorf("%s: %s, want %s", tag, g, want)
		}
	}
}

// TestLocaleUnderRecipients: locale: written under recipients: is an
// unknown key there that says it goes at the top of the file.
func TestLocaleUnderRecipients(t *testing.T) {
	_, err := Load(writeCampaign(t, minimalCampaign+"  locale: de-DE\n"))
	if err == nil || !strings.Contains(err.Error(), `unknown key "locale" in recipients; locale is a setting of the campaign as a whole: write it at the top of the file, not indented`) {
		t.Errorf("recipients.locale: %v", err)
	}
}
