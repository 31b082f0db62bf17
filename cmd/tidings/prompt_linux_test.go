package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestPromptOnTerminal runs `tidings send` without --yes with its standard
// input on a pseudo-terminal, as a person at a terminal would: "y" sends;
// Ctrl-C (SIGINT) at the prompt ends the command as interrupted (exit 130)
// with nothing sent.
func TestPromptOnTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, err := buildTidings()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		// answer answers the prompt, through the terminal or with a
		// signal.
		answer   func(t *testing.T, term *os.File, p *os.Process)
		code     int
		received int
	}{
		{"yes", func(t *testing.T, term *os.File, _ *os.Process) {
			if _, err := io.WriteString(term, "y\n"); err != nil {
				t.Fatal(err)
			}
		}, exitOK, 3},
		{"interrupt", func(t *testing.T, _ *os.File, p *os.Process) {
			if err := p.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
		}, exitInterrupted, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := smtptest.NewServer(t)
			camp := sendCampaign(t, srv, 3, "")
			master, slave := openPTY(t)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, "send", camp)
			cmd.Stdin = slave
			var stdout bytes.Buffer
			cmd.Stdout = &stdout
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			slave.Close() // the child has it
			said, err := readUntil(stderr, "[y/N] ")
			if err != nil {
				t.Fatalf("no prompt: %v\n%s", err, said)
			}
			c.answer(t, master, cmd.Process)
			rest, _ := io.ReadAll(stderr)
			err = cmd.Wait()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != c.code {
				t.Errorf("exit code %d, want %d\n%s%s%s", code, c.code, stdout.String(), said, rest)
			}
			if n := len(srv.Messages()); n != c.received {
				t.Errorf("server received %d messages, want %d", n, c.received)
			}
		})
	}
}

// openPTY opens a pseudo-terminal pair (Linux: /dev/ptmx); the caller
// gives slave to a child as its terminal and talks through master.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return m, s
}

// readUntil reads r until what it read ends with suffix, and returns it.
func readUntil(r io.Reader, suffix string) (string, error) {
	var got []byte
	b := make([]byte, 1)
	for !strings.HasSuffix(string(got), suffix) {
		if _, err := r.Read(b); err != nil {
			return string(got), err
		}
		got = append(got, b[0])
	}
	return string(got), nil
}
