package templates

import (
	"errors"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// TestComparisonTypes: a comparison of a column, which is text, with a
// number or with true or false ({{if ge .score 50}}), which text/template
// refuses on every row ("incompatible types for comparison"), is one
// template error at its line that says why and what to write, not a
// problem of every row (rev-user11, a teacher's results); comparisons of
// one kind, or whose kinds only running tells, are left alone and run.
func TestComparisonTypes(t *testing.T) {
	for _, c := range []struct {
		body, want string
		line       int
	}{
		{"Hi\n{{if ge .name 50}}passed{{end}}\n", `{{ge .name 50}}: wrong type of argument: ge compares values of one kind, and .name is text (a column always is) where 50 is a number`, 2},
		{"{{if lt 3 .name}}x{{end}}\n", `.name is text (a column always is) where 3 is a number`, 1},
		{"{{if eq .name \"a\" 7}}x{{end}}\n", `.name is text (a column always is) where 7 is a number`, 1},
		{"{{if ne .name true}}x{{end}}\n", `where true is true or false`, 1},
		{"{{if eq (len .name) \"6\"}}x{{end}}\n", `and "6" is text where (len .name) is a number`, 1},
		{"{{if eq (upper .name) 6}}x{{end}}\n", `and (upper .name) is text where 6 is a number`, 1},
		{"{{if .name | eq 5}}x{{end}}\n", `the value piped in, .name, is text (a column always is) where 5 is a number`, 1},
	} {
		_, err := Compile(load(t, baseYAML, map[string]string{"body.txt": c.body}), []string{"email", "name"})
		var fe *campaign.FileError
		if !errors.As(err, &fe) || !errors.Is(err, ErrFuncArgType) || fe.Line != c.line || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: Compile = %v, want %q at line %d", c.body, err, c.want, c.line)
		}
	}
	ok := "{{if eq .name \"7\"}}a{{end}}{{if lt .name \"9\"}}b{{end}}{{if eq (len .name) 6}}c{{end}}" +
		"{{range split \",\" .name}}{{if eq . \"x\"}}d{{end}}{{end}}{{$n := 3}}{{if eq $n 3}}e{{end}}{{if eq .name .email}}f{{end}}\n"
	set, err := Compile(load(t, baseYAML, map[string]string{"body.txt": ok}), []string{"email", "name"})
	if err != nil {
		t.Fatalf("comparisons of one kind: %v", err)
	}
	if _, err := set.Execute(campaign.Row{Number: 2, Values: map[string]string{"email": "a@x.example", "name": "ann,bo"}}); err != nil {
		t.Errorf("the comparisons the check passes do not run: %v", err)
	}
}
