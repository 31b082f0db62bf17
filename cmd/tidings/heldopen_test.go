package main

import (
	"errors"
	"fmt"
	"syscall"
	"testing"

	"github.com/tidings/tidings/sendpool/report"
)

// TestHeldOpenWords: a send or bounces whose report.csv Windows would
// not replace, Excel showing it (*report.HeldOpenError), was told "once
// that is fixed, run tidings report", naming nothing to fix; it is told
// to close the file in Excel first. Other failures keep their words.
func TestHeldOpenWords(t *testing.T) {
	held := fmt.Errorf("report: writing report.csv and report.json in st: %w", &report.HeldOpenError{File: report.CSVFile, Err: errors.New("Access is denied.")})
	for _, tt := range []struct {
		err  error
		want string
	}{
		{held, "close report.csv in Excel (or whichever program has it open), then run tidings report c.yaml to write them from the journal"},
		{syscall.ENOSPC, "free space on the disk it is on, then run tidings report c.yaml to write them from the journal"},
		{errors.New("rename: permission denied"), "once that is fixed, run tidings report c.yaml to write them from the journal"},
	} {
		if got := flushNext(tt.err, "c.yaml"); got != tt.want {
			t.Errorf("flushNext(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
