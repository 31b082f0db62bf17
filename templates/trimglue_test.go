package templates

import (
	"strings"
	"testing"
)

// TestTrimGlueWarned: a trim marker that takes the only space between a
// word (or another printed value) and a column is warned of at its line,
// once, naming what every message prints; one that takes a line break,
// or stands beside markup or punctuation, or beside an if, is not.
func TestTrimGlueWarned(t *testing.T) {
	body := "Hallo {{- .Vorname}},\n" +
		"{{.Vorname}} {{- .Nachname}}\n" +
		"Nr. {{.Nr -}} gültig\n" +
		"Dear\n{{- .Vorname}}\n" +
		"<b> {{- .Vorname -}} </b>, {{- .Vorname}}\n" +
		"Hallo {{- if .Vorname}} x{{end}}\n"
	cols := []string{"email", "Vorname", "Nachname", "Nr"}
	yaml := "name: test\nfrom: \"Acme <news@acme.example>\"\nsubject: 'Hi {{- .Vorname}}'\ntext: body.txt\nrecipients:\n  path: people.csv\n"
	s, err := Compile(load(t, yaml, map[string]string{"body.txt": body}), cols)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(s.Warnings(), "\n")
	for _, want := range []string{
		`body.txt:1: templates: text: {{- .Vorname}}: the trim marker takes the space before it, so every message prints "Hallo{{.Vorname}}"`,
		`body.txt:2: templates: text: {{- .Nachname}}: the trim marker takes the space before it, so every message prints "{{.Vorname}}{{.Nachname}}"`,
		`body.txt:3: templates: text: {{.Nr -}}: the trim marker takes the space after it, so every message prints "{{.Nr}}gültig"`,
		`:3: templates: subject: {{- .Vorname}}`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("warnings lack %q:\n%s", want, got)
		}
	}
	if len(s.Warnings()) != 4 {
		t.Errorf("%d warnings, want 4:\n%s", len(s.Warnings()), got)
	}
}
