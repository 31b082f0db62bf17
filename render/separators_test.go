package render

import (
	"errors"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// TestSeparatorsOnlyCell: a To cell holding only separators (";", " ; ,"),
// which make no address, is a problem naming the row, the column, what
// it holds and what to write; so is such a To beside a Cc.
func TestSeparatorsOnlyCell(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"cc": `"{{.cc}}"`}), bodyFile, []string{"email", "cc"})
	for _, tt := range []struct {
		to, cc string
		is     error
		want   string
	}{
		{";", "", ErrNoRecipient, `people.csv: row 7, column "email": render: no recipient: to, cc and bcc are all empty: the cell holds ";", only separators and no address between them (write the address in their place, or take the row out)`},
		{" ; ,", "", ErrNoRecipient, `people.csv: row 7, column "email": render: no recipient: to, cc and bcc are all empty: the cell holds "; ,", only separators and no address between them (write the address in their place, or take the row out)`},
		{" ;\u3000", "", ErrNoRecipient, `people.csv: row 7, column "email": render: no recipient: to, cc and bcc are all empty: the cell holds ";", only separators and no address between them (write the address in their place, or take the row out)`},
		{"\u00a0,", "boss@x.example", ErrEmptyTo, `people.csv: row 7, column "email": render: to is empty, so the message would go to its Cc alone: the cell holds ",", only separators and no address between them (write the address in their place, or take the row out)`},
		{",", "boss@x.example", ErrEmptyTo, `people.csv: row 7, column "email": render: to is empty, so the message would go to its Cc alone: the cell holds ",", only separators and no address between them (write the address in their place, or take the row out)`},
	} {
		_, err := e.r.Render(row(7, "email", tt.to, "cc", tt.cc))
		if !errors.Is(err, tt.is) || err == nil || !strings.HasSuffix(err.Error(), "/"+tt.want) {
			t.Errorf("to %q, cc %q: got\n%v\nwant\n%s", tt.to, tt.cc, err, tt.want)
		}
	}
	// A cc: cell of separators alone is no Cc, as a blank one is.
	if m, err := e.r.Render(row(8, "email", "a@x.example", "cc", " ; ")); err != nil || len(m.Recipients) != 1 {
		t.Errorf("cc of separators: %v, %v", err, m)
	}
}

// TestAddressLinesInCell: addresses on lines of their own in one cell
// (Alt+Enter in Excel) are refused, naming the column, with the advice to
// write ; in place of the line breaks, not to take them out, which would
// run two addresses into one; a line break inside one address keeps the
// advice to take it out.
func TestAddressLinesInCell(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"cc": `"{{.cc}}"`}), bodyFile, []string{"email", "cc"})
	for _, tt := range []struct{ to, cc, want string }{
		{"q@x.example\nr@x.example", "", `people.csv: row 7, column "email": render: to: control character (CR, LF or other) in a value that reaches a header: "q@x.example\nr@x.example" holds addresses on lines of their own (a header is one line: write ; between the addresses in place of each line break)`},
		{"a@x.example", "Boss <b@x.example>;\r\nc@x.example", `people.csv: row 7, column "cc": render: cc: control character (CR, LF or other) in a value that reaches a header: "Boss <b@x.example>;\r\nc@x.example" holds addresses on lines of their own (a header is one line: write ; between the addresses in place of each line break)`},
		{"Anne\nLee <a@x.example>", "", `take the line break or the character out of the cell)`},
		{"ann@x.\nexample", "", `take the line break or the character out of the cell)`},
	} {
		_, err := e.r.Render(row(7, "email", tt.to, "cc", tt.cc))
		if !errors.Is(err, campaign.ErrControlChar) || !strings.HasSuffix(err.Error(), tt.want) && !strings.HasSuffix(err.Error(), "/"+tt.want) {
			t.Errorf("to %q, cc %q: got\n%v\nwant\n%s", tt.to, tt.cc, err, tt.want)
		}
	}
}

// TestAddressTrailingSeparator: an email cell with a separator after the
// address ("ann@x.example;", as Outlook copies one, or beside an
// ideographic space, as a CJK input method types it) makes one address
// with the address function, as it does written alone in to:.
func TestAddressTrailingSeparator(t *testing.T) {
	for _, to := range []string{`"{{.email}}"`, `"{{address .name .email}}"`} {
		e := setup(t, yamlWith(map[string]string{"to": to}), bodyFile, []string{"email", "name"})
		for _, v := range []string{"ann@x.example;", " ann@x.example , ", "; ann@x.example", "ann@x.example\u3000;"} {
			m, err := e.r.Render(row(2, "email", v, "name", "Ann"))
			if err != nil || strings.Join(m.Recipients, " ") != "ann@x.example" {
				t.Errorf("to %s, email %q: %v", to, v, err)
			}
		}
	}
}

// TestAddressFunctionSeparatorsOnly: {{address .name .email}} of an email
// cell holding only separators, or addresses on lines of their own, is a
// problem naming the column and saying so.
func TestAddressFunctionSeparatorsOnly(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"to": `"{{address .name .email}}"`}), bodyFile, []string{"email", "name"})
	for _, tt := range []struct{ email, want string }{
		{" ; ", `: address: ";": only separators (, or ;) and no address: write the address in the cell, or take the row out`},
		{";\u3000;", `: address: ";\u3000;": only separators (, or ;) and no address: write the address in the cell, or take the row out`},
		{"a@x.example\nb@x.example", `: address: "a@x.example\nb@x.example": more than one address: address takes one email`},
	} {
		_, err := e.r.Render(row(4, "email", tt.email, "name", "Ann"))
		if re := rowErr(t, err); re.Column != "email" || !strings.HasSuffix(err.Error(), tt.want) {
			t.Errorf("email %q: got\n%v\nwant column email and …%s", tt.email, err, tt.want)
		}
	}
}
