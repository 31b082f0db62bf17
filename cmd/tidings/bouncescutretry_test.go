package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestBouncesCutSearchRetryStopped: the new session a cut UID SEARCH is
// asked for again on fails otherwise than by a cut of its listing: its
// login cut (the server still restarting), or --max-time up while its
// login waits. Neither is a mailbox that cannot be listed: the run stops
// (exit 2) saying the next run reads the mailbox, with no repair advised,
// and the limit named when it was --max-time; the line said it failed
// "reading on past it", a message's words. Ctrl-C there exits 130.
func TestBouncesCutSearchRetryStopped(t *testing.T) {
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, p := slowCampaign(t, d, "imap", 0, "10s")
	for _, r := range fiveBounces(t, camp) {
		d.Deliver(t, bounceUser, r)
	}
	p.armCut("UID SEARCH")
	p.afterCut(func() { p.armCut(" LOGIN ") })
	out, errOut, code := runCLI(t, "bounces", camp)
	if code != exitUnusable || !strings.Contains(errOut, "UID SEARCH: the server closed the connection: EOF; asking for the listing again on a new session failed: ") || strings.Contains(errOut, "force-resync") || !strings.Contains(errOut, "the next run reads the mailbox") {
		t.Errorf("login cut on the new session: exit %d, want %d, no repair advised, the next run reading the mailbox\n%s%s", code, exitUnusable, out, errOut)
	}
	p.armCut("UID SEARCH")
	p.afterCut(func() { p.arm(" LOGIN ") })
	// The login is held for good: only --max-time ends the run, and the
	// error names it.
	out, errOut, code = runCLI(t, "bounces", "--max-time", "2s", camp)
	if code != exitUnusable || !strings.Contains(errOut, "UID SEARCH: the server closed the connection: EOF; asking for the listing again on a new session failed: ") || strings.Contains(errOut, "force-resync") || !strings.Contains(errOut, "--max-time") {
		t.Errorf("--max-time up on the new session: exit %d, want %d, the limit named, no repair advised\n%s%s", code, exitUnusable, out, errOut)
	}
	// Ctrl-C while the new session's login is held: exit 130.
	drainAccepted(p)
	p.armCut("UID SEARCH")
	p.afterCut(func() { p.arm(" LOGIN ") })
	ctx, cancel := context.WithCancelCause(t.Context())
	go func() {
		<-p.accepted // the run's session
		<-p.accepted // the new one, its login held
		cancel(errInterrupted)
	}()
	var outb, errb bytes.Buffer
	g := &globalOptions{stdout: &outb, stderr: &errb, stdin: strings.NewReader(""), abort: context.Background()}
	if code := exitCode(execute(ctx, g, []string{"bounces", camp})); code != exitInterrupted {
		t.Errorf("interrupted on the new session: exit %d, want %d\n%s%s", code, exitInterrupted, outb.String(), errb.String())
	}
	p.afterCut(nil)
	p.arm("")
	if out, errOut, code := runCLI(t, "bounces", camp); code != exitOK || feedbackRecords(t, camp) != 5 {
		t.Errorf("then: exit %d, %d feedback records, want %d and 5\n%s%s", code, feedbackRecords(t, camp), exitOK, out, errOut)
	}
}
