package campaign

import (
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"strings"
	"testing"
	"time"
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
	// state_dir: . is the folder itself, which moves with it.
	inFolder := digestBase + "state_dir: .\n"
	if digest(t, inFolder, filepath.Join(dir, "moved", "c.yaml")) != digest(t, inFolder, file) {
		t.Errorf("folder moved with state_dir: . : digest changed")
	}
	if digest(t, inFolder, file) == base {
		t.Errorf("state_dir: . and the default: the same digest")
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

// TestMessagesDigestStable: the same campaign file gives the same digest
// loaded again after its locale wrote a date, from another working
// directory by a relative path, and through a symlink to its folder.
func TestMessagesDigestStable(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "c.yaml")
	if err := os.WriteFile(file, []byte(digestBase), 0o644); err != nil {
		t.Fatal(err)
	}
	load := func(path string) string {
		t.Helper()
		c, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		return c.MessagesDigest()
	}
	c, err := Load(file)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	base := c.MessagesDigest()
	_ = c.Locale.Month(time.March, true) + c.Locale.Weekday(time.Monday, false) + c.Recipients.Locale.Group()
	if again := c.MessagesDigest(); again != base {
		t.Errorf("after the locale wrote a date: digest changed")
	}
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	if got := load(filepath.Join(link, "c.yaml")); got != base {
		t.Errorf("through a symlink to its folder: digest changed")
	}
	t.Chdir(link)
	if got := load("c.yaml"); got != base {
		t.Errorf("by a relative path from its folder: digest changed")
	}
}

// TestDigesterCycle: a value that holds itself (a pointer, a slice in an
// interface, a map) is written, not followed for ever; two cycles that
// differ have other bytes, the same cycle built twice the same.
func TestDigesterCycle(t *testing.T) {
	defer debug.SetMaxStack(debug.SetMaxStack(32 << 20)) // an endless walk fails fast
	type node struct {
		Name string
		Next *node
		Any  []any
		Map  map[string]any
	}
	build := func(name string) *node {
		n := &node{Name: name, Any: make([]any, 1), Map: map[string]any{}}
		n.Next, n.Any[0], n.Map["self"] = n, n.Any, n.Map
		return n
	}
	sum := func(v any) string {
		var b strings.Builder
		newDigester(&b, "").value(reflect.ValueOf(v))
		return b.String()
	}
	a, b := sum(build("a")), sum(build("a"))
	if a != b {
		t.Errorf("the same cycle built twice: %s, then %s", a, b)
	}
	if c := sum(build("b")); c == a {
		t.Errorf("two cycles that differ: the same bytes %s", a)
	}
}

// tieKey is a map key all of whose values print alike.
type tieKey struct{ n int }

func (tieKey) String() string { return "tie" }

// TestDigesterMapOrder: a map is written the same whatever order it
// gives its entries in, its keys printing alike or as addresses.
func TestDigesterMapOrder(t *testing.T) {
	sum := func(v any) string {
		var b strings.Builder
		newDigester(&b, "").value(reflect.ValueOf(v))
		return b.String()
	}
	ties := map[tieKey]int{{1}: 1, {2}: 2, {3}: 3, {4}: 4, {5}: 5}
	first := sum(ties)
	for range 30 {
		if got := sum(ties); got != first {
			t.Fatalf("keys printing alike: %s, then %s", first, got)
		}
	}
	ties[tieKey{5}] = 6
	if sum(ties) == first {
		t.Errorf("a value changed: the same bytes")
	}
	byAddress := func(names ...string) map[*string]int {
		m := map[*string]int{}
		for i, s := range names {
			m[&s] = len(names[i])
		}
		return m
	}
	x, y := byAddress("a", "bb", "ccc"), byAddress("ccc", "bb", "a")
	if sum(x) != sum(y) {
		t.Errorf("pointer keys built in another order: %s, then %s", sum(x), sum(y))
	}
}

// TestMessagesDigestDatesSaid: without a locale, recipients.dates left
// unset refuses a dashed date that reads as another day first
// (09-12-2026), and dates: month-first, written, sends it as 12
// September: the two digests differ, so a spool made under one is not
// sent from under the other. The digest ignored whether the setting was
// written, so the row the error told to write dates: month-first for
// stayed refused by the generation made before (rev-eng38), and a spool
// an earlier build made, which sent such a date month first, was sent
// from as it was.
func TestMessagesDigestDatesSaid(t *testing.T) {
	const base = "name: n\nfrom: a@acme.example\nsubject: s\ntext: body.txt\nrecipients:\n  path: people.csv\n"
	digest := func(yaml string) string {
		t.Helper()
		c, err := Parse([]byte(yaml), filepath.Join(t.TempDir(), "c.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		return c.MessagesDigest()
	}
	unset, said := digest(base), digest(base+"  dates: month-first\n")
	if unset == said {
		t.Errorf("recipients.dates unset and month-first written: the same digest")
	}
	if digest(base+"  dates: day-first\n") == said {
		t.Errorf("recipients.dates day-first and month-first: the same digest")
	}
}
