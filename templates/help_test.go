package templates

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// TestHelpCampaignFile loads the campaign file lines of Help's "In the
// campaign file" section as YAML, compiles them against a sheet with the
// columns they name and runs them on a row, so the quoting advice and the
// keys shown stay true.
func TestHelpCampaignFile(t *testing.T) {
	_, section, ok := strings.Cut(Help, "\nIn the campaign file\n")
	if !ok {
		t.Fatal(`Help has no "In the campaign file" section`)
	}
	var yaml strings.Builder
	yaml.WriteString("name: test\nfrom: \"Acme <news@acme.example>\"\ntext: body.txt\nrecipients: {path: people.csv}\n")
	n := 0
	for _, line := range strings.Split(section, "\n") {
		if strings.HasPrefix(line, "  ") {
			yaml.WriteString(strings.TrimPrefix(line, "  ") + "\n")
			n++
		}
	}
	if n < 5 {
		t.Fatalf("found %d campaign file lines in the section, want at least 5:\n%s", n, section)
	}
	c := load(t, yaml.String(), map[string]string{"body.txt": "hi\n"})
	s, err := Compile(c, []string{"email", "name", "manager", "invoice_no", "id"})
	if err != nil {
		t.Fatalf("Compile:\n%s\n%v", yaml.String(), err)
	}
	row := campaign.Row{Values: map[string]string{
		"email": "anne@example.com", "name": " anne lee", "manager": "boss@example.com",
		"invoice_no": "A-17", "id": "7 & 8",
	}}
	for _, tt := range []struct {
		name string
		t    *Template
		want string
	}{
		{"subject", s.Subject, "Hello Anne Lee"},
		{"to", s.To, "anne lee <anne@example.com>"},
		{"cc", s.Cc, "boss@example.com"},
		{"attachment", s.Attachments[0], "invoices/A-17.pdf"},
		{"header", s.Headers[0].Value, "7 & 8"},
		{"unsubscribe.url", s.UnsubscribeURL, "https://acme.example/u?id=7+%26+8"},
	} {
		var buf bytes.Buffer
		if err := tt.t.Execute(&buf, row); err != nil || buf.String() != tt.want {
			t.Errorf("%s = %q, %v; want %q", tt.name, buf.String(), err, tt.want)
		}
	}
}
