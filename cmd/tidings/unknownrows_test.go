package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestUnknownRowsSayUnknown: the rows of unknown outcome an earlier run
// left, which send lists before its plan, each say "unknown" on their own
// line, as journald shows a service's output one line at a time: a row
// line alone ("row 3  Bob <bob@example.com>") said nothing of why it was
// listed.
func TestUnknownRowsSayUnknown(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 0, "send: {concurrency: 1, retries: 0}\n")
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nann@example.com,Ann\nbob@example.com,Bob\n"})

	leaveUnknown(t, camp, journal.Attempt{Row: 3, Key: "bob@example.com", To: "Bob <bob@example.com>", Try: 1})

	out, errOut, _ := runCLI(t, "send", "--yes", camp)
	var rows []string
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "bob@example.com") && strings.HasPrefix(line, "  row ") {
			rows = append(rows, line)
		}
	}
	if len(rows) == 0 {
		t.Fatalf("no row line for bob:\n%s%s", out, errOut)
	}
	for _, line := range rows {
		if !strings.Contains(line, "unknown") {
			t.Errorf("row line %q does not say its outcome is unknown:\n%s", line, out)
		}
	}
}

// leaveUnknown journals attempt for camp's state folder as a run killed
// while its message was with the server leaves it: begun, no reply.
func leaveUnknown(t *testing.T, camp string, attempt journal.Attempt) {
	t.Helper()
	state := filepath.Join(filepath.Dir(camp), ".tidings", "t")
	lock, err := journal.AcquireLock(state)
	if err != nil {
		t.Fatal(err)
	}
	w, err := journal.Open(context.Background(), lock, journal.Run{PID: 1, Started: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Attempt(context.Background(), attempt); err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(w.Close(), lock.Release()); err != nil {
		t.Fatal(err)
	}
}
