package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// slowProxy is a TCP proxy on a free loopback port in front of a real
// server. Armed with markers, it slows every connection whose client
// sends a command holding one, each time, from that command on: the
// server's replies then pass one byte every pace, or, with pace zero, not
// at all (the command reaches the server, its reply never the client).
// A server that cannot give one message in time, as the client sees it.
// Armed to cut (armCut), it closes both sides instead, the command not
// passed on: a server that drops the connection on that message. Made to
// flood (floods, pace zero), it answers such a command itself, for ever,
// with untagged "* OK" lines in quick succession (the server's reply
// swallowed): an IMAP server that never finishes that FETCH, meeting the
// bound on an exchange's responses at once, with no wait on a timeout.
// It closes when the test ends.
type slowProxy struct {
	ln     net.Listener
	target string
	pace   time.Duration

	mu       sync.Mutex
	markers  [][]byte
	stalls   [][]byte // slowed whatever markers do (stall)
	cut      bool
	flood    bool
	hold     bool
	held     []net.Conn
	bye      string   // written to the client before a cut
	once     bool     // disarm after the first hit
	onCut    func()   // run before a cut connection is closed (afterCut)
	swaps    []string // old, new, …: replaced in the server's replies (rewrites)
	before   []byte   // a command before which beforeFn runs (beforeCommand)
	beforeFn func()
	hits     int
	// accepted gets a value for each connection the proxy accepts
	// (dropped when nobody takes them).
	accepted chan struct{}
}

func startSlowProxy(t *testing.T, port int, pace time.Duration) *slowProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &slowProxy{ln: ln, target: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), pace: pace, accepted: make(chan struct{}, 256)}
	t.Cleanup(func() { ln.Close() })
	go p.serve(t)
	return p
}

// Port is the port clients connect to.
func (p *slowProxy) Port() int { return p.ln.Addr().(*net.TCPAddr).Port }

// arm slows the connections that send one of markers from now on (none,
// or "", for none).
func (p *slowProxy) arm(markers ...string) { p.armAs(false, markers) }

// armCut cuts the connections that send one of markers from now on.
func (p *slowProxy) armCut(markers ...string) { p.armAs(true, markers) }

// armCutOnce cuts the first connection that sends one of markers, then
// passes everything on.
func (p *slowProxy) armCutOnce(markers ...string) {
	p.armAs(true, markers)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.once = true
}

// armAs arms markers, to cut or to slow.
func (p *slowProxy) armAs(cut bool, markers []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut, p.once = cut, false
	p.markers = p.markers[:0]
	for _, m := range markers {
		if m != "" {
			p.markers = append(p.markers, []byte(m))
		}
	}
}

// stall slows, besides what markers do, the connections that send one
// of stalls from now on.
func (p *slowProxy) stall(stalls ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, m := range stalls {
		p.stalls = append(p.stalls, []byte(m))
	}
}

// holds makes the proxy keep the server's side of a connection it slowed
// or cut open once the client left, until the test ends: a server that
// has not noticed the session is gone (and holds its POP3 lock).
func (p *slowProxy) holds() { p.mu.Lock(); defer p.mu.Unlock(); p.hold = true }

// keep keeps server, when the proxy holds (holds), reporting whether.
func (p *slowProxy) keep(server net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.hold {
		p.held = append(p.held, server)
	}
	return p.hold
}

// release closes the server's sides it held, and holds no more.
func (p *slowProxy) release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range p.held {
		s.Close()
	}
	p.held, p.hold = nil, false
}

// byes makes the proxy write line to the client before it cuts a
// connection: Dovecot's "* BYE Internal error occurred" when a FETCH fails.
func (p *slowProxy) byes(line string) { p.mu.Lock(); defer p.mu.Unlock(); p.bye = line }

// sayBye writes the line to say before a cut (byes), if any.
func (p *slowProxy) sayBye(client net.Conn) {
	p.mu.Lock()
	bye := p.bye
	p.mu.Unlock()
	if bye != "" {
		client.Write([]byte(bye))
	}
}

// afterCut makes the proxy run fn when it cuts a connection, before the
// client sees the cut: another client acting on the mailbox meanwhile.
func (p *slowProxy) afterCut(fn func()) { p.mu.Lock(); defer p.mu.Unlock(); p.onCut = fn }

// runOnCut runs what afterCut set, if anything.
func (p *slowProxy) runOnCut() {
	p.mu.Lock()
	fn := p.onCut
	p.mu.Unlock()
	if fn != nil {
		fn()
	}
}

// floods makes the proxy, of pace zero, flood the connections it slows.
func (p *slowProxy) floods() { p.mu.Lock(); defer p.mu.Unlock(); p.flood = true }

// hit reports whether b holds one of the markers, counting it, and
// whether to cut the connection then or to flood it.
func (p *slowProxy) hit(b []byte) (hit, cut, flood bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, m := range p.markers {
		if bytes.Contains(b, m) {
			p.hits++
			cut := p.cut
			if p.once {
				p.markers, p.once = nil, false
			}
			return true, cut, p.flood && !cut && p.pace == 0
		}
	}
	for _, m := range p.stalls {
		if bytes.Contains(b, m) {
			return true, false, false
		}
	}
	return false, false, false
}

// hitCount is how many commands holding a marker came.
func (p *slowProxy) hitCount() int { p.mu.Lock(); defer p.mu.Unlock(); return p.hits }

func (p *slowProxy) serve(t *testing.T) {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		select {
		case p.accepted <- struct{}{}:
		default:
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		t.Cleanup(func() { c.Close(); s.Close() })
		var slowed atomic.Bool
		go func() { defer c.Close(); defer s.Close(); p.replies(c, s, &slowed) }()
		go func() {
			defer c.Close()
			p.commands(c, s, &slowed)
			if !slowed.Load() || !p.keep(s) {
				s.Close()
			}
		}()
	}
}

// commands passes the client's bytes on, marking the connection slowed
// before a command holding a marker reaches the server, or cutting it
// there (the deferred closes of the caller).
func (p *slowProxy) commands(client, server net.Conn, slowed *atomic.Bool) {
	buf := make([]byte, 32<<10)
	for {
		n, err := client.Read(buf)
		if n > 0 {
			hit, cut, flood := p.hit(buf[:n])
			if cut {
				slowed.Store(true) // for holds
				p.runOnCut()
				p.sayBye(client)
				return
			}
			if hit && !slowed.Swap(true) && flood {
				go floodOK(client)
			}
			p.runBefore(buf[:n])
			if _, werr := server.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// floodOK writes untagged "* OK" lines to client until it fails (the
// client or the test closed the connection).
func floodOK(client net.Conn) {
	lines := bytes.Repeat([]byte("* OK still working on it\r\n"), 1024)
	for {
		if _, err := client.Write(lines); err != nil {
			return
		}
	}
}

// replies passes the server's bytes on, once slowed one every pace (none
// with pace zero).
func (p *slowProxy) replies(client, server net.Conn, slowed *atomic.Bool) {
	buf := make([]byte, 32<<10)
	for {
		n, err := server.Read(buf)
		for i := 0; i < n; {
			switch {
			case !slowed.Load():
				if _, werr := client.Write(p.rewrite(buf[i:n])); werr != nil {
					return
				}
				i = n
			case p.pace == 0:
				i = n // swallowed
			default:
				time.Sleep(p.pace) // the pace of a slow server, not a wait for the test
				if _, werr := client.Write(buf[i : i+1]); werr != nil {
					return
				}
				i++
			}
		}
		if err != nil {
			return
		}
	}
}

// slowCampaign is a campaign sent through an in-process server whose IMAP
// or POP3 mailbox is Dovecot d's, reached through a slowProxy of pace,
// with mailbox.timeout timeout; and the proxy.
func slowCampaign(t *testing.T, d *smtptest.Dovecot, protocol string, pace time.Duration, timeout string) (string, *slowProxy) {
	port := d.IMAPPort
	if protocol == "pop3" {
		port = d.POP3Port
	}
	p := startSlowProxy(t, port, pace)
	srv := smtptest.NewServer(t, smtptest.WithDSN())
	camp := sentBounceCampaign(t, srv, fmt.Sprintf("mailbox: {protocol: %s, host: 127.0.0.1, port: %d, security: none, username: %s, password_env: TIDINGS_BOUNCES_PW, timeout: %s}\n",
		protocol, p.Port(), bounceUser, timeout))
	return camp, p
}

// setMailboxTimeout rewrites camp's mailbox.timeout from was to now.
func setMailboxTimeout(t *testing.T, camp, was, now string) {
	t.Helper()
	b := readFile(t, camp)
	if !strings.Contains(b, "timeout: "+was+"}") {
		t.Fatalf("%s has no timeout %s", camp, was)
	}
	if err := os.WriteFile(camp, []byte(strings.Replace(b, "timeout: "+was+"}", "timeout: "+now+"}", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
}

// overrunRuns runs bounces (args) three times on camp, whose second
// message's fetch the proxy p slows past the bounds of its exchange (the
// command holding markers[i] in run i), and checks what each says: the
// first two pass it over on a new session and read the others (exit 1:
// it is unreadable), first of 5 messages, then second; the third skips it
// unread without asking for it (exit 0), naming it. The first says why
// (the limit it met).
func overrunRuns(t *testing.T, p *slowProxy, markers [3]string, camp, why, first, second string, args ...string) {
	t.Helper()
	run := func(i int, code int, want ...string) {
		t.Helper()
		p.arm(markers[i-1])
		out, errOut, got := runCLI(t, append(append([]string{"bounces"}, args...), camp)...)
		if got != code {
			t.Fatalf("run %d: exit %d, want %d\n%s%s", i, got, code, out, errOut)
		}
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("run %d: output lacks %q:\n%s%s", i, w, out, errOut)
			}
		}
	}
	const named = `(1008 bytes, from "MAILER-DAEMON@mx.example.net", subject "Undelivered Mail Returned to Sender")`
	run(1, exitSomeFailed, first, named+": unreadable: the server did not give it within bounds (", why,
		"; passed over, on a new session: the next run tries it once more, and skips it from then on if it overruns again")
	run(2, exitSomeFailed, second, "; passed over, on a new session: the next runs skip it, saying so, until mailbox.timeout is larger (or bounces.read is removed)", "in 2 runs now")
	if p.hitCount() != 2 {
		t.Errorf("the message was asked for %d times in two runs, want 2", p.hitCount())
	}
	run(3, exitOK, "1 passed over unread (the server did not give it in time; see below)", named+": passed over unread: the server did not give it within the bounds of one exchange (")
	if p.hitCount() != 2 {
		t.Errorf("the third run asked for the message passed over (%d times in all)", p.hitCount())
	}
}

// TestBouncesOverrunIMAP: a message whose FETCH the server (Dovecot over
// IMAP, behind a proxy that answers it with "* OK" lines for ever) never
// finishes within its exchange's bounds (its 10,000 responses) ended
// every run there, unremembered, so that a cron job never got past it.
// Each run now passes it over on a new session and reads the others;
// after it overran in two runs the next skip it unread, saying so; a
// larger mailbox.timeout reads it again. No wait here waits on a
// timeout: mailbox.timeout is 10s, which every other reply has (20 times
// the 500ms this test gave them when the proxy dripped the reply to meet
// the time limit, which took 5s a run).
func TestBouncesOverrunIMAP(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, p := slowCampaign(t, d, "imap", 0, "10s")
	p.floods()
	for _, r := range fiveBounces(t, camp) {
		d.Deliver(t, bounceUser, r)
	}
	const fetch2 = "UID FETCH 2 (UID RFC822.SIZE)"
	overrunRuns(t, p, [3]string{fetch2, fetch2, fetch2}, camp, "UID FETCH (FETCH of message 2) stopped: the server sent more than 10000 responses without completing it",
		"5 messages in the mailbox: 4 matched this campaign (4 bounced; 4 new), 1 unreadable",
		"5 messages in the mailbox, 4 skipped (read by earlier runs): 0 matched this campaign (none; 0 new), 1 unreadable")
	if n := feedbackRecords(t, camp); n != 4 {
		t.Errorf("journal has %d feedback records, want 4", n)
	}
	// A larger mailbox.timeout asks for it again (and gets it: the
	// server is quick again).
	p.arm("")
	setMailboxTimeout(t, camp, "10s", "20s")
	out, errOut, code := runCLI(t, "bounces", camp)
	if code != exitOK || !strings.Contains(out, "5 messages in the mailbox, 4 skipped (read by earlier runs): 1 matched this campaign (1 bounced; 1 new)") {
		t.Fatalf("run with a larger mailbox.timeout: exit %d\n%s%s", code, out, errOut)
	}
	if n := feedbackRecords(t, camp); n != 5 {
		t.Errorf("journal has %d feedback records, want 5", n)
	}
}

// TestBouncesOverrunPOP3: over POP3 (Dovecot, a proxy holding the reply
// to one RETR: no answer within mailbox.timeout) with --delete, each run
// passes the message over on a new session, deletes the reports it read
// on it, and after two runs the next skip the message unread. The held
// reply costs mailbox.timeout a run (2s: every other reply has as long).
func TestBouncesOverrunPOP3(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, p := slowCampaign(t, d, "pop3", 0, "2s")
	for _, r := range fiveBounces(t, camp) {
		d.Deliver(t, bounceUser, r)
	}
	// The maildrop numbers it 2, then 1 once the reports before it are
	// deleted.
	overrunRuns(t, p, [3]string{"RETR 2\r\n", "RETR 1\r\n", "RETR 1\r\n"}, camp, "i/o timeout",
		"5 messages in the mailbox: 4 matched this campaign (4 bounced; 4 new), 1 unreadable",
		"1 message in the mailbox: 0 matched this campaign (none; 0 new), 1 unreadable", "--delete")
	if n := len(d.Messages(t, bounceUser, "INBOX")); n != 1 {
		t.Errorf("INBOX holds %d messages, want the one passed over", n)
	}
	p.arm("")
	setMailboxTimeout(t, camp, "2s", "3s")
	out, errOut, code := runCLI(t, "bounces", "--delete", camp)
	if code != exitOK || !strings.Contains(out, "1 message in the mailbox: 1 matched this campaign (1 bounced; 1 new)") || !strings.Contains(out, "1 report deleted") {
		t.Fatalf("run with a larger mailbox.timeout: exit %d\n%s%s", code, out, errOut)
	}
	if n := feedbackRecords(t, camp); n != 5 {
		t.Errorf("journal has %d feedback records, want 5", n)
	}
}

// TestBouncesOverrunPOP3Slow: over POP3 (Dovecot), a RETR whose reply the
// proxy slows to a byte every 100ms (each wait a tenth of
// mailbox.timeout, 1s, which every other reply has too) overruns within
// 10 × mailbox.timeout and time for the message's size as LIST gave it
// (twice, and 64 KB at 64 KB/s: 11.031s, given to the second: 11s), and
// the run passes it over; the time for a RETR grew with the 40 MB cap instead (over ten minutes
// more), so such a message took that long every run.
// So does a second such message, on the new session the first left the
// run on: that session had no LIST, and its RETR got the cap's time.
func TestBouncesOverrunPOP3Slow(t *testing.T) {
	// Not t.Parallel: its proxy paces a byte every 100ms against a 1s
	// timeout, which a loaded machine turned into a plain i/o timeout.
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, p := slowCampaign(t, d, "pop3", 100*time.Millisecond, "1s")
	for _, r := range fiveBounces(t, camp) {
		d.Deliver(t, bounceUser, r)
	}
	p.arm("RETR 2\r\n", "RETR 4\r\n")
	out, errOut, code := runCLI(t, "bounces", camp)
	if code != exitSomeFailed || !strings.Contains(out, "5 messages in the mailbox: 3 matched this campaign (3 bounced; 3 new), 2 unreadable") ||
		strings.Count(out, "RETR of message ") != 2 || len(regexp.MustCompile(`stopped: it took longer than its time limit of 11s;`).FindAllString(out, -1)) != 2 {
		t.Fatalf("exit %d, want %d, and two RETRs given about 11s\n%s%s", code, exitSomeFailed, out, errOut)
	}
}

// TestBouncesOverrunServer: over IMAP (Dovecot, a proxy answering one
// FETCH, and the FETCH that asks for its header on the new session, with
// "* OK" lines for ever), a message whose header the server does not give
// within bounds either is passed over without its overrun being counted,
// saying the server may be at fault, and the third run asks for it again:
// a server that stalls every fetch for a while had every message it
// listed skipped unread after two such runs, until mailbox.timeout was
// changed. (Over POP3 the held replies cost a mailbox.timeout each, six
// in all.)
func TestBouncesOverrunServer(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, p := slowCampaign(t, d, "imap", 0, "10s")
	p.floods()
	for _, r := range fiveBounces(t, camp) {
		d.Deliver(t, bounceUser, r)
	}
	p.arm("UID FETCH 2 (UID RFC822.SIZE)", "UID FETCH 2 (UID BODY.PEEK[HEADER]")
	for i := 1; i <= 3; i++ {
		out, errOut, code := runCLI(t, "bounces", camp)
		if code != exitSomeFailed || !strings.Contains(out, "nor its header on a new session (the server, rather than the message, may be at fault); passed over, on another new session: the next run tries it again") {
			t.Fatalf("run %d: exit %d, want %d\n%s%s", i, code, exitSomeFailed, out, errOut)
		}
	}
	if n := p.hitCount(); n != 6 {
		t.Errorf("the message and its header were asked for %d times in three runs, want 6", n)
	}
	if n := feedbackRecords(t, camp); n != 4 {
		t.Errorf("journal has %d feedback records, want 4", n)
	}
}

// rewrites makes the proxy replace, in the server's replies, each old of
// pairs (old, new, old, new, …) by the new after it; it replaces what an
// earlier call asked.
func (p *slowProxy) rewrites(pairs ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.swaps = pairs
}

// rewrite is b with what rewrites asks replaced.
func (p *slowProxy) rewrite(b []byte) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := 0; i+1 < len(p.swaps); i += 2 {
		b = bytes.ReplaceAll(b, []byte(p.swaps[i]), []byte(p.swaps[i+1]))
	}
	return b
}
