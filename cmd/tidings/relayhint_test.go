package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestRealMTARelayHint: a Postfix that relays for this client to
// partner.test only (relay_domains), offering no login, refuses the
// rows to firm.test (the sender's own domain, which it does not host)
// and other.test. send said only the bare "554 5.7.1 … Relay access
// denied" of each, and its last line advised --retry-failed, which
// fails them the same way (a user's review): its summary says once what
// the refusal means and what lets the rows through, in probe's words
// (trust this machine's address, or the submission port), and its last
// line says to change that first, then --retry-failed; tidings report,
// which connects to no server and cannot tell it offers no login, and a
// send with nothing left to send, which set up no session, say to set
// smtp.username only if it offers one (they said to set it, as if it did).
func TestRealMTARelayHint(t *testing.T) {
	t.Parallel()
	p := smtptest.StartPostfix(t, smtptest.PostfixOptions{Main: map[string]string{"relay_domains": "partner.test", "relay_transport": "discard:"}})
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml": fmt.Sprintf(`name: t
from: "News <news@firm.test>"
to: '{{.email}}'
subject: Hello
text: body.txt
recipients: {path: r.csv}
smtp: {host: 127.0.0.1, port: %d, security: starttls, ca_file: %q}
send: {concurrency: 1, retry_backoff: 10ms}
`, p.SMTPPort, p.CAFile),
		"body.txt": "Hi\n",
		"r.csv":    "email\na@firm.test\nb@partner.test\nc@firm.test\nd@other.test\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitSomeFailed {
		t.Fatalf("send: code %d, want %d\n%s%s", code, exitSomeFailed, out, errOut)
	}
	const trust = "have its administrator trust this machine's address, or use its submission port"
	checkRelayHint(t, "send", out, errOut, trust)
	out, errOut, code = runCLI(t, "report", camp)
	if code != exitSomeFailed {
		t.Fatalf("report: code %d, want %d\n%s%s", code, exitSomeFailed, out, errOut)
	}
	// report, and a send with nothing left to send (no session set
	// up), cannot tell whether the server offers a login: "set
	// smtp.username" alone would send the user to a login this port
	// does not take.
	const unknown = "set smtp.username if it offers a login (tidings probe tells), or have its administrator trust this machine's address, or use its submission port"
	checkRelayHint(t, "report", out, errOut, unknown)
	out, errOut, code = runCLI(t, "send", "--yes", camp)
	if code != exitSomeFailed {
		t.Fatalf("send again: code %d, want %d\n%s%s", code, exitSomeFailed, out, errOut)
	}
	checkRelayHint(t, "send again", out, errOut, unknown)
}

// checkRelayHint checks the output of a command (send or report) of
// TestRealMTARelayHint's campaign: its summary says once, not for each
// row, what the 3 refusals to relay mean and fix, and its last line
// (errOut) says to change that, then --retry-failed, not to retry alone.
func checkRelayHint(t *testing.T, cmd, out, errOut, fix string) {
	t.Helper()
	words := "3 failed as the server refused to relay to them and took others: it relays for this client to some domains only, or hosts those it takes (then "
	if strings.Count(out, words) != 1 || strings.Count(out, fix) != 1 {
		t.Errorf("%s's summary does not say once what the refusals mean (%q) and fix (%q):\n%s", cmd, words, fix, out)
	}
	want := "not sent: 3 failed; the server would not relay to them: " + fix + ", then --retry-failed sends them\n"
	if !strings.HasSuffix(errOut, want) || strings.Contains(errOut, "tries the failed again") {
		t.Errorf("%s's last line, want it to end %q:\n%s", cmd, want, errOut)
	}
}
