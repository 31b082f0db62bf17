package render

import (
	"slices"
	"strings"
	"testing"
)

// TestDotlessDomainWarned: a recipient whose domain has no dot
// (anna@example, ".de" left out) is sent, valid as it is, with a warning
// naming it; To, Cc and Bcc alike. A domain with a dot is not warned of.
func TestDotlessDomainWarned(t *testing.T) {
	yaml := `name: d
from: "Acme <news@acme.example>"
to: "{{.email}}"
cc: "{{.cc}}"
subject: "Hi"
text: body.txt
recipients: {path: people.csv}
`
	e := setup(t, yaml, map[string]string{"body.txt": "Hi\n"}, []string{"email", "cc"})
	for _, tc := range []struct {
		email, cc string
		want      []string
	}{
		{"anna@example", "", []string{`anna@example: the domain "example" has no dot`}},
		{"anna@example.de", "buch@firma", []string{`buch@firma: the domain "firma" has no dot`}},
		{"anna@example.de", "", nil},
	} {
		m, err := e.r.Render(row(4, "email", tc.email, "cc", tc.cc))
		if err != nil {
			t.Fatalf("%s, %s: %v", tc.email, tc.cc, err)
		}
		var got []string
		for _, w := range m.Warnings {
			if strings.Contains(w, "has no dot") {
				got = append(got, w)
			}
		}
		if len(got) != len(tc.want) || !slices.EqualFunc(got, tc.want, strings.HasPrefix) {
			t.Errorf("%s, %s: warnings %q, want %q", tc.email, tc.cc, got, tc.want)
		}
	}
}
