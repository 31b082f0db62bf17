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

// closedPipe returns the writing end of a pipe whose reader is gone: a
// write to it fails with EPIPE (and raises SIGPIPE), as the output of
// `tidings … | head -3` once head has exited, or of a cron wrapper that
// died.
func closedPipe(t *testing.T) *os.File {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	t.Cleanup(func() { w.Close() })
	return w
}

// runClosedOut runs the tidings binary with args, its stdout the closed
// pipe (and stderr too, when errToo; else captured), and returns its exit
// status and its stderr.
func runClosedOut(t *testing.T, errToo bool, args ...string) (syscall.WaitStatus, string) {
	t.Helper()
	bin, err := buildTidings()
	if err != nil {
		t.Fatal(err)
	}
	var errOut bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "CI=")
	cmd.Stdout = closedPipe(t)
	cmd.Stderr = &errOut
	if errToo {
		cmd.Stderr = cmd.Stdout
	}
	err = cmd.Run()
	if ee := (*exec.ExitError)(nil); err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return cmd.ProcessState.Sys().(syscall.WaitStatus), errOut.String()
}

// TestSendOutlivesClosedOutput: a send whose stdout and stderr are a pipe
// nobody reads any more (a cron wrapper gone, `| head`) sends every
// message, journals and reports each, and exits 0 as the run went; Go's
// default, death by SIGPIPE at the first line, sent nothing. With only
// stdout closed, stderr gets no "broken pipe". The commands that only
// print (report, check, show) still end at their first write as a Unix
// tool does, killed by SIGPIPE (141 in a shell), saying nothing of it.
func TestSendOutlivesClosedOutput(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	srv := smtptest.NewServer(t)
	const n = 120
	camp := sendCampaign(t, srv, n, "")
	ws, _ := runClosedOut(t, true, "send", "--yes", camp)
	if !ws.Exited() || ws.ExitStatus() != 0 {
		t.Fatalf("send with its output closed: %v, want exit 0", ws)
	}
	if got := len(srv.Messages()); got != n {
		t.Errorf("the server got %d messages, want %d", got, n)
	}
	journal, err := os.ReadFile(filepath.Join(filepath.Dir(camp), ".tidings", "t", "journal.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if got := bytes.Count(journal, []byte(`"status":"sent"`)); got != n {
		t.Errorf("the journal has %d sent records, want %d", got, n)
	}
	sent := 0
	for _, r := range readReport(t, camp) {
		if r["status"] == "sent" {
			sent++
		}
	}
	if sent != n {
		t.Errorf("report.csv has %d sent rows, want %d", sent, n)
	}

	// Only stdout closed: nothing to send now, nothing said of the pipe.
	ws, errOut := runClosedOut(t, false, "send", "--yes", camp)
	if !ws.Exited() || ws.ExitStatus() != 0 || strings.Contains(errOut, "pipe") {
		t.Errorf("send again, stdout closed: %v, want exit 0\n%s", ws, errOut)
	}
	for _, args := range [][]string{{"report", camp}, {"check", camp}, {"show", camp, "--row", "2"}} {
		ws, errOut := runClosedOut(t, false, args...)
		if !ws.Signaled() || ws.Signal() != syscall.SIGPIPE || strings.Contains(errOut, "pipe") {
			t.Errorf("%s, stdout closed: %v, want killed by SIGPIPE, no word of the pipe\n%s", args[0], ws, errOut)
		}
	}
}

// TestBouncesOutlivesClosedOutput: bounces run by cron with its output
// gone reads, records and deletes the reports as it does on a terminal
// (exit 1: some are about no message of the campaign), suppressing the
// addresses; killed by SIGPIPE at its first line, it deleted none.
func TestBouncesOutlivesClosedOutput(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	camp, _, mp, deliver := popBounces(t, "", "")
	var reports []string
	for _, r := range mailboxReports(messageIDs(t, camp)) {
		reports = append(reports, string(r))
	}
	deliver(reports...)
	supFile := filepath.Join(filepath.Dir(camp), "suppress.txt")
	before := readFile(t, supFile)
	ws, _ := runClosedOut(t, true, "bounces", "--delete", camp)
	if !ws.Exited() || ws.ExitStatus() != exitSomeFailed {
		t.Fatalf("bounces with its output closed: %v, want exit %d", ws, exitSomeFailed)
	}
	if n := len(mp.Messages(t)); n != 4 {
		t.Errorf("mailpit holds %d messages after --delete, want the 4 unmatched", n)
	}
	if readFile(t, supFile) == before {
		t.Error("the run with its output closed suppressed no address")
	}
}
