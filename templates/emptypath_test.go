package templates

import (
	"fmt"
	"slices"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// TestEmptyPaths: an attachment whose path is a column alone, blank in a
// row, is named for that row (its message goes without the file: a
// ticket campaign's rows with no ticket went without one, and nothing said
// so, rev-user17); a path guarded by its own {{if}} or {{with}} is the
// author's word that some rows have none, and a path with text of its
// own ("t/{{.c}}.pdf") is not found when blank, a row problem already.
func TestEmptyPaths(t *testing.T) {
	for _, c := range []struct {
		path string
		want []string
	}{
		{`{{.a}}`, []string{"a"}},
		{` {{trim .a}} `, []string{"a"}},
		{`{{if .b}}{{.a}}{{end}}`, []string{"a"}}, // b filled: a's file was meant
		{`{{if .a}}{{.a}}{{end}}`, nil},
		{`{{with .a}}{{.}}{{end}}`, nil},
		{`{{if .c}}{{.a}}{{end}}`, nil}, // c blank: no file meant
		{`{{if .a}}{{.a}}{{else}}{{.d}}{{end}}`, nil},
		{`t/{{.a}}.pdf`, nil},
		{`{{.a | default "x.pdf"}}`, nil},
		{`{{.a}}{{.d}}`, nil},
		{`fixed.pdf`, nil},
	} {
		yaml := fmt.Sprintf("name: test\nfrom: \"Acme <news@acme.example>\"\nsubject: Hi\ntext: body.txt\nattachments: ['%s']\nrecipients:\n  path: people.csv\n", c.path)
		s, err := Compile(load(t, yaml, map[string]string{"body.txt": "Hi\n"}), []string{"email", "a", "b", "c", "d", "e"})
		if err != nil {
			t.Fatalf("%s: %v", c.path, err)
		}
		row := campaign.Row{Values: map[string]string{"email": "x@example.com", "a": " ", "b": "yes", "c": "", "d": "d.pdf"}}
		if got := s.EmptyPaths(row); !slices.Equal(got, c.want) {
			t.Errorf("%s: EmptyPaths %v, want %v", c.path, got, c.want)
		}
		row.Values["a"] = "a.pdf"
		if got := s.EmptyPaths(row); got != nil {
			t.Errorf("%s, a filled: EmptyPaths %v, want none", c.path, got)
		}
	}
}
