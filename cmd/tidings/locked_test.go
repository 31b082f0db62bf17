package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestLockedSendTempFail: a send, or a test send, started while another
// send holds the campaign's lock (yesterday's cron run still going) sends
// nothing, names the holder and exits 75, EX_TEMPFAIL, for a wrapper to
// run it again later; it exited 2, as a campaign that cannot be used. Once
// the lock is free the same command sends.
func TestLockedSendTempFail(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	lock, err := journal.AcquireLockAs(filepath.Join(filepath.Dir(camp), ".tidings", "t"), "send")
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"send", "--yes", camp}, {"send", "--test", "me@example.org", camp}} {
		out, errOut, code := runCLI(t, args...)
		if code != exitTempFail || !strings.Contains(errOut, "being sent by PID "+strconv.Itoa(os.Getpid())) {
			t.Errorf("%s while another send runs: code %d, want %d\n%s%s", strings.Join(args[:2], " "), code, exitTempFail, out, errOut)
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("sent %d messages while another send held the lock", n)
	}
	lock.Release()
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || len(srv.Messages()) != 3 {
		t.Errorf("send once the lock is free: code %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
}
