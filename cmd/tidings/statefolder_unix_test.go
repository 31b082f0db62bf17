//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestStatePermsTightened: a state folder made 0777 with a 0666 journal
// before tidings ran is made 0700 and 0600 by preview, each path named
// in a warning; send then finds nothing to say.
func TestStatePermsTightened(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "")
	state := filepath.Join(filepath.Dir(camp), ".tidings", "t")
	journal := filepath.Join(state, "journal.jsonl")
	if err := os.MkdirAll(state, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(journal, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "preview", camp)
	if code != exitOK {
		t.Fatalf("preview: code %d\n%s%s", code, out, errOut)
	}
	for p, want := range map[string]os.FileMode{state: 0o700, journal: 0o600} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: %v (%v), want %04o", p, fi.Mode().Perm(), err, want)
		}
		if !strings.Contains(errOut, "warning: "+p+" was mode") {
			t.Errorf("no warning names %s:\n%s", p, errOut)
		}
	}
	out, errOut, code = runCLI(t, "send", "--yes", camp)
	if code != exitOK || strings.Contains(errOut, "was mode") {
		t.Errorf("send: code %d\n%s%s", code, out, errOut)
	}
}

// TestStateSymlinkRefused: a journal or a preview marker that is a link
// to a file elsewhere makes send and preview unusable, naming it, and the
// file it leads to keeps its bytes and mode; no message goes out.
func TestStateSymlinkRefused(t *testing.T) {
	for _, tc := range []struct {
		args []string
		file string
	}{
		{[]string{"send", "--yes"}, "journal.jsonl"},
		{[]string{"preview"}, filepath.Join("preview", ".tidings-preview")},
	} {
		srv := smtptest.NewServer(t)
		camp := sendCampaign(t, srv, 2, "")
		link := filepath.Join(filepath.Dir(camp), ".tidings", "t", tc.file)
		if err := os.MkdirAll(filepath.Dir(link), 0o700); err != nil {
			t.Fatal(err)
		}
		victim := filepath.Join(t.TempDir(), "victim")
		if err := os.WriteFile(victim, []byte("keep\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(victim, link); err != nil {
			t.Fatal(err)
		}
		out, errOut, code := runCLI(t, append(tc.args, camp)...)
		if want := link + " is a symbolic link: tidings does not write through links"; code != exitUnusable || !strings.Contains(out+errOut, want) {
			t.Errorf("%s: code %d, want %d and %q\n%s%s", tc.args[0], code, exitUnusable, want, out, errOut)
		}
		if b, err := os.ReadFile(victim); err != nil || string(b) != "keep\n" {
			t.Errorf("%s: the link's target holds %q (%v)", tc.args[0], b, err)
		}
		if fi, _ := os.Stat(victim); fi.Mode().Perm() != 0o644 {
			t.Errorf("%s: the link's target is %04o now", tc.args[0], fi.Mode().Perm())
		}
		if n := len(srv.Messages()); n != 0 {
			t.Errorf("%s: %d messages went out", tc.args[0], n)
		}
	}
}

// TestStateSubfolderSymlinkRefused: a folder tidings makes in the state
// folder (spool/, preview/, the gallery's, report-data/) that is a link
// to a folder elsewhere is refused, naming it, and nothing is written at
// its target; send sends nothing, and report says so in its warning.
func TestStateSubfolderSymlinkRefused(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		folder string
	}{
		{[]string{"send", "--yes"}, "spool"},
		{[]string{"preview"}, "preview"},
		{[]string{"preview"}, filepath.Join("preview", "gallery")},
		{[]string{"report"}, "report-data"},
	} {
		srv := smtptest.NewServer(t)
		camp := sendCampaign(t, srv, 2, "")
		link := filepath.Join(filepath.Dir(camp), ".tidings", "t", tc.folder)
		if err := os.MkdirAll(filepath.Dir(link), 0o700); err != nil {
			t.Fatal(err)
		}
		victim := t.TempDir()
		if err := os.Symlink(victim, link); err != nil {
			t.Fatal(err)
		}
		out, errOut, code := runCLI(t, append(tc.args, camp)...)
		want, wantCode := link+" is a symbolic link: tidings does not write through links", exitUnusable
		if tc.folder == "report-data" {
			want, wantCode = "warning: the report page was not written", exitSomeFailed // nothing sent yet
		}
		if code != wantCode || !strings.Contains(out+errOut, want) || !strings.Contains(out+errOut, link+" is a symbolic link") {
			t.Errorf("%s with %s linked: code %d, want %d and %q\n%s%s", tc.args[0], tc.folder, code, wantCode, want, out, errOut)
		}
		if entries, _ := os.ReadDir(victim); len(entries) != 0 {
			t.Errorf("%s with %s linked: the link's target holds %v", tc.args[0], tc.folder, entries)
		}
		if n := len(srv.Messages()); n != 0 {
			t.Errorf("%s with %s linked: %d messages went out", tc.args[0], tc.folder, n)
		}
	}
}

// TestStateFolderLinkedElsewhere: .tidings as a link to a folder on
// another disk keeps working: the state goes there.
func TestStateFolderLinkedElsewhere(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "")
	disk := t.TempDir()
	if err := os.Symlink(disk, filepath.Join(filepath.Dir(camp), ".tidings")); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"preview", camp}, {"send", "--yes", camp}} {
		if out, errOut, code := runCLI(t, args...); code != exitOK {
			t.Fatalf("%v: code %d\n%s%s", args, code, out, errOut)
		}
	}
	if _, err := os.Stat(filepath.Join(disk, "t", "journal.jsonl")); err != nil {
		t.Errorf("no journal on the linked disk: %v", err)
	}
}

// TestStateDirCampaignFolder: state_dir "." makes the campaign's folder
// the state folder; send leaves the folder and the user's files as they
// were, and warns once that the folder is readable by others.
func TestStateDirCampaignFolder(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "state_dir: \".\"\n")
	dir := filepath.Dir(camp)
	mine := map[string]os.FileMode{dir: 0o755}
	for _, name := range []string{"c.yaml", "body.txt", "r.csv"} {
		mine[filepath.Join(dir, name)] = 0o644
	}
	for p, mode := range mine {
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
	}
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitOK {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	for p, want := range mine {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: %v (%v), want %04o", p, fi.Mode().Perm(), err, want)
		}
	}
	want := "warning: " + dir + " is readable by others (mode 0755) and holds other files: tidings writes recipients' addresses there; chmod 700 it or choose another state_dir"
	if strings.Count(errOut, want) != 1 {
		t.Errorf("want the warning %q once:\n%s", want, errOut)
	}
	if fi, err := os.Stat(filepath.Join(dir, "journal.jsonl")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("journal: %v", err)
	}
}
