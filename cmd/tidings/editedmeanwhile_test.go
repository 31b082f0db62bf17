package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestSheetEditedWhileSending: a row added to the sheet while a send runs
// is not in it; the send says, after its summary, that the sheet changed
// and that check shows what is left (it ended "3 recipients: 3 sent",
// exit 0, where report said next "1 not-attempted"), each command named
// to paste, not "send again". A send whose files stay as they were says
// nothing of it.
func TestSheetEditedWhileSending(t *testing.T) {
	t.Parallel()
	var camp string
	var n atomic.Int32
	srv := smtptest.NewServer(t, smtptest.OnData(func(smtptest.Session, *smtptest.Message) error {
		if n.Add(1) == 2 {
			sheet := filepath.Join(filepath.Dir(camp), "r.csv")
			return os.WriteFile(sheet, []byte(readFile(t, sheet)+"late@example.com,Late\n"), 0o644)
		}
		return nil
	}))
	camp = sendCampaign(t, srv, 3, "send: {concurrency: 1, retry_backoff: 1ms}\n")
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitOK || len(srv.Messages()) != 3 || !strings.Contains(out, "r.csv changed while this send ran: it sent the rows as they were when it began") ||
		!strings.Contains(out, "; tidings check "+commandArg(camp)+" shows what is left, tidings send --yes "+commandArg(camp)+" sends it\n") {
		t.Errorf("send: %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
	if out, _, _ := runCLI(t, "check", camp); !strings.Contains(out, "estimate: 1 message") {
		t.Errorf("check after:\n%s", out)
	}
	out, errOut, code = runCLI(t, "send", "--yes", camp)
	if code != exitOK || len(srv.Messages()) != 4 || strings.Contains(out, "changed while this send ran") {
		t.Errorf("the next send: %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
}

// TestSheetTouchedWhileSending: a sheet only touched while a send runs
// (saved again as it was, its time changed: an editor's save, a sync
// tool) holds the rows the send sent: the send says nothing of it.
func TestSheetTouchedWhileSending(t *testing.T) {
	t.Parallel()
	var camp string
	var n atomic.Int32
	srv := smtptest.NewServer(t, smtptest.OnData(func(smtptest.Session, *smtptest.Message) error {
		if n.Add(1) == 2 {
			sheet := filepath.Join(filepath.Dir(camp), "r.csv")
			later := time.Now().Add(time.Hour)
			return os.Chtimes(sheet, later, later)
		}
		return nil
	}))
	camp = sendCampaign(t, srv, 3, "send: {concurrency: 1, retry_backoff: 1ms}\n")
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitOK || len(srv.Messages()) != 3 || strings.Contains(out, "changed while this send ran") {
		t.Errorf("send: %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
}

// TestFilesEditedWhileSending: an attached file and the suppression list
// edited while a send runs are told after its summary: the messages
// carry the file as it was, and the send kept to the list as it was. A file the messages do not carry, edited the same way, is not
// named.
func TestFilesEditedWhileSending(t *testing.T) {
	t.Parallel()
	var camp string
	var n atomic.Int32
	srv := smtptest.NewServer(t, smtptest.OnData(func(smtptest.Session, *smtptest.Message) error {
		if n.Add(1) == 2 {
			dir := filepath.Dir(camp)
			writeFiles(t, dir, map[string]string{"receipt.txt": "the receipt, corrected\n", "other.txt": "edited too\n", "supp.txt": "user002@example.com\n"})
		}
		return nil
	}))
	camp = sendCampaign(t, srv, 3, "send: {concurrency: 1, retry_backoff: 1ms}\nattachments: [receipt.txt]\nsuppress: supp.txt\n")
	dir := filepath.Dir(camp)
	writeFiles(t, dir, map[string]string{"receipt.txt": "the receipt\n", "other.txt": "not attached\n", "supp.txt": ""})
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitOK || len(srv.Messages()) != 3 ||
		!strings.Contains(out, "receipt.txt changed while this send ran: the messages carry it as it was when it began (tidings show prints what went)\n") ||
		!strings.Contains(out, "supp.txt changed while this send ran: it kept to the list as it was when it began") ||
		strings.Contains(out, "other.txt") {
		t.Fatalf("send: %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
	out, errOut, code = runCLI(t, "send", "--yes", camp)
	if code != exitOK || len(srv.Messages()) != 3 || strings.Contains(out, "changed while this send ran") {
		t.Errorf("the next send: %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
}

// TestSettingsEditedWhileSending: the campaign file saved while a send
// runs with only its sending settings changed (a lower rate, a daily_cap)
// is not told as a change of the campaign; with another subject it is.
func TestSettingsEditedWhileSending(t *testing.T) {
	t.Parallel()
	for name, edit := range map[string][2]string{
		"rate":    {"send: {concurrency: 1, retry_backoff: 1ms}", "send: {concurrency: 1, retry_backoff: 1ms, rate: 20/s, daily_cap: 100}"},
		"subject": {"Hello {{.name}}", "Hello again {{.name}}"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var camp string
			var n atomic.Int32
			srv := smtptest.NewServer(t, smtptest.OnData(func(smtptest.Session, *smtptest.Message) error {
				if n.Add(1) == 2 {
					b, err := os.ReadFile(camp)
					if err != nil {
						return err
					}
					writeFiles(t, filepath.Dir(camp), map[string]string{"c.yaml": strings.Replace(string(b), edit[0], edit[1], 1)})
				}
				return nil
			}))
			camp = sendCampaign(t, srv, 3, "send: {concurrency: 1, retry_backoff: 1ms}\n")
			out, errOut, code := runCLI(t, "send", "--yes", camp)
			told := strings.Contains(out, "c.yaml changed while this send ran")
			if code != exitOK || len(srv.Messages()) != 3 || told != (name == "subject") {
				t.Errorf("send: %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
			}
		})
	}
}
