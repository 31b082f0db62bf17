package main

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestSendResumesOnlyDeferredRecipients: a message to a To and a Cc where
// the server defers the Cc (451) after accepting the To. With no retries
// left the run ends; the next run sends to the Cc only, so the To never
// gets a second copy and the Cc is not skipped.
func TestSendResumesOnlyDeferredRecipients(t *testing.T) {
	t.Parallel()
	var deferCc atomic.Bool
	deferCc.Store(true)
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if to == "boss@example.com" && deferCc.Load() {
			return smtptest.Reply(451, "4.2.1", "mailbox busy, try later")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 0, "cc: '{{.cc}}'\nsend: {concurrency: 1, retries: 0}\n")
	writeFiles(t, filepath.Dir(camp), map[string]string{
		"r.csv": "email,name,cc\nann@example.com,Ann,boss@example.com\nbob@example.com,Bob,\n",
	})
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitSomeFailed || !strings.Contains(out, "went to some recipients only: the server deferred the others; run send --yes again to deliver to those only") {
		t.Fatalf("first run: code %d, want %d and a note\n%s%s", code, exitSomeFailed, out, errOut)
	}
	if srv.Received("ann@example.com") != 1 || srv.Received("boss@example.com") != 0 {
		t.Fatalf("first run: ann %d, boss %d", srv.Received("ann@example.com"), srv.Received("boss@example.com"))
	}
	deferCc.Store(false)
	out, errOut, code = runCLI(t, "send", "--yes", camp)
	if code != 0 {
		t.Fatalf("second run: code %d\n%s%s", code, out, errOut)
	}
	if a, b := srv.Received("ann@example.com"), srv.Received("boss@example.com"); a != 1 || b != 1 {
		t.Errorf("after the second run: ann received %d, boss %d; want 1 and 1", a, b)
	}
	if !strings.Contains(out, "1 to send now") {
		t.Errorf("second run should send one message (to the deferred Cc):\n%s", out)
	}
	msgs := srv.Messages()
	last := msgs[len(msgs)-1]
	if len(last.To) != 1 || last.To[0] != "boss@example.com" || !strings.Contains(string(last.Data), "Cc: boss@example.com") {
		t.Errorf("the resent message went to %v", last.To)
	}
	// Nobody is owed anything now: later runs send nothing.
	for range 2 {
		out, errOut, code = runCLI(t, "send", "--yes", camp)
		if code != 0 || !strings.Contains(out, "nothing left to send") {
			t.Fatalf("later run: code %d\n%s%s", code, out, errOut)
		}
	}
	if a, b := srv.Received("ann@example.com"), srv.Received("boss@example.com"); a != 1 || b != 1 {
		t.Errorf("after later runs: ann received %d, boss %d; want 1 and 1", a, b)
	}
}

// owedCampaign is a campaign whose row 2 goes to ann with boss in Cc, to a
// server that defers boss (451) while defer is set; it runs the first send
// (ann gets it, boss is owed it).
func owedCampaign(t *testing.T, opts ...smtptest.Option) (camp string, srv *smtptest.Server, deferCc *atomic.Bool) {
	t.Helper()
	deferCc = new(atomic.Bool)
	deferCc.Store(true)
	srv = smtptest.NewServer(t, append([]smtptest.Option{smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if to == "boss@example.com" && deferCc.Load() {
			return smtptest.Reply(451, "4.2.1", "mailbox busy, try later")
		}
		return nil
	})}, opts...)...)
	camp = sendCampaign(t, srv, 0, "cc: '{{.cc}}'\nsend: {concurrency: 1, retries: 0}\n")
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name,cc\nann@example.com,Ann,boss@example.com\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed || srv.Received("ann@example.com") != 1 {
		t.Fatalf("first run: code %d, ann %d\n%s%s", code, srv.Received("ann@example.com"), out, errOut)
	}
	deferCc.Store(false)
	return camp, srv, deferCc
}

// TestOwedWithRetries: with retries (the default), the run retries the
// deferred Cc itself; when the Cc is still deferred at the end, the key is
// sent (the To has it) in the report and in later runs, which send to the
// Cc alone, once.
func TestOwedWithRetries(t *testing.T) {
	t.Parallel()
	var deferCc atomic.Bool
	deferCc.Store(true)
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if to == "boss@example.com" && deferCc.Load() {
			return smtptest.Reply(451, "4.2.1", "mailbox busy, try later")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 0, "cc: '{{.cc}}'\nsend: {concurrency: 1, retries: 2, retry_backoff: 1ms}\n")
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name,cc\nann@example.com,Ann,boss@example.com\n"})
	runCLI(t, "send", "--yes", camp)
	deferCc.Store(false)
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != 0 || !strings.Contains(out, "1 sent") {
		t.Fatalf("second run: code %d\n%s%s", code, out, errOut)
	}
	for _, args := range [][]string{{"send", "--yes", camp}, {"report", camp}} {
		if out, errOut, code := runCLI(t, args...); code != 0 || !strings.Contains(out, "1 sent") {
			t.Errorf("%v: code %d, want 0 and the row sent\n%s%s", args, code, out, errOut)
		}
	}
	if a, b := srv.Received("ann@example.com"), srv.Received("boss@example.com"); a != 1 || b != 1 {
		t.Errorf("ann received %d, boss %d; want 1 and 1", a, b)
	}
}

// owedRefusedCampaign is owedCampaign whose resume (run here) the server
// answers, for the Cc still owed alone, with a refusal for good (550)
// while refuse holds.
func owedRefusedCampaign(t *testing.T) (camp string, srv *smtptest.Server, refuse *atomic.Bool) {
	t.Helper()
	refuse = new(atomic.Bool)
	camp, srv, _ = owedCampaign(t, smtptest.OnData(func(_ smtptest.Session, m *smtptest.Message) error {
		if refuse.Load() && len(m.To) == 1 && m.To[0] == "boss@example.com" {
			return smtptest.Reply(550, "5.1.1", "no such user")
		}
		return nil
	}))
	refuse.Store(true)
	runCLI(t, "send", "--yes", camp)
	return camp, srv, refuse
}

// TestOwedRefusedForGood: the Cc still owed is refused for good (550) on
// the resume; later runs leave it unless --retry-failed, which sends to it
// alone.
func TestOwedRefusedForGood(t *testing.T) {
	t.Parallel()
	camp, srv, refuse := owedRefusedCampaign(t)
	datas := srv.Commands("DATA") + srv.Commands("BDAT")
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if !strings.Contains(out, "nothing left to send") || srv.Commands("DATA")+srv.Commands("BDAT") != datas {
		t.Fatalf("a run after the refusal sent again: code %d\n%s%s", code, out, errOut)
	}
	refuse.Store(false)
	if out, errOut, code := runCLI(t, "send", "--yes", "--retry-failed", camp); code != 0 || !strings.Contains(out, "1 to send now") {
		t.Fatalf("--retry-failed: code %d\n%s%s", code, out, errOut)
	}
	if a, b := srv.Received("ann@example.com"), srv.Received("boss@example.com"); a != 1 || b != 1 {
		t.Errorf("ann received %d, boss %d; want 1 and 1", a, b)
	}
}

// TestOwedReplyLost: the send to the owed Cc loses its final reply. The
// next run lists it as unknown and sends nothing; --resend-unknown sends
// to the Cc alone, never to the To again.
func TestOwedReplyLost(t *testing.T) {
	t.Parallel()
	var drop atomic.Bool
	camp, srv, _ := owedCampaign(t, smtptest.DropReply(func(_ smtptest.Session, m *smtptest.Message) bool {
		return drop.Load() && m.To[0] == "boss@example.com"
	}))
	drop.Store(true)
	runCLI(t, "send", "--yes", camp)
	drop.Store(false)
	if srv.Received("boss@example.com") != 1 {
		t.Fatalf("boss received %d", srv.Received("boss@example.com"))
	}
	out, errOut, _ := runCLI(t, "send", "--yes", camp)
	if !strings.Contains(out, "nothing left to send") || !strings.Contains(out, "unknown outcome") || srv.Received("boss@example.com") != 1 {
		t.Fatalf("the run after the lost reply:\n%s%s", out, errOut)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", "--resend-unknown", camp); code != 0 {
		t.Fatalf("--resend-unknown: code %d\n%s%s", code, out, errOut)
	}
	if a, b := srv.Received("ann@example.com"), srv.Received("boss@example.com"); a != 1 || b != 2 {
		t.Errorf("ann received %d, boss %d; want 1 and 2 (resent to the Cc alone)", a, b)
	}
}

// TestOwedFollowsTheRow: the Cc still owed has left the row (replaced,
// or removed and suppressed): it is not sent to, and nothing else is;
// check and send say so, and check estimates no message for the row.
func TestOwedFollowsTheRow(t *testing.T) {
	t.Parallel()
	for name, files := range map[string]map[string]string{
		"replaced": {"r.csv": "email,name,cc\nann@example.com,Ann,newboss@example.com\n"},
		"removed and suppressed": {
			"r.csv":      "email,name,cc\nann@example.com,Ann,\n",
			"suppressed": "boss@example.com\n",
		},
	} {
		t.Run(name, func(t *testing.T) {
			camp, srv, _ := owedCampaign(t)
			writeFiles(t, filepath.Dir(camp), files)
			if _, ok := files["suppressed"]; ok {
				b, _ := os.ReadFile(camp)
				writeFiles(t, filepath.Dir(camp), map[string]string{"c.yaml": string(b) + "suppress: suppressed\n"})
			}
			warning := "warning: 1 message went to some recipients only, and the ones the server deferred are no longer in the row (row 2: boss@example.com): nobody gets the message in their place"
			out, errOut, code := runCLI(t, "check", camp)
			if code != exitOK || !strings.Contains(out, warning) || strings.Contains(out, "estimate:") || !strings.Contains(out, "1 needs no sending") {
				t.Errorf("check: code %d\n%s%s", code, out, errOut)
			}
			out, errOut, code = runCLI(t, "send", "--yes", camp)
			if !strings.Contains(out, "nothing left to send") || !strings.Contains(out, warning) {
				t.Errorf("code %d\n%s%s", code, out, errOut)
			}
			if n := len(srv.Messages()); n != 1 {
				t.Errorf("the server has %d messages, want the first run's 1", n)
			}
		})
	}
}

// TestUnknownAfterTemporaryFailure: bob was deferred (451) in one run; the
// next run handed bob's message over and was killed before the reply (the
// journal has the attempt, no result). The run after lists bob as unknown,
// whatever the earlier 451 said, and does not send to bob.
func TestUnknownAfterTemporaryFailure(t *testing.T) {
	t.Parallel()
	var deferBob atomic.Bool
	deferBob.Store(true)
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if to == "bob@example.com" && deferBob.Load() {
			return smtptest.Reply(451, "4.2.1", "mailbox busy")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 0, "send: {concurrency: 1, retries: 0}\n")
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nann@example.com,Ann\nbob@example.com,Bob\n"})
	runCLI(t, "send", "--yes", camp)
	deferBob.Store(false)

	leaveUnknown(t, camp, journal.Attempt{Row: 3, Key: "bob@example.com", To: "Bob <bob@example.com>", Try: 1})

	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitSomeFailed || !strings.Contains(out, "nothing left to send") || !strings.Contains(out, "unknown outcome") || !strings.Contains(out, "bob@example.com") {
		t.Fatalf("code %d, want %d, nothing sent and bob listed as unknown\n%s%s", code, exitSomeFailed, out, errOut)
	}
	for _, r := range readReport(t, camp) {
		if r["key"] == "bob@example.com" && r["status"] != "unknown" {
			t.Errorf("report: bob %s (%s), want unknown", r["status"], r["detail"])
		}
	}
	if n := srv.Received("bob@example.com"); n != 0 {
		t.Errorf("bob received %d", n)
	}
}

// TestSendSaysWhenSomeRecipientsRefused: the server refuses a row's To for
// good (550) while it takes the Cc, and another row's Cc while it takes the
// To. The rows count as sent (the message went out; no later run sends it
// again), but the run names both rows and the refused addresses and exits
// 1, where it had said "2 sent" and exited 0.
func TestSendSaysWhenSomeRecipientsRefused(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if strings.HasPrefix(to, "bad") {
			return smtptest.Reply(550, "5.1.1", "no such user")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 0, "cc: '{{.cc}}'\nsend: {concurrency: 1, retries: 0}\n")
	writeFiles(t, filepath.Dir(camp), map[string]string{
		"r.csv": "email,name,cc\nann@example.com,Ann,bad1@example.com\nbad2@example.com,Bob,boss@example.com\ncid@example.com,Cid,\nbad3@example.com,Dan,\n",
	})
	// Row 5 fails outright: the partly refused rows are named all the same.
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitSomeFailed {
		t.Fatalf("code %d, want %d\n%s%s", code, exitSomeFailed, out, errOut)
	}
	for _, want := range []string{
		"2 messages reached some recipients while the server refused others for good",
		"row 2: bad1@example.com (550 5.1.1 no such user)",
		"row 3: bad2@example.com (550 5.1.1 no such user)",
		"1 failed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if srv.Received("ann@example.com") != 1 || srv.Received("boss@example.com") != 1 || srv.Received("cid@example.com") != 1 {
		t.Errorf("received: ann %d, boss %d, cid %d", srv.Received("ann@example.com"), srv.Received("boss@example.com"), srv.Received("cid@example.com"))
	}
	// Nothing is sent again, and the next run has nothing to say about it
	// (only the failed row 5 keeps the exit code at 1).
	out, errOut, code = runCLI(t, "send", "--yes", camp)
	if code != exitSomeFailed || !strings.Contains(out, "nothing left to send") || strings.Contains(out, "refused others") || srv.Received("ann@example.com") != 1 {
		t.Errorf("second run: code %d\n%s%s", code, out, errOut)
	}
}

// TestOwedRowAfterBounceKeepsSent: a row that went out to its To (the Cc deferred, owed) whose To
// then bounced and is on the suppression list. The next send must keep
// "what went out as it went": the row is sent (the To has it), not
// "suppressed"; the Cc is held back, which the journal notes (a
// suppressed decision, under which the key stays sent), so that report,
// which reads no suppression list, does not count the row as owing, and
// both exit 0.
func TestOwedRowAfterBounceKeepsSent(t *testing.T) {
	t.Parallel()
	var deferCc atomic.Bool
	deferCc.Store(true)
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if to == "boss@example.com" && deferCc.Load() {
			return smtptest.Reply(451, "4.2.1", "mailbox busy, try later")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 0, "cc: '{{.cc}}'\nsuppress: suppress.txt\nsend: {concurrency: 1, retries: 0}\n")
	writeFiles(t, filepath.Dir(camp), map[string]string{
		"r.csv":        "email,name,cc\nann@example.com,Ann,boss@example.com\n",
		"suppress.txt": "",
	})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed || srv.Received("ann@example.com") != 1 {
		t.Fatalf("first run: %d\n%s%s", code, out, errOut)
	}
	deferCc.Store(false)
	// ann's mailbox bounced the message after taking it (what bounces adds).
	if err := os.WriteFile(filepath.Join(filepath.Dir(camp), "suppress.txt"), []byte("ann@example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, code, _ := agreeingSend(t, camp, false)
	for _, r := range readReport(t, camp) {
		if r["row"] == "2" && r["status"] != "sent" {
			t.Errorf("row 2 (ann has the message) is %q after the next send: %s\ncode %d\n%s", r["status"], r["detail"], code, out)
		}
	}
	if srv.Received("boss@example.com") != 0 {
		t.Errorf("the Cc still owed was sent to although the row's To is suppressed")
	}
	st, err := journal.Load(t.Context(), filepath.Join(filepath.Dir(camp), ".tidings", "t"))
	if err != nil {
		t.Fatal(err)
	}
	if e, err := st.Entry("ann@example.com"); err != nil || e == nil || e.Status != sendpool.StatusSent || e.OwesIn([]string{"ann@example.com", "boss@example.com"}) {
		t.Errorf("the journal's entry for a row that was sent, its Cc held back: %+v, %v", e, err)
	}
	if code != exitOK {
		t.Errorf("send: code %d\n%s", code, out)
	}
	journalFile := filepath.Join(filepath.Dir(camp), ".tidings", "t", journal.FileName)
	before := readFile(t, journalFile)
	if _, code, _ := agreeingSend(t, camp, false); code != exitOK {
		t.Errorf("the send after: code %d", code)
	}
	if after := readFile(t, journalFile); after != before { // nothing to send: not even a run record
		t.Errorf("the send after wrote the decision again:\n%s", strings.TrimPrefix(after, before))
	}
	// A row with ann's key and a problem, after hers: its decision comes
	// first, the hold stays ann's latest.
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name,cc\nann@example.com,Ann,boss@example.com\nann@example.com,A\x01nn,\n"})
	if out, code, _ := agreeingSend(t, camp, false, "--skip-invalid"); code != exitSomeFailed {
		t.Errorf("with an invalid twin: code %d\n%s", code, out)
	}
}

// TestOwedReportsAgree: the row of a message its To got while its Cc was
// deferred, after the send to the Cc alone (deferred again, refused, its
// reply lost, delivered), has the same line in send's report and in
// report's, run after run: sent, since the To has it, or unknown when the
// send to the Cc has no final reply; the detail says what that send got.
// Send used to report the Cc's send as the row's ("failed", naming the To)
// and report the first delivery, with opposite exit codes.
func TestOwedReportsAgree(t *testing.T) {
	t.Parallel()
	type stage struct {
		status, detail string
		code           int
		says           string // the run's output has it
	}
	const owed = "resent to the recipients still owed: "
	for _, tt := range []struct {
		name   string
		server func(on *atomic.Bool) smtptest.Option
		stages []stage // the run that sends to the Cc, the run after
	}{
		{"deferred again", func(on *atomic.Bool) smtptest.Option {
			return smtptest.OnData(func(_ smtptest.Session, _ *smtptest.Message) error {
				if on.Load() {
					return smtptest.Reply(451, "4.2.1", "mailbox busy, try later")
				}
				return nil
			})
		}, []stage{
			{"sent", owed + "deferred (451 4.2.1 mailbox busy, try later); first delivery: OK", exitSomeFailed, "went to some recipients only: the server deferred the others; run send --yes again to deliver to those only"},
		}},
		{"refused", func(on *atomic.Bool) smtptest.Option {
			return smtptest.OnData(func(_ smtptest.Session, _ *smtptest.Message) error {
				if on.Load() {
					return smtptest.Reply(550, "5.1.1", "no such user")
				}
				return nil
			})
		}, []stage{
			{"sent", owed + "failed (550 5.1.1 no such user); first delivery: OK", exitSomeFailed, "row 2: boss@example.com (550 5.1.1 no such user)"},
			{"sent", owed + "failed (550 5.1.1 no such user)", exitOK, "nothing left to send"},
		}},
		{"reply lost", func(on *atomic.Bool) smtptest.Option {
			return smtptest.DropReply(func(_ smtptest.Session, _ *smtptest.Message) bool { return on.Load() })
		}, []stage{
			{"unknown", owed + "unknown (connection lost", exitSomeFailed, "1 unknown: the message went, or was about to, and no reply came: it may or may not have arrived ("},
			{"unknown", owed + "unknown (connection lost", exitSomeFailed, "(the message went, or was about to, and no reply came, or none could be recorded: a lost connection, a server that sent none within 4 × smtp.timeout, a crash, a second Ctrl-C, a full disk; it may or may not have arrived)"},
		}},
		{"delivered", func(*atomic.Bool) smtptest.Option { return smtptest.OnData(nil) }, []stage{
			{"sent", owed + "sent (250 2.0.0 OK: queued); first delivery: OK", exitOK, "1 sent"},
			{"sent", owed + "sent (250", exitOK, "nothing left to send"},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var on atomic.Bool
			camp, srv, _ := owedCampaign(t, tt.server(&on))
			on.Store(true)
			for i, st := range tt.stages {
				out, errOut, code := runCLI(t, "send", "--yes", camp)
				r := rowByKey(t, camp, "ann@example.com")
				wantCode := "250" // the first delivery's, unless the row is unknown
				if st.status == "unknown" {
					wantCode = ""
				}
				if code != st.code || !strings.Contains(out, st.says) || r["status"] != st.status || !strings.HasPrefix(r["detail"], st.detail) || r["code"] != wantCode {
					t.Errorf("run %d: code %d (want %d), row 2 %s %s %q, want %s %q…\n%s%s", i+2, code, st.code, r["status"], r["code"], r["detail"], st.status, st.detail, out, errOut)
				}
				sameReport(t, camp)
			}
			if n := srv.Received("ann@example.com"); n != 1 {
				t.Errorf("ann received %d, want 1", n)
			}
		})
	}
}

// agreeingSend runs send with args and then report, which must give the
// same lines (sameReport) and, unless the run itself saw a refusal (which
// only its own exit code tells), the same exit code. It returns send's
// output and exit code and row 2's line.
func agreeingSend(t *testing.T, camp string, refusedNow bool, args ...string) (string, int, map[string]string) {
	t.Helper()
	out, errOut, code := runCLI(t, append([]string{"send", "--yes"}, append(args, camp)...)...)
	return agreeing(t, camp, refusedNow, out+errOut, code)
}

// agreeingKeeping is agreeingSend of `send --yes camp` whose pool keeps
// at most keep bytes of the messages waiting for a retry
// (sendOptions.retryKeep).
func agreeingKeeping(t *testing.T, camp string, keep int64) (string, int, map[string]string) {
	t.Helper()
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background()}
	err := runSend(context.Background(), sendOptions{yes: true, retryKeep: keep}, g, camp)
	if err != nil {
		errOut.WriteString("tidings: " + err.Error() + "\n")
	}
	return agreeing(t, camp, false, out.String()+errOut.String(), exitCode(err))
}

// agreeing checks that report agrees with the send that printed out and
// exited with code (see agreeingSend) and returns them with row 2's line.
func agreeing(t *testing.T, camp string, refusedNow bool, out string, code int) (string, int, map[string]string) {
	t.Helper()
	line := rowByKey(t, camp, "ann@example.com")
	sameReport(t, camp)
	if _, _, rcode := runCLI(t, "report", camp); rcode != code && !refusedNow {
		t.Errorf("send exited %d, report %d\n%s", code, rcode, out)
	}
	return out, code, line
}

// TestOwedPaths: more ways a message its To got can owe its Cc's, each
// agreeing between send's report and report's, exit code too:
//   - the pool retries the deferred Cc in the same run (retries on, the
//     default): one delivery, not a later send, whether the retry gets
//     through or not;
//   - two Cc's owed, one refused for good and one deferred again on the
//     next run: the refused one is named and never tried again, the
//     deferred one is;
//   - a run held back by --limit before the owed row: the row stays sent
//     and owing, not "not attempted";
//   - the reply of the send to the Cc lost, then the Cc taken out of the
//     row: done (sent, a note), exit 0, also under --resend-unknown.
func TestOwedPaths(t *testing.T) {
	t.Parallel()
	t.Run("retried in the same run", func(t *testing.T) {
		for _, defers := range []int32{1, 5} {
			var left atomic.Int32
			left.Store(defers)
			srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
				if to == "boss@example.com" && left.Add(-1) >= 0 {
					return smtptest.Reply(451, "4.2.1", "mailbox busy, try later")
				}
				return nil
			}))
			camp := sendCampaign(t, srv, 0, "cc: '{{.cc}}'\nsend: {concurrency: 1, retries: 2, retry_backoff: 1ms}\n")
			writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name,cc\nann@example.com,Ann,boss@example.com\n"})
			out, code, line := agreeingSend(t, camp, false)
			if strings.Contains(line["detail"], "resent") || (defers > 2) != (code == exitSomeFailed) {
				t.Errorf("%d deferrals: code %d, detail %q\n%s", defers, code, line["detail"], out)
			}
			agreeingSend(t, camp, false)
			if srv.Received("ann@example.com") != 1 || srv.Received("boss@example.com") != 1 {
				t.Errorf("%d deferrals: ann %d, boss %d", defers, srv.Received("ann@example.com"), srv.Received("boss@example.com"))
			}
		}
	})
	t.Run("retried in the same run, its reply lost", func(t *testing.T) {
		var deferred atomic.Bool
		srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
			if to == "boss@example.com" && !deferred.Swap(true) {
				return smtptest.Reply(451, "4.2.1", "mailbox busy, try later")
			}
			return nil
		}), smtptest.DropReply(func(_ smtptest.Session, m *smtptest.Message) bool {
			return len(m.To) == 1 && m.To[0] == "boss@example.com"
		}))
		camp := sendCampaign(t, srv, 0, "cc: '{{.cc}}'\nsend: {concurrency: 1, retries: 1, retry_backoff: 1ms}\n")
		writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name,cc\nann@example.com,Ann,boss@example.com\n"})
		for range 2 {
			if out, code, line := agreeingSend(t, camp, false); code != exitSomeFailed || line["status"] != "unknown" {
				t.Errorf("code %d, row %v\n%s", code, line, out)
			}
		}
		if a, b := srv.Received("ann@example.com"), srv.Received("boss@example.com"); a != 1 || b != 1 {
			t.Errorf("ann received %d, boss %d: boss, whose reply was lost, was sent to again", a, b)
		}
		agreeingSend(t, camp, false, "--resend-unknown")
		if a, b := srv.Received("ann@example.com"), srv.Received("boss@example.com"); a != 1 || b != 2 {
			t.Errorf("--resend-unknown: ann received %d, boss %d; want boss alone again", a, b)
		}
	})
	t.Run("one Cc refused, one deferred", func(t *testing.T) {
		var phase, rcptA atomic.Int32
		srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
			if to == "a@example.com" {
				rcptA.Add(1)
			}
			switch p := phase.Load(); {
			case p == 0 && to != "ann@example.com", p == 1 && to == "b@example.com":
				return smtptest.Reply(451, "4.2.1", "busy")
			case p == 1 && to == "a@example.com":
				return smtptest.Reply(550, "5.1.1", "no such user")
			}
			return nil
		}))
		camp := sendCampaign(t, srv, 0, "cc: '{{.cc}}'\nsend: {concurrency: 1, retries: 0}\n")
		writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name,cc\nann@example.com,Ann,\"a@example.com, b@example.com\"\n"})
		agreeingSend(t, camp, false)
		phase.Store(1)
		out, code, _ := agreeingSend(t, camp, true)
		if code != exitSomeFailed || !strings.Contains(out, "row 2: a@example.com (550 5.1.1 no such user)") || !strings.Contains(out, "1 message went to some recipients only") {
			t.Errorf("the run that refused a: code %d\n%s", code, out)
		}
		phase.Store(2)
		tried := rcptA.Load()
		if _, code, line := agreeingSend(t, camp, false); code != exitOK || rcptA.Load() != tried || srv.Received("b@example.com") != 1 ||
			!strings.HasPrefix(line["detail"], "resent to the recipients still owed: sent (250 2.0.0 OK: queued); refused for good: a@example.com; first delivery: ") {
			t.Errorf("the next run: code %d, a tried %d more times, b received %d, detail %q", code, rcptA.Load()-tried, srv.Received("b@example.com"), line["detail"])
		}
	})
	t.Run("the campaign edited and the row moved before the Cc's turn", func(t *testing.T) {
		camp, srv, _ := owedCampaign(t)
		writeFiles(t, filepath.Dir(camp), map[string]string{
			"body.txt": "Changed since, {{.name}}\n",
			"r.csv":    "email,name,cc\nzed@example.com,Zed,\nann@example.com,Ann,boss@example.com\n",
		})
		if out, code, line := agreeingSend(t, camp, false); code != exitOK || line["row"] != "3" || line["status"] != "sent" || rowByKey(t, camp, "zed@example.com")["row"] != "2" {
			t.Fatalf("code %d, ann's line %v\n%s", code, line, out)
		}
		var first, owed []byte
		for _, m := range srv.Messages() {
			switch m.To[0] {
			case "ann@example.com":
				first = m.Data
			case "boss@example.com":
				owed = m.Data
			}
		}
		if !bytes.Equal(first, owed) {
			t.Errorf("the Cc got another message than the To under its Message-ID:\n%s\n---\n%s", first, owed)
		}
	})
	t.Run("previewed", func(t *testing.T) {
		camp, srv, _ := owedCampaign(t)
		writeFiles(t, filepath.Dir(camp), map[string]string{"body.txt": "Changed since, {{.name}}\n"})
		if out, errOut, code := runCLI(t, "preview", camp); code != exitOK {
			t.Fatalf("preview: %d\n%s%s", code, out, errOut)
		}
		dir := filepath.Join(filepath.Dir(camp), ".tidings", "t", "preview")
		eml := readFile(t, filepath.Join(dir, "000002-ann@example.com.eml"))
		csv := readFile(t, filepath.Join(dir, "report.csv"))
		if eml != string(srv.Messages()[0].Data) || !strings.Contains(csv, "sent,delivered to some recipients") {
			t.Errorf("preview of a row owing its Cc shows another message than the one the next send sends:\n%s\n%s", eml, csv)
		}
	})
	t.Run("held back by --limit", func(t *testing.T) {
		camp, srv, _ := owedCampaign(t)
		writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name,cc\nbob@example.com,Bob,\nann@example.com,Ann,boss@example.com\n"})
		out, code, line := agreeingSend(t, camp, false, "--limit", "1")
		if code != exitSomeFailed || line["status"] != "sent" || !strings.Contains(out, "to some recipients only") || srv.Received("boss@example.com") != 0 {
			t.Errorf("code %d, row %v\n%s", code, line, out)
		}
	})
	t.Run("reply lost, then the Cc left the row", func(t *testing.T) {
		var drop atomic.Bool
		camp, srv, _ := owedCampaign(t, smtptest.DropReply(func(_ smtptest.Session, m *smtptest.Message) bool {
			return drop.Load() && m.To[0] == "boss@example.com"
		}))
		drop.Store(true)
		agreeingSend(t, camp, false)
		drop.Store(false)
		writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name,cc\nann@example.com,Ann,\n"})
		for _, args := range [][]string{nil, {"--resend-unknown"}} {
			out, code, line := agreeingSend(t, camp, false, args...)
			if code != exitOK || line["status"] != "sent" || line["code"] != "250" || !strings.HasSuffix(line["detail"], "(boss@example.com) are no longer in the row") {
				t.Errorf("%v: code %d, row %v\n%s", args, code, line, out)
			}
		}
		if n := srv.Received("boss@example.com"); n != 1 {
			t.Errorf("boss received %d, want the one whose reply was lost", n)
		}
	})
}

// TestOwedMessageGone: the message a To got is in no intact generation
// any more (its frame damaged, the campaign edited since): the owed Cc
// gets the message as rendered now, and the run says so.
func TestOwedMessageGone(t *testing.T) {
	t.Parallel()
	camp, srv, _ := owedCampaign(t)
	writeFiles(t, filepath.Dir(camp), map[string]string{"body.txt": "Changed since, {{.name}}\n"})
	damageSpool(t, camp)
	out, code, _ := agreeingSend(t, camp, false)
	if code != exitOK || !strings.Contains(out, "1 message to recipients still owed went as rendered now") {
		t.Errorf("code %d\n%s", code, out)
	}
	if got := serverCopy(t, srv, "boss@example.com"); !strings.Contains(string(got), "Changed since") {
		t.Errorf("boss got:\n%s", got)
	}
}

// TestOwedLargeMessageRetried: a large message (over what waiting retries
// keep in memory: sendpool.Config.RetryKeep, made small here) that an
// earlier run delivered to its To, sent again to its Cc after the campaign
// was edited, deferred once more: its data is let go while it waits and
// read back by its digest from the generation that has it, so the Cc gets
// the bytes the To got.
func TestOwedLargeMessageRetried(t *testing.T) {
	t.Parallel()
	const keep = 16 << 10 // a message of the 64 KB attachment is past it
	var defers atomic.Int32
	defers.Store(3)
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if to == "boss@example.com" && defers.Add(-1) >= 0 {
			return smtptest.Reply(451, "4.2.1", "mailbox busy, try later")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 0, "cc: '{{.cc}}'\nattachments: [big.bin]\nsend: {concurrency: 1, retries: 2, retry_backoff: 1ms}\n")
	big := make([]byte, 64<<10)
	rand.NewChaCha8([32]byte{5}).Read(big)
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name,cc\nann@example.com,Ann,boss@example.com\n", "big.bin": string(big)})
	keepsAtMost(t, camp, keep) // else the message keeps its data: nothing to read back
	if out, code, _ := agreeingKeeping(t, camp, keep); code != exitSomeFailed || srv.Received("ann@example.com") != 1 {
		t.Fatalf("first run: code %d\n%s", code, out)
	}
	defers.Store(1)
	writeFiles(t, filepath.Dir(camp), map[string]string{"body.txt": "Changed since, {{.name}}\n"})
	if out, code, _ := agreeingKeeping(t, camp, keep); code != exitOK {
		t.Fatalf("second run: code %d\n%s", code, out)
	}
	if !bytes.Equal(serverCopy(t, srv, "ann@example.com"), serverCopy(t, srv, "boss@example.com")) {
		t.Errorf("the Cc got other bytes than the To")
	}
}

// keepsAtMost fails t unless send's pool for camp with
// sendOptions.retryKeep keep has the pool keep at most keep bytes of the
// messages waiting for a retry.
func keepsAtMost(t *testing.T, camp string, keep int64) {
	t.Helper()
	c, err := campaign.Load(camp)
	if err != nil {
		t.Fatal(err)
	}
	g := &globalOptions{stdout: io.Discard, stderr: io.Discard, stdin: strings.NewReader(""), abort: context.Background()}
	cfg, err := poolConfig(t.Context(), c, sendOptions{retryKeep: keep}, g)
	if err != nil || cfg.RetryKeep != keep {
		t.Fatalf("the pool keeps %d bytes of waiting messages (%v), want %d", cfg.RetryKeep, err, keep)
	}
}

// TestDeferredCcOfUnknownMessage: the Cc is refused for now (451) and the
// final reply of the message to the To is lost: the row is unknown; a
// plain send sends nothing (the To may have it), and --resend-unknown
// sends to both, the Cc getting its first copy (as README says).
func TestDeferredCcOfUnknownMessage(t *testing.T) {
	t.Parallel()
	var lose, deferCc atomic.Bool
	lose.Store(true)
	deferCc.Store(true)
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if to == "boss@example.com" && deferCc.Load() {
			return smtptest.Reply(451, "4.2.1", "mailbox busy, try later")
		}
		return nil
	}), smtptest.DropReply(func(smtptest.Session, *smtptest.Message) bool { return lose.Load() }))
	camp := sendCampaign(t, srv, 0, "cc: '{{.cc}}'\nsend: {concurrency: 1, retries: 0}\n")
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name,cc\nann@example.com,Ann,boss@example.com\n"})
	runCLI(t, "send", "--yes", camp)
	lose.Store(false)
	deferCc.Store(false)
	rows := readReport(t, camp)
	if rows[0]["status"] != "unknown" {
		t.Fatalf("after the lost reply: %v, want unknown", rows[0])
	}
	if out, errOut, _ := runCLI(t, "send", "--yes", camp); srv.Received("boss@example.com") != 0 {
		t.Fatalf("a plain send sent to the Cc of an unknown message\n%s%s", out, errOut)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", "--resend-unknown", camp); code != exitOK {
		t.Fatalf("--resend-unknown: code %d\n%s%s", code, out, errOut)
	}
	if a, b := srv.Received("ann@example.com"), srv.Received("boss@example.com"); a != 2 || b != 1 {
		t.Errorf("ann received %d, boss %d; want 2 (the first, its reply lost, and the resend) and 1", a, b)
	}
}
