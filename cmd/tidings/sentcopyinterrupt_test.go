package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestSentCopyInterruptFinishesAppend: a Ctrl-C while the copy of a
// delivered message is on its way to the Sent folder lets that APPEND
// finish, as it lets the messages in flight finish: the copy is made and
// journaled, with no warning. The first interrupt cut it, leaving "the
// reply to APPEND was lost: the copy may or may not be in the folder" for
// the next run to search for (rev-user8).
func TestSentCopyInterruptFinishesAppend(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, err := buildTidings()
	if err != nil {
		t.Fatal(err)
	}
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	gate := make(chan struct{})
	proxy := holdAppend(t, d.IMAPPort, gate)
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, fmt.Sprintf("mailbox: {protocol: imap, host: 127.0.0.1, port: %d, security: none, username: %s, password_env: TIDINGS_SENT_PW, sent_folder: Sent}\n",
		proxy.port, bounceUser))
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	run := startBinarySend(ctx, t, bin, "--yes", "--concurrency", "1", camp)
	select {
	case <-proxy.held: // the first copy's APPEND is at the server, its message not
	case <-ctx.Done():
		close(gate)
		t.Fatal("no APPEND reached the proxy")
	}
	run.interrupt(ctx, t)
	close(gate)
	errText, err := run.wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Errorf("exit: %v, want code %d\n%s", err, exitInterrupted, errText)
	}
	if strings.Contains(errText, "APPEND") {
		t.Errorf("the interrupt cut the APPEND in progress:\n%s", errText)
	}
	if got := len(d.Messages(t, bounceUser, "Sent")); got != 1 {
		t.Errorf("Sent holds %d messages, want the one whose APPEND was under way\n%s%s", got, run.stdout, errText)
	}
	if out := run.stdout.String(); !strings.Contains(out, "sent copies: 1 in Sent") {
		t.Errorf("stdout does not count the copy made:\n%s", out)
	}
}

// appendHolder is a TCP proxy to an IMAP server that forwards the
// client's bytes up to its first APPEND command line and holds the rest
// (the message) until gate closes; held closes when it holds them.
type appendHolder struct {
	port int
	held chan struct{}
}

// holdAppend starts an appendHolder to 127.0.0.1:port for the test.
func holdAppend(t *testing.T, port int, gate <-chan struct{}) *appendHolder {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	h := &appendHolder{port: ln.Addr().(*net.TCPAddr).Port, held: make(chan struct{})}
	var once sync.Once
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
			if err != nil {
				c.Close()
				continue
			}
			go func() { io.Copy(c, s); c.Close() }()
			go h.clientSide(c, s, gate, &once)
		}
	}()
	return h
}

// clientSide forwards c's bytes to s, holding those after an APPEND line
// until gate closes (once per proxy).
func (h *appendHolder) clientSide(c, s net.Conn, gate <-chan struct{}, once *sync.Once) {
	defer s.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			i := bytes.Index(bytes.ToUpper(chunk), []byte(" APPEND "))
			var first bool
			if i >= 0 {
				once.Do(func() { first = true })
			}
			if first {
				end := i + bytes.IndexByte(chunk[i:], '\n') + 1
				if end <= i {
					end = n
				}
				s.Write(chunk[:end])
				close(h.held)
				<-gate
				chunk = chunk[end:]
			}
			if _, werr := s.Write(chunk); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
