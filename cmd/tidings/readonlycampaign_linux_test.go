package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestReadOnlyCampaignFolder runs tidings as a locked-down service does:
// a user who may not write the campaign's folder (deployed read-only by
// configuration management; run as root, the test runs tidings as nobody),
// no HOME, LANG=C, umask 077. With no state_dir, send, report and preview
// stop (exit 2) saying to set state_dir in the campaign file, not only
// "mkdir …/.tidings: permission denied", and nothing is sent; check warns
// so before (it writes nothing itself); the same campaign with state_dir
// naming a folder of that user's sends, check not warning.
func TestReadOnlyCampaignFolder(t *testing.T) {
	t.Parallel()
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
		"c.yaml":       sendYAML(srv.Port, ""),
		"service.yaml": sendYAML(srv.Port, "state_dir: "+state+"\n"),
		"body.txt":     "Hi {{.name}}\n",
		"r.csv":        "email,name\nann@example.com,Zoë\nbob@example.com,Bob\n",
	})
	if err := os.Mkdir(state, 0o700); err != nil {
		t.Fatal(err)
	}
	attr := serviceUser(t, state, filepath.Dir(bin), base, filepath.Dir(base))
	t.Cleanup(func() { os.Chmod(camp, 0o755) }) // for TempDir's removal
	for _, p := range []string{filepath.Join(camp, "c.yaml"), filepath.Join(camp, "service.yaml"), filepath.Join(camp, "body.txt"), filepath.Join(camp, "r.csv"), camp} {
		mode := os.FileMode(0o444)
		if p == camp {
			mode = 0o555
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) (string, int) {
		t.Helper()
		return runAsService(t, bin, camp, attr, args...)
	}
	for _, args := range [][]string{{"send", "--yes"}, {"report"}, {"preview"}} {
		out, code := run(append(args, "c.yaml")...)
		if code != exitUnusable || !strings.Contains(out, "set state_dir: in c.yaml to a folder it may write") {
			t.Errorf("tidings %s c.yaml in a read-only folder: code %d, want %d and the state_dir advice:\n%s", args[0], code, exitUnusable, out)
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("server received %d messages from a send that could not journal", n)
	}
	if out, _ := run("check", "c.yaml"); !strings.Contains(out, "warning: send, report and preview will stop: ") || !strings.Contains(out, "set state_dir: in c.yaml to a folder it may write") {
		t.Errorf("check c.yaml in a read-only folder does not warn that send will stop, saying to set state_dir:\n%s", out)
	}
	if out, _ := run("check", "service.yaml"); strings.Contains(out, "will stop") {
		t.Errorf("check service.yaml, its state_dir the user's, warns:\n%s", out)
	}
	if out, code := run("send", "--yes", "service.yaml"); code != exitOK {
		t.Fatalf("send with state_dir: code %d\n%s", code, out)
	}
	if n := len(srv.Messages()); n != 2 {
		t.Errorf("server received %d messages, want 2", n)
	}
}

// runAsService runs the tidings binary bin with args in dir as a
// locked-down service does (attr's user, no HOME, LANG=C, umask 077),
// returning its output (stdout and stderr) and exit code.
func runAsService(t *testing.T, bin, dir string, attr *syscall.SysProcAttr, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command("/bin/sh", append([]string{"-c", `umask 077 && exec "$0" "$@"`, bin}, args...)...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LANG=C"}
	cmd.SysProcAttr = attr
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return out.String(), 0
	case errors.As(err, &ee):
		return out.String(), ee.ExitCode()
	}
	t.Fatalf("tidings %s: %v", strings.Join(args, " "), err)
	return "", 0
}

// sendYAML is a two-recipient campaign for srv's port, with extra lines.
func sendYAML(port int, extra string) string {
	return campaignYAML(port) + extra
}

// serviceUser is how the test runs tidings as a user that may not write a
// folder made read-only: as root, whom no mode stops, as nobody, given
// state and let through the folders dirs (0755); as another user, as
// that user.
func serviceUser(t *testing.T, state string, dirs ...string) *syscall.SysProcAttr {
	t.Helper()
	if os.Geteuid() != 0 {
		return nil
	}
	for _, d := range dirs {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chown(state, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	return &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
}
