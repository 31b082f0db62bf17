package render

import (
	"bytes"
	"errors"
	"mime"
	"net/mail"
	"slices"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/templates"
)

// TestSubjectTab: a tab in a subject cell (pasted from a spreadsheet)
// refused the row, though RFC 5322 allows one in an unstructured header
// (last session's users). It goes as a space, with a warning naming the
// column, in a subject short or long, ASCII or not (folded, encoded),
// but for tabs at the cell's ends, told of once for the column as white
// space at its ends (Message.Padded), not in each row's warnings:
// no tab reaches the header section, no header comes of the cell, and a
// line break beside the tab still refuses the row.
func TestSubjectTab(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"subject": `"Order {{.v}}"`}), bodyFile, []string{"email", "v"})
	for v, want := range map[string]string{
		"12345\tshipped":    "Order 12345 shipped",
		"\t12345 shipped\t": "Order  12345 shipped",
		strings.Repeat("Bestellung\tversandt für Jürgen ", 6): "Order " + strings.TrimSpace(strings.Repeat("Bestellung versandt für Jürgen ", 6)),
	} {
		m, err := e.r.Render(row(2, "email", "k@example.com", "v", v))
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		head := m.Data[:bytes.Index(m.Data, []byte("\r\n\r\n"))]
		if bytes.ContainsRune(head, '\t') {
			t.Errorf("%q: a tab in the header section:\n%s", v, head)
		}
		if names := checkSection(t, m.Data); slices.Contains(names, "Bcc") {
			t.Errorf("%q: header fields %q", v, names)
		}
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		got, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if err != nil || got != want || m.Subject != want {
			t.Errorf("%q: subject %q (Message.Subject %q), %v; want %q", v, got, m.Subject, err, want)
		}
		w := `column "v" holds a tab, which the subject shows as a space`
		if within := strings.ContainsRune(strings.TrimSpace(v), '\t'); within != slices.Contains(m.Warnings, w) || within == (len(m.Padded) == 1) {
			t.Errorf("%q: warnings %q, padded %q: want %q of a tab within the text, a padded cell of one at its ends", v, m.Warnings, m.Padded, w)
		}
	}
	for _, v := range []string{"x\t\r\nBcc: evil@attacker.example", "x\tnul\x00"} {
		_, err := e.r.Render(row(3, "email", "k@example.com", "v", v))
		if re := rowErr(t, err); !errors.Is(err, campaign.ErrControlChar) || re.Column != "v" {
			t.Errorf("%q: got %v, want ErrControlChar in column v", v, err)
		}
	}
}

// TestSubjectTemplateTab: a tab written in the subject's own text in the
// campaign file (subject: "Hello\t{{.v}}") was refused as a control
// character, the campaign unusable, where a tab in a cell goes as a space
// with a warning (today's review). It goes as a space too, with one
// warning at the template's line; a tab in another header's text is still
// refused at its line.
func TestSubjectTemplateTab(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"subject": `"Hello\t{{.v}}\tand\tmore"`}), bodyFile, []string{"email", "v"})
	want := `campaign.yaml:4: templates: subject: "Hello\t" holds a tab, which the subject shows as a space`
	if w := e.set.Warnings(); len(w) != 1 || !strings.HasSuffix(w[0], want) {
		t.Errorf("warnings %q, want one ending %q", w, want)
	}
	m, err := e.r.Render(row(2, "email", "k@example.com", "v", "Ann"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Hello Ann and more" || bytes.ContainsRune(m.Data[:bytes.Index(m.Data, []byte("\r\n\r\n"))], '\t') {
		t.Errorf("subject %q, want %q and no tab in the header section", m.Subject, "Hello Ann and more")
	}
	_, err = trySetup(t, yamlWith(map[string]string{"from": `"Acme\t<news@acme.example>"`}), bodyFile, []string{"email"})
	if !errors.Is(err, templates.ErrLineBreak) || !strings.Contains(err.Error(), "campaign.yaml:2:") {
		t.Errorf("a tab in from's text: %v, want ErrLineBreak at line 2", err)
	}
}

// TestSubjectTabRun: several tabs in a row in a subject cell (empty
// spreadsheet cells pasted between two) became as many spaces, "Order
// 12345   shipped" (today's review); a run of tabs is one space, and a
// refused character past such a run is still shown where it is.
func TestSubjectTabRun(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"subject": `"Order {{.v}}"`}), bodyFile, []string{"email", "v"})
	m, err := e.r.Render(row(2, "email", "k@example.com", "v", "12345\t\t\tshipped\t\tnow"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "Order 12345 shipped now"; m.Subject != want {
		t.Errorf("subject %q, want %q", m.Subject, want)
	}
	long := strings.Repeat("x", 40) + strings.Repeat("\t", 40) + "b\x01" + strings.Repeat("c", 40)
	_, err = e.r.Render(row(3, "email", "k@example.com", "v", long))
	if !errors.Is(err, campaign.ErrControlChar) || !strings.Contains(err.Error(), `\tb\x01c`) {
		t.Errorf("got %v, want ErrControlChar showing the value around the \\x01", err)
	}
}
