package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestRootLeftoverInServiceState: a service (here nobody) whose state
// folder holds a preview/ folder root left (sudo tidings preview, run
// before tidings refused that) is told to give the folder back to itself
// (sudo chown -R nobody …), not to run tidings as root, nor that root's
// later runs could not replace its files: root can.
func TestRootLeftoverInServiceState(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("a folder of root's beside a service user's needs root to make")
	}
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, err := buildTidings()
	if err != nil {
		t.Fatal(err)
	}
	srv := smtptest.NewServer(t)
	base := t.TempDir()
	camp := filepath.Join(base, "camp")
	state := filepath.Join(base, "state")
	writeFiles(t, camp, map[string]string{
		"c.yaml":   sendYAML(srv.Port, "state_dir: "+state+"\n"),
		"body.txt": "Hi {{.name}}\n",
		"r.csv":    "email,name\nann@example.com,Ann\nbob@example.com,Bob\n",
	})
	if err := os.Mkdir(state, 0o700); err != nil {
		t.Fatal(err)
	}
	attr := serviceUser(t, state, filepath.Dir(bin), base, filepath.Dir(base), camp)
	if err := os.Mkdir(filepath.Join(state, "preview"), 0o700); err != nil { // root's
		t.Fatal(err)
	}
	out, code := runAsService(t, bin, camp, attr, "send", "--yes", "c.yaml")
	nobody, _ := userName(65534)
	want := "sudo chown -R " + strings.TrimPrefix(nobody, "#") + " " + state
	if code != exitUnusable || !strings.Contains(out, want) || strings.Contains(out, "sudo -u root") || strings.Contains(out, "root's later runs") {
		t.Errorf("send as nobody beside root's preview/: code %d, want %d and %q, not to run as root:\n%s", code, exitUnusable, want, out)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server received %d messages, want none", n)
	}
}
