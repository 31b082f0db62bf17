package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestSendInPartsStalledNamesCommand: a later part that tries no message
// in its time (send.domains lets one a minute go) ends the send with the
// command that sends the rest, the flags it was given carried on, as every
// other "run again" of send's does. It said "run send again", without
// --yes, --rate or the campaign file.
func TestSendInPartsStalledNamesCommand(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "send: {concurrency: 1, retry_backoff: 1ms, domains: {example.com: 1/m}}\n")
	out, errOut, err := sendWith(camp, sendOptions{partTime: partTimeForTest, rate: "50/s"})
	want := "the server or send.domains let none go; run again: tidings send --yes --rate 50/s " + commandArg(camp)
	if exitCode(err) != exitUnusable || !strings.Contains(errText(err), want) {
		t.Errorf("send: %v (code %d), want it to end %q\n%s%s", err, exitCode(err), want, out, errOut)
	}
}

// TestSendInPartsStateFolderMoved: state_dir edited while a long send
// runs stops it before its next part, naming the folder its sends are
// recorded in and the command to run once state_dir names it again, with
// the flags the send was given. It said "run send again", which, with
// state_dir naming an empty folder, would send everyone the campaign
// again.
func TestSendInPartsStateFolderMoved(t *testing.T) {
	var camp string
	var mu sync.Mutex
	n := 0
	srv := smtptest.NewServer(t, smtptest.OnData(func(_ smtptest.Session, _ *smtptest.Message) error {
		mu.Lock()
		defer mu.Unlock()
		if n++; n == 5 { // the first part's last message
			yaml, err := os.ReadFile(camp)
			if err != nil {
				return err
			}
			return os.WriteFile(camp, append(yaml, "state_dir: elsewhere\n"...), 0o644)
		}
		return nil
	}))
	camp = sendCampaign(t, srv, 12, "send: {concurrency: 1, rate: 100/s}\n")
	out, errOut, err := sendWith(camp, sendOptions{partSpan: partSpanForTest, skipInvalid: true})
	was := displayPath(filepath.Join(filepath.Dir(camp), ".tidings", "t"))
	want := "the parts sent went, recorded in " + was + "; run again: tidings send --yes --skip-invalid " + commandArg(camp) + " once state_dir names the folder that holds them"
	if exitCode(err) != exitUnusable || !strings.Contains(errText(err), want) || len(srv.Messages()) != 5 {
		t.Errorf("send: %v (code %d), %d messages; want 5 and the error saying %q\n%s%s", err, exitCode(err), len(srv.Messages()), want, out, errOut)
	}
}

// errText is err's words, "" for nil.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
