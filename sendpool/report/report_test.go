package report_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gocarina/gocsv"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/report"
)

func spReadReport(t testing.TB, dir string) []report.Row {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, report.CSVFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := report.ReadCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func spSampleResults() []sendpool.Result {
	start := time.Date(2026, 11, 25, 21, 0, 1, 500_000_000, time.UTC)
	return []sendpool.Result{
		{Row: 3, Key: "b@example.org", To: "Bea <b@example.org>", Cc: "Boss <boss@example.org>, =x@example.org", Status: sendpool.StatusFailed, Attempts: 1, Code: 550,
			EnhancedCode: sendpool.EnhancedCode{5, 1, 1}, Detail: "user unknown,\nreally", MessageID: "m3@x", Server: "smtp.example.org:465",
			StartedAt: start, FinishedAt: start.Add(312 * time.Millisecond), Duration: 312 * time.Millisecond},
		{Row: 2, Key: "a@example.org", To: "Ann <a@example.org>", Bcc: "archive@example.org", Status: sendpool.StatusSent, Attempts: 2, Code: 250,
			EnhancedCode: sendpool.EnhancedCode{2, 0, 0}, Detail: "OK queued as 4711", MessageID: "m2@x", Server: "smtp.example.org:465",
			StartedAt: start, FinishedAt: start.Add(2 * time.Second), Duration: 2 * time.Second},
		{Row: 4, Key: "c@example.org", To: "c@example.org", Status: sendpool.StatusNotAttempted, Detail: "run interrupted"},
	}
}

func TestReportFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var rows []report.Row
	for _, r := range spSampleResults() {
		rows = append(rows, report.FromResult(r))
	}
	if err := report.Write(dir, rows); err != nil {
		t.Fatal(err)
	}
	csvData, err := os.ReadFile(filepath.Join(dir, report.CSVFile))
	if err != nil {
		t.Fatal(err)
	}
	want := `row,key,to,status,attempts,code,enhanced_code,detail,message_id,server,started_at,finished_at,duration_ms,cc,bcc
2,a@example.org,Ann <a@example.org>,sent,2,250,2.0.0,OK queued as 4711,m2@x,smtp.example.org:465,2026-11-25T21:00:01Z,2026-11-25T21:00:03Z,2000,,archive@example.org
3,b@example.org,Bea <b@example.org>,failed,1,550,5.1.1,"user unknown, really",m3@x,smtp.example.org:465,2026-11-25T21:00:01Z,2026-11-25T21:00:01Z,312,"Boss <boss@example.org>, =x@example.org",
4,c@example.org,c@example.org,not-attempted,0,,,run interrupted,,,,,0,,
`
	if string(csvData) != want {
		t.Errorf("report.csv:\n%s\nwant:\n%s", csvData, want)
	}
	if got := strings.Join(report.Columns, ","); !strings.HasPrefix(want, got+"\n") {
		t.Errorf("ReportColumns %q", got)
	}

	jsData, err := os.ReadFile(filepath.Join(dir, report.JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	var js struct {
		Summary map[string]any   `json:"summary"`
		Rows    []map[string]any `json:"rows"`
	}
	if err := json.Unmarshal(jsData, &js); err != nil {
		t.Fatal(err)
	}
	if len(js.Rows) != 3 || js.Rows[0]["status"] != "sent" || js.Rows[1]["enhanced_code"] != "5.1.1" || js.Rows[1]["code"] != 550.0 ||
		js.Rows[0]["bcc"] != "archive@example.org" || js.Rows[1]["cc"] != "Boss <boss@example.org>, =x@example.org" {
		t.Errorf("rows %v", js.Rows)
	}
	// An empty cc or bcc is left out of report.json (the state folder's
	// budget): row 2 has a Bcc and no Cc, row 4 neither.
	if _, ok := js.Rows[0]["cc"]; ok {
		t.Errorf("report.json row 2 has an empty cc: %v", js.Rows[0])
	}
	if _, ok := js.Rows[2]["bcc"]; ok {
		t.Errorf("report.json row 4 has an empty bcc: %v", js.Rows[2])
	}
	for _, col := range report.Columns {
		if _, ok := js.Rows[1][col]; !ok && col != "bcc" {
			t.Errorf("report.json rows lack %q", col)
		}
	}
	if js.Summary["total"] != 3.0 || js.Summary["sent"] != 1.0 || js.Summary["failed"] != 1.0 || js.Summary["not_attempted"] != 1.0 {
		t.Errorf("summary %v", js.Summary)
	}

	back := spReadReport(t, dir)
	if len(back) != 3 || back[1].Status != sendpool.StatusFailed || back[1].Code != 550 || back[2].Code != 0 || back[1].EnhancedCode != (sendpool.EnhancedCode{5, 1, 1}) ||
		back[0].Bcc != "archive@example.org" || back[1].Cc != "Boss <boss@example.org>, =x@example.org" {
		t.Errorf("read back %+v", back)
	}
	// No temporary files left behind.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("folder holds %d files", len(entries))
	}
}

func TestReportEmpty(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := report.Write(dir, nil); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, report.CSVFile))
	if string(data) != strings.Join(report.Columns, ",")+"\n" {
		t.Errorf("empty report.csv %q", data)
	}
	js, _ := os.ReadFile(filepath.Join(dir, report.JSONFile))
	if !bytes.Contains(js, []byte(`"rows": []`)) {
		t.Errorf("empty report.json %s", js)
	}
}

func TestReporterRewritesAsItGoes(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), ".tidings", "news")
	clock := pooltest.NewFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	rep, err := report.NewReporter(dir, report.ReporterOptions{Every: 2, Interval: time.Minute, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close()
	res := spSampleResults()
	rep.Add(res[0])
	if _, err := os.Stat(filepath.Join(dir, report.CSVFile)); !os.IsNotExist(err) {
		t.Fatal("written after one result with Every 2")
	}
	rep.Add(res[1])
	if got := len(spReadReport(t, dir)); got != 2 {
		t.Fatalf("after two results the report has %d rows", got)
	}
	rep.Add(res[2])
	if got := len(spReadReport(t, dir)); got != 2 {
		t.Fatalf("rewritten too early: %d rows", got)
	}
	clock.Advance(time.Minute)
	// A later result for the same row replaces the earlier one.
	again := res[2]
	again.Status, again.Detail = sendpool.StatusSent, "OK"
	rep.Add(again)
	rows := spReadReport(t, dir)
	if len(rows) != 3 || rows[2].Status != sendpool.StatusSent {
		t.Fatalf("after the interval: %+v", rows)
	}
	s := rep.Summary()
	if s.Total != 3 || s.Sent != 2 || s.Failed != 1 || s.OK() {
		t.Errorf("summary %+v", s)
	}
}

// TestReporterLinesBeside: a line added beside a row stands with the row's
// own (listed after it), and is not replaced by later lines for the row;
// a Reporter with a log of its own leaves the shared log's name alone and
// removes its own on Close.
func TestReporterLinesBeside(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	shared := filepath.Join(dir, ".report.log")
	if err := os.WriteFile(shared, []byte("a running send's"), 0o600); err != nil {
		t.Fatal(err)
	}
	rep, err := report.NewReporter(dir, report.ReporterOptions{OwnLog: true})
	if err != nil {
		t.Fatal(err)
	}
	line := func(row int, key string, st sendpool.Status) report.Row {
		return report.Row{Recipient: report.Recipient{Row: row, Key: key}, Status: st}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(rep.AddRow(line(2, "ann@example.org", sendpool.StatusSent)))
	must(rep.AddRow(line(3, "cat@example.org", sendpool.StatusNotAttempted)))
	must(rep.AddRow(line(3, "cat@example.org", sendpool.StatusSent))) // replaces
	must(rep.AddBeside(line(9, "gone@example.org", sendpool.StatusSent)))
	must(rep.AddBeside(line(3, "bob@example.org", sendpool.StatusFailed)))
	must(rep.AddBeside(line(1, "zed@example.org", sendpool.StatusSent)))
	must(rep.AddRow(line(40000, "far@example.org", sendpool.StatusSent)))    // chunks of rows apart:
	must(rep.AddBeside(line(20000, "gap@example.org", sendpool.StatusSent))) // in the rows between
	must(rep.Flush())
	var got []string
	for _, r := range spReadReport(t, dir) {
		got = append(got, fmt.Sprintf("%d %s %s", r.Row, r.Key, r.Status))
	}
	want := "1 zed@example.org sent|2 ann@example.org sent|3 cat@example.org sent|3 bob@example.org failed|9 gone@example.org sent|20000 gap@example.org sent|40000 far@example.org sent"
	if strings.Join(got, "|") != want {
		t.Errorf("report rows %q, want %q", strings.Join(got, "|"), want)
	}
	if s := rep.Summary(); s.Total != 7 {
		t.Errorf("summary of %d rows, want 7", s.Total)
	}
	must(rep.Close())
	if b, err := os.ReadFile(shared); err != nil || string(b) != "a running send's" {
		t.Errorf("the shared log: %q, %v", b, err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".report.log-*")); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}

func TestSummaryText(t *testing.T) {
	t.Parallel()
	var rows []report.Row
	for _, r := range spSampleResults() {
		rows = append(rows, report.FromResult(r))
	}
	rows = append(rows, report.Row{Recipient: report.Recipient{Row: 5, Key: "00005", To: "Dee <d@example.org>"}, Status: sendpool.StatusUnknown, Detail: "connection lost"},
		report.Row{Recipient: report.Recipient{Row: 6, Key: "a@example.org"}, Status: sendpool.StatusDuplicate, Detail: "duplicate of row 2"})
	s := report.Summarize(rows)
	out := summaryText(t, &s)
	for _, want := range []string{
		"5 recipients: 1 sent, 1 failed, 1 unknown, 1 not-attempted, 1 duplicate",
		"1 unknown: the message went, or was about to, and no reply came: it may or may not have arrived (",
		"row 3", "b@example.org", "550 5.1.1", "user unknown, really",
		"row 5", "00005 (Dee <d@example.org>)", "row 4",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "row 6") || strings.Contains(out, "row 2 ") {
		t.Errorf("summary lists rows that need nothing:\n%s", out)
	}
	// The rows come under a heading of their own, not under the line
	// that explains unknown.
	if i, j := strings.Index(out, "may or may not have arrived"), strings.Index(out, "not sent, or unknown:\n  row "); j < i || i < 0 {
		t.Errorf("the rows have no heading of their own after the explanations:\n%s", out)
	}
	if s.OK() {
		t.Error("OK with failures")
	}
	ok := report.Summarize([]report.Row{{Recipient: report.Recipient{Row: 2}, Status: sendpool.StatusSent}, {Recipient: report.Recipient{Row: 3}, Status: sendpool.StatusSuppressed}})
	if !ok.OK() {
		t.Error("suppressed rows count against OK")
	}
	// Failed and unknown rows the suppression list names now keep their
	// status, but not OK at false: no send tries them again.
	since := report.Summarize([]report.Row{
		{Recipient: report.Recipient{Row: 2}, Status: sendpool.StatusFailed, NowSuppressed: true},
		{Recipient: report.Recipient{Row: 3}, Status: sendpool.StatusFailed, NowSuppressed: true},
		{Recipient: report.Recipient{Row: 4}, Status: sendpool.StatusUnknown, NowSuppressed: true},
		{Recipient: report.Recipient{Row: 5}, Status: sendpool.StatusSent}})
	sinceOut := summaryText(t, &since)
	if !since.OK() || since.Failed != 2 || since.FailedSuppressed != 2 || since.UnknownSuppressed != 1 || len(since.Problems) != 0 ||
		!strings.Contains(sinceOut, "2 of the failed and 1 of the unknown are on the suppression list now: no send tries them again") {
		t.Errorf("rows suppressed since: OK %v, %+v\n%s", since.OK(), since, sinceOut)
	}
	since.UnknownSuppressed, since.Unknown = 0, 0
	since.FailedSuppressed = 1
	if since.OK() {
		t.Error("OK with a failed row the list does not name")
	}
}

func TestStatusText(t *testing.T) {
	t.Parallel()
	for _, s := range sendpool.Statuses() {
		b, err := s.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back sendpool.Status
		if err := back.UnmarshalText(b); err != nil || back != s {
			t.Errorf("%v: round trip %v %v", s, back, err)
		}
	}
	if _, err := sendpool.ParseStatus("delivered"); err == nil {
		t.Error("unknown status accepted")
	}
	if sendpool.Status(0) != sendpool.StatusNotAttempted {
		t.Error("zero status is not not-attempted")
	}
	for in, ok := range map[string]bool{"5.1.1": true, "": true, "2.0.0": true, "5.1": false, "x.1.1": false, "3.0.0": false} {
		if _, err := sendpool.ParseEnhancedCode(in); (err == nil) != ok {
			t.Errorf("ParseEnhancedCode(%q): %v", in, err)
		}
	}
}

// TestReportDefusesFormulas: cells a spreadsheet would run as formulas get
// a leading apostrophe in report.csv; report.json keeps the values.
func TestReportDefusesFormulas(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rows := []report.Row{
		{Recipient: report.Recipient{Row: 2, Key: "=HYPERLINK(\"http://x\")", To: "+1 <a@example.com>"}, Status: sendpool.StatusFailed, Detail: "@SUM(1)"},
		{Recipient: report.Recipient{Row: 3, Key: "plain@example.com", To: "Plain <plain@example.com>"}, Status: sendpool.StatusSent, Detail: "250 OK"},
	}
	if err := report.Write(dir, rows); err != nil {
		t.Fatal(err)
	}
	csvData, _ := os.ReadFile(filepath.Join(dir, report.CSVFile))
	for _, want := range []string{`'=HYPERLINK`, `'+1 <a@example.com>`, `'@SUM(1)`, "plain@example.com,Plain <plain@example.com>"} {
		if !bytes.Contains(csvData, []byte(want)) {
			t.Errorf("report.csv lacks %q:\n%s", want, csvData)
		}
	}
	js, _ := os.ReadFile(filepath.Join(dir, report.JSONFile))
	if !bytes.Contains(js, []byte(`"key": "=HYPERLINK`)) {
		t.Errorf("report.json changed the key:\n%s", js)
	}
}

func BenchmarkReportWrite10k(b *testing.B) {
	rows := make([]report.Row, 10000)
	for i := range rows {
		rows[i] = report.FromResult(spSampleResults()[i%3])
		rows[i].Row = i + 2
	}
	dir := b.TempDir()
	for b.Loop() {
		if err := report.Write(dir, rows); err != nil {
			b.Fatal(err)
		}
	}
}

// TestWriteMatchesWholeEncoders: the report written a row at a time is
// what encoding the whole report at once gives: report.csv byte for byte as
// gocsv marshals the (defused) rows, report.json the same JSON value as
// {"summary", "rows"} marshalled whole.
func TestWriteMatchesWholeEncoders(t *testing.T) {
	t.Parallel()
	var rows []report.Row
	for i, r := range spSampleResults() {
		for j := range 40 {
			row := report.FromResult(r)
			row.Row = 2 + i*40 + j
			if j%7 == 0 {
				row.Detail = "=cmd|' /C calc'!A0, with \"quotes\"\nand a line"
				row.To = "+1 <a@example.com>"
			}
			rows = append(rows, row)
		}
	}
	dir := t.TempDir()
	if err := report.Write(dir, rows); err != nil {
		t.Fatal(err)
	}
	safe := make([]report.Row, len(rows))
	for i, r := range rows {
		r.Key, r.To, r.Detail = report.CSVSafe(r.Key), report.CSVSafe(r.To), report.CSVSafe(r.Detail)
		safe[i] = r
	}
	var want bytes.Buffer
	if err := gocsv.Marshal(safe, &want); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(dir, report.CSVFile))
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("report.csv differs from gocsv's:\n%s\nwant:\n%s", got, want.Bytes())
	}
	var gotJSON, wantJSON any
	js, _ := os.ReadFile(filepath.Join(dir, report.JSONFile))
	if err := json.Unmarshal(js, &gotJSON); err != nil {
		t.Fatalf("report.json: %v\n%s", err, js)
	}
	whole, _ := json.Marshal(struct {
		Summary report.Summary `json:"summary"`
		Rows    []report.Row   `json:"rows"`
	}{report.Summarize(rows), rows})
	json.Unmarshal(whole, &wantJSON)
	if !reflect.DeepEqual(gotJSON, wantJSON) {
		t.Errorf("report.json differs from the whole encoding")
	}
}

// TestReporterAfterClose: rows across several chunks of the row index
// (16,384 rows each, outside the Go heap) come back in row order with
// their latest line; once closed, adding is an error and nothing is read.
func TestReporterAfterClose(t *testing.T) {
	t.Parallel()
	const n = 40_000
	rep, err := report.NewReporter(t.TempDir(), report.ReporterOptions{OwnLog: true, Every: n * 2, Interval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	for row := n + 1; row >= 2; row-- { // backwards, then the even rows again
		if err := rep.Add(sendpool.Result{Row: row, Key: fmt.Sprintf("u%d@example.org", row), Status: sendpool.StatusNotAttempted}); err != nil {
			t.Fatal(err)
		}
	}
	for row := 2; row <= n+1; row += 2 {
		if err := rep.Add(sendpool.Result{Row: row, Key: fmt.Sprintf("u%d@example.org", row), Status: sendpool.StatusSent}); err != nil {
			t.Fatal(err)
		}
	}
	rows := rep.Rows()
	if len(rows) != n {
		t.Fatalf("%d rows, want %d", len(rows), n)
	}
	for i, r := range rows {
		want := sendpool.StatusNotAttempted
		if r.Row%2 == 0 {
			want = sendpool.StatusSent
		}
		if r.Row != i+2 || r.Status != want || r.Key != fmt.Sprintf("u%d@example.org", r.Row) {
			t.Fatalf("line %d: %+v", i, r)
		}
	}
	if err := rep.Close(); err != nil {
		t.Fatal(err)
	}
	if err := rep.Add(sendpool.Result{Row: 2, Key: "a@example.org", Status: sendpool.StatusSent}); err == nil {
		t.Error("Add after Close: no error")
	}
	if err := rep.AddBeside(report.FromResult(sendpool.Result{Row: 2, Key: "b@example.org"})); err == nil {
		t.Error("AddBeside after Close: no error")
	}
	if rows := rep.Rows(); len(rows) != 0 {
		t.Errorf("Rows after Close: %d", len(rows))
	}
}

// TestFlushBesideEach: a Flush runs while an Each (the page's pass over
// the rows) is in its middle, both reading the lines back (a send writes
// its report files and its page at once); lines added meanwhile wait for
// them, and count in the next summary.
func TestFlushBesideEach(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rep, err := report.NewReporter(dir, report.ReporterOptions{OwnLog: true, Every: 1 << 20, Interval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close()
	const n = 5000
	for row := 2; row < n+2; row++ {
		if err := rep.Add(sendpool.Result{Row: row, Key: fmt.Sprintf("u%d@example.org", row), Status: sendpool.StatusSent}); err != nil {
			t.Fatal(err)
		}
	}
	flushed, added := make(chan error, 1), make(chan error, 1)
	seen := 0
	err = rep.Each(func(r report.Row) error {
		if seen++; seen != n/2 {
			return nil
		}
		go func() { flushed <- rep.Flush() }()
		select {
		case err := <-flushed:
			if err != nil {
				return err
			}
		case <-time.After(30 * time.Second): // a bound, not a wait: the Flush is done long before
			return fmt.Errorf("Flush waited for Each to end")
		}
		go func() { // waits for Each to end
			added <- rep.Add(sendpool.Result{Row: n + 2, Key: "late@example.org", Status: sendpool.StatusFailed})
		}()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != n {
		t.Errorf("Each gave %d rows, want %d", seen, n)
	}
	if err := <-added; err != nil {
		t.Fatal(err)
	}
	if got := len(spReadReport(t, dir)); got != n {
		t.Errorf("report.csv has %d rows, want %d (those before the late line)", got, n)
	}
	if s := rep.Summary(); s.Total != n+1 || s.Failed != 1 {
		t.Errorf("summary after the late line %+v, want %d rows, 1 failed", s, n+1)
	}
}

// TestSummaryTextInterrupted: the rows an interrupted run left take one
// line naming how many and the command that sends them, not a line each
// (twelve lines of "run interrupted: the next send sends it"), while a
// row that failed for another reason is listed as before. Half of them
// have the detail as journals written before it named --retry-failed
// have it (rev-final5): counted alike.
func TestSummaryTextInterrupted(t *testing.T) {
	t.Parallel()
	rows := failedThenUnsent(12, func(i int) string {
		if i%2 == 1 {
			return "run interrupted: the next send sends it"
		}
		return sendpool.InterruptedUnsent
	})
	s := report.Summarize(rows)
	s.Again = "tidings send campaign.yaml"
	out := summaryText(t, &s)
	if n := strings.Count(out, sendpool.InterruptedUnsent); n != 0 {
		t.Errorf("summary lists %d rows %q, want none:\n%s", n, sendpool.InterruptedUnsent, out)
	}
	for _, want := range []string{
		"13 recipients: 0 sent, 1 failed, 12 not-attempted\n",
		"12 not sent (the run was interrupted): tidings send campaign.yaml sends them.\n",
		"not sent:\n  row 2  a@example.org  failed 550  mailbox unavailable\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "more") || s.NotAttempted != 12 || s.OK() {
		t.Errorf("summary lists more rows, or counts %d not attempted (OK %v):\n%s", s.NotAttempted, s.OK(), out)
	}
}

// TestSummaryTextLimited: the rows a run held back past --limit take one
// line naming how many, the limit and the command that sends them, as an
// interrupted run's do, not ten lines of "not tried in this run: --limit
// 50" and "… and 1919 more" (a treasurer's --limit 50 of 2,000); a row
// that failed is listed as before.
func TestSummaryTextLimited(t *testing.T) {
	t.Parallel()
	rows := failedThenUnsent(12, func(int) string { return sendpool.LimitUnsent(5) })
	s := report.Summarize(rows)
	s.Again = "tidings send --yes campaign.yaml"
	out := summaryText(t, &s)
	for _, want := range []string{
		"13 recipients: 0 sent, 1 failed, 12 not-attempted\n",
		"12 not sent (not tried in this run: --limit 5): tidings send --yes campaign.yaml sends them.\n",
		"not sent:\n  row 2  a@example.org  failed 550  mailbox unavailable\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "--limit 5"); n != 1 || strings.Contains(out, "more") || s.NotAttempted != 12 || s.OK() {
		t.Errorf("summary names --limit %d times (want once), lists more rows, or counts %d not attempted (OK %v):\n%s", n, s.NotAttempted, s.OK(), out)
	}
}

// TestSummaryTextCapped: the rows a run held back past send.daily_cap
// take one line naming how many, the command that sends them and when
// the cap lets it (CapAfter; without a time when not known), not ten
// lines of "not tried in this run: daily_cap reached" and "… and 1490
// more" (a cap of 500 on 2,000 rows); report's rows no send has reached
// take the same line while the cap holds (CapHolds); a failed row is
// listed as before.
func TestSummaryTextCapped(t *testing.T) {
	t.Parallel()
	failed := report.Row{Recipient: report.Recipient{Row: 2, Key: "a@example.org"}, Status: sendpool.StatusFailed, Code: 550, Detail: "mailbox unavailable"}
	for _, tc := range []struct {
		detail, after, want string
	}{
		{sendpool.CapUnsent, "after 00:42 tomorrow", "12 not sent (daily_cap reached): tidings send --yes campaign.yaml sends them once the cap allows (after 00:42 tomorrow).\n"},
		{sendpool.CapUnsent, "", "12 not sent (daily_cap reached): tidings send --yes campaign.yaml sends them once the cap allows.\n"},
		{sendpool.NotReached, "after 17:05", "12 not sent (daily_cap reached): tidings send --yes campaign.yaml sends them once the cap allows (after 17:05).\n"},
	} {
		rows := []report.Row{failed}
		for i := range 12 {
			rows = append(rows, report.Row{Recipient: report.Recipient{Row: 3 + i, Key: fmt.Sprintf("r%d@example.org", i)}, Status: sendpool.StatusNotAttempted, Detail: tc.detail})
		}
		s := report.Summarize(rows)
		s.Again, s.CapAfter = "tidings send --yes campaign.yaml", tc.after
		if tc.detail == sendpool.NotReached {
			s.CapHolds(tc.after)
		}
		out := summaryText(t, &s)
		for _, want := range []string{tc.want, "not sent:\n  row 2  a@example.org  failed 550  mailbox unavailable\n"} {
			if !strings.Contains(out, want) {
				t.Errorf("%q: summary lacks %q:\n%s", tc.detail, want, out)
			}
		}
		if n := strings.Count(out, "daily_cap"); n != 1 || strings.Contains(out, "more") || strings.Contains(out, "not tried") || s.NotAttempted != 12 || s.OK() {
			t.Errorf("%q: summary names daily_cap %d times (want once), lists more rows, or counts %d not attempted (OK %v):\n%s", tc.detail, n, s.NotAttempted, s.OK(), out)
		}
	}
}

// TestSummaryTextNotReached: the rows no send has reached, which report
// rebuilds after a send --limit 50 of 2,000, take one line with the
// command that sends them, not ten lines of "not tried yet" and "… and
// 1940 more"; one such row reads "it".
func TestSummaryTextNotReached(t *testing.T) {
	t.Parallel()
	var rows []report.Row
	for i := range 12 {
		rows = append(rows, report.Row{Recipient: report.Recipient{Row: 2 + i, Key: fmt.Sprintf("r%d@example.org", i)}, Status: sendpool.StatusNotAttempted, Detail: sendpool.NotReached})
	}
	for n, want := range map[int]string{
		12: "12 not sent (not tried yet: no send has reached them): tidings send campaign.yaml sends them.\n",
		1:  "1 not sent (not tried yet: no send has reached it): tidings send campaign.yaml sends it.\n",
	} {
		s := report.Summarize(rows[:n])
		s.Again = "tidings send campaign.yaml"
		out := summaryText(t, &s)
		if !strings.Contains(out, want) || strings.Count(out, "not tried yet") != 1 || strings.Contains(out, "not sent:") || s.NotAttempted != n {
			t.Errorf("%d rows: want %q once, no row listed:\n%s", n, want, out)
		}
	}
}

// TestSummaryTextCapRoom: when send.daily_cap lets some rows go now but
// fewer than the next send sends (CapRoom), the line of the rows not sent
// says how many it sends now and that the rest wait for the cap (a send
// --limit 50 of 2,000 under a cap of 500 said "sends them", fix-sum);
// "up to" when deferred rows or another line share the room, "it now, or
// once …" for one row of such a line; a cap with room for all says
// "sends them", the rows the cap held back too; the failed a send
// --retry-failed sends again share the room (AgainAlso): "up to".
func TestSummaryTextCapRoom(t *testing.T) {
	t.Parallel()
	rows := func(n int, st sendpool.Status, detail string) []report.Row {
		var out []report.Row
		for i := range n {
			out = append(out, report.Row{Recipient: report.Recipient{Row: 2 + i, Key: fmt.Sprintf("r%d-%s@example.org", i, st)}, Status: st, Detail: detail})
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		rows  []report.Row
		left  int
		after string
		want  []string
		also  int // AgainAlso
	}{
		{"not reached", rows(2000, sendpool.StatusNotAttempted, sendpool.NotReached), 500, "after 00:42 tomorrow",
			[]string{"2000 not sent (not tried yet: no send has reached them): tidings send campaign.yaml sends 500 of them now, the rest once daily_cap allows (after 00:42 tomorrow).\n"}, 0},
		{"limit", rows(12, sendpool.StatusNotAttempted, sendpool.LimitUnsent(1)), 2, "",
			[]string{"12 not sent (not tried in this run: --limit 1): tidings send campaign.yaml sends 2 of them now, the rest once daily_cap allows.\n"}, 0},
		{"capped, a slot freed", rows(12, sendpool.StatusNotAttempted, sendpool.CapUnsent), 1, "after 17:05",
			[]string{"12 not sent (daily_cap reached): tidings send campaign.yaml sends 1 of them now, the rest once daily_cap allows (after 17:05).\n"}, 0},
		{"shared with deferred", append(rows(12, sendpool.StatusNotAttempted, sendpool.NotReached), rows(3, sendpool.StatusDeferred, "421 try later")...), 5, "after 17:05",
			[]string{"12 not sent (not tried yet: no send has reached them): tidings send campaign.yaml sends up to 5 of them now, the rest once daily_cap allows (after 17:05).\n"}, 0},
		{"one, shared", append(rows(1, sendpool.StatusNotAttempted, sendpool.NotReached), rows(3, sendpool.StatusDeferred, "421 try later")...), 2, "after 17:05",
			[]string{"1 not sent (not tried yet: no send has reached it): tidings send campaign.yaml sends it now, or once daily_cap allows (after 17:05).\n"}, 0},
		{"room for all", rows(12, sendpool.StatusNotAttempted, sendpool.CapUnsent), 12, "after 17:05",
			[]string{"12 not sent (daily_cap reached): tidings send campaign.yaml sends them.\n"}, 0},
		{"shared with the failed retried", append(rows(5, sendpool.StatusNotAttempted, sendpool.LimitUnsent(1)), rows(3, sendpool.StatusFailed, "550 no such user")...), 5, "after 17:05",
			[]string{"5 not sent (not tried in this run: --limit 1): tidings send campaign.yaml sends up to 5 of them now, the rest once daily_cap allows (after 17:05).\n"}, 3},
	} {
		s := report.Summarize(tc.rows)
		s.Again = "tidings send campaign.yaml"
		s.AgainAlso = tc.also
		s.CapRoom(tc.left, tc.after)
		out := summaryText(t, &s)
		for _, want := range tc.want {
			if !strings.Contains(out, want) {
				t.Errorf("%s: summary lacks %q:\n%s", tc.name, want, out)
			}
		}
	}
}

// TestSummaryTextStopped: the rows a stopped run left (the server
// unreachable) take one line naming how many, why and the command that
// sends them, as an interrupted run's do, not ten lines of the same "run
// stopped: server unreachable: …" and "… and 20 more" (rev-user6); a row
// left with another stop's words, and a failed one, are listed as before.
func TestSummaryTextStopped(t *testing.T) {
	t.Parallel()
	const stop = "run stopped: server unreachable: nothing accepts connections at 127.0.0.1:2525"
	rows := failedThenUnsent(12, func(int) string { return stop })
	rows = append(rows, report.Row{Recipient: report.Recipient{Row: 15, Key: "z@example.org"}, Status: sendpool.StatusNotAttempted, Detail: "run stopped: the journal failed"})
	s := report.Summarize(rows)
	s.Again = "tidings send --yes campaign.yaml"
	out := summaryText(t, &s)
	for _, want := range []string{
		"14 recipients: 0 sent, 1 failed, 13 not-attempted\n",
		"12 not sent (" + stop + "): tidings send --yes campaign.yaml sends them once the server answers or the settings are fixed (see why the run stopped).\n",
		"not sent:\n  row 2   a@example.org  failed 550     mailbox unavailable\n",
		"  row 15  z@example.org  not-attempted  run stopped: the journal failed\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "server unreachable"); n != 1 || strings.Contains(out, "more") || s.NotAttempted != 13 || s.OK() {
		t.Errorf("summary names the stop %d times (want once), lists more rows, or counts %d not attempted (OK %v):\n%s", n, s.NotAttempted, s.OK(), out)
	}
}

// TestSummaryTextStoppedAfterTry: a run stopped by the refusal of the
// first row it tried (a relay refusing to relay: "… before the next try")
// left that row and the 39 it never reached not attempted for one cause;
// the summary says so in one line, the first row no reason to list the
// other 39 row by row (a user's review: 10 lines "… and 29 more" in a cron
// job's mail).
func TestSummaryTextStoppedAfterTry(t *testing.T) {
	t.Parallel()
	const stop = "run stopped: 127.0.0.1:25 refused to take mail without a login: server replied 554 5.7.1 <r0@example.org>: Relay access denied"
	var rows []report.Row
	for i := range 40 {
		d := stop
		if i == 0 {
			d += " before the next try"
		}
		rows = append(rows, report.Row{Recipient: report.Recipient{Row: 2 + i, Key: fmt.Sprintf("r%d@example.org", i)}, Status: sendpool.StatusNotAttempted, Detail: d})
	}
	s := report.Summarize(rows)
	s.Again = "tidings send --yes campaign.yaml"
	out := summaryText(t, &s)
	if want := "40 not sent (" + stop[:strings.Index(stop, " <r0")]; !strings.Contains(out, want) || strings.Contains(out, "not sent:") || strings.Contains(out, "more") {
		t.Errorf("summary lacks %q, or lists rows:\n%s", want, out)
	}
}

// TestSummaryTextStoppedCutAtWord: the bounce-rate guard's stop, longer
// than the line gives it, was cut in a number, "(1…" of "(10.0%)" (a
// review, rev-eng9); the line ends at a whole word.
func TestSummaryTextStoppedCutAtWord(t *testing.T) {
	t.Parallel()
	const stop = "run stopped: too many recipients refused: 20 of the 200 recipients tried when it stopped the run (10.0%) were refused for good, over send.max_bounce_rate 5%"
	s := report.Summarize(failedThenUnsent(9, func(int) string { return stop }))
	s.Again = "tidings send campaign.yaml"
	out := summaryText(t, &s)
	if want := "9 not sent (" + stop[:strings.Index(stop, " (10.0%)")] + " …): tidings send campaign.yaml sends them once the list is cleaned"; !strings.Contains(out, want) {
		t.Errorf("summary lacks %q:\n%s", want, out)
	}
}

// failedThenUnsent is a row refused for good (row 2, "550 mailbox
// unavailable") and n rows not attempted after it, the i-th with
// detail(i).
func failedThenUnsent(n int, detail func(i int) string) []report.Row {
	rows := []report.Row{{Recipient: report.Recipient{Row: 2, Key: "a@example.org"}, Status: sendpool.StatusFailed, Code: 550, Detail: "mailbox unavailable"}}
	for i := range n {
		rows = append(rows, report.Row{Recipient: report.Recipient{Row: 3 + i, Key: fmt.Sprintf("r%d@example.org", i)}, Status: sendpool.StatusNotAttempted, Detail: detail(i)})
	}
	return rows
}

// summaryText is the text s.WriteText writes.
func summaryText(t *testing.T, s *report.Summary) string {
	t.Helper()
	var b bytes.Buffer
	if err := s.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestSummaryTextQuotaStop: the line of the rows a used-up sending quota
// stopped says when the next send sends them, once the quota resets
// (today's review: it said "… sends them.", when on the next line only);
// report.json's ending says the same.
func TestSummaryTextQuotaStop(t *testing.T) {
	t.Parallel()
	detail := sendpool.StopUnsent(sendpool.ErrQuota.Error() + ": 550 5.4.5 Daily user sending limit exceeded. - gsmtp")
	var rows []report.Row
	for i := range 3 {
		rows = append(rows, report.Row{Recipient: report.Recipient{Row: 2 + i, Key: fmt.Sprintf("q%d@example.org", i)}, Status: sendpool.StatusNotAttempted, Detail: detail})
	}
	s := report.Summarize(rows)
	s.Again = "tidings send --yes campaign.yaml"
	out := summaryText(t, &s)
	want := ": tidings send --yes campaign.yaml sends them once the server's quota resets (often a day).\n"
	if !strings.Contains(out, "3 not sent (run stopped: the server's sending quota is used up") || !strings.Contains(out, want) {
		t.Errorf("want the quota's line to end %q:\n%s", want, out)
	}
	if next := s.Ending(report.EndFacts{}).Next; next != "tidings send --yes campaign.yaml sends them once the server's quota resets (often a day)" {
		t.Errorf("report.json's next = %q, want the summary's words", next)
	}
}
