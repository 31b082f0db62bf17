package campaign

import (
	"strings"
	"testing"
)

// TestNameSuggestion: a campaign name with spaces or other characters is
// refused with the name written as one may be ("December Newsletter
// 2026" → "December-Newsletter-2026"); a missing one says what a name is
// made of.
func TestNameSuggestion(t *testing.T) {
	for name, want := range map[string]string{
		"December Newsletter 2026": `name: "December Newsletter 2026" may hold only letters, digits and '-': write name: December-Newsletter-2026`,
		"news_2026/12":             `write name: news-2026-12`,
		"Übersicht":                `name: "Übersicht" may hold only letters, digits and '-': write name: Ubersicht (ASCII: it names the state folder and goes into every Message-ID)`,
		"Sınav Sonuçları 2026":     `write name: Sinav-Sonuclari-2026 (ASCII`,
		"Árgjald Þróttar":          `write name: Argjald-Throttar (ASCII`,
		"Ðorđe članarina":          `write name: Dorde-clanarina (ASCII`,
		"Рассылка":                 `name: "Рассылка" may hold only letters, digits and '-' (ASCII: it names the state folder and goes into every Message-ID)`,
		"":                         `name: required: letters, digits and '-' (november-news), which name the state folder and go into every Message-ID`,
	} {
		err := CheckName(name)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %s", name, err, want)
		}
	}
}

// TestNameSuggestionGerman: a German name's umlauts are written as German
// writes them without (ä ae, ö oe, ü ue), not dropped to a, o, u
// ("Vereinsmitteilung Mai für Mitglieder" is no "...fur..."; fix-text):
// under a German locale, or with none when the name holds ß, which German
// alone writes; other languages, and ä ö ü without ß or a German locale
// (Swedish, Finnish), keep plain folding. A capital umlaut ending a word
// in capitals is two capitals ("MENÜ": MENUE, not MENUe).
func TestNameSuggestionGerman(t *testing.T) {
	de, err := ParseLocale("de-AT")
	if err != nil {
		t.Fatal(err)
	}
	fr, err := ParseLocale("fr")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		locale Locale
		want   string
	}{
		{"Vereinsmitteilung Mai für Mitglieder", de, "write name: Vereinsmitteilung-Mai-fuer-Mitglieder (ASCII"},
		{"ÜBERSICHT Größe Äpfel", de, "write name: UEBERSICHT-Groesse-Aepfel (ASCII"},
		{"NEUES MENÜ Ü", de, "write name: NEUES-MENUE-Ue (ASCII"},
		{"Grüße zum Jahresende", Locale{}, "write name: Gruesse-zum-Jahresende (ASCII"},
		{"Vereinsmitteilung Mai für Mitglieder", Locale{}, "write name: Vereinsmitteilung-Mai-fur-Mitglieder (ASCII"},
		{"Hyvää päivää", Locale{}, "write name: Hyvaa-paivaa (ASCII"},
		{"Nyhetsbrev för medlemmar", Locale{}, "write name: Nyhetsbrev-for-medlemmar (ASCII"},
		{"Straße Sınav", Locale{}, "write name: Strasse-Sinav (ASCII"},
		{"Café für Élise", fr, "write name: Cafe-fur-Elise (ASCII"},
		{"Café für Élise", de, "write name: Cafe-fuer-Elise (ASCII"},
	} {
		err := checkName(c.name, c.locale)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q under %q: %v, want %s", c.name, c.locale, err, c.want)
		}
	}
}
