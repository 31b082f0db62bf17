package plan

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/smtpclient"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// writeCampaign writes a campaign sending to srv over n rows (user000@…)
// with extra YAML appended, and returns its path.
func writeCampaign(t *testing.T, srv *smtptest.Server, n int, extra string) string {
	t.Helper()
	dir := t.TempDir()
	var sheet strings.Builder
	sheet.WriteString("email,name\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sheet, "user%03d@example.com,User %d\n", i, i)
	}
	writeFile(t, filepath.Join(dir, "c.yaml"), fmt.Sprintf(`name: t
from: "Sender <sender@example.com>"
to: '{{address .name .email}}'
subject: "Hello {{.name}}"
text: body.txt
recipients: {path: r.csv}
smtp: {host: 127.0.0.1, port: %d, security: none}
send: {concurrency: 2, retry_backoff: 1ms}
%s`, srv.Port, extra))
	writeFile(t, filepath.Join(dir, "body.txt"), "Hi {{.name}}\n")
	writeFile(t, filepath.Join(dir, "r.csv"), sheet.String())
	return filepath.Join(dir, "c.yaml")
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// open opens the campaign at path and its (empty or earlier) journal.
func open(t *testing.T, path string) (*Inputs, *journal.State) {
	t.Helper()
	in, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close() })
	state, err := journal.Load(context.Background(), in.Campaign.StateDir)
	if err != nil {
		t.Fatal(err)
	}
	return in, state
}

// TestRenderAgainNoticesChangedSheet: when delivery reads the sheet again
// (the preflight's messages were not kept), a row inserted after the
// preflight would shift every row after it onto the plan of another; the
// second reading stops at the first row whose key is not the planned one,
// before handing anything over. Unchanged, it hands over the plan.
func TestRenderAgainNoticesChangedSheet(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := writeCampaign(t, srv, 3, "")
	ctx := context.Background()
	in, state := open(t, camp)
	pl, err := Preflight(ctx, in, state, Options{KeepBudget: -1})
	if err != nil {
		t.Fatal(err)
	}
	if pl.kept != nil || pl.ToSend != 3 {
		t.Fatalf("plan: %d to send, kept %v", pl.ToSend, pl.kept != nil)
	}
	again := func() ([]*render.Message, error) {
		reporter, err := report.NewReporter(t.TempDir(), report.ReporterOptions{})
		if err != nil {
			t.Fatal(err)
		}
		msgs := make(chan *render.Message, 10)
		err = pl.renderAgain(ctx, in, Delivery{Limit: 10, Reporter: reporter}, msgs)
		var got []*render.Message
		for m := range msgs {
			got = append(got, m)
		}
		return got, err
	}
	if got, err := again(); err != nil || len(got) != 3 {
		t.Fatalf("unchanged sheet: %d messages, %v", len(got), err)
	}
	writeFile(t, filepath.Join(filepath.Dir(camp), "r.csv"), "email,name\nnew@example.com,New\nuser000@example.com,User 0\nuser001@example.com,User 1\nuser002@example.com,User 2\n")
	got, err := again()
	if !errors.Is(err, ErrSheetChanged) {
		t.Errorf("changed sheet: %v, want ErrSheetChanged", err)
	}
	if len(got) != 0 {
		t.Errorf("changed sheet: %d messages handed over, want none", len(got))
	}
}

// TestPreflightDecides: every row gets its fate without the command line:
// a duplicate key, a suppressed address and a row problem are decided
// before anything is sent, the rest is planned in sheet order.
func TestPreflightDecides(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := writeCampaign(t, srv, 0, "suppress: s.txt\n")
	dir := filepath.Dir(camp)
	writeFile(t, filepath.Join(dir, "r.csv"), "email,name\na@example.com,A\nb@example.com,B\nA@Example.com,A again\nnot an address,C\nc@blocked.example,C\n")
	writeFile(t, filepath.Join(dir, "s.txt"), "@blocked.example\n")
	in, state := open(t, camp)
	var seen int
	pl, err := Preflight(context.Background(), in, state, Options{OnMessage: func(*render.Message) { seen++ }})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]sendpool.Status{2: sendpool.StatusNotAttempted, 3: sendpool.StatusNotAttempted, 4: sendpool.StatusDuplicate,
		5: sendpool.StatusInvalid, 6: sendpool.StatusSuppressed}
	for _, l := range pl.Lines {
		if want[l.Row] != l.Status {
			t.Errorf("row %d: %v (%s), want %v", l.Row, l.Status, l.Detail, want[l.Row])
		}
	}
	if pl.Rows != 5 || pl.ToSend != 2 || len(pl.Invalid) != 1 || len(pl.Lines) != 5 || seen != 4 {
		t.Errorf("rows %d, to send %d, invalid %d, lines %d, seen %d", pl.Rows, pl.ToSend, len(pl.Invalid), len(pl.Lines), seen)
	}
}

// TestDeliverThenResume: Deliver sends the plan through a real SMTP
// client, journaled and reported; a second preflight over the journal
// plans nothing, and the daily cap holds rows back until its window moves.
func TestDeliverThenResume(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := writeCampaign(t, srv, 5, "")
	ctx := context.Background()
	in, state := open(t, camp)
	pl, err := Preflight(ctx, in, state, Options{})
	if err != nil {
		t.Fatal(err)
	}
	allow := pl.Allow(0, 3, state, time.Now())
	if allow.N != 3 || !allow.Capped || !allow.Next.IsZero() {
		t.Fatalf("allowance %+v, want 3 now under a cap of 3", allow)
	}
	deliver(t, in, pl, allow.N)
	if got := len(srv.Messages()); got != 3 {
		t.Fatalf("server has %d messages, want 3", got)
	}

	in2, state2 := open(t, camp)
	pl2, err := Preflight(ctx, in2, state2, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if pl2.ToSend != 2 {
		t.Errorf("resumed plan: %d to send, want 2", pl2.ToSend)
	}
	if a := pl2.Allow(0, 3, state2, time.Now()); a.N != 0 || a.Next.IsZero() {
		t.Errorf("allowance %+v, want none until the window moves", a)
	}
	if a := pl2.Allow(1, 3, state2, time.Now().Add(25*time.Hour)); a.N != 1 || a.Capped {
		t.Errorf("a day later with --limit 1: %+v", a)
	}
}

// deliver delivers pl's first n rows of in over a real SMTP client.
func deliver(t *testing.T, in *Inputs, pl *Plan, n int) {
	t.Helper()
	ctx := context.Background()
	c := in.Campaign
	dialer, err := smtpclient.NewDialer(smtpclient.ConfigFrom(c.SMTP, ""))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(c.StateDir, 0o700); err != nil {
		t.Fatal(err)
	}
	lock, err := journal.AcquireLock(c.StateDir)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	w, err := journal.Open(ctx, lock, journal.Run{PID: os.Getpid(), Started: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	rec := journal.NewRecorder(w)
	rep, err := report.NewReporter(c.StateDir, report.ReporterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := pl.Seed(ctx, rep, rec); err != nil {
		t.Fatal(err)
	}
	cfg := sendpool.ConfigFrom(c)
	cfg.Dialer, cfg.Journal = dialer, rec
	if err := pl.Deliver(ctx, in, Delivery{Pool: cfg, Limit: n, Reporter: rep}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := rep.Flush(); err != nil {
		t.Fatal(err)
	}
	if s := rep.Summary(); s.Sent != n || s.NotAttempted != pl.ToSend-n {
		t.Errorf("report: %d sent, %d not attempted", s.Sent, s.NotAttempted)
	}
}
