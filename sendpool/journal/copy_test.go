package journal

import (
	"context"
	"testing"
)

// TestCopyRecords: a copy begun and finished is done, one begun only is
// begun (even when a later run begins it again), and Scan hands them on.
func TestCopyRecords(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir, Run{PID: 1, Started: t0},
		Copy{Row: 2, Key: "a", MessageID: "m2", Folder: "Sent"}, Copy{Row: 2, Key: "a", MessageID: "m2", Folder: "Sent", Done: true},
		Copy{Row: 3, Key: "b", MessageID: "m3", Folder: "Sent"})
	writeRun(t, dir, Run{PID: 2, Started: t0}, Copy{Row: 2, Key: "a", MessageID: "m2", Folder: "Sent"})
	s := load(t, dir)
	if s.CopyOf("m2") != CopyDone || s.CopyOf("m3") != CopyBegun || s.CopyOf("m4") != CopyNone || s.Copies() != 1 {
		t.Errorf("m2 %v, m3 %v, m4 %v, copies %d", s.CopyOf("m2"), s.CopyOf("m3"), s.CopyOf("m4"), s.Copies())
	}
	n := 0
	skipped, err := Scan(context.Background(), dir, func(r Record) error {
		if r.Copy != nil {
			n++
		}
		return nil
	})
	if err != nil || skipped != 0 || n != 4 {
		t.Errorf("scan: %d copies, skipped %d, %v", n, skipped, err)
	}
}
