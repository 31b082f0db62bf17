package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestWalkthroughExample runs the README's walk-through on
// examples/walkthrough against mailpit: the campaign is sent, the two
// bounces and the complaint in returned/ arrive, `tidings bounces` (over
// mailpit's POP3) adds those three people to suppress.txt, and `check` of
// next.yaml, the next campaign sharing the list, skips them. The returned
// reports name the campaign's Message-IDs, which are deterministic: this
// test fails when they no longer match, and when the README's bounces
// output is not what bounces prints.
func TestWalkthroughExample(t *testing.T) {
	t.Parallel()
	dir, camp, returnReports := walkthrough(t)
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != 0 {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	returnReports()
	out, errOut, code := runCLI(t, "bounces", camp)
	if code != 0 || !strings.Contains(out, "3 matched this campaign (2 bounced, 1 complained; 3 new)") || !strings.Contains(out, "3 addresses added to") {
		t.Fatalf("bounces: code %d\n%s%s", code, out, errOut)
	}
	checkREADMEOutput(t, "TIDINGS_MAILBOX_PASSWORD=walkthrough tidings bounces campaign.yaml", out, filepath.Dir(camp))
	out, errOut, code = runCLI(t, "check", filepath.Join(dir, "next.yaml"))
	if code != 0 || !strings.Contains(out, "5 recipients, 2 ready, 0 with problems") || !strings.Contains(out, "send will skip 3 suppressed") {
		t.Errorf("check next.yaml: code %d\n%s%s", code, out, errOut)
	}
	// Another campaign sharing the bounce mailbox: the reports about the
	// first one's messages are named as such, and are no error.
	b, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"other.yaml": strings.Replace(string(b), "name: walkthrough-november", "name: walkthrough-other", 1)})
	out, errOut, code = runCLI(t, "bounces", "--dry-run", filepath.Join(dir, "other.yaml"))
	if code != 0 || !strings.Contains(out, "0 about no message of this campaign, 3 about another tidings campaign's messages") ||
		!strings.Contains(out, "about a message of campaign walkthrough-november, not this one") {
		t.Errorf("bounces other.yaml: code %d\n%s%s", code, out, errOut)
	}
	// The campaign file renamed for its next issue: the reports about its
	// messages under the earlier name are pointed at --name, which finds
	// them read already by the runs under that name (they remember what
	// they read: nothing is read again, nor recorded twice).
	writeFiles(t, dir, map[string]string{"campaign.yaml": strings.Replace(string(b), "name: walkthrough-november", "name: walkthrough-january", 1)})
	out, errOut, code = runCLI(t, "bounces", "--dry-run", camp)
	if code != exitSomeFailed || !strings.Contains(out, "walkthrough-november is an earlier name of this campaign file: tidings bounces --name walkthrough-november") {
		t.Errorf("bounces after the rename: code %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runCLI(t, "bounces", "--name", "walkthrough-november", camp)
	if code != 0 || !strings.Contains(out, "0 matched this campaign (none; 0 new)") || !strings.Contains(out, "(8 messages read by earlier runs were skipped, as ") || !strings.Contains(out, filepath.Join("walkthrough-november", "bounces.read")+" remembers") {
		t.Errorf("bounces --name: code %d\n%s%s", code, out, errOut)
	}
}

// walkthrough copies examples/walkthrough into a new folder, pointed at a
// mailpit of its own (SMTP with STARTTLS and a login, POP3), and returns
// the folder, its campaign file, and a function that delivers the reports
// in returned/ (about the first messages the campaign sends) to its
// bounce mailbox.
func walkthrough(t *testing.T) (dir, camp string, returnReports func()) {
	dir, camp, deliver := walkthroughMailbox(t)
	returned, err := filepath.Glob(filepath.Join("..", "..", "examples", "walkthrough", "returned", "*.eml"))
	if err != nil || len(returned) != 3 {
		t.Fatalf("returned reports %v: %v", returned, err)
	}
	return dir, camp, func() {
		t.Helper()
		var msgs [][]byte
		for _, f := range returned {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			msgs = append(msgs, b)
		}
		deliver(msgs...)
	}
}

// walkthroughMailbox is walkthrough with a function that delivers any
// messages to the campaign's bounce mailbox.
func walkthroughMailbox(t *testing.T) (dir, camp string, deliver func(msgs ...[]byte)) {
	t.Helper()
	cert := smtptest.NewCert(t, "127.0.0.1")
	const user, pass = "news@acme.example", walkSMTPPass
	mp := smtptest.StartMailpit(t, cert, user, pass, smtptest.MailpitPOP3("bounces", "walkthrough"))
	certFile, _ := cert.WriteFiles(t)
	dir = t.TempDir()
	example := filepath.Join("..", "..", "examples", "walkthrough")
	// The state folder's Message-ID salt comes with the example (cp -r):
	// the reports in returned/ name the messages it makes.
	for _, f := range []string{"campaign.yaml", "next.yaml", "body.txt", "people.csv", "suppress.txt", filepath.Join(".tidings", "walkthrough-november", "message-id.salt")} {
		b, err := os.ReadFile(filepath.Join(example, f))
		if err != nil {
			t.Fatal(err)
		}
		// The harness's mailpit wants STARTTLS and a login for SMTP, and
		// runs on free ports.
		s := strings.ReplaceAll(string(b), "  port: 1025\n  security: none\n",
			"  port: "+strconv.Itoa(mp.SMTPPort)+"\n  security: starttls\n  username: "+user+"\n  password_env: TIDINGS_WALK_SMTP\n  ca_file: "+certFile+"\n")
		s = strings.ReplaceAll(s, "port: 1110", "port: "+strconv.Itoa(mp.POP3Port))
		writeFiles(t, dir, map[string]string{f: s})
	}
	return dir, filepath.Join(dir, "campaign.yaml"), func(msgs ...[]byte) {
		t.Helper()
		deliverToMailpit(t, mp, cert, user, pass, "news@acme.example", msgs...)
	}
}
