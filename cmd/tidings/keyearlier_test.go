package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// earlierState puts testdata's journal name into the state folder of the
// campaign camp (its name t).
func earlierState(t *testing.T, camp, name string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	stateDir := filepath.Join(filepath.Dir(camp), ".tidings", "t")
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stateDir, journal.FileName), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestKeyChangeAfterAnEarlierTidings: a journal whose sends recorded no
// recipients.key (a tidings from before they did; testdata's, written at
// commit 693662d by send --limit 1 of this campaign, keyed by email)
// and a key changed since to a column none of its keys are in: check
// and send refuse the rows to send whose To it delivered to, naming the
// key each went under, and send sends nothing; with the key set back,
// send sends only the rest.
func TestKeyChangeAfterAnEarlierTidings(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "")
	earlierState(t, camp, "journal-693662d-sent.jsonl")
	b, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	byName := strings.Replace(string(b), "recipients: {path: r.csv", "recipients: {path: r.csv, key: name", 1)
	writeFiles(t, filepath.Dir(camp), map[string]string{"c.yaml": byName})
	for _, args := range [][]string{{"check", camp}, {"send", "--yes", camp}} {
		out, errOut, code := runCLI(t, args...)
		if code != exitUnusable || !strings.Contains(errOut, `no row's key (column "name") is one the earlier sends told recipients apart by`) ||
			!strings.Contains(errOut, `1 row to send goes to addresses sent to before under them (row 2: user000@example.com (sent as "user000@example.com"))`) {
			t.Errorf("%s: code %d\n%s%s", args[0], code, out, errOut)
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("the server has %d messages", n)
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{"c.yaml": string(b)})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || len(srv.Messages()) != 1 || srv.Received("user001@example.com") != 1 {
		t.Errorf("send with the key set back: code %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
}
