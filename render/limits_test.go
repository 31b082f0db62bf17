package render

import (
	"bytes"
	"errors"
	"net/mail"
	"strings"
	"testing"

	"github.com/tidings/tidings/templates"
)

// TestLongDisplayNameIsEncoded: a display name with a word too long for
// one header line (no space to fold at) is written as encoded-words, so
// the To line stays within 998 octets and reads back as the same name.
func TestLongDisplayNameIsEncoded(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"to": `"{{address .name .email}}"`}), bodyFile, []string{"email", "name"})
	for _, name := range []string{
		strings.Repeat("x", 3000),
		"Ann " + strings.Repeat("y", 950) + " Lee",
		strings.Repeat("z", 897), // just under the limit: stays an atom
	} {
		m, err := e.r.Render(row(2, "email", "ann@example.com", "name", name))
		if err != nil {
			t.Fatalf("%d-character name: %v", len(name), err)
		}
		checkSection(t, m.Data)
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		to, err := msg.Header.AddressList("To")
		if err != nil || len(to) != 1 || to[0].Name != name || to[0].Address != "ann@example.com" {
			t.Errorf("%d-character name: To reads as %v (%v)", len(name), to, err)
		}
	}
}

// TestAddressLengthLimits: a local part over 64 octets or a domain over 253
// (RFC 5321 4.5.3.1) is a row problem naming the column, not a header line
// that cannot be written.
func TestAddressLengthLimits(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"to": `"{{.email}}"`}), bodyFile, []string{"email"})
	label := strings.Repeat("d", 60)
	longDomain := strings.Repeat(label+".", 5) + "example"
	for _, tc := range []struct {
		email string
		ok    bool
		want  string
	}{
		{strings.Repeat("l", 64) + "@example.com", true, ""},
		{strings.Repeat("l", 65) + "@example.com", false, "local part"},
		{strings.Repeat("l", 2000) + "@example.com", false, "local part"},
		{"ann@" + longDomain, false, "domain"},
	} {
		m, err := e.r.Render(row(5, "email", tc.email))
		if tc.ok {
			if err != nil {
				t.Errorf("%.20q…: %v", tc.email, err)
			} else {
				checkSection(t, m.Data)
			}
			continue
		}
		re := rowErr(t, err)
		if re.Row != 5 || re.Column != "email" || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%.20q…: %v; want row 5, column email, about the %s", tc.email, err, tc.want)
		}
	}
}

// TestTemplateOutputCapped: a body template whose output for a row runs
// past max_message_size (a loop, a wide printf: {{range 100000}}{{printf
// "%0999999d" 1}}{{end}} would write 100 GB) stops there, as a problem of
// its row, instead of filling memory before the message's size is
// checked. So does a header template's.
func TestTemplateOutputCapped(t *testing.T) {
	loop := `{{range 64}}{{printf "%0999999d" 1}}{{end}}` // 64 MB
	for name, tc := range map[string]struct{ yaml, body string }{
		"text":    {"", loop},
		"subject": {`"` + strings.ReplaceAll(loop, `"`, `\"`) + `"`, "Hi\n"},
	} {
		t.Run(name, func(t *testing.T) {
			over := map[string]string{"max_message_size": "1MB"}
			if tc.yaml != "" {
				over["subject"] = tc.yaml
			}
			e := setup(t, yamlWith(over), map[string]string{"body.txt": tc.body}, []string{"email"})
			_, err := e.r.Render(row(2, "email", "k@example.com"))
			if !errors.Is(err, templates.ErrOutputTooLarge) || !strings.Contains(err.Error(), name) {
				t.Errorf("got %v, want templates.ErrOutputTooLarge naming %s", err, name)
			}
		})
	}
}
