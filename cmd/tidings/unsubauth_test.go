package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestUnsubscribeAuthenticated: unsubscribe requests by mail reach a
// private Dovecot (IMAP), each with the Authentication-Results the
// receiving server would have put on it, or a forgery. Without
// mailbox.authserv_id none is applied: each is listed, with the line to
// add by hand, and the authserv-id their topmost field names. With it,
// bounces suppresses the senders whose From that server vouched for
// (dmarc=pass; an aligned spf=pass) and lists, not applies, the one
// without the field, the one vouched for by another server, and the one
// whose forged pass sits below the server's own fail.
func TestUnsubscribeAuthenticated(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	srv := smtptest.NewServer(t)
	box := fmt.Sprintf("{protocol: imap, host: 127.0.0.1, port: %d, security: starttls, username: %s, password_env: TIDINGS_BOUNCES_PW, ca_file: %s}", d.IMAPPort, bounceUser, d.CAFile)
	camp := sentBounceCampaign(t, srv, "mailbox: "+box+"\n")
	request := func(from, fields string) []byte {
		return []byte(strings.ReplaceAll(fields+"From: "+from+"\nTo: unsubscribe@example.test\nSubject: unsubscribe\nMessage-ID: <u."+from+">\n\nplease\n", "\n", "\r\n"))
	}
	for _, r := range [][]byte{
		request("ann@example.org", vouchedBy+"; dkim=pass header.d=example.org; dmarc=pass header.from=example.org\n"),
		request("bob@example.org", ""),
		request("cid@example.org", "Authentication-Results: mx.evil.example; dmarc=pass header.from=example.org\n"),
		request("dan@example.org", vouchedBy+"; dmarc=fail (p=none) header.from=example.org\n"+
			"Received: from evil.example (evil.example [192.0.2.66]) by mx.example.test\n"+
			vouchedBy+"; dkim=pass header.d=example.org; dmarc=pass header.from=example.org\n"),
		request("eve@example.org", vouchedBy+"; spf=pass (mx.example.test: domain of b@lists.example.org designates 192.0.2.7 as permitted sender) smtp.mailfrom=b@lists.example.org\n"),
	} {
		d.Deliver(t, bounceUser, r)
	}
	supFile := filepath.Join(filepath.Dir(camp), "suppress.txt")
	before := readFile(t, supFile)
	const unset = "and no mailbox.authserv_id: tidings bounces applies no unsubscribe request by mail until it names the server"
	if out, _, _ := runCLI(t, "check", camp); !strings.Contains(out, unset) {
		t.Errorf("check without authserv_id does not warn that requests by mail are not applied:\n%s", out)
	}

	out, errOut, code := runCLI(t, "bounces", camp)
	if code != exitOK || readFile(t, supFile) != before {
		t.Fatalf("without authserv_id: code %d, list\n%s\n%s%s", code, readFile(t, supFile), out, errOut)
	}
	for _, want := range []string{
		"0 matched this campaign (none; 0 new), 0 unreadable, 0 about no message of this campaign, 5 unsubscribe requests not applied (not authenticated; see below)",
		"5 unsubscribe requests not applied: mailbox.authserv_id is not set, so no Authentication-Results field is trusted (their topmost names mx.example.test: if that is the server receiving the mailbox's mail, and it removes such fields from incoming mail as RFC 8601 asks, set mailbox.authserv_id: mx.example.test); anyone can send mail From any address; to apply those you trust, add their lines to ",
		"  bob@example.org  # unsubscribed, tidings bounces, campaign t, ",
		"row 3    bob@example.org              not applied         unsubscribe request not authenticated: mailbox.authserv_id is not set",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("without authserv_id: output lacks %q:\n%s", want, out)
		}
	}

	writeFiles(t, filepath.Dir(camp), map[string]string{"c.yaml": strings.Replace(readFile(t, camp), box, strings.TrimSuffix(box, "}")+", authserv_id: "+bounceAuthserv+"}", 1)})
	if out, _, _ := runCLI(t, "check", camp); strings.Contains(out, unset) {
		t.Errorf("check with authserv_id warns it is not set:\n%s", out)
	}
	out, errOut, code = runCLI(t, "bounces", camp)
	if code != exitOK {
		t.Fatalf("with authserv_id: code %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"2 matched this campaign (2 unsubscribed; 2 new)", "3 unsubscribe requests not applied (not authenticated; see below)",
		"row 3    bob@example.org              not applied         unsubscribe request not authenticated: no Authentication-Results by mx.example.test",
		"row 4    cid@example.org              not applied         unsubscribe request not authenticated: no Authentication-Results by mx.example.test",
		"row 5    dan@example.org              not applied         unsubscribe request not authenticated: mx.example.test found dmarc=fail for example.org",
		"3 unsubscribe requests not applied: not authenticated by mx.example.test (mailbox.authserv_id); anyone can send mail From any address; to apply those you trust, add their lines to ",
		"  dan@example.org  # unsubscribed, tidings bounces, campaign t, ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("with authserv_id: output lacks %q:\n%s", want, out)
		}
	}
	list := readFile(t, supFile)
	for _, a := range []string{"ann@example.org  # unsubscribed", "eve@example.org  # unsubscribed"} {
		if !strings.Contains(list, a) {
			t.Errorf("suppress.txt lacks %q:\n%s", a, list)
		}
	}
	for _, a := range []string{"bob@", "cid@", "dan@"} {
		if strings.Contains(list, a) {
			t.Errorf("suppress.txt lists %s, whose request was not authenticated:\n%s", a, list)
		}
	}
}
