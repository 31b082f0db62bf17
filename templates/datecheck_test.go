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

// TestDateLocalLiteralChecked: under locale: de-DE, a layout that writes
// a German name (Dienstag, Dezember) would write it on every row: an
// error of the template at its line saying to write the English
// reference name; English names, and German names equal to them
// (August), compile, and so does the same layout without a locale.
func TestDateLocalLiteralChecked(t *testing.T) {
	cols := []string{"email", "name", "due"}
	de := "locale: de-DE\n" + baseYAML
	body := "Hallo\n{{date \"Dienstag, 2. January 2006\" .due}}\n"
	_, err := Compile(load(t, de, map[string]string{"body.txt": body}), cols)
	var fe *campaign.FileError
	want := `date: the layout "Dienstag, 2. January 2006" writes Dienstag on every row, whatever the date: a layout names the reference date, Monday 2 January 2006, in English (Monday, Mon, January, Jan), and locale de-DE writes those in its language: write Monday there for the row's name`
	if !errors.As(err, &fe) || fe.Line != 2 || !strings.Contains(err.Error(), want) {
		t.Errorf("Compile = %v, want %q at line 2", err, want)
	}
	if _, err := Compile(load(t, de, map[string]string{"body.txt": "{{date \"2. Dez 2006\" .due}}\n"}), cols); err == nil || !strings.Contains(err.Error(), "writes Dez on every row") || !strings.Contains(err.Error(), "write Jan there") {
		t.Errorf("Dez: %v", err)
	}
	for _, ok := range []string{"{{date \"Monday, 2. January 2006, Mon Jan\" .due}} {{date \"2. August 2006\" .due}}\n"} {
		if _, err := Compile(load(t, de, map[string]string{"body.txt": ok}), cols); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	if _, err := Compile(load(t, baseYAML, map[string]string{"body.txt": body}), cols); err != nil {
		t.Errorf("no locale: %v", err)
	}
}
