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

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestSpoolSequenceShowsWhatWent: the sequence a user goes through with a
// send in parts (send --test, Ctrl-C mid-part, send --test again, a
// resume with --limit, the sheet edited, a last resume) sends each row
// once, and show prints each row's message byte for byte as the server
// got it, the edited row's as it went after the edit.
func TestSpoolSequenceShowsWhatWent(t *testing.T) {
	for _, stopAt := range []int{1, 2, 4, 5, 6} {
		for _, limit := range []int{1, 3, 4} {
			t.Run(fmt.Sprintf("stop%d-limit%d", stopAt, limit), func(t *testing.T) { spoolSequence(t, stopAt, limit) })
		}
	}
}

// spoolSequence is TestSpoolSequenceShowsWhatWent with Ctrl-C after the
// stopAt-th message and a resume with --limit limit.
func spoolSequence(t *testing.T, at, limit int) {
	const rows = 12
	var mu sync.Mutex
	var stopAt int
	var stop context.CancelFunc
	got := 0
	srv := smtptest.NewServer(t, smtptest.OnData(func(_ smtptest.Session, m *smtptest.Message) error {
		mu.Lock()
		defer mu.Unlock()
		if strings.HasSuffix(m.To[0], "@example.net") {
			return nil
		}
		if got++; stop != nil && got == stopAt {
			stop()
		}
		return nil
	}))
	camp := sendCampaign(t, srv, rows, "send: {concurrency: 1, rate: 100/s}\n")
	step := func(name string, opts sendOptions, wantErr bool) {
		t.Helper()
		out, errOut, err := sendWith(camp, opts)
		if (err != nil) != wantErr {
			t.Fatalf("%s: %v\n%s%s", name, err, out, errOut)
		}
	}
	step("test send", sendOptions{test: "me@example.net", partSpan: partSpanForTest}, false)
	ctx, cancel := context.WithCancel(context.Background())
	mu.Lock()
	stop, stopAt = cancel, at
	mu.Unlock()
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background()}
	if err := runSend(ctx, sendOptions{yes: true, partSpan: partSpanForTest}, g, camp); exitCode(err) != exitInterrupted {
		t.Fatalf("interrupted send: %v\n%s%s", err, out.String(), errOut.String())
	}
	cancel()
	mu.Lock()
	stop = nil
	mu.Unlock()
	step("second test send", sendOptions{test: "me@example.net", partSpan: partSpanForTest}, false)
	step("resume --limit", sendOptions{limit: limit, partSpan: partSpanForTest}, true)
	sheet := filepath.Join(filepath.Dir(camp), "r.csv")
	data, err := os.ReadFile(sheet)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), "User 11\n", "User Eleven\n", 1)
	if err := os.WriteFile(sheet, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	step("resume after the edit", sendOptions{partSpan: partSpanForTest}, false)
	for i := range rows {
		addr := fmt.Sprintf("user%03d@example.com", i)
		if n := srv.Received(addr); n != 1 {
			t.Errorf("%s received %d messages, want 1", addr, n)
			continue
		}
		shown, _, code := runCLI(t, "show", camp, addr)
		if sent := string(serverCopy(t, srv, addr)); code != exitOK || shown != sent {
			t.Errorf("show %s: code %d, not the bytes the server got\nshown:\n%s\nsent:\n%s", addr, code, shown, sent)
		}
	}
	if !strings.Contains(string(serverCopy(t, srv, "user011@example.com")), "User Eleven") {
		t.Errorf("row 13 went without its edit")
	}
}
