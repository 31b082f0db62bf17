package templates

import (
	"slices"
	"strings"
	"testing"
	texttemplate "text/template"

	"github.com/tidings/tidings/campaign"
)

// TestPrinted: the columns a template prints as they are at its top level
// (through a pipeline too), once each; not those within if, with or
// range, nor those given to default, to a variable first or to a
// function that may print a blank as something (printf); those given to
// one that keeps a blank ({{upper .e}}) are.
func TestPrinted(t *testing.T) {
	for src, want := range map[string][]string{
		`Dear {{.a}}, {{.a}} {{if .b}}{{.b}}{{end}} {{.c | printf "%s"}} {{$x := .d}}{{$x}} {{upper .e}} {{.b | default "x"}} {{printf "%s" .b}}`: {"a", "c", "e"},
		`{{with .b}}{{.}}{{end}}{{range .b}}{{end}}`: nil,
		`no columns`: nil,
	} {
		tt := &Template{name: "text", columns: []string{"a", "b", "c", "d", "e"}}
		var err error
		if tt.text, err = texttemplate.New("text").Funcs(texttemplate.FuncMap{"upper": strings.ToUpper, "default": func(d, v string) string { return v }}).Parse(src); err != nil {
			t.Fatal(err)
		}
		if got := tt.Printed(); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", src, got, want)
		}
	}
	s := &Set{printed: []string{"a", "c"}}
	if got := s.PrintedBlank(campaign.Row{Values: map[string]string{"a": " ", "c": "x"}}); !slices.Equal(got, []string{"a"}) {
		t.Errorf("PrintedBlank: %v", got)
	}
}
