package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestReportAfterStoppedRun: a send stopped by a server that refuses
// service leaves its rows not attempted with the stop's words, and
// tidings report rebuilds the same report: the rows the run never took up
// read "not tried yet" there (20 of 30 in send's one line, 10 in another),
// where send's report gave every row the stop (rev-user6); its summary
// gives them one line too. Neither gives a row a message_id or a cc: no
// message went, for the rows the pool took up nor for the others (send's
// report gave those the Message-ID of a message that never left, where
// report's gave none: a user's review).
func TestReportAfterStoppedRun(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t, smtptest.RefuseWith("554 5.7.1 no service for you"))
	camp := sendCampaign(t, srv, 30, "cc: boss@example.com\n")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitUnusable || !strings.Contains(out, "30 not sent (run stopped: ") {
		t.Fatalf("send: code %d, want %d and one line for the 30 rows\n%s%s", code, exitUnusable, out, errOut)
	}
	sent := readReport(t, camp)
	out, errOut, code := runCLI(t, "report", camp)
	if code != exitSomeFailed || !strings.Contains(out, "30 not sent (run stopped: ") || strings.Contains(out, "not tried yet") {
		t.Errorf("report: code %d, want %d and one line for the 30 rows\n%s%s", code, exitSomeFailed, out, errOut)
	}
	for i, r := range readReport(t, camp) {
		if s := sent[i]; r["status"] != s["status"] || r["detail"] != s["detail"] || !strings.HasPrefix(r["detail"], "run stopped: ") {
			t.Errorf("row %s: send wrote %s %q, report %s %q", s["row"], s["status"], s["detail"], r["status"], r["detail"])
		}
		for col, v := range sent[i] {
			if r[col] != v {
				t.Errorf("row %s, column %s: send wrote %q, report %q", sent[i]["row"], col, v, r[col])
			}
		}
		if s := sent[i]; s["message_id"] != "" || s["cc"] != "" {
			t.Errorf("row %s, not attempted: message_id %q, cc %q, want none (no message went)", s["row"], s["message_id"], s["cc"])
		}
	}
}

// TestResendChangedStoppedKeepsSent: a send --resend-changed stopped
// before the corrected message of a sent row went (the server refusing
// service) reported the row not attempted, without the Message-ID of the
// message that had gone, and counted it among the rows not sent, where
// tidings report gave it sent with it (rev-last6); the row keeps the line
// of the message that went, in both, and the summary says it was not sent
// again.
func TestResendChangedStoppedKeepsSent(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "cc: boss@example.com\n")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	first := readReport(t, camp)
	sheet := filepath.Join(filepath.Dir(camp), "r.csv")
	writeFiles(t, filepath.Dir(sheet), map[string]string{"r.csv": "email,name\nuser000@example.com,Ann\nuser001@example.com,User 1\nuser002@example.com,User 2\n"})
	refusing := smtptest.NewServer(t, smtptest.RefuseWith("554 5.7.1 no service for you"))
	yaml, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	yaml = []byte(strings.Replace(string(yaml), fmt.Sprintf("port: %d,", srv.Port), fmt.Sprintf("port: %d,", refusing.Port), 1))
	writeFiles(t, filepath.Dir(camp), map[string]string{"c.yaml": string(yaml)})
	out, errOut, code := runCLI(t, "send", "--yes", "--resend-changed", camp)
	if code != exitUnusable || !strings.Contains(out, "3 recipients: 3 sent") || !strings.Contains(out, "\n1 row changed since its message went out, not sent again (listed above)\n") {
		t.Fatalf("send --resend-changed to a server refusing service: code %d, want %d and the 3 rows sent as before\n%s%s", code, exitUnusable, out, errOut)
	}
	sent := readReport(t, camp)
	if _, errOut, code := runCLI(t, "report", camp); code != exitOK {
		t.Fatalf("report: code %d\n%s", code, errOut)
	}
	for i, r := range readReport(t, camp) {
		for _, col := range []string{"status", "message_id", "cc", "detail"} {
			if sent[i][col] != first[i][col] || r[col] != first[i][col] {
				t.Errorf("row %s, %s: first send %q, the stopped send %q, report %q", r["row"], col, first[i][col], sent[i][col], r[col])
			}
		}
	}
}
