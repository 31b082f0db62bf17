package plan

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// spooledID is the Message-ID the newest preflight of camp spooled for
// sheet row row.
func spooledID(t *testing.T, pl *Plan, row int) string {
	t.Helper()
	rd, err := pl.Spool.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	m, ok, err := rd.Message(row)
	if err != nil || !ok {
		t.Fatalf("row %d: %v, %v", row, ok, err)
	}
	return m.MessageID
}

// preflightOf opens camp and runs its preflight.
func preflightOf(t *testing.T, camp string) (*Inputs, *Plan) {
	t.Helper()
	in, state := open(t, camp)
	pl, err := Preflight(context.Background(), in, state, Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return in, pl
}

// copyCampaign copies the campaign folder of camp (not its state folder)
// to a new folder and returns the copy's campaign file.
func copyCampaign(t *testing.T, camp string) string {
	t.Helper()
	dst := t.TempDir()
	for _, name := range []string{"c.yaml", "body.txt", "r.csv"} {
		b, err := os.ReadFile(filepath.Join(filepath.Dir(camp), name))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dst, name), string(b))
	}
	return filepath.Join(dst, "c.yaml")
}

// TestMessageIDSalt: the first send from a state folder makes its
// Message-ID salt, so the same campaign sent from a copy of its folder
// (last month's copied, its state removed) gives every message another
// Message-ID; within one state folder a message made again from the same
// values keeps its identifier (a resend can be told a copy).
func TestMessageIDSalt(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := writeCampaign(t, srv, 2, "")
	in, pl := preflightOf(t, camp)
	first := spooledID(t, pl, 2)
	saltPath := filepath.Join(in.Campaign.StateDir, IDSaltFile)
	fi, err := os.Stat(saltPath)
	if err != nil || fi.Mode().Perm() != 0o600 || fi.Size() != 33 {
		t.Fatalf("salt file: %v, %v", fi, err)
	}

	_, copied := preflightOf(t, copyCampaign(t, camp))
	if other := spooledID(t, copied, 2); other == first || !strings.HasPrefix(other, "t.") {
		t.Errorf("the copy's Message-ID %q, the original's %q: want another", other, first)
	}

	// The same state folder, rendered again (the body changed, the
	// values not): the same identifier.
	writeFile(t, filepath.Join(filepath.Dir(camp), "body.txt"), "Hello {{.name}}\n")
	_, again := preflightOf(t, camp)
	if again.Reused || spooledID(t, again, 2) != first {
		t.Errorf("rendered again (reused %v): %q, want %q", again.Reused, spooledID(t, again, 2), first)
	}
}

// TestMessageIDSaltEarlierState: a state folder whose journal names
// recipients, none of its run lines a salt (made by a tidings from before
// the salts: here the salt is taken out of the file and the journal),
// gets no salt: its messages keep the identifiers they were sent with. A
// damaged salt file there is refused, saying what to do.
func TestMessageIDSaltEarlierState(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := writeCampaign(t, srv, 2, "")
	in, pl := preflightOf(t, camp)
	salted := spooledID(t, pl, 3)
	deliver(t, in, pl, 1)
	saltPath := filepath.Join(in.Campaign.StateDir, IDSaltFile)
	if err := os.Remove(saltPath); err != nil {
		t.Fatal(err)
	}
	jpath := filepath.Join(in.Campaign.StateDir, journal.FileName)
	j, err := os.ReadFile(jpath)
	if err != nil || !strings.Contains(string(j), `,"id_salt":"`+in.IDSalt()+`"`) {
		t.Fatalf("journal without the salt (%v):\n%s", err, j)
	}
	writeFile(t, jpath, strings.Replace(string(j), `,"id_salt":"`+in.IDSalt()+`"`, "", 1))
	var ids []string
	for _, body := range []string{"Hello {{.name}}\n", "Hello again {{.name}}\n"} {
		writeFile(t, filepath.Join(filepath.Dir(camp), "body.txt"), body)
		_, pl = preflightOf(t, camp)
		if pl.Reused {
			t.Fatal("the spool was reused")
		}
		ids = append(ids, spooledID(t, pl, 3))
	}
	if _, err := os.Stat(saltPath); !os.IsNotExist(err) {
		t.Errorf("a salt was made for a state folder whose journal names recipients: %v", err)
	}
	if ids[0] == salted || ids[0] != ids[1] {
		t.Errorf("row 3's Message-IDs: %q salted, then %q and %q without a salt", salted, ids[0], ids[1])
	}

	writeFile(t, saltPath, "not a salt\n")
	in, state := open(t, camp)
	if _, err := Preflight(context.Background(), in, state, Options{Version: "test"}); err == nil || !strings.Contains(err.Error(), saltPath) || !strings.Contains(err.Error(), "put back the salt") {
		t.Errorf("a damaged salt file in a state folder sent from without a recorded salt: err = %v", err)
	}
}

// TestMessageIDSaltRepaired: in a state folder nothing was sent from, a
// salt file cut short (a crash while an older tidings wrote it in place)
// is replaced; a link in its place is refused, its target untouched.
func TestMessageIDSaltRepaired(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := writeCampaign(t, srv, 1, "")
	stateDir := filepath.Join(filepath.Dir(camp), ".tidings", "t")
	saltPath := filepath.Join(stateDir, IDSaltFile)
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, saltPath, "")
	in, _ := preflightOf(t, camp)
	if salt, err := readIDSalt(stateDir); err != nil || salt == "" || salt != in.IDSalt() {
		t.Errorf("salt after a file cut short: %q, %v (the preflight's %q)", salt, err, in.IDSalt())
	}

	target := filepath.Join(t.TempDir(), "elsewhere")
	writeFile(t, target, "mine\n")
	if err := os.Remove(saltPath); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, saltPath); err != nil {
		t.Fatal(err)
	}
	in, state := open(t, camp)
	_, err := Preflight(context.Background(), in, state, Options{Version: "test"})
	if b, _ := os.ReadFile(target); err == nil || !strings.Contains(err.Error(), saltPath) || string(b) != "mine\n" {
		t.Errorf("a linked salt file: err = %v, its target holds %q", err, b)
	}
}
