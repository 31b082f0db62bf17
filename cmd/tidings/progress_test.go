package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// progressLines is an stderr that keeps everything written and passes each
// progress line on to lines as it is completed. It is safe for concurrent
// use.
type progressLines struct {
	mu      sync.Mutex
	all     bytes.Buffer
	partial []byte
	lines   chan string
	// notes, when set, gets the "note:" lines (those it has no room for
	// are dropped).
	notes chan string
}

func newProgressLines() *progressLines { return &progressLines{lines: make(chan string, 100)} }

func (w *progressLines) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.all.Write(b)
	w.partial = append(w.partial, b...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			return len(b), nil
		}
		switch line := string(w.partial[:i]); {
		case strings.HasPrefix(line, "progress:"):
			w.lines <- line
		case w.notes != nil && strings.HasPrefix(line, "note:"):
			select {
			case w.notes <- line:
			default:
			}
		}
		w.partial = w.partial[i+1:]
	}
}

func (w *progressLines) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.all.String()
}

// next waits for the next progress line, for at most a minute.
func (w *progressLines) next(t *testing.T) string {
	t.Helper()
	select {
	case line := <-w.lines:
		return line
	case <-time.After(time.Minute):
		t.Fatal("no progress line within a minute")
		return ""
	}
}

// TestProgressLines drives the plain progress lines with ticks the test
// sends: a line per tick with the counts, also while nothing finishes, the
// rate and the time left once a message is done, singular and plural, and
// nothing after Close.
func TestProgressLines(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	w := newProgressLines()
	tick := make(chan time.Time)
	p := newProgress(&globalOptions{stderr: w}, 250, progressClock{tick: tick, now: func() time.Time { return t0 }}, runPart{}, 0)
	add := func(n int, status sendpool.Status) {
		for range n {
			p.Add(sendpool.Result{Status: status})
		}
	}
	at := func(d time.Duration, want string) {
		t.Helper()
		tick <- t0.Add(d)
		if got := w.next(t); got != want {
			t.Errorf("after %v:\n got %q\nwant %q", d, got, want)
		}
	}
	at(10*time.Second, "progress: 0/250 messages done, 0 not sent, 10s so far")
	add(17, sendpool.StatusSent)
	add(3, sendpool.StatusFailed)
	at(20*time.Second, "progress: 20/250 messages done, 3 not sent, 20s so far, 1.0 msg/s, about 3m50s left")
	// Stalled (throttled, retries waiting): a line all the same.
	at(30*time.Second, "progress: 20/250 messages done, 3 not sent, 30s so far, 40.0 msg/min, about 5m45s left")
	add(130, sendpool.StatusSent)
	at(75*time.Second, "progress: 150/250 messages done, 3 not sent, 1m15s so far, 2.0 msg/s, about 50s left")
	// Just under 1 per second, as a real clock has it, prints as per second.
	at(150*time.Second+100*time.Millisecond, "progress: 150/250 messages done, 3 not sent, 2m30s so far, 1.0 msg/s, about 1m40s left")
	add(100, sendpool.StatusSent)
	at(2*time.Hour+30*time.Second, "progress: 250/250 messages done, 3 not sent, 2h01m so far, 2.1 msg/min")
	p.Close()
	select {
	case tick <- t0.Add(3 * time.Hour):
		t.Error("a tick was taken after Close")
	default:
	}
	if out := w.String(); strings.Count(out, "\n") != 6 {
		t.Errorf("wrote\n%s\nwant the 6 lines asked for and nothing else", out)
	}

	one := newProgressLines()
	tick1 := make(chan time.Time)
	p = newProgress(&globalOptions{stderr: one}, 1, progressClock{tick: tick1, now: func() time.Time { return t0 }}, runPart{}, 0)
	tick1 <- t0.Add(10 * time.Second)
	if got, want := one.next(t), "progress: 0/1 message done, 0 not sent, 10s so far"; got != want {
		t.Errorf("one message:\n got %q\nwant %q", got, want)
	}
	p.Close()
}

// TestProgressNotAttempted: the messages a Ctrl-C'd or stopped run hands
// back untried are neither done nor "not sent" in the progress: a bar that
// read "(1 not sent)" after a Ctrl-C while the summary counted 10 sent and
// 27 not-attempted named a failure that never happened.
func TestProgressNotAttempted(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	w := newProgressLines()
	tick := make(chan time.Time)
	p := newProgress(&globalOptions{stderr: w}, 37, progressClock{tick: tick, now: func() time.Time { return t0 }}, runPart{}, 0)
	for range 10 {
		p.Add(sendpool.Result{Status: sendpool.StatusSent})
	}
	p.Add(sendpool.Result{Status: sendpool.StatusNotAttempted})
	tick <- t0.Add(time.Minute)
	if got, want := w.next(t), "progress: 10/37 messages done, 0 not sent, 1m0s so far, 10.0 msg/min, about 2m42s left"; got != want {
		t.Errorf("after an untried message:\n got %q\nwant %q", got, want)
	}
	p.Close()
}

// TestProgressQuiet: --quiet prints no progress at all.
func TestProgressQuiet(t *testing.T) {
	t.Parallel()
	w := newProgressLines()
	tick := make(chan time.Time)
	p := newProgress(&globalOptions{stderr: w, quiet: true}, 10, progressClock{tick: tick}, runPart{}, 0)
	p.Add(sendpool.Result{Status: sendpool.StatusSent})
	if p.stop != nil {
		t.Error("quiet progress started the line writer")
	}
	p.Close()
	if out := w.String(); out != "" {
		t.Errorf("quiet progress wrote %q", out)
	}
}

func TestRoughDuration(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{45*time.Second + 400*time.Millisecond, "45s"},
		{3*time.Minute + 50*time.Second, "3m50s"},
		{59*time.Minute + 59*time.Second + 600*time.Millisecond, "1h00m"},
		{2*time.Hour + 4*time.Minute + 31*time.Second, "2h05m"},
		{26 * time.Hour, "26h00m"},
	} {
		if got := roughDuration(tt.d); got != tt.want {
			t.Errorf("roughDuration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

// TestSendProgressStalled: a real send whose messages the server holds
// prints a progress line on stderr when the tick comes, though nothing
// has finished; the run then completes with its summary and no line after.
func TestSendProgressStalled(t *testing.T) {
	t.Parallel()
	gate := make(chan struct{})
	srv := smtptest.NewServer(t, smtptest.HoldData(gate))
	camp := sendCampaign(t, srv, 3, "")
	t0 := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	tick := make(chan time.Time)
	errOut := newProgressLines()
	var out bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: errOut, stdin: strings.NewReader(""), abort: context.Background()}
	opts := sendOptions{yes: true, progress: progressClock{tick: tick, now: func() time.Time { return t0 }}}
	done := make(chan error, 1)
	go func() { done <- runSend(context.Background(), opts, g, camp) }()

	select {
	case <-srv.Held(): // a message is on the wire, its reply held: the run stalls
	case err := <-done:
		t.Fatalf("send ended before a message reached the server: %v\n%s%s", err, out.String(), errOut)
	}
	tick <- t0.Add(10 * time.Second)
	if got, want := errOut.next(t), "progress: 0/3 messages done, 0 not sent, 10s so far"; got != want {
		t.Errorf("stalled send:\n got %q\nwant %q", got, want)
	}
	close(gate)
	if err := <-done; err != nil {
		t.Fatalf("send: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errOut)
	}
	if n := strings.Count(errOut.String(), "progress:"); n != 1 {
		t.Errorf("stderr has %d progress lines, want the 1 ticked:\n%s", n, errOut)
	}
	if !strings.Contains(out.String(), "3 recipients: 3 sent") {
		t.Errorf("no summary on stdout:\n%s", out.String())
	}
}

// TestProgressBesideNotices: progress lines and the pool's notices come
// from goroutines of their own and go to one stderr, a line at a time
// (the race detector of .ci/run watches the buffer): every note, and of
// the progress lines those not given way to a later one before they were
// written (linePrinter), the last at least.
func TestProgressBesideNotices(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	g := &globalOptions{stderr: &buf}
	tick := make(chan time.Time)
	p := newProgress(g, 10, progressClock{tick: tick}, runPart{}, 0)
	notify := notifier(g, nil, nil)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 50 {
			notify(sendpool.Notice{Kind: sendpool.NoticeRetry, Text: "row 2: deferred; retry 1 of 3"})
		}
	}()
	for range 50 {
		tick <- time.Now()
	}
	<-done
	p.Close()
	g.errMu.Lock()
	defer g.errMu.Unlock()
	if notes, progress := strings.Count(buf.String(), "note: "), strings.Count(buf.String(), "progress: "); notes != 50 || progress < 1 || progress > 50 {
		t.Errorf("%d notes and %d progress lines, want 50 and 1 to 50:\n%s", notes, progress, buf.String())
	}
	for _, l := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		if !strings.HasPrefix(l, "progress: ") && l != "note: row 2: deferred; retry 1 of 3" {
			t.Errorf("a line written into another: %q", l)
		}
	}
}

// TestProgressNoConnection: while the pool cannot connect (a failed
// dial's notice, with when it dials again), the lines give no time left,
// which the rate so far cannot tell, but the wait; a message done before
// then (over a connection lost since) changes nothing, one done after it
// brings the time left back.
func TestProgressNoConnection(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	now := t0
	var mu sync.Mutex
	w := newProgressLines()
	tick := make(chan time.Time)
	p := newProgress(&globalOptions{stderr: w}, 40, progressClock{tick: tick, now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }}, runPart{}, 0)
	at := func(d time.Duration, want string) {
		t.Helper()
		tick <- t0.Add(d)
		if got := w.next(t); got != want {
			t.Errorf("after %v:\n got %q\nwant %q", d, got, want)
		}
	}
	for range 10 {
		p.Add(sendpool.Result{Status: sendpool.StatusSent})
	}
	p.Notice(sendpool.Notice{Kind: sendpool.NoticeReconnect, Text: "going on with fewer connections for now (3)"})
	at(2*time.Second, "progress: 10/40 messages done, 0 not sent, 2s so far, 5.0 msg/s, about 6s left")
	p.Notice(sendpool.Notice{Kind: sendpool.NoticeReconnect, Redial: t0.Add(30 * time.Second), Text: "connect: connection refused; connecting again in 28s"})
	p.Add(sendpool.Result{Status: sendpool.StatusDeferred}) // done before the wait ends
	at(10*time.Second, "progress: 11/40 messages done, 1 not sent, 10s so far, 1.1 msg/s, time left unknown: no connection, connecting again in 20s")
	at(31*time.Second, "progress: 11/40 messages done, 1 not sent, 31s so far, 21.3 msg/min, time left unknown: no connection, connecting again")
	mu.Lock()
	now = t0.Add(32 * time.Second)
	mu.Unlock()
	p.Add(sendpool.Result{Status: sendpool.StatusSent})
	at(33*time.Second, "progress: 12/40 messages done, 1 not sent, 33s so far, 21.8 msg/min, about 1m17s left")
	p.Close()
}

// TestSendProgressNoConnection: a send whose server stops mid-run prints,
// while it waits to connect again, progress lines with that wait and no
// time left: the review's saw "about 1m0s left" while every connection
// failed.
func TestSendProgressNoConnection(t *testing.T) {
	t.Parallel()
	third, release := make(chan struct{}), make(chan struct{})
	var n atomic.Int32
	srv := smtptest.NewServer(t, smtptest.OnData(func(smtptest.Session, *smtptest.Message) error {
		if n.Add(1) == 3 {
			close(third)
			<-release
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 6, "send: {concurrency: 1, retry_backoff: 1m}\n")
	tick := make(chan time.Time)
	errOut := newProgressLines()
	errOut.notes = make(chan string, 100)
	var out bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: errOut, stdin: strings.NewReader(""), abort: context.Background()}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- runSend(ctx, sendOptions{yes: true, progress: progressClock{tick: tick}}, g, camp) }()

	select {
	case <-third: // two sent, the third on the wire
	case err := <-done:
		t.Fatalf("send ended before its third message: %v\n%s%s", err, out.String(), errOut)
	}
	srv.Close()
	close(release)
	for note := range errOut.notes {
		if strings.Contains(note, "connecting again in") {
			break
		}
	}
	tick <- time.Now()
	if got := errOut.next(t); !strings.Contains(got, "time left unknown: no connection, connecting again in ") || strings.Contains(got, "about") {
		t.Errorf("progress while no connection can be made:\n%s", got)
	}
	cancel()
	<-done
}

// TestProgressRedialWhileOthersSend: one worker's dial failed (a
// connection replaced after its share, refused once) while the others
// kept sending, and the line said "no connection" until the announced
// wait ended, untrue with messages going; a message sent since the
// notice ends that words, as one went over a connection.
func TestProgressRedialWhileOthersSend(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	w := newProgressLines()
	tick := make(chan time.Time)
	p := newProgress(&globalOptions{stderr: w}, 40, progressClock{tick: tick, now: func() time.Time { return t0.Add(5 * time.Second) }}, runPart{}, 0)
	for range 10 {
		p.Add(sendpool.Result{Status: sendpool.StatusSent})
	}
	p.Notice(sendpool.Notice{Kind: sendpool.NoticeReconnect, Redial: t0.Add(30 * time.Second), Text: "dial: i/o timeout; connecting again in 25s"})
	// One whose reply came before the notice (a connection the server
	// dropped since) says nothing of a connection now.
	p.Add(sendpool.Result{Status: sendpool.StatusSent, FinishedAt: t0.Add(4 * time.Second)})
	tick <- t0.Add(9 * time.Second)
	if got := w.next(t); !strings.Contains(got, "no connection, connecting again in 21s") {
		t.Errorf("a message sent before the notice: got %q, want the wait", got)
	}
	p.Add(sendpool.Result{Status: sendpool.StatusSent, FinishedAt: t0.Add(6 * time.Second)})
	tick <- t0.Add(10 * time.Second)
	if got := w.next(t); strings.Contains(got, "no connection") || !strings.HasSuffix(got, "about 12s left") {
		t.Errorf("a message sent since the notice: got %q, want its time left", got)
	}
	p.Close()
}

// TestProgressPartOfRun: a run in parts (1,900 messages at 30/min, in
// parts of 1,500) shows, beside its part's count and time left, that the
// line is of a part and the whole run's: "5/1500 …, about 49m50s left"
// alone read as the run's, which the plan had said takes about 1h03m.
func TestProgressPartOfRun(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		part runPart
		n    int
		want string
	}{
		{runPart{n: 1, total: 1900, more: true}, 1500, "progress: part 1: 5/1500 messages done, 0 not sent, 10s so far, 30.0 msg/min, about 49m50s left; the whole run: 5/1900 done, about 1h03m left"},
		{runPart{n: 2, done: 1500, total: 1900}, 400, "progress: part 2: 5/400 messages done, 0 not sent, 10s so far, 30.0 msg/min, about 13m10s left"},
		{runPart{n: 1, total: 40}, 40, "progress: 5/40 messages done, 0 not sent, 10s so far, 30.0 msg/min, about 1m10s left"},
	} {
		w := newProgressLines()
		tick := make(chan time.Time)
		p := newProgress(&globalOptions{stderr: w}, c.n, progressClock{tick: tick, now: func() time.Time { return t0 }}, c.part, 0)
		for range 5 {
			p.Add(sendpool.Result{Status: sendpool.StatusSent})
		}
		tick <- t0.Add(10 * time.Second)
		if got := w.next(t); got != c.want {
			t.Errorf("part %+v:\n got %q\nwant %q", c.part, got, c.want)
		}
		p.Close()
	}
}

// TestProgressBarPartOfRun: on a terminal, the bar of a part of a run in
// parts says so and gives the whole run's count, as the lines do: its
// count and time left alone ("5/1500") read as the run's.
func TestProgressBarPartOfRun(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		part runPart
		n    int
		want string
	}{
		{runPart{n: 1, total: 1900, more: true}, 1500, "part 1: sending (the whole run: 5/1900 done)"},
		{runPart{n: 2, done: 1500, total: 1900}, 400, "part 2: sending"},
		{runPart{n: 1, total: 40}, 40, "sending"},
	} {
		p := &progress{total: c.n, done: 5, part: c.part, now: time.Now}
		if got := p.describe(); got != c.want {
			t.Errorf("part %+v: %q, want %q", c.part, got, c.want)
		}
	}
}

// TestProgressPaceAfterOutage: after 40 s without a connection at
// send.rate 10/s, the time left is taken at the pace since the connection
// came back, not at the run's average, which counts the time offline (it
// read "5.0 msg/s, about 5m0s left" for 2m30s); and never at a pace above
// send.rate.
func TestProgressPaceAfterOutage(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		rate float64
		want string
	}{
		{10, "progress: 400/1900 messages done, 0 not sent, 1m20s so far, 10.0 msg/s, about 2m30s left"},
		{4, "progress: 400/1900 messages done, 0 not sent, 1m20s so far, 4.0 msg/s, about 6m15s left"},
	} {
		var mu sync.Mutex
		now := t0
		at := func(d time.Duration) {
			mu.Lock()
			now = t0.Add(d)
			mu.Unlock()
		}
		w := newProgressLines()
		tick := make(chan time.Time)
		p := newProgress(&globalOptions{stderr: w}, 1900, progressClock{tick: tick, now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }}, runPart{}, c.rate)
		send := func(from time.Duration, n int) {
			for i := range n {
				at(from + time.Duration(i+1)*100*time.Millisecond)
				p.Add(sendpool.Result{Status: sendpool.StatusSent, FinishedAt: t0.Add(from + time.Duration(i+1)*100*time.Millisecond)})
			}
		}
		send(0, 300) // 10/s for 30 s
		p.Notice(sendpool.Notice{Kind: sendpool.NoticeReconnect, Redial: t0.Add(60 * time.Second), Text: "no such host; connecting again in 30s"})
		send(70*time.Second, 100) // back at 70 s, 10/s again
		tick <- t0.Add(80 * time.Second)
		if got := w.next(t); got != c.want {
			t.Errorf("rate %v:\n got %q\nwant %q", c.rate, got, c.want)
		}
		p.Close()
	}
}

// TestProgressUnknownApart: a message of unknown outcome (the server's
// reply never came) may have arrived: the progress line and the bar count
// it as "unknown", the summary's word, not among those not sent.
func TestProgressUnknownApart(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	w := newProgressLines()
	tick := make(chan time.Time)
	p := newProgress(&globalOptions{stderr: w}, 20, progressClock{tick: tick, now: func() time.Time { return t0 }}, runPart{}, 0)
	for _, st := range []sendpool.Status{sendpool.StatusSent, sendpool.StatusSent, sendpool.StatusFailed, sendpool.StatusUnknown,
		sendpool.StatusSent, sendpool.StatusDeferred, sendpool.StatusSent, sendpool.StatusSent} {
		p.Add(sendpool.Result{Status: st})
	}
	tick <- t0.Add(time.Minute)
	if got, want := w.next(t), "progress: 8/20 messages done, 2 not sent, 1 unknown, 1m0s so far, 8.0 msg/min, about 1m30s left"; got != want {
		t.Errorf("line:\n got %q\nwant %q", got, want)
	}
	p.mu.Lock()
	desc := p.describe()
	p.mu.Unlock()
	if want := "sending (2 not sent; 1 unknown)"; desc != want {
		t.Errorf("bar: %q, want %q", desc, want)
	}
	p.Close()
}
