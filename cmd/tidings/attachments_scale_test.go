package main

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// invoiceCampaign writes a campaign of n rows keyed by id, each with an
// attachment of its own (files/INV-i.pdf, of the same size), dated an
// hour ago (older than the racy window, so that their size and time are
// what a reuse trusts), and returns the campaign file and the files.
func invoiceCampaign(t *testing.T, srv *smtptest.Server, n int) (camp string, files []string) {
	t.Helper()
	camp = sendCampaign(t, srv, 0, "attachments: ['files/INV-{{.id}}.pdf']\n")
	keyByID(t, camp)
	dir := filepath.Dir(camp)
	sheet := "email,name,id\n"
	contents := map[string]string{}
	for i := 1; i <= n; i++ {
		sheet += fmt.Sprintf("u%d@example.com,User %d,%d\n", i, i, i)
		contents[fmt.Sprintf("files/INV-%d.pdf", i)] = fmt.Sprintf("%%PDF-invoice-%03d", i)
		files = append(files, filepath.Join(dir, "files", fmt.Sprintf("INV-%d.pdf", i)))
	}
	contents["r.csv"] = sheet
	writeFiles(t, dir, contents)
	old := time.Now().Add(-time.Hour)
	for _, f := range files {
		if err := os.Chtimes(f, old, old); err != nil {
			t.Fatal(err)
		}
	}
	return camp, files
}

// TestOneAttachmentChangedIsNoticed: after a send of some of the rows, one
// row's attachment is rewritten with other content of the same size: the
// next send does not reuse the spool (its size and time no longer match,
// and its content differs) and sends that row's file as it is now.
func TestOneAttachmentChangedIsNoticed(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp, files := invoiceCampaign(t, srv, 6)
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "2", camp); code != exitSomeFailed || !strings.Contains(out, "generation 1, written by this run") {
		t.Fatalf("first send: code %d\n%s%s", code, out, errOut)
	}
	changed := "%PDF-invoice-XYZ" // the same size as "%PDF-invoice-005"
	if err := os.WriteFile(files[4], []byte(changed), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitOK || !strings.Contains(out, "generation 2, written by this run") {
		t.Fatalf("send after one attachment changed: code %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "the folder holds") {
		t.Errorf("the summary does not say what the folder holds in all:\n%s", out)
	}
	msg := strings.ReplaceAll(string(serverCopy(t, srv, "u5@example.com")), "\r\n", "")
	if !strings.Contains(msg, base64.StdEncoding.EncodeToString([]byte(changed))) {
		t.Errorf("u5's message does not carry the attachment as it is now")
	}
}

// TestShowReadsOnlyItsRowsAttachments: show of one key looks at that row's
// attachment and no other's: with every other row's file removed, it
// prints a sent key's message as the campaign's current one (not "when
// sent"), and a key not sent yet its spooled message; with the key's own
// file changed, it says the message is not spooled as the campaign is now.
func TestShowReadsOnlyItsRowsAttachments(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp, files := invoiceCampaign(t, srv, 6)
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "2", camp); code != exitSomeFailed {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	for _, show := range []struct {
		key  string
		keep int
	}{{"1", 0}, {"5", 4}} {
		for i, f := range files {
			if i != show.keep {
				os.Remove(f)
			}
		}
		// Put back as it was (a file removed for the other key).
		writeFiles(t, filepath.Dir(camp), map[string]string{fmt.Sprintf("files/INV-%d.pdf", show.keep+1): fmt.Sprintf("%%PDF-invoice-%03d", show.keep+1)})
		out, errOut, code := runCLI(t, "show", camp, show.key)
		if code != exitOK || !strings.Contains(out, "Subject: Hello User "+show.key) || strings.Contains(errOut, "when sent") {
			t.Errorf("show %s with the other rows' files gone: code %d\n%s%s", show.key, code, errOut, out)
		}
	}
	if err := os.WriteFile(files[4], []byte("%PDF-invoice-XYZ"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runCLI(t, "show", camp, "5"); code == exitOK || !strings.Contains(errOut, "not spooled") && !strings.Contains(errOut, "no message spooled") {
		t.Errorf("show 5 after its file changed: code %d\n%s", code, errOut)
	}
}
