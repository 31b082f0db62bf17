package report_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/windows"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/report"
)

// TestReportHeldOpenByExcel: on Windows a report.csv open in Excel, which
// shares it for reading only, cannot be replaced ("Access is denied");
// the error says report.csv is open in another program, as a
// *report.HeldOpenError the commands tell to close it by, and once it is
// closed the report is written.
func TestReportHeldOpenByExcel(t *testing.T) {
	dir := t.TempDir()
	rep, err := report.NewReporter(dir, report.ReporterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close()
	if err := rep.Add(sendpool.Result{Row: 2, Key: "a@example.org", Status: sendpool.StatusSent}); err != nil {
		t.Fatal(err)
	}
	if err := rep.Flush(); err != nil {
		t.Fatal(err)
	}
	name, err := windows.UTF16PtrFromString(filepath.Join(dir, report.CSVFile))
	if err != nil {
		t.Fatal(err)
	}
	// How Excel opens a file it shows: others may read it, not replace it.
	h, err := windows.CreateFile(name, windows.GENERIC_READ|windows.GENERIC_WRITE, windows.FILE_SHARE_READ, nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Add(sendpool.Result{Row: 3, Key: "b@example.org", Status: sendpool.StatusSent}); err != nil {
		t.Fatal(err)
	}
	err = rep.Flush()
	var he *report.HeldOpenError
	if !errors.As(err, &he) || he.File != report.CSVFile || !strings.Contains(err.Error(), "report.csv is open in another program") {
		t.Errorf("Flush beside Excel: %v, want report.csv named as open in another program", err)
	}
	windows.CloseHandle(h)
	if err := rep.Flush(); err != nil {
		t.Errorf("Flush once Excel closed it: %v", err)
	}
}
