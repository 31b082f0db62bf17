package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestShowCommandDashFile: the tidings show command tidings prints for a
// campaign file whose name starts with a dash ("-news.yaml", in the
// current folder) runs as printed: the file is written ./-news.yaml, not
// taken for flags ("unknown shorthand flag: 'n'").
func TestShowCommandDashFile(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "")
	dash := filepath.Join(filepath.Dir(camp), "-news.yaml")
	if err := os.Rename(camp, dash); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Dir(dash))
	if out, errOut, code := runCLI(t, "send", "--yes", "./-news.yaml"); code != exitOK {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	cmd, _, _ := strings.Cut(showWhatWent(dash, []string{"row 2 (user000@example.com): changed"}, 1), " prints")
	args := strings.Fields(cmd)
	if len(args) < 2 || args[0] != "tidings" {
		t.Fatalf("the command: %q", cmd)
	}
	out, errOut, code := runCLI(t, args[1:]...)
	if code != exitOK || !strings.Contains(out, "user000@example.com") {
		t.Errorf("%s: code %d\n%s%s", cmd, code, out, errOut)
	}
}

// TestDisplayPathRoot: run from the file system's root (cron's working
// folder), paths are given whole, not as "tmp/…" (rev-user11); from a
// folder above them, relative.
func TestDisplayPathRoot(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "news", "campaign.yaml")
	t.Chdir("/")
	if got := displayPath(p); got != p {
		t.Errorf("from /: displayPath(%q) = %q, want it whole", p, got)
	}
	t.Chdir(dir)
	if got, want := displayPath(p), filepath.Join("news", "campaign.yaml"); got != want {
		t.Errorf("from %s: displayPath(%q) = %q, want %q", dir, p, got, want)
	}
}
