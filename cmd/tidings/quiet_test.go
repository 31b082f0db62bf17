package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestQuietKeepsToProblemsAndSummary: --quiet promises only problems and
// the summary (README, the flag's help), but send printed its plan line
// ("t: 3 rows; 2 to send now via …") and a test send its own, and
// preview the line telling where its index is. Each prints its problems,
// warnings and summary, and no plan or hint; send no blank line above
// its summary where no plan comes before it (today's review).
func TestQuietKeepsToProblemsAndSummary(t *testing.T) {
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port),
		"body.txt": "Hi {{.name}}\n",
		"r.csv":    "email,name\nann@example.com,Ann\nnot-an-address,Bob\ncy@example.com,\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	for _, tc := range []struct {
		args           []string
		want, unwanted []string
	}{
		{[]string{"check", "-q"}, []string{"problem: ", "warning: ", "3 recipients, 2 ready, 1 with problems"}, []string{"estimate", "copies of the messages"}},
		{[]string{"preview", "-q"}, []string{"problem: ", "warning: ", "wrote 2 messages to"}, []string{"open "}},
		{[]string{"send", "-q", "--test", "tester@qa.example"}, []string{"test send: 2 of 2 messages sent"}, []string{"test send of"}},
		{[]string{"send", "-q", "--yes", "--skip-invalid"}, []string{"problem: ", "warning: ", "3 recipients: 2 sent, 1 invalid", "report: "}, []string{"to send now", "connection", "copies of the messages"}},
	} {
		out, errOut, _ := runCLI(t, append(tc.args, camp)...)
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v: stdout lacks %q:\n%s---\n%s", tc.args, w, out, errOut)
			}
		}
		for _, u := range tc.unwanted {
			if strings.Contains(out+errOut, u) {
				t.Errorf("%v: prints %q under --quiet:\n%s---\n%s", tc.args, u, out, errOut)
			}
		}
	}
	// A send with nothing to tell but its summary starts with it, not
	// with the blank line that sets it apart from the plan: cron mails
	// the output as it is.
	writeFiles(t, dir, map[string]string{"r.csv": "email,name\nann@example.com,Ann\ndee@example.com,Dee\n"})
	if out, errOut, code := runCLI(t, "send", "-q", "--yes", camp); code != exitOK || !strings.HasPrefix(out, "3 recipients: 3 sent\n") {
		t.Errorf("send -q of a sheet without problems: code %d, stdout does not start with the summary:\n%q\n%s", code, out, errOut)
	}
}

// TestQuietSendInParts: a long send in parts under --quiet printed each
// part's plan ("part 2: 7 messages still to send, rendered again now …")
// and the first part's; it prints each part's summary and the run's.
func TestQuietSendInParts(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 12, "send: {concurrency: 2, retry_backoff: 1ms, rate: 100/s}\n")
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background(), quiet: true}
	err := runSend(context.Background(), sendOptions{yes: true, partSpan: partSpanForTest}, g, camp)
	if err != nil || !strings.Contains(out.String(), "part 1 done: ") || !strings.Contains(out.String(), "12 recipients: 12 sent\n") {
		t.Fatalf("send: %v\n%s%s", err, out.String(), errOut.String())
	}
	for _, u := range []string{"still to send", "to send now", "parts of at most"} {
		if strings.Contains(out.String()+errOut.String(), u) {
			t.Errorf("prints %q under --quiet:\n%s---\n%s", u, out.String(), errOut.String())
		}
	}
}
