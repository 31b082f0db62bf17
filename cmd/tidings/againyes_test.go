package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// limitedLine is send's summary's line of the rows a send --limit 2
// over 5 rows held back, with the command that sends them.
func limitedLine(command string) string {
	return "3 not sent (not tried in this run: --limit 2): " + command + " sends them.\n"
}

// notReachedLine is report's line of those rows (no send has reached
// them: the send that held them back is over), with the command.
func notReachedLine(command string) string {
	return "3 not sent (not tried yet: no send has reached them): " + command + " sends them.\n"
}

// TestReportAgainKeepsYes: after a send --yes --rate 100/s --concurrency
// 1 held back past --limit, tidings report named the command that sends
// the rest as "tidings send c.yaml": a cron job that ran send --yes and
// pasted it was refused ("not on a terminal: pass --yes"), and it lost
// the run's rate. It names the command send's summary named, --yes and
// all, in its summary and in report.json's ending alike.
func TestReportAgainKeepsYes(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 5, "")
	out, errOut, code := runCLI(t, "send", "--yes", "--rate", "100/s", "--concurrency", "1", "--limit", "2", camp)
	again := "tidings send --yes --rate 100/s --concurrency 1 " + commandArg(camp)
	if want := limitedLine(again); code != exitSomeFailed || len(srv.Messages()) != 2 || !strings.Contains(out, want) {
		t.Fatalf("send: code %d, %d sent, want %q\n%s%s", code, len(srv.Messages()), want, out, errOut)
	}
	sent := readReportJSON(t, camp).Ending
	rout, rerr, code := runCLI(t, "report", camp)
	if want := notReachedLine(again); code != exitSomeFailed || !strings.Contains(rout, want) {
		t.Errorf("report: code %d, want %q as send said it\n%s%s", code, want, rout, rerr)
	}
	if rep := readReportJSON(t, camp).Ending; rep.Next != sent.Next || !strings.HasPrefix(rep.Next, "tidings send --yes --rate 100/s --concurrency 1 ") {
		t.Errorf("report.json's ending: report's next %q, send's %q", rep.Next, sent.Next)
	}
}

// TestReportAgainOldJournal: a journal whose send's record has no "yes"
// (written by a tidings before it recorded one) reads as a send without
// --yes: report names the command with the flags that record has (its
// --rate), without --yes, and reads the rows as before.
func TestReportAgainOldJournal(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 5, "")
	if out, errOut, code := runCLI(t, "send", "--yes", "--rate", "100/s", "--limit", "2", camp); code != exitSomeFailed {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	path := filepath.Join(filepath.Dir(camp), ".tidings", "t", "journal.jsonl")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	old := strings.Replace(string(b), `,"yes":"true"`, "", 1)
	if old == string(b) {
		t.Fatalf("the send's run record has no \"yes\":\n%s", b)
	}
	if err := os.WriteFile(path, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "report", camp)
	if want := notReachedLine("tidings send --rate 100/s " + commandArg(camp)); code != exitSomeFailed || !strings.Contains(out, want) || !strings.Contains(out, "2 sent") {
		t.Errorf("report of the older journal: code %d, want 2 sent and %q\n%s%s", code, want, out, errOut)
	}
}

// TestSendAgainQuotesRate: a --rate the shell splits ("100/ s", which
// the rate's parser takes) was named as it was given, so the command
// pasted from the summary ran "tidings send --rate 100/ s c.yaml" and
// was refused; it is one shell word, in send's summary and report's.
func TestSendAgainQuotesRate(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 5, "")
	out, errOut, err := sendWith(camp, sendOptions{rate: "100/ s", limit: 2, limitSet: true})
	again := "tidings send --yes --rate '100/ s' " + commandArg(camp)
	if want := limitedLine(again); exitCode(err) != exitSomeFailed || !strings.Contains(out, want) {
		t.Fatalf("send: %v, want %q\n%s%s", err, want, out, errOut)
	}
	if rout, rerr, _ := runCLI(t, "report", camp); !strings.Contains(rout, notReachedLine(again)) {
		t.Errorf("report: want %q\n%s%s", notReachedLine(again), rout, rerr)
	}
}

// TestRefusalKeepsItsFlags: a send refused to start as rows have
// problems records the flags it ran with, and a refusal in the same
// words with other flags is written again: report's last line names the
// command of the latest refusal (it named a plain "send", and a cron's
// send --yes --rate 100/s that pasted it was refused off the terminal).
func TestRefusalKeepsItsFlags(t *testing.T) {
	t.Parallel()
	camp, state := sentCampaign(t, 3)
	setSheet(t, camp, readFile(t, filepath.Join(filepath.Dir(camp), "r.csv"))+"user009@example.com,New\nbad-address,Bad\n")
	for i, args := range [][]string{{"--yes"}, {"--yes"}, {"--yes", "--rate", "100/s"}} {
		if out, errOut, code := runCLI(t, append(append([]string{"send"}, args...), camp)...); code != exitSomeFailed {
			t.Fatalf("refused send %v: code %d\n%s%s", args, code, out, errOut)
		}
		if got, want := strings.Count(readFile(t, filepath.Join(state, "journal.jsonl")), `"refused":"`), []int{1, 1, 2}[i]; got != want {
			t.Errorf("after send %v: %d refusal lines in the journal, want %d", args, got, want)
		}
	}
	out, errOut, code := runCLI(t, "report", camp)
	if want := "; send --yes --rate 100/s sends the not-attempted once the rows with problems are fixed\n"; code != exitSomeFailed || !strings.HasSuffix(errOut, want) {
		t.Errorf("report: code %d, want its last line to end %q\n%s%s", code, want, out, errOut)
	}
}

// TestRefusalKeepsResendChanged: a send --yes --resend-changed refused
// to start as a row has a problem, while a corrected row waits to go
// again, recorded its --yes but not its --resend-changed, so the next
// refusal's flags never matched the one recorded: a cron retrying it
// each hour wrote a refusal line to the journal each time, where one
// with the same words and flags is written once. The refusal records
// --resend-changed as a send does: one line for both, and report's
// ending is the refused send's.
func TestRefusalKeepsResendChanged(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := revisedCampaign(t, srv, "invoice,email,name,amount\n1,ann@example.com,Ann,10.00\n2,bob@example.com,Bob,20.00\n")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	setSheet(t, camp, "invoice,email,name,amount\n1,ann@example.com,Ann,11.00\n2,bob@example.com,Bob,20.00\n3,bad-address,Bad,5.00\n")
	for range 2 {
		if out, errOut, code := runCLI(t, "send", "--yes", "--resend-changed", camp); code != exitSomeFailed {
			t.Fatalf("refused send: code %d\n%s%s", code, out, errOut)
		}
	}
	journal := readFile(t, filepath.Join(filepath.Dir(camp), ".tidings", "t", "journal.jsonl"))
	if n := strings.Count(journal, `"refused":"`); n != 1 {
		t.Errorf("%d refusal lines in the journal after two refusals in the same words and flags, want 1:\n%s", n, journal)
	}
	refused := readReportJSON(t, camp).Ending
	if out, errOut, code := runCLI(t, "report", camp); code != exitSomeFailed {
		t.Fatalf("report: code %d\n%s%s", code, out, errOut)
	}
	if rep := readReportJSON(t, camp).Ending; rep != refused && (rep.Kind != refused.Kind || rep.Next != refused.Next) {
		t.Errorf("report.json's ending: report's %+v, the refused send's %+v", rep, refused)
	}
}
