//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestSheetOthersMayRead: a recipient sheet saved under umask 022 (0644)
// in folders every user may pass through (a sports club's members with
// their addresses and what their invoices come to, rev-user30) was read
// with no word, where a suppression list so was warned of: check and
// send say so with the chmod that mends it, and send still sends; a
// sheet its owner's alone is not told of.
func TestSheetOthersMayRead(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "")
	dir := filepath.Dir(camp)
	openToOthers(t, dir)
	sheet := filepath.Join(dir, "r.csv")
	if err := os.Chmod(sheet, 0o644); err != nil {
		t.Fatal(err)
	}
	want := "recipients: " + sheet + " can be read by every user of this machine (mode 0644), and it holds every recipient's row: names, addresses and what else its columns hold; make it yours alone: chmod 600 " + sheet
	out, errOut, code := runCLI(t, "check", camp)
	if code != 0 || !strings.Contains(out, want) {
		t.Fatalf("check: exit %d\n%s%s\nwant a warning saying %q", code, out, errOut, want)
	}
	out, errOut, code = runCLI(t, "send", "--yes", camp)
	if code != 0 || !strings.Contains(out, want) {
		t.Fatalf("send: exit %d\n%s%s\nwant a warning saying %q", code, out, errOut, want)
	}
	if n := len(srv.Messages()); n != 2 {
		t.Errorf("the server has %d messages, want 2", n)
	}
	if err := os.Chmod(sheet, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := runCLI(t, "check", camp); code != 0 || strings.Contains(out+errOut, "every user") {
		t.Errorf("check of a sheet its owner's alone: exit %d\n%s%s", code, out, errOut)
	}
}

// openToOthers lets other users of the machine through dir, a folder in
// a t.TempDir, and the testing package's folder above it (both 0700),
// as a home folder under umask 022 does; it skips the test where the
// folders above those do not let them through (TMPDIR below a folder of
// the user's own).
func openToOthers(t *testing.T, dir string) {
	t.Helper()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if _, open := campaign.OpenToOthers(dir, 0o001); !open {
		t.Skipf("others may not pass through the folders above %s", dir)
	}
}

// TestSheetModeWarningQuotesPath: the chmod a sheet's warning gives is
// one to paste into a shell: a sheet named "leden 2026.csv" was told
// "chmod 600 leden 2026.csv", which chmods two files that are not there;
// the path is quoted as every other command tidings gives.
func TestSheetModeWarningQuotesPath(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 1, "")
	dir := filepath.Dir(camp)
	openToOthers(t, dir)
	sheet := filepath.Join(dir, "leden 2026.csv")
	if err := os.Rename(filepath.Join(dir, "r.csv"), sheet); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(sheet, 0o644); err != nil {
		t.Fatal(err)
	}
	yaml, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(camp, []byte(strings.Replace(string(yaml), "{path: r.csv}", `{path: "leden 2026.csv"}`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	want := "make it yours alone: chmod 600 " + commandArg(sheet) + "\n"
	if out, errOut, code := runCLI(t, "check", camp); code != 0 || !strings.Contains(out, want) || !strings.Contains(want, "'") {
		t.Errorf("check: exit %d\n%s%s\nwant a warning ending %q", code, out, errOut, want)
	}
}
