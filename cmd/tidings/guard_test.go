package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestBounceRateGuard: a list where one recipient in ten is refused for
// good stops once 200 were tried and more than 5% were refused: exit code
// 1, a message saying why, the rest not attempted; a resumed run counts
// from the journal and stops before sending anything. After the list is
// cleaned as the stop asks, the rest go, and the refused recipients the
// list now names keep their status but not the exit code at 1: no send
// tries them again (report says the same). report's last line says to
// take the failed out of the list and send the rest once it is cleaned.
func TestBounceRateGuard(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		var n int
		fmt.Sscanf(to, "user%d@", &n)
		if n%10 == 5 {
			return smtptest.Reply(550, "5.1.1", "no such user")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 500, "send: {concurrency: 1, retry_backoff: 1ms}\n")
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitSomeFailed || !strings.Contains(errOut+out, "were refused for good, over send.max_bounce_rate 5%") {
		t.Fatalf("code %d\n%s%s", code, out, errOut)
	}
	counts := map[string]int{}
	for _, r := range readReport(t, camp) {
		counts[r["status"]]++
	}
	tried := counts["sent"] + counts["failed"]
	if tried < 200 || tried > 260 || counts["not-attempted"] != 500-tried {
		t.Errorf("report %v: want the run stopped soon after 200 tries, the rest not attempted", counts)
	}
	// Not "sends them": they would be refused too (fix-sum2).
	cleaned := " sends them once the list is cleaned of the addresses refused (see why the run stopped).\n"
	if !strings.Contains(out, "not-attempted\n"+strconv.Itoa(500-tried)+" not sent (run stopped: too many recipients refused: ") || !strings.Contains(out, ": tidings send --yes "+camp+cleaned) {
		t.Errorf("send's line of the rows not sent does not say to clean the list first\n%s", out)
	}
	before := len(srv.Messages())
	out, errOut, code = runCLI(t, "send", "--yes", camp)
	if code != exitSomeFailed || !strings.Contains(errOut, "over send.max_bounce_rate") || len(srv.Messages()) != before || !strings.Contains(out, cleaned) {
		t.Errorf("resumed: code %d, %d more messages\n%s%s", code, len(srv.Messages())-before, out, errOut)
	}
	if out, errOut, code = runCLI(t, "report", camp); code != exitSomeFailed || !strings.Contains(out, ": tidings send --yes "+camp+cleaned) {
		t.Errorf("report: code %d, want %q\n%s%s", code, cleaned, out, errOut)
	}
	// report's last line: neither a retry of the refused nor a send that
	// would stop again.
	if last := "; take the failed out of the list (the to column of report.csv's failed rows), or correct their addresses and use --retry-failed; run send --yes again for the not-attempted once the list is cleaned of the addresses refused (see why the run stopped)\n"; !strings.HasSuffix(errOut, last) {
		t.Errorf("report's last line does not end %q\n%s", last, errOut)
	}
	cleanList(t, camp, 500)
	out, errOut, code = runCLI(t, "send", "--yes", camp)
	counts = map[string]int{}
	for _, r := range readReport(t, camp) {
		counts[r["status"]]++
	}
	want := fmt.Sprintf("%d of the failed are on the suppression list now: no send tries them again", counts["failed"])
	if code != 0 || strings.Contains(out+errOut, "max_bounce_rate") || counts["sent"] != 500-counts["failed"] || !strings.Contains(out, want) || strings.Contains(out+errOut, "--retry-failed") {
		t.Errorf("after cleaning: code %d, report %v, want %q\n%s%s", code, counts, want, out, errOut)
	}
	out, errOut, code = runCLI(t, "report", camp)
	if code != 0 || !strings.Contains(out, want) {
		t.Errorf("report after cleaning: code %d\n%s%s", code, out, errOut)
	}
	if j, w := readFile(t, filepath.Join(filepath.Dir(camp), ".tidings", "t", "report.json")), fmt.Sprintf(`"failed_suppressed": %d`, counts["failed"]); !strings.Contains(j, w) || !strings.Contains(j, `"now_suppressed": true`) {
		t.Errorf("report.json does not have %s and the rows marked now_suppressed", w)
	}
}

// TestBounceGuardRowsRemoved: taking the refused rows out of the sheet
// cleans the list as well as suppressing them does; the rest go.
func TestBounceGuardRowsRemoved(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if strings.HasSuffix(strings.SplitN(to, "@", 2)[0], "5") && strings.HasPrefix(to, "user") {
			return smtptest.Reply(550, "5.1.1", "no such user")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 400, "send: {concurrency: 1, retry_backoff: 1ms}\n")
	if _, errOut, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed || !strings.Contains(errOut, "over send.max_bounce_rate") {
		t.Fatalf("first run: code %d\n%s", code, errOut)
	}
	status := map[string]string{}
	for _, r := range readReport(t, camp) {
		status[r["key"]] = r["status"]
	}
	sheet := "email,name\n"
	kept := 0
	for i := range 400 {
		addr := fmt.Sprintf("user%03d@example.com", i)
		switch {
		case status[addr] == "failed":
			continue // taken out
		case i%10 == 5:
			addr = fmt.Sprintf("fixed%03d@example.com", i)
		}
		sheet += fmt.Sprintf("%s,User %d\n", addr, i)
		kept++
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": sheet})
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	counts := map[string]int{}
	for _, r := range readReport(t, camp) {
		counts[r["status"]]++
	}
	if code != 0 || counts["sent"] != kept || len(counts) != 1 {
		t.Errorf("after taking the refused rows out: code %d, report %v, want %d sent\n%s%s", code, counts, kept, out, errOut)
	}
}

// cleanList does what the guard's stop asks of the list of n rows that
// sendCampaign made: the addresses refused so far go in a suppress: file,
// the bad ones not tried yet (user…5) are corrected (fixed…5).
func cleanList(t *testing.T, camp string, n int) {
	t.Helper()
	status := map[string]string{}
	var supp strings.Builder
	for _, r := range readReport(t, camp) {
		status[r["key"]] = r["status"]
		if r["status"] == "failed" {
			supp.WriteString(r["key"] + "\n")
		}
	}
	sheet := "email,name\n"
	for i := range n {
		addr := fmt.Sprintf("user%03d@example.com", i)
		if i%10 == 5 && status[addr] == "not-attempted" {
			addr = fmt.Sprintf("fixed%03d@example.com", i)
		}
		sheet += fmt.Sprintf("%s,User %d\n", addr, i)
	}
	b, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": sheet, "sup.txt": supp.String(), "c.yaml": string(b) + "suppress: sup.txt\n"})
}

// TestBounceRateSetting: send.max_bounce_rate above the list's rate, or
// 0 (off), lets every row go.
func TestBounceRateSetting(t *testing.T) {
	t.Parallel()
	for _, rate := range []string{"20%", "0"} {
		srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
			var n int
			fmt.Sscanf(to, "user%d@", &n)
			if n%10 == 5 {
				return smtptest.Reply(550, "5.1.1", "no such user")
			}
			return nil
		}))
		camp := sendCampaign(t, srv, 300, "send: {concurrency: 2, retry_backoff: 1ms, max_bounce_rate: "+rate+"}\n")
		out, errOut, code := runCLI(t, "send", "--yes", camp)
		counts := map[string]int{}
		for _, r := range readReport(t, camp) {
			counts[r["status"]]++
		}
		if code != exitSomeFailed || counts["sent"] != 270 || counts["failed"] != 30 || strings.Contains(out+errOut, "max_bounce_rate") {
			t.Errorf("max_bounce_rate %s: code %d, report %v\n%s%s", rate, code, counts, out, errOut)
		}
	}
}

// TestFailedRowCorrected: a refused recipient whose row's address was
// corrected since, its old address put on the suppression list, is not
// "on the suppression list now": a retry sends to the corrected address,
// so the row stays failed (exit 1, --retry-failed advice: the server
// said the address does not exist, so correct it and use --retry-failed)
// until then.
func TestFailedRowCorrected(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if strings.Contains(to, "typo") {
			return smtptest.Reply(550, "5.1.1", "no such user")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 0, "suppress: sup.txt\n")
	dir := filepath.Dir(camp)
	keyByID(t, camp)
	writeFiles(t, dir, map[string]string{"r.csv": "id,email,name\n1,ann@example.com,Ann\n2,bbo-typo@example.com,Bob\n", "sup.txt": "# none\n"})
	if _, errOut, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed || !strings.Contains(errOut, "--retry-failed") {
		t.Fatalf("first send: code %d\n%s", code, errOut)
	}
	writeFiles(t, dir, map[string]string{"r.csv": "id,email,name\n1,ann@example.com,Ann\n2,bob@example.com,Bob\n", "sup.txt": "bbo-typo@example.com\n"})
	for _, args := range [][]string{{"send", "--yes", camp}, {"report", camp}} {
		out, errOut, code := runCLI(t, args...)
		if code != exitSomeFailed || strings.Contains(out, "on the suppression list now") || !strings.Contains(errOut, "or correct it and use --retry-failed") {
			t.Errorf("%s: code %d\n%s%s", args[0], code, out, errOut)
		}
	}
	if out, errOut, code := runCLI(t, "send", "--yes", "--retry-failed", camp); code != exitOK || srv.Received("bob@example.com") != 1 {
		t.Errorf("send --retry-failed: code %d, bob %d\n%s%s", code, srv.Received("bob@example.com"), out, errOut)
	}
}

// TestReportBadList: report rebuilds the report when the suppression list
// has a line it refuses (one an older tidings took), and says so.
func TestReportBadList(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "")
	runCLI(t, "send", "--yes", camp)
	b, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{"c.yaml": string(b) + "suppress: suppressed\n", "suppressed": "mailto:gus@example.com\n"})
	if out, errOut, code := runCLI(t, "report", camp); code != exitOK || !strings.Contains(errOut, "warning: the suppression list is not read") {
		t.Errorf("report: code %d\n%s%s", code, out, errOut)
	}
}

// TestBounceGuardInFlightAgrees: the messages in flight when the guard
// stops the run (3 connections) finish after it; send's summary then gives
// the guard's count with them, the report's counts, beside the stop's
// words about the count when it stopped.
func TestBounceGuardInFlightAgrees(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		var n int
		fmt.Sscanf(to, "user%d@", &n)
		if n%10 == 5 {
			return smtptest.Reply(550, "5.1.1", "no such user")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 500, "send: {concurrency: 3, retry_backoff: 1ms}\n")
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	// With three connections the 200th result may come before a refusal
	// still in flight: the stop counts 19 or 20 of the 200.
	stop := regexp.MustCompile(`(\d+) of the 200 recipients tried when it stopped the run`).FindStringSubmatch(errOut)
	if code != exitSomeFailed || stop == nil {
		t.Fatalf("code %d\n%s%s", code, out, errOut)
	}
	counts := map[string]int{}
	for _, r := range readReport(t, camp) {
		counts[r["status"]]++
	}
	tried := counts["sent"] + counts["failed"]
	note := fmt.Sprintf(": %d of the %d recipients tried (", counts["failed"], tried)
	if inFlight := tried > 200; inFlight != strings.Contains(out, note) || inFlight != strings.Contains(out, "bounce-rate guard stopped the run at "+stop[1]+" of 200") {
		t.Errorf("report %v: the summary should give the guard's count with the messages in flight (%q) when there were some\n%s", counts, note, out)
	}
}
