//go:build unix

package statefile_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool/bounces"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/plan"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/spool"
	"github.com/tidings/tidings/sendpool/statefile"
)

// makeFolder makes dir (mode dirMode) holding the files named in files,
// each with its mode; a name ending in / is a folder.
func makeFolder(t *testing.T, dir string, dirMode os.FileMode, files map[string]os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, mode := range files {
		p := filepath.Join(dir, name)
		var err error
		if strings.HasSuffix(name, "/") {
			err = os.Mkdir(p, 0o700)
		} else {
			err = os.WriteFile(p, []byte("x"), 0o600)
		}
		if err == nil {
			err = os.Chmod(p, mode)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(dir, dirMode); err != nil {
		t.Fatal(err)
	}
}

// wantModes checks the mode (permissions and sticky, setuid and setgid
// bits) of each path.
func wantModes(t *testing.T, want map[string]os.FileMode) {
	t.Helper()
	const bits = os.ModePerm | os.ModeSticky | os.ModeSetuid | os.ModeSetgid
	for p, mode := range want {
		fi, err := os.Stat(p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
		} else if fi.Mode()&bits != mode {
			t.Errorf("%s: mode %v, want %v", filepath.Base(p), fi.Mode()&bits, mode)
		}
	}
}

// TestTightenCampaignFolder: state_dir "." makes the campaign's folder
// the state folder. Only what tidings wrote there is tightened; the
// folder and the user's own files keep their modes, and a warning says
// the folder is readable by others.
func TestTightenCampaignFolder(t *testing.T) {
	dir := t.TempDir()
	makeFolder(t, dir, 0o755, map[string]os.FileMode{
		"c.yaml": 0o644, "body.txt": 0o644, "people.csv": 0o666,
		"journal.jsonl": 0o644, "spool/": 0o755, "notes/": 0o755,
	})
	notes, err := statefile.Tighten(dir)
	if err != nil {
		t.Fatal(err)
	}
	wantModes(t, map[string]os.FileMode{
		dir: 0o755, filepath.Join(dir, "c.yaml"): 0o644, filepath.Join(dir, "body.txt"): 0o644,
		filepath.Join(dir, "people.csv"): 0o666, filepath.Join(dir, "notes"): 0o755,
		filepath.Join(dir, "journal.jsonl"): 0o600, filepath.Join(dir, "spool"): 0o700,
	})
	want := dir + " is readable by others (mode 0755) and holds other files: tidings writes recipients' addresses there; chmod 700 it or choose another state_dir"
	if len(notes) != 3 || notes[0] != want {
		t.Errorf("notes = %q, want the warning %q and a line for the journal and spool/", notes, want)
	}
}

// TestTightenSharedFolder: a sticky folder others write into (/tmp-like)
// holding another user's file is left as it is, sticky bit and all, with
// a warning; nothing else is changed, and no error.
func TestTightenSharedFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "x")
	makeFolder(t, dir, 0o777|os.ModeSticky, map[string]os.FileMode{"theirs": 0o644, "mine": 0o666})
	chownNobody(t, filepath.Join(dir, "theirs"))
	notes, err := statefile.Tighten(dir)
	if err != nil {
		t.Fatal(err)
	}
	wantModes(t, map[string]os.FileMode{dir: 0o777 | os.ModeSticky, filepath.Join(dir, "theirs"): 0o644, filepath.Join(dir, "mine"): 0o666})
	if len(notes) != 1 || !strings.Contains(notes[0], dir+" is readable by others (mode 1777) and holds other files") {
		t.Errorf("notes = %q, want one warning naming the folder and its mode", notes)
	}
}

// TestTightenKeepsSticky: a state folder holding only what tidings wrote
// is tightened, keeping its sticky and setgid bits.
func TestTightenKeepsSticky(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "november")
	makeFolder(t, dir, 0o777|os.ModeSticky|os.ModeSetgid, map[string]os.FileMode{"report.csv": 0o644})
	notes, err := statefile.Tighten(dir)
	if err != nil {
		t.Fatal(err)
	}
	wantModes(t, map[string]os.FileMode{dir: 0o700 | os.ModeSticky | os.ModeSetgid, filepath.Join(dir, "report.csv"): 0o600})
	if len(notes) != 2 || !strings.Contains(notes[0], dir+" was mode 3777, readable by others: made 3700") {
		t.Errorf("notes = %q", notes)
	}
}

// TestTightenRefusesUnchanged: a loose journal another user owns is an
// error, and nothing was changed before it was found: neither the folder
// nor the loose report beside it.
func TestTightenRefusesUnchanged(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "november")
	makeFolder(t, dir, 0o755, map[string]os.FileMode{"report.csv": 0o644, "journal.jsonl": 0o644})
	chownNobody(t, filepath.Join(dir, "journal.jsonl"))
	_, err := statefile.Tighten(dir)
	if err == nil || !strings.Contains(err.Error(), "journal.jsonl is readable by others (mode 0644) and another user's") {
		t.Fatalf("err = %v, want the journal refused", err)
	}
	wantModes(t, map[string]os.FileMode{dir: 0o755, filepath.Join(dir, "report.csv"): 0o644})
}

// chownNobody gives path to another user, or skips the test when the
// user running it may not.
func chownNobody(t *testing.T, path string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("giving a file to another user needs root")
	}
	if err := syscall.Chown(path, 65534, 65534); err != nil {
		t.Fatal(err)
	}
}

// TestOwnNamesWriters: the names the writers use in the state folder are
// all tidings' own (statefile.Own), and a user's file is not; the
// attachment check's list of them (render.StateWrote) says the same.
func TestOwnNamesWriters(t *testing.T) {
	for _, name := range []string{journal.FileName, journal.LockFileName, report.CSVFile, report.JSONFile,
		report.PageFile, report.PageDataDir, spool.Folder, plan.IDSaltFile, bounces.ReadFile, "preview", ".report.log", ".report.log-123",
		".report.csv.42.tmp", ".report.json.rows.42.tmp", ".report.html.42.tmp"} {
		if !statefile.Own(name) {
			t.Errorf("Own(%q) = false", name)
		}
		if !render.StateWrote(name) {
			t.Errorf("render.StateWrote(%q) = false", name)
		}
	}
	for _, name := range []string{"c.yaml", "people.csv", "report.csv.bak", "journal.jsonl.old"} {
		if statefile.Own(name) {
			t.Errorf("Own(%q) = true", name)
		}
		if render.StateWrote(name) {
			t.Errorf("render.StateWrote(%q) = true", name)
		}
	}
}
