package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestSendAdvisesServerConnectionCap: a server that takes fewer
// connections at once than send.concurrency refuses the ones over its cap;
// the send still delivers every message once, and its summary ends by
// saying how many connections the server held at once and the setting that
// keeps the next send within them, where before it said nothing of it and
// every month's send met the same refusals. Microsoft 365's words for its
// cap ("432 4.3.2 Concurrent connections limit exceeded", at connect) are
// taken as NetEase's are. A server's cap on everyone's connections
// (Exim's smtp_accept_max, Exchange's MaxInboundConnection) says nothing
// of the sender's, and gets no such advice.
func TestSendAdvisesServerConnectionCap(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		reply   string
		advised bool
	}{
		"netease":            {"", true}, // smtptest's own: 421 4.7.0 HL:ICC too many connections
		"microsoft":          {"432 4.3.2 Concurrent connections limit exceeded. Visit https://aka.ms/concurrent_sending for more information.", true},
		"exim per host":      {"421 Too many concurrent SMTP connections from this IP address; please try again later.", true},
		"exim server-wide":   {"421 Too many concurrent SMTP connections; please try again later.", false},
		"exchange per host":  {"421 4.3.2 The maximum number of concurrent connections has exceeded a limit, closing transmission channel", true},
		"exchange all hosts": {"421 4.3.2 The maximum number of concurrent server connections has exceeded a limit, closing transmission channel", false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			testSendAdvisesServerConnectionCap(t, tc.reply, tc.advised)
		})
	}
}

func testSendAdvisesServerConnectionCap(t *testing.T, reply string, advised bool) {
	gate := make(chan struct{})
	opts := []smtptest.Option{smtptest.WithMaxSessions(2), smtptest.HoldData(gate)}
	if reply != "" {
		opts = append(opts, smtptest.WithCapReply(reply))
	}
	srv := smtptest.NewServer(t, opts...)
	dir := t.TempDir()
	var rows strings.Builder
	rows.WriteString("email,name\r\n")
	for i := range 12 {
		fmt.Fprintf(&rows, "r%02d@example.com,R%d\r\n", i, i)
	}
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, `send: {concurrency: 4, retry_backoff: 1ms}`),
		"r.csv":    rows.String(),
		"body.txt": "Hi {{.name}}\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	type result struct {
		out, errOut string
		code        int
	}
	done := make(chan result, 1)
	go func() {
		out, errOut, code := runCLI(t, "send", "--yes", camp)
		done <- result{out, errOut, code}
	}()
	// Both connections the server takes hold a message, so the run's
	// other two connections meet the cap.
	<-srv.Held()
	<-srv.Held()
	close(gate)
	r := <-done
	t.Logf("send:\n%s%s", r.out, r.errOut)
	if r.code != 0 {
		t.Fatalf("send: code %d, want 0", r.code)
	}
	if n := len(srv.Messages()); n != 12 {
		t.Errorf("server received %d messages, want 12", n)
	}
	if srv.Rejected() == 0 {
		t.Fatal("the server refused no connection: the test did not reach its cap")
	}
	want := fmt.Sprintf("as more than it takes at once, having held 2 at once: set send.concurrency: 2 in %s (it is 4)", displayPath(camp))
	if !advised {
		if strings.Contains(r.out, "send.concurrency") {
			t.Errorf("send's summary advises send.concurrency for a cap on the server's connections from everyone")
		}
		return
	}
	if !strings.Contains(r.out, want) {
		t.Errorf("send's summary lacks %q", want)
	}
	// The cap's refusals are said once in full; the repeats (a long send
	// meets one every 30 s as a worker tries to take its place back) are
	// counted for the summary, not said again.
	if n := strings.Count(r.errOut, "going on with fewer connections"); n != 1 || strings.Contains(r.errOut, "refused again") {
		t.Errorf("the cap's refusal said %d times in full (want 1), or its repeats said too", n)
	}
}

// TestSendAdvisesServerRate: a server that asks the run to slow down
// (Microsoft 365's "450 4.7.0 … rate limited") gets every message once,
// and the send's summary ends by naming the slowest rate it asked that at
// and the setting to lower, where before only the warnings while it ran
// spoke of it, and every month's send met the same refusals.
// Given by --rate, the run's rate is not send.rate's, and the advice
// names the flag first.
func TestSendAdvisesServerRate(t *testing.T) {
	t.Parallel()
	t.Run("send.rate", func(t *testing.T) {
		t.Parallel()
		testSendAdvisesServerRate(t, "50/s", nil, "set send.rate below that in %s (this run had 50/s)")
	})
	t.Run("--rate", func(t *testing.T) {
		t.Parallel()
		testSendAdvisesServerRate(t, "500/s", []string{"--rate", "50/s"}, "send with a --rate below that (this run had --rate 50/s), or set send.rate below it in %s,")
	})
}

func testSendAdvisesServerRate(t *testing.T, rate string, flags []string, advice string) {
	var mu sync.Mutex
	mails := 0
	srv := smtptest.NewServer(t, smtptest.OnMail(func(smtptest.Session, string) error {
		mu.Lock()
		defer mu.Unlock()
		if mails++; mails == 3 {
			return smtptest.Reply(450, "4.7.0", "Message submission rate for this client has exceeded the configured limit, rate limited")
		}
		return nil
	}))
	dir := t.TempDir()
	var rows strings.Builder
	rows.WriteString("email,name\r\n")
	for i := range 6 {
		fmt.Fprintf(&rows, "r%02d@example.com,R%d\r\n", i, i)
	}
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, `send: {rate: `+rate+`, concurrency: 1, retry_backoff: 1ms}`),
		"r.csv":    rows.String(),
		"body.txt": "Hi {{.name}}\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	out, errOut, code := runCLI(t, append(append([]string{"send", "--yes"}, flags...), camp)...)
	t.Logf("send:\n%s%s", out, errOut)
	if code != 0 {
		t.Fatalf("send: code %d, want 0", code)
	}
	if n := len(srv.Messages()); n != 6 {
		t.Errorf("server received %d messages, want 6", n)
	}
	want := "note: the server asked to slow down once, the slowest at 50/s: " + fmt.Sprintf(advice, displayPath(camp))
	if !strings.Contains(out, want) {
		t.Errorf("send's summary lacks %q", want)
	}
}

// TestServerLimitsRateUnset: a send with no rate limit that the server
// asked to slow down twice, the second time at the rate the first had
// set, ended "set send.rate below that in c.yaml (this run's was no
// rate limit)"; it says "this run had no rate limit", as the note does
// when no throttle came at a rate.
func TestServerLimitsRateUnset(t *testing.T) {
	t.Parallel()
	l := &serverLimits{}
	l.notice(sendpool.Notice{Kind: sendpool.NoticeThrottle, Rate: 8})
	l.notice(sendpool.Notice{Kind: sendpool.NoticeThrottle, Rate: 4, Was: 8})
	var out strings.Builder
	l.print(&out, "c.yaml", sendpool.Config{Concurrency: 2}, flagged{})
	want := "note: the server asked to slow down 2 times, the slowest at " + sendpool.RateText(8) + ": set send.rate below that in c.yaml (this run had no rate limit), so that the next send keeps within it from the start\n"
	if out.String() != want {
		t.Errorf("the note:\n%s\nwant\n%s", out.String(), want)
	}
}

// TestServerLimitsAdviseWhatTheServerSaid: the advice takes the most
// connections the server held at once (the run's NoticeHeld), not the
// workers an outage left when the cap refused one, and the slowest rate
// the server was sent at when it asked to slow down, not a rate the pool
// cut itself to while the server took nothing (Notice.Own).
func TestServerLimitsAdviseWhatTheServerSaid(t *testing.T) {
	var l serverLimits
	for _, n := range []sendpool.Notice{
		{Kind: sendpool.NoticeReconnect, Cap: true, Conns: 1},
		{Kind: sendpool.NoticeHeld, Conns: 3},
		{Kind: sendpool.NoticeThrottle, Was: 50, Rate: 25},
		{Kind: sendpool.NoticeThrottle, Was: 25, Rate: 12.5, Own: true},
	} {
		l.notice(n)
	}
	var out strings.Builder
	l.print(&out, "c.yaml", sendpool.Config{Concurrency: 5, Rate: 50}, flagged{})
	for _, want := range []string{"having held 3 at once: set send.concurrency: 3 in c.yaml (it is 5)", "the slowest at " + sendpool.RateText(50) + ":"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("advice lacks %q:\n%s", want, out.String())
		}
	}
}

// TestServerLimitsHeldNone: a cap the server's connections were used up
// by before the run (a mail client on the same account) refused every
// connection, some as others were being dialed; the run held none, and
// send's summary advised "set send.concurrency: 0", which is no setting.
// It says the cap is others' now, and no setting.
func TestServerLimitsHeldNone(t *testing.T) {
	var l serverLimits
	for range 2 {
		l.notice(sendpool.Notice{Kind: sendpool.NoticeReconnect, Cap: true, Conns: 0})
	}
	var out strings.Builder
	l.print(&out, "c.yaml", sendpool.Config{Concurrency: 4}, flagged{})
	want := "note: the server refused 2 connections as more than it takes at once while this run held none open: connections of another program or an earlier run count toward its cap; send again once they are closed\n"
	if out.String() != want {
		t.Errorf("the note:\n%s\nwant\n%s", out.String(), want)
	}
}
