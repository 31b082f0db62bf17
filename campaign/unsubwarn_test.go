package campaign

import (
	"slices"
	"strings"
	"testing"
)

// TestUnsubscribeWarnings: one_click without dkim:, a url without
// one_click, one_click with a cc: or bcc:, and one_click with a to: that
// visibly writes several addresses are warnings naming the
// campaign file, the line and column of the setting, and the setting;
// the campaign loads.
func TestUnsubscribeWarnings(t *testing.T) {
	const dkim = "dkim: {domain: acme.example, selector: s1, key_file: k.pem}\n"
	for _, tc := range []struct {
		name, yaml string
		want       []string // "line:col: start of the warning"
	}{
		{"one_click without dkim", "unsubscribe:\n  url: https://acme.example/u?e={{.email}}\n  one_click: true\n",
			[]string{"9:14: unsubscribe.one_click without a dkim: section: receivers ignore one-click"}},
		{"url without one_click", "unsubscribe: {url: https://acme.example/u, mailto: u@acme.example}\n" + dkim,
			[]string{"7:20: unsubscribe.url without one_click: Gmail and Yahoo require RFC 8058 one-click unsubscribe"}},
		{"one_click with cc", "cc: '{{.manager}}'\nunsubscribe: {url: 'https://acme.example/u?e={{.email}}', one_click: true}\n" + dkim,
			[]string{"7:5: cc with unsubscribe.one_click: every copy carries the To recipient's one-click link"}},
		{"one_click with bcc, no dkim", "bcc: archive@acme.example\nunsubscribe: {url: 'https://acme.example/u?e={{.email}}', one_click: true}\n",
			[]string{"8:70: unsubscribe.one_click without a dkim: section", "7:6: bcc with unsubscribe.one_click"}},
		{"one_click with cc and bcc", "cc: a@acme.example\nbcc: b@acme.example\nunsubscribe: {url: 'https://acme.example/u?e={{.email}}', one_click: true}\n" + dkim,
			[]string{"7:5: cc and bcc with unsubscribe.one_click"}},
		{"one_click, one url for all", "unsubscribe: {url: https://acme.example/u, one_click: true}\n" + dkim,
			[]string{"7:20: unsubscribe.url is the same for every recipient with one_click: a one-click POST to it cannot tell who unsubscribes; " +
				"put the recipient's key, or a token made for them, in it (https://…/u?id={{.id | urlquery}})"}}, // as it is, the query takes a + for a space (rev-eng49)
		{"one_click with a to of two addresses", "to: \"{{.email}}, parent@example.com\"\nunsubscribe: {url: 'https://acme.example/u?e={{.email}}', one_click: true}\n" + dkim,
			[]string{"7:5: to writes several addresses with unsubscribe.one_click: the one-click link is the message's, so whichever of them clicks Unsubscribe unsubscribes them all"}},
		{"one_click with a to of two columns", "to: '{{.mother}}; {{.father}}'\nunsubscribe: {url: 'https://acme.example/u?e={{.email}}', one_click: true}\n" + dkim,
			[]string{"7:5: to writes several addresses with unsubscribe.one_click"}},
		{"one_click with a name holding a comma", "to: '\"{{.last}}, {{.first}}\" <{{.email}}>'\nunsubscribe: {url: 'https://acme.example/u?e={{.email}}', one_click: true}\n" + dkim, nil},
		{"one_click with a to joining in an action", "to: '{{join \", \" .a .b}}'\nunsubscribe: {url: 'https://acme.example/u?e={{.email}}', one_click: true}\n" + dkim, nil},
		{"one_click with dkim", "unsubscribe: {url: 'https://acme.example/u?e={{.email}}', one_click: true}\n" + dkim, nil},
		{"mailto only", "unsubscribe: {mailto: u@acme.example}\n", nil},
		{"transactional", "cc: a@acme.example\nunsubscribe: {transactional: true}\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeCampaign(t, minimalCampaign+tc.yaml)
			c, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range c.Warnings {
				if strings.Contains(w, "unsubscribe") {
					got = append(got, w)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("warnings %q, want %d", got, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.HasPrefix(got[i], path+":"+w) {
					t.Errorf("warning %q, want it to start with %q", got[i], path+":"+w)
				}
			}
			if slices.ContainsFunc(got, func(w string) bool { return strings.Contains(w, "\n") }) {
				t.Errorf("a warning of several lines: %q", got)
			}
		})
	}
}

// TestToIsList: a to: template is a list when a ',' or ';' outside its
// actions, quoted strings, comments and angle brackets has an address on
// either side.
func TestToIsList(t *testing.T) {
	for to, want := range map[string]bool{
		"{{.email}}":                           false,
		"{{address .name .email}}":             false,
		"{{.name}} <{{.email}}>":               false,
		`"{{.last}}, {{.first}}" <{{.email}}>`: false,
		"{{.name}} (Smith, J) <{{.email}}>":    false,
		"<a@x.example,b@x.example>":            false,
		"{{.email}},":                          false,
		`{{join ", " .a .b}}`:                  false,
		"{{.email}}, parent@example.com":       true,
		"{{.mother}};{{.father}}":              true,
		"a@x.example, b@x.example":             true,
		"Team: {{.a}}, {{.b}};":                true,
		`"A \" B, C" <a@x>, b@x`:               true,
	} {
		if got := (&Campaign{To: to}).ToIsList(); got != want {
			t.Errorf("%q: %v, want %v", to, got, want)
		}
	}
}
