package templates

import (
	"slices"
	"strings"
	"testing"
)

// TestRawQueryWarned: an unsubscribe.url that writes a column into its
// query as it is ("?e={{.email}}") was told of only for a row whose
// value then held + & ; # or %, so a list where no one had a + passed
// check, and the row with one next month stopped the send (rev-eng49).
// The template is judged once: each such action is a warning at its
// line naming the column and the action to write, and its columns are
// RawQueryColumns, the only ones render looks at in a row; an action in
// the path, in the fragment, piped to urlquery, reading no column, or a
// whole URL from a column is not, one in an {{if}} is.
func TestRawQueryWarned(t *testing.T) {
	cols := []string{"email", "name", "token", "u", "E-Mail", "tag"}
	for _, tc := range []struct {
		url  string
		want []string // warned actions, in order
		raw  []string
	}{
		{`https://acme.example/u?e={{.email}}`, []string{`{{.email}} writes column "email" into the URL's query as it is`}, []string{"email"}},
		{`https://acme.example/u/{{.name}}?e={{.email | urlquery}}&t={{urlquery .token}}#{{.tag}}`, nil, nil},
		{`{{.u}}`, nil, nil},
		{`https://acme.example/u?v=1{{if .token}}&t={{.token -}}{{end}}`, []string{`{{.token -}} writes column "token"`, `write {{.token | urlquery -}}`}, []string{"token"}},
		{`https://acme.example/u?e={{printf "%s-%s" .email .name}}&k={{"fixed"}}`, []string{`{{printf "%s-%s" .email .name}} writes columns "email" and "name"`, `write {{printf "%s-%s" .email .name | urlquery}}`}, []string{"email", "name"}},
		{`https://acme.example/u?e={{.E_Mail}}`, []string{`{{.E_Mail}} writes column "E-Mail"`, `write {{.E_Mail | urlquery}}`}, []string{"E-Mail"}},
	} {
		yaml := "name: test\nfrom: \"Acme <news@acme.example>\"\nsubject: Hi\ntext: body.txt\nrecipients:\n  path: people.csv\nunsubscribe:\n  url: '" + tc.url + "'\n"
		s, err := Compile(load(t, yaml, map[string]string{"body.txt": "Hi\n"}), cols)
		if err != nil {
			t.Fatalf("%s: %v", tc.url, err)
		}
		got := strings.Join(s.Warnings(), "\n")
		if len(tc.want) == 0 && strings.Contains(got, "query") {
			t.Errorf("%s: warned:\n%s", tc.url, got)
		}
		for _, w := range tc.want {
			if !strings.Contains(got, ":8: templates: unsubscribe.url: ") || !strings.Contains(got, w) {
				t.Errorf("%s: warnings lack %q at line 8:\n%s", tc.url, w, got)
			}
		}
		if raw := s.UnsubscribeURL.RawQueryColumns(); !slices.Equal(raw, tc.raw) {
			t.Errorf("%s: RawQueryColumns %q, want %q", tc.url, raw, tc.raw)
		}
	}
}
