package pop3_test

import (
	"bufio"
	"context"
	"errors"
	"net"
	"os"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/mailbox/pop3"
)

// silentPeer listens on a free loopback port for a server that stops
// answering (no mail server can be told to hang on cue): it writes greeting
// (if any) to each connection, then reports each line it reads on lines and
// never replies. It closes when the test ends.
func silentPeer(t *testing.T, greeting string) (addr string, lines <-chan string) {
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
	return l.Addr().String(), ch
}

// await returns the error a call sends on done, failing the test if it
// takes longer than a generous bound (it should return at once).
func await(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("the call did not return after its context was cancelled")
		return nil
	}
}

// TestDialCancelled unblocks a Dial waiting for a greeting that never
// comes.
func TestDialCancelled(t *testing.T) {
	addr, lines := silentPeer(t, "")
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := pop3.Dial(ctx, pop3.Config{Addr: addr, Security: campaign.SecurityNone, Timeout: time.Minute})
		done <- err
	}()
	<-lines // connected: Dial now waits for the greeting
	cancel()
	if err := await(t, done); !errors.Is(err, context.Canceled) {
		t.Errorf("Dial: %v, want context.Canceled", err)
	}
}

// TestTimeout gives up on a silent server after Config.Timeout.
func TestTimeout(t *testing.T) {
	addr, _ := silentPeer(t, "")
	start := time.Now()
	_, err := pop3.Dial(t.Context(), pop3.Config{Addr: addr, Security: campaign.SecurityNone, Timeout: 200 * time.Millisecond})
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("Dial: %v, want a timeout", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Dial took %s with a 200ms timeout", d)
	}
}

// TestCancelledMidCommand unblocks a command waiting for its reply; the
// session is then closed, and says why.
func TestCancelledMidCommand(t *testing.T) {
	addr, lines := silentPeer(t, "+OK ready\r\n")
	c, err := pop3.Dial(t.Context(), pop3.Config{Addr: addr, Security: campaign.SecurityNone, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	<-lines
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- c.Noop(ctx) }()
	if line := <-lines; line != "NOOP\r\n" {
		t.Fatalf("server read %q", line)
	}
	cancel()
	if err := await(t, done); !errors.Is(err, context.Canceled) {
		t.Errorf("Noop: %v, want context.Canceled", err)
	}
	err = c.Noop(t.Context())
	if !errors.Is(err, pop3.ErrClosed) || !errors.Is(err, context.Canceled) {
		t.Errorf("Noop after the cancel: %v, want ErrClosed caused by context.Canceled", err)
	}
}
