package plan

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/smtptest"
	"github.com/tidings/tidings/sendpool/spool"
)

// TestOpenDKIMEntryError: a bad entry of a dkim: list makes the campaign
// unusable with an error at the entry's line and column that names it.
func TestOpenDKIMEntryError(t *testing.T) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	path := writeCampaign(t, smtptest.NewServer(t), 1, `dkim:
  - {domain: example.com, selector: ed, key_file: ed.key}
  - {domain: example.com, selector: rsa, key_file: rsa.key}
`)
	writeFile(t, filepath.Join(filepath.Dir(path), "ed.key"), string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})))
	_, err = Open(context.Background(), path)
	fe, ok := errors.AsType[*campaign.FileError](err)
	if !ok || fe.Line != 11 || fe.Column != 6 || !strings.HasPrefix(fe.Err.Error(), "dkim: dkim[1].key_file: ") {
		t.Fatalf("Open = %v, want a FileError at 11:6 about dkim[1].key_file", err)
	}
}

// TestChangedWhileRead: a file the messages are made of saved again after
// Open read it (at send's password prompt, say) stops the preflight,
// naming it, and leaves no generation behind whose digest names content
// other than its messages were made of; the next run renders the
// campaign as it is. So does a sheet replaced (written beside, then
// renamed over, as editors save), and a campaign file whose subject
// changed; one with a comment added and another rate does not (what the
// run makes of the campaign it loaded is the same).
func TestChangedWhileRead(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := writeCampaign(t, srv, 3, "")
	dir := filepath.Dir(camp)
	ctx := context.Background()
	store := spool.OpenStore(filepath.Join(dir, ".tidings", "t"))
	in, state := open(t, camp)
	body, err := os.ReadFile(filepath.Join(dir, "body.txt"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "body.txt"), string(body)) // saved as it was: no change
	if _, err := Preflight(ctx, in, state, Options{Version: "test"}); err != nil {
		t.Fatalf("template saved again as it was: %v", err)
	}
	in, state = open(t, camp)
	writeFile(t, filepath.Join(dir, "body.txt"), "FIXED {{.name}}\n")
	if _, err := Preflight(ctx, in, state, Options{Version: "test"}); err == nil || !strings.Contains(err.Error(), "body.txt changed while this run read it") {
		t.Fatalf("template saved after Open: %v", err)
	}
	if gens, err := store.Generations(); err != nil || len(gens) != 1 {
		t.Fatalf("generations: %d, %v; want the one of the template saved as it was", len(gens), err)
	}
	in, state = open(t, camp)
	yaml, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	// A comment or a sending setting changed is no change of the
	// messages the run makes from the campaign it loaded.
	writeFile(t, camp, strings.Replace(string(yaml), "concurrency: 2", "concurrency: 1, rate: 5/s", 1)+"# a comment\n")
	if _, err := Preflight(ctx, in, state, Options{Version: "test"}); err != nil {
		t.Fatalf("campaign file saved after Open with a comment and another rate: %v", err)
	}
	in, state = open(t, camp)
	writeFile(t, camp, strings.Replace(string(yaml), "Hello", "Hello again", 1))
	if _, err := Preflight(ctx, in, state, Options{Version: "test"}); err == nil || !strings.Contains(err.Error(), filepath.Base(camp)+" changed while this run read it") {
		t.Fatalf("campaign file saved after Open with another subject: %v", err)
	}
	in, state = open(t, camp)
	tmp := filepath.Join(dir, "r.csv.tmp")
	writeFile(t, tmp, "email,name\nuser000@example.com,User 0\nuser002@example.com,User 2\n")
	if err := os.Rename(tmp, filepath.Join(dir, "r.csv")); err != nil {
		t.Fatal(err)
	}
	if _, err := Preflight(ctx, in, state, Options{Version: "test"}); err == nil || !strings.Contains(err.Error(), "r.csv changed while this run read it") {
		t.Fatalf("sheet replaced after Open: %v", err)
	}
	in, state = open(t, camp)
	pl, err := Preflight(ctx, in, state, Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	rd, err := pl.Spool.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	n := 0
	err = rd.ScanMessages(ctx, 0, func(m spool.Message) error {
		if n++; !bytes.Contains(m.Data, []byte("FIXED")) {
			t.Errorf("row %d goes with the old template", m.Row)
		}
		return nil
	})
	if err != nil || n != 2 || pl.Reused {
		t.Errorf("next run: %d messages, reused %v, %v; want the 2 rows of the sheet as it is, rendered", n, pl.Reused, err)
	}
}

// TestTooLargeAttachmentShrunk: a row over max_message_size because of its
// attachment is a problem; the attachment made smaller at the same path
// makes the spool one of other inputs, so the next preflight renders the
// row again and finds it fine.
func TestTooLargeAttachmentShrunk(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := writeCampaign(t, srv, 2, "attachments: [a.bin]\nmax_message_size: 8KB\n")
	dir := filepath.Dir(camp)
	writeFile(t, filepath.Join(dir, "a.bin"), strings.Repeat("x", 7<<10))
	ctx := context.Background()
	in, state := open(t, camp)
	pl, err := Preflight(ctx, in, state, Options{Version: "test"})
	if err != nil || pl.Problems != 2 {
		t.Fatalf("problems %d, %v; want 2", pl.Problems, err)
	}
	writeFile(t, filepath.Join(dir, "a.bin"), "small now")
	in, state = open(t, camp)
	if pl, err = Preflight(ctx, in, state, Options{Version: "test"}); err != nil || pl.Problems != 0 || pl.Reused {
		t.Errorf("attachment shrunk: reused %v, %d problems %v, %v", pl.Reused, pl.Problems, pl.Invalid, err)
	}
}
