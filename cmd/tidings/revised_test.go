package main

import (
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tidings/tidings/sendpool/plan"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// revisedCampaign writes an invoice campaign (key invoice, a per-row
// attachment) into a new folder and returns its file.
func revisedCampaign(t *testing.T, srv *smtptest.Server, sheet string) string {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml": campaignYAML(srv.Port, `subject: "Invoice {{.invoice}}"`, `recipients: {path: r.csv, key: invoice}`,
			`attachments: ["inv/{{.invoice}}.txt"]`),
		"body.txt":  "Dear {{.name}}, you owe {{.amount}}.\n",
		"r.csv":     sheet,
		"inv/1.txt": "invoice one\n", "inv/2.txt": "invoice two\n", "inv/3.txt": "invoice three\n",
	})
	return filepath.Join(dir, "c.yaml")
}

// messageIDOf is the Message-ID header of the message data.
func messageIDOf(t *testing.T, data []byte) string {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	return m.Header.Get("Message-Id")
}

// TestRevisedRowsAfterSend: rows whose values or attached file changed
// after their message went out (a corrected amount, an address fixed
// after a bounce, a new invoice file) are named with what changed by
// send, check, preview and show, and not sent again (exit 0: what went
// stays as it went); --resend-changed sends them as they are now, each a
// message with a Message-ID of its own, to the address the row has now,
// and the report and show follow the new message. A sheet column the
// templates never read, and a column they read only now, change nothing
// by itself; the columns read then and now are still compared.
func TestRevisedRowsAfterSend(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := revisedCampaign(t, srv, "invoice,email,name,amount,note\n1,ann@example.com,Ann,10.00,a\n2,bob@example.com,Bob,20.00,b\n3,cy@example.com,Cy,30.00,c\n")
	dir := filepath.Dir(camp)
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	firstAnn := messageIDOf(t, serverCopy(t, srv, "ann@example.com"))
	// Ann's amount corrected, Bob's address fixed, Cy's invoice file
	// replaced; the note column, which no template reads, edited too.
	writeFiles(t, dir, map[string]string{
		"r.csv":     "invoice,email,name,amount,note\n1,ann@example.com,Ann,12.00,x\n2,bob@example.org,Bob,20.00,y\n3,cy@example.com,Cy,30.00,z\n",
		"inv/3.txt": "invoice three, corrected\n",
	})
	wantNote := "3 rows changed since their messages went out, and are not sent again: row 2 (1): amount; row 3 (2): email; row 4 (3): its attached files. " +
		"tidings show " + commandArg(camp) + " --row 2 prints what went to the first of them (--row N to any other); send --resend-changed sends them"
	out, errOut, code := runCLI(t, "check", camp)
	if code != exitOK || !strings.Contains(out, wantNote) {
		t.Errorf("check: code %d, want %q\n%s%s", code, wantNote, out, errOut)
	}
	out, errOut, code = runCLI(t, "send", "--yes", camp)
	if code != exitOK || !strings.Contains(out, wantNote) || !strings.Contains(out, "3 rows changed since their messages went out, not sent again") {
		t.Errorf("send: code %d, want %q\n%s%s", code, wantNote, out, errOut)
	}
	if n := len(srv.Messages()); n != 3 {
		t.Fatalf("the server has %d messages after the second send, want the first 3 only", n)
	}
	if out, errOut, code = runCLI(t, "preview", camp); code != exitOK || !strings.Contains(out, wantNote) {
		t.Errorf("preview: code %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runCLI(t, "show", camp, "1")
	if code != exitOK || !strings.Contains(out, "you owe 10.00") || !strings.Contains(errOut, "note: since it went out, amount changed; send --resend-changed sends it") {
		t.Errorf("show 1: code %d, stderr %q", code, errOut)
	}

	out, errOut, code = runCLI(t, "send", "--yes", "--resend-changed", camp)
	// The spool made by the send before is reused: what changed is read
	// from its messages' records.
	if code != exitOK || !strings.Contains(out, "sending again, as they are now, the 3 rows whose values changed") ||
		!strings.Contains(out, "row 2 (1): amount; row 3 (2): email; row 4 (3): its attached files") || !strings.Contains(out, "(made by an earlier run and used again") {
		t.Fatalf("send --resend-changed: code %d\n%s%s", code, out, errOut)
	}
	if n := len(srv.Messages()); n != 6 {
		t.Fatalf("the server has %d messages, want 6", n)
	}
	if srv.Received("bob@example.org") != 1 || srv.Received("bob@example.com") != 1 || srv.Received("ann@example.com") != 2 {
		t.Errorf("received: bob .org %d, bob .com %d, ann %d; want 1, 1, 2", srv.Received("bob@example.org"), srv.Received("bob@example.com"), srv.Received("ann@example.com"))
	}
	var annIDs []string
	for _, m := range srv.Messages() {
		if m.To[0] == "ann@example.com" {
			annIDs = append(annIDs, messageIDOf(t, m.Data))
		}
	}
	if len(annIDs) != 2 || annIDs[0] != firstAnn || annIDs[1] == firstAnn {
		t.Errorf("Ann's Message-IDs %q: want the first and another", annIDs)
	}
	lines := readReport(t, camp)
	if lines[0]["status"] != "sent" || "<"+lines[0]["message_id"]+">" != annIDs[1] || lines[1]["to"] != "Bob <bob@example.org>" {
		t.Errorf("report after the resend: %v", lines)
	}
	out, errOut, code = runCLI(t, "show", camp, "1")
	if code != exitOK || !strings.Contains(out, "you owe 12.00") || strings.Contains(errOut, "changed since") {
		t.Errorf("show 1 after the resend: code %d, stderr %q", code, errOut)
	}
	// Nothing changed since: nothing is said or sent; a template that
	// reads the note column now does not make every row a changed one.
	writeFiles(t, dir, map[string]string{"body.txt": "Dear {{.name}}, you owe {{.amount}} ({{.note}}).\n"})
	out, errOut, code = runCLI(t, "send", "--yes", "--resend-changed", camp)
	if code != exitOK || strings.Contains(out, "changed since their") || len(srv.Messages()) != 6 {
		t.Errorf("send after the template change: code %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
	// The columns read then and now are still compared (a change to the
	// note column cannot be told: what went was not made of it).
	writeFiles(t, dir, map[string]string{"r.csv": "invoice,email,name,amount,note\n1,ann@example.com,Ann,12.00,x\n2,bob@example.org,Bob,20.00,yy\n3,cy@example.com,Cy,31.00,z\n"})
	if out, errOut, code = runCLI(t, "check", camp); !strings.Contains(out, "1 row changed since its message went out, and is not sent again: row 4 (3): amount. tidings show "+commandArg(camp)+" --row 4 prints what went; send --resend-changed sends it") {
		t.Errorf("check after a note changed: code %d\n%s%s", code, out, errOut)
	}
}

// TestRevisedRowSuppressed: --resend-changed sends nothing to a row whose
// recipient the suppression list names (a bounce, a complaint), and says
// so beside the row; the address fixed in the row is sent to.
func TestRevisedRowSuppressed(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := revisedCampaign(t, srv, "invoice,email,name,amount\n1,ann@example.com,Ann,10.00\n2,bob@example.com,Bob,20.00\n")
	dir := filepath.Dir(camp)
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	// Both bounced (tidings bounces would add them); Ann's amount is
	// corrected, Bob's address fixed.
	if err := os.WriteFile(filepath.Join(dir, "suppress.txt"), []byte("ann@example.com\nbob@example.com\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(camp)
	writeFiles(t, dir, map[string]string{
		"c.yaml": string(b) + "suppress: suppress.txt\n",
		"r.csv":  "invoice,email,name,amount\n1,ann@example.com,Ann,11.00\n2,bob@example.org,Bob,20.00\n",
	})
	out, errOut, code := runCLI(t, "send", "--yes", "--resend-changed", camp)
	if code != exitOK || !strings.Contains(out, "1 of the 2 rows whose values changed") ||
		!strings.Contains(out, "row 2 (1): amount (not sent again: ann@example.com is suppressed (ann@example.com))") {
		t.Errorf("send --resend-changed: code %d\n%s%s", code, out, errOut)
	}
	if srv.Received("ann@example.com") != 1 || srv.Received("bob@example.org") != 1 {
		t.Errorf("received: ann %d, bob .org %d; want 1 and 1", srv.Received("ann@example.com"), srv.Received("bob@example.org"))
	}
}

// TestBouncesAfterResend: reports about a message that was sent again
// corrected (late bounces, a complaint) are still this campaign's: their
// addresses are suppressed, and the rows keep the status of the message
// they have now. A row whose address bounced for good is not sent again
// to it, corrected, even before the suppression list has it.
func TestBouncesAfterResend(t *testing.T) {
	t.Parallel()
	dir, camp, returnReports := walkthrough(t)
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	sheet, err := os.ReadFile(filepath.Join(dir, "people.csv"))
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.NewReplacer("Bob Stone", "Bob Stoner", "Cid Park", "Cid Parker").Replace(string(sheet))
	writeFiles(t, dir, map[string]string{"people.csv": edited})
	out, errOut, code := runCLI(t, "send", "--yes", "--resend-changed", camp)
	if code != exitOK || !strings.Contains(out, "sending again, as they are now, the 2 rows") {
		t.Fatalf("send --resend-changed: code %d\n%s%s", code, out, errOut)
	}
	// The reports name the first messages: Ann's and Bob's bounced, Cid
	// complained.
	returnReports()
	out, errOut, code = runCLI(t, "bounces", camp)
	if code != exitOK || !strings.Contains(out, "3 matched this campaign (2 bounced, 1 complained; 3 new)") || !strings.Contains(out, "3 addresses added to") {
		t.Fatalf("bounces: code %d\n%s%s", code, out, errOut)
	}
	for _, l := range strings.Split(out, "\n") {
		if earlier := strings.Contains(l, "(about an earlier message; the row keeps the status of its latest)"); strings.Contains(l, "@") && !strings.Contains(l, "#") &&
			earlier != (strings.Contains(l, "bob@") || strings.Contains(l, "cid@")) {
			t.Errorf("bounces: Bob's and Cid's reports are about an earlier message, Ann's is not: %s", l)
		}
	}
	if out, errOut, code = runCLI(t, "report", camp); code != exitOK {
		t.Fatalf("report: code %d\n%s%s", code, out, errOut)
	}
	status := map[string]string{}
	for _, l := range readReportDir(t, filepath.Join(dir, ".tidings", "walkthrough-november")) {
		status[l["key"]] = l["status"]
	}
	if status["ann@example.org"] != "bounced" || status["bob@example.net"] != "sent" || status["cid@example.com"] != "sent" {
		t.Errorf("statuses %v: want Ann bounced, Bob and Cid sent (their messages now)", status)
	}
	// show tells what the report does: Ann's message bounced since; Bob's
	// message now went out and nothing came back about it.
	if _, errOut, code := runCLI(t, "show", camp, "ann@example.org"); code != exitOK || !strings.Contains(errOut, "ann@example.org: sent 20") || !strings.Contains(errOut, "Z; since then: bounced for ann@example.org") {
		t.Errorf("show of a bounced row: code %d\n%s", code, errOut)
	}
	if _, errOut, code := runCLI(t, "show", camp, "bob@example.net"); code != exitOK || strings.Contains(errOut, "since then") {
		t.Errorf("show of a row whose earlier message bounced: code %d\n%s", code, errOut)
	}
	// Ann's name corrected, the list as it was before bounces wrote it.
	writeFiles(t, dir, map[string]string{
		"people.csv":   strings.Replace(edited, "Ann Lee", "Ann Leigh", 1),
		"suppress.txt": "# Addresses no campaign of ours sends to (tidings bounces adds to it).\n",
	})
	out, errOut, code = runCLI(t, "send", "--yes", "--resend-changed", camp)
	if code != exitOK || !strings.Contains(out, "row 2 (ann@example.org): name (not sent again: ann@example.org bounced (tidings bounces): correct the address first)") ||
		!strings.Contains(out, "nothing left to send") {
		t.Errorf("send --resend-changed after a bounce: code %d\n%s%s", code, out, errOut)
	}
	// show says the same, not that --resend-changed sends it.
	if _, errOut, code := runCLI(t, "show", camp, "ann@example.org"); code != exitOK || !strings.Contains(errOut, "not sent again: ann@example.org bounced (tidings bounces): correct the address first") ||
		strings.Contains(errOut, "--resend-changed sends it") {
		t.Errorf("show after a bounce: code %d\n%s", code, errOut)
	}
}

// TestRevisedResendLimited: --limit cuts a resend short; the run says
// how many of the rows it lists as sent again it leaves, and its summary
// counts them as not sent again (it listed both as going); what is left
// is named as what a plain send does not send, and the hint says which
// flag sends it.
func TestRevisedResendLimited(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := revisedCampaign(t, srv, "invoice,email,name,amount\n1,ann@example.com,Ann,10.00\n2,bob@example.com,Bob,20.00\n")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "invoice,email,name,amount\n1,ann@example.com,Ann,11.00\n2,bob@example.com,Bob,21.00\n"})
	out, errOut, code := runCLI(t, "send", "--yes", "--resend-changed", "--limit", "1", camp)
	if code != exitSomeFailed || !strings.Contains(errOut, "1 of 2 recipients still to send; run send --yes --resend-changed again") || len(srv.Messages()) != 3 ||
		!strings.Contains(out, "note: 1 of the rows to send again comes after the 1 message this run sends (--limit): run send --yes --resend-changed again for it") ||
		!strings.Contains(out, "1 row changed since its message went out, not sent again (listed above)") {
		t.Errorf("send --resend-changed --limit 1: code %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
	// report.json says it too: a script paging on ok read ok true,
	// "every row sent or settled", beside the exit code 1.
	if e := readReportJSON(t, camp).Ending; e.OK || e.Kind != "limit" || !strings.Contains(e.Next, "sends again the 1 changed row this send held back") {
		t.Errorf("send --resend-changed --limit 1: report.json's ending %+v, want limit, not ok", *e)
	}
	if out, errOut, code = runCLI(t, "send", "--yes", camp); code != exitOK || !strings.Contains(out, "1 row changed since its message went out, and is not sent again: row 3 (2): amount.") {
		t.Errorf("send after it: code %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code = runCLI(t, "send", "--yes", "--resend-changed", camp); code != exitOK || len(srv.Messages()) != 4 || srv.Received("bob@example.com") != 2 {
		t.Errorf("send --resend-changed: code %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
}

// dsn is a delivery status notification (RFC 3464, dsnReport) of a hard
// bounce for rcpt that names no message: matched by its address alone.
func dsn(id, rcpt string) []byte {
	return []byte(strings.ReplaceAll(dsnReport("", "", rcpt, "failed", "5.1.1", "550 5.1.1 no such user", id), "\n", "\r\n"))
}

// TestBouncedAddressCorrected: the README's case of an address fixed
// after a bounce, under a key that is no address. The corrected message
// goes to the new address; a bounce that names only an address is the
// row's that has that address now, and only else the row's whose earlier
// message went there; a row whose address bounced is not sent to it
// again, corrected, whichever message bounced.
func TestBouncedAddressCorrected(t *testing.T) {
	t.Parallel()
	dir, camp, deliver := walkthroughMailbox(t)
	b, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{
		"campaign.yaml": strings.Replace(string(b), "  path: people.csv\n", "  path: people.csv\n  key: id\n", 1),
		"people.csv":    "id,email,name\n1,pat@example.org,Pat\n2,sam@example.org,Sam\n3,kim@example.org,Kim\n",
	})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	// Pat's address corrected to the one Sam had; Sam's to a new one.
	writeFiles(t, dir, map[string]string{"people.csv": "id,email,name\n1,sam@example.org,Pat\n2,sue@example.org,Sam\n3,kim@example.org,Kim\n"})
	out, errOut, code := runCLI(t, "send", "--yes", "--resend-changed", camp)
	if code != exitOK || !strings.Contains(out, "row 2 (1): email; row 3 (2): email") {
		t.Fatalf("send --resend-changed: code %d\n%s%s", code, out, errOut)
	}
	// Late bounces, by address alone: of Pat's first message (pat@), of
	// the message sam@ has now (Pat's corrected one).
	deliver(dsn("b1", "pat@example.org"), dsn("b2", "sam@example.org"))
	out, errOut, code = runCLI(t, "bounces", camp)
	if code != exitOK || !strings.Contains(out, "2 matched this campaign (2 bounced; 2 new)") {
		t.Fatalf("bounces: code %d\n%s%s", code, out, errOut)
	}
	suppressed, _ := os.ReadFile(filepath.Join(dir, "suppress.txt"))
	if !strings.Contains(string(suppressed), "pat@example.org") || !strings.Contains(string(suppressed), "sam@example.org") {
		t.Errorf("suppress.txt:\n%s", suppressed)
	}
	if out, errOut, code = runCLI(t, "report", camp); code != exitOK {
		t.Fatalf("report: code %d\n%s%s", code, out, errOut)
	}
	status := map[string]string{}
	for _, l := range readReportDir(t, filepath.Join(dir, ".tidings", "walkthrough-november")) {
		status[l["key"]] = l["status"]
	}
	if status["1"] != "bounced" || status["2"] != "sent" || status["3"] != "sent" {
		t.Errorf("statuses %v: want 1 (Pat, whose message at sam@ bounced) bounced, 2 (Sam, at sue@ now) sent", status)
	}
	// Pat's name corrected too, and back at the address that bounced
	// first; the list as it was before bounces wrote it.
	writeFiles(t, dir, map[string]string{
		"people.csv":   "id,email,name\n1,pat@example.org,Patricia\n2,sue@example.org,Sam\n3,kim@example.org,Kim\n",
		"suppress.txt": "# Addresses no campaign of ours sends to (tidings bounces adds to it).\n",
	})
	out, errOut, code = runCLI(t, "send", "--yes", "--resend-changed", camp)
	if code != exitOK || !strings.Contains(out, "row 2 (1): name and email (not sent again: pat@example.org bounced (tidings bounces): correct the address first)") {
		t.Errorf("send --resend-changed to an address that bounced before: code %d\n%s%s", code, out, errOut)
	}
}

// TestRevisedDeferredThenReverted: a corrected message the server
// deferred or refused (before its body, or after) leaves the row on the
// message that went: put back as it was after the deferral, nothing is
// said or sent (a second copy would carry the first's Message-ID), and
// `report` says sent; corrected again and refused for good, only
// --resend-changed sends it.
func TestRevisedDeferredThenReverted(t *testing.T) {
	t.Parallel()
	for _, pipelined := range []bool{false, true} {
		t.Run(fmt.Sprint("pipelined=", pipelined), func(t *testing.T) {
			var refuse atomic.Int32 // 0: take; else the reply code
			opts := []smtptest.Option{smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
				if code := refuse.Load(); code != 0 {
					return smtptest.Reply(int(code), fmt.Sprintf("%d.1.1", code/100), "not now")
				}
				return nil
			})}
			if !pipelined {
				opts = append(opts, smtptest.WithoutPipelining())
			}
			srv := smtptest.NewServer(t, opts...)
			camp := revisedCampaign(t, srv, "invoice,email,name,amount\n1,ann@example.com,Ann,10.00\n")
			dir := filepath.Dir(camp)
			b, _ := os.ReadFile(camp)
			writeFiles(t, dir, map[string]string{"c.yaml": strings.Replace(string(b), "retry_backoff: 1ms}", "retry_backoff: 1ms, retries: 0}", 1)})
			if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
				t.Fatalf("send: %d\n%s%s", code, out, errOut)
			}
			writeFiles(t, dir, map[string]string{"r.csv": "invoice,email,name,amount\n1,ann@example.com,Ann,11.00\n"})
			refuse.Store(451)
			if out, errOut, code := runCLI(t, "send", "--yes", "--resend-changed", camp); code != exitSomeFailed {
				t.Fatalf("send --resend-changed, deferred: %d\n%s%s", code, out, errOut)
			}
			refuse.Store(0)
			writeFiles(t, dir, map[string]string{"r.csv": "invoice,email,name,amount\n1,ann@example.com,Ann,10.00\n"})
			if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || srv.Received("ann@example.com") != 1 || strings.Contains(out, "changed since") {
				t.Errorf("send after putting the row back: code %d, Ann has %d messages\n%s%s", code, srv.Received("ann@example.com"), out, errOut)
			}
			if out, errOut, code := runCLI(t, "report", camp); code != exitOK || readReport(t, camp)[0]["status"] != "sent" {
				t.Errorf("report after putting the row back: code %d\n%s%s", code, out, errOut)
			}
			if out, errOut, code := runCLI(t, "check", camp); code != exitOK || strings.Contains(out, "changed since") {
				t.Errorf("check after putting the row back: code %d\n%s%s", code, out, errOut)
			}
			// Corrected again, refused for good, then sent.
			writeFiles(t, dir, map[string]string{"r.csv": "invoice,email,name,amount\n1,ann@example.com,Ann,12.00\n"})
			refuse.Store(550)
			runCLI(t, "send", "--yes", "--resend-changed", camp)
			refuse.Store(0)
			if out, errOut, code := runCLI(t, "send", "--yes", "--retry-failed", camp); code != exitOK || srv.Received("ann@example.com") != 1 {
				t.Errorf("send --retry-failed: code %d, Ann has %d messages (the row is sent: only --resend-changed sends it again)\n%s%s", code, srv.Received("ann@example.com"), out, errOut)
			}
			if out, errOut, code := runCLI(t, "send", "--yes", "--resend-changed", camp); code != exitOK || srv.Received("ann@example.com") != 2 {
				t.Errorf("send --resend-changed: code %d, Ann has %d messages\n%s%s", code, srv.Received("ann@example.com"), out, errOut)
			}
		})
	}
}

// TestRevisedAfterOwedRefused: a message that reached its To while its
// Cc was deferred, and then refused for good, is settled (the row counts
// as sent): a change to its row since is told, and --resend-changed
// sends it. While the Cc is still owed, the change is not told yet.
func TestRevisedAfterOwedRefused(t *testing.T) {
	t.Parallel()
	var ccCode atomic.Int32
	ccCode.Store(451)
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if code := ccCode.Load(); to == "boss@example.com" && code != 0 {
			return smtptest.Reply(int(code), fmt.Sprintf("%d.1.1", code/100), "no")
		}
		return nil
	}))
	camp := revisedCampaign(t, srv, "invoice,email,name,amount,cc\n1,ann@example.com,Ann,10.00,boss@example.com\n")
	dir := filepath.Dir(camp)
	b, _ := os.ReadFile(camp)
	writeFiles(t, dir, map[string]string{"c.yaml": strings.Replace(string(b), "retry_backoff: 1ms}", "retry_backoff: 1ms, retries: 0}", 1) + "cc: '{{.cc}}'\n"})
	runCLI(t, "send", "--yes", camp) // Ann has it, the Cc is owed
	writeFiles(t, dir, map[string]string{"r.csv": "invoice,email,name,amount,cc\n1,ann@example.com,Ann,11.00,boss@example.com\n"})
	if out, errOut, code := runCLI(t, "check", camp); strings.Contains(out, "changed since") {
		t.Errorf("check while the Cc is owed: code %d\n%s%s", code, out, errOut)
	}
	ccCode.Store(550)
	runCLI(t, "send", "--yes", camp) // the Cc refused for good: settled
	if out, errOut, code := runCLI(t, "check", camp); !strings.Contains(out, "row 2 (1): amount") {
		t.Errorf("check after the Cc was refused: code %d\n%s%s", code, out, errOut)
	}
	ccCode.Store(0)
	if out, errOut, code := runCLI(t, "send", "--yes", "--resend-changed", camp); code != exitOK || srv.Received("ann@example.com") != 2 || srv.Received("boss@example.com") != 1 {
		t.Errorf("send --resend-changed: code %d, Ann %d, the Cc %d\n%s%s", code, srv.Received("ann@example.com"), srv.Received("boss@example.com"), out, errOut)
	}
}

// TestRevisedReplyLost: a corrected message whose reply was lost after
// its body may have arrived: the row is unknown (not changed), report
// says so, --resend-changed does not send it again, --resend-unknown
// does (with its Message-ID, for the receiver to tell the copies).
func TestRevisedReplyLost(t *testing.T) {
	t.Parallel()
	var drop atomic.Bool
	srv := smtptest.NewServer(t, smtptest.DropReply(func(_ smtptest.Session, _ *smtptest.Message) bool { return drop.Load() }))
	camp := revisedCampaign(t, srv, "invoice,email,name,amount\n1,ann@example.com,Ann,10.00\n")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "invoice,email,name,amount\n1,ann@example.com,Ann,11.00\n"})
	drop.Store(true)
	runCLI(t, "send", "--yes", "--resend-changed", camp)
	drop.Store(false)
	if n := srv.Received("ann@example.com"); n != 2 {
		t.Fatalf("Ann has %d messages after the lost reply, want 2", n)
	}
	runCLI(t, "report", camp)
	if st := readReport(t, camp)[0]["status"]; st != "unknown" {
		t.Errorf("report: %s, want unknown", st)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", "--resend-changed", camp); srv.Received("ann@example.com") != 2 || strings.Contains(out, "changed since") {
		t.Errorf("send --resend-changed: code %d, Ann has %d\n%s%s", code, srv.Received("ann@example.com"), out, errOut)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", "--resend-unknown", camp); code != exitOK || srv.Received("ann@example.com") != 3 {
		t.Errorf("send --resend-unknown: code %d, Ann has %d\n%s%s", code, srv.Received("ann@example.com"), out, errOut)
	}
	ids := map[string]bool{}
	for _, m := range srv.Messages() {
		ids[messageIDOf(t, m.Data)] = true
	}
	if len(ids) != 2 {
		t.Errorf("%d Message-IDs among 3 messages: want the first and the corrected one's, twice", len(ids))
	}
}

// TestChangedAfterFailure: a row refused for good whose address the user
// corrected since is named by check, preview and send, with what changed
// and the flag that sends it; a failed row left as it was is not. With
// --retry-failed it goes to the corrected address, and the note is gone.
func TestChangedAfterFailure(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if strings.HasSuffix(to, "@example.com") && !strings.HasPrefix(to, "ann@") {
			return smtptest.Reply(550, "5.1.1", "no such user")
		}
		return nil
	}))
	camp := revisedCampaign(t, srv, "invoice,email,name,amount,note\n1,ann@example.com,Ann,10.00,a\n2,bob@example.com,Bob,20.00,b\n3,cy@example.com,Cy,30.00,c\n")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed {
		t.Fatalf("send: %d, want 1 (two failed)\n%s%s", code, out, errOut)
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "invoice,email,name,amount,note\n1,ann@example.com,Ann,10.00,a\n2,bob@example.org,Bob,20.00,b\n3,cy@example.com,Cy,30.00,c\n"})
	want := "note: 1 row whose message failed or went unknown changed since, and a plain send does not try it again: row 3 (2): email (failed). send --retry-failed"
	for _, args := range [][]string{{"check", camp}, {"preview", camp}, {"send", "--yes", camp}} {
		out, errOut, _ := runCLI(t, args...)
		if !strings.Contains(out, want) || strings.Contains(out, "row 4 (3)") {
			t.Errorf("%s: want %q, and nothing of row 4\n%s%s", args[0], want, out, errOut)
		}
	}
	if srv.Received("bob@example.org") != 0 {
		t.Fatal("a plain send went to the corrected address")
	}
	out, errOut, _ := runCLI(t, "send", "--yes", "--retry-failed", camp)
	if srv.Received("bob@example.org") != 1 || strings.Contains(out, "note: 1 row whose message failed") {
		t.Errorf("send --retry-failed: bob@example.org got %d messages, want 1, and no note\n%s%s", srv.Received("bob@example.org"), out, errOut)
	}
}

// deferredResend sends camp, changes Ann's amount, and has the server
// defer the corrected message (--resend-changed, no retries left);
// refuse makes the server defer every
// recipient, drop lose the reply after a message.
func deferredResend(t *testing.T, transport string) (camp string, srv *smtptest.Server, refuse, drop *atomic.Bool) {
	t.Helper()
	return deferredResendOf(t, transport, "invoice,email,name,amount\n1,ann@example.com,Ann,11.00\n2,bob@example.com,Bob,20.00\n")
}

// deferredResendOf is deferredResend with the sheet corrected to
// corrected (Ann's row changed, Bob's not).
func deferredResendOf(t *testing.T, transport, corrected string) (camp string, srv *smtptest.Server, refuse, drop *atomic.Bool) {
	t.Helper()
	refuse, drop = new(atomic.Bool), new(atomic.Bool)
	srv = smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if refuse.Load() {
			return smtptest.Reply(451, "4.7.1", "greylisted, try again later")
		}
		return nil
	}), smtptest.DropReply(func(_ smtptest.Session, _ *smtptest.Message) bool { return drop.Load() }))
	camp = revisedCampaign(t, srv, "invoice,email,name,amount\n1,ann@example.com,Ann,10.00\n2,bob@example.com,Bob,20.00\n")
	dir := filepath.Dir(camp)
	b, _ := os.ReadFile(camp)
	yaml := strings.Replace(string(b), "retry_backoff: 1ms}", "retry_backoff: 1ms, retries: 0}", 1)
	if transport != "" {
		yaml = strings.Replace(yaml, "security: none}", "security: none, transport: "+transport+"}", 1)
	}
	writeFiles(t, dir, map[string]string{"c.yaml": yaml})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, dir, map[string]string{"r.csv": corrected})
	refuse.Store(true)
	if out, errOut, code := runCLI(t, "send", "--yes", "--resend-changed", camp); code != exitSomeFailed {
		t.Fatalf("send --resend-changed, deferred: %d\n%s%s", code, out, errOut)
	}
	refuse.Store(false)
	return camp, srv, refuse, drop
}

// TestRevisedDeferredPlainSend: a corrected message the server deferred
// (send --resend-changed) is still owed: report and send's report say
// deferred (exit 1), check and show say a plain send sends it, and a
// plain send does, once, with the corrected message's Message-ID, and
// nothing to Bob, whose message went; after that nothing goes again. So
// on each transport: the plain one records no attempt for a message
// refused at RCPT, whose deferral says what it was made of
// (journal.Result.ValuesSum).
func TestRevisedDeferredPlainSend(t *testing.T) {
	t.Parallel()
	for _, transport := range []string{"pipelined", "plain"} {
		t.Run(transport, func(t *testing.T) { revisedDeferredPlainSend(t, transport) })
	}
}

func revisedDeferredPlainSend(t *testing.T, transport string) {
	camp, srv, _, _ := deferredResend(t, transport)
	if got := strings.Count(readFile(t, filepath.Join(filepath.Dir(camp), "c.yaml")), "transport: "+transport); got != 1 {
		t.Fatalf("the campaign names transport %s %d times", transport, got)
	}
	sendLine := readReport(t, camp)[0]
	out, errOut, code := runCLI(t, "report", camp)
	line := readReport(t, camp)[0]
	// The attempts column: send counts a try refused at RCPT, report the
	// bodies handed over, which differ on the plain transport (README,
	// Statuses).
	sameAttempts := transport == "plain" || line["attempts"] == sendLine["attempts"]
	if code != exitSomeFailed || line["status"] != "deferred" || line["detail"] != sendLine["detail"] || line["message_id"] != sendLine["message_id"] || !sameAttempts {
		t.Errorf("report between: code %d, line %v, send's line %v\n%s%s", code, line, sendLine, out, errOut)
	}
	want := "row 2 (1): amount (its corrected message was deferred: a plain send sends it)"
	// Ann's row is to send (not one that needs no sending: only Bob's),
	// and preview counts it so too.
	out, errOut, _ = runCLI(t, "check", camp)
	if !strings.Contains(out, want) || strings.Contains(out, "not sent again") || !strings.Contains(out, "2 recipients, 1 ready, 0 with problems") || !strings.Contains(out, "; 1 needs no sending") {
		t.Errorf("check between: want %q\n%s%s", want, out, errOut)
	}
	checkLine := summaryLine(t, out)
	if out, errOut, _ := runCLI(t, "preview", "--out", filepath.Join(t.TempDir(), "p"), camp); !strings.HasPrefix(summaryLine(t, out), checkLine+"; wrote ") {
		t.Errorf("preview between: want check's %q\n%s%s", checkLine, out, errOut)
	}
	if _, errOut, _ := runCLI(t, "show", camp, "1"); !strings.Contains(errOut, "its corrected message was deferred: a plain send sends it") {
		t.Errorf("show between: stderr %q", errOut)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || srv.Received("ann@example.com") != 2 || srv.Received("bob@example.com") != 1 {
		t.Fatalf("plain send after the deferral: code %d, Ann %d, Bob %d (want 2, 1)\n%s%s", code, srv.Received("ann@example.com"), srv.Received("bob@example.com"), out, errOut)
	}
	msgs := srv.Messages()
	if got := messageIDOf(t, msgs[len(msgs)-1].Data); got != "<"+sendLine["message_id"]+">" {
		t.Errorf("the message sent has Message-ID %s, want the deferred one's <%s>", got, sendLine["message_id"])
	}
	for _, args := range [][]string{{"send", "--yes", camp}, {"send", "--yes", "--resend-changed", camp}} {
		if out, errOut, code := runCLI(t, args...); code != exitOK || srv.Received("ann@example.com") != 2 || strings.Contains(out, "changed since") {
			t.Errorf("%v after the corrected message went: code %d, Ann %d\n%s%s", args, code, srv.Received("ann@example.com"), out, errOut)
		}
	}
	if out, errOut, code := runCLI(t, "report", camp); code != exitOK || readReport(t, camp)[0]["status"] != "sent" {
		t.Errorf("report after: code %d\n%s%s", code, out, errOut)
	}
}

// TestOwedAnewNoteNamesARow: beside a corrected message the server
// deferred, which a plain send sends, the rows that changed and are not
// sent again are told with a show command a person can paste, naming the
// first of them (--row 3), not KEY.
func TestOwedAnewNoteNamesARow(t *testing.T) {
	t.Parallel()
	var refuse atomic.Bool
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if refuse.Load() {
			return smtptest.Reply(451, "4.7.1", "greylisted, try again later")
		}
		return nil
	}))
	camp := revisedCampaign(t, srv, "invoice,email,name,amount\n1,ann@example.com,Ann,10.00\n2,bob@example.com,Bob,20.00\n3,cy@example.com,Cy,30.00\n")
	dir := filepath.Dir(camp)
	b, _ := os.ReadFile(camp)
	writeFiles(t, dir, map[string]string{"c.yaml": strings.Replace(string(b), "retry_backoff: 1ms}", "retry_backoff: 1ms, retries: 0}", 1)})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, dir, map[string]string{"r.csv": "invoice,email,name,amount\n1,ann@example.com,Ann,11.00\n2,bob@example.com,Bob,20.00\n3,cy@example.com,Cy,30.00\n"})
	refuse.Store(true)
	if out, errOut, code := runCLI(t, "send", "--yes", "--resend-changed", camp); code != exitSomeFailed {
		t.Fatalf("send --resend-changed, deferred: %d\n%s%s", code, out, errOut)
	}
	refuse.Store(false)
	// Bob's and Cy's amounts corrected since: told, not sent again.
	writeFiles(t, dir, map[string]string{"r.csv": "invoice,email,name,amount\n1,ann@example.com,Ann,11.00\n2,bob@example.com,Bob,21.00\n3,cy@example.com,Cy,31.00\n"})
	want := "note: 3 rows changed since their messages went out: row 2 (1): amount" + plan.DeferredAnewWords + "; row 3 (2): amount; row 4 (3): amount; " +
		"the others are not sent again: tidings show " + commandArg(camp) + " --row 3 prints what went to the first of them (--row N to any other), send --resend-changed sends them\n"
	for _, args := range [][]string{{"check", camp}, {"preview", camp}, {"send", "--yes", camp}} {
		if out, errOut, _ := runCLI(t, args...); !strings.Contains(out, want) {
			t.Errorf("%s: want %q\n%s%s", args[0], want, out, errOut)
		}
	}
	if srv.Received("ann@example.com") != 2 || srv.Received("bob@example.com") != 1 || srv.Received("cy@example.com") != 1 {
		t.Errorf("received: Ann %d, Bob %d, Cy %d; want 2, 1, 1", srv.Received("ann@example.com"), srv.Received("bob@example.com"), srv.Received("cy@example.com"))
	}
}

// TestRevisedDeferredThenUnknown: a deferred corrected message whose
// reply is lost when a plain send tries it again is unknown, as any lost
// reply: no plain send, nor --resend-changed, sends it again;
// --resend-unknown does.
func TestRevisedDeferredThenUnknown(t *testing.T) {
	t.Parallel()
	camp, srv, _, drop := deferredResend(t, "")
	drop.Store(true)
	runCLI(t, "send", "--yes", camp)
	drop.Store(false)
	if n := srv.Received("ann@example.com"); n != 2 {
		t.Fatalf("Ann has %d messages after the lost reply, want 2", n)
	}
	for _, args := range [][]string{{"send", "--yes", camp}, {"send", "--yes", "--resend-changed", camp}} {
		if out, errOut, code := runCLI(t, args...); srv.Received("ann@example.com") != 2 || readReport(t, camp)[0]["status"] != "unknown" {
			t.Errorf("%v after the lost reply: code %d, Ann %d\n%s%s", args, code, srv.Received("ann@example.com"), out, errOut)
		}
	}
	if out, errOut, code := runCLI(t, "send", "--yes", "--resend-unknown", camp); code != exitOK || srv.Received("ann@example.com") != 3 {
		t.Errorf("send --resend-unknown: code %d, Ann %d\n%s%s", code, srv.Received("ann@example.com"), out, errOut)
	}
}

// TestShowWhatWent: the note of changed rows names a show command a
// person can paste: --row N (which no key's quoting can spoil) of the
// one row, or of the first of several, never a KEY to fill in.
func TestShowWhatWent(t *testing.T) {
	t.Parallel()
	one := []string{plan.RevisedLine(5, "ann smith", []string{"amount"})}
	if got, want := showWhatWent("c.yaml", one, 1), "tidings show c.yaml --row 5 prints what went"; got != want {
		t.Errorf("one row: %q, want %q", got, want)
	}
	two := []string{"row 5 (a): amount", "row 6 (b): amount"}
	if got, want := showWhatWent("c.yaml", two, 2), "tidings show c.yaml --row 5 prints what went to the first of them (--row N to any other)"; got != want {
		t.Errorf("two rows: %q, want %q", got, want)
	}
	if got := showWhatWent("my news/c.yaml", nil, 7); got != "tidings show 'my news/c.yaml' --row N prints what went to row N" {
		t.Errorf("no row listed: %q", got)
	}
}

// TestRevisedResendCapped: a send --resend-changed with daily_cap used
// up listed the rows as "sending again" and sent nothing, with no word
// that they wait (rev-user17); the plan says they do not go now, and
// to run --resend-changed again once the cap allows.
func TestRevisedResendCapped(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := revisedCampaign(t, srv, "invoice,email,name,amount\n1,ann@example.com,Ann,10.00\n2,bob@example.com,Bob,20.00\n")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	dir := filepath.Dir(camp)
	yaml, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{
		"r.csv":  "invoice,email,name,amount\n1,ann@example.com,Ann,11.00\n2,bob@example.com,Bob,21.00\n",
		"c.yaml": strings.Replace(string(yaml), "send: {", "send: {daily_cap: 2, ", 1),
	})
	out, errOut, code := runCLI(t, "send", "--yes", "--resend-changed", camp)
	const want = "note: the 2 rows to send again do not go now (daily_cap): run send --yes --resend-changed again once it allows (the summary says when)"
	if code != exitSomeFailed || len(srv.Messages()) != 2 || !strings.Contains(out, "nothing to send now: daily_cap 2 reached") || !strings.Contains(out, want) {
		t.Errorf("send --resend-changed, cap used up: code %d, %d messages, want %q\n%s%s", code, len(srv.Messages()), want, out, errOut)
	}
}

// TestRevisedResendCappedCounted: send --resend-changed with daily_cap
// used up, rows still to send and a corrected row to send again: the
// plan said "2 still to send" and the cap line "2 remain", the summary
// "1 not sent (daily_cap reached) … sends it", the row to send again
// missing there and from report.json's ending (rev-user17: 1303 against
// 1301). They name it beside the rows the cap held back.
func TestRevisedResendCappedCounted(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := revisedCampaign(t, srv, "invoice,email,name,amount\n1,ann@example.com,Ann,10.00\n2,bob@example.com,Bob,20.00\n3,cy@example.com,Cy,30.00\n")
	dir := filepath.Dir(camp)
	yaml := readFile(t, camp)
	writeFiles(t, dir, map[string]string{"c.yaml": strings.Replace(yaml, "send: {", "send: {daily_cap: 2, ", 1)})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed || len(srv.Messages()) != 2 {
		t.Fatalf("send: %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
	writeFiles(t, dir, map[string]string{"r.csv": "invoice,email,name,amount\n1,ann@example.com,Ann,11.00\n2,bob@example.com,Bob,20.00\n3,cy@example.com,Cy,30.00\n"})
	out, errOut, code := runCLI(t, "send", "--yes", "--resend-changed", camp)
	want := "1 not sent (daily_cap reached): tidings send --yes --resend-changed " + commandArg(camp) + " sends it and the 1 changed row to send again once the cap allows"
	if code != exitSomeFailed || len(srv.Messages()) != 2 || !strings.Contains(out, "nothing to send now: daily_cap 2 reached, 2 still to send") || !strings.Contains(out, want) {
		t.Errorf("send --resend-changed, cap used up: code %d, %d messages, want %q\n%s%s", code, len(srv.Messages()), want, out, errOut)
	}
	if e := readReportJSON(t, camp).Ending; !strings.HasPrefix(e.Next, strings.TrimPrefix(want, "1 not sent (daily_cap reached): ")) {
		t.Errorf("report.json's ending: %+v", *e)
	}
}
