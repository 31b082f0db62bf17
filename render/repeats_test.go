package render

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestRecipientRepeats: a mailbox a row gives twice, in one cell or in
// To and in Cc or Bcc, spelt the same, in another letter case or in
// another Unicode normalization form, is one RCPT TO and named once in
// the headers (the first as written), and the row has a warning naming
// the column the repeat came from and why the two are one; Notes tells
// the same. A compatibility form (ⓐ, ﬁ, ſ) makes another mailbox, which
// is kept.
func TestRecipientRepeats(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"cc": `"{{.cc}}"`, "bcc": `"{{.bcc}}"`}), bodyFile, []string{"email", "cc", "bcc"})
	for _, tt := range []struct {
		name, to, cc, bcc string
		rcpts             []string
		toHdr, ccHdr      string // "" for no Cc header
		warn              string
	}{
		{"case in one cell", "Anne@Uni.edu; anne@uni.edu", "", "",
			[]string{"Anne@uni.edu"}, "To: Anne@uni.edu\r\n", "",
			`column "email": to: holds Anne@uni.edu and anne@uni.edu, one mailbox (letter case makes no other): it gets one copy, and to: names it once`},
		{"same in one cell", "carl@x.example, carl@x.example", "", "",
			[]string{"carl@x.example"}, "To: carl@x.example\r\n", "",
			`column "email": to: holds carl@x.example twice: it gets one copy, and to: names it once`},
		{"to and cc in case", "bob@x.example", "Bob <BOB@X.example>", "",
			[]string{"bob@x.example"}, "To: bob@x.example\r\n", "",
			`column "cc": cc: holds BOB@x.example, which to: holds already as bob@x.example (column "email"), one mailbox (letter case makes no other): it gets one copy, and cc: leaves it out`},
		{"bcc of a cc", "dee@x.example", "eve@x.example; fay@x.example", "EVE@x.example",
			[]string{"dee@x.example", "eve@x.example", "fay@x.example"}, "To: dee@x.example\r\n", "Cc: eve@x.example, fay@x.example\r\n",
			`column "bcc": bcc: holds EVE@x.example, which cc: holds already as eve@x.example (column "cc"), one mailbox (letter case makes no other): it gets one copy, and bcc: leaves it out`},
		{"composed and decomposed", "zoe\u0308@x.example", "zo\u00eb@x.example", "",
			[]string{"zoe\u0308@x.example"}, "To: zoe\u0308@x.example\r\n", "",
			"column \"cc\": cc: holds zo\u00eb@x.example, which to: holds already as zoe\u0308@x.example (column \"email\"), one mailbox (the same letters, one written with a combining accent: Unicode NFC makes them one): it gets one copy, and cc: leaves it out"},
		// Compatibility forms (NFKC) are other mailboxes: none is left out.
		{"circled letter", "\u24d0nn@x.example", "ann@x.example", "",
			[]string{"\u24d0nn@x.example", "ann@x.example"}, "To: \u24d0nn@x.example\r\n", "Cc: ann@x.example\r\n", ""},
		{"ligature in one cell", "\ufb01ona@x.example; fiona@x.example", "", "",
			[]string{"\ufb01ona@x.example", "fiona@x.example"}, "To: \ufb01ona@x.example, fiona@x.example\r\n", "", ""},
		{"long s", "\u017fam@x.example", "", "SAM@x.example",
			[]string{"\u017fam@x.example", "SAM@x.example"}, "To: \u017fam@x.example\r\n", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := row(2, "email", tt.to, "cc", tt.cc, "bcc", tt.bcc)
			m, err := e.r.Render(r)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(m.Recipients, " ") != strings.Join(tt.rcpts, " ") {
				t.Errorf("Recipients %q, want %q", m.Recipients, tt.rcpts)
			}
			head, _, _ := bytes.Cut(m.Data, []byte("\r\n\r\n"))
			head = append(head, "\r\n"...)
			if !bytes.Contains(head, []byte(tt.toHdr)) {
				t.Errorf("want %q in\n%s", tt.toHdr, head)
			}
			if tt.ccHdr == "" && bytes.Contains(head, []byte("\r\nCc:")) || tt.ccHdr != "" && !bytes.Contains(head, []byte(tt.ccHdr)) {
				t.Errorf("want Cc %q in\n%s", tt.ccHdr, head)
			}
			if tt.warn == "" && len(m.Warnings) != 0 || tt.warn != "" && (len(m.Warnings) != 1 || m.Warnings[0] != tt.warn) {
				t.Errorf("warnings %q\nwant %q", m.Warnings, tt.warn)
			}
			n, err := e.r.Notes(r)
			if err != nil || strings.Join(n.Recipients, " ") != strings.Join(m.Recipients, " ") || strings.Join(n.Warnings, "\n") != strings.Join(m.Warnings, "\n") {
				t.Errorf("Notes: %v, %q %q; Render: %q %q", err, n.Recipients, n.Warnings, m.Recipients, m.Warnings)
			}
		})
	}
}

// TestRecipientRepeatsFixedField: a fixed cc: (no column), which every
// row shares, keeps its address for the rows whose To is not it.
func TestRecipientRepeatsFixedField(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"cc": `"Office <office@acme.example>"`}), bodyFile, []string{"email"})
	m, err := e.r.Render(row(2, "email", "OFFICE@acme.example"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(m.Recipients, " ") != "OFFICE@acme.example" || bytes.Contains(m.Data, []byte("\r\nCc:")) {
		t.Errorf("Recipients %q, message\n%s", m.Recipients, m.Data)
	}
	want := `cc: holds office@acme.example, which to: holds already as OFFICE@acme.example (column "email"), one mailbox (letter case makes no other): it gets one copy, and cc: leaves it out`
	if len(m.Warnings) != 1 || m.Warnings[0] != want {
		t.Errorf("warnings %q\nwant %q", m.Warnings, want)
	}
	m, err = e.r.Render(row(3, "email", "ann@x.example"))
	if err != nil || strings.Join(m.Recipients, " ") != "ann@x.example office@acme.example" || !bytes.Contains(m.Data, []byte("\r\nCc: Office <office@acme.example>\r\n")) {
		t.Errorf("%v: Recipients %q, message\n%s", err, m.Recipients, m.Data)
	}
}

// TestTestAddressRepeats: test addresses given twice, the same or in
// another letter case (--test "Me@Test.example, me@test.example"), are
// one RCPT TO and named once in To, with a warning for each.
func TestTestAddressRepeats(t *testing.T) {
	e := setup(t, yamlWith(nil), bodyFile, []string{"email"})
	to := "Me@Test.example, me@test.example; qa@test.example, qa@test.example"
	tr, err := New(e.c, e.set, Options{Now: func() time.Time { return fixedNow }, Boundary: fixedBoundary, Test: &TestSend{To: to, Run: "1"}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := tr.Render(row(2, "email", "ann@x.example"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(m.Recipients, " "); got != "Me@test.example qa@test.example" {
		t.Errorf("Recipients %q", got)
	}
	if !bytes.Contains(m.Data, []byte("\r\nTo: Me@test.example, qa@test.example\r\n")) {
		t.Errorf("To not the two test mailboxes once each:\n%s", m.Data)
	}
	want := []string{
		"Me@test.example and me@test.example are one mailbox (letter case makes no other): it gets one test message",
		"qa@test.example is given twice: it gets one test message",
	}
	if got := TestAddressWarnings(to); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings %q\nwant %q", got, want)
	}
}
