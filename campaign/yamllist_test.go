package campaign

import (
	"errors"
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
