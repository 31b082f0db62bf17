package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestProgressRetryWait drives the progress lines with ticks and the
// pool's retry notices: a retry due later than the rest's estimate makes
// the time left, saying so (the review's line said "about 3s left" while
// a retry waited 28 s), also several and before any message is done;
// one whose time has come keeps the time left over a second until its
// result; its result, the retry made, ends the wait.
func TestProgressRetryWait(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	w := newProgressLines()
	tick := make(chan time.Time)
	p := newProgress(&globalOptions{stderr: w}, 4, progressClock{tick: tick, now: func() time.Time { return t0 }}, runPart{}, 0)
	at := func(d time.Duration, want string) {
		t.Helper()
		tick <- t0.Add(d)
		if got := w.next(t); got != want {
			t.Errorf("after %v:\n got %q\nwant %q", d, got, want)
		}
	}
	p.Notice(sendpool.Notice{Kind: sendpool.NoticeRetry, Row: 2, Due: t0.Add(30 * time.Second), Attempts: 1, Text: "row 2: …; retry 1 of 1 in 30s"})
	at(time.Second, "progress: 0/4 messages done, 0 not sent, 1s so far, a retry due in 29s")
	p.Add(sendpool.Result{Row: 3, Status: sendpool.StatusSent, Attempts: 1})
	p.Add(sendpool.Result{Row: 4, Status: sendpool.StatusSent, Attempts: 1})
	at(2*time.Second, "progress: 2/4 messages done, 0 not sent, 2s so far, 1.0 msg/s, about 28s left (a retry due then)")
	// A throttled one waits too, with no note of its own.
	p.Notice(sendpool.Notice{Kind: sendpool.NoticeWait, Row: 5, Due: t0.Add(45 * time.Second), Attempts: 1})
	at(3*time.Second, "progress: 2/4 messages done, 0 not sent, 3s so far, 40.0 msg/min, about 42s left (2 retries waiting, the last due then)")
	p.Add(sendpool.Result{Row: 5, Status: sendpool.StatusSent, Attempts: 2})
	at(4*time.Second, "progress: 3/4 messages done, 0 not sent, 4s so far, 45.0 msg/min, about 26s left (a retry due then)")
	// Due, not done yet (its try on the wire, its domain's turn): never
	// "0s left".
	at(30*time.Second, "progress: 3/4 messages done, 0 not sent, 30s so far, 6.0 msg/min, about 10s left")
	p.Add(sendpool.Result{Row: 2, Status: sendpool.StatusSent, Attempts: 2})
	at(31*time.Second, "progress: 4/4 messages done, 0 not sent, 31s so far, 7.7 msg/min")
	p.Close()
	if d := p.droppedRetries(); len(d) != 0 {
		t.Errorf("retries made counted as dropped: %+v", d)
	}

	// A fast run whose last message waits: the rate's estimate rounds
	// to nothing, the retry's due time has come.
	w = newProgressLines()
	tick = make(chan time.Time)
	p = newProgress(&globalOptions{stderr: w}, 100, progressClock{tick: tick, now: func() time.Time { return t0 }}, runPart{}, 0)
	for row := range 99 {
		p.Add(sendpool.Result{Row: row + 3, Status: sendpool.StatusSent, Attempts: 1})
	}
	p.Notice(sendpool.Notice{Kind: sendpool.NoticeRetry, Row: 2, Due: t0.Add(time.Second), Attempts: 1})
	at(2*time.Second, "progress: 99/100 messages done, 0 not sent, 2s so far, 49.5 msg/s, about 1s left (a retry due now)")
	p.Add(sendpool.Result{Row: 2, Status: sendpool.StatusDeferred, Attempts: 1}) // the run ended first
	p.Close()
	if d := p.droppedRetries(); len(d) != 1 || d[0].Row != 2 {
		t.Errorf("dropped retries %+v, want row 2's", d)
	}
}

// retryCampaign is a campaign of sendCampaign's for srv whose first row
// is ann@slow.test and the others user00N@example.com, with the send:
// line send.
func retryCampaign(t *testing.T, srv *smtptest.Server, send string) string {
	t.Helper()
	camp := sendCampaign(t, srv, 4, send)
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nann@slow.test,Ann\nuser001@example.com,U1\nuser002@example.com,U2\nuser003@example.com,U3\n"})
	return camp
}

// greylistSlow answers slow.test's recipients 451 and quota to a
// recipient whose address starts with quota (the rest it takes).
func greylistSlow(quota string) smtptest.Option {
	return smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		switch {
		case strings.HasSuffix(to, "@slow.test"):
			return smtptest.Reply(451, "4.7.1", "greylisted, try later")
		case quota != "" && strings.HasPrefix(to, quota):
			return smtptest.Reply(550, "5.4.5", "Daily sending quota exceeded")
		}
		return nil
	})
}

// TestSendProgressRetryWait: a real send whose server answers one
// domain's recipient 451 while it takes the rest prints, once the rest
// are done, a time left that waits for the retry (retry_backoff 1m: 30
// to 90 s), not the rest's "about 0s left"; interrupted then, it takes
// the retry note back, with the row's status as report.csv has it.
func TestSendProgressRetryWait(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t, greylistSlow(""))
	camp := retryCampaign(t, srv, "send: {concurrency: 1, retries: 1, retry_backoff: 1m}\n")
	tick := make(chan time.Time)
	errOut := newProgressLines()
	errOut.notes = make(chan string, 100)
	var out bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: errOut, stdin: strings.NewReader(""), abort: context.Background()}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- runSend(ctx, sendOptions{yes: true, progress: progressClock{tick: tick}}, g, camp) }()

	for note := range errOut.notes {
		if strings.Contains(note, "retry 1 of 1 in ") {
			break
		}
	}
	line := ""
	for deadline := time.Now().Add(time.Minute); !strings.HasPrefix(line, "progress: 3/4 ") && time.Now().Before(deadline); {
		tick <- time.Now() // a line at each tick, until the rest are done
		line = errOut.next(t)
	}
	m := regexp.MustCompile(`, about (\S+) left \(a retry due then\)$`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("the rest done, the retry waiting:\n%s\nwant the time left to the retry", line)
	}
	if left, err := time.ParseDuration(m[1]); err != nil || left < 20*time.Second {
		t.Errorf("time left %s, want the retry's wait (at least 30 s from its note)", m[1])
	}
	cancel()
	<-done
	want := "note: the run was interrupted before retrying row 2 (ann@slow.test): it is deferred in report.csv, and the next send tries it again\n"
	if !strings.Contains(errOut.String(), want) {
		t.Errorf("stderr:\n%s\nwant %q", errOut, want)
	}
	if r := readReport(t, camp)[0]; r["row"] != "2" || r["status"] != "deferred" {
		t.Errorf("report.csv's row %s: %s, want row 2 deferred as the note says", r["row"], r["status"])
	}
}

// TestRetryNoteTakenBackAtStop: "retry 1 of 3 in 32s" was printed, then
// the run stopped (the server's sending quota used up) and the retry
// never came, the note standing. The stop now says that retry did not
// happen, the row's status in report.csv (as the file has it) and what
// sends it, once what the stop needs.
func TestRetryNoteTakenBackAtStop(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t, greylistSlow("user002"))
	camp := retryCampaign(t, srv, "send: {concurrency: 1, retries: 3, retry_backoff: 30s}\n")
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitUnusable || !regexp.MustCompile(`(?m)^note: row 2: not accepted for ann@slow.test \(451 4\.7\.1 greylisted, try later\); retry 1 of 3 in \d+s$`).MatchString(errOut) {
		t.Fatalf("code %d, want 2 after a retry note\n%s", code, errOut)
	}
	status := map[string]string{}
	for _, r := range readReport(t, camp) {
		status[r["row"]] = r["status"]
	}
	want := "note: the run stopped before retrying row 2 (ann@slow.test): it is " + status["2"] + " in report.csv, and the next send tries it again once the server's quota resets (often a day)\n"
	if status["2"] != "deferred" || !strings.Contains(errOut, want) {
		t.Errorf("row 2 %s in report.csv; stderr:\n%s\nwant %q", status["2"], errOut, want)
	}
	// The summary's deferred line says when as well (it said "run send
	// again to try them again", which the quota refuses until it resets).
	if want := "1 deferred: the server refused them for now; run send --yes again once the server's quota resets (often a day) to try them again.\n"; !strings.Contains(out+errOut, want) {
		t.Errorf("the summary:\n%s%s\nwant %q", out, errOut, want)
	}
}

// TestRetryWaitsMany: the last due time stays right as waits come in
// order, the latest ones end first, one comes again with a later time,
// and they end in any order. (The bar's description is redrawn at every
// wait's notice and every waiting message's result, under the lock the
// pool's notices and results wait on: it read the last due time by going
// through every waiting message, about 10^10 steps for 100,000
// greylisted rows, minutes of a stalled pool. BenchmarkRetryWaits shows
// the cost of 100,000 now: a logarithm's steps each.)
func TestRetryWaitsMany(t *testing.T) {
	t.Parallel()
	w := retryWaitsRun(2_000, func(i int, w *retryWaits, wantDue time.Time, wantN int) {
		t.Helper()
		if due, got := w.latest(); !due.Equal(wantDue) || got != wantN {
			t.Fatalf("step %d: latest %v, %d waiting; want %v, %d", i, due, got, wantDue, wantN)
		}
	})
	if due, got := w.latest(); !due.IsZero() || got != 0 || len(w.dropped) != 2_000 {
		t.Errorf("all ended: latest %v, %d waiting, %d dropped; want none waiting, 2000 dropped", due, got, len(w.dropped))
	}
}

// BenchmarkRetryWaits: 100,000 rows begin to wait, one waits again, and
// all end, the latest first (as a stop ends them), with the last due
// time read after each (as the bar's redraw does).
func BenchmarkRetryWaits(b *testing.B) {
	for b.Loop() {
		retryWaitsRun(100_000, func(int, *retryWaits, time.Time, int) {})
	}
}

// retryWaitsRun runs n waits through a retryWaits, calling check after
// each step with the last due time and the count it should give then,
// and returns it.
func retryWaitsRun(n int, check func(i int, w *retryWaits, wantDue time.Time, wantN int)) *retryWaits {
	t0 := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	var w retryWaits
	for i := range n {
		w.notice(sendpool.Notice{Kind: sendpool.NoticeRetry, Row: i + 2, Due: t0.Add(time.Duration(i) * time.Millisecond), Attempts: 1})
		w.latest()
		check(i, &w, t0.Add(time.Duration(i)*time.Millisecond), i+1)
	}
	// Row 2 waits again, now the last; then the latest end first, as a
	// stop ends them.
	w.notice(sendpool.Notice{Kind: sendpool.NoticeWait, Row: 2, Due: t0.Add(time.Hour), Attempts: 2})
	check(0, &w, t0.Add(time.Hour), n)
	w.done(sendpool.Result{Row: 2, Status: sendpool.StatusDeferred, Attempts: 2})
	for i := n - 1; i >= 1; i-- {
		w.latest()
		check(i, &w, t0.Add(time.Duration(i)*time.Millisecond), i)
		w.done(sendpool.Result{Row: i + 2, Status: sendpool.StatusDeferred, Attempts: 1})
	}
	return &w
}

// TestRetryWaitsCompact: waits that end leave their entries behind until
// they come first; a long run of them (one row throttled again and
// again while another waits) is dropped, the last due time kept.
func TestRetryWaitsCompact(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	var w retryWaits
	w.notice(sendpool.Notice{Kind: sendpool.NoticeRetry, Row: 2, Due: t0.Add(time.Hour), Attempts: 1})
	for i := range 1000 {
		w.notice(sendpool.Notice{Kind: sendpool.NoticeWait, Row: 3, Due: t0.Add(time.Duration(i) * time.Second), Attempts: i})
	}
	if due, n := w.latest(); !due.Equal(t0.Add(time.Hour)) || n != 2 || len(w.dues) > 100 {
		t.Errorf("latest %v, %d waiting, %d entries; want row 2's, 2 waiting, a few entries", due, n, len(w.dues))
	}
	w.done(sendpool.Result{Row: 2, Attempts: 2})
	if due, n := w.latest(); !due.Equal(t0.Add(999*time.Second)) || n != 1 {
		t.Errorf("latest %v, %d waiting; want row 3's last, 1", due, n)
	}
}

// TestRetryNoteCarriedWait: a part whose time ran out left row 2 waiting
// for its retry (the 451's "retry 1 of 1 in 45s"); the next part gave it
// no try before the run stopped (here: it tried nothing in its time,
// example.com's 1/m spent). The note named the pool's status of the
// row, not-attempted in this part ("and the next send sends it"), while
// report.csv keeps the row as the part before left it, deferred. It
// names the row's status as report.csv has it.
func TestRetryNoteCarriedWait(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t, greylistSlow(""))
	camp := retryCampaign(t, srv, "send: {concurrency: 1, retries: 1, retry_backoff: 1m, domains: {example.com: 1/m}}\n")
	out, errOut, err := sendWith(camp, sendOptions{partTime: partTimeForTest})
	// Part 2 on a quiet machine; a later one when part 1's second ran out
	// before row 2's first try (CI under load: part 3).
	if !regexp.MustCompile(`part [2-9] tried no message`).MatchString(fmt.Sprint(err)) {
		t.Fatalf("send: %v, want a part after the first to try none\n%s%s", err, out, errOut)
	}
	status := map[string]string{}
	for _, r := range readReport(t, camp) {
		status[r["row"]] = r["status"]
	}
	want := "note: the run stopped before retrying row 2 (ann@slow.test): it is deferred in report.csv, and the next send tries it again"
	if status["2"] != "deferred" || !strings.Contains(errOut, want) {
		t.Errorf("row 2 %s in report.csv; stderr:\n%s\nwant %q", status["2"], errOut, want)
	}
}
