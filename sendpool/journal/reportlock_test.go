//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd || windows

package journal

import (
	"context"
	"errors"
	"testing"
)

// TestHoldReport: report locks held shared go together; an exclusive one
// waits for them (calling waiting once) until its context ends, and is
// had once they are released.
func TestHoldReport(t *testing.T) {
	dir := t.TempDir()
	a, err := HoldReport(t.Context(), dir, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := HoldReport(t.Context(), dir, false, func() { t.Error("a shared lock waited for another") })
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancelCause(t.Context())
	stop := errors.New("given up")
	waited := 0
	_, err = HoldReport(ctx, dir, true, func() { waited++; cancel(stop) })
	if !errors.Is(err, stop) || waited != 1 {
		t.Fatalf("exclusive beside shared ones: %v, waited %d times", err, waited)
	}
	for _, l := range []*ReportLock{a, b} {
		if err := l.Release(); err != nil {
			t.Fatal(err)
		}
	}
	x, err := HoldReport(t.Context(), dir, true, func() { t.Error("waited for released locks") })
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Release(); err != nil || x.Release() != nil {
		t.Fatalf("release: %v", err)
	}
}
