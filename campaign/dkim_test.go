package campaign

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestLoadDKIMForms: dkim: is one mapping or a list of them; each entry
// keeps its name, where it starts, its own headers, and a key_file
// resolved against the campaign folder. An empty section signs nothing.
func TestLoadDKIMForms(t *testing.T) {
	type entry struct {
		name, domain, selector, keyFile string
		line, col                       int
		headers                         []string
	}
	for _, tt := range []struct {
		name, yaml string
		want       []entry
	}{
		{"one mapping", "dkim:\n  domain: acme.example\n  selector: s1\n  key_file: k.pem\n",
			[]entry{{"dkim", "acme.example", "s1", "k.pem", 8, 3, nil}}},
		{"one flow mapping", "dkim: {domain: acme.example, selector: s1, key_file: k.pem, headers: [From, To]}\n",
			[]entry{{"dkim", "acme.example", "s1", "k.pem", 7, 8, []string{"From", "To"}}}},
		{"a list", "dkim:\n  - domain: acme.example\n    selector: rsa\n    key_file: rsa.pem\n" +
			"  - domain: acme.example\n    selector: ed\n    key_file: keys/ed.pem\n    headers: [From, Subject]\n",
			[]entry{
				{"dkim[0]", "acme.example", "rsa", "rsa.pem", 8, 5, nil},
				{"dkim[1]", "acme.example", "ed", "keys/ed.pem", 11, 5, []string{"From", "Subject"}},
			}},
		{"a flow list", "dkim: [{domain: acme.example, selector: rsa, key_file: rsa.pem}, {domain: acme.example, selector: ed, key_file: ed.pem}]\n",
			[]entry{
				{"dkim[0]", "acme.example", "rsa", "rsa.pem", 7, 9, nil},
				{"dkim[1]", "acme.example", "ed", "ed.pem", 7, 67, nil},
			}},
		{"a list of one", "dkim:\n- {domain: acme.example, selector: s1, key_file: k.pem}\n",
			[]entry{{"dkim[0]", "acme.example", "s1", "k.pem", 8, 4, nil}}},
		{"no section", "", nil},
		{"an empty section", "dkim:\n", nil},
		{"an empty mapping", "dkim: {}\n", nil},
		{"nothing set", "dkim: {headers: []}\n", nil},
		{"an empty list", "dkim: []\n", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := writeCampaign(t, minimalCampaign+tt.yaml)
			c, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.DKIM) != len(tt.want) {
				t.Fatalf("%d entries %+v, want %d", len(c.DKIM), c.DKIM, len(tt.want))
			}
			for i, w := range tt.want {
				d := c.DKIM[i]
				got := entry{d.Name, d.Domain, d.Selector, d.KeyFile, d.Line, d.Column, d.Headers}
				w.keyFile = filepath.Join(filepath.Dir(path), w.keyFile)
				if got.name != w.name || got.domain != w.domain || got.selector != w.selector || got.keyFile != w.keyFile ||
					got.line != w.line || got.col != w.col || !slices.Equal(got.headers, w.headers) {
					t.Errorf("entry %d = %+v, want %+v", i, got, w)
				}
			}
		})
	}
}

// TestLoadDKIMErrors: a problem in an entry of a dkim: list names the
// entry by its index and keeps its line and column.
func TestLoadDKIMErrors(t *testing.T) {
	const two = "dkim:\n  - domain: acme.example\n    selector: rsa\n    key_file: rsa.pem\n" +
		"  - domain: acme.example\n    selector: ed\n    key_file: ed.pem\n"
	for _, tt := range []struct {
		name, yaml string
		line, col  int
		msg        string
		is         error
	}{
		{"unknown key in an entry", strings.Replace(two, "selector: ed", "selectr: ed", 1), 12, 5,
			`unknown key "selectr" in dkim[1]; did you mean "selector"?`, ErrUnknownKey},
		{"unknown key in a flow list", "dkim: [{domain: a.example, selector: s1}, {domain: a.example, Selector: s2}]\n", 7, 63,
			`unknown key "Selector" in dkim[1]; did you mean "selector"?`, ErrUnknownKey},
		{"a number for text", strings.Replace(two, "selector: ed", "selector: 2024.10", 1), 12, 15,
			`dkim[1].selector: write 2024.10 in quotes ("2024.10"): unquoted, YAML reads it as 2024.1`, nil},
		{"a number for text in one mapping", "dkim: {domain: acme.example, selector: 0123}\n", 7, 40,
			`dkim.selector: write 0123 in quotes ("0123"): unquoted, YAML reads it as 83`, nil},
		{"the same domain and selector", strings.Replace(two, "selector: ed", "selector: rsa", 1), 11, 5,
			"dkim[1]: the same domain and selector as dkim[0] (rsa._domainkey.acme.example): give each key its own selector", nil},
		{"the same domain written otherwise", strings.Replace(two, "  - domain: acme.example\n    selector: ed", "  - domain: ACME.example.\n    selector: RSA", 1), 11, 5,
			"dkim[1]: the same domain and selector as dkim[0]", nil},
		{"the same IDNA domain", "dkim: [{domain: bücher.example, selector: s1, key_file: a}, {domain: xn--bcher-kva.example, selector: s1, key_file: b}]\n", 7, 62,
			"dkim[1]: the same domain and selector as dkim[0] (s1._domainkey.xn--bcher-kva.example)", nil},
		{"neither a mapping nor a list", "dkim: s1\n", 7, 7,
			"dkim: a mapping (domain, selector, key_file or key_env, headers) or a list of such mappings", nil},
		{"a list item that is not a mapping", "dkim:\n  - s1\n", 8, 5, "mapping", nil},
		// key_env: dkim.key meant key_file: it was told only to name a
		// variable, "the value given is not shown" (rev-eng38).
		{"a key file's name for key_env", "dkim: {domain: acme.example, selector: s1, key_env: dkim.key}\n", 7, 53,
			`dkim.key_env: "dkim.key" is a file's name, and key_env names the environment variable holding the key: for a key in a file, write key_file: dkim.key in its place`, nil},
		{"a key file's path for key_env", "dkim: {domain: acme.example, selector: s1, key_env: ./keys/dkim-rsa.pem}\n", 7, 53,
			`write key_file: ./keys/dkim-rsa.pem in its place`, nil},
		{"a key's base64 for key_env", "dkim: {domain: acme.example, selector: s1, key_env: LS0tLS1CRUdJTi/BQVJJVkFURSBLRVktLS0tLQo=}\n", 7, 53,
			"dkim.key_env must name an environment variable (letters, digits, _), e.g. key_env: DKIM_KEY, and the key's PEM text go in that variable; the value given is not shown", nil},
		{"a key's PEM for key_env", "dkim: {domain: acme.example, selector: s1, key_env: \"-----BEGIN PRIVATE KEY-----\\nMC4.CAQ\"}\n", 7, 53,
			"the value given is not shown", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := writeCampaign(t, minimalCampaign+tt.yaml)
			_, err := Load(path)
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("Load = %v, want a FileError", err)
			}
			if fe.Line != tt.line || fe.Column != tt.col {
				t.Errorf("at %d:%d, want %d:%d (%v)", fe.Line, fe.Column, tt.line, tt.col, err)
			}
			if !strings.Contains(fe.Err.Error(), tt.msg) {
				t.Errorf("message\n %s\nwant one containing\n %s", fe.Err, tt.msg)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("%v is not %v", err, tt.is)
			}
		})
	}
}

// TestKeyEnvDollar: key_env: "$dkim_key" is read as dkim_key, with a note
// that names it. The note said "the name is not shown: with small letters
// it may be the password" (rev-eng38), a password_env's words: a
// DKIM key is never a variable's name, so the name is always shown.
func TestKeyEnvDollar(t *testing.T) {
	for _, tc := range []struct{ value, name string }{{`"$DKIM_KEY"`, "DKIM_KEY"}, {`"${dkim_key}"`, "dkim_key"}} {
		c, err := Load(writeCampaign(t, minimalCampaign+"dkim: {domain: acme.example, selector: s1, key_env: "+tc.value+"}\n"))
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("dkim.key_env: %s is read as %s; the setting names the variable, without the $", tc.value, tc.name)
		if c.DKIM[0].KeyEnv != tc.name || !slices.Contains(c.Warnings, want) {
			t.Errorf("key_env: %s: read as %q, warnings %q; want %q and the note\n%s", tc.value, c.DKIM[0].KeyEnv, c.Warnings, tc.name, want)
		}
	}
}
