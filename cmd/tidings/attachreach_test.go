package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
	xunicode "golang.org/x/text/encoding/unicode"
)

// rowRefused runs check and send of the campaign camp, whose sheet a.csv
// has one row naming file in its column file, and fails t unless both
// refuse the row (exit 1, the sheet, row and column named) saying words,
// and nothing reaches srv.
func rowRefused(t *testing.T, srv *smtptest.Server, camp, file, words string) {
	t.Helper()
	writeFiles(t, filepath.Dir(camp), map[string]string{"a.csv": "email,name,file\nann@example.com,Ann," + file + "\n"})
	for _, args := range [][]string{{"check", camp}, {"send", "--yes", camp}} {
		out, errOut, code := runCLI(t, args...)
		all := out + errOut
		if code != exitSomeFailed || !strings.Contains(all, "a.csv: row 2, column \"file\"") || !strings.Contains(all, words) {
			t.Errorf("%s with a row naming %s: exit %d, want %d and the row refused saying %q\n%s", args[0], file, code, exitSomeFailed, words, all)
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("%s: %d messages sent", file, n)
	}
}

// TestAttachHardLinkOtherState: a hard link in the campaign folder to a
// file another campaign's send left in its state folder there (its
// journal, report, a spool file: st2, whose campaign file lies
// elsewhere) is that file under another name: a row naming it is
// refused, as one naming the file itself is (it attached: only the
// campaign's own folders were looked through for other names).
func TestAttachHardLinkOtherState(t *testing.T) {
	t.Parallel()
	dir, spooled := otherCampaignSent(t)
	srv := smtptest.NewServer(t)
	camp := filepath.Join(dir, "a.yaml")
	writeFiles(t, dir, map[string]string{"a.yaml": campaignYAML(srv.Port, `attachments: ["{{.file}}"]`, "recipients: {path: a.csv}")})
	for link, target := range map[string]string{"files/j.pdf": "st2/journal.jsonl", "files/r.csv": "st2/report.csv", "files/s.pdf": spooled} {
		if err := os.MkdirAll(filepath.Join(dir, "files"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Link(filepath.Join(dir, target), filepath.Join(dir, link)); err != nil {
			t.Skipf("no hard links here: %v", err)
		}
		rowRefused(t, srv, camp, link, "is a file tidings keeps in the campaign state folder "+filepath.Join(dir, "st2")+" (its recipients' addresses, results or messages) (another name for the same file)")
	}
}

// TestAttachBelowStateFolder: with attachments_dir inside another
// campaign's state folder (st2/spool, st2), a row naming a file its send
// left there is refused (it attached from st2/spool: the state folder's
// marks were looked for only from the attachment folder down).
func TestAttachBelowStateFolder(t *testing.T) {
	t.Parallel()
	dir, spooled := otherCampaignSent(t)
	srv := smtptest.NewServer(t)
	camp := filepath.Join(dir, "a.yaml")
	for attDir, file := range map[string]string{"st2/spool": strings.TrimPrefix(spooled, "st2/spool/"), "st2": "journal.jsonl"} {
		writeFiles(t, dir, map[string]string{"a.yaml": campaignYAML(srv.Port, `attachments: ["{{.file}}"]`, "recipients: {path: a.csv}",
			"attachments_dir: "+filepath.Join(dir, attDir))})
		rowRefused(t, srv, camp, file, "is a file tidings keeps in the campaign state folder "+filepath.Join(dir, "st2"))
	}
}

// TestAttachSubfolderCampaign: a campaign in a folder below this one's
// (other/c.yaml, which has sent) and a campaign file beside it that does
// not load (d.yaml, a key misspelled, saved as Notepad's "Unicode",
// UTF-16) keep their sheets and suppression lists for themselves: a row
// naming one is refused saying whose it is (both attached: only the
// files directly beside this one that load were looked at); a YAML file
// that names no recipients still protects nothing.
func TestAttachSubfolderCampaign(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"a.yaml":             campaignYAML(srv.Port, `attachments: ["{{.file}}"]`, "recipients: {path: a.csv}"),
		"body.txt":           "Hi {{.name}}\n",
		"other/c.yaml":       campaignYAML(srv.Port, "name: c", "recipients: {path: c.csv}", "suppress: gone.txt"),
		"other/body.txt":     "Hi {{.name}}\n",
		"other/c.csv":        "email,name\ncarol@example.com,Carol\n",
		"other/gone.txt":     "dave@example.com\n",
		"d.yaml":             mustEncode(xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM), campaignYAML(srv.Port, "name: d", "recipients: {path: lists/d.csv}", "subjct: typo")),
		"lists/d.csv":        "email,name\nerin@example.com,Erin\n",
		"other/notes/x.yaml": "recipes: [bread]\npath: lists/ok.csv\n",
		"lists/ok.csv":       "email\nfrank@example.com\n",
	})
	if out, errOut, code := runCLI(t, "send", "--yes", filepath.Join(dir, "other", "c.yaml")); code != exitOK || len(srv.Messages()) != 1 {
		t.Fatalf("send of the campaign in other/: exit %d\n%s%s", code, out, errOut)
	}
	srv = smtptest.NewServer(t)
	camp := filepath.Join(dir, "a.yaml")
	writeFiles(t, dir, map[string]string{"a.yaml": campaignYAML(srv.Port, `attachments: ["{{.file}}"]`, "recipients: {path: a.csv}")})
	rowRefused(t, srv, camp, "other/c.csv", "is the recipient sheet of the campaign other/c.yaml, which")
	rowRefused(t, srv, camp, "other/gone.txt", "is the suppression list of the campaign other/c.yaml")
	rowRefused(t, srv, camp, "lists/d.csv", "is the recipient sheet of the campaign d.yaml beside this one (it does not load)")
	writeFiles(t, dir, map[string]string{"a.csv": "email,name,file\nann@example.com,Ann,lists/ok.csv\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || len(srv.Messages()) != 1 {
		t.Fatalf("send of a file a YAML that is no campaign names: exit %d\n%s%s", code, out, errOut)
	}
}

// TestScanLimitTold: a campaign folder holding more files than the scan
// for other campaigns looks at (50,000: an archive below it) is told by
// check and send, with the folder, before the row attaches (nothing said
// it: a campaign beyond the limit was silently not known).
func TestScanLimitTold(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"a.yaml":       campaignYAML(srv.Port, `attachments: ["{{.file}}"]`, "recipients: {path: a.csv}"),
		"a.csv":        "email,name,file\nann@example.com,Ann,files/ok.pdf\n",
		"body.txt":     "Hi {{.name}}\n",
		"files/ok.pdf": "%PDF ok",
	})
	archive := filepath.Join(dir, "archive")
	if err := os.Mkdir(archive, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range 50_001 {
		f, err := os.Create(filepath.Join(archive, strconv.Itoa(i)))
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	want := "warning: the campaign folder " + dir + " and the folders below it hold more than 50000 files and folders"
	for _, args := range [][]string{{"check", filepath.Join(dir, "a.yaml")}, {"send", "--yes", filepath.Join(dir, "a.yaml")}} {
		if out, errOut, code := runCLI(t, args...); code != exitOK || !strings.Contains(out, want) {
			t.Errorf("%s: exit %d, want %d and %q\n%s%s", args[0], code, exitOK, want, out, errOut)
		}
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d messages sent, want 1", n)
	}
}
