package main

import (
	"bytes"
	"net/mail"
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
	t.Parallel()
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

// TestMessageIDSaltReadOnly: with the salt file removed after a send,
// check, show, report and preview use the salt the journal's run lines
// recorded, as the next send does (which writes the file back): show
// finds the message that went out unchanged, preview makes the
// Message-IDs send then uses, and none of them writes the file. A file
// holding another salt than the journal's is told by check and preview
// as what send refuses.
func TestMessageIDSaltReadOnly(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	stateDir := filepath.Join(filepath.Dir(camp), ".tidings", "t")
	saltPath := filepath.Join(stateDir, "message-id.salt")
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "1", camp); code != exitSomeFailed {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	showSent, showNote, code := runCLI(t, "show", camp, "user000@example.com")
	if code != exitOK {
		t.Fatalf("show: code %d\n%s", code, showNote)
	}
	salt, err := os.ReadFile(saltPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(saltPath); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "show", camp, "user000@example.com")
	if code != exitOK || out != showSent || errOut != showNote {
		t.Errorf("show of the sent message without the salt file: code %d\n%s%s\nwant\n%s%s", code, out, errOut, showSent, showNote)
	}
	if out, errOut, code := runCLI(t, "check", camp); code != exitOK || strings.Contains(out+errOut, "salt") || strings.Contains(out, "changed") {
		t.Errorf("check: code %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "report", camp); code != exitSomeFailed || !strings.Contains(out, "1 sent, 2 not-attempted") {
		t.Errorf("report: code %d\n%s%s", code, out, errOut)
	}
	previewDir := filepath.Join(t.TempDir(), "p")
	if out, errOut, code := runCLI(t, "preview", "--out", previewDir, camp); code != exitOK {
		t.Fatalf("preview: code %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(saltPath); err == nil {
		t.Errorf("a read-only command wrote %s", saltPath)
	}
	previewed := previewIDs(t, previewDir)
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	if again, _ := os.ReadFile(saltPath); string(again) != string(salt) {
		t.Fatalf("send wrote the salt %q back, want %q", again, salt)
	}
	for _, m := range srv.Messages() {
		id := headerOf(m.Data, "Message-ID")
		if to := m.To[0]; to != "user000@example.com" && previewed[to] != id {
			t.Errorf("%s went with Message-ID %s, preview made %s", to, id, previewed[to])
		}
	}

	if err := os.WriteFile(saltPath, []byte(strings.Repeat("cd", 16)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"check", camp}, {"preview", "--out", filepath.Join(t.TempDir(), "q"), camp}} {
		if out, errOut, code := runCLI(t, args...); code != exitOK || !strings.Contains(out, "warning: plan: "+saltPath+" holds another salt than the sends of this campaign used") {
			t.Errorf("%s with another salt: code %d\n%s%s", args[0], code, out, errOut)
		}
	}
}

// previewIDs maps the recipient of each .eml file preview wrote into dir
// to its Message-ID.
func previewIDs(t *testing.T, dir string) map[string]string {
	t.Helper()
	emls, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	if err != nil || len(emls) == 0 {
		t.Fatalf("no .eml in %s: %v", dir, err)
	}
	ids := map[string]string{}
	for _, p := range emls {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		to, err := mail.ParseAddress(headerOf(b, "To"))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		ids[to.Address] = headerOf(b, "Message-ID")
	}
	return ids
}

// headerOf is the value of the header field name of the message data.
func headerOf(data []byte, name string) string {
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return ""
	}
	return m.Header.Get(name)
}
