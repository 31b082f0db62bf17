package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestSendDedupeAndSuppression: a recipient twice in the sheet (case and
// spaces differ) is sent once and the later row is a duplicate naming the
// first; suppressed addresses and domains (with subdomains) are never sent.
func TestSendDedupeAndSuppression(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 0, "suppress: suppressed.txt\n")
	dir := filepath.Dir(camp)
	writeFiles(t, dir, map[string]string{
		"r.csv": "email,name\n" +
			"ann@example.com,Ann\n" + // row 2
			"  ANN@Example.com ,Ann\n" + // row 3: duplicate of row 2
			"bob@blocked.example,Bob\n" + // row 4: @blocked.example
			"cy@mail.blocked.example,Cy\n" + // row 5: subdomain of it
			"dee@notblocked.example,Dee\n" + // row 6: not covered
			"eve@example.com,Eve\n", // row 7: listed by address
		"suppressed.txt": "# people who asked us to stop\n@blocked.example\nEVE@example.com  # by mail, 2026-10-01\n",
	})
	out, errOut, code := runCLI(t, "check", camp)
	if code != 0 || !strings.Contains(out, "send will skip 1 duplicate and 3 suppressed") || !strings.Contains(out, "note: send will skip 1 duplicate: row 3 (duplicate of row 2)\n") {
		t.Errorf("check: code %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runCLI(t, "send", "--yes", camp)
	if code != 0 {
		t.Fatalf("send: code %d (skipping on purpose is not a failure)\n%s%s", code, out, errOut)
	}
	for addr, want := range map[string]int{
		"ann@example.com": 1, "bob@blocked.example": 0, "cy@mail.blocked.example": 0,
		"dee@notblocked.example": 1, "eve@example.com": 0,
	} {
		if got := srv.Received(addr); got != want {
			t.Errorf("%s received %d, want %d", addr, got, want)
		}
	}
	byRow := map[string]map[string]string{}
	for _, r := range readReport(t, camp) {
		byRow[r["row"]] = r
	}
	for row, want := range map[string]string{"2": "sent", "3": "duplicate", "4": "suppressed", "5": "suppressed", "6": "sent", "7": "suppressed"} {
		if byRow[row]["status"] != want {
			t.Errorf("row %s: %v, want %s", row, byRow[row], want)
		}
	}
	if d := byRow["3"]["detail"]; d != "duplicate of row 2" {
		t.Errorf("row 3 detail %q", d)
	}

	// A missing suppression file is an error before anything is sent.
	os.Remove(filepath.Join(dir, "suppressed.txt"))
	if _, _, code := runCLI(t, "check", camp); code != exitUnusable {
		t.Errorf("check without the suppression file: code %d, want %d", code, exitUnusable)
	}
}

// summaryLine returns the line of check's or preview's output that sums
// up the campaign ("t: 6 recipients, …").
func summaryLine(t *testing.T, out string) string {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "t: ") {
			return l
		}
	}
	t.Fatalf("no summary line in:\n%s", out)
	return ""
}

// readPreviewReport returns the rows of a preview's report.csv by sheet row.
func readPreviewReport(t *testing.T, dir string) map[string]map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "report.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(recs[0], ","); got != "row,key,to,subject,status,problem" {
		t.Fatalf("preview report.csv columns: %s", got)
	}
	out := map[string]map[string]string{}
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, c := range recs[0] {
			m[c] = r[i]
		}
		out[m["row"]] = m
	}
	return out
}

// previewFiles lists the .eml files a preview wrote and the message
// scripts of its gallery, by name.
func previewFiles(t *testing.T, dir string) (emls, scripts []string) {
	t.Helper()
	emls, _ = filepath.Glob(filepath.Join(dir, "*.eml"))
	scripts, _ = filepath.Glob(filepath.Join(dir, "gallery", "msg", "*.js"))
	for i := range emls {
		emls[i] = filepath.Base(emls[i])
	}
	for i := range scripts {
		scripts[i] = filepath.Base(scripts[i])
	}
	return emls, scripts
}

// TestPreviewSkipsAsSend: preview decides every row as check and send do.
// A duplicate row and suppressed recipients are listed in the preview's
// report with send's status and detail, get no .eml and no message in the
// gallery, and the summary line is check's; after a send, the recipients
// the journal has as sent are listed as sent, as check counts them.
func TestPreviewSkipsAsSend(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 0, "suppress: suppressed.txt\n")
	dir := filepath.Dir(camp)
	writeFiles(t, dir, map[string]string{
		"r.csv": "email,name\n" +
			"ann@example.com,Ann\n" + // row 2
			"  ANN@Example.com ,Ann\n" + // row 3: duplicate of row 2
			"bob@blocked.example,Bob\n" + // row 4: @blocked.example
			"dee@notblocked.example,Dee\n" + // row 5
			"eve@example.com,Eve\n" + // row 6: listed by address
			"not an address,Nobody\n", // row 7: invalid
		"suppressed.txt": "@blocked.example\nEVE@example.com\n",
	})

	out, errOut, code := runCLI(t, "check", camp)
	if code != exitSomeFailed {
		t.Fatalf("check: code %d\n%s%s", code, out, errOut)
	}
	checkLine := summaryLine(t, out)
	if !strings.Contains(checkLine, "6 recipients, 2 ready, 1 with problems") || !strings.Contains(checkLine, "; send will skip 1 duplicate and 2 suppressed") {
		t.Fatalf("check summary: %s", checkLine)
	}

	prev := filepath.Join(t.TempDir(), "preview")
	out, errOut, code = runCLI(t, "preview", "--out", prev, camp)
	if code != exitSomeFailed {
		t.Fatalf("preview: code %d\n%s%s", code, out, errOut)
	}
	if got, want := summaryLine(t, out), checkLine+"; wrote 2 messages to "; !strings.HasPrefix(got, want) {
		t.Errorf("preview summary\n got %s\nwant %s…", got, want)
	}
	emls, scripts := previewFiles(t, prev)
	if got := strings.Join(emls, " "); got != "000002-ann@example.com.eml 000005-dee@notblocked.example.eml" {
		t.Errorf("preview wrote .eml files %s, want rows 2 and 5 only", got)
	}
	if got := strings.Join(scripts, " "); got != "000002-ann@example.com.js 000005-dee@notblocked.example.js" {
		t.Errorf("gallery has messages %s, want rows 2 and 5 only", got)
	}
	meta, err := os.ReadFile(filepath.Join(prev, "gallery", "rows.js"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"ok":2`, `"invalid":1`, `"skipped":3`} {
		if !strings.Contains(string(meta), want) {
			t.Errorf("gallery/rows.js lacks %s: %s", want, meta)
		}
	}
	preview := readPreviewReport(t, prev)
	for row, want := range map[string]string{"2": "ok", "3": "duplicate", "4": "suppressed", "5": "ok", "6": "suppressed", "7": "invalid"} {
		if preview[row]["status"] != want {
			t.Errorf("preview row %s: %v, want %s", row, preview[row], want)
		}
	}
	if r := preview["4"]; r["to"] != "Bob <bob@blocked.example>" || r["subject"] != "Hello Bob" {
		t.Errorf("preview row 4 lost its message's To or Subject: %v", r)
	}

	// send skips the same rows, with the same detail.
	out, errOut, code = runCLI(t, "send", "--yes", "--skip-invalid", camp)
	if code != exitSomeFailed {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	for _, r := range readReport(t, camp) {
		p := preview[r["row"]]
		switch r["status"] {
		case "duplicate", "suppressed":
			if p["status"] != r["status"] || p["problem"] != r["detail"] {
				t.Errorf("row %s: send says %s %q, preview said %s %q", r["row"], r["status"], r["detail"], p["status"], p["problem"])
			}
		case "sent":
			if p["status"] != "ok" {
				t.Errorf("row %s: sent, but preview said %s", r["row"], p["status"])
			}
		}
	}
	if d := preview["3"]["problem"]; d != "duplicate of row 2" {
		t.Errorf("preview row 3 problem %q", d)
	}
	if n := len(srv.Messages()); n != 2 {
		t.Errorf("send delivered %d messages, want 2", n)
	}

	// Resumed: the journal has rows 2 and 5 sent; check counts them as
	// needing no sending and preview lists them as sent, with the messages
	// as they went out (from the spool), writing nothing new.
	out, _, _ = runCLI(t, "check", camp)
	checkLine = summaryLine(t, out)
	if !strings.Contains(checkLine, "6 recipients, 0 ready, 1 with problems") || !strings.Contains(checkLine, "; send will skip 1 duplicate and 2 suppressed; 2 need no sending") {
		t.Fatalf("check after send: %s", checkLine)
	}
	prev = filepath.Join(t.TempDir(), "preview")
	out, errOut, _ = runCLI(t, "preview", "--out", prev, camp)
	if got, want := summaryLine(t, out), checkLine+"; wrote 0 messages to "; !strings.HasPrefix(got, want) {
		t.Errorf("preview summary after send\n got %s\nwant %s…\n%s", got, want, errOut)
	}
	if emls, scripts := previewFiles(t, prev); len(emls) != 2 || len(scripts) != 2 || emls[0] != "000002-ann@example.com.eml" || emls[1] != "000005-dee@notblocked.example.eml" {
		t.Errorf("preview after send wrote %v %v, want the two sent messages", emls, scripts)
	}
	preview = readPreviewReport(t, prev)
	for _, row := range []string{"2", "5"} {
		if r := preview[row]; r["status"] != "sent" || !strings.HasPrefix(r["problem"], "already sent") {
			t.Errorf("preview after send, row %s: %v", row, r)
		}
	}
}

// TestCheckReadyIsWhatSendSends: check's ready count is the rows send
// sends, as its estimate and send count them: a duplicate send skips is
// not ready (nor counted twice: ready, problems and skipped add up to the
// recipients), and preview says the same.
func TestCheckReadyIsWhatSendSends(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 0, "")
	writeFiles(t, filepath.Dir(camp), map[string]string{
		"r.csv": "email,name\n" +
			"ann@example.com,Ann\n" + // row 2
			"bob@example.com,Bob\n" + // row 3
			"cid@example.com,Cid\n" + // row 4
			"ann@example.com,Ann\n", // row 5: duplicate of row 2
	})
	out, errOut, code := runCLI(t, "check", camp)
	line := summaryLine(t, out)
	if code != exitOK || !strings.HasPrefix(line, "t: 4 recipients, 3 ready, 0 with problems") || !strings.HasSuffix(line, "; send will skip 1 duplicate") ||
		!strings.Contains(out, "note: send will skip 1 duplicate: row 5 (duplicate of row 2)") || !strings.Contains(out, "estimate: 3 messages") {
		t.Errorf("check: code %d\n%s%s", code, out, errOut)
	}
	if out, errOut, _ := runCLI(t, "preview", "--out", filepath.Join(t.TempDir(), "p"), camp); !strings.HasPrefix(summaryLine(t, out), line+"; wrote 3 messages to ") {
		t.Errorf("preview: want %q and 3 messages\n%s%s", line, out, errOut)
	}
	out, errOut, code = runCLI(t, "send", "--yes", camp)
	if code != exitOK || !strings.Contains(out, "t: 4 rows; 3 to send now") || len(srv.Messages()) != 3 {
		t.Errorf("send: code %d, %d messages, want 3\n%s%s", code, len(srv.Messages()), out, errOut)
	}
	if out, _, _ := runCLI(t, "check", camp); !strings.HasPrefix(summaryLine(t, out), "t: 4 recipients, 0 ready, 0 with problems") || strings.Contains(out, "estimate:") {
		t.Errorf("check after the send:\n%s", out)
	}
}

// TestCheckCopiesLeaveOutDuplicates: check's estimate of what send's
// copies of the messages take before the first send counts the messages
// it sends, as its ready count does: a duplicate, whose message send
// keeps no copy of, adds nothing (it counted it).
func TestCheckCopiesLeaveOutDuplicates(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 0, "")
	about := regexp.MustCompile(`about (\S+ \S+) before compression`)
	var said []string
	for _, sheet := range []string{"ann@example.com,Ann\nbob@example.com,Bob\n", "ann@example.com,Ann\nbob@example.com,Bob\nann@example.com,Ann\n"} {
		writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\n" + sheet})
		out, errOut, code := runCLI(t, "check", camp)
		m := about.FindStringSubmatch(out)
		if code != exitOK || m == nil {
			t.Fatalf("check: code %d, no estimate of the copies\n%s%s", code, out, errOut)
		}
		said = append(said, m[1])
	}
	if said[0] != said[1] {
		t.Errorf("copies of 2 messages: about %s without the duplicate, %s with it", said[0], said[1])
	}
}

// TestDecisionsRecordedOnce: a suppressed or duplicate row goes into the
// journal once, not again on every later send (a list resumed daily grew
// the journal by a line such a row each run), and report rebuilds what
// send wrote from it; when its row or its reason (the list's entry)
// changes, the new one is recorded.
func TestDecisionsRecordedOnce(t *testing.T) {
	t.Parallel()
	camp, sheet := suppressCampaign(t, 20, "user005@example.com,User 5\n", "user001@example.com\nuser002@example.com\n")
	dir := filepath.Dir(camp)
	journalPath := filepath.Join(dir, ".tidings", "t", journal.FileName)
	send := func(suppressed, duplicate int) {
		t.Helper()
		if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
			t.Fatalf("send: exit %d\n%s%s", code, out, errOut)
		}
		j := readFile(t, journalPath)
		if s, d := strings.Count(j, `"status":"suppressed"`), strings.Count(j, `"status":"duplicate"`); s != suppressed || d != duplicate {
			t.Errorf("%d suppressed and %d duplicate lines in the journal, want %d and %d", s, d, suppressed, duplicate)
		}
		sameReport(t, camp)
	}
	send(2, 1)
	send(2, 1) // nothing new
	writeFiles(t, dir, map[string]string{"r.csv": strings.Replace(sheet, "\n", "\nnew@example.com,New\n", 1)})
	send(4, 2) // each at a new row
	writeFiles(t, dir, map[string]string{"suppressed.txt": "@example.com\n"})
	send(6, 2) // a new reason for both suppressed (everyone else was sent)
}

// TestDeferredThenSuppressed: a recipient the server deferred, then put
// on the suppression list (a bounce since, say), stands suppressed: report
// rebuilds send's line (not the old deferral and its reply), and the
// decision is written once, not again on every later send.
func TestDeferredThenSuppressed(t *testing.T) {
	t.Parallel()
	camp := sendCampaign(t, deferringServer(t, "user001@example.com"), 3, "send: {concurrency: 1, retries: 0}\nsuppress: suppressed.txt\n")
	dir := filepath.Dir(camp)
	writeFiles(t, dir, map[string]string{"suppressed.txt": "# none yet\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed {
		t.Fatalf("send: exit %d\n%s%s", code, out, errOut)
	}
	if r := rowByKey(t, camp, "user001@example.com"); r["status"] != "deferred" {
		t.Fatalf("first send: %v", r)
	}
	writeFiles(t, dir, map[string]string{"suppressed.txt": "user001@example.com\n"})
	journalPath := filepath.Join(dir, ".tidings", "t", journal.FileName)
	for run := 1; run <= 2; run++ {
		if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
			t.Fatalf("send %d: exit %d\n%s%s", run, code, out, errOut)
		}
		if r := rowByKey(t, camp, "user001@example.com"); r["status"] != "suppressed" {
			t.Errorf("send %d: %v", run, r)
		}
		if n := strings.Count(readFile(t, journalPath), `"status":"suppressed"`); n != 1 {
			t.Errorf("send %d: %d suppressed lines in the journal, want 1", run, n)
		}
		sameReport(t, camp)
	}
	if _, errOut, _ := runCLI(t, "show", camp, "user001@example.com"); !strings.Contains(errOut, "user001@example.com: suppressed, not sent;") {
		t.Errorf("show says:\n%s", errOut)
	}
}

// suppressCampaign is sendCampaign of n recipients with the row extra
// added to its sheet and a suppression list of list; it returns the
// campaign file and the sheet's text.
func suppressCampaign(t *testing.T, n int, extra, list string) (camp, sheet string) {
	t.Helper()
	camp = sendCampaign(t, smtptest.NewServer(t), n, "suppress: suppressed.txt\n")
	dir := filepath.Dir(camp)
	sheet = readFile(t, filepath.Join(dir, "r.csv")) + extra
	writeFiles(t, dir, map[string]string{"suppressed.txt": list, "r.csv": sheet})
	return camp, sheet
}

// sameReport checks that report rebuilds, from the journal, the report
// send wrote: the same rows, every column the same but the times.
func sameReport(t *testing.T, camp string) {
	t.Helper()
	sent, sentMarks := readReport(t, camp), reportMarks(t, camp)
	if out, errOut, code := runCLI(t, "report", camp); code != exitOK && code != exitSomeFailed {
		t.Fatalf("report: exit %d\n%s%s", code, out, errOut)
	}
	rebuilt := readReport(t, camp)
	if marks := reportMarks(t, camp); marks != sentMarks {
		t.Errorf("report.json's marks: send wrote %s, report %s", sentMarks, marks)
	}
	if len(rebuilt) != len(sent) {
		t.Fatalf("report has %d rows, send wrote %d", len(rebuilt), len(sent))
	}
	for i, r := range rebuilt {
		for _, col := range []string{"row", "key", "to", "status", "attempts", "code", "enhanced_code", "detail", "message_id", "server"} {
			if s := sent[i]; r[col] != s[col] {
				t.Errorf("row %s, %s: send wrote %q, report %q", s["row"], col, s[col], r[col])
			}
		}
	}
}

// reportMarks is what report.json says beyond report.csv: each row's gone
// and owing marks, and the summary's counts of them.
func reportMarks(t *testing.T, camp string) string {
	t.Helper()
	var rep struct {
		Summary struct {
			GoneUnknown int `json:"gone_unknown"`
			Owing       int `json:"owing"`
		} `json:"summary"`
		Rows []struct {
			Row   int  `json:"row"`
			Gone  bool `json:"gone"`
			Owing bool `json:"owing"`
		} `json:"rows"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(filepath.Dir(camp), ".tidings", "t", "report.json"))), &rep); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%+v", rep)
}

// TestDecisionsOneKeyTwoRows: a key in a suppressed row and in a later
// invalid one (a problem of its own, not a duplicate) gets both lines, and
// report rebuilds send's report from the spool's judgement of the rows:
// the suppressed row stays suppressed, the invalid one invalid (report
// used to give the first row the second's problem and call the second a
// duplicate), run after run.
func TestDecisionsOneKeyTwoRows(t *testing.T) {
	t.Parallel()
	camp, _ := suppressCampaign(t, 5, "user001@example.com,Bad\x01Name\n", "user001@example.com\n")
	for run := 1; run <= 3; run++ {
		if out, errOut, code := runCLI(t, "send", "--yes", "--skip-invalid", camp); code != exitOK && code != exitSomeFailed {
			t.Fatalf("send %d: exit %d\n%s%s", run, code, out, errOut)
		}
		if r := rowByKey(t, camp, "user001@example.com"); r["status"] != "suppressed" || r["row"] != "3" {
			t.Errorf("send %d: the key's first line %v", run, r)
		}
		sameReport(t, camp)
	}
}

// TestInvalidRowWithTheKeyOfALaterOne: a row that cannot be rendered
// (row 4, a control character in the name) has the key of a later row
// with other values (row 5, the corrected row added below it). The first
// row with a key is the one the key stands for, so row 5 is a problem as
// well (it would be another message under row 4's key): with
// --skip-invalid eve gets nothing, and both reports say so, run after run,
// and later sends do not write the decision again (row 5's problem is not
// journaled: report tells it again from the sheet). Taking row 4 out sends
// row 5.
func TestInvalidRowWithTheKeyOfALaterOne(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "")
	dir := filepath.Dir(camp)
	sheet := readFile(t, filepath.Join(dir, "r.csv"))
	writeFiles(t, dir, map[string]string{"r.csv": sheet + "eve@example.com,Ev\x01il\neve@example.com,Eve\n"})
	journalPath := filepath.Join(dir, ".tidings", "t", journal.FileName)
	var lines []int
	for run := 1; run <= 3; run++ {
		out, errOut, code := runCLI(t, "send", "--yes", "--skip-invalid", camp)
		if code != exitSomeFailed {
			t.Fatalf("send %d: exit %d\n%s%s", run, code, out, errOut)
		}
		if run == 1 && !strings.Contains(out+errOut, `row 5, column "email": the key of an earlier row: row 4 has this key too`) {
			t.Errorf("send 1 does not name row 5's problem:\n%s%s", out, errOut)
		}
		got := map[string]string{}
		for _, r := range readReport(t, camp) {
			got[r["row"]] = r["key"] + " " + r["status"]
		}
		if got["4"] != "eve@example.com invalid" || got["5"] != "eve@example.com invalid" {
			t.Errorf("send %d: rows 4 and 5: %q, %q", run, got["4"], got["5"])
		}
		sameReport(t, camp)
		lines = append(lines, strings.Count(readFile(t, journalPath), `"status":"invalid"`))
	}
	if n := srv.Received("eve@example.com"); n != 0 {
		t.Errorf("eve received %d messages while her rows disagree", n)
	}
	if lines[0] != 1 || lines[2] != lines[0] {
		t.Errorf("invalid lines in the journal after each send: %v; want row 4's, written once (row 5's problem is told again from the sheet)", lines)
	}
	writeFiles(t, dir, map[string]string{"r.csv": sheet + "eve@example.com,Eve\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || srv.Received("eve@example.com") != 1 {
		t.Errorf("send with the broken row taken out: exit %d, eve received %d\n%s%s", code, srv.Received("eve@example.com"), out, errOut)
	}
	sameReport(t, camp)
}

// TestKeyReusedWithOtherValues: two invoices to one address under key:
// email. check names the later row and what to do, send sends nothing,
// --skip-invalid sends the first only and reports the second invalid, and
// a key column unique per invoice sends both. A plain repeat (the same
// values) stays a duplicate under either key.
func TestKeyReusedWithOtherValues(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, `recipients: {path: r.csv}`),
		"body.txt": "Hi {{.name}}, invoice {{.invoice}}: {{.amount}}\n",
		"r.csv": "email,name,invoice,amount\n" +
			"ann@example.com,Ann,INV-1,10.00\n" + // row 2
			"bob@example.com,Bob,INV-2,20.00\n" + // row 3
			"ann@example.com,Ann ,INV-1,10.00\n" + // row 4: the same again (a space aside)
			"ann@example.com,Ann,INV-3,35.00\n", // row 5: a second invoice
	})
	camp := filepath.Join(dir, "c.yaml")
	out, errOut, code := runCLI(t, "check", camp)
	if code != exitSomeFailed || !strings.Contains(out, `r.csv: row 5, column "email": the key of an earlier row: row 2 has this key too`) ||
		!strings.Contains(out, "if both messages should go (a second invoice), give recipients.key a column unique per message (an invoice number, say) while nothing of the campaign has been sent") || !strings.Contains(out, "4 recipients, 2 ready, 1 with problems") || !strings.Contains(out, "; send will skip 1 duplicate\n") {
		t.Errorf("check: code %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "preview", camp); code != exitSomeFailed {
		t.Errorf("preview: code %d\n%s%s", code, out, errOut)
	}
	if lines := readFile(t, filepath.Join(dir, ".tidings", "t", "preview", "report.csv")); !regexp.MustCompile(`(?m)^5,ann@example\.com,Ann <ann@example\.com>,Hello Ann,invalid,`).MatchString(lines) {
		t.Errorf("preview's report.csv lacks row 5 with its To and Subject:\n%s", lines)
	}
	if _, _, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed || len(srv.Messages()) != 0 {
		t.Fatalf("send: code %d, %d messages; want %d and none", code, len(srv.Messages()), exitSomeFailed)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", "--skip-invalid", camp); code != exitSomeFailed || srv.Received("ann@example.com") != 1 || srv.Received("bob@example.com") != 1 {
		t.Fatalf("send --skip-invalid: code %d, ann %d, bob %d\n%s%s", code, srv.Received("ann@example.com"), srv.Received("bob@example.com"), out, errOut)
	}
	got := map[string]string{}
	for _, r := range readReport(t, camp) {
		got[r["row"]] = r["status"]
	}
	if got["2"] != "sent" || got["4"] != "duplicate" || got["5"] != "invalid" {
		t.Errorf("report: %v", got)
	}
	sameReport(t, camp)
	// Once the key went out, the advice is a campaign of its own.
	if out, errOut, code := runCLI(t, "check", camp); code != exitSomeFailed || !strings.Contains(out, "a message went under this key already, and no second one can (tidings show "+camp+" ann@example.com prints the one that went)") {
		t.Errorf("check after the send: code %d\n%s%s", code, out, errOut)
	}

	// The fix: a key that names one invoice, in a campaign of its own.
	writeFiles(t, dir, map[string]string{"invoices.yaml": campaignYAML(srv.Port, `name: invoices`, `recipients: {path: r.csv, key: invoice}`)})
	if out, errOut, code := runCLI(t, "send", "--yes", filepath.Join(dir, "invoices.yaml")); code != exitOK || srv.Received("ann@example.com") != 3 {
		t.Errorf("send keyed by invoice: code %d, ann received %d (want 1 + 2)\n%s%s", code, srv.Received("ann@example.com"), out, errOut)
	}
}

// TestReportAgreesAcrossRuns: send's report and report's agree in every
// column but the times, run after run: a lost reply (unknown) on a row
// still in the sheet, a recipient deferred then sent (the attempts of
// every run), and an invalid row spelling a sent row's key otherwise (each
// row keeps its own spelling).
func TestReportAgreesAcrossRuns(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		srv   func(t *testing.T) *smtptest.Server
		sheet string
	}{
		{"unknown", func(t *testing.T) *smtptest.Server {
			return smtptest.NewServer(t, smtptest.DropReply(func(_ smtptest.Session, m *smtptest.Message) bool { return m.To[0] == "bob@example.com" }))
		}, "email,name\nann@example.com,Ann\nbob@example.com,Bob\n"},
		{"deferred then sent", func(t *testing.T) *smtptest.Server {
			var n atomic.Int32
			return smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
				if to == "bob@example.com" && n.Add(1) == 1 {
					return smtptest.Reply(451, "4.3.0", "busy")
				}
				return nil
			}))
		}, "email,name\nann@example.com,Ann\nbob@example.com,Bob\n"},
		{"invalid twin spelled otherwise", func(t *testing.T) *smtptest.Server { return smtptest.NewServer(t) }, "email,name\nEVE@example.com,Ev\x01il\neve@example.com,Eve\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			camp := sendCampaign(t, c.srv(t), 0, "send: {concurrency: 1, retries: 0}\n")
			writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": c.sheet})
			for run := 1; run <= 3; run++ {
				if out, errOut, code := runCLI(t, "send", "--yes", "--skip-invalid", camp); code != exitOK && code != exitSomeFailed {
					t.Fatalf("send %d: exit %d\n%s%s", run, code, out, errOut)
				}
				sameReport(t, camp)
			}
		})
	}
}

// TestReportFixedRowHeldBack: a row invalid in one send, fixed and held
// back by --limit in the next, is not attempted in both reports, not
// invalid with its old problem.
func TestReportFixedRowHeldBack(t *testing.T) {
	t.Parallel()
	camp := sentWithInvalid(t, "email,name\nann@example.com,Ann\nbob@example.com,B\x01ob\n")
	dir := filepath.Dir(camp)
	writeFiles(t, dir, map[string]string{"r.csv": "email,name\nann@example.com,Ann\ndan@example.com,Dan\nbob@example.com,Bob\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "1", camp); code != exitSomeFailed {
		t.Fatalf("send 2: exit %d\n%s%s", code, out, errOut)
	}
	for _, cmd := range []string{"send", "report"} {
		if cmd == "report" {
			runCLI(t, "report", camp)
		}
		if r := rowByKey(t, camp, "bob@example.com"); r["status"] != "not-attempted" || r["row"] != "4" {
			t.Errorf("%s: bob %v", cmd, r)
		}
	}
}

// TestReportWithoutSuppressionList: the suppression list gone (moved, say)
// does not keep report from placing the rows as the last send judged
// them: the spool's match covers what the messages are made of, not the
// list.
func TestReportWithoutSuppressionList(t *testing.T) {
	t.Parallel()
	camp := sendCampaign(t, smtptest.NewServer(t), 0, "suppress: s.txt\n")
	dir := filepath.Dir(camp)
	writeFiles(t, dir, map[string]string{"s.txt": "nobody@example.com\n", "r.csv": "email,name\nann@example.com,Ann\neve@example.com,Ev\x01il\neve@example.com,Eve\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", "--skip-invalid", camp); code != exitSomeFailed {
		t.Fatalf("send: exit %d\n%s%s", code, out, errOut)
	}
	if err := os.Remove(filepath.Join(dir, "s.txt")); err != nil {
		t.Fatal(err)
	}
	sameReport(t, camp)
}

// TestSuppressedCopyRecipient: a row whose Cc is on the suppression list
// (by address or by domain) is not sent, its To included: check warns,
// naming those rows, and the report's detail says the To gets nothing
// either; a row whose To is suppressed is not named by that warning.
func TestSuppressedCopyRecipient(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 0, "cc: '{{.cc}}'\nsuppress: sup.txt\n")
	writeFiles(t, filepath.Dir(camp), map[string]string{
		"r.csv":   "email,name,cc\nbob@example.com,Bob,eve@example.com\nzed@example.com,Zed,boss@corp.example\nmal@corp.example,Mal,\nann@example.com,Ann,\n",
		"sup.txt": "eve@example.com\n@corp.example\n",
	})
	out, errOut, code := runCLI(t, "check", camp)
	if code != exitOK || !strings.Contains(out, "warning: 2 rows will not be sent, their To included, because a Cc or Bcc of theirs (or one of several addresses in their To) is suppressed: row 2 (eve@example.com), row 3 (boss@corp.example)") {
		t.Errorf("check: code %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || len(srv.Messages()) != 1 || srv.Received("ann@example.com") != 1 {
		t.Fatalf("send: code %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
	detail := map[string]string{}
	for _, r := range readReport(t, camp) {
		detail[r["key"]] = r["status"] + ": " + r["detail"]
	}
	if d := detail["bob@example.com"]; d != "suppressed: its Cc or Bcc eve@example.com is suppressed (eve@example.com): the row is not sent at all, not even to its To" {
		t.Errorf("bob: %s", d)
	}
	if d := detail["mal@corp.example"]; d != "suppressed: mal@corp.example is suppressed (@corp.example)" {
		t.Errorf("mal: %s", d)
	}
}

// TestSentRowTurnedInvalid: a row sent before whose cells now make it a
// problem (a control character pasted into its name) keeps the journal's
// line in both reports, blocks no send (what went out stays as it went;
// check notes it), and its key is not reported gone. A row with a problem
// that never sent, and one at another row than it sent from, still are
// problems.
func TestSentRowTurnedInvalid(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	dir := filepath.Dir(camp)
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "2", camp); code != exitSomeFailed {
		t.Fatalf("first send: code %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, dir, map[string]string{"r.csv": "email,name\nuser000@example.com,User 0\nuser001@example.com,Us\x01er 1\nuser002@example.com,User 2\n"})
	out, errOut, code := runCLI(t, "check", camp)
	if code != exitOK || !strings.Contains(out, "note: row 3 (user001@example.com) has a problem now, but a send settled it before from that row") || !strings.Contains(out, "2 need no sending") || !strings.Contains(out, "estimate: 1 message") {
		t.Errorf("check: code %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || len(srv.Messages()) != 3 || srv.Received("user001@example.com") != 1 {
		t.Errorf("send: code %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
	got := map[string]string{}
	for _, r := range readReport(t, camp) {
		got[r["row"]] = r["key"] + " " + r["status"]
	}
	if got["3"] != "user001@example.com sent" || len(got) != 3 {
		t.Errorf("send's report: %v", got)
	}
	sameReport(t, camp)
	if _, _, code := runCLI(t, "report", camp); code != exitOK {
		t.Errorf("report: code %d", code)
	}
	if out, errOut, code := runCLI(t, "preview", camp); code != exitOK || strings.Contains(out, "problem:") ||
		!strings.Contains(readFile(t, filepath.Join(dir, ".tidings", "t", "preview", "report.csv")), "3,user001@example.com,User 1 <user001@example.com>,Hello User 1,sent,") {
		t.Errorf("preview: code %d\n%s%s\n%s", code, out, errOut, readFile(t, filepath.Join(dir, ".tidings", "t", "preview", "report.csv")))
	}
	// Moved to another row, and a new row with a problem: both problems.
	writeFiles(t, dir, map[string]string{"r.csv": "email,name\nnew@example.com,N\x01ew\nuser000@example.com,User 0\nuser001@example.com,Us\x01er 1\nuser002@example.com,User 2\n"})
	if out, errOut, code := runCLI(t, "check", camp); code != exitSomeFailed || !strings.Contains(out, "2 with problems") {
		t.Errorf("check after rows moved: code %d\n%s%s", code, out, errOut)
	}
}

// TestOwedRowTurnedInvalid: a row partly delivered (its Cc deferred) whose
// cells now make it a problem is a problem for check and send alike (the
// Cc is still owed: it is not done), and both reports say so.
func TestOwedRowTurnedInvalid(t *testing.T) {
	t.Parallel()
	camp, _, _ := owedCampaign(t)
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name,cc\nann@example.com,A\x01nn,boss@example.com\n"})
	if out, errOut, code := runCLI(t, "check", camp); code != exitSomeFailed || strings.Contains(out, "settled it before") {
		t.Errorf("check: code %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed || !strings.Contains(out+errOut, "nothing was sent") {
		t.Errorf("send: code %d\n%s%s", code, out, errOut)
	}
	runCLI(t, "send", "--yes", "--skip-invalid", camp)
	sameReport(t, camp)
}

// TestOwedRefusedTurnedInvalid: a row partly delivered whose owed Cc was
// then refused for good owes nothing a plain send makes; when its cells
// make it a problem now, check and send leave it as it went.
func TestOwedRefusedTurnedInvalid(t *testing.T) {
	t.Parallel()
	camp, srv, _ := owedRefusedCampaign(t)
	if out, errOut, _ := runCLI(t, "send", "--yes", camp); !strings.Contains(out, "nothing left to send") {
		t.Fatalf("after the refusal:\n%s%s", out, errOut)
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name,cc\nann@example.com,A\x01nn,boss@example.com\nbob@example.com,Bob,\n"})
	if out, errOut, code := runCLI(t, "check", camp); code != exitOK {
		t.Errorf("check: code %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || srv.Received("bob@example.com") != 1 {
		t.Errorf("send: code %d, bob %d\n%s%s", code, srv.Received("bob@example.com"), out, errOut)
	}
}

// TestOwedHeldTurnedInvalid: a row sent to its To, its Cc owed and held
// back since (the To on the suppression list), whose cells make it a
// problem now: check and send agree that it is one (the Cc is still owed
// once the list lets it go).
func TestOwedHeldTurnedInvalid(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if to == "boss@example.com" {
			return smtptest.Reply(451, "4.2.1", "mailbox busy, try later")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 0, "cc: '{{.cc}}'\nsuppress: suppress.txt\nsend: {concurrency: 1, retries: 0}\n")
	dir := filepath.Dir(camp)
	writeFiles(t, dir, map[string]string{"r.csv": "email,name,cc\nann@example.com,Ann,boss@example.com\n", "suppress.txt": "# none\n"})
	runCLI(t, "send", "--yes", camp)
	writeFiles(t, dir, map[string]string{"suppress.txt": "ann@example.com\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("the hold: %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, dir, map[string]string{"r.csv": "email,name,cc\nann@example.com,A\x01nn,boss@example.com\nbob@example.com,Bob,\n"})
	_, _, checkCode := runCLI(t, "check", camp)
	out, errOut, sendCode := runCLI(t, "send", "--yes", camp)
	if checkCode != exitSomeFailed || sendCode != exitSomeFailed {
		t.Errorf("check %d, send %d; want both 1 (a problem)\n%s%s", checkCode, sendCode, out, errOut)
	}
}

// TestNewRowAboveASentOne: a second invoice to a sent key, put in a row
// above the one that went. The first row with the key owns it, so the
// row that went has a problem now, which its earlier delivery does not
// excuse: check, preview and send exit 1 naming it, and nothing more goes.
func TestNewRowAboveASentOne(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port),
		"body.txt": "Hi {{.name}}, invoice {{.invoice}}\n",
		"r.csv":    "email,name,invoice\nbob@example.com,Bob,INV-2\nann@example.com,Ann,INV-1\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, dir, map[string]string{"r.csv": "email,name,invoice\nann@example.com,Ann,INV-3\nann@example.com,Ann,INV-1\n"})
	everyCommand(t, camp, exitSomeFailed, `row 3, column "email": the key of an earlier row: row 2 has this key too`,
		"a message went under this key already, and no second one can (tidings show "+camp+" ann@example.com prints the one that went)")
	if n := srv.Received("ann@example.com"); n != 1 {
		t.Errorf("ann received %d messages, want the first one only", n)
	}
}

// TestDuplicatesFirst: under recipients.duplicates: first a repeat of a
// key is a duplicate whatever its values (a newsletter list merged from
// two sources): the first row goes. check, preview and send name the
// repeats whose values differ, which go nowhere, and not a plain repeat;
// the report and show say so too.
func TestDuplicatesFirst(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, `recipients: {path: r.csv, duplicates: first}`),
		"body.txt": "Hi {{.name}}\n",
		"r.csv":    "email,name\nann@example.com,Ann\nbob@example.com,Bob\nANN@example.com,Ann Smith\nbob@example.com,Bob\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	const warning = "warning: 1 row has the key of an earlier row with other values; under recipients.duplicates: first the earlier row stands for the key (its message goes, once that row has no problem), and its values go nowhere: row 4 (ANN@example.com)."
	for _, args := range [][]string{{"check", camp}, {"preview", camp}} {
		if out, errOut, code := runCLI(t, args...); code != exitOK || !strings.Contains(out, "send will skip 2 duplicates") || strings.Contains(out, "0 suppressed") || !strings.Contains(out, warning) || strings.Contains(out, "row 5 (bob") ||
			!strings.Contains(out, "note: send will skip 2 duplicates: row 4 (duplicate of row 2); row 5 (duplicate of row 3)\n") {
			t.Errorf("%s: code %d\n%s%s", args[0], code, out, errOut)
		}
	}
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || !strings.Contains(out, warning) || srv.Received("ann@example.com") != 1 || !bytes.Contains(serverCopy(t, srv, "ann@example.com"), []byte("Hi Ann\r\n")) {
		t.Errorf("send: code %d\n%s%s", code, out, errOut)
	}
	sameReport(t, camp)
	details := map[string]string{}
	for _, r := range readReport(t, camp) {
		details[r["row"]] = r["status"] + ": " + r["detail"]
	}
	if details["4"] != "duplicate: duplicate of row 2, with other values (duplicates: first; this row's values are not sent)" || details["5"] != "duplicate: duplicate of row 3" {
		t.Errorf("report: %q", details)
	}
	if _, errOut, code := runCLI(t, "show", "--row", "4", camp); code != exitOK || !strings.Contains(errOut, "duplicate of row 2, with other values") {
		t.Errorf("show --row 4: code %d\n%s", code, errOut)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || !strings.Contains(out, warning) { // from the spool's records
		t.Errorf("send again: code %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, dir, map[string]string{"body.txt": "Hello {{.name}}\n"}) // report places the rows by the sheet now
	if out, errOut, code := runCLI(t, "report", camp); code != exitOK {
		t.Errorf("report: code %d\n%s%s", code, out, errOut)
	}
	for _, r := range readReport(t, camp) {
		if r["row"] == "4" && (r["status"] != "duplicate" || !strings.Contains(r["detail"], "with other values")) {
			t.Errorf("report from the sheet, row 4: %v", r)
		}
	}
}

// TestKeyReusedWholeRowTemplate: a body that prints the whole row shows
// every column, so two rows with one key and other values anywhere are a
// problem, not a duplicate.
func TestKeyReusedWholeRowTemplate(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port),
		"body.txt": "{{range $k, $v := .}}{{$k}}: {{$v}}\n{{end}}",
		"r.csv":    "email,name,item,amount\nann@example.com,Ann,Widget,10\nann@example.com,Ann,Gadget,99\n",
	})
	out, errOut, code := runCLI(t, "check", filepath.Join(dir, "c.yaml"))
	if code != exitSomeFailed || !strings.Contains(out, `row 3, column "email": the key of an earlier row`) {
		t.Errorf("check: code %d\n%s%s", code, out, errOut)
	}
}

// TestReportKeyReusedFromTheSheet: a row added after a send with a sent
// row's key and other values. report, placing the rows by the sheet (the
// spool is not the campaign's as it is now), calls it invalid with the
// problem check gives, not a duplicate.
func TestReportKeyReusedFromTheSheet(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 0, "")
	dir := filepath.Dir(camp)
	writeFiles(t, dir, map[string]string{"r.csv": "email,name\nann@example.com,Ann\nbob@example.com,Bob\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, dir, map[string]string{"r.csv": "email,name\nann@example.com,Ann\nbob@example.com,Bob\nann@example.com,Ann Smith\n"})
	out, errOut, code := runCLI(t, "check", camp)
	if code != exitSomeFailed || !strings.Contains(out, `row 4, column "email": the key of an earlier row`) {
		t.Fatalf("check: code %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "report", camp); code != exitSomeFailed {
		t.Errorf("report: code %d\n%s%s", code, out, errOut)
	}
	for _, r := range readReport(t, camp) {
		if r["row"] == "4" && (r["status"] != "invalid" || !strings.Contains(r["detail"], "the key of an earlier row: row 2 has this key too")) {
			t.Errorf("row 4: %v", r)
		}
	}
	if out, errOut, code := runCLI(t, "show", "--row", "4", camp); code != exitSomeFailed || out != "" || !strings.Contains(errOut, "row 4 has a problem") || !strings.Contains(errOut, "row 2 has this key too") {
		t.Errorf("show --row 4: code %d\n%s%s", code, out, errOut)
	}
	if _, errOut, code := runCLI(t, "show", "--row", "2", camp); code != exitOK || !strings.Contains(errOut, "ann@example.com: sent") {
		t.Errorf("show --row 2: code %d\n%s", code, errOut)
	}
}

// TestKeyReusedWithARenderProblem: the row that went, now with a problem
// of its own too (its attachment archived), under a new first row with its
// key: the key problem is not excused by the delivery from it, and is told
// with the row's other problem.
func TestKeyReusedWithARenderProblem(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":        campaignYAML(srv.Port, `attachments: ["inv/{{.invoice}}.txt"]`),
		"body.txt":      "Hi {{.name}}, invoice {{.invoice}}\n",
		"r.csv":         "email,name,invoice\nbob@example.com,Bob,INV-2\nann@example.com,Ann,INV-1\n",
		"inv/INV-1.txt": "one", "inv/INV-2.txt": "two", "inv/INV-3.txt": "three",
	})
	camp := filepath.Join(dir, "c.yaml")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	if err := os.Remove(filepath.Join(dir, "inv", "INV-1.txt")); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"r.csv": "email,name,invoice\nann@example.com,Ann,INV-3\nann@example.com,Ann,INV-1\n"})
	// A problem, not a note (exit 1), and both of the row's: its file and
	// its key.
	everyCommand(t, camp, exitSomeFailed, `problem: `, `row 3, column "invoice": attachment`, `row 3, column "email": the key of an earlier row: row 2 has this key too`)
	out, errOut, code := runCLI(t, "send", "--test", "me@example.net", "--rows", "3", camp)
	if code != exitSomeFailed || !strings.Contains(out, `row 3, column "invoice": attachment`) || !strings.Contains(out, `row 3, column "email": the key of an earlier row`) {
		t.Errorf("a test send of row 3: code %d\n%s%s", code, out, errOut)
	}
	if n := srv.Received("ann@example.com"); n != 1 {
		t.Errorf("ann received %d messages", n)
	}
}

// TestKeyReusedOnTheKeyColumn: the row that went, under a new first row
// with its key, whose key column has a problem of its own too (the
// attachment named by the key is gone): both are told, by check, preview
// and send alike, and the delivery from it excuses neither.
func TestKeyReusedOnTheKeyColumn(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":    campaignYAML(srv.Port, `recipients: {path: r.csv, key: id}`, `attachments: ["inv/{{.id}}.txt"]`),
		"body.txt":  "Hi {{.name}}\n",
		"r.csv":     "id,email,name\n5,bob@example.com,Bob\n7,ann@example.com,Ann\n",
		"inv/5.txt": "five", "inv/7.txt": "seven",
	})
	camp := filepath.Join(dir, "c.yaml")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	if err := os.Remove(filepath.Join(dir, "inv", "7.txt")); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"r.csv": "id,email,name\n7,cid@example.com,Cid\n7,ann@example.com,Ann\n"})
	everyCommand(t, camp, exitSomeFailed, `row 3, column "id": attachment`, `row 3, column "id": the key of an earlier row: row 2 has this key too`)
	if out, _, _ := runCLI(t, "check", camp); !strings.Contains(out, "2 recipients, 0 ready, 2 with problems") || strings.Contains(out, "has a problem now") {
		t.Errorf("check counts row 3 settled, not a problem:\n%s", out)
	}
	if n := srv.Received("ann@example.com") + srv.Received("cid@example.com"); n != 1 {
		t.Errorf("%d messages to ann and cid, want the first send's 1", n)
	}
}

// TestDuplicatesFirstInvalidFirstRow: under duplicates: first the first
// row with a key owns it also when it has a problem, in send's report and
// report's alike.
func TestDuplicatesFirstInvalidFirstRow(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, `recipients: {path: r.csv, duplicates: first}`),
		"body.txt": "Hi {{.name}}\n",
		"r.csv":    "email,name\nann@example.com,Ev\x01il\nann@example.com,Ann\nbob@example.com,Bob\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	if out, errOut, code := runCLI(t, "send", "--yes", "--skip-invalid", camp); code != exitSomeFailed || srv.Received("ann@example.com") != 0 {
		t.Errorf("send: code %d, ann %d\n%s%s", code, srv.Received("ann@example.com"), out, errOut)
	}
	sameReport(t, camp)
	got := map[string]string{}
	for _, r := range readReport(t, camp) {
		got[r["row"]] = r["status"]
	}
	if got["2"] != "invalid" || got["3"] != "duplicate" || got["4"] != "sent" {
		t.Errorf("report: %v", got)
	}
}

// everyCommand runs check, preview and send (--yes) on camp and checks
// that each exits with code and prints every one of want.
func everyCommand(t *testing.T, camp string, code int, want ...string) {
	t.Helper()
	for _, args := range [][]string{{"check", camp}, {"preview", camp}, {"send", "--yes", camp}} {
		out, errOut, got := runCLI(t, args...)
		for _, w := range want {
			if got != code || !strings.Contains(out+errOut, w) {
				t.Errorf("%s: code %d, want %d and %q\n%s%s", args[0], got, code, w, out, errOut)
				break
			}
		}
	}
}
