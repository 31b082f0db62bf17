package main

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// otherCampaignSent writes, in a new folder, a campaign folder camp
// (dir) and beside it a campaign b/b.yaml with state_dir: ../camp/st2
// (outside camp, so that only its state folder's marks tell st2 for what
// it is: a campaign file in camp's tree is known as a whole,
// scanFolders) and sends it to a test server, and returns camp and a
// file of the spool that send left in st2.
func otherCampaignSent(t *testing.T) (dir, spooled string) {
	t.Helper()
	srv := smtptest.NewServer(t)
	base := t.TempDir()
	dir = filepath.Join(base, "camp")
	writeFiles(t, base, map[string]string{
		"b/b.yaml":      campaignYAML(srv.Port, "name: other", "state_dir: ../camp/st2", "recipients: {path: b.csv}"),
		"b/body.txt":    "Hi {{.name}}\n",
		"camp/body.txt": "Hi {{.name}}\n",
		"b/b.csv":       "email,name\ncarol@example.com,Carol\n",
	})
	if out, errOut, code := runCLI(t, "send", "--yes", otherCampaignFile(dir)); code != exitOK || len(srv.Messages()) != 1 {
		t.Fatalf("send of the other campaign: exit %d\n%s%s", code, out, errOut)
	}
	err := filepath.WalkDir(filepath.Join(dir, "st2", "spool"), func(p string, e os.DirEntry, err error) error {
		if err == nil && e.Type().IsRegular() && spooled == "" {
			spooled, _ = filepath.Rel(dir, p)
		}
		return err
	})
	if err != nil || spooled == "" {
		t.Fatalf("the other campaign's send spooled nothing in st2/spool (%v)", err)
	}
	return dir, filepath.ToSlash(spooled)
}

// otherCampaignFile is the campaign file otherCampaignSent sent, for its
// folder dir.
func otherCampaignFile(dir string) string {
	return filepath.Join(filepath.Dir(dir), "b", "b.yaml")
}

// TestAttachOtherCampaignState: a campaign beside another (state_dir:
// st2) that has sent, its attachment path made from a cell: a row naming
// the other's journal, report or a spool file is refused by check and by
// send (exit 1, a row with problems: the sheet, row and column named),
// and nothing is sent; a file merely named journal.jsonl elsewhere still
// attaches.
func TestAttachOtherCampaignState(t *testing.T) {
	t.Parallel()
	dir, spooled := otherCampaignSent(t)
	srv := smtptest.NewServer(t)
	camp := filepath.Join(dir, "a.yaml")
	writeFiles(t, dir, map[string]string{"a.yaml": campaignYAML(srv.Port, `attachments: ["{{.file}}"]`, "recipients: {path: a.csv}")})
	for _, stolen := range []string{"st2/journal.jsonl", "st2/report.csv", spooled} {
		writeFiles(t, dir, map[string]string{"a.csv": "email,name,file\nann@example.com,Ann," + stolen + "\n"})
		for _, args := range [][]string{{"check", camp}, {"send", "--yes", camp}} {
			out, errOut, code := runCLI(t, args...)
			all := out + errOut
			if code != exitSomeFailed || !strings.Contains(all, "a.csv") || !strings.Contains(all, "row 2") ||
				!strings.Contains(all, `"file"`) || !strings.Contains(all, "state folder "+filepath.Join(dir, "st2")) {
				t.Errorf("%s with a row naming %s: exit %d, want %d and the row refused\n%s", args[0], stolen, code, exitSomeFailed, all)
			}
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("%d messages sent with another campaign's state attached", n)
	}
	writeFiles(t, dir, map[string]string{
		"files/journal.jsonl": `{"diary":"mine"}` + "\n",
		"a.csv":               "email,name,file\nann@example.com,Ann,files/journal.jsonl\n",
	})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || len(srv.Messages()) != 1 {
		t.Fatalf("send of a file named journal.jsonl outside a state folder: exit %d\n%s%s", code, out, errOut)
	}
	msg := strings.ReplaceAll(string(serverCopy(t, srv, "ann@example.com")), "\r\n", "")
	if !strings.Contains(msg, base64.StdEncoding.EncodeToString([]byte(`{"diary":"mine"}`+"\n"))) {
		t.Errorf("the message does not carry files/journal.jsonl")
	}
}

// TestStateFolderNamesKnown: every name a send, a preview and a report
// leave in a state folder is one the attachment check refuses there
// (render.StateWrote, and so statefile.Own, which TestOwnNamesRenderKnows
// holds to it): a writer that starts leaving a file of a new name fails
// here until the lists name it. (A guard: the names were known.)
func TestStateFolderNamesKnown(t *testing.T) {
	t.Parallel()
	dir, _ := otherCampaignSent(t)
	camp := otherCampaignFile(dir)
	for _, args := range [][]string{{"preview", camp}, {"report", camp}} {
		if out, errOut, code := runCLI(t, args...); code != exitOK {
			t.Fatalf("%s: exit %d\n%s%s", args[0], code, out, errOut)
		}
	}
	entries, err := os.ReadDir(filepath.Join(dir, "st2"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !render.StateWrote(e.Name()) {
			t.Errorf("st2/%s: not a name render.StateWrote knows", e.Name())
		}
	}
}
