package report_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/report"
)

// TestReportNotPlacedNotHeldOpen: a report.csv that cannot be replaced
// for another reason than a program holding it (here a folder of that
// name) is not said to be open in Excel: those words are for Windows'
// refusal alone (TestReportHeldOpenByExcel).
func TestReportNotPlacedNotHeldOpen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, report.CSVFile, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	rep, err := report.NewReporter(dir, report.ReporterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close()
	if err := rep.Add(sendpool.Result{Row: 2, Key: "a@example.org", Status: sendpool.StatusSent}); err != nil {
		t.Fatal(err)
	}
	err = rep.Flush()
	var he *report.HeldOpenError
	if err == nil || errors.As(err, &he) || strings.Contains(err.Error(), "Excel") {
		t.Errorf("Flush over a folder: %v, want an error that names no program holding the file", err)
	}
}
