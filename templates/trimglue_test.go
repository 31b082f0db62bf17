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

// TestTrimGlueSpacelessScripts: a trim marker beside Chinese, Japanese or
// Thai, which put no space between words ("{{.姓名 -}} 同学" prints
// "张三同学" as it should, "{{.姓}} {{- .名}}" "山田太郎"), is not warned
// of; a word after a mark of more than one byte („Hallo) is named whole.
func TestTrimGlueSpacelessScripts(t *testing.T) {
	body := "{{.姓名 -}} 同学，您好：\n" +
		"{{.姓}} {{- .名}} 様\n" +
		"„Hallo {{- .Vorname}}“\n"
	cols := []string{"email", "姓名", "姓", "名", "Vorname"}
	yaml := "name: test\nfrom: \"Acme <news@acme.example>\"\nsubject: Hi\ntext: body.txt\nrecipients:\n  path: people.csv\n"
	s, err := Compile(load(t, yaml, map[string]string{"body.txt": body}), cols)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(s.Warnings(), "\n")
	want := `body.txt:3: templates: text: {{- .Vorname}}: the trim marker takes the space before it, so every message prints "Hallo{{.Vorname}}"`
	if len(s.Warnings()) != 1 || !strings.Contains(got, want) {
		t.Errorf("warnings:\n%s\nwant only %q", got, want)
	}
}

// TestTrimGlueSpacelessSoutheastAsia: Lao, Khmer, Myanmar and Tibetan,
// like Thai, put no space between words ("{{.Name -}} ລາວ" prints the
// name and the word as Lao writes them), yet a marker beside one was
// warned of as gluing a word; a Latin word still is.
func TestTrimGlueSpacelessSoutheastAsia(t *testing.T) {
	body := "{{.Name -}} ລາວ\n" +
		"{{.Name -}} កខ\n" +
		"{{.Name -}} မမ\n" +
		"{{.Name -}} ཀཁ\n" +
		"{{.Name -}} and\n"
	yaml := "name: test\nfrom: \"Acme <news@acme.example>\"\nsubject: Hi\ntext: body.txt\nrecipients:\n  path: people.csv\n"
	s, err := Compile(load(t, yaml, map[string]string{"body.txt": body}), []string{"email", "Name"})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(s.Warnings(), "\n")
	if len(s.Warnings()) != 1 || !strings.Contains(got, `body.txt:5: `) {
		t.Errorf("warnings:\n%s\nwant only line 5's", got)
	}
}

// TestTrimGlueCombiningMarks: a word ending in a vowel sign or accent
// written apart (Hindi "नमस्ते", whose last letter carries े; a
// decomposed "chào") was no word to wordBefore, a mark being neither a
// letter nor a digit, so the marker gluing it went unwarned, and a word
// after a marker was cut at its first mark ("जी" named "ज"). A mark is
// part of its word.
func TestTrimGlueCombiningMarks(t *testing.T) {
	body := "नमस्ते {{- .Name}}\n" +
		"{{.Name -}} जी\n" +
		"Xin cha\u0300o {{- .Name}}\n"
	yaml := "name: test\nfrom: \"Acme <news@acme.example>\"\nsubject: Hi\ntext: body.txt\nrecipients:\n  path: people.csv\n"
	s, err := Compile(load(t, yaml, map[string]string{"body.txt": body}), []string{"email", "Name"})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(s.Warnings(), "\n")
	for _, want := range []string{`prints "नमस्ते{{.Name}}"`, `prints "{{.Name}}जी"`, "prints \"cha\u0300o{{.Name}}\""} {
		if !strings.Contains(got, want) {
			t.Errorf("warnings:\n%s\nwant one that %s", got, want)
		}
	}
}
