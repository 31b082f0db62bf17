//go:build unix

package report_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/report"
)

// TestReporterRefusesLink: a link where the reporter keeps its lines
// (.report.log) is refused; its target is not truncated.
func TestReporterRefusesLink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("keep\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(dir, ".report.log")); err != nil {
		t.Fatal(err)
	}
	rep, err := report.NewReporter(dir, report.ReporterOptions{})
	if err == nil {
		rep.Close()
	}
	if err == nil || !strings.Contains(err.Error(), ".report.log is a symbolic link") {
		t.Errorf("NewReporter: %v, want the link refused", err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep\n" {
		t.Errorf("the link's target now holds %q", b)
	}
}
