package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestSendReportNotWritten: a send whose report.csv and report.json
// cannot be written (here report.json is a folder; a full disk in the
// field) says so on stderr, and its summary no longer names the files as
// written beside the page, also when the run stopped for a reason of its
// own (the server unreachable), which used to drop the report's error.
// Its summary counts the rows all the same, from the report's own lines
// (it said "the run's counts are not known here", which they were).
func TestSendReportNotWritten(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		unreachable bool
		// counts begins the summary; a closed server's port may be
		// another test's server's by the time the send dials it.
		counts string
	}{{"delivered", false, "3 recipients: 3 sent\n"}, {"stopped", true, "3 recipients: "}} {
		t.Run(tc.name, func(t *testing.T) {
			srv := smtptest.NewServer(t)
			camp := sendCampaign(t, srv, 3, "")
			if err := os.MkdirAll(filepath.Join(filepath.Dir(camp), ".tidings", "t", "report.json"), 0o700); err != nil {
				t.Fatal(err)
			}
			if tc.unreachable {
				srv.Close()
			}
			out, errOut, code := runCLI(t, "send", "--yes", "-q", camp)
			if code != exitUnusable {
				t.Errorf("exit %d, want %d", code, exitUnusable)
			}
			if !strings.Contains(errOut, "report.csv and report.json were not written") || !strings.Contains(errOut, "tidings report") {
				t.Errorf("stderr does not say the report was not written, nor what to do:\n%s", errOut)
			}
			if strings.Contains(out, "beside it") || !strings.Contains(out, tc.counts) {
				t.Errorf("stdout tells of a report that was not written, or lacks %q:\n%s", tc.counts, out)
			}
		})
	}
}

// TestSendInPartsReportNotWritten: a part of a long send whose report
// cannot be written ends the send (exit 2) and says so as a run does; it
// does not print "part 1 done … the later parts send the not-attempted",
// with no part after it, but the run's counts.
func TestSendInPartsReportNotWritten(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 12, "send: {concurrency: 1, rate: 100/s}\n")
	if err := os.MkdirAll(filepath.Join(filepath.Dir(camp), ".tidings", "t", "report.json"), 0o700); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background()}
	err := runSend(context.Background(), sendOptions{yes: true, partSpan: partSpanForTest}, g, camp)
	if exitCode(err) != exitUnusable || strings.Contains(out.String(), "part 1 done") || strings.Contains(out.String(), "part 2") ||
		!strings.Contains(out.String(), "12 recipients: 5 sent, 7 not-attempted\n") || len(srv.Messages()) != 5 {
		t.Errorf("send: %v (code %d), %d messages\n%s%s", err, exitCode(err), len(srv.Messages()), out.String(), errOut.String())
	}
}
