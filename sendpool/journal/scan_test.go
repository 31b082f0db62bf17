package journal

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
)

// TestScan writes two runs (with an intermediate try, a decision, a line
// longer than the reader's buffer), then a corrupt line and a torn last
// line, and checks that Scan hands on every record in order with its run
// number and skips the rest, as Load counts them.
func TestScan(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("x", 100<<10)
	writeRun(t, dir, Run{Started: t0, Flags: map[string]string{"rate": "10/s"}},
		Attempt{Row: 2, Key: "Ann@Example.org", Try: 1, Time: t0.Add(time.Second)},
		Result{Row: 2, Key: "Ann@Example.org", Status: sendpool.StatusDeferred, Code: 421, EnhancedCode: "4.7.0", Detail: "rate limited", Finished: t0.Add(2 * time.Second)},
		Attempt{Row: 2, Key: "Ann@Example.org", Try: 2, Time: t0.Add(3 * time.Second)},
		Result{Row: 2, Key: "Ann@Example.org", Status: sendpool.StatusSent, Code: 250, Detail: long, Finished: t0.Add(4 * time.Second)},
		Result{Row: 3, Key: "b@example.org", Status: sendpool.StatusDuplicate, Detail: "duplicate of row 2"})
	writeRun(t, dir, Run{Started: t0.Add(time.Hour)},
		Attempt{Row: 4, Key: "c@example.org", Try: 1, Time: t0.Add(time.Hour + time.Second)})
	f, err := os.OpenFile(filepath.Join(dir, FileName), os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "not json\n{\"type\":\"unknown\"}\n{\"type\":\"result\",\"status\":\"sent\",\"row\":5,\"key\":\"d@exa")
	f.Close()

	var got []string
	skipped, err := Scan(context.Background(), dir, func(r Record) error {
		switch {
		case r.NewRun != nil:
			got = append(got, fmt.Sprintf("%d run%d %s %v", r.Line, r.Run, r.NewRun.Started.Format(time.TimeOnly), r.NewRun.Flags))
		case r.Attempt != nil:
			got = append(got, fmt.Sprintf("%d run%d attempt %d %s try %d", r.Line, r.Run, r.Attempt.Row, r.Attempt.NormKey, r.Attempt.Try))
		case r.Result != nil:
			got = append(got, fmt.Sprintf("%d run%d result %d %s %v %d %d", r.Line, r.Run, r.Result.Row, r.Result.NormKey, r.Result.Status, r.Result.Code, len(r.Result.Detail)))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"1 run1 21:00:00 map[rate:10/s]",
		"2 run1 attempt 2 ann@example.org try 1",
		"3 run1 result 2 ann@example.org deferred 421 12",
		"4 run1 attempt 2 ann@example.org try 2",
		fmt.Sprintf("5 run1 result 2 ann@example.org sent 250 %d", len(long)),
		"6 run1 result 3 b@example.org duplicate 0 18",
		"7 run2 22:00:00 map[]",
		"8 run2 attempt 4 c@example.org try 1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("records:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if skipped != 3 {
		t.Errorf("skipped %d lines, want 3 (not json, unknown type, torn)", skipped)
	}
	if s := load(t, dir); s.Records != 6 || len(s.Runs) != 2 || len(s.Warnings) != 3 {
		t.Errorf("Load disagrees: %d records, %d runs, %d warnings", s.Records, len(s.Runs), len(s.Warnings))
	}

	// fn's error stops the scan and comes back as it is.
	stop := errors.New("enough")
	n := 0
	if _, err := Scan(context.Background(), dir, func(Record) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("Scan returned %v after %d calls", err, n)
	}
	// A missing journal has no records.
	if _, err := Scan(context.Background(), t.TempDir(), func(Record) error { t.Error("record in an empty folder"); return nil }); err != nil {
		t.Error(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Scan(ctx, dir, func(Record) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Scan: %v", err)
	}
}
