package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/smtptest"
	"github.com/tidings/tidings/sendpool/spool"
)

// These tests send campaigns through the CLI to a private Postfix 3.7 and a
// private Dovecot 2.3 (sendpool/smtptest starts them on free loopback
// ports, as root; they are skipped otherwise, and fail under CI=true), and
// check what arrived in Dovecot's Maildir, what Postfix logged and what
// tidings reported.

// mtaDomain is the domain Postfix hands to Dovecot over LMTP; mtaSender,
// the campaign's From and envelope sender, is a mailbox there, so any
// bounce Postfix makes lands where a test can see it.
const (
	mtaDomain = "example.test"
	mtaSender = "sender@" + mtaDomain
	mtaWait   = 30 * time.Second
)

// mtaBody is the text template: lines a DATA client must dot-stuff (a lone
// "." would end the message early), and one an mbox would quote.
const mtaBody = "Hi {{.name}},\n.a line that starts with a dot\n.\n..\nFrom the start of a line\nBye\n"

// mtaUsers returns n Dovecot users prefix000@example.test, prefix001@….
func mtaUsers(prefix string, n int) []smtptest.MailUser {
	users := make([]smtptest.MailUser, n)
	for i := range users {
		users[i] = smtptest.MailUser{Name: fmt.Sprintf("%s%03d@%s", prefix, i, mtaDomain), Password: "secret"}
	}
	return users
}

// userNames returns the users' addresses.
func userNames(users []smtptest.MailUser) []string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = u.Name
	}
	return out
}

// startMTA starts a Dovecot holding users and the sender's mailbox, and a
// Postfix (opts, with Domains and LMTPPort filled in) relaying
// example.test to it.
func startMTA(t *testing.T, users []smtptest.MailUser, opts smtptest.PostfixOptions) (*smtptest.Postfix, *smtptest.Dovecot) {
	t.Helper()
	all := append([]smtptest.MailUser{{Name: mtaSender, Password: "secret"}}, users...)
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: all})
	opts.Domains, opts.LMTPPort = []string{mtaDomain}, d.LMTPPort
	return smtptest.StartPostfix(t, opts), d
}

// mtaCampaign writes a campaign named t sending one message to each of
// rcpts through 127.0.0.1:port; smtp is added to the smtp: mapping
// (", transport: plain"), send is the send: line. The HTML part makes each
// message about 13 KB, more than one TCP segment.
func mtaCampaign(t *testing.T, port int, rcpts []string, smtp, send string) string {
	t.Helper()
	dir := t.TempDir()
	var sheet strings.Builder
	sheet.WriteString("email,name\n")
	for i, r := range rcpts {
		fmt.Fprintf(&sheet, "%s,User %d\n", r, i)
	}
	html := "<p>Hello {{.name}}.</p>\n" + strings.Repeat("<p>A paragraph of the newsletter, long enough to matter.</p>\n", 200)
	writeFiles(t, dir, map[string]string{
		"c.yaml": fmt.Sprintf(`name: t
from: "Sender <%s>"
to: '{{address .name .email}}'
subject: "Hello {{.name}}"
text: body.txt
html: body.html
recipients: {path: r.csv}
smtp: {host: 127.0.0.1, port: %d%s}
%s
`, mtaSender, port, smtp, send),
		"body.txt":  mtaBody,
		"body.html": html,
		"r.csv":     sheet.String(),
	})
	return filepath.Join(dir, "c.yaml")
}

// spooled returns the messages the send spooled (the bytes it sent), by
// recipient key, from the newest spool generation.
func spooled(t *testing.T, camp string) map[string][]byte {
	t.Helper()
	gens, err := spool.OpenStore(filepath.Join(filepath.Dir(camp), ".tidings", "t")).Generations()
	if err != nil || len(gens) == 0 {
		t.Fatalf("spool generations: %d, %v", len(gens), err)
	}
	r, err := gens[len(gens)-1].Open()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	out := map[string][]byte{}
	err = r.ScanMessages(context.Background(), 0, func(m spool.Message) error {
		out[m.Key] = bytes.Clone(m.Data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// traceField matches the header fields a delivery puts before the message:
// Postfix's Received, Dovecot's Return-Path, Delivered-To and Received.
var traceField = regexp.MustCompile(`^(Return-Path|Delivered-To|Received):`)

// arrivedIntact reports how stored (a Maildir file) differs from sent, the
// bytes tidings sent: it must be sent after trace fields only.
func arrivedIntact(stored, sent []byte) error {
	trace, ok := bytes.CutSuffix(stored, sent)
	if !ok {
		n := 0
		at := bytes.Index(stored, sent[:bytes.IndexByte(sent, '\n')+1])
		if at >= 0 {
			for n < len(sent) && at+n < len(stored) && stored[at+n] == sent[n] {
				n++
			}
		}
		return fmt.Errorf("the stored message does not end with the %d bytes sent (sent starts at %d, agrees for %d bytes; then sent %q, stored %q)",
			len(sent), at, n, snippet(sent, n), snippet(stored, at+n))
	}
	for _, line := range strings.SplitAfter(string(trace), "\r\n") {
		if line == "" || line[0] == ' ' || line[0] == '\t' {
			continue
		}
		if !traceField.MatchString(line) {
			return fmt.Errorf("the stored message has %q before the message sent", line)
		}
	}
	return nil
}

func snippet(b []byte, at int) []byte {
	if at < 0 {
		return nil
	}
	return b[min(at, len(b)):min(at+60, len(b))]
}

// commandCounts sums the per-command counts Postfix's smtpd logs when a
// session ends ("disconnect from … ehlo=1 mail=20 rcpt=20 bdat=20 quit=1
// commands=62"; "rcpt=3/4" when one of 4 failed): each command's total.
func commandCounts(log string) map[string]int {
	counts := map[string]int{}
	for _, line := range strings.Split(log, "\n") {
		_, rest, ok := strings.Cut(line, "]: disconnect from ")
		if !ok {
			continue
		}
		for _, f := range strings.Fields(rest) {
			k, v, ok := strings.Cut(f, "=")
			if !ok {
				continue
			}
			if _, total, ok := strings.Cut(v, "/"); ok {
				v = total
			}
			n, _ := strconv.Atoi(v)
			counts[k] += n
		}
	}
	return counts
}

// postfixComplaints are what Postfix logs about a client breaking the
// protocol: commands sent ahead without PIPELINING's leave
// (smtpd_forbid_unauth_pipelining, reject_unauth_pipelining), a bare LF
// (smtpd_forbid_bare_newline), any refusal.
var postfixComplaints = []string{"improper command pipelining", "protocol synchronization", "bare <LF>", "reject:"}

func checkNoComplaints(t *testing.T, p *smtptest.Postfix) {
	t.Helper()
	log := p.Log()
	for _, c := range postfixComplaints {
		if strings.Contains(log, c) {
			t.Errorf("Postfix logged %q:\n%s", c, log)
		}
	}
}

// checkReport checks every report row has status and attempts.
func checkReport(t *testing.T, camp string, n int, status, attempts string) {
	t.Helper()
	rows := readReport(t, camp)
	if len(rows) != n {
		t.Errorf("report has %d rows, want %d", len(rows), n)
	}
	for _, r := range rows {
		if r["status"] != status || r["attempts"] != attempts {
			t.Errorf("report row %v, want %s after %s attempt(s)", r, status, attempts)
		}
	}
}

// checkMailboxes checks each user's inbox holds exactly the message sent to
// it, once and intact, and returns the stored messages by user.
func checkMailboxes(t *testing.T, d *smtptest.Dovecot, users []string, sent map[string][]byte) map[string][]byte {
	t.Helper()
	got := map[string][]byte{}
	for _, u := range users {
		msgs := d.Messages(t, u, "INBOX")
		if len(msgs) != 1 {
			t.Errorf("%s holds %d messages, want 1", u, len(msgs))
			continue
		}
		got[u] = msgs[0]
		if err := arrivedIntact(msgs[0], sent[u]); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	return got
}

// TestRealMTAExactlyOnce sends a campaign to Postfix over each client
// exchange, with Postfix refusing unauthorised pipelining and bare LFs:
// every recipient's Maildir holds one copy of the bytes tidings sent,
// Postfix saw one MAIL, RCPT and body command a row and complained of
// nothing, and no bounce came back.
func TestRealMTAExactlyOnce(t *testing.T) {
	t.Parallel()
	const n = 50
	for _, tc := range []struct {
		name, transport string
		chunking        bool   // Postfix offers CHUNKING
		body            string // the body command Postfix should see
	}{
		{"plain", "plain", true, "data"},
		{"pipelined BDAT", "pipelined", true, "bdat"},
		{"pipelined DATA", "pipelined", false, "data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := smtptest.PostfixOptions{}
			if !tc.chunking {
				opts.Main = map[string]string{"smtpd_discard_ehlo_keywords": "chunking"}
			}
			p, d := startMTA(t, mtaUsers("u", n), opts)
			users := userNames(mtaUsers("u", n))
			camp := mtaCampaign(t, p.SMTPPort, users, ", security: none, transport: "+tc.transport, "send: {concurrency: 4, retry_backoff: 10ms}")
			out, errOut, code := runCLI(t, "send", "--yes", camp)
			if code != exitOK {
				t.Fatalf("send: code %d\n%s%s", code, out, errOut)
			}
			checkReport(t, camp, n, "sent", "1")
			p.WaitQueueEmpty(t, mtaWait)
			checkMailboxes(t, d, users, spooled(t, camp))
			if got := d.Messages(t, mtaSender, "INBOX"); len(got) != 0 {
				t.Errorf("the sender got %d bounces:\n%s", len(got), got[0])
			}
			checkNoComplaints(t, p)
			waitFor(t, func() bool { return commandCounts(p.Log())["mail"] >= n })
			counts := commandCounts(p.Log())
			other := map[string]string{"data": "bdat", "bdat": "data"}[tc.body]
			if counts["mail"] != n || counts["rcpt"] != n || counts[tc.body] != n || counts[other] != 0 {
				t.Errorf("Postfix counted commands %v, want mail, rcpt and %s %d each, no %s", counts, tc.body, n, other)
			}
		})
	}
}

// TestRealMTASTARTTLS: with security starttls, a send trusting Postfix's
// certificate through smtp.ca_file delivers over TLS; without ca_file the
// self-signed certificate is refused, the run stops with exit 2 and says
// what to set, and nothing is sent.
func TestRealMTASTARTTLS(t *testing.T) {
	t.Parallel()
	users := mtaUsers("tls", 5)
	p, d := startMTA(t, users, smtptest.PostfixOptions{})
	t.Run("ca_file", func(t *testing.T) {
		camp := mtaCampaign(t, p.SMTPPort, userNames(users), fmt.Sprintf(", security: starttls, ca_file: %q", p.CAFile), "send: {retry_backoff: 10ms}")
		out, errOut, code := runCLI(t, "send", "--yes", camp)
		if code != exitOK {
			t.Fatalf("send: code %d\n%s%s", code, out, errOut)
		}
		checkReport(t, camp, len(users), "sent", "1")
		p.WaitQueueEmpty(t, mtaWait)
		for u, m := range checkMailboxes(t, d, userNames(users), spooled(t, camp)) {
			if !bytes.Contains(m, []byte("by mta.test (Postfix) with ESMTPS id ")) {
				t.Errorf("%s's message did not come over TLS:\n%s", u, m[:min(len(m), 800)])
			}
		}
		if log := p.Log(); !strings.Contains(log, "TLS connection established from localhost[127.0.0.1]") {
			t.Errorf("Postfix logged no TLS session:\n%s", log)
		}
	})
	t.Run("self-signed without ca_file", func(t *testing.T) {
		queued := strings.Count(p.Log(), "message-id=")
		camp := mtaCampaign(t, p.SMTPPort, []string{"tls-other@" + mtaDomain}, ", security: starttls", "send: {retry_backoff: 10ms}")
		out, errOut, code := runCLI(t, "send", "--yes", camp)
		if code != exitUnusable {
			t.Fatalf("send: code %d, want %d\n%s%s", code, exitUnusable, out, errOut)
		}
		for _, want := range []string{"signed by an authority this machine does not trust", "set smtp.ca_file"} {
			if !strings.Contains(out+errOut, want) {
				t.Errorf("output lacks %q:\n%s%s", want, out, errOut)
			}
		}
		if n := strings.Count(p.Log(), "message-id=") - queued; n != 0 {
			t.Errorf("Postfix accepted %d messages", n)
		}
		checkReport(t, camp, 1, "not-attempted", "0")
	})
}

// TestRealMTARelayDenied: a relay that relays only for clients that log
// in, sent to without smtp.username (an admin's forgotten login), answers
// every recipient it does not host "554 5.7.1 <…>: Relay access denied".
// That is the campaign's setup, not the addresses: the run stops, exit 2,
// saying to log in, and the rows stay not-attempted for the send after
// the fix, none failed as a "policy refusal" (a user's review: 40 of 40
// rows failed, exit 1, the detail naming spam, DMARC or a blocklist). The
// run asks about few recipients before it stops: one of each domain, and
// three domains at most (rows to a domain refused wait untried).
// tidings report says so too, of the rows held for the relay's answer
// as well (it said them deferred with the refusal).
func TestRealMTARelayDenied(t *testing.T) {
	t.Parallel()
	p := smtptest.StartPostfix(t, smtptest.PostfixOptions{})
	for _, tc := range []struct {
		name     string
		rcpts    []string
		maxRcpts int
	}{
		{"one domain", []string{"a@elsewhere.test", "b@elsewhere.test", "c@elsewhere.test"}, 1},
		{"many domains", []string{"a@one.test", "b@one.test", "c@two.test", "d@one.test", "e@three.test", "f@four.test", "g@five.test", "h@two.test"}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := commandCounts(p.Log())["rcpt"]
			camp := mtaCampaign(t, p.SMTPPort, tc.rcpts, fmt.Sprintf(", security: starttls, ca_file: %q, transport: plain", p.CAFile), "send: {concurrency: 1, retry_backoff: 10ms}")
			out, errOut, code := runCLI(t, "send", "--yes", camp)
			if code != exitUnusable {
				t.Fatalf("send: code %d, want %d\n%s%s", code, exitUnusable, out, errOut)
			}
			for _, want := range []string{"Relay access denied", "set smtp.username"} {
				if !strings.Contains(errOut, want) {
					t.Errorf("send's error lacks %q:\n%s", want, errOut)
				}
			}
			if strings.Contains(out+errOut, "policy refusal") {
				t.Errorf("send calls the refusal to relay a policy refusal:\n%s%s", out, errOut)
			}
			if want := fmt.Sprintf("%d not sent (run stopped: ", len(tc.rcpts)); !strings.Contains(out, want) || strings.Contains(out, "not sent:") {
				t.Errorf("send does not tell the %d rows the stop left in one line:\n%s", len(tc.rcpts), out)
			}
			for _, r := range readReport(t, camp) {
				if r["status"] != "not-attempted" {
					t.Errorf("report row %v, want not-attempted", r)
				}
			}
			// report, rebuilt from the journal, as send said: the rows
			// held for the relay's answer too.
			if rout, rerr, _ := runCLI(t, "report", camp); strings.Contains(rout, "deferred") {
				t.Errorf("report tells of deferred rows:\n%s%s", rout, rerr)
			}
			for _, r := range readReport(t, camp) {
				if r["status"] != "not-attempted" {
					t.Errorf("tidings report's row %v, want not-attempted", r)
				}
			}
			waitFor(t, func() bool { return commandCounts(p.Log())["rcpt"] > before })
			if n := commandCounts(p.Log())["rcpt"] - before; n > tc.maxRcpts {
				t.Errorf("the send asked Postfix about %d recipients, want %d at most", n, tc.maxRcpts)
			}
		})
	}
}

// TestRealMTARelaySomeDomains: a Postfix that relays for this client to
// partner.test only (relay_domains) refuses elsewhere.test with "554
// 5.7.1 <…>: Relay access denied": those rows fail as the policy refusal
// they are, the partner.test rows go, exit 1; a stop there would leave
// them unsent, and every send after would stop at the same row again.
// The refusal may come after the server relayed a row, or before (a
// user's review: b@elsewhere.test first, and a@partner.test was never
// sent): the refused row, and the rows to its domain, wait untried until
// the run can tell, here once only they are left; then those not asked
// fail unasked with the refusal of their domain.
func TestRealMTARelaySomeDomains(t *testing.T) {
	t.Parallel()
	p := smtptest.StartPostfix(t, smtptest.PostfixOptions{Main: map[string]string{"relay_domains": "partner.test, partner2.test", "relay_transport": "discard:"}})
	for _, tc := range []struct {
		name      string
		transport string
		rcpts     []string
	}{
		{"two domains taken", "plain", []string{"b@elsewhere.test", "a@partner.test", "d@elsewhere.test", "c@partner2.test", "e@elsewhere.test", "f@partner.test"}},
		{"relayed first", "pipelined", []string{"a@partner.test", "b@elsewhere.test", "c@partner.test"}},
		{"refused first", "plain", []string{"b@elsewhere.test", "d@elsewhere.test", "a@partner.test", "e@elsewhere.test", "c@partner.test"}},
		{"refused first, pipelined", "pipelined", []string{"b@elsewhere.test", "d@elsewhere.test", "a@partner.test", "e@elsewhere.test", "c@partner.test"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			camp := mtaCampaign(t, p.SMTPPort, tc.rcpts, fmt.Sprintf(", security: starttls, ca_file: %q, transport: %s", p.CAFile, tc.transport), "send: {concurrency: 1, retry_backoff: 10ms}")
			out, errOut, code := runCLI(t, "send", "--yes", camp)
			if code != exitSomeFailed {
				t.Fatalf("send: code %d, want %d\n%s%s", code, exitSomeFailed, out, errOut)
			}
			for _, r := range readReport(t, camp) {
				want := "sent"
				if strings.HasSuffix(r["key"], "@elsewhere.test") {
					want = "failed"
					if r["code"] != "554" || !strings.Contains(r["detail"], "Relay access denied") {
						t.Errorf("report row %v, want Postfix's refusal", r)
					}
					if !strings.Contains(out, r["key"]) {
						t.Errorf("send does not name %s:\n%s", r["key"], out)
					}
				}
				attempts := "1"
				if strings.HasPrefix(r["detail"], "not asked: ") {
					attempts = "0" // its domain refused already (TestRealMTARelayUnaskedTarpit)
				}
				if r["status"] != want || r["attempts"] != attempts {
					t.Errorf("report row %v, want %s after %s attempt", r, want, attempts)
				}
			}
		})
	}
}

// TestRealMTARelaySomeDomainsLater: the server took partner.test's mail
// from this client in an earlier send of the campaign (its journal); a
// row added since, to elsewhere.test, meets the refusal to relay in a run
// that has no other domain's row: it fails as its own refusal, exit 1,
// where the run stopped, exit 2, saying to set smtp.username, at every
// send after. (Through another server or login the journal says nothing:
// journal's TestSentDomains.)
func TestRealMTARelaySomeDomainsLater(t *testing.T) {
	t.Parallel()
	p := smtptest.StartPostfix(t, smtptest.PostfixOptions{Main: map[string]string{"relay_domains": "partner.test", "relay_transport": "discard:"}})
	camp := mtaCampaign(t, p.SMTPPort, []string{"a@partner.test"}, fmt.Sprintf(", security: starttls, ca_file: %q", p.CAFile), "send: {concurrency: 1, retry_backoff: 10ms}")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("first send: code %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\na@partner.test,User 0\nb@elsewhere.test,User 1\n"})
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitSomeFailed {
		t.Fatalf("second send: code %d, want %d\n%s%s", code, exitSomeFailed, out, errOut)
	}
	for _, r := range readReport(t, camp) {
		if want := map[string]string{"a@partner.test": "sent", "b@elsewhere.test": "failed"}[r["key"]]; r["status"] != want {
			t.Errorf("report row %v, want %s", r, want)
		}
	}
}

// TestRealMTARelaySisterDomain: a Postfix that hosts the sender's domain
// and a sister one (two virtual_mailbox_domains) and relays for clients
// that log in only takes the sister domain's row from anyone; that is no
// sign it relays for this client. The rows to three other domains are
// refused to relay: the run stops, exit 2, saying to set smtp.username,
// those rows not-attempted, where they failed one by one as policy
// refusals (a sister domain's row taken was taken for evidence).
func TestRealMTARelaySisterDomain(t *testing.T) {
	t.Parallel()
	const sister = "u@sister.test"
	users := []smtptest.MailUser{{Name: mtaSender, Password: "secret"}, {Name: sister, Password: "secret"}}
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: users})
	p := smtptest.StartPostfix(t, smtptest.PostfixOptions{Domains: []string{mtaDomain, "sister.test"}, LMTPPort: d.LMTPPort})
	rcpts := []string{sister, "x@gmail.test", "y@yahoo.test", "w@gmail.test", "z@outlook.test"}
	camp := mtaCampaign(t, p.SMTPPort, rcpts, fmt.Sprintf(", security: starttls, ca_file: %q", p.CAFile), "send: {concurrency: 1, retry_backoff: 10ms}")
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitUnusable {
		t.Fatalf("send: code %d, want %d\n%s%s", code, exitUnusable, out, errOut)
	}
	if !strings.Contains(errOut, "set smtp.username") || strings.Contains(out+errOut, "policy refusal") {
		t.Errorf("send does not stop for a login:\n%s%s", out, errOut)
	}
	for _, r := range readReport(t, camp) {
		want := "not-attempted"
		if r["key"] == sister {
			want = "sent"
		}
		if r["status"] != want {
			t.Errorf("report row %v, want %s", r, want)
		}
	}
}

// TestRealMTAProbeRelay: probe asks the server about the first rows'
// recipients, one a domain, with RCPT TO and no message: a relay that
// wants a login refuses them, and probe says so, exit 2, where it passed
// before (it sent no RCPT); this Postfix offers no AUTH at all, so the
// advice is to be trusted or use its submission port, where "set
// smtp.username" led to "the server does not offer AUTH (remove
// smtp.username …)" (rev-user9). One that relays to some domains only
// passes with a note, and its last line says not every row would go,
// where it said "everything looks right", and says the answer is partial
// when Postfix ended the session before every domain was asked; in no
// case does Postfix take a message.
func TestRealMTAProbeRelay(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		main  map[string]string
		rcpts []string
		code  int
		want  []string
		rcpt  int // RCPTs Postfix saw
	}{
		{"wants a login", nil, []string{"a@elsewhere.test", "b@elsewhere.test", "c@other.test"}, exitUnusable,
			[]string{"RCPT TO:<a@elsewhere.test>: refused: 554 5.7.1", "problem: the server would refuse the campaign's recipients (a send stops): ", "Relay access denied", "offers no login (AUTH) here: have its administrator trust", "RSET: no message was sent"}, 2},
		{"some domains", map[string]string{"relay_domains": "partner.test", "relay_transport": "discard:"}, []string{"b@elsewhere.test", "a@partner.test"}, exitOK,
			[]string{"RCPT TO:<a@partner.test>: accepted", "note: the server refuses to relay to some domains and takes others: ", "offers no login (AUTH) here: have its administrator trust", "smtp: a send would get this far, but not every row would go: see the notes above"}, 2},
		// Postfix ends the session past smtpd_hard_error_limit errors
		// ("421 4.7.0 … Error: too many errors"): the refusal before
		// it is the verdict, where probe said "EOF" at the next RCPT.
		{"too many errors", map[string]string{"smtpd_hard_error_limit": "1"}, []string{"a@elsewhere.test", "b@other.test", "c@third.test"}, exitUnusable,
			[]string{"RCPT TO:<a@elsewhere.test>: refused: 554 5.7.1", "Error: too many errors; no message was sent, and a send connects again", "problem: the server would refuse the campaign's recipients (a send stops): ", "offers no login (AUTH) here: have its administrator trust"}, 1},
		// Ended after it took a domain and refused one: a note, exit 0,
		// its last line saying the answer is partial, where it did not
		// tell third.test went unasked (today's review).
		{"some domains then too many errors", map[string]string{"relay_domains": "partner.test", "relay_transport": "discard:", "smtpd_hard_error_limit": "1"}, []string{"a@partner.test", "b@elsewhere.test", "c@third.test"}, exitOK,
			[]string{"RCPT TO:<a@partner.test>: accepted", "RCPT TO:<b@elsewhere.test>: refused: 554 5.7.1", "note: RCPT TO:<c@third.test>: 421 4.7.0",
				"smtp: a send would get this far, but not every row would go: see the notes above; and the answer is partial, not every domain asked: the server ended the session before probe asked about third.test\n"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := smtptest.StartPostfix(t, smtptest.PostfixOptions{Main: tc.main})
			camp := mtaCampaign(t, p.SMTPPort, tc.rcpts, fmt.Sprintf(", security: starttls, ca_file: %q", p.CAFile), "")
			out, errOut, code := runCLI(t, "probe", camp)
			if code != tc.code {
				t.Fatalf("probe: code %d, want %d\n%s%s", code, tc.code, out, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("probe's output lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(out, "everything looks right") {
				t.Errorf("probe says everything looks right where rows would fail or the send stop:\n%s", out)
			}
			waitFor(t, func() bool { return strings.Contains(p.Log(), "disconnect from") })
			counts := commandCounts(p.Log())
			if counts["rcpt"] != tc.rcpt || counts["data"]+counts["bdat"] != 0 || strings.Contains(p.Log(), "message-id=") {
				t.Errorf("Postfix counted commands %v, want %d RCPTs and no message:\n%s", counts, tc.rcpt, p.Log())
			}
		})
	}
}

// TestRealMTARateLimit: Postfix's per-client message rate limit (anvil)
// refuses MAIL with "450 4.7.1 Error: too much mail from 127.0.0.1";
// tidings takes it for throttling (it says the server asks to slow down and
// lowers its rate) and tries the messages again, none delivered twice.
func TestRealMTARateLimit(t *testing.T) {
	t.Parallel()
	const n, limit = 10, 5
	users := mtaUsers("rate", n)
	// anvil counts MAIL commands per client, refused ones included, in
	// windows of anvil_rate_time_unit (whole seconds: a 3s unit makes
	// windows of 3 to 6 seconds, in which a loaded machine still sends
	// more than 5 of the 10; with 1s, under load, it once sent none over
	// the limit and Postfix refused nothing). Each refused pipelined transaction is
	// three errors (450 to MAIL, 503 to RCPT and to the body) and smtpd
	// delays every reply by smtpd_error_sleep_time (1s) after
	// smtpd_soft_error_limit (10) errors: the tarpit is off so the test
	// takes seconds; past smtpd_hard_error_limit (20) smtpd still ends
	// the session with "421 4.7.0 mta.test Error: too many errors".
	p, d := startMTA(t, users, smtptest.PostfixOptions{MessageRateLimit: limit,
		Main: map[string]string{"anvil_rate_time_unit": "3s", "smtpd_error_sleep_time": "0"}})
	camp := mtaCampaign(t, p.SMTPPort, userNames(users), ", security: none", "send: {concurrency: 2, retry_backoff: 20ms}")
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if !strings.Contains(errOut, "warning: the server asks to slow down (450 4.7.1 Error: too much mail from 127.0.0.1): rate now ") {
		t.Errorf("no throttle warning:\n%s", errOut)
	}
	if !strings.Contains(p.Log(), "warning: Message delivery request rate limit exceeded") {
		t.Errorf("Postfix did not refuse any message for its rate:\n%s", p.Log())
	}
	p.WaitQueueEmpty(t, mtaWait)
	sent := spooled(t, camp)
	delivered, retried := 0, 0
	for _, r := range readReport(t, camp) {
		msgs := d.Messages(t, r["key"], "INBOX")
		if r["attempts"] != "1" {
			retried++
		}
		switch r["status"] {
		case "sent":
			delivered++
			if len(msgs) != 1 {
				t.Errorf("%s: sent, and holds %d messages", r["key"], len(msgs))
			} else if err := arrivedIntact(msgs[0], sent[r["key"]]); err != nil {
				t.Errorf("%s: %v", r["key"], err)
			}
		case "deferred":
			if len(msgs) != 0 || r["code"] != "450" || r["enhanced_code"] != "4.7.1" {
				t.Errorf("deferred row %v; the mailbox holds %d messages", r, len(msgs))
			}
		default:
			t.Errorf("report row %v", r)
		}
	}
	if code != exitOK || delivered != n || retried == 0 {
		t.Errorf("send: code %d, %d of %d delivered, %d tried more than once\n%s%s", code, delivered, n, retried, out, errOut)
	}
}

// TestRealMTALMTPQuota sends over LMTP straight to Dovecot, with one
// mailbox over its quota once the message is in (refused after the
// message), one full already (refused at RCPT) and one unknown user: each
// of those rows fails for good after one attempt with Dovecot's reply, the
// other rows are delivered, nothing is retried and the rate is left alone.
func TestRealMTALMTPQuota(t *testing.T) {
	t.Parallel()
	for _, transport := range []string{"plain", "pipelined"} {
		t.Run(transport, func(t *testing.T) {
			testLMTPQuota(t, transport)
		})
	}
}

func testLMTPQuota(t *testing.T, transport string) {
	users := mtaUsers("lmtp", 6)
	over := smtptest.MailUser{Name: "dave@" + mtaDomain, Password: "secret", QuotaBytes: 1}
	full := smtptest.MailUser{Name: "erin@" + mtaDomain, Password: "secret"}
	unknown := "nobody@" + mtaDomain
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: append(users, over, full)})
	d.Deliver(t, full.Name, []byte("Subject: fill\r\n\r\nFills the mailbox.\r\n"))
	d.SetQuota(t, full.Name, 1)
	u := userNames(users)
	rows := []string{u[0], over.Name, u[1], u[2], full.Name, u[3], unknown, u[4], u[5]}
	camp := mtaCampaign(t, d.LMTPPort, rows, ", security: none, protocol: lmtp, transport: "+transport, "send: {concurrency: 2, retry_backoff: 10ms}")

	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitSomeFailed {
		t.Errorf("send: code %d, want %d\n%s%s", code, exitSomeFailed, out, errOut)
	}
	if strings.Contains(out+errOut, "slow down") || strings.Contains(errOut, "note:") {
		t.Errorf("the send slowed down or retried:\n%s%s", out, errOut)
	}
	if !strings.Contains(out, "9 recipients: 6 sent, 3 failed") {
		t.Errorf("summary:\n%s", out)
	}
	quota := func(user string) string { return "<" + user + "> Quota exceeded (mailbox for user is full)" }
	want := map[string][3]string{ // code, enhanced code, detail
		over.Name: {"552", "5.2.2", quota(over.Name)},
		full.Name: {"552", "5.2.2", quota(full.Name)},
		unknown:   {"550", "5.1.1", "<" + unknown + "> User doesn't exist: " + unknown},
	}
	for _, r := range readReport(t, camp) {
		w, refused := want[r["key"]]
		switch {
		case refused && (r["status"] != "failed" || r["attempts"] != "1" || r["code"] != w[0] || r["enhanced_code"] != w[1] || !strings.Contains(r["detail"], w[2])):
			t.Errorf("report row %v, want failed after 1 attempt with %s %s %s", r, w[0], w[1], w[2])
		case !refused && (r["status"] != "sent" || r["attempts"] != "1" || r["code"] != "250"):
			t.Errorf("report row %v, want sent after 1 attempt", r)
		}
	}
	checkMailboxes(t, d, u, spooled(t, camp))
	if n := len(d.Messages(t, over.Name, "INBOX")); n != 0 {
		t.Errorf("%s holds %d messages, want none", over.Name, n)
	}
	if n := len(d.Messages(t, full.Name, "INBOX")); n != 1 {
		t.Errorf("%s holds %d messages, want the one that filled it", full.Name, n)
	}
}

// TestRealMTARelayedQuotaBounces: through Postfix, the mailbox over its
// quota is Postfix's problem once it took the message: tidings reports all
// sent (Postfix said 250) and Postfix's bounce, with Dovecot's 5.2.2,
// reaches the sender's mailbox.
func TestRealMTARelayedQuotaBounces(t *testing.T) {
	t.Parallel()
	users := mtaUsers("relay", 2)
	over := smtptest.MailUser{Name: "dave@" + mtaDomain, Password: "secret", QuotaBytes: 1}
	p, d := startMTA(t, append(users, over), smtptest.PostfixOptions{})
	rcpts := append(userNames(users), over.Name)
	camp := mtaCampaign(t, p.SMTPPort, rcpts, ", security: none", "send: {retry_backoff: 10ms}")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	checkReport(t, camp, len(rcpts), "sent", "1")
	bounces := d.WaitMessages(t, mtaSender, "INBOX", 1, mtaWait)
	p.WaitQueueEmpty(t, mtaWait)
	checkMailboxes(t, d, userNames(users), spooled(t, camp))
	if n := len(d.Messages(t, over.Name, "INBOX")); n != 0 {
		t.Errorf("%s holds %d messages, want none", over.Name, n)
	}
	if got := d.Messages(t, mtaSender, "INBOX"); len(got) != 1 {
		t.Errorf("the sender got %d bounces, want 1", len(got))
	}
	for _, want := range []string{"Return-Path: <>\r\n", "Final-Recipient: rfc822; " + over.Name, "Status: 5.2.2\r\n", "Diagnostic-Code: smtp; 552 5.2.2 <" + over.Name + "> Quota exceeded"} {
		if !bytes.Contains(bounces[0], []byte(want)) {
			t.Errorf("the bounce lacks %q:\n%s", want, bounces[0])
		}
	}
}
