//go:build unix

package main

import (
	"io/fs"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestStateIsPrivate: what tidings writes about recipients (journal,
// report, preview messages and gallery) is readable by its owner only.
func TestStateIsPrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	for _, args := range [][]string{{"preview", camp}, {"send", "--yes", camp}} {
		if out, errOut, code := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: code %d\n%s%s", args, code, out, errOut)
		}
	}
	state := filepath.Join(filepath.Dir(camp), ".tidings")
	n := 0
	err := filepath.WalkDir(state, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s is %v", p, fi.Mode().Perm())
		}
		n++
		return nil
	})
	if err != nil || n < 10 {
		t.Fatalf("walked %d entries: %v", n, err)
	}
}
