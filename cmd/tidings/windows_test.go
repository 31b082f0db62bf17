package main

import (
	"bytes"
	"mime"
	"net/mail"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestWindowsSavedCampaignSends sends a campaign prepared on Windows and
// copied to this machine: the campaign file and the template saved by
// Notepad (a UTF-8 byte order mark, CRLF line ends), the sheet by a
// German Excel (windows-1252, semicolons, a space after each header, a
// last line of semicolons only), the attachment named by a Mac
// (decomposed ü) while the sheet composes it. At the server: no byte
// order mark and no CR CR LF in the body, the subject and the From's
// name decode to the text written, the attachment is named with RFC
// 2231; check warns of the spaced headers in one line.
func TestWindowsSavedCampaignSends(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	crlf := func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }
	yaml := "\uFEFF" + crlf(campaignYAML(srv.Port,
		`from: "Müller Buchhaltung <billing@example.com>"`,
		`subject: "Rechnung {{.invoice}} für {{.name}}"`,
		`attachments: ["{{.file}}"]`,
		`recipients: {path: kunden.csv, encoding: windows-1252}`,
		`unsubscribe: {transactional: true}`))
	sheet, err := charmap.Windows1252.NewEncoder().String(crlf("email ;name ;invoice ;amount ;file \n" +
		"anna@example.com;Anna Müller;INV-7;12,50;Rechnungen/Rechnung Müller.pdf\n;;;;\n"))
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{
		"c.yaml":                               yaml,
		"body.txt":                             "\uFEFF" + crlf("Hallo {{.name}},\n\nanbei Rechnung {{.invoice}} über {{.amount}} €.\n"),
		"kunden.csv":                           sheet,
		"Rechnungen/Rechnung Mu\u0308ller.pdf": "%PDF-1.4 INV-7\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	out, errOut, code := runCLI(t, "check", camp)
	if code != 0 {
		t.Fatalf("check: code %d\n%s%s", code, out, errOut)
	}
	if n := strings.Count(out+errOut, "white space around"); n != 1 || !strings.Contains(out+errOut, "and 1 more") {
		t.Errorf("check warns of the spaced headers in %d lines, want one naming them:\n%s%s", n, out, errOut)
	}
	if out, errOut, code = runCLI(t, "send", "--yes", camp); code != 0 {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server received %d messages, want 1 (the line of semicolons is no recipient)", len(msgs))
	}
	data := msgs[0].Data
	for _, bad := range []string{"\uFEFF", "\r\r\n", "\xef\xbb\xbf"} {
		if bytes.Contains(data, []byte(bad)) {
			t.Errorf("the message holds %+q:\n%s", bad, data)
		}
	}
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	if subject, err := dec.DecodeHeader(m.Header.Get("Subject")); err != nil || subject != "Rechnung INV-7 für Anna Müller" {
		t.Errorf("Subject decodes to %q (%v)", subject, err)
	}
	if from, err := m.Header.AddressList("From"); err != nil || len(from) != 1 || from[0].Name != "Müller Buchhaltung" {
		t.Errorf("From %q: %v", m.Header.Get("From"), err)
	}
	if want := "filename*=utf-8''Rechnung%20M%C3%BCller.pdf"; !bytes.Contains(data, []byte(want)) {
		t.Errorf("the attachment is not named %s:\n%s", want, data)
	}
}
