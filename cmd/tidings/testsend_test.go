package main

import (
	"context"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestTestSendToMailpit: `send --test` delivers the chosen rows to the test
// address only (mailpit refuses every other recipient), with [TEST]
// subjects, the rows' recipients in X-Tidings-Test-For and Message-IDs of
// their own; the rows stay unsent in the journal, the test messages count
// towards daily_cap, and a test that does not fit the cap sends nothing.
func TestTestSendToMailpit(t *testing.T) {
	cert := smtptest.NewCert(t, "127.0.0.1")
	const user, pass = "news@acme.example", "mailpit-test-send"
	mp := smtptest.StartMailpit(t, cert, user, pass, smtptest.MailpitArgs("--smtp-allowed-recipients", `^tester@qa\.example$`))
	certFile, _ := cert.WriteFiles(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml": `name: t
from: "Acme <news@acme.example>"
to: '{{address .name .email}}'
cc: '{{.cc}}'
subject: "Hello {{.name}}"
text: body.txt
recipients: {path: r.csv}
smtp: {host: 127.0.0.1, port: ` + strconv.Itoa(mp.SMTPPort) + `, security: starttls, username: ` + user + `, password_env: TIDINGS_TEST_SEND_PW, ca_file: ` + certFile + `}
send: {daily_cap: 5}
`,
		"body.txt": "Hi {{.name}}\n",
		"r.csv": "email,name,cc\n" +
			"ann@example.org,Ann,boss@example.org\n" +
			"bob@example.org,Bob,\n" +
			"cid@example.org,Cid,\n" +
			"dan@example.org,Dan,\n" +
			"eve@example.org,Eve,\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	t.Setenv("TIDINGS_TEST_SEND_PW", pass)

	out, errOut, code := runCLI(t, "send", "--test", "tester@qa.example", camp)
	if code != 0 {
		t.Fatalf("send --test: code %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "test send of 3 messages to tester@qa.example") || !strings.Contains(out, "3 of 3 messages sent") {
		t.Errorf("output:\n%s", out)
	}
	msgs := mp.Messages(t)
	if len(msgs) != 3 {
		t.Fatalf("mailpit has %d messages, want 3", len(msgs))
	}
	subjects := map[string]bool{}
	for _, m := range msgs {
		subjects[m.Subject] = true
		if len(m.To) != 1 || m.To[0].Address != "tester@qa.example" || len(m.Cc) != 0 {
			t.Errorf("%s: To %v, Cc %v", m.Subject, m.To, m.Cc)
		}
		raw := string(mp.Raw(t, m.ID))
		if !strings.Contains(raw, "\r\nX-Tidings-Test-For: To: ") {
			t.Errorf("%s has no X-Tidings-Test-For:\n%s", m.Subject, raw)
		}
		if m.Subject == "[TEST] Hello Ann" && !strings.Contains(raw, "X-Tidings-Test-For: To: Ann <ann@example.org>; Cc: boss@example.org\r\n") {
			t.Errorf("Ann's test message does not name her recipients:\n%s", raw)
		}
	}
	for _, s := range []string{"[TEST] Hello Ann", "[TEST] Hello Bob", "[TEST] Hello Cid"} {
		if !subjects[s] {
			t.Errorf("no message %q among %v", s, subjects)
		}
	}

	state := func() *journal.State {
		s, err := journal.Load(context.Background(), filepath.Join(dir, ".tidings", "t"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	st := state()
	if st.Len() != 0 || st.Tests != len(msgs) {
		t.Errorf("journal: %d entries, %d tests; want none and %d", st.Len(), st.Tests, len(msgs))
	}
	for _, k := range []string{"ann@example.org", "eve@example.org"} {
		if d, err := st.Decide(k, journal.Policy{}); err != nil || !d.Send {
			t.Errorf("%s is decided %+v (%v) after the test, want still to send", k, d, err)
		}
	}

	out, errOut, code = runCLI(t, "send", "--test", "tester@qa.example", "--rows", "5", camp)
	if code != 0 || !strings.Contains(out, "row 5 (dan@example.org)  sent  250") {
		t.Fatalf("--rows 5: code %d\n%s%s", code, out, errOut)
	}
	if left, _ := state().Quota(5, 24*time.Hour, time.Now()); left != 1 {
		t.Errorf("daily_cap 5 after 4 test messages: %d left, want 1", left)
	}
	out, errOut, code = runCLI(t, "send", "--test", "tester@qa.example", "--sample", "2", camp)
	if code != exitSomeFailed || !strings.Contains(errOut, "daily_cap 5: 1 message may go now and the test has 2") {
		t.Errorf("over the cap: code %d\n%s%s", code, out, errOut)
	}
	// It says when the test may go, as the cap's line of a send does
	// (capWhen): when the first test message leaves the cap's day. It
	// said no time while the cap had room for some, and a raw
	// 2026-12-08T16:54:03Z while it had none (rev-eng37).
	if m := regexp.MustCompile(`; nothing was sent: run tidings send --test \S+ --sample 2 \S+ again once the cap allows \(after (\d\d:\d\d) UTC\S*( tomorrow)?\)`).FindStringSubmatch(errOut); m == nil {
		t.Errorf("over the cap: no time in capWhen's words:\n%s", errOut)
	} else if slots := state().CapSlots(5, 24*time.Hour, time.Now()); len(slots) == 0 || m[1] != capMinute(slots[0]).Format("15:04") {
		t.Errorf("over the cap: the test may go after %s, want the first slot's minute, rounded up (%v)", m[1], slots)
	}
	if n := len(mp.Messages(t)); n != 4 {
		t.Errorf("mailpit has %d messages after a refused test, want 4", n)
	}
	out, errOut, code = runCLI(t, "send", "--test", "tester@qa.example", "--rows", "9", camp)
	if code != exitUnusable || !strings.Contains(errOut, "row 9 is not in") {
		t.Errorf("--rows 9: code %d\n%s%s", code, out, errOut)
	}
	for _, args := range [][]string{{"--rows", "1"}, {"--rows", "x"}, {"--sample", "2", "--rows", "3"}} {
		_, errOut, code = runCLI(t, append(append([]string{"send", "--test", "tester@qa.example"}, args...), camp)...)
		if code != exitUnusable {
			t.Errorf("%v: code %d\n%s", args, code, errOut)
		}
	}
	if _, errOut, code = runCLI(t, "send", "--rows", "3", camp); code != exitUnusable || !strings.Contains(errOut, "add --test") {
		t.Errorf("--rows without --test: code %d\n%s", code, errOut)
	}
}

// TestTestSendRowProblem: a row chosen for a test that has a problem is
// named, every one of them with all their problems, and nothing is sent.
func TestTestSendRowProblem(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nuser000@example.com,A\nnot-an-address,B\n"})
	out, errOut, code := runCLI(t, "send", "--test", "me@example.net", "--skip-invalid", "--rows", "3", camp)
	if code != exitSomeFailed || !strings.Contains(out, "problem:") || !strings.Contains(out, "row 3") {
		t.Errorf("code %d\n%s%s", code, out, errOut)
	}
	if n := srv.Received("me@example.net"); n != 0 {
		t.Errorf("the test address received %d messages", n)
	}
	// Every chosen row's problems, a row with two as well.
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nuser000@example.com,A\nnot-an-address,B\nbad@@example.com,C\x01\n"})
	out, errOut, code = runCLI(t, "send", "--test", "me@example.net", "--rows", "2-4", camp)
	if code != exitSomeFailed || strings.Count(out, "problem: ") != 3 || !strings.Contains(out, "row 3, column") || !strings.Contains(out, `row 4, column "email"`) || !strings.Contains(out, `row 4, column "name"`) ||
		!strings.Contains(errOut, "2 rows chosen for the test have a problem; nothing was sent") || srv.Received("me@example.net") != 0 {
		t.Errorf("two rows with problems: code %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nuser000@example.com,A\nnot-an-address,B\n"})
	out, errOut, code = runCLI(t, "send", "--test", "me@example.net", "--skip-invalid", camp)
	if code != 0 || srv.Received("me@example.net") != 1 || srv.Received("user000@example.com") != 0 {
		t.Errorf("the valid row: code %d, received %d\n%s%s", code, srv.Received("me@example.net"), out, errOut)
	}
	// A row that renders alone but has an earlier row's key with other
	// values: the preflight's problem, named as well.
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nuser000@example.com,A\nuser000@example.com,Other\n"})
	out, errOut, code = runCLI(t, "send", "--test", "me@example.net", "--skip-invalid", "--rows", "3", camp)
	if code != exitSomeFailed || !strings.Contains(out, `problem: `) || !strings.Contains(out, `row 3, column "email": the key of an earlier row`) || srv.Received("me@example.net") != 1 {
		t.Errorf("a row with an earlier row's key: code %d, received %d\n%s%s", code, srv.Received("me@example.net"), out, errOut)
	}
}

// TestTestSendFlags: an empty --test is refused (never taken for a real
// send), and so are --limit with --test and a test address that is none;
// other rows' problems do not hold a test of good rows up.
func TestTestSendFlags(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nuser000@example.com,A\nnot-an-address,B\nuser002@example.com,C\n"})
	for _, args := range [][]string{{"--test", ""}, {"--test", " "}, {"--test", "me@example.net", "--limit", "1"}, {"--test", "not-an-address"}, {"--test", "me@example.net", "--sample", "0"}} {
		_, errOut, code := runCLI(t, append(append([]string{"send", "--yes"}, args...), camp)...)
		if code != exitUnusable {
			t.Errorf("%q: code %d\n%s", args, code, errOut)
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("the refused commands sent %d messages", n)
	}
	out, errOut, code := runCLI(t, "send", "--test", "me@example.net", camp)
	if code != 0 || srv.Received("me@example.net") != 2 || !strings.Contains(out, "note: 1 row of 3 has problems") {
		t.Errorf("test of the good rows: code %d, received %d\n%s%s", code, srv.Received("me@example.net"), out, errOut)
	}
}

// TestTestSendRowsSendSkips: rows named for a test that send would not
// send (a duplicate, a row sent already) are tested all the same, with a
// note that says why send would not send them; a row send would send gets
// no note.
func TestTestSendRowsSendSkips(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "")
	dir := filepath.Dir(camp)
	writeFiles(t, dir, map[string]string{"r.csv": "email,name\nuser000@example.com,A\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, dir, map[string]string{"r.csv": "email,name\nuser000@example.com,A\nuser001@example.com,B\nUSER001@example.com,B\n"})
	out, errOut, code := runCLI(t, "send", "--test", "me@example.net", "--rows", "2-4", camp)
	const note = "note: send would not send these rows, whose test messages go all the same: row 2 (user000@example.com): sent already; row 4 (USER001@example.com): duplicate of row 3\n"
	if code != exitOK || srv.Received("me@example.net") != 3 || !strings.Contains(out, note) {
		t.Errorf("code %d, received %d\n%s%s", code, srv.Received("me@example.net"), out, errOut)
	}
	out, errOut, code = runCLI(t, "send", "--test", "me@example.net", "--rows", "3", camp)
	if code != exitOK || strings.Contains(out, "note: send would not") {
		t.Errorf("a row to send: code %d\n%s%s", code, out, errOut)
	}
	// A sent row whose values changed since: the test shows it as it is
	// now, which send would not send without --resend-changed. The
	// outcome lines come in row order.
	writeFiles(t, dir, map[string]string{"r.csv": "email,name\nuser000@example.com,Ann\nuser001@example.com,B\n"})
	out, errOut, code = runCLI(t, "send", "--test", "me@example.net", "--rows", "2-3", camp)
	const changed = "note: send would not send this row, whose test message goes all the same: row 2 (user000@example.com): sent already, as it was then: name changed since, which the test shows (send --resend-changed sends it again)\n"
	if code != exitOK || !strings.Contains(out, changed) || strings.Index(out, "  row 2 (") > strings.Index(out, "  row 3 (") {
		t.Errorf("a changed row: code %d\n%s%s", code, out, errOut)
	}
}

// TestParseRowsWords: --rows says what is wrong with a part it refuses.
func TestParseRowsWords(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"3-2":    `"3-2" runs backwards: write the lower row first (2-3)`,
		"x":      `"x" is not a row number or a range like 10-12`,
		"1":      "row 1 is the header",
		"2-2000": "names more than 1000 rows",
	} {
		if _, err := parseRows(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseRows(%q) = %v, want %q", in, err, want)
		}
	}
	if rows, err := parseRows(" 2, 5-7 ,"); err != nil || !slices.Equal(rows, []int{2, 5, 6, 7}) {
		t.Errorf("parseRows = %v, %v", rows, err)
	}
}

// TestTestSendAddressRefused: a test to two addresses, one of which the
// server refuses for good, says which did not get it and exits 1, as a
// send whose message reached only some of its recipients does.
func TestTestSendAddressRefused(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if strings.HasPrefix(to, "badme@") {
			return smtptest.Reply(550, "5.1.1", "no such user")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 2, "")
	out, errOut, code := runCLI(t, "send", "--test", "badme@example.net,me@example.net", "--rows", "2", camp)
	if code != exitSomeFailed || srv.Received("me@example.net") != 1 || !strings.Contains(out, "test send: 1 of 1 message sent, but not to badme@example.net;") {
		t.Errorf("code %d, me got %d\n%s%s", code, srv.Received("me@example.net"), out, errOut)
	}
}

// TestInitQuotesPaths: the commands init suggests can be pasted as they
// are printed, into a folder whose name has a space.
func TestInitQuotesPaths(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "my news")
	out, errOut, code := runCLI(t, "init", dir)
	camp := "'" + filepath.Join(dir, "campaign.yaml") + "'"
	if code != exitOK || !strings.Contains(out, "tidings check "+camp+"\n") || !strings.Contains(out, "Wrote a campaign to '"+dir+"'. Next:") {
		t.Errorf("init: code %d, want the paths quoted\n%s%s", code, out, errOut)
	}
}

// TestTestSendShortSample: --sample 10 over a sheet with 6 rows to send
// tests those 6 and says why it sends fewer: how many rows the sheet has,
// and why send sends none of the others (sent already, a duplicate). It
// exits 0. A sample the sheet has enough rows for gets no such note.
func TestTestSendShortSample(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 8, "")
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "2", camp); code != exitSomeFailed {
		t.Fatalf("send --limit 2: code %d\n%s%s", code, out, errOut)
	}
	sheet := readFile(t, filepath.Join(filepath.Dir(camp), "r.csv"))
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": sheet + "USER003@example.com,User 3\n"})
	out, errOut, code := runCLI(t, "send", "--test", "me@example.net", "--sample", "10", camp)
	const note = "note: --sample 10: the sheet has only 6 rows to send (of its 9 rows: 2 sent already, 1 duplicate); testing those 6\n"
	if code != exitOK || srv.Received("me@example.net") != 6 || !strings.Contains(out, note) {
		t.Errorf("code %d, received %d, want 0, 6 and %q\n%s%s", code, srv.Received("me@example.net"), note, out, errOut)
	}
	out, errOut, code = runCLI(t, "send", "--test", "me@example.net", "--sample", "6", camp)
	if code != exitOK || strings.Contains(out, "note: --sample") {
		t.Errorf("--sample 6: code %d\n%s%s", code, out, errOut)
	}
	// Nothing left to send: the refusal says why.
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runCLI(t, "send", "--test", "me@example.net", camp)
	if want := "no row is left to send (of the sheet's 9 rows: 8 sent already, 1 duplicate); name the rows to test with --rows"; code != exitUnusable || !strings.Contains(errOut, want) {
		t.Errorf("nothing left: code %d, want %q\n%s%s", code, want, out, errOut)
	}
}

// TestTestSendDotlessAddress: a test address whose domain has no dot
// ("kasse@tsv-beispiel", the ".de" left out) is warned of, as a row's
// address is, and the test goes to it (a test server may take it); a
// usual address gets no warning (rev-user11, a secretary's test to
// herself that a server took and the Internet would not).
func TestTestSendDotlessAddress(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 1, "")
	out, errOut, code := runCLI(t, "send", "--test", "kasse@tsv-beispiel", camp)
	const want = `warning: --test: kasse@tsv-beispiel: the domain "tsv-beispiel" has no dot`
	if code != exitOK || srv.Received("kasse@tsv-beispiel") != 1 || !strings.Contains(out, want) {
		t.Errorf("code %d, received %d\n%s%s", code, srv.Received("kasse@tsv-beispiel"), out, errOut)
	}
	out, errOut, code = runCLI(t, "send", "--test", "kasse@tsv-beispiel.de", camp)
	if code != exitOK || strings.Contains(out, "no dot") {
		t.Errorf("a usual address: code %d\n%s%s", code, out, errOut)
	}
}

// TestTestSendSheetWarnings: a test send says what send and check say of
// the sheet and the campaign as a whole (a header with white space
// around it; an unsubscribe url without one_click), where it said
// nothing and the secretary met them first at the real send (rev-user11,
// a club's export whose byte order mark the code page read past).
func TestTestSendSheetWarnings(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "unsubscribe: {url: 'https://example.com/u?e={{.email | urlquery}}'}\n")
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name \nuser000@example.com,A\nuser001@example.com,B\n"})
	out, errOut, code := runCLI(t, "send", "--test", "me@example.net", camp)
	for _, want := range []string{`warning: r.csv: header "name " (column B) has white space around it`, "warning: " + camp + ":"} {
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("code %d, want %q\n%s%s", code, want, out, errOut)
		}
	}
}

// TestTestSendOverCap: a send --test of more messages than daily_cap
// lets go in a day never goes whole, so its refusal gives no time the
// rest may go at: it said "the cap lets the rest go 1 after 18:20 UTC
// tomorrow, others a day after those that go now", and at 18:20 it was
// refused again (rev-eng37).
func TestTestSendOverCap(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 5, "send: {concurrency: 1, daily_cap: 2}\n")
	if out, errOut, code := runCLI(t, "send", "--test", "tester@example.com", "--sample", "1", camp); code != 0 {
		t.Fatalf("send --test --sample 1: code %d\n%s%s", code, out, errOut)
	}
	out, errOut, code := runCLI(t, "send", "--test", "tester@example.com", "--sample", "3", camp)
	if code != exitSomeFailed || !strings.Contains(errOut, "daily_cap 2: 1 message may go now and the test has 3; nothing was sent") {
		t.Errorf("a test over the cap: code %d, want %d and no time\n%s%s", code, exitSomeFailed, out, errOut)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("the server has %d messages, want the first test's 1", n)
	}
}
