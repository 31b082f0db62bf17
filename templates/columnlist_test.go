package templates

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// TestColumnList: an exam office prints a student's grades, a column a
// course, in a table (rev-user26). {{range .Courses}} was refused as a
// column the sheet has not, with no word on how to loop over several
// columns; the error now says how, and that way, {{range split ";"
// "Algebra;Fizyka"}}{{index $ .}}{{end}}, has each name checked as a
// column at its line (a name mistyped printed an empty grade before,
// without a word) and read by the campaign as {{.Fizyka}} is.
func TestColumnList(t *testing.T) {
	cols := []string{"email", "name", "Algebra liniowa", "Fizyka"}
	loop := "Hi\n{{range split \";\" \"Algebra liniowa; Fizyka\"}}{{.}}: {{index $ .}}\n{{end}}"
	s, err := Compile(load(t, baseYAML, map[string]string{"body.txt": loop}), cols)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Columns(); !slices.Contains(got, "Algebra liniowa") || !slices.Contains(got, "Fizyka") {
		t.Errorf("columns read: %q, want the loop's too", got)
	}
	f, err := s.Execute(campaign.Row{Number: 2, Values: map[string]string{"email": "a@x.example", "name": "Ann", "Algebra liniowa": "4,5", "Fizyka": "3,0"}})
	if err != nil || string(f.Text) != "Hi\nAlgebra liniowa: 4,5\nFizyka: 3,0\n" {
		t.Errorf("Execute = %q, %v", f.Text, err)
	}
	for _, c := range []struct {
		body, want string
		line       int
	}{
		{"Hi\n\n{{range split \";\" \"Algebra liniowa;Fizika\"}}{{index $ .}}{{end}}\n", `no such column in the sheet: "Fizika"; did you mean "Fizyka"?`, 3},
		{"{{range split \";\" \"Algebra_liniowa;Fizyka\"}}{{index $ .}}{{end}}\n", `no such column in the sheet: "Algebra_liniowa" in a list of columns: write the column's header as the sheet has it, "Algebra liniowa"`, 1},
		{"Hi\n{{range .Courses}}{{.Name}}: {{.Grade}}{{end}}\n", `no such column in the sheet: "Courses"; a row is one message and each of its columns one value, so a template has no list of a row's courses or items to loop over: to print several columns alike (a student's grades, a column each), loop over their names, {{range split ";" "Maths;Physics"}}{{.}}: {{index $ .}}{{end}}`, 2},
	} {
		_, err := Compile(load(t, baseYAML, map[string]string{"body.txt": c.body}), cols)
		var fe *campaign.FileError
		if !errors.As(err, &fe) || !errors.Is(err, ErrUnknownColumn) || fe.Line != c.line || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: Compile = %v, want %q at line %d", c.body, err, c.want, c.line)
		}
	}
}

// TestColumnListOnlyWhereDotIsItsItem: the names of a loop over columns
// were checked at every {{index $ .}} inside it, also where the dot is
// something else: within {{with "x"}} index $ . reads the column "x",
// yet "Nope" was refused as a column the sheet has not when nothing
// reads it as one. {{with .}} keeps the item, and its names are checked.
func TestColumnListOnlyWhereDotIsItsItem(t *testing.T) {
	cols := []string{"email", "name", "Algebra", "x"}
	body0 := "{{range split \";\" \"Algebra;Nope\"}}{{with \"x\"}}{{index $ .}}{{end}}{{end}}\n"
	if _, err := Compile(load(t, baseYAML, map[string]string{"body.txt": body0}), cols); err != nil {
		t.Errorf("%q: %v", body0, err)
	}
	body := "{{range split \";\" \"Algebra;Nope\"}}{{with .}}{{index $ .}}{{end}}{{end}}\n"
	if _, err := Compile(load(t, baseYAML, map[string]string{"body.txt": body}), cols); err == nil || !strings.Contains(err.Error(), `"Nope"`) {
		t.Errorf("%q: %v, want Nope refused", body, err)
	}
}

// TestColumnListHintForSplitColumn: {{range split ";" .Courses}}, a loop
// as the README's Jinja section writes one, over a column the sheet has
// not, was refused without the word on looping over several columns
// that {{range .Courses}} gets.
func TestColumnListHintForSplitColumn(t *testing.T) {
	body := "Hi\n{{range split \";\" .Courses}}{{.}}{{end}}\n"
	_, err := Compile(load(t, baseYAML, map[string]string{"body.txt": body}), []string{"email", "name", "Algebra"})
	if err == nil || !strings.Contains(err.Error(), `no such column in the sheet: "Courses"; a row is one message`) {
		t.Errorf("Compile = %v, want the loop's hint", err)
	}
}

// TestColumnListHintNotForTypo: {{range split "," .Tagz}} beside a column
// Tags, which holds a list to split, is a typo: the error says which
// column it means, and not that a row has no lists.
func TestColumnListHintNotForTypo(t *testing.T) {
	body := "{{range split \",\" .Tagz}}{{.}}{{end}}\n"
	_, err := Compile(load(t, baseYAML, map[string]string{"body.txt": body}), []string{"email", "name", "Tags"})
	if err == nil || !strings.Contains(err.Error(), `"Tagz"`) || !strings.Contains(err.Error(), "Tags") || strings.Contains(err.Error(), "a row is one message") {
		t.Errorf("Compile = %v, want the column it means alone", err)
	}
}

// TestColumnListHeaderToldOnce: a name of a loop's list written as the
// column's Identifier ("Analiza_matematyczna" for "Analiza
// matematyczna"), read twice in the loop, was told twice, word for word.
func TestColumnListHeaderToldOnce(t *testing.T) {
	body := "{{range split \";\" \"Analiza_matematyczna\"}}{{.}}: {{index $ .}} ({{index $ . | upper}})\n{{end}}"
	_, err := Compile(load(t, baseYAML, map[string]string{"body.txt": body}), []string{"email", "name", "Analiza matematyczna"})
	if err == nil || strings.Count(err.Error(), "write the column's header as the sheet has it") != 1 {
		t.Errorf("Compile = %v, want the header told once", err)
	}
}
