package main

import (
	"bufio"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// stallingIMAP is a hostile IMAP server on 127.0.0.1:0 holding the
// messages held gives it when a client connects (UIDs 1, 2, …): it greets, logs in, selects, lists and serves them as a server
// should, but for the last, whose FETCH it answers with "* OK" lines, one
// every few milliseconds, for ever: no wait is long, yet the command
// never ends. It returns the port.
func stallingIMAP(t *testing.T, held func() []string) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { conn.Close() })
			go stallIMAPSession(conn, held())
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

// stallIMAPSession serves one connection of stallingIMAP.
func stallIMAPSession(conn net.Conn, msgs []string) {
	defer conn.Close()
	fmt.Fprint(conn, "* OK [CAPABILITY IMAP4rev1] stalling\r\n")
	r := bufio.NewReader(conn)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		tag, verb := f[0], strings.ToUpper(f[1])
		if verb == "UID" && len(f) > 3 {
			verb += " " + strings.ToUpper(f[2])
		}
		switch verb {
		case "CAPABILITY":
			fmt.Fprintf(conn, "* CAPABILITY IMAP4rev1\r\n%s OK done\r\n", tag)
		case "LOGIN":
			fmt.Fprintf(conn, "%s OK logged in\r\n", tag)
		case "SELECT":
			fmt.Fprintf(conn, "* FLAGS (\\Seen \\Deleted)\r\n* %d EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n%s OK [READ-WRITE] selected\r\n", len(msgs), tag)
		case "UID SEARCH":
			var uids []string
			for i := range msgs {
				uids = append(uids, strconv.Itoa(i+1))
			}
			fmt.Fprintf(conn, "* SEARCH %s\r\n%s OK searched\r\n", strings.Join(uids, " "), tag)
		case "UID FETCH":
			uid, _ := strconv.Atoi(f[3])
			switch {
			case strings.Contains(line, "FLAGS"): // the listing
				for i, m := range msgs {
					fmt.Fprintf(conn, "* %d FETCH (UID %d RFC822.SIZE %d FLAGS ())\r\n", i+1, i+1, len(m))
				}
			case uid == len(msgs):
				tick := time.NewTicker(2 * time.Millisecond)
				defer tick.Stop()
				for range tick.C {
					if _, err := fmt.Fprint(conn, "* OK still fetching\r\n"); err != nil {
						return
					}
				}
			case strings.Contains(line, "BODY.PEEK"):
				fmt.Fprintf(conn, "* %d FETCH (UID %d BODY[]<0> {%d}\r\n%s)\r\n", uid, uid, len(msgs[uid-1]), msgs[uid-1])
			default:
				fmt.Fprintf(conn, "* %d FETCH (UID %d RFC822.SIZE %d)\r\n", uid, uid, len(msgs[uid-1]))
			}
			fmt.Fprintf(conn, "%s OK fetched\r\n", tag)
		case "LOGOUT":
			fmt.Fprintf(conn, "* BYE\r\n%s OK bye\r\n", tag)
			return
		default:
			fmt.Fprintf(conn, "%s BAD what\r\n", tag)
		}
	}
}

// TestBouncesMaxTime: a server that serves two bounces, then answers the
// FETCH of a third message with an endless trickle of "* OK" lines,
// keeps bounces no longer than --max-time: it exits 2 naming the server,
// the command and the limit, and what it read before is recorded (the
// suppression list and the report have the two bounces) and remembered:
// the next run skips them and reads on.
func TestBouncesMaxTime(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var msgs []string
	port := stallingIMAP(t, func() []string { mu.Lock(); defer mu.Unlock(); return msgs })
	srv := smtptest.NewServer(t, smtptest.WithDSN())
	camp := sentBounceCampaign(t, srv, fmt.Sprintf("mailbox: {protocol: imap, host: 127.0.0.1, port: %d, security: none, username: %s, password_env: TIDINGS_BOUNCES_PW}\n", port, bounceUser))
	ids := messageIDs(t, camp)
	crlf := func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }
	mu.Lock()
	for i, k := range []string{"ann@example.org", "bob@example.org", "cid@example.org"} {
		msgs = append(msgs, crlf(dsnReport("<"+ids[k]+">", "", k, "failed", "5.1.1", "550 5.1.1 user unknown", "m"+strconv.Itoa(i))))
	}
	mu.Unlock()

	start := time.Now()
	out, errOut, code := runCLI(t, "bounces", "--max-time", "1s", camp)
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("bounces took %s with --max-time 1s", d)
	}
	want := "tidings: mailbox: 127.0.0.1:" + strconv.Itoa(port) + ": UID FETCH (FETCH of message 3) stopped: the run's time limit of 1s (--max-time) is up; the session is closed; " +
		"nothing read so far is lost: what the 2 of 3 messages read before it held is recorded, and the next run skips them (they are remembered in the state folder's bounces.read) and reads the 1 not read yet"
	if code != exitUnusable || !strings.Contains(errOut, want) {
		t.Fatalf("bounces: code %d, want %d and\n %s\n%s%s", code, exitUnusable, want, out, errOut)
	}
	if w := "t: 3 messages in the mailbox, 2 read before the run stopped (see below): 2 matched this campaign (2 bounced; 2 new)"; !strings.Contains(out, w) {
		t.Errorf("output lacks %q:\n%s", w, out)
	}
	list := readFile(t, filepath.Join(filepath.Dir(camp), "suppress.txt"))
	for _, a := range []string{"ann@example.org  # bounced 5.1.1", "bob@example.org  # bounced 5.1.1"} {
		if !strings.Contains(list, a) {
			t.Errorf("suppress.txt lacks %q:\n%s", a, list)
		}
	}
	if strings.Contains(list, "cid@") {
		t.Errorf("suppress.txt has the message never read:\n%s", list)
	}
	if r := rowByKey(t, camp, "bob@example.org"); r["status"] != "bounced" {
		t.Errorf("report of bob: %s, want bounced", r["status"])
	}
	// The next run skips the two read and reads on: the third, now that
	// a fourth is the one that stalls.
	mu.Lock()
	msgs = append(msgs, crlf(dsnReport("<"+ids["dan@example.org"]+">", "", "dan@example.org", "failed", "5.1.1", "550 5.1.1 user unknown", "m3")))
	mu.Unlock()
	out, errOut, code = runCLI(t, "bounces", "--max-time", "1s", camp)
	if code != exitUnusable || !strings.Contains(errOut, "what the 1 of 2 messages read before it held is recorded, and the next run skips them") ||
		!strings.Contains(out, "t: 4 messages in the mailbox, 2 skipped (read by earlier runs), 1 read before the run stopped (see below): 1 matched this campaign (1 bounced; 1 new)") ||
		!strings.Contains(out, "(2 messages read by earlier runs were skipped, as ") {
		t.Errorf("second run: code %d\n%s%s", code, out, errOut)
	}
	if list := readFile(t, filepath.Join(filepath.Dir(camp), "suppress.txt")); !strings.Contains(list, "cid@example.org  # bounced 5.1.1") || strings.Count(list, "ann@") != 1 {
		t.Errorf("suppress.txt after the second run:\n%s", list)
	}
	if _, errOut, code := runCLI(t, "bounces", "--max-time", "0s", camp); code != exitUnusable || !strings.Contains(errOut, "--max-time 0s: give the run a positive time limit") {
		t.Errorf("--max-time 0s: code %d\n%s", code, errOut)
	}
}

// TestBouncesMaxTimeHelp: --max-time's help line says what a stopped run
// leaves: what it read moved, deleted or remembered, and the next run
// reading on from there; it and a --max-time refused write the limit as
// the project writes a duration for a person, "30m00s", not Go's "30m0s"
// (today's review).
func TestBouncesMaxTimeHelp(t *testing.T) {
	t.Parallel()
	out, _, code := runCLI(t, "bounces", "--help")
	_, line, _ := strings.Cut(out, "--max-time duration")
	line, _, _ = strings.Cut(line, "\n")
	if code != 0 || strings.Contains(line, "again from its start") || !strings.Contains(line, "moved, deleted or remembered: the next run reads on from there") ||
		!strings.HasSuffix(line, " (default 30m00s)") {
		t.Errorf("bounces --help: code %d, --max-time%s", code, line)
	}
	camp := filepath.Join(t.TempDir(), "c.yaml")
	if _, errOut, code := runCLI(t, "bounces", "--max-time", "-5m", camp); code != exitUnusable ||
		!strings.Contains(errOut, "--max-time -5m00s: give the run a positive time limit (default 30m00s)") {
		t.Errorf("--max-time -5m: code %d\n%s", code, errOut)
	}
}
