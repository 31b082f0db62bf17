package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestReportJSONEndingKilled: a send killed outright (SIGKILL) with a
// message at the server records nothing of its end, and tidings report
// after it said "kind": "finished" with 4 rows left and one unknown (a
// cron script took the run for done: rev-eng14); it says killed, and
// what sends the rest.
func TestReportJSONEndingKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, err := buildTidings()
	if err != nil {
		t.Fatal(err)
	}
	gate := make(chan struct{})
	srv := smtptest.NewServer(t, smtptest.HoldData(gate))
	defer close(gate)
	camp := sendCampaign(t, srv, 5, "")
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	run := startBinarySend(ctx, t, bin, "--yes", "--concurrency", "1", camp)
	select {
	case <-srv.Held(): // the first message's body is at the server
	case <-ctx.Done():
		t.Fatal("no message reached the server")
	}
	if err := run.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	run.wait()
	out, errOut, code := runCLI(t, "report", camp)
	if code != exitSomeFailed {
		t.Fatalf("report: code %d\n%s%s", code, out, errOut)
	}
	r := readReportJSON(t, camp)
	if e := r.Ending; e.Kind != report.EndKilled || !strings.Contains(e.Words, "killed outright") ||
		e.Next != "tidings send --yes --concurrency 1 "+commandArg(camp)+" sends the 4 rows left; with --resend-unknown, also the 1 unknown row (which may arrive twice)" {
		t.Errorf("report after a send killed: ending %+v (%s)", *e, r.Summary.Counts())
	}
	if want := "last send: killed: " + r.Ending.Words + "; " + r.Ending.Next + ".\n"; !strings.Contains(out, want) { // fix-report2
		t.Errorf("report's lines do not say %q:\n%s", want, out)
	}
}

// TestReportKilledResendUnknown: a send --yes --resend-unknown killed
// outright with a message at the server left that row unknown, and
// report's ending named --resend-unknown twice: "tidings send --yes
// --resend-unknown c.yaml sends the 4 rows left; with --resend-unknown,
// also the 1 unknown row", and for the unknown row alone "tidings send
// --yes --resend-unknown c.yaml --resend-unknown sends …". The command
// has it once, and says it sends the unknown rows too.
func TestReportKilledResendUnknown(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, err := buildTidings()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		rows int
		next string // after the command
	}{
		{5, " sends the 4 rows left and again the 1 unknown row (which may arrive twice)"},
		{1, " sends the 1 unknown row (which may arrive twice) again"},
	} {
		t.Run(fmt.Sprint(tc.rows), func(t *testing.T) {
			gate := make(chan struct{})
			srv := smtptest.NewServer(t, smtptest.HoldData(gate))
			defer close(gate)
			camp := sendCampaign(t, srv, tc.rows, "")
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			run := startBinarySend(ctx, t, bin, "--yes", "--resend-unknown", "--concurrency", "1", camp)
			select {
			case <-srv.Held(): // the first message's body is at the server
			case <-ctx.Done():
				t.Fatal("no message reached the server")
			}
			if err := run.cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			run.wait()
			out, errOut, code := runCLI(t, "report", camp)
			if code != exitSomeFailed {
				t.Fatalf("report: code %d\n%s%s", code, out, errOut)
			}
			want := "tidings send --yes --resend-unknown --concurrency 1 " + commandArg(camp) + tc.next
			if e := readReportJSON(t, camp).Ending; e.Kind != report.EndKilled || e.Next != want {
				t.Errorf("report after a send --resend-unknown killed: next %q, want %q", e.Next, want)
			}
		})
	}
}

// TestReportJSONEndingRowsAdded: rows added to the sheet after a send of
// every row are left to the next send, as report's summary says
// ("tidings send c.yaml sends them"), where report.json's ending, kind
// finished, said nothing was left (no next: rev-eng14).
func TestReportJSONEndingRowsAdded(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	if e, _ := endingOfRun(t, camp, exitOK); e.Kind != report.EndFinished || e.Next != "" {
		t.Errorf("a send of every row: ending %+v", *e)
	}
	sheet := filepath.Join(filepath.Dir(camp), "r.csv")
	b, err := os.ReadFile(sheet)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, filepath.Dir(sheet), map[string]string{"r.csv": string(b) + "user008@example.com,New\nuser009@example.com,New\n"})
	if out, errOut, code := runCLI(t, "report", camp); code != exitSomeFailed || !strings.Contains(out, "tidings send --yes "+commandArg(camp)+" sends them") {
		t.Fatalf("report: code %d\n%s%s", code, out, errOut)
	}
	if e := readReportJSON(t, camp).Ending; e.Kind != report.EndFinished || e.Next != "tidings send --yes "+commandArg(camp)+" sends them" {
		t.Errorf("rows added since: ending %+v", *e)
	}
}

// TestReportKilledAfterInterrupt: rows an interrupted send left, which
// the send after it, killed outright, did not reach, read as not tried
// yet in report's summary and rows, not "the run was interrupted" of the
// send before (rev-user13: a cron script read report.json's kind
// "interrupted" after a kill -9).
func TestReportKilledAfterInterrupt(t *testing.T) {
	run, _, gate, camp := interruptedWhileHeld(t, 6)
	close(gate)
	if _, err := run.wait(); err == nil {
		t.Fatal("the interrupted send exited 0")
	}
	held := make(chan struct{})
	defer close(held)
	srv := smtptest.NewServer(t, smtptest.HoldData(held))
	b, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	yaml := regexp.MustCompile(`port: \d+`).ReplaceAllString(string(b), fmt.Sprintf("port: %d", srv.Port))
	writeFiles(t, filepath.Dir(camp), map[string]string{"c.yaml": yaml})
	bin, err := buildTidings()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	killed := startBinarySend(ctx, t, bin, "--yes", "--concurrency", "1", camp)
	select {
	case <-srv.Held():
	case <-ctx.Done():
		t.Fatal("no message reached the server")
	}
	if err := killed.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	killed.wait()
	out, errOut, _ := runCLI(t, "report", camp)
	if strings.Contains(out, "interrupted") || !strings.Contains(out, "not sent (not tried yet") {
		t.Errorf("report after an interrupted send and a killed one:\n%s%s", out, errOut)
	}
	for _, r := range readReport(t, camp) {
		if r["status"] == "not-attempted" && r["detail"] != sendpool.NotReached {
			t.Errorf("row %s: detail %q, want %q", r["row"], r["detail"], sendpool.NotReached)
		}
	}
	if e := readReportJSON(t, camp).Ending; e.Kind != report.EndKilled {
		t.Errorf("ending %+v, want killed", *e)
	}
}
