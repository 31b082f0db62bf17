package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// buildTidings builds the tidings binary once per test binary run.
var buildTidings = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "tidings-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "tidings")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// TestCrashResume kills `tidings send` with SIGKILL at varied points while
// it delivers to a real SMTP server, resumes until done, and checks that
// nobody was skipped and nobody got a second copy unless the report had
// listed them as unknown and --resend-unknown was given.
func TestCrashResume(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary and runs it a dozen times")
	}
	bin, err := buildTidings()
	if err != nil {
		t.Fatal(err)
	}
	// Enough recipients that every kill lands although each leaves the
	// messages taken ahead unknown (see sendpool.prefetch).
	const n = 1000
	delivered := make(chan struct{}, n*4)
	srv := smtptest.NewServer(t, smtptest.OnData(func(smtptest.Session, *smtptest.Message) error {
		delivered <- struct{}{}
		return nil
	}))
	camp := sendCampaign(t, srv, n, "")
	// Four connections, so kills land with several messages in flight;
	// not -q, which leaves out the spool line looked at below.
	run := func(ctx context.Context, args ...string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, bin, append([]string{"send", "--yes", "--concurrency", "4"}, args...)...)
		cmd.Args = append(cmd.Args, camp)
		cmd.Env = append(os.Environ(), "CI=")
		return cmd
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// Kill after these many more messages reached the server; 0 kills the
	// process as soon as it started (during the preflight).
	killAfter := []int{0, 1, 7, 23, 3, 40, 11, 2, 31, 5, 17, 9}
	kills := 0
	for _, k := range killAfter {
		cmd := run(ctx)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		finished := false
	wait:
		for got := 0; got < k; {
			select {
			case <-delivered:
				got++
			case err := <-exited:
				finished = true
				t.Logf("run ended before the kill: %v", err)
				break wait
			case <-ctx.Done():
				t.Fatal("timed out")
			}
		}
		if !finished {
			cmd.Process.Signal(syscall.SIGKILL)
			<-exited
			kills++
		}
		// Drain signals of messages that arrived meanwhile.
		for len(delivered) > 0 {
			<-delivered
		}
	}
	if kills < 10 {
		t.Fatalf("only %d kills landed; the run finished too early", kills)
	}

	// Resume without --resend-unknown until a run completes.
	var unknown map[string]bool
	for i := 0; ; i++ {
		if i == 5 {
			t.Fatal("send did not complete in 5 resumed runs")
		}
		out, err := run(ctx).CombinedOutput()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
		rows := readReport(t, camp)
		unknown = map[string]bool{}
		pending := 0
		for _, r := range rows {
			switch r["status"] {
			case "unknown":
				unknown[r["key"]] = true
			case "sent":
			default:
				pending++
			}
		}
		// Every kill came after the preflight had spooled (but the first):
		// the resumed runs send from that spool, rendering nothing.
		if !strings.Contains(string(out), "(made by an earlier run and used again") {
			t.Errorf("resumed run %d did not reuse the spool:\n%s", i, out)
		}
		if pending == 0 {
			t.Logf("resumed run %d: %d unknown\n%s", i, len(unknown), out)
			break
		}
	}
	// Without --resend-unknown nobody got two copies, and everyone not
	// received is reported unknown.
	for i := 0; i < n; i++ {
		key := fmt.Sprintf("user%03d@example.com", i)
		switch got := srv.Received(key); {
		case got == 0 && !unknown[key]:
			t.Errorf("%s was never received and is not reported unknown", key)
		case got > 1:
			t.Errorf("%s received %d copies before --resend-unknown", key, got)
		}
	}
	// --resend-unknown settles the unknown ones; now everyone is sent.
	out, err := run(ctx, "--resend-unknown").CombinedOutput()
	if err != nil {
		t.Fatalf("send --resend-unknown: %v\n%s", err, out)
	}
	rows := readReport(t, camp)
	if len(rows) != n {
		t.Fatalf("final report has %d rows, want %d", len(rows), n)
	}
	for _, r := range rows {
		if r["status"] != "sent" {
			t.Errorf("final report row %v", r)
		}
	}
	for i := 0; i < n; i++ {
		key := fmt.Sprintf("user%03d@example.com", i)
		got := srv.Received(key)
		if got == 0 {
			t.Errorf("%s never received", key)
		}
		if got > 1 && !unknown[key] {
			t.Errorf("%s received %d copies but was never reported unknown", key, got)
		}
	}
	st, err := journal.Load(ctx, filepath.Join(filepath.Dir(camp), ".tidings", "t"))
	if err != nil {
		t.Fatalf("journal does not load: %v", err)
	}
	t.Logf("%d kills, %d unknown resent, %d journal records, warnings: %v", kills, len(unknown), st.Records, st.Warnings)
}
