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
