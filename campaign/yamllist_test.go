package campaign

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestListWrittenAsOneValue: attachments: written with one path where the
// setting takes a list is told at its line, naming the setting and how to
// write it as a list, not in the YAML decoder's words alone.
func TestListWrittenAsOneValue(t *testing.T) {
	for _, tt := range []struct{ line, want string }{
		{`attachments: "invoices/{{.no}}.pdf"`, `attachments: takes a list, even of one item: write attachments: ["invoices/{{.no}}.pdf"], or each item on a line of its own below it, starting with "- "`},
		{`attachments: invoices/x.pdf`, `write attachments: [invoices/x.pdf]`},
		{`attachments: Invoices\{{.no}}.pdf`, `write attachments: ['Invoices\{{.no}}.pdf']`},
	} {
		_, err := Load(writeCampaign(t, minimalCampaign+tt.line+"\n"))
		var fe *FileError
		if !errors.As(err, &fe) || fe.Line != 7 || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v (line %d), want line 7 saying %s", tt.line, err, lineOf(fe), tt.want)
		}
	}
}

func lineOf(fe *FileError) int {
	if fe == nil {
		return 0
	}
	return fe.Line
}

// TestListHintIsYAML: the list listHint tells to write, put in the
// campaign as told, is read as a list: Invoices\{{.no}}.pdf, as a Windows
// user writes it, was told as [Invoices\{{.no}}.pdf], whose { YAML reads
// as a mapping (',' or ']' must be specified).
func TestListHintIsYAML(t *testing.T) {
	for _, value := range []string{`Invoices\{{.no}}.pdf`, `invoices/{{.no}}.pdf`, `"invoices/{{.no}}.pdf"`, `invoices/x.pdf`, `it's {{.no}}.pdf`} {
		_, err := Load(writeCampaign(t, minimalCampaign+"attachments: "+value+"\n"))
		_, told, ok := strings.Cut(fmt.Sprint(err), "write attachments: ")
		told, _, _ = strings.Cut(told, ", or each item")
		if !ok {
			t.Fatalf("%s: got %v, want it told as a list", value, err)
		}
		_, err = Load(writeCampaign(t, minimalCampaign+"attachments: "+told+"\n"))
		var fe *FileError
		if errors.As(err, &fe) && fe.Line == 7 {
			t.Errorf("%s: told to write attachments: %s, which is refused: %v", value, told, err)
		}
	}
}

// TestListInBracketsWithTemplate: a list in brackets with {{ in an item
// in no quotes is told at its line how to write it in quotes, not in the
// YAML decoder's words alone (',' or ']' must be specified), and the
// line told is read as the list.
func TestListInBracketsWithTemplate(t *testing.T) {
	for _, tt := range []struct{ line, want string }{
		{`attachments: [invoices/{{.no}}.pdf]`, `an item with {{ inside [ ] must be in quotes, or YAML reads the { as the start of a mapping: attachments: ['invoices/{{.no}}.pdf']`},
		{`attachments: [{{.file}}]  # the invoice`, `attachments: ['{{.file}}']  # the invoice`},
		{`attachments: [terms.pdf, "a,b.pdf", {{printf "%s,%s" .a .b}}.pdf]`, `attachments: [terms.pdf, "a,b.pdf", '{{printf "%s,%s" .a .b}}.pdf']`},
		{`attachments: [Kunde's terms.pdf, {{.file}}]`, `attachments: [Kunde's terms.pdf, '{{.file}}']`},
	} {
		_, err := Load(writeCampaign(t, minimalCampaign+tt.line+"\n"))
		var fe *FileError
		if !errors.As(err, &fe) || fe.Line != 7 || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v (line %d), want line 7 saying %s", tt.line, err, lineOf(fe), tt.want)
			continue
		}
		_, told, _ := strings.Cut(err.Error(), "mapping: ")
		told, _, _ = strings.Cut(told, " (")
		_, err = Load(writeCampaign(t, minimalCampaign+told+"\n"))
		if errors.As(err, &fe) && fe.Line == 7 {
			t.Errorf("%s: told to write %s, which is refused: %v", tt.line, told, err)
		}
	}
}
