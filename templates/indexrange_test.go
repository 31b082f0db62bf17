package templates

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// TestIndexPastListEnd: a row whose list is shorter than the template
// indexes into (two authors' emails, one name) is told in words, naming
// the column the list came from, not as "reflect: slice index out of
// range" with no column.
func TestIndexPastListEnd(t *testing.T) {
	to := `{{range $i, $e := split \";\" .emails}}{{if $i}}, {{end}}{{address (index (split \";\" $.names) $i) $e}}{{end}}`
	yaml := strings.Replace(baseYAML, `subject: "Hello {{.name}}"`, "to: \""+to+"\"\nsubject: \"{{index (split \\\";\\\" .names) 3}}\"", 1)
	c := load(t, yaml, map[string]string{"body.txt": "Hi\n"})
	s, err := Compile(c, []string{"emails", "names"})
	if err != nil {
		t.Fatal(err)
	}
	row := campaign.Row{Number: 7, Values: map[string]string{"emails": "a@x.edu; b@y.org", "names": "José Núñez"}}
	for _, c := range []struct {
		name string
		tpl  *Template
	}{{"to", s.To}, {"subject", s.Subject}} {
		err := c.tpl.Execute(io.Discard, row)
		var re *campaign.RowError
		if !errors.As(err, &re) {
			t.Fatalf("%s: got %v, want a RowError", c.name, err)
		}
		msg := err.Error()
		if re.Column != "names" || strings.Contains(msg, "reflect") || strings.Contains(msg, "out of range") ||
			!strings.Contains(msg, "index: ") || !strings.Contains(msg, "past the end of its list (items count from 0): the row's list is shorter than the template expects") {
			t.Errorf("%s: column %q, message %q", c.name, re.Column, msg)
		}
	}
}
