package templates

import (
	"errors"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// TestDateLayoutChecked: a call of date whose LAYOUT is a constant that
// can never format (no Go layout, spreadsheet tokens, a date) is one
// template error at its line, saying which layouts date takes; a name,
// a Go layout and a layout from a column compile.
func TestDateLayoutChecked(t *testing.T) {
	cols := []string{"email", "name", "due", "fmt"}
	for _, c := range []struct {
		body, want string
		line       int
	}{
		{"Due:\n{{date \"bogus\" .due}}\n", `{{date "bogus" .due}}: wrong type of argument: date: layout "bogus" is not a Go time layout: write the reference date 2006-01-02 15:04:05 in the form wanted (02/01/2006 for day/month/year), or use iso, short, long, us, zh, ja, rfc3339 or rfc1123`, 2},
		{"{{.due | date \"yyyy-mm-dd\"}}\n", `date: layout "yyyy-mm-dd" is not a Go time layout`, 1},
		{"x\ny\n{{date \"Long\" .due}}\n", `date: layout "Long" is not a Go time layout`, 3},
		{"{{date \"2024-03-14\" .due}}\n", `date: the layout "2024-03-14" is a date, not a layout: date takes the layout first, then the value ({{date "2 January 2006" .due}}); a layout is iso, short, long, us, zh, ja, rfc3339 or rfc1123, or a Go time layout`, 1},
	} {
		_, err := Compile(load(t, baseYAML, map[string]string{"body.txt": c.body}), cols)
		var fe *campaign.FileError
		if !errors.As(err, &fe) || !errors.Is(err, ErrFuncArgType) || fe.Line != c.line || !strings.Contains(err.Error(), c.want) || strings.Count(err.Error(), "date:") != 1 {
			t.Errorf("%q: Compile = %v, want one error %q at line %d", c.body, err, c.want, c.line)
		}
	}
	ok := "{{date \"long\" .due}} {{date \"02/01/2006\" .due}} {{.due | date \"Monday, 2 Jan\"}} {{date .fmt .due}}\n"
	set, err := Compile(load(t, baseYAML, map[string]string{"body.txt": ok}), cols)
	if err != nil {
		t.Fatalf("layouts that format: %v", err)
	}
	if _, err := set.Execute(campaign.Row{Number: 2, Values: map[string]string{"email": "a@x.example", "name": "Ann", "due": "2026-03-14", "fmt": "iso"}}); err != nil {
		t.Errorf("the calls the check passes do not run: %v", err)
	}
}
