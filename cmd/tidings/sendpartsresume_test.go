package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/smtptest"
	"github.com/tidings/tidings/sendpool/spool"
)

// TestSendInPartsInterruptedOften: a long send in parts interrupted again
// and again (here 6 times, a message or two each) resumes from the
// generation the interrupted part made, while it is fresh and its rows are
// the ones to send next, rather than render a generation a resume: the
// spool holds about one copy of the list (at most a part's worth more),
// and show prints every sent row's message as the server got it.
func TestSendInPartsInterruptedOften(t *testing.T) {
	t.Parallel()
	const rows, size = 20, 5
	var mu sync.Mutex
	var stop context.CancelFunc
	srv := smtptest.NewServer(t, smtptest.OnData(func(_ smtptest.Session, _ *smtptest.Message) error {
		mu.Lock()
		defer mu.Unlock()
		if stop != nil {
			stop()
		}
		return nil
	}))
	camp := sendCampaign(t, srv, rows, "send: {concurrency: 1, rate: 100/s}\n")
	for range 6 {
		ctx, cancel := context.WithCancel(context.Background())
		mu.Lock()
		stop = cancel
		mu.Unlock()
		var out, errOut bytes.Buffer
		g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background()}
		err := runSend(ctx, sendOptions{yes: true, partSpan: partSpanForTest}, g, camp)
		cancel()
		if exitCode(err) != exitInterrupted {
			t.Fatalf("interrupted send: %v\n%s%s", err, out.String(), errOut.String())
		}
	}
	mu.Lock()
	stop = nil
	mu.Unlock()
	if out, errOut, err := sendWith(camp, sendOptions{partSpan: partSpanForTest}); err != nil {
		t.Fatalf("last send: %v\n%s%s", err, out, errOut)
	}
	for i := range rows {
		addr := fmt.Sprintf("user%03d@example.com", i)
		if got := srv.Received(addr); got != 1 {
			t.Errorf("%s received %d messages, want 1", addr, got)
			continue
		}
		if shown, _, code := runCLI(t, "show", camp, addr); code != exitOK || shown != string(serverCopy(t, srv, addr)) {
			t.Errorf("show %s: code %d, not the bytes the server got", addr, code)
		}
	}
	gens, err := spool.OpenStore(filepath.Join(filepath.Dir(camp), ".tidings", "t")).Generations()
	if err != nil {
		t.Fatal(err)
	}
	spooled := 0
	for _, g := range gens {
		spooled += g.Messages()
	}
	if spooled > rows+size {
		t.Errorf("%d generations hold %d messages for %d rows, want at most %d", len(gens), spooled, rows, rows+size)
	}
}

// TestResumeAtTheHourEdge: a resume 57 minutes after its spool began,
// past the 55 minutes a part may dispatch from its messages' Date, renders
// the rows still to send afresh and sends them in one run, whether the
// send goes at a rate in parts or not. (It reused the spool, found its
// part's time already up, sent nothing in a "part 1" of its own, a run in
// the journal, and rendered them in a part 2.)
func TestResumeAtTheHourEdge(t *testing.T) {
	t.Parallel()
	for _, send := range []string{"", "send: {concurrency: 1, rate: 100/s}\n"} {
		srv := smtptest.NewServer(t)
		camp := sendCampaign(t, srv, 6, send)
		if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "2", camp); code != exitSomeFailed {
			t.Fatalf("send --limit 2: code %d\n%s%s", code, out, errOut)
		}
		then := time.Now().Add(-57 * time.Minute).UTC()
		editManifest(t, camp, map[string]any{"started": then}, true)
		out, errOut, err := sendWith(camp, sendOptions{partSpan: partSpanForTest})
		if err != nil || strings.Contains(out, "part ") || !sentFrom(t, camp, out, "made by this run", 2) {
			t.Errorf("%q: resume: %v\n%s%s", send, err, out, errOut)
		}
		for i := range 6 {
			if addr := fmt.Sprintf("user%03d@example.com", i); srv.Received(addr) != 1 {
				t.Errorf("%q: %s received %d messages", send, addr, srv.Received(addr))
			}
		}
	}
}

// TestResumedPartsNote: a send in parts resumed from its interrupted
// part's spool says how many parts it goes in counting the smaller first
// one that spool sends (here 3 of 10, then 5 and 2: 3 parts). (It said "2
// parts of at most 5".)
func TestResumedPartsNote(t *testing.T) {
	t.Parallel()
	srv, camp := interruptedInParts(t, 12, 2)
	resumed, resumedErr, err := sendWith(camp, sendOptions{partSpan: partSpanForTest})
	if err != nil || !strings.Contains(resumed, "they go in 3 parts: 3 from the spool made before, then parts of at most 5") ||
		!strings.Contains(resumed, "part 3: 2 messages still to send") || len(srv.Messages()) != 12 {
		t.Errorf("resume: %v, %d messages\n%s%s", err, len(srv.Messages()), resumed, resumedErr)
	}
}

// TestTestSendAfterInterruptedParts: a test send after a send in parts
// was interrupted decides the rows from the interrupted part's spool, as
// the send after it does, and spools nothing: the resume still goes from
// that spool, and the state folder keeps one copy of the list. (It
// rendered and spooled the whole list again, a generation the size of
// the sheet, slow on 100,000 rows, which the resume then sent from.)
func TestTestSendAfterInterruptedParts(t *testing.T) {
	srv, camp := interruptedInParts(t, 12, 2)
	store := spool.OpenStore(filepath.Join(filepath.Dir(camp), ".tidings", "t"))
	before, err := store.Generations()
	if err != nil || len(before) != 1 {
		t.Fatalf("generations after the interrupted send: %v, %v", before, err)
	}
	tested, testedErr, err := sendWith(camp, sendOptions{test: "me@example.net", partSpan: partSpanForTest})
	if err != nil || srv.Received("me@example.net") != 3 {
		t.Fatalf("test send: %v, %d test messages\n%s%s", err, srv.Received("me@example.net"), tested, testedErr)
	}
	if after, err := store.Generations(); err != nil || len(after) != 1 || after[0].Number() != before[0].Number() || after[0].Messages() != before[0].Messages() {
		t.Errorf("the test send left generations %v (%v), want only g%04d as it was", after, err, before[0].Number())
	}
	resumed, resumedErr, err := sendWith(camp, sendOptions{partSpan: partSpanForTest})
	if err != nil || !strings.Contains(resumed, "3 from the spool made before") || len(srv.Messages()) != 15 {
		t.Errorf("resume: %v, %d messages\n%s%s", err, len(srv.Messages()), resumed, resumedErr)
	}
}

// TestResumedPartsNotOfOne: a send in parts interrupted with one message
// of its part's spool left to send resumes by rendering the rows still to
// send afresh, that message with them, in parts of 5 and 3: no first part
// of one message from the interrupted spool (it said "3 parts: 1 from the
// spool made before", a part's preflight and run for one message).
func TestResumedPartsNotOfOne(t *testing.T) {
	srv, camp := interruptedInParts(t, 12, 4)
	resumed, resumedErr, err := sendWith(camp, sendOptions{partSpan: partSpanForTest})
	if err != nil || !strings.Contains(resumed, "they go in 2 parts of at most 5") || strings.Contains(resumed, "part 3") || len(srv.Messages()) != 12 {
		t.Errorf("resume: %v, %d messages\n%s%s", err, len(srv.Messages()), resumed, resumedErr)
	}
	for i := range 12 {
		if addr := fmt.Sprintf("user%03d@example.com", i); srv.Received(addr) != 1 {
			t.Errorf("%s received %d messages", addr, srv.Received(addr))
		}
	}
}

// interruptedInParts writes a campaign of rows rows sent in parts of 5
// (sendCampaign at 100/s, partSpanForTest) and sends it, interrupted
// (Ctrl-C) once the server has taken at messages: the server, still
// taking messages, and the campaign.
func interruptedInParts(t *testing.T, rows, at int) (*smtptest.Server, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	n := 0
	srv := smtptest.NewServer(t, smtptest.OnData(func(_ smtptest.Session, _ *smtptest.Message) error {
		mu.Lock()
		defer mu.Unlock()
		if n++; n == at {
			cancel()
		}
		return nil
	}))
	camp := sendCampaign(t, srv, rows, "send: {concurrency: 1, rate: 100/s}\n")
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background()}
	if err := runSend(ctx, sendOptions{yes: true, partSpan: partSpanForTest}, g, camp); exitCode(err) != exitInterrupted || len(srv.Messages()) != at {
		t.Fatalf("interrupted send: %v, %d messages\n%s%s", err, len(srv.Messages()), out.String(), errOut.String())
	}
	return srv, camp
}

// TestResumedPartsOneYoungEnough: a send in parts interrupted with three
// messages of its part's spool left, resumed when the spool is so old
// that only the first of them leaves within the part's time (partTime
// from its start, less 15ms, at 100/s), renders the rows still to send
// afresh, in parts of 5 (it sent that one as a first part of its own,
// "3 parts: 1 from the spool made before", a part's preflight and run
// for one message; fix-sum). The spool's age is judged by the send's
// clock (sendOptions.now, plan.Options.Now): no waiting.
func TestResumedPartsOneYoungEnough(t *testing.T) {
	t.Parallel()
	srv, camp := interruptedInParts(t, 12, 2)
	gens, err := spool.OpenStore(filepath.Join(filepath.Dir(camp), ".tidings", "t")).Generations()
	if err != nil || len(gens) != 1 {
		t.Fatalf("generations after the interrupted send: %v, %v", gens, err)
	}
	now := gens[0].Started().Add(partTime - 15*time.Millisecond)
	resumed, resumedErr, err := sendWith(camp, sendOptions{partSpan: partSpanForTest, now: func() time.Time { return now }})
	if err != nil || !strings.Contains(resumed, "they go in 2 parts of at most 5") || strings.Contains(resumed, "from the spool made before") ||
		strings.Contains(resumed, "part 3") || len(srv.Messages()) != 12 {
		t.Errorf("resume: %v, %d messages\n%s%s", err, len(srv.Messages()), resumed, resumedErr)
	}
	for i := range 12 {
		if addr := fmt.Sprintf("user%03d@example.com", i); srv.Received(addr) != 1 {
			t.Errorf("%s received %d messages", addr, srv.Received(addr))
		}
	}
}
