package templates

import (
	"errors"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// TestInfixHint: a condition written with an operator between its values,
// as Excel writes one ({{if .Average >= 3}}), was refused with
// text/template's words alone, `unexpected ">" in operand`, which tell a
// beginner nothing (rev-user26); the error at its line now says a
// template has no operators and what to write: the call for ==, !=, &&
// and ||, and for an order that values are text and how to test an
// amount.
func TestInfixHint(t *testing.T) {
	for _, c := range []struct {
		body, want string
		line       int
	}{
		{"Hi\n{{if .Average >= 3}}pass{{end}}\n", `unexpected ">" in operand; a template has no operators such as >=: a condition is a call, its function written before its values, and lt, le, gt and ge compare text, letter by letter`, 2},
		{"{{if .Average < 3.0}}x{{end}}\n", `let the sheet compute a column to test ({{if eq .passed "yes"}})`, 1},
		{"{{if .name == \"Anna\"}}x{{end}}\n", `no operators such as ==: a condition is a call, its function written before its values: {{if eq .name "Anna"}}`, 1},
		{"{{if .Average != 2}}x{{end}}\n", `{{if ne .Average "2"}}`, 1},
		{"{{if Average = 2}}x{{end}}\n", `{{if eq .Average "2"}}`, 1},
		{"{{if .name && .Average}}x{{end}}\n", `{{if and .name .Average}}`, 1},
		{"{{if .name || .Average}}x{{end}}\n", `{{if or .name .Average}}`, 1},
	} {
		_, err := Compile(load(t, baseYAML, map[string]string{"body.txt": c.body}), []string{"email", "name", "Average"})
		var fe *campaign.FileError
		if !errors.As(err, &fe) || fe.Line != c.line || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: Compile = %v, want %q at line %d", c.body, err, c.want, c.line)
		}
	}
}

// TestInfixHintYear: {{if .Year >= 2024}} was told that lt, le, gt and
// ge compare text and to let the sheet compute a column, while the
// text-order check lets {{if ge .Year "2024"}} pass as right for a year
// (four digits each); the hint now writes that call for a year's or a
// postcode's column and a whole number, and keeps its advice for others.
func TestInfixHintYear(t *testing.T) {
	cols := []string{"email", "name", "Year", "PLZ", "Average"}
	for body, want := range map[string]string{
		"{{if .Year >= 2024}}x{{end}}\n":    `{{if ge .Year "2024"}} (text order, right for a year or a postcode`,
		"{{if PLZ < 50000}}x{{end}}\n":      `{{if lt .PLZ "50000"}}`,
		"{{if 2024 > $.Year}}x{{end}}\n":    `{{if gt "2024" $.Year}}`,
		"{{if .Year >= 2024.5}}x{{end}}\n":  `let the sheet compute a column to test`,
		"{{if .Average >= 2024}}x{{end}}\n": `let the sheet compute a column to test`,
	} {
		_, err := Compile(load(t, baseYAML, map[string]string{"body.txt": body}), cols)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: Compile = %v, want %q", body, err, want)
		}
	}
	s, err := Compile(load(t, baseYAML, map[string]string{"body.txt": `{{if ge .Year "2024"}}x{{end}}`}), cols)
	if err != nil {
		t.Fatalf("the call the hint writes: %v", err)
	}
	if w := s.Warnings(); len(w) != 0 {
		t.Errorf("the call the hint writes is warned of: %q", w)
	}
}

// TestInfixHintOnlyForItsOperator: the operator hint took the first
// {{a OP b}} of the line, whatever the error: a comment {{/* >= */}}
// beside another mistake ({{if .name | | upper}}) was told "a template
// has no operators such as >=", and a condition written without spaces,
// {{if .Average>=3}}, which text/template calls a bad character, had no
// hint at all.
func TestInfixHintOnlyForItsOperator(t *testing.T) {
	cols := []string{"email", "name", "Average"}
	_, err := Compile(load(t, baseYAML, map[string]string{"body.txt": "{{/* >= */}}{{if .name | | upper}}x{{end}}\n"}), cols)
	if err == nil || strings.Contains(err.Error(), "no operators") {
		t.Errorf("a comment's >= beside a pipe's mistake: %v, want no operator hint", err)
	}
	for body, want := range map[string]string{
		"{{if .Average>=3}}x{{end}}\n":                   `a template has no operators such as >=`,
		"{{if .name==\"Anna\"}}x{{end}}\n":               `{{if eq .name "Anna"}}`,
		"{{if .name!=\"Anna\"}}x{{end}}\n":               `{{if ne .name "Anna"}}`,
		"{{if .name&&.Average}}x{{end}}\n":               `{{if and .name .Average}}`,
		"{{/* a > b */}}{{if .name == \"A\"}}x{{end}}\n": `{{if eq .name "A"}}`,
	} {
		_, err := Compile(load(t, baseYAML, map[string]string{"body.txt": body}), cols)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: Compile = %v, want %q", body, err, want)
		}
	}
}
