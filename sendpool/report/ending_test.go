package report_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/report"
)

// TestReporterEnding: report.json's ending sits between the summary and
// the rows, in the compact files a running send rewrites (which say it
// runs) and in the final one alike, and Write, which knows no run, writes
// none.
func TestReporterEnding(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rep, err := report.NewReporter(dir, report.ReporterOptions{Every: 1, Interval: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close()
	// read returns report.json's ending, and whether it comes between
	// the summary and the rows.
	read := func() (e *report.Ending, between bool) {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, report.JSONFile))
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Ending *report.Ending   `json:"ending"`
			Rows   []map[string]any `json:"rows"`
		}
		if err := json.Unmarshal(b, &doc); err != nil || len(doc.Rows) == 0 {
			t.Fatalf("report.json: %v, %d rows\n%s", err, len(doc.Rows), b)
		}
		sum, end, rows := bytes.Index(b, []byte(`"summary"`)), bytes.Index(b, []byte(`"ending"`)), bytes.Index(b, []byte(`"rows"`))
		return doc.Ending, sum >= 0 && sum < end && end < rows
	}
	for row := 2; row < 6; row++ {
		if err := rep.Add(sendpool.Result{Row: row, Key: fmt.Sprintf("u%d@example.org", row), Status: sendpool.StatusSent}); err != nil {
			t.Fatal(err)
		}
	}
	if e, between := read(); e == nil || e.Kind != report.EndRunning || !between {
		t.Errorf("a running send's file: ending %+v (between the summary and the rows: %v), want running", e, between)
	}
	now := time.Date(2026, 12, 7, 8, 0, 3, 0, time.UTC)
	rep.NoteEnding(func(s report.Summary) report.Ending { return s.Ending(report.EndFacts{Now: now}) })
	if err := rep.Flush(); err != nil {
		t.Fatal(err)
	}
	if e, between := read(); e == nil || e.Kind != report.EndFinished || e.WrittenAt != "2026-12-07T08:00:03Z" || !between {
		t.Errorf("the final file: ending %+v (between the summary and the rows: %v)", e, between)
	}
	if err := report.Write(dir, rep.Rows()); err != nil {
		t.Fatal(err)
	}
	if e, _ := read(); e != nil {
		t.Errorf("Write wrote an ending: %+v", e)
	}
}

// TestEndingTextLine: report's line of a killed or refused send is the
// ending's words and what sends the rest; the other kinds, which the
// summary's lines of rows tell, have none.
func TestEndingTextLine(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 8, 0, 3, 0, time.UTC)
	s := report.Summary{Total: 30, Sent: 3, NotAttempted: 27, Again: "tidings send c.yaml"}
	killed := s.Ending(report.EndFacts{Short: true, Now: now})
	if got, want := killed.TextLine(), "last send: killed: "+killed.Words+"; tidings send c.yaml sends the 27 rows left."; got != want {
		t.Errorf("killed: %q, want %q", got, want)
	}
	refused := s.Ending(report.EndFacts{Refused: "1 of 30 rows have problems; nothing was sent", RefusedNext: "fix them", Now: now})
	if got, want := refused.TextLine(), "last send: refused: 1 of 30 rows have problems; nothing was sent; fix them."; got != want {
		t.Errorf("refused: %q, want %q", got, want)
	}
	for _, f := range []report.EndFacts{{Now: now}, {Running: true}, {NoRun: true}} {
		if e := s.Ending(f); e.TextLine() != "" {
			t.Errorf("%s: %q, want none", e.Kind, e.TextLine())
		}
	}
}

// TestKilledNextUnknownToSend: the ending of a send killed outright
// counts among the unknown rows --resend-unknown sends again only those a
// send tries: not one no longer in the sheet, left out now by
// recipients.only_blank or only_filled, or on the suppression list now.
// It counted every unknown row, and named --resend-unknown when none of
// them would go.
func TestKilledNextUnknownToSend(t *testing.T) {
	t.Parallel()
	const again = "tidings send --yes c.yaml"
	for _, c := range []struct {
		sum  report.Summary
		want string
	}{
		{report.Summary{Total: 5, Sent: 1, Unknown: 4, GoneUnknown: 1, LeftOutUnknown: 1, UnknownSuppressed: 1, Again: again},
			again + " --resend-unknown sends the 1 unknown row (which may arrive twice) again"},
		{report.Summary{Total: 3, Sent: 1, Unknown: 2, LeftOutUnknown: 2, Again: again}, ""},
		{report.Summary{Total: 4, Sent: 1, NotAttempted: 1, Unknown: 2, LeftOutUnknown: 1, Again: again},
			again + " sends the 1 row left; with --resend-unknown, also the 1 unknown row (which may arrive twice)"},
	} {
		e := c.sum.Ending(report.EndFacts{Unrecorded: true, Now: time.Date(2026, 12, 7, 18, 0, 0, 0, time.UTC)})
		if e.Kind != report.EndKilled || e.Next != c.want {
			t.Errorf("%+v: ending %s, next %q; want killed, %q", c.sum, e.Kind, e.Next, c.want)
		}
	}
}
