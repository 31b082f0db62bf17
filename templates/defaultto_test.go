package templates

import (
	"strings"
	"testing"
)

// TestDefaultToUnknownColumn: a campaign without to: whose sheet has no
// column email (its addresses under "Email" or "E-mail") is told that
// to: is not written and what its default reads, so that the reader
// knows which setting to write; a to: written in the file is not.
func TestDefaultToUnknownColumn(t *testing.T) {
	const want = `the campaign file has no to:, whose default, {{.email}}, reads the column "email": write to: with the column of the addresses`
	c := load(t, baseYAML, map[string]string{"body.txt": "hi\n"})
	_, err := Compile(c, []string{"E-mail", "name"})
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), `to: no such column in the sheet: "email"`) {
		t.Errorf("no to: and no email column: %v\nwant it to say %s", err, want)
	}
	c = load(t, baseYAML+"to: '{{.email}}'\n", map[string]string{"body.txt": "hi\n"})
	if _, err := Compile(c, []string{"E-mail", "name"}); err == nil || strings.Contains(err.Error(), "has no to:") {
		t.Errorf("a to: written: %v, want no word of its default", err)
	}
}
