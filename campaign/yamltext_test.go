package campaign

import (
	"errors"
	"strings"
	"testing"
)

// TestTextWrittenAsList: a list or a mapping where a setting takes text
// is told at its line, naming the setting by its dotted path and how to
// write the value, not in the YAML decoder's words ("cannot unmarshal
// []interface {} into Go struct field Campaign.Recipients of type
// string"), also below a key in quotes ("recipients":, which named no
// setting: "campaign: : takes text"), and a secret's line is never
// quoted back.
func TestTextWrittenAsList(t *testing.T) {
	for _, tt := range []struct {
		yaml string
		line int
		want string
	}{
		{strings.Replace(minimalCampaign, `subject: "{{.name}}, your digest"`, `subject: [Acme]`, 1), 3,
			`subject: takes text, and YAML reads a value in [ ] as a list: to keep the brackets, put the value in quotes: subject: '[Acme]'; else leave them out`},
		{strings.Replace(minimalCampaign, `subject: "{{.name}}, your digest"`, `subject: {a: 1}`, 1), 3,
			`subject: takes text, and YAML reads a value in { } as a mapping: to keep the braces, put the value in quotes: subject: '{a: 1}'`},
		{minimalCampaign + "  key: [email]\n", 7, `recipients.key: takes text, and YAML reads a value in [ ] as a list`},
		{strings.Replace(minimalCampaign, "recipients:", `"recipients":`, 1) + "  key: [email]\n", 7, `recipients.key: takes text, and YAML reads a value in [ ] as a list`},
		{minimalCampaign + "  only_blank: [[Bezahlt]]\n", 7,
			`recipients.only_blank: each item is text, and YAML reads an item in [ ] as a list: leave the brackets out, or put the item in quotes to keep them`},
		{minimalCampaign + "  only_filled: [Paid, {a: b}]\n", 7, `recipients.only_filled: each item is text, and YAML reads an item in { } as a mapping: leave the braces out`},
		{strings.Replace(minimalCampaign, `subject: "{{.name}}, your digest"`, "subject:\n  - a\n  - b", 1), 4,
			`subject: takes text, not a list of lines starting with "- ": write the value after subject: on its own line`},
		{minimalCampaign + "dkim:\n  - domain: acme.example\n    selector: [s1]\n", 9, `dkim.selector: takes text`},
		{minimalCampaign + "smtp:\n  host: h\n  password_env: [SECRET_NAME]\n", 9, `smtp.password_env: takes text, and YAML reads a value in [ ] as a list: to keep the brackets, put the value in quotes; else leave them out`},
	} {
		_, err := Load(writeCampaign(t, tt.yaml))
		var fe *FileError
		if !errors.As(err, &fe) || fe.Line != tt.line || !strings.Contains(err.Error(), "campaign: "+tt.want) {
			t.Errorf("%s: got %v (line %d), want line %d saying %s", tt.yaml, err, lineOf(fe), tt.line, tt.want)
		}
		if err != nil && (strings.Contains(err.Error(), "Go struct") || strings.Contains(err.Error(), "SECRET_NAME")) {
			t.Errorf("%s: %v", tt.yaml, err)
		}
	}
}

// TestTextStartsWithBracket: a text setting's value that starts with [
// or { and goes on past it (subject: [Acme] November news, a mail list's
// usual subject) is told as a value to put in quotes, written out; a list
// setting's value cut short keeps the decoder's words.
func TestTextStartsWithBracket(t *testing.T) {
	for _, tt := range []struct{ yaml, want string }{
		{strings.Replace(minimalCampaign, `subject: "{{.name}}, your digest"`, `subject: [Acme] {{.name}}'s news  # monthly`, 1),
			`campaign: a value that starts with [ must be in quotes, or YAML reads the [ as the start of a list: subject: '[Acme] {{.name}}''s news'  # monthly`},
		{minimalCampaign + "smtp:\n  host: {relay} x\n", `must be in quotes, or YAML reads the { as the start of a mapping: host: '{relay} x'`},
		{minimalCampaign + "attachments: [a.pdf] b.pdf\n", `value is not allowed in this context`},
	} {
		_, err := Load(writeCampaign(t, tt.yaml))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %s", tt.yaml, err, tt.want)
		}
	}
}
