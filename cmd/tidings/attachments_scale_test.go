package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

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
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp, files := invoiceCampaign(t, srv, 6)
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "2", camp); code != exitSomeFailed || !sentFrom(t, camp, out, "made by this run", 1) {
		t.Fatalf("first send: code %d\n%s%s", code, out, errOut)
	}
	changed := "%PDF-invoice-XYZ" // the same size as "%PDF-invoice-005"
	if err := os.WriteFile(files[4], []byte(changed), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitOK || !sentFrom(t, camp, out, "made by this run", 2) {
		t.Fatalf("send after one attachment changed: code %d\n%s%s", code, out, errOut)
	}
	if !regexp.MustCompile(`; [\d.]+ KB with those of earlier runs\)`).MatchString(out) {
		t.Errorf("the summary does not say what the copies of every run take in all:\n%s", out)
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
	t.Parallel()
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

// relink points the symlink link at target (a name beside it), dated as
// the other files.
func relink(t *testing.T, link, target string) {
	t.Helper()
	os.Remove(link)
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// TestSymlinkedAttachmentRepointed: a row's attachment is a link; pointed
// at another file between runs (the sheet and both files as they were),
// the next send notices it and sends the file the link names now.
func TestSymlinkedAttachmentRepointed(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp, files := invoiceCampaign(t, srv, 4)
	dir := filepath.Dir(camp)
	writeFiles(t, dir, map[string]string{"files/v1.pdf": "%PDF-version-one", "files/v2.pdf": "%PDF-version-TWO"})
	old := time.Now().Add(-time.Hour)
	for i, f := range []string{"v1.pdf", "v2.pdf"} {
		at := old.Add(time.Duration(i) * time.Minute)
		if err := os.Chtimes(filepath.Join(dir, "files", f), at, at); err != nil {
			t.Fatal(err)
		}
	}
	relink(t, files[2], "v1.pdf")
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "1", camp); code != exitSomeFailed {
		t.Fatalf("first send: %d\n%s%s", code, out, errOut)
	}
	relink(t, files[2], "v2.pdf")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("second send: %d\n%s%s", code, out, errOut)
	}
	msg := strings.ReplaceAll(string(serverCopy(t, srv, "u3@example.com")), "\r\n", "")
	if !strings.Contains(msg, base64.StdEncoding.EncodeToString([]byte("%PDF-version-TWO"))) {
		t.Errorf("u3 did not get the file the link names now (v2.pdf):\n%s", msg)
	}
}

// TestAttachmentLinkPutRight: a row refused because its attachment links
// out of the campaign's folder goes once the link is put right: the
// spool made with the refusal is not reused.
func TestAttachmentLinkPutRight(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp, files := invoiceCampaign(t, srv, 3)
	dir := filepath.Dir(camp)
	outside := filepath.Join(filepath.Dir(dir), "outside.pdf")
	if err := os.WriteFile(outside, []byte("%PDF-outside-xxx"), 0o644); err != nil {
		t.Fatal(err)
	}
	relink(t, files[1], outside)
	if out, errOut, code := runCLI(t, "send", "--yes", "--skip-invalid", camp); code != exitSomeFailed || !strings.Contains(out, "outside") {
		t.Fatalf("first send: %d, want the row refused for its link\n%s%s", code, out, errOut)
	}
	writeFiles(t, dir, map[string]string{"files/fixed.pdf": "%PDF-fixed-yyyyy"})
	relink(t, files[1], "fixed.pdf")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || srv.Received("u2@example.com") != 1 {
		t.Errorf("send after the link was put right: code %d, u2 got %d messages\n%s%s", code, srv.Received("u2@example.com"), out, errOut)
	}
}

// TestAttachmentRecordsDamagedShow: the attachment records of a
// generation messages went out from, damaged, take nothing of what went:
// show prints the message; the next send renders again.
func TestAttachmentRecordsDamagedShow(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp, _ := invoiceCampaign(t, srv, 3)
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "2", camp); code != exitSomeFailed {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	atts := spoolFile(camp, ".atts")
	fi, err := os.Stat(atts)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(atts, fi.Size()-1); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := runCLI(t, "show", camp, "2"); code != exitOK || out != string(serverCopy(t, srv, "u2@example.com")) {
		t.Errorf("show of a sent message: code %d\n%s", code, errOut)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || !strings.Contains(out, "(made by this run") || srv.Received("u3@example.com") != 1 {
		t.Errorf("send: code %d\n%s%s", code, out, errOut)
	}
}

// rewriteAttachmentRecords replaces old by new (of the same length) in the
// attachment records of the campaign at camp, compressed again as they
// were, so that they decode: damage only their digest tells.
func rewriteAttachmentRecords(t *testing.T, camp, old, new string) string {
	t.Helper()
	path := spoolFile(camp, ".atts")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec, _ := zstd.NewReader(nil)
	defer dec.Close()
	raw, err := dec.DecodeAll(data, nil)
	if err != nil || !bytes.Contains(raw, []byte(old)) {
		t.Fatalf("records %q, %v", raw, err)
	}
	enc, _ := zstd.NewWriter(nil)
	defer enc.Close()
	if err := os.WriteFile(path, enc.EncodeAll(bytes.Replace(raw, []byte(old), []byte(new), 1), nil), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSendTellsDamagedAttachmentRecords: the attachment records of the
// generation a send would reuse, damaged since (a record changed that
// still decodes, or the file cut short), are told, not taken for files
// that changed: report warns, naming their file; send warns so, marks
// the generation damaged and renders the rows again, and no recipient is
// sent a second copy.
func TestSendTellsDamagedAttachmentRecords(t *testing.T) {
	t.Parallel()
	for name, damage := range map[string]func(t *testing.T, camp string) string{
		"rewritten": func(t *testing.T, camp string) string {
			return rewriteAttachmentRecords(t, camp, "INV-1.pdf", "INV-9.pdf")
		},
		"truncated": func(t *testing.T, camp string) string {
			path := spoolFile(camp, ".atts")
			fi, err := os.Stat(path)
			if err != nil || os.Truncate(path, fi.Size()/2) != nil {
				t.Fatal(err)
			}
			return path
		},
	} {
		t.Run(name, func(t *testing.T) {
			srv := smtptest.NewServer(t)
			camp, _ := invoiceCampaign(t, srv, 4)
			if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "2", camp); code != exitSomeFailed {
				t.Fatalf("send: code %d\n%s%s", code, out, errOut)
			}
			path := damage(t, camp)
			if _, errOut, _ := runCLI(t, "report", camp); !strings.Contains(errOut, "warning: the rows are judged anew") || !strings.Contains(errOut, "spool: damaged") || !strings.Contains(errOut, path) {
				t.Errorf("report:\n%s", errOut)
			}
			out, errOut, code := runCLI(t, "send", "--yes", camp)
			if code != exitOK || !strings.Contains(errOut, "warning: spool: damaged") || !strings.Contains(errOut, path) ||
				!strings.Contains(errOut, "the messages were rendered again") || !sentFrom(t, camp, out, "made by this run", 2) {
				t.Errorf("send: code %d\n%s%s", code, out, errOut)
			}
			for i := 1; i <= 4; i++ {
				if n := srv.Received(fmt.Sprintf("u%d@example.com", i)); n != 1 {
					t.Errorf("u%d got %d messages", i, n)
				}
			}
			if _, err := os.Stat(spoolFile(camp, ".damaged")); err != nil {
				t.Errorf("generation 1 not marked damaged: %v", err)
			}
		})
	}
}

// TestShowTellsDamagedAttachmentRecords: a record of the attachment
// records changed since they were written (row 2's, before the row
// shown), which still decodes, is told as damage, naming the file, not
// taken as the records of the spool: show does not print the spooled
// message as the one the next send sends, since that send renders it
// again.
func TestShowTellsDamagedAttachmentRecords(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp, _ := invoiceCampaign(t, srv, 6)
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "2", camp); code != exitSomeFailed {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	path := rewriteAttachmentRecords(t, camp, "INV-1.pdf", "INV-9.pdf")
	out, errOut, code := runCLI(t, "show", camp, "5")
	if code != exitSomeFailed || !strings.Contains(errOut, "warning: spool: damaged") || !strings.Contains(errOut, path) {
		t.Errorf("show 5 with row 2's attachment record damaged: code %d\n%s%s", code, errOut, out)
	}
}

// TestShowLooksAtARowsFilesOnce: show --row of a row whose message went
// out asks several things of the row (its key, whether the message is
// the campaign's current one, what changed since), and looks at its
// attachments (hashing them, and reading the records) once for all.
func TestShowLooksAtARowsFilesOnce(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp, _ := invoiceCampaign(t, srv, 4)
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "2", camp); code != exitSomeFailed {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: t.Context()}
	current := &currentSpool{ctx: t.Context(), path: camp}
	if err := showFrom(t.Context(), showOptions{row: 2}, g, camp, "", current); err != nil || !strings.Contains(errOut.String(), "row 2, key \"1\": sent") {
		t.Fatalf("show --row 2: %v\n%s", err, errOut.String())
	}
	if current.scans != 1 {
		t.Errorf("show --row 2 looked at the row's attachments %d times, not once", current.scans)
	}
}

// TestShowFallsBackToAnOlderGeneration: a row's attachment changed and
// spooled so (generation 2), then put back: show prints the message of the
// older generation made from the campaign as it is now (generation 1),
// saying that the next send renders it again (it sends from the newest
// generation only).
func TestShowFallsBackToAnOlderGeneration(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp, files := invoiceCampaign(t, srv, 4)
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "1", camp); code != exitSomeFailed {
		t.Fatalf("first send: code %d\n%s%s", code, out, errOut)
	}
	if err := os.WriteFile(files[3], []byte("%PDF-invoice-XYZ"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "1", camp); code != exitSomeFailed || !sentFrom(t, camp, out, "made by this run", 2) {
		t.Fatalf("second send: code %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{"files/INV-4.pdf": "%PDF-invoice-004"})
	out, errOut, code := runCLI(t, "show", camp, "4")
	if code != exitOK || !strings.Contains(out, base64.StdEncoding.EncodeToString([]byte("%PDF-invoice-004"))) ||
		!strings.Contains(errOut, "(generation 1)") || !strings.Contains(errOut, "so the next send renders this message again") {
		t.Errorf("show 4 with its file put back: code %d\n%s", code, errOut)
	}
}

// TestShowAfterEditSendRevert: the sheet edited, a send (generation 2),
// the sheet put back as it was: show of a row not sent yet prints the
// message of generation 1, made from the campaign as it is again, and
// says that the next send renders it again, as it sends from the newest
// generation only.
func TestShowAfterEditSendRevert(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	sheet := filepath.Join(filepath.Dir(camp), "r.csv")
	was, err := os.ReadFile(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "1", camp); code != exitSomeFailed {
		t.Fatalf("first send: code %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": strings.Replace(string(was), "User 2", "User Two", 1)})
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "1", camp); code != exitSomeFailed || !sentFrom(t, camp, out, "made by this run", 2) {
		t.Fatalf("second send: code %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": string(was)})
	out, errOut, code := runCLI(t, "show", camp, "user002@example.com")
	if code != exitOK || !strings.Contains(out, "Subject: Hello User 2\r\n") || !strings.Contains(errOut, "(generation 1)") ||
		!strings.Contains(errOut, "so the next send renders this message again") {
		t.Errorf("show after edit, send, revert: code %d\n%s", code, errOut)
	}
}
