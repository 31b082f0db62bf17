package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestKeyUnicodeForms: a key is the same key whichever Unicode form the
// sheet writes it in: keys a Mac saved decomposed (NFD) and keys typed in
// full width, sent, then the sheet saved again composed (NFC, as Excel on
// Windows writes it) and in half width, send no one a second copy, and
// check lists no key as changed.
func TestKeyUnicodeForms(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	rows := []struct{ no, email string }{
		{"Zürich-1", "a@example.com"}, {"Société-2", "b@example.com"},
		{"ＩＮＶ-３", "c@example.com"}, {"Genève-4", "d@example.com"},
	}
	sheet := func(form func(string) string) string {
		var b strings.Builder
		b.WriteString("no,email\n")
		for _, r := range rows {
			fmt.Fprintf(&b, "%s,%s\n", form(r.no), r.email)
		}
		return b.String()
	}
	camp := filepath.Join(dir, "c.yaml")
	writeFiles(t, dir, map[string]string{
		"c.yaml": fmt.Sprintf(`name: t
from: "Sender <sender@example.com>"
to: '{{.email}}'
subject: "Invoice {{.no}}"
text: body.txt
recipients: {path: r.csv, key: no}
smtp: {host: 127.0.0.1, port: %d, security: none}
send: {concurrency: 2, retry_backoff: 1ms}
`, srv.Port),
		"body.txt": "Invoice {{.no}}\n",
		"r.csv":    sheet(norm.NFD.String),
	})
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "3", camp); code != exitSomeFailed || len(srv.Messages()) != 3 {
		t.Fatalf("first send: code %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
	writeFiles(t, dir, map[string]string{"r.csv": sheet(func(s string) string { return norm.NFKC.String(s) })})
	out, errOut, code := runCLI(t, "check", camp)
	if code != exitOK || strings.Contains(out+errOut, "sent as") {
		t.Errorf("check after the sheet was saved composed: code %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || !strings.Contains(out, "4 rows; 3 sent before, 1 to send now") {
		t.Errorf("second send: code %d\n%s%s", code, out, errOut)
	}
	for _, r := range rows {
		if n := srv.Received(r.email); n != 1 {
			t.Errorf("%s (%s) received %d messages", r.email, r.no, n)
		}
	}
}

// TestKeyUnseenCharacters: a member number pasted with a zero-width space,
// and a Hebrew key with a right-to-left mark after it, are the keys they
// look like: the row repeating "1042" with the space is a duplicate (Mette
// gets one message, not two), a sheet saved again without them sends no
// one a second copy, and show finds each message by the key as typed.
func TestKeyUnseenCharacters(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 0, "")
	keyByID(t, camp)
	dir := filepath.Dir(camp)
	const hebrew = "\u05d3\u05d5\u05d3-7"
	writeFiles(t, dir, map[string]string{"r.csv": "id,email,name\n1042,m@example.org,Mette\n1042\u200b,m@example.org,Mette\n" + hebrew + "\u200f,d@example.org,David\n"})
	if out, errOut, code := runCLI(t, "check", camp); code != exitOK || !strings.Contains(out, "row 3 (duplicate of row 2)") {
		t.Errorf("check: code %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Errorf("send: code %d\n%s%s", code, out, errOut)
	}
	if m, d := srv.Received("m@example.org"), srv.Received("d@example.org"); m != 1 || d != 1 {
		t.Errorf("Mette received %d messages, David %d; want one each", m, d)
	}
	for _, key := range []string{"1042", hebrew} {
		if out, errOut, code := runCLI(t, "show", camp, key); code != exitOK || !strings.Contains(out, "Hello ") {
			t.Errorf("show %q: code %d\n%s%s", key, code, out, errOut)
		}
	}
	writeFiles(t, dir, map[string]string{"r.csv": "id,email,name\n1042,m@example.org,Mette\n" + hebrew + ",d@example.org,David\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || len(srv.Messages()) != 2 {
		t.Errorf("send of the sheet saved again: code %d, %d messages in all\n%s%s", code, len(srv.Messages()), out, errOut)
	}
}
