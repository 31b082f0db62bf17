package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestMessageIDSaltKept: every send records the state folder's
// Message-ID salt in its journal run line; a salt file removed, or left
// empty, is written back from it (the messages still to send keep the
// identifiers a resend needs), and a file holding another salt stops the
// send before anything goes.
func TestMessageIDSaltKept(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 4, "")
	stateDir := filepath.Join(filepath.Dir(camp), ".tidings", "t")
	saltPath := filepath.Join(stateDir, "message-id.salt")
	send := func() (string, string, int) { return runCLI(t, "send", "--yes", "--limit", "1", camp) }
	if out, errOut, code := send(); code != exitSomeFailed {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	salt, err := os.ReadFile(saltPath)
	if err != nil || len(salt) != 33 {
		t.Fatalf("salt %q: %v", salt, err)
	}
	if j, _ := os.ReadFile(filepath.Join(stateDir, "journal.jsonl")); !strings.Contains(string(j), `"id_salt":"`+strings.TrimSpace(string(salt))+`"`) {
		t.Errorf("the journal's run line does not record the salt:\n%s", j)
	}
	for name, damage := range map[string]func(){
		"removed":   func() { os.Remove(saltPath) },
		"cut short": func() { os.WriteFile(saltPath, nil, 0o600) },
	} {
		damage()
		if out, errOut, code := send(); code != exitSomeFailed {
			t.Fatalf("send, salt %s: code %d\n%s%s", name, code, out, errOut)
		}
		if again, err := os.ReadFile(saltPath); err != nil || string(again) != string(salt) {
			t.Errorf("salt %s: the file holds %q (%v), want %q back", name, again, err, salt)
		}
	}
	received := len(srv.Messages())
	if err := os.WriteFile(saltPath, []byte(strings.Repeat("cd", 16)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := send(); code != exitUnusable || !strings.Contains(errOut, "holds another salt than the sends of this campaign used") || len(srv.Messages()) != received {
		t.Errorf("send with another salt: code %d, %d messages (had %d)\n%s%s", code, len(srv.Messages()), received, out, errOut)
	}
}
