package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestShowCorrectedNamesEarlier: after an amount corrected and sent again
// (--resend-changed), show of the row prints the corrected message and
// says that one went before it, to whom and with which Message-ID: the
// client got both, and the office asked about "the invoice" needs to know.
// A row sent once has no such note.
func TestShowCorrectedNamesEarlier(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := revisedCampaign(t, srv, "invoice,email,name,amount\n1,ann@example.com,Ann,10.00\n2,bob@example.com,Bob,20.00\n")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	first := messageIDOf(t, serverCopy(t, srv, "ann@example.com"))
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "invoice,email,name,amount\n1,ann@example.com,Ann,12.00\n2,bob@example.com,Bob,20.00\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", "--resend-changed", camp); code != exitOK {
		t.Fatalf("send --resend-changed: %d\n%s%s", code, out, errOut)
	}
	out, errOut, code := runCLI(t, "show", camp, "1")
	want := "note: this is a corrected message; before it, 1 message went under this key, as the row was then: "
	if code != exitOK || !strings.Contains(out, "you owe 12.00") || !strings.Contains(errOut, want) ||
		!strings.Contains(errOut, strings.Trim(first, "<>")) || !strings.Contains(errOut, "to Ann <ann@example.com>") {
		t.Errorf("show of the corrected row: code %d, want the 12.00 message and %q naming %s\n%s", code, want, first, errOut)
	}
	if _, errOut, _ = runCLI(t, "show", camp, "2"); strings.Contains(errOut, "corrected") {
		t.Errorf("show of a row sent once speaks of a correction:\n%s", errOut)
	}
}

// TestShowCorrectedOneZone: show's line before a corrected message says
// when it was sent in UTC, as report.csv's finished_at (README), but its
// note of the message that went before said that one's time in the
// machine's zone: two zones in one output, for times a member's access
// request sets side by side. The note says it in UTC too. show runs as
// the binary with TZ set, as the user's shell sets it.
func TestShowCorrectedOneZone(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, err := buildTidings()
	if err != nil {
		t.Fatal(err)
	}
	srv := smtptest.NewServer(t)
	camp := revisedCampaign(t, srv, "invoice,email,name,amount\n1,ann@example.com,Ann,10.00\n")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "invoice,email,name,amount\n1,ann@example.com,Ann,12.00\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", "--resend-changed", camp); code != exitOK {
		t.Fatalf("send --resend-changed: %d\n%s%s", code, out, errOut)
	}
	cmd := exec.CommandContext(t.Context(), bin, "show", camp, "1")
	cmd.Env = append(os.Environ(), "TZ=Asia/Tokyo")
	var errOut strings.Builder
	cmd.Stderr = &errOut
	err = cmd.Run()
	note := regexp.MustCompile(`as the row was then: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ to Ann`)
	if err != nil || !note.MatchString(errOut.String()) || strings.Contains(errOut.String(), "+09:00") {
		t.Errorf("show of the corrected row under TZ=Asia/Tokyo: %v\n%s\nwant every time in UTC, as %s", err, errOut.String(), note)
	}
}
