package campaign

import (
	"errors"
	"strings"
	"testing"
)

// TestDoubleQuotesEndInsideAction: a double-quoted value whose quotes
// end at a " inside {{ }} is a YAML error at its line that says to put
// the value in single quotes and shows the line so written, which loads;
// a line that may hold a password is not quoted back.
func TestDoubleQuotesEndInsideAction(t *testing.T) {
	base := strings.Replace(minimalCampaign, "subject: \"{{.name}}, your digest\"\n", "", 1)
	for _, c := range []struct{ line, fixed string }{
		{`subject: "Meeting on {{date "long" .d}}"`, `subject: 'Meeting on {{date "long" .d}}'`},
		{`subject: "It's {{date "long" .d}}"   # note`, `subject: 'It''s {{date "long" .d}}'   # note`},
		{"subject: Hi\n" + `headers: {X-A: "x {{printf "%s" .d}}", X-B: "y"}`, `headers: {X-A: 'x {{printf "%s" .d}}', X-B: "y"}`},
		{"subject: Hi\nattachments:\n  - \"a/{{printf \"%s\" .d}}.pdf\"", `- 'a/{{printf "%s" .d}}.pdf'`},
	} {
		yaml := base + c.line + "\n"
		_, err := Load(writeCampaign(t, yaml))
		var fe *FileError
		want := `put it in single quotes, where " needs no escape (a ' in it is written ''): ` + c.fixed
		if !errors.As(err, &fe) || fe.Line != strings.Count(yaml, "\n") || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "campaign: a value in double quotes ends at the first \" inside {{ }}") {
			t.Errorf("%s: Load = %v, want an error at its line with %q", c.line, err, want)
			continue
		}
		fixed := strings.Replace(yaml, strings.TrimSpace(c.line[strings.LastIndexByte(c.line, '\n')+1:]), c.fixed, 1)
		if _, err := Load(writeCampaign(t, fixed)); err != nil {
			t.Errorf("the line as the hint writes it does not load:\n%s\n%v", fixed, err)
		}
	}
	for _, secret := range []string{
		"smtp: {password: \"s{{x \"y\" }}\"}\n",
		"smtp:\n  password:\n    \"s{{x \"y\" }}\"\n", // the value on the line below its key
	} {
		_, err := Load(writeCampaign(t, base+secret))
		if err == nil || strings.Contains(err.Error(), "s{{x") {
			t.Errorf("a password quoted back: %v", err)
		}
	}
}

// TestTabIndentation: a line indented with a tab (Notepad's Tab key) is
// a YAML error at its line that says to indent with spaces.
func TestTabIndentation(t *testing.T) {
	for _, yaml := range []string{
		strings.Replace(minimalCampaign, "\n  path: ", "\n\tpath: ", 1),
		minimalCampaign + "send:\n  rate: 1/s\n\tconcurrency: 2\n",
	} {
		want := strings.Count(yaml[:strings.Index(yaml, "\n\t")+1], "\n") + 1 // the tab's line
		_, err := Load(writeCampaign(t, yaml))
		var fe *FileError
		if !errors.As(err, &fe) || fe.Line != want || !strings.Contains(err.Error(), "YAML indents with spaces only: replace each tab at the start of the line with spaces") {
			t.Errorf("Load = %v, want an error at line %d saying to indent with spaces\n%s", err, want, yaml)
		}
	}
}

// TestTypographicQuotesAroundValue: a header setting written in Word's
// typographic quotes (subject: “Your invoice”) is an error at its line
// that shows it in straight quotes, which loads; in YAML's own quotes the
// typographic ones are the value's, on purpose, and so are those of two
// quotations at the value's ends.
func TestTypographicQuotesAroundValue(t *testing.T) {
	base := strings.Replace(minimalCampaign, "subject: \"{{.name}}, your digest\"\n", "", 1)
	for _, c := range []struct{ line, fixed string }{
		{`subject: “Invoice {{.invoice}}”`, `subject: "Invoice {{.invoice}}"`},
		{`subject: „Ihre Rechnung {{.nr}}“`, `subject: "Ihre Rechnung {{.nr}}"`},
		{"subject: x\nreply_to: “Billing <billing@acme.example>”", `reply_to: "Billing <billing@acme.example>"`},
		{"subject: x\nto: ‘{{address .name .email}}’", `to: "{{address .name .email}}"`},
		{`subject: “Due {{date "long" .d}}”`, `subject: 'Due {{date "long" .d}}'`},
		{`subject: ‘Don’t miss it’`, `subject: "Don’t miss it"`},
	} {
		yaml := base + c.line + "\n"
		_, err := Load(writeCampaign(t, yaml))
		var fe *FileError
		want := "write straight quotes: " + c.fixed
		if !errors.As(err, &fe) || fe.Line != strings.Count(yaml, "\n") || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: Load = %v, want an error at line %d with %q", c.line, err, strings.Count(yaml, "\n"), want)
			continue
		}
		fixed := strings.Replace(yaml, c.line[strings.LastIndexByte(c.line, '\n')+1:], c.fixed, 1)
		if _, err := Load(writeCampaign(t, fixed)); err != nil {
			t.Errorf("the line as the error writes it does not load:\n%s\n%v", fixed, err)
		}
	}
	for _, line := range []string{`subject: '“Sale” today'`, `subject: "“Sale”"`, `subject: Our “Sale” today`,
		`subject: “Moby Dick” and “Ulysses”`, `subject: „Faust“ und „Hamlet“`, `subject: ”Kalle” och ”Lisa”`} {
		if _, err := Load(writeCampaign(t, base+line+"\n")); err != nil {
			t.Errorf("%s: %v, want it loaded as written", line, err)
		}
	}
}

// TestUnknownEscape: a Windows path in double quotes ("invoices\{{.nr}}.pdf":
// \{ is no YAML escape) is an error at its line saying a \ starts an
// escape there, with the line written with /, which loads.
func TestUnknownEscape(t *testing.T) {
	base := strings.Replace(minimalCampaign, "subject: \"{{.name}}, your digest\"\n", "subject: Hi\n", 1)
	for _, c := range []struct{ line, fixed string }{
		{`attachments: ["invoices\{{.nr}}.pdf"]`, `attachments: ["invoices/{{.nr}}.pdf"]`},
		{"attachments:\n  - \"Rechnungen\\2024\\{{.nr}}.pdf\"", `- "Rechnungen/2024/{{.nr}}.pdf"`},
	} {
		yaml := base + c.line + "\n"
		_, err := Load(writeCampaign(t, yaml))
		var fe *FileError
		want := `campaign: in double quotes a \ starts an escape (\n is a line break): a path is written with / between folders, and a \ to keep goes in single quotes ('a\b'): ` + c.fixed
		if !errors.As(err, &fe) || fe.Line != strings.Count(yaml, "\n") || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: Load = %v\nwant an error at line %d with\n%s", c.line, err, strings.Count(yaml, "\n"), want)
			continue
		}
		fixed := strings.Replace(yaml, c.line[strings.LastIndexByte(c.line, '\n')+1:], c.fixed, 1)
		if _, err := Load(writeCampaign(t, fixed)); err != nil {
			t.Errorf("the line as the error writes it does not load:\n%s\n%v", fixed, err)
		}
	}
}

// TestUnquotedTemplateValue: a value that starts with {{ in no quotes
// (subject: {{.name}}, your news, as a mailmerge template header writes
// it), which YAML reads as a mapping, is an error at its line that says to
// quote it and shows the line so written, which loads; it said only
// "could not find flow map content" (rev-user6). A line that may hold a
// password is not quoted back.
func TestUnquotedTemplateValue(t *testing.T) {
	base := strings.Replace(minimalCampaign, "subject: \"{{.name}}, your digest\"\n", "", 1)
	for _, c := range []struct{ line, fixed string }{
		{`subject: {{.name}}`, `subject: '{{.name}}'`},
		{`subject: {{.name}}, it's your news   # the greeting`, `subject: '{{.name}}, it''s your news'  # the greeting`},
		{"subject: Hi\nattachments:\n  - {{.name}}.pdf", `- '{{.name}}.pdf'`},
	} {
		yaml := base + c.line + "\n"
		_, err := Load(writeCampaign(t, yaml))
		var fe *FileError
		want := "campaign: a value that starts with {{ must be in quotes, or YAML reads the { as the start of a mapping: " + c.fixed
		if !errors.As(err, &fe) || fe.Line != strings.Count(yaml, "\n") || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: Load = %v, want an error at its line with %q", c.line, err, want)
			continue
		}
		fixed := strings.Replace(yaml, strings.TrimSpace(c.line[strings.LastIndexByte(c.line, '\n')+1:]), c.fixed, 1)
		if _, err := Load(writeCampaign(t, fixed)); err != nil {
			t.Errorf("the line as the hint writes it does not load:\n%s\n%v", fixed, err)
		}
	}
	_, err := Load(writeCampaign(t, base+"subject: Hi\nsmtp: {host: x.example}\nmailbox:\n  password: {{s3cret}}\n"))
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("a password quoted back: %v", err)
	}
}
