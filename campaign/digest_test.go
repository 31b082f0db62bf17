package campaign

import (
	"path/filepath"
	"strings"
	"testing"
)

// digestBase is a campaign with every kind of setting, for
// TestMessagesDigest to change one at a time.
const digestBase = `name: spring
locale: de-DE
from: "Acme News <news@acme.example>"
reply_to: help@acme.example
subject: "{{.name}}, your digest"
text: body.txt
attachments: [guide.pdf]
headers: {X-Campaign: spring}
list_id: "Acme News <news.acme.example>"
unsubscribe: {mailto: leave@acme.example}
dkim: {domain: acme.example, selector: s1, key_file: dkim.pem}
recipients: {path: people.csv, encoding: utf-8}
smtp: {host: smtp.acme.example, port: 587, security: starttls, username: news, password_env: SMTP_PW, timeout: 30s}
send: {rate: 10/s, concurrency: 4, retries: 3, daily_cap: 500}
mailbox: {host: imap.acme.example, username: news, password_env: SMTP_PW, folder: INBOX}
`

// TestMessagesDigest: a campaign whose sending settings alone changed
// (rate, concurrency, caps, retries, the SMTP server, its login,
// security and timeout, the mailbox), or only its comments and layout,
// or whose folder moved whole, has the digest it had; one whose messages
// change (from, subject, body, headers, attachments, DKIM, the sheet's
// encoding, the locale, the recipients) has another.
func TestMessagesDigest(t *testing.T) {
	dir := t.TempDir()
	digest := func(t *testing.T, yaml, file string) string {
		t.Helper()
		c, err := Parse([]byte(yaml), file)
		if err != nil {
			t.Fatal(err)
		}
		return c.MessagesDigest()
	}
	file := filepath.Join(dir, "c.yaml")
	base := digest(t, digestBase, file)
	if again := digest(t, digestBase, file); again != base {
		t.Fatalf("the same file gave %s, then %s", base, again)
	}
	if moved := digest(t, digestBase, filepath.Join(dir, "moved", "c.yaml")); moved != base {
		t.Errorf("folder moved: digest changed")
	}
	same := map[string][2]string{
		"rate":        {"rate: 10/s", "rate: 2/s"},
		"concurrency": {"concurrency: 4", "concurrency: 1"},
		"daily_cap":   {"daily_cap: 500", "daily_cap: 800, domains: {gmail.com: 5/s}, max_bounce_rate: 2%"},
		"retries":     {"retries: 3", "retries: 0, retry_backoff: 5m"},
		"smtp":        {"host: smtp.acme.example, port: 587, security: starttls, username: news", "host: relay.example.net, port: 465, security: tls, username: other"},
		"timeout":     {"timeout: 30s", "timeout: 2m, helo: me.example"},
		"mailbox":     {"host: imap.acme.example, username: news, password_env: SMTP_PW, folder: INBOX", "host: pop.acme.example, protocol: pop3, username: b, password_env: B_PW"},
		"comments":    {"subject:", "# changed for spring\nsubject:"},
		"layout":      {`dkim: {domain: acme.example, selector: s1, key_file: dkim.pem}`, "\ndkim:\n  domain: acme.example\n  selector: s1\n  key_file: ./dkim.pem\n"},
		"defaults":    {"encoding: utf-8}", "encoding: utf-8, key: email}\nto: '{{.email}}'"},
	}
	for name, edit := range same {
		if !strings.Contains(digestBase, edit[0]) {
			t.Fatalf("%s: %q is not in digestBase", name, edit[0])
		}
		if got := digest(t, strings.Replace(digestBase, edit[0], edit[1], 1), file); got != base {
			t.Errorf("%s changed: digest changed", name)
		}
	}
	other := map[string][2]string{
		"from":        {"news@acme", "letters@acme"},
		"subject":     {"your digest", "your spring digest"},
		"body":        {"text: body.txt", "text: body2.txt"},
		"header":      {"X-Campaign: spring", "X-Campaign: summer"},
		"attachment":  {"[guide.pdf]", "[guide.pdf, terms.pdf]"},
		"dkim":        {"selector: s1", "selector: s2"},
		"encoding":    {"encoding: utf-8", "encoding: windows-1252"},
		"locale":      {"de-DE", "de-AT"},
		"recipients":  {"people.csv", "members.csv"},
		"list_id":     {"news.acme.example", "letters.acme.example"},
		"unsubscribe": {"leave@", "bye@"},
	}
	for name, edit := range other {
		if !strings.Contains(digestBase, edit[0]) {
			t.Fatalf("%s: %q is not in digestBase", name, edit[0])
		}
		if got := digest(t, strings.Replace(digestBase, edit[0], edit[1], 1), file); got == base {
			t.Errorf("%s changed: digest the same", name)
		}
	}
}
