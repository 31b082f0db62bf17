//go:build unix

package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestStateFolderOfAnotherUser: a campaign a service sends as its own
// user, looked at by an administrator as root (sudo tidings preview,
// report, send), is refused (exit 2) naming the journal's owner and what
// to run, and nothing of root's is left in the state folder: a preview/
// folder of root's used to stop every later send of the service from
// writing its report page, and root's report files from being read by it.
func TestStateFolderOfAnotherUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("files of another user need root to make")
	}
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	state := filepath.Join(filepath.Dir(camp), ".tidings", "t")
	chownTree(t, state, 65534)
	for _, args := range [][]string{{"preview"}, {"report"}, {"send", "--yes"}} {
		out, errOut, code := runCLI(t, append(args, camp)...)
		want := filepath.Join(state, "journal.jsonl") + " belongs to "
		if code != exitUnusable || !strings.Contains(errOut, want) || !strings.Contains(errOut, "(uid 65534)") || !strings.Contains(errOut, "chown -R USER "+state) {
			t.Errorf("tidings %s as root on a state folder of uid 65534: code %d, want %d and %q:\n%s%s", args[0], code, exitUnusable, want, out, errOut)
		}
	}
	filepath.WalkDir(state, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if fi, err := d.Info(); err == nil && fi.Sys().(*syscall.Stat_t).Uid != 65534 {
			t.Errorf("%s is uid %d's after root's commands", p, fi.Sys().(*syscall.Stat_t).Uid)
		}
		return nil
	})
	if n := len(srv.Messages()); n != 2 {
		t.Errorf("server received %d messages, want the first send's 2", n)
	}
}

// chownTree gives dir and everything in it to uid.
func chownTree(t *testing.T, dir string, uid int) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, uid)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestFreshStateFolderOfAnotherUser: a service's state folder systemd has
// made (StateDirectory=, the service user's, empty) and an administrator
// running tidings on its campaign as root before the service's first send
// (sudo tidings preview): refused (exit 2) naming the folder and its
// owner (check warning so, saying what they will do: it writes nothing
// itself), and nothing of root's left in it, where root's preview/ and
// report files used to be made there, which the service could then not
// replace.
func TestFreshStateFolderOfAnotherUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("a folder of another user's needs root to make")
	}
	srv := smtptest.NewServer(t)
	state := filepath.Join(t.TempDir(), "notice")
	if err := os.Mkdir(state, 0o700); err != nil {
		t.Fatal(err)
	}
	chownTree(t, state, 65534)
	camp := sendCampaign(t, srv, 2, "state_dir: "+state+"\n")
	for _, args := range [][]string{{"preview"}, {"report"}, {"send", "--yes"}} {
		out, errOut, code := runCLI(t, append(args, camp)...)
		if want := state + " belongs to "; code != exitUnusable || !strings.Contains(errOut, want) || !strings.Contains(errOut, "(uid 65534)") {
			t.Errorf("tidings %s as root on an empty state folder of uid 65534: code %d, want %d and %q:\n%s%s", args[0], code, exitUnusable, want, out, errOut)
		}
	}
	// check writes nothing there, and said "nothing was written" as if
	// it had been stopped: it says what send, report and preview will do.
	_, owner := userName(65534)
	if out, _, _ := runCLI(t, "check", camp); !strings.Contains(out, "warning: send, report and preview will stop: state folder: "+state+" belongs to "+owner+", and run as root (uid 0) they stop before they write anything there; ") || strings.Contains(out, "nothing was written") {
		t.Errorf("check as root on an empty state folder of uid 65534 does not warn that send will stop, as root:\n%s", out)
	}
	if entries, err := os.ReadDir(state); err != nil || len(entries) != 0 {
		t.Errorf("state folder after root's commands: %v %v, want it empty", entries, err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server received %d messages, want none", n)
	}
}
