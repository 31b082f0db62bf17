package mailbox_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/mailbox"
)

// streamingIMAP is a hostile IMAP server on 127.0.0.1:0: it greets, takes
// any LOGIN and SELECT as a server should, then answers UID SEARCH with
// "* OK" lines that never end, each within any wait's timeout: flat out,
// or one each tick of every when it is not zero; with uids > 0 it answers
// SEARCH with UIDs 1 to uids, and the UID FETCH after it so. It returns
// the port.
func streamingIMAP(t *testing.T, every time.Duration, uids int) int {
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
			go streamIMAPSession(conn, every, uids)
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

// streamIMAPSession serves one connection of streamingIMAP.
func streamIMAPSession(conn net.Conn, every time.Duration, uids int) {
	defer conn.Close()
	fmt.Fprint(conn, "* OK [CAPABILITY IMAP4rev1] streaming\r\n")
	r := bufio.NewReader(conn)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			fmt.Fprint(conn, "* BAD what\r\n")
			continue
		}
		tag, verb := f[0], strings.ToUpper(f[1])
		if verb == "UID" && len(f) > 2 {
			verb += " " + strings.ToUpper(f[2])
		}
		switch verb {
		case "CAPABILITY":
			fmt.Fprintf(conn, "* CAPABILITY IMAP4rev1\r\n%s OK done\r\n", tag)
		case "LOGIN":
			fmt.Fprintf(conn, "%s OK logged in\r\n", tag)
		case "SELECT", "EXAMINE":
			fmt.Fprintf(conn, "* FLAGS (\\Seen \\Deleted)\r\n* 2 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n%s OK [READ-WRITE] selected\r\n", tag)
		case "LOGOUT":
			fmt.Fprintf(conn, "* BYE\r\n%s OK bye\r\n", tag)
			return
		case "UID SEARCH":
			if uids == 0 {
				stream(conn, every)
				return
			}
			var b strings.Builder
			for i := 1; i <= uids; i++ {
				fmt.Fprintf(&b, " %d", i)
			}
			fmt.Fprintf(conn, "* SEARCH%s\r\n%s OK searched\r\n", b.String(), tag)
		case "UID FETCH":
			stream(conn, every)
			return
		default:
			fmt.Fprintf(conn, "%s BAD what\r\n", tag)
		}
	}
}

// stream writes "* OK" lines until the peer goes away.
func stream(conn net.Conn, every time.Duration) {
	var tick <-chan time.Time
	if every > 0 {
		tk := time.NewTicker(every)
		defer tk.Stop()
		tick = tk.C
	}
	for i := 0; ; i++ {
		if tick != nil {
			<-tick
		}
		if _, err := fmt.Fprintf(conn, "* OK still searching, %d\r\n", i); err != nil {
			return
		}
	}
}

// listAsync opens the mailbox and lists it, sending List's error (or
// Open's) on the channel returned.
func listAsync(ctx context.Context, cfg mailbox.Config) <-chan error {
	done := make(chan error, 1)
	go func() {
		mb, err := mailbox.Open(ctx, cfg)
		if err != nil {
			done <- err
			return
		}
		defer mb.Close(context.Background())
		_, err = mb.List(ctx, time.Time{})
		done <- err
	}()
	return done
}

// TestEndlessResponses: a server that answers UID SEARCH with "* OK"
// lines for ever, each well within the wait's Timeout, is stopped at
// the command's bound, whichever comes first: the number of responses a
// SEARCH may take (flat out), the command's time limit (a line every
// few milliseconds), or the run's deadline the caller's context carries.
// Each error names the server, the command and the limit.
func TestEndlessResponses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		every time.Duration
		cfg   func(*mailbox.Config)
		ctx   func(context.Context) (context.Context, context.CancelFunc)
		want  string
	}{
		{name: "responses", want: "stopped: the server sent more than 10000 responses without completing it"},
		{name: "command time", every: 2 * time.Millisecond,
			cfg:  func(c *mailbox.Config) { c.CommandTimeout = 300 * time.Millisecond },
			want: "stopped: it took longer than its time limit of 300ms"},
		{name: "run time", every: 2 * time.Millisecond,
			ctx: func(ctx context.Context) (context.Context, context.CancelFunc) {
				return context.WithTimeoutCause(ctx, 500*time.Millisecond, &mailbox.RunLimit{Limit: 500 * time.Millisecond, Setting: "--max-time"})
			},
			want: "stopped: the run's time limit of 500ms (--max-time) is up"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			port := streamingIMAP(t, tc.every, 0)
			cfg := silentConfig(port, campaign.SecurityNone, 5*time.Second)
			cfg.CommandTimeout = time.Minute
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			ctx, cancel := t.Context(), context.CancelFunc(func() {})
			if tc.ctx != nil {
				ctx, cancel = tc.ctx(ctx)
			}
			defer cancel()
			start := time.Now()
			err := await(t, listAsync(ctx, cfg))
			var le *mailbox.LimitError
			if !errors.As(err, &le) || !errors.Is(err, mailbox.ErrLimit) {
				t.Fatalf("List = %v, want a *LimitError", err)
			}
			prefix := "mailbox: 127.0.0.1:" + strconv.Itoa(port) + ": UID SEARCH " + tc.want
			if !strings.HasPrefix(err.Error(), prefix) || !strings.HasSuffix(err.Error(), "; the session is closed") {
				t.Errorf("error\n %s\nwant it to start\n %s", err, prefix)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %s", d)
			}
		})
	}
}

// TestEndlessResponsesAfterLongSearch: a server answering SEARCH with
// 50,000 UIDs, then the FETCH of their sizes with "* OK" lines for ever,
// is stopped at the bound of an exchange naming 10,000 of them: the UIDs
// it gave do not buy one exchange 50,000 × 2 more responses (nor 50,000
// × 10 ms more time, nor 50,000 × 512 bytes).
func TestEndlessResponsesAfterLongSearch(t *testing.T) {
	port := streamingIMAP(t, 0, 50_000)
	cfg := silentConfig(port, campaign.SecurityNone, 5*time.Second)
	cfg.CommandTimeout = time.Minute
	err := await(t, listAsync(t.Context(), cfg))
	if !errors.Is(err, mailbox.ErrLimit) || !strings.Contains(err.Error(), "UID FETCH (FETCH of the messages' sizes) stopped: the server sent more than 30000 responses") {
		t.Fatalf("List = %v, want it stopped past 30000 responses to the UID FETCH", err)
	}
}

// drippingPOP3 is a hostile POP3 server on 127.0.0.1:0 holding one
// message: it greets, takes any login, lists the message, then answers
// RETR with lines of it, one each tick of every, never ending it. It
// returns the port.
func drippingPOP3(t *testing.T, every time.Duration) int {
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
			go dripPOP3Session(conn, every)
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

// dripPOP3Session serves one connection of drippingPOP3.
func dripPOP3Session(conn net.Conn, every time.Duration) {
	defer conn.Close()
	fmt.Fprint(conn, "+OK dripping\r\n")
	r := bufio.NewReader(conn)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
		switch strings.ToUpper(verb) {
		case "CAPA":
			fmt.Fprint(conn, "-ERR no\r\n")
		case "USER", "PASS", "DELE", "NOOP":
			fmt.Fprint(conn, "+OK\r\n")
		case "UIDL":
			fmt.Fprint(conn, "+OK\r\n1 msg-1\r\n.\r\n")
		case "LIST":
			if arg != "" {
				fmt.Fprint(conn, "+OK 1 100\r\n")
				break
			}
			fmt.Fprint(conn, "+OK\r\n1 100\r\n.\r\n")
		case "RETR":
			fmt.Fprint(conn, "+OK\r\n")
			tick := time.NewTicker(every)
			defer tick.Stop()
			for range tick.C {
				if _, err := fmt.Fprint(conn, "x\r\n"); err != nil {
					return
				}
			}
		case "QUIT":
			fmt.Fprint(conn, "+OK bye\r\n")
			return
		default:
			fmt.Fprint(conn, "-ERR what\r\n")
		}
	}
}

// TestPOP3EndlessMessage: a POP3 server that sends a message a line at a
// time, each well within the wait's Timeout, and never ends it, is
// stopped at RETR's time limit (CommandTimeout, and 1000 bytes asked for
// at 64 KB/s) or at the run's deadline, the error naming the server, the
// command and the limit.
func TestPOP3EndlessMessage(t *testing.T) {
	for _, tc := range []struct {
		name    string
		command time.Duration
		run     time.Duration
		want    string
	}{
		{"command time", 300 * time.Millisecond, time.Minute, "RETR of message msg-1 stopped: it took longer than its time limit of 315ms"},
		{"run time", time.Minute, 500 * time.Millisecond, "RETR of message msg-1 stopped: the run's time limit of 500ms (--max-time) is up"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			port := drippingPOP3(t, 2*time.Millisecond)
			cfg := silentConfig(port, campaign.SecurityNone, 5*time.Second)
			cfg.Protocol, cfg.CommandTimeout = campaign.MailboxPOP3, tc.command
			ctx, cancel := context.WithTimeoutCause(t.Context(), tc.run, &mailbox.RunLimit{Limit: tc.run, Setting: "--max-time"})
			defer cancel()
			done := make(chan error, 1)
			go func() {
				mb, err := mailbox.Open(ctx, cfg)
				if err != nil {
					done <- err
					return
				}
				defer mb.Close(context.Background())
				_, err = mb.Fetch(ctx, "msg-1", 1000)
				done <- err
			}()
			err := await(t, done)
			if !errors.Is(err, mailbox.ErrLimit) {
				t.Fatalf("Fetch = %v, want a *LimitError", err)
			}
			if want := "mailbox: 127.0.0.1:" + strconv.Itoa(port) + ": " + tc.want; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error\n %s\nwant it to start\n %s", err, want)
			}
		})
	}
}
