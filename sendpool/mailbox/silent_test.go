package mailbox_test

import (
	"bufio"
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/mailbox"
)

// silentPeer listens on a free loopback port for a server that stops
// answering (no mail server can be told to hang on cue): it writes greeting
// (if any) to each connection, then reports each line it reads on lines and
// never replies. It closes when the test ends.
func silentPeer(t *testing.T, greeting string) (port int, lines <-chan string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	ch := make(chan string, 16)
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { conn.Close() })
			ch <- "(connected)"
			go func() {
				conn.Write([]byte(greeting))
				r := bufio.NewReader(conn)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					ch <- line
				}
			}()
		}
	}()
	return l.Addr().(*net.TCPAddr).Port, ch
}

// openAsync runs Open and sends its error on the channel returned.
func openAsync(ctx context.Context, cfg mailbox.Config) <-chan error {
	done := make(chan error, 1)
	go func() {
		mb, err := mailbox.Open(ctx, cfg)
		if err == nil {
			mb.Close(context.Background())
		}
		done <- err
	}()
	return done
}

// await returns the error sent on done, failing the test if it takes longer
// than a generous bound (the call should return at once).
func await(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("the call did not return")
		return nil
	}
}

func silentConfig(port int, security campaign.Security, timeout time.Duration) mailbox.Config {
	return mailbox.Config{Protocol: campaign.MailboxIMAP, Host: "127.0.0.1", Port: port, Security: security,
		Username: user, Password: pass, Timeout: timeout}
}

// TestSilentServer: Timeout bounds each wait on a server that says nothing:
// no greeting (a TLS port read as clear text, the error says), no TLS
// handshake, no reply to LOGIN.
func TestSilentServer(t *testing.T) {
	const timeout = 300 * time.Millisecond
	mute, _ := silentPeer(t, "")
	err := await(t, openAsync(t.Context(), silentConfig(mute, campaign.SecurityNone, timeout)))
	if err == nil || !strings.Contains(err.Error(), "no IMAP greeting from 127.0.0.1:"+strconv.Itoa(mute)+" within 300ms (is mailbox.security right") {
		t.Errorf("no greeting: %v", err)
	}
	err = await(t, openAsync(t.Context(), silentConfig(mute, campaign.SecurityTLS, timeout)))
	if !errors.Is(err, mailbox.ErrTLS) {
		t.Errorf("no handshake: %v, want ErrTLS", err)
	}
	greets, lines := silentPeer(t, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n")
	err = await(t, openAsync(t.Context(), silentConfig(greets, campaign.SecurityNone, timeout)))
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("no reply to LOGIN: %v, want a timeout", err)
	}
	if <-lines != "(connected)" || !strings.Contains(<-lines, " LOGIN ") {
		t.Error("the peer did not see LOGIN")
	}
}

// TestCancelOpen: cancelling the context ends a call blocked on a silent
// server at once, whatever the Timeout.
func TestCancelOpen(t *testing.T) {
	port, lines := silentPeer(t, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n")
	ctx, cancel := context.WithCancel(t.Context())
	done := openAsync(ctx, silentConfig(port, campaign.SecurityNone, time.Hour))
	for l := range lines {
		if strings.Contains(l, " LOGIN ") {
			break
		}
	}
	cancel()
	if err := await(t, done); !errors.Is(err, context.Canceled) {
		t.Errorf("Open = %v, want context.Canceled", err)
	}
}
