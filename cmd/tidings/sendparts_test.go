package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/smtptest"
	"github.com/tidings/tidings/sendpool/spool"
)

// TestSendInParts: a run longer than a part (here parts of 50ms at
// 100/s: 5 messages) goes in parts, each of which but the first renders
// the rows still to send afresh into a generation of its own (so its
// messages are dated when it begins) and sends its share: every
// recipient gets one message, the one show prints; a recipient refused
// for good in the first part does not stop the others, and the run ends
// with it counted (exit 1).
func TestSendInParts(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if to == "user003@example.com" {
			return smtptest.Reply(550, "5.1.1", "no such user")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 12, "send: {concurrency: 2, retry_backoff: 1ms, rate: 100/s}\n")
	out, errOut, err := sendWith(camp, sendOptions{partSpan: partSpanForTest})
	if exitCode(err) != exitSomeFailed || !strings.Contains(out, "they go in 3 parts of at most 5") ||
		!strings.Contains(out, "part 2: 7 messages still to send") || !strings.Contains(out, "part 3: 2 messages still to send") ||
		!strings.Contains(out, "part 1 done: 12 recipients: 4 sent, 1 failed, 7 not-attempted") ||
		!strings.Contains(out, "12 recipients: 11 sent, 1 failed\n") {
		t.Fatalf("send: %v (code %d)\n%s%s", err, exitCode(err), out, errOut)
	}
	for i := range 12 {
		addr, want := fmt.Sprintf("user%03d@example.com", i), 1
		if i == 3 {
			want = 0
		}
		if got := srv.Received(addr); got != want {
			t.Errorf("%s received %d messages, want %d", addr, got, want)
		}
		if want == 1 {
			if shown, _, code := runCLI(t, "show", camp, addr); code != exitOK || shown != string(serverCopy(t, srv, addr)) {
				t.Errorf("show %s: code %d, not the bytes the server got", addr, code)
			}
		}
	}
	// Each part's generation holds the messages it sends (5, 5, 2: the
	// rows after them are rendered again by the part that sends them) and,
	// from the second, the refused row's, which a later --retry-failed may
	// send.
	for gen, n := range map[int]int{1: 5, 2: 6, 3: 3} {
		b, err := os.ReadFile(filepath.Join(filepath.Dir(camp), ".tidings", "t", "spool", fmt.Sprintf("g%04d.json", gen)))
		if err != nil || !strings.Contains(strings.ReplaceAll(string(b), " ", ""), fmt.Sprintf(`"messages":%d,`, n)) {
			t.Errorf("generation %d (%v): want %d messages\n%s", gen, err, n, b)
		}
	}
	if runs := strings.Count(readFile(t, filepath.Join(filepath.Dir(camp), ".tidings", "t", "journal.jsonl")), `"type":"run"`); runs != 3 {
		t.Errorf("journal: %d run lines, want one a part (3)", runs)
	}
}

// sendWith runs send --yes on camp with opts (the tests' part lengths)
// and returns what it printed on stdout and stderr, and its error.
func sendWith(camp string, opts sendOptions) (string, string, error) {
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background()}
	opts.yes = true
	err := runSend(context.Background(), opts, g, camp)
	return out.String(), errOut.String(), err
}

// partSpanForTest makes a part of a run at 100/s 5 messages long.
const partSpanForTest = 50_000_000 // 50ms

// partTimeForTest is how long the tests' parts that end by time may last
// from their rendering: long enough for a part's rendering and first
// connection on a loaded machine (or under -race), so that it sends one
// message at least.
const partTimeForTest = time.Second

// TestSendInPartsRetriesOnce: with --retry-failed, a long send's parts
// retry what failed before the send began, once, and not what failed in
// its earlier parts (each part is a run of its own, so a plain
// --retry-failed would try a dead address once a part).
func TestSendInPartsRetriesOnce(t *testing.T) {
	var mu sync.Mutex
	tries := map[string]int{}
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		mu.Lock()
		defer mu.Unlock()
		tries[to]++
		if to == "user001@example.com" || to == "user004@example.com" {
			return smtptest.Reply(550, "5.1.1", "no such user")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 12, "send: {concurrency: 2, retry_backoff: 1ms, rate: 100/s}\n")
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "2", camp); code != exitSomeFailed {
		t.Fatalf("send --limit 2: code %d\n%s%s", code, out, errOut)
	}
	out, errOut, err := sendWith(camp, sendOptions{retryFailed: true, partSpan: partSpanForTest})
	if exitCode(err) != exitSomeFailed || !strings.Contains(out, "part 3:") || !strings.Contains(out, "12 recipients: 10 sent, 2 failed\n") {
		t.Fatalf("send --retry-failed: %v\n%s%s", err, out, errOut)
	}
	mu.Lock()
	defer mu.Unlock()
	if tries["user001@example.com"] != 2 || tries["user004@example.com"] != 1 {
		t.Errorf("tried user001 %d times (want 2: the first send, then one retry), user004 %d (want 1: it failed in this send's first part)",
			tries["user001@example.com"], tries["user004@example.com"])
	}
}

// TestSendInPartsLimits: --limit and daily_cap count the whole send, not
// each part: 7 of 12 go (in parts of 5 and 2), the last part says what
// remains, and spools the 2 it may send (it spooled a part's 5).
func TestSendInPartsLimits(t *testing.T) {
	for _, c := range []struct {
		name, send string
		opts       sendOptions
		says       string
	}{
		{"--limit 7", "send: {concurrency: 2, rate: 100/s}\n", sendOptions{limit: 7, limitSet: true}, "not sent: 5 not-attempted; run send --yes again for the not-attempted"},
		{"daily_cap 7", "send: {concurrency: 2, rate: 100/s, daily_cap: 7}\n", sendOptions{}, "5 not sent (daily_cap reached)"},
	} {
		srv := smtptest.NewServer(t)
		camp := sendCampaign(t, srv, 12, c.send)
		var out, errOut bytes.Buffer
		g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background()}
		opts := c.opts
		opts.yes, opts.partSpan = true, partSpanForTest
		err := runSend(context.Background(), opts, g, camp)
		if all := out.String() + errOut.String() + fmt.Sprint(err); exitCode(err) != exitSomeFailed || len(srv.Messages()) != 7 ||
			!strings.Contains(all, "part 2: 2 messages still to send") || strings.Contains(all, "part 3") || !strings.Contains(all, c.says) {
			t.Errorf("%s: %d messages sent, %v\n%s", c.name, len(srv.Messages()), err, all)
		}
		// Nor does the spool hold more than the run could send: the last
		// part spools its 2 messages, not a part's 5.
		if n := spooledMessages(t, camp); n != 7 {
			t.Errorf("%s: the spool holds %d messages after the run, want the 7 it could send", c.name, n)
		}
		if c.opts.limit == 0 {
			continue
		}
		// The last part's generation lacks the messages of the rows after
		// those it could send: a send now renders them again, and sends
		// each row once.
		if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || !strings.Contains(out, "5 to send now") {
			t.Errorf("%s, then send: code %d\n%s%s", c.name, code, out, errOut)
		}
		for i := range 12 {
			if addr := fmt.Sprintf("user%03d@example.com", i); srv.Received(addr) != 1 {
				t.Errorf("%s received %d messages", addr, srv.Received(addr))
			}
		}
	}
}

// spooledMessages counts the messages the spool's generations hold, of
// the campaign sendCampaign wrote.
func spooledMessages(t *testing.T, camp string) int {
	t.Helper()
	gens, err := spool.OpenStore(filepath.Join(filepath.Dir(camp), ".tidings", "t")).Generations()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, g := range gens {
		n += g.Messages()
	}
	return n
}

// TestSendInPartsInterrupted: Ctrl-C in a part ends the whole send (exit
// 130), not just the part: no later part begins.
func TestSendInPartsInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := smtptest.NewServer(t, smtptest.OnData(func(_ smtptest.Session, m *smtptest.Message) error {
		cancel()
		return nil
	}))
	camp := sendCampaign(t, srv, 12, "send: {concurrency: 1, rate: 100/s}\n")
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background()}
	err := runSend(ctx, sendOptions{yes: true, partSpan: partSpanForTest}, g, camp)
	if exitCode(err) != exitInterrupted || strings.Contains(out.String(), "part 2") || len(srv.Messages()) >= 5 {
		t.Errorf("interrupted send: %v, %d messages\n%s%s", err, len(srv.Messages()), out.String(), errOut.String())
	}
}

// TestSendInPartsSaysChanged: a template edited while a long send runs
// changes the messages of the parts after the edit (each renders the rows
// still to send as the campaign is then): the part that begins with it
// says so, naming the file, rather than sending other messages unsaid.
func TestSendInPartsSaysChanged(t *testing.T) {
	var camp string
	var mu sync.Mutex
	n := 0
	srv := smtptest.NewServer(t, smtptest.OnData(func(_ smtptest.Session, _ *smtptest.Message) error {
		mu.Lock()
		defer mu.Unlock()
		if n++; n == 5 { // the first part's last message
			return os.WriteFile(filepath.Join(filepath.Dir(camp), "body.txt"), []byte("Hello again {{.name}}\n"), 0o644)
		}
		return nil
	}))
	camp = sendCampaign(t, srv, 12, "send: {concurrency: 1, rate: 100/s}\n")
	out, errOut, err := sendWith(camp, sendOptions{partSpan: partSpanForTest})
	part2 := out[strings.Index(out, "part 1 done"):]
	if err != nil || !strings.Contains(part2, "body.txt changed since an earlier send") {
		t.Errorf("send: %v\n%s%s", err, out, errOut)
	}
	if strings.Count(out, "changed since") != 1 {
		t.Errorf("the change is told once, by the part that first sends it:\n%s", out)
	}
}

// TestSendInPartsInterruptedAtPartEnd: an interrupt as a part's last
// message goes ends the send there (exit 130), and the report and the
// summary say the rows left were not sent because of it, not that a later
// part sends them: none follows.
func TestSendInPartsInterruptedAtPartEnd(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	n := 0
	srv := smtptest.NewServer(t, smtptest.OnData(func(_ smtptest.Session, _ *smtptest.Message) error {
		mu.Lock()
		defer mu.Unlock()
		if n++; n == 5 { // the first part's last message
			cancel()
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 12, "send: {concurrency: 1, rate: 100/s}\n")
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background()}
	err := runSend(ctx, sendOptions{yes: true, partSpan: partSpanForTest}, g, camp)
	csv := readFile(t, filepath.Join(filepath.Dir(camp), ".tidings", "t", "report.csv"))
	if exitCode(err) != exitInterrupted || len(srv.Messages()) != 5 || strings.Contains(out.String()+csv, "later part") ||
		strings.Count(csv, sendpool.InterruptedUnsent) != 7 {
		t.Errorf("send: %v, %d messages\n%s%s\nreport.csv:\n%s", err, len(srv.Messages()), out.String(), errOut.String(), csv)
	}
}

// TestSendInPartsOutOfTime: a part its rate does not end in time (here a
// send.domains limit of 5/s under a rate of 100/s, and parts that may
// last a second from their rendering) stops dispatching when its time is
// up, and the next part renders the rest afresh: every recipient gets one
// message, in more parts than the rate alone would make (none).
func TestSendInPartsOutOfTime(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 12, "send: {concurrency: 2, retry_backoff: 1ms, rate: 100/s, domains: {example.com: 5/s}}\n")
	out, errOut, err := sendWith(camp, sendOptions{partTime: partTimeForTest})
	if err != nil || !strings.Contains(out, "part 2:") || strings.Contains(out, "they go in") ||
		!strings.Contains(out, "12 recipients: 12 sent\n") {
		t.Fatalf("send: %v\n%s%s", err, out, errOut)
	}
	for i := range 12 {
		if addr := fmt.Sprintf("user%03d@example.com", i); srv.Received(addr) != 1 {
			t.Errorf("%s received %d messages", addr, srv.Received(addr))
		}
	}
	if out, errOut, code := runCLI(t, "report", camp); code != exitOK || !strings.Contains(out+errOut, "12 sent") {
		t.Errorf("report: code %d\n%s%s", code, out, errOut)
	}
}

// TestSendInPartsKeepsDomainTurns: a part that begins does not give a
// send.domains domain a message at once when the part before just gave it
// one: here 1/m, and parts that may last a second from their rendering. The
// first part sends one message; the second would have to wait a minute
// for the domain's next turn, tries none in its time and ends the send,
// which the next send resumes. (Each part began with a fresh turn, so
// all three messages went within a second.)
func TestSendInPartsKeepsDomainTurns(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "send: {concurrency: 1, retry_backoff: 1ms, domains: {example.com: 1/m}}\n")
	out, errOut, err := sendWith(camp, sendOptions{partTime: partTimeForTest})
	if got := len(srv.Messages()); got != 1 || !strings.Contains(fmt.Sprint(err), "part 2 tried no message") {
		t.Fatalf("%d messages to example.com under its limit of 1/m, want 1; send: %v\n%s%s", got, err, out, errOut)
	}
}

// TestSendInPartsStalledSays: a later part that tries no message in its
// time ends the send, and says so as a stopped run does: the summary
// counts the rows and the report gives the not-attempted ones the
// reason, rather than "part 2 done … the later parts send the
// not-attempted" with no part after it.
func TestSendInPartsStalledSays(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "send: {concurrency: 1, retry_backoff: 1ms, domains: {example.com: 1/m}}\n")
	out, errOut, err := sendWith(camp, sendOptions{partTime: partTimeForTest})
	csv := readFile(t, filepath.Join(filepath.Dir(camp), ".tidings", "t", "report.csv"))
	if exitCode(err) != exitUnusable || strings.Contains(out, "part 2 done") || !strings.Contains(out, "3 recipients: 1 sent, 2 not-attempted\n") ||
		strings.Contains(csv, "later part") || strings.Count(csv, "run stopped: send: part 2 tried no message") != 2 {
		t.Errorf("send: %v (code %d)\n%s%s\nreport.csv:\n%s", err, exitCode(err), out, errOut, csv)
	}
}

// TestSendInPartsKeepsThrottle: a server that asked a part to slow down
// (Postfix's "450 4.7.1 Error: too much mail from", halving 100/s to
// 50/s) is not met at the full rate again by the next part: it begins at
// the rate the part before left off at, and says so. (Each part began
// with a fresh limit at the campaign's rate.)
func TestSendInPartsKeepsThrottle(t *testing.T) {
	var mu sync.Mutex
	n := 0
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		mu.Lock()
		defer mu.Unlock()
		if n++; n == 2 {
			return smtptest.Reply(450, "4.7.1", "Error: too much mail from 127.0.0.1")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 12, "send: {concurrency: 1, retry_backoff: 1ms, rate: 100/s}\n")
	out, errOut, err := sendWith(camp, sendOptions{partSpan: partSpanForTest})
	if err != nil || !strings.Contains(out, "part 2: 7 messages still to send") ||
		!strings.Contains(out, "this part begins at 50/s, where the part before left off") ||
		!strings.Contains(out, "12 recipients: 12 sent\n") {
		t.Fatalf("send: %v\n%s%s", err, out, errOut)
	}
	for i := range 12 {
		if addr := fmt.Sprintf("user%03d@example.com", i); srv.Received(addr) != 1 {
			t.Errorf("%s received %d messages", addr, srv.Received(addr))
		}
	}
}

// TestSendInPartsRetryWhenDue: a message a part left waiting for its
// retry (its time ran out first) gets that retry from the next part when
// it is due, not at once: here a greylisting server that takes a
// recipient only 800ms after it first deferred it, and a retry_backoff of
// 1.6s (a retry from 800ms on), with parts that last 1s. (The next part
// tried it again at once, which the server deferred again.)
func TestSendInPartsRetryWhenDue(t *testing.T) {
	var mu sync.Mutex
	var first time.Time
	tries := 0
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		mu.Lock()
		defer mu.Unlock()
		if to != "user005@example.com" {
			return nil
		}
		if tries++; first.IsZero() {
			first = time.Now()
		}
		if time.Since(first) < 800*time.Millisecond {
			return smtptest.Reply(451, "4.7.1", "greylisted, try again later")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 30, "send: {concurrency: 2, retry_backoff: 1600ms, domains: {example.com: 10/s}}\n")
	out, errOut, err := sendWith(camp, sendOptions{partTime: time.Second})
	if err != nil || !strings.Contains(out, "part 2:") || !strings.Contains(out, "30 recipients: 30 sent\n") {
		t.Fatalf("send: %v\n%s%s", err, out, errOut)
	}
	mu.Lock()
	defer mu.Unlock()
	if tries != 2 {
		t.Errorf("user005 tried %d times, want 2: once deferred, then when the retry was due\n%s%s", tries, out, errOut)
	}
	for i := range 30 {
		if addr := fmt.Sprintf("user%03d@example.com", i); srv.Received(addr) != 1 {
			t.Errorf("%s received %d messages", addr, srv.Received(addr))
		}
	}
}

// TestSendInPartsTimeIsNoInterrupt: a part whose time runs out is not an
// interrupt, and the journal does not say it was: after a send whose
// second part tried nothing in its time (a 1/m domain), tidings report
// gives the row deferred in the first part, its retry cut off by the
// part's end, and the rows no part reached, without "run interrupted"
// (which also made every row no send had reached read "run interrupted:
// the next send sends it"). The rows no part reached read the stop of
// the part that tried nothing, as send's report gave them: that part
// records it, having had no message in its hands (recordCut), and a run
// that recorded none read as killed (journal.State.EndedShort).
func TestSendInPartsTimeIsNoInterrupt(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if to == "user000@example.com" {
			return smtptest.Reply(451, "4.7.1", "greylisted, try again later")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 3, "send: {concurrency: 1, retry_backoff: 10s, domains: {example.com: 1/m}}\n")
	out, errOut, err := sendWith(camp, sendOptions{partTime: partTimeForTest})
	if exitCode(err) != exitUnusable {
		t.Fatalf("send: %v\n%s%s", err, out, errOut)
	}
	rep, repErr, code := runCLI(t, "report", camp)
	if code != exitSomeFailed || strings.Contains(rep, "interrupted") ||
		!strings.Contains(rep, "the part's time ran out before the next try: greylisted") || strings.Contains(rep, "run stopped: the part's") ||
		!strings.Contains(rep, "2 not sent (run stopped: send: part 2 tried no message") || !strings.Contains(out, "2 not sent (run stopped: send: part 2 tried no message") {
		t.Errorf("report: code %d\n%s%s", code, rep, repErr)
	}
	if e := readReportJSON(t, camp).Ending; e.Kind != report.EndStopped {
		t.Errorf("report's ending %+v, want stopped, as send's", *e)
	}
}

// TestSendInPartsRateEdited: send.rate lowered while a long send runs
// makes the later parts smaller (each spools a part's worth at the rate
// it begins with): part 2 sends what its spool holds, not the first
// part's count (it stopped with "spool generation 2 holds messages for 2
// of the 5 rows to send"). A new rate is no change of the campaign's
// messages: no part says the campaign file changed.
func TestSendInPartsRateEdited(t *testing.T) {
	var camp string
	var mu sync.Mutex
	n := 0
	srv := smtptest.NewServer(t, smtptest.OnData(func(_ smtptest.Session, _ *smtptest.Message) error {
		mu.Lock()
		defer mu.Unlock()
		if n++; n == 5 { // the first part's last message
			b, err := os.ReadFile(camp)
			if err != nil {
				return err
			}
			return os.WriteFile(camp, bytes.Replace(b, []byte("rate: 100/s"), []byte("rate: 40/s"), 1), 0o644)
		}
		return nil
	}))
	camp = sendCampaign(t, srv, 12, "send: {concurrency: 1, rate: 100/s}\n")
	out, errOut, err := sendWith(camp, sendOptions{partSpan: partSpanForTest})
	if err != nil || !strings.Contains(out, "12 recipients: 12 sent\n") || strings.Contains(out, "changed") {
		t.Fatalf("send: %v\n%s%s", err, out, errOut)
	}
	for i := range 12 {
		if addr := fmt.Sprintf("user%03d@example.com", i); srv.Received(addr) != 1 {
			t.Errorf("%s received %d messages", addr, srv.Received(addr))
		}
	}
}

// TestSendInPartsLimitUsedUp: a part whose time ran out after it tried
// every message --limit left (one of them waiting for its retry) leaves
// the next part nothing to send: the send ends with its summary, the
// deferred row to send again, and no message past the limit.
func TestSendInPartsLimitUsedUp(t *testing.T) {
	srv := deferringServer(t, "user001@example.com")
	camp := sendCampaign(t, srv, 12, "send: {concurrency: 1, retry_backoff: 10s}\n")
	out, errOut, err := sendWith(camp, sendOptions{limit: 3, limitSet: true, partTime: partTimeForTest})
	if exitCode(err) != exitSomeFailed || len(srv.Messages()) != 2 || !strings.Contains(out, "part 2: --limit 3 reached") ||
		!strings.Contains(out, "12 recipients: 2 sent, 1 deferred, 9 not-attempted") {
		t.Errorf("send --limit 3: %d messages, %v\n%s%s", len(srv.Messages()), err, out, errOut)
	}
}

// TestSendInPartsDeferredGoesOn: a row deferred in a part whose time ran
// out before its retry is left to the parts after, which go on: while
// they run, neither the send's report (written as the part ended) nor
// tidings report says the run stopped. Here user000 is greylisted with a
// retry 5s to 10s later, and parts may last a second; the check is made
// as the second part's first message (dated anew) arrives. (The pool
// gave it "run stopped: the part's time ran out before the next try".)
func TestSendInPartsDeferredGoesOn(t *testing.T) {
	var camp string
	var mu sync.Mutex
	var firstDate string
	checked := false
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if to == "user000@example.com" {
			return smtptest.Reply(451, "4.7.1", "greylisted, try again later")
		}
		return nil
	}), smtptest.OnData(func(_ smtptest.Session, m *smtptest.Message) error {
		mu.Lock()
		defer mu.Unlock()
		date := headerOf(m.Data, "Date")
		if firstDate == "" {
			firstDate = date
		}
		if checked || date == firstDate { // the first part's
			return nil
		}
		checked = true
		dir := filepath.Join(filepath.Dir(camp), ".tidings", "t")
		csv := readFile(t, filepath.Join(dir, "report.csv")) // the send's, as the first part ended
		rep, repErr, _ := runCLI(t, "report", camp)
		if strings.Contains(csv+rep+repErr, "run stopped") ||
			!strings.Contains(rep, "the part's time ran out before the next try: greylisted") {
			t.Errorf("while the second part runs, report says the run stopped:\n%s%s\nreport.csv:\n%s", rep, repErr, csv)
		}
		return nil
	}))
	camp = sendCampaign(t, srv, 20, "send: {concurrency: 1, retry_backoff: 10s, domains: {example.com: 10/s}}\n")
	out, errOut, _ := sendWith(camp, sendOptions{partTime: partTimeForTest})
	if !checked {
		t.Errorf("no second part sent a message\n%s%s", out, errOut)
	}
}

// TestSendInPartsShowsRow: show of a row an earlier part sent, while a
// later part runs and after, names the row as the sheet has it, as for a
// row of the newest part: the campaign did not change, only each part
// spooled its rows afresh. (It said "row 2 when sent", as for a message
// of a generation made before the campaign changed.)
func TestSendInPartsShowsRow(t *testing.T) {
	var camp string
	var mu sync.Mutex
	n := 0
	var during string
	srv := smtptest.NewServer(t, smtptest.OnData(func(_ smtptest.Session, _ *smtptest.Message) error {
		mu.Lock()
		defer mu.Unlock()
		if n++; n == 7 { // the second part's second message
			_, during, _ = runCLI(t, "show", camp, "user000@example.com")
		}
		return nil
	}))
	camp = sendCampaign(t, srv, 12, "send: {concurrency: 1, rate: 100/s}\n")
	if out, errOut, err := sendWith(camp, sendOptions{partSpan: partSpanForTest}); err != nil || !strings.Contains(out, "part 3:") {
		t.Fatalf("send: %v\n%s%s", err, out, errOut)
	}
	if !strings.HasPrefix(during, "row 2, user000@example.com: sent 20") {
		t.Errorf("show user000 while part 2 ran:\n%s", during)
	}
	for i, row := range []int{0, 6, 11} {
		addr := fmt.Sprintf("user%03d@example.com", row)
		shown, errOut, code := runCLI(t, "show", camp, addr)
		if want := fmt.Sprintf("row %d, %s: sent 20", row+2, addr); code != exitOK || !strings.HasPrefix(errOut, want) || shown != string(serverCopy(t, srv, addr)) {
			t.Errorf("show %s (part %d): code %d, want %q\n%s", addr, i+1, code, want, errOut)
		}
	}
}

// TestSendInPartsNewProblem: under --skip-invalid, a row the sheet's edit
// breaks while a long send runs is named by the part that leaves it, with
// its problem, once; a row that had its problem from the start is not
// named again.
func TestSendInPartsNewProblem(t *testing.T) {
	var camp string
	var mu sync.Mutex
	n := 0
	srv := smtptest.NewServer(t, smtptest.OnData(func(_ smtptest.Session, _ *smtptest.Message) error {
		mu.Lock()
		defer mu.Unlock()
		if n++; n == 5 { // the first part's last message
			sheet := filepath.Join(filepath.Dir(camp), "r.csv")
			return os.WriteFile(sheet, []byte(strings.Replace(readFile(t, sheet), "user008@example.com", "user008@@example.com", 1)), 0o644)
		}
		return nil
	}))
	camp = sendCampaign(t, srv, 12, "send: {concurrency: 1, rate: 100/s}\n")
	sheet := filepath.Join(filepath.Dir(camp), "r.csv")
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": strings.Replace(readFile(t, sheet), "user002@example.com", "user002@@example.com", 1)})
	out, errOut, err := sendWith(camp, sendOptions{partSpan: partSpanForTest, skipInvalid: true})
	if exitCode(err) != exitSomeFailed || len(srv.Messages()) != 10 {
		t.Fatalf("send: %v, %d messages\n%s%s", err, len(srv.Messages()), out, errOut)
	}
	later := out[strings.Index(out, "part 1 done"):]
	if !strings.Contains(later, "part 2: 1 row has a problem now, not sent (--skip-invalid):\nproblem: ") || !strings.Contains(later, "row 10, column \"email\"") ||
		strings.Count(out, "problem: ") != 2 {
		t.Errorf("the new problem is not named once by the part that leaves it:\n%s", out)
	}
}

// TestSendInPartsResendChangedOnce: --resend-changed sends again the rows
// changed since their message went out before the send began, not a row
// an earlier part of the same send delivered and the sheet's edit changed
// while it ran: that recipient would get a second message from one send.
// The edit is told instead, as a plain send tells it.
func TestSendInPartsResendChangedOnce(t *testing.T) {
	var camp string
	var mu sync.Mutex
	n := 0
	srv := smtptest.NewServer(t, smtptest.OnData(func(_ smtptest.Session, _ *smtptest.Message) error {
		mu.Lock()
		defer mu.Unlock()
		if n++; n == 5 { // the first part's last message
			sheet := filepath.Join(filepath.Dir(camp), "r.csv")
			return os.WriteFile(sheet, []byte(strings.Replace(readFile(t, sheet), "User 1\n", "User One\n", 1)), 0o644)
		}
		return nil
	}))
	camp = sendCampaign(t, srv, 12, "send: {concurrency: 1, rate: 100/s}\n")
	out, errOut, err := sendWith(camp, sendOptions{partSpan: partSpanForTest, resendChanged: true})
	if err != nil || len(srv.Messages()) != 12 {
		t.Fatalf("send --resend-changed: %v, %d messages, want 12\n%s%s", err, len(srv.Messages()), out, errOut)
	}
	if got := srv.Received("user001@example.com"); got != 1 {
		t.Errorf("user001, sent in part 1 and edited after, received %d messages, want 1\n%s%s", got, out, errOut)
	}
	if !strings.Contains(out, "rendered again now so that each is dated within the hour it leaves\nnote: 1 row changed since its message went out, and is not sent again: "+
		"row 3 (user001@example.com): name (it went out earlier in this send, before the change; a later send --resend-changed sends it)\n") {
		t.Errorf("the edit of row 3 is not told:\n%s%s", out, errOut)
	}
}

// TestSendInPartsNamesChangedRow: a row a part sent whose values the
// sheet's edit changed while the send runs is named by the next part,
// which does not send it again; the summary's "listed above" is then
// true.
func TestSendInPartsNamesChangedRow(t *testing.T) {
	var camp string
	var mu sync.Mutex
	n := 0
	srv := smtptest.NewServer(t, smtptest.OnData(func(_ smtptest.Session, _ *smtptest.Message) error {
		mu.Lock()
		defer mu.Unlock()
		if n++; n == 5 {
			sheet := filepath.Join(filepath.Dir(camp), "r.csv")
			return os.WriteFile(sheet, []byte(strings.Replace(readFile(t, sheet), "User 1\n", "User One\n", 1)), 0o644)
		}
		return nil
	}))
	camp = sendCampaign(t, srv, 12, "send: {concurrency: 1, rate: 100/s}\n")
	out, errOut, err := sendWith(camp, sendOptions{partSpan: partSpanForTest})
	if err != nil || len(srv.Messages()) != 12 || srv.Received("user001@example.com") != 1 {
		t.Fatalf("send: %v, %d messages\n%s%s", err, len(srv.Messages()), out, errOut)
	}
	if !strings.Contains(out, "hour it leaves\nnote: 1 row changed since its message went out, and is not sent again: row 3 (user001@example.com): name. ") ||
		!strings.Contains(out, "1 row changed since its message went out, not sent again (listed above)") {
		t.Errorf("the row edited while the send ran is not named:\n%s%s", out, errOut)
	}
}

// TestSendInPartsResendChangedLater: rows changed before a send
// --resend-changed began that a later part sends again (more than a part
// holds) are not named by that part as "not sent again": the first part
// said they go, and they do.
func TestSendInPartsResendChangedLater(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 12, "send: {concurrency: 1, rate: 100/s}\n")
	if out, errOut, err := sendWith(camp, sendOptions{}); err != nil || len(srv.Messages()) != 12 {
		t.Fatalf("first send: %v\n%s%s", err, out, errOut)
	}
	sheet := filepath.Join(filepath.Dir(camp), "r.csv")
	edited := readFile(t, sheet)
	for i := range 8 {
		edited = strings.Replace(edited, fmt.Sprintf("User %d\n", i), fmt.Sprintf("User No. %d\n", i), 1)
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": edited})
	out, errOut, err := sendWith(camp, sendOptions{partSpan: partSpanForTest, resendChanged: true})
	if err != nil || len(srv.Messages()) != 20 || !strings.Contains(out, "part 2:") {
		t.Fatalf("send --resend-changed: %v, %d messages, want 20 in 2 parts\n%s%s", err, len(srv.Messages()), out, errOut)
	}
	if strings.Contains(out, "not sent again") {
		t.Errorf("a row sent again is told as not sent again:\n%s%s", out, errOut)
	}
}

// TestSendInPartsNoBlankLine: off a terminal (a service's output, which
// journald makes an entry a line) no line of send is blank (README), but
// a send in parts still wrote a blank line before each part's first
// line; it does so on a terminal alone (lineBreak), as before the
// summary.
func TestSendInPartsNoBlankLine(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 12, "send: {concurrency: 2, rate: 100/s}\n")
	out, errOut, err := sendWith(camp, sendOptions{partSpan: partSpanForTest})
	if err != nil || !strings.Contains(out, "\npart 2: ") {
		t.Fatalf("send: %v\n%s%s", err, out, errOut)
	}
	assertNoBlankLine(t, "send in parts", out+errOut)
}
