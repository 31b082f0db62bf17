package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestAgainWithoutYesOnTerminal: a send without --yes confirmed on a
// terminal names the command that sends the rest without --yes (the next
// asks again, as this one did), with the run's --rate, in its summary and
// its closing line, and tidings report names the same, not the earlier
// cron send's --yes nor a plain command without the rate.
func TestAgainWithoutYesOnTerminal(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 6, "")
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "1", camp); code != exitSomeFailed {
		t.Fatalf("the send from cron: code %d\n%s%s", code, out, errOut)
	}
	master, slave := openPTY(t)
	if _, err := io.WriteString(master, "y\n"); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: slave, abort: context.Background()}
	err := execute(context.Background(), g, []string{"send", "--rate", "100/s", "--limit", "2", camp})
	again := "tidings send --rate 100/s " + commandArg(camp)
	if want := limitedLine(again); exitCode(err) != exitSomeFailed || !strings.Contains(errOut.String(), "[y/N]") || len(srv.Messages()) != 3 || !strings.Contains(out.String(), want) {
		t.Fatalf("send on a terminal, confirmed: %v, %d sent, want %q\n%s%s", err, len(srv.Messages()), want, &out, &errOut)
	}
	// The closing line too, send's and report's alike.
	const closing = "run send --rate 100/s again for the not-attempted"
	if !strings.Contains(err.Error(), closing) {
		t.Errorf("send's error %q, want %q in it", err, closing)
	}
	if rout, rerr, _ := runCLI(t, "report", camp); !strings.Contains(rout, notReachedLine(again)) || !strings.Contains(rerr, closing) || strings.Contains(rout+rerr, "--yes") {
		t.Errorf("report: want %q and %q, no --yes\n%s%s", notReachedLine(again), closing, rout, rerr)
	}
}
