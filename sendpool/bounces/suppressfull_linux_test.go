package bounces

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
)

// tmpfsEnv names, in the test run again inside a mount namespace of its
// own, the folder a small tmpfs is mounted on.
const tmpfsEnv = "TIDINGS_TEST_TMPFS"

// TestAppendSuppressionsFullDisk: bounces appended its lines to the
// suppression list on a disk that filled up halfway: the list kept a
// line cut off ("ann@exa" or "ann@example.org  # bou"), and every send
// and bounces after refused the list, or suppressed an address nobody
// asked for, until someone repaired it by hand. The list now has the
// lines it had, or all the new ones. It runs on a real full tmpfs, in a
// mount namespace of its own (unshare -rm), and is skipped where there
// is none to have.
func TestAppendSuppressionsFullDisk(t *testing.T) {
	if dir := os.Getenv(tmpfsEnv); dir != "" {
		appendOnFullDisk(t, dir)
		return
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("no unshare: no tmpfs of the test's own")
	}
	dir := t.TempDir()
	script := `mount -t tmpfs -o size=64k tmpfs "$1" || exit 99; exec "$2" -test.run='^TestAppendSuppressionsFullDisk$' -test.count=1 -test.v`
	cmd := exec.Command(unshare, "-rm", "sh", "-c", script, "sh", dir, os.Args[0])
	cmd.Env = append(os.Environ(), tmpfsEnv+"="+dir)
	out, err := cmd.CombinedOutput()
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) && ee.ExitCode() == 99 || err != nil && !strings.Contains(string(out), "--- ") {
		t.Skipf("no tmpfs of the test's own: %v\n%s", err, out)
	}
	if err != nil || !strings.Contains(string(out), "--- PASS") {
		t.Errorf("on a full tmpfs: %v\n%s", err, out)
	}
}

// appendOnFullDisk fills the tmpfs at dir but for the room the list's
// page has left, and appends more lines than fit.
func appendOnFullDisk(t *testing.T, dir string) {
	path := filepath.Join(dir, "suppress.txt")
	before := "old@example.org  # bounced 5.1.1, tidings bounces, campaign c, 2026-12-01\n"
	if err := os.WriteFile(path, []byte(before), 0o600); err != nil {
		t.Fatal(err)
	}
	fill(t, filepath.Join(dir, "filler"))
	var list []Suppression
	for i := range 200 {
		list = append(list, Suppression{Address: fmt.Sprintf("user%03d@example.org", i), Kind: "bounced", Status: "5.1.1"})
	}
	err := AppendSuppressions(path, list, "c", time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "no space left on device; what was added to it was cut off again, so the list is as it was") {
		t.Fatalf("AppendSuppressions: %v, want ENOSPC and the list cut back", err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != before {
		t.Errorf("the list after a full disk (%v), want it as it was:\n%q", err, b)
	}
	if _, err := campaign.LoadSuppression(path); err != nil {
		t.Errorf("the list after a full disk does not load: %v", err)
	}
}

// fill writes path until the disk is full.
func fill(t *testing.T, path string) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			return
		}
	}
}
