package mailbox_test

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/mailbox"
)

// echoingIMAP is a hostile IMAP server on 127.0.0.1:0 that refuses every
// LOGIN with a reply quoting the command's arguments, the password among
// them. It returns the port.
func echoingIMAP(t *testing.T) int {
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
			go echoIMAPSession(conn)
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

// echoIMAPSession serves one connection of echoingIMAP.
func echoIMAPSession(conn net.Conn) {
	defer conn.Close()
	fmt.Fprint(conn, "* OK [CAPABILITY IMAP4rev1] hostile\r\n")
	r := bufio.NewReader(conn)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		f := strings.SplitN(strings.TrimRight(line, "\r\n"), " ", 3)
		switch {
		case len(f) < 2:
			fmt.Fprint(conn, "* BAD what\r\n")
		case strings.EqualFold(f[1], "CAPABILITY"):
			fmt.Fprintf(conn, "* CAPABILITY IMAP4rev1\r\n%s OK done\r\n", f[0])
		case strings.EqualFold(f[1], "LOGIN") && len(f) == 3:
			fmt.Fprintf(conn, "%s NO [AUTHENTICATIONFAILED] bad credentials %s\r\n", f[0], f[2])
		case strings.EqualFold(f[1], "LOGOUT"):
			fmt.Fprintf(conn, "* BYE\r\n%s OK bye\r\n", f[0])
			return
		default:
			fmt.Fprintf(conn, "%s BAD what\r\n", f[0])
		}
	}
}

// TestLoginRefusalQuotingPassword: a server whose LOGIN refusal quotes the
// password gets it into no error (bounces prints it, send notes it for a
// Sent copy): the reply shows [redacted] in its place.
func TestLoginRefusalQuotingPassword(t *testing.T) {
	err := await(t, openAsync(t.Context(), silentConfig(echoingIMAP(t), campaign.SecurityNone, 10*time.Second)))
	if !errors.Is(err, mailbox.ErrLogin) || !strings.Contains(err.Error(), "bad credentials") {
		t.Fatalf("got %v, want the login refused", err)
	}
	if s := err.Error(); strings.Contains(s, pass) || !strings.Contains(s, "[redacted]") {
		t.Errorf("the error shows the password, or no [redacted]: %s", s)
	}
}

// TestLoginRefusalQuotingEscapedPassword: a password holding a quote or
// a backslash goes in LOGIN as a quoted string, escaped ("p\"w\\d"); a
// refusal quoting the command shows that form, which is redacted too.
func TestLoginRefusalQuotingEscapedPassword(t *testing.T) {
	const odd = `q"zx\vw`
	cfg := silentConfig(echoingIMAP(t), campaign.SecurityNone, 10*time.Second)
	cfg.Password = odd
	err := await(t, openAsync(t.Context(), cfg))
	if !errors.Is(err, mailbox.ErrLogin) {
		t.Fatalf("got %v, want the login refused", err)
	}
	if s := err.Error(); strings.Contains(s, "zx") || !strings.Contains(s, "[redacted]") {
		t.Errorf("the error shows the password, or no [redacted]: %s", s)
	}
}

// TestShortPasswordQuotedInRefusal: a password under 8 bytes (1, 3 and 7
// characters, one with a quote), which redact replaces only where no
// letter or digit touches it, is still hidden where a LOGIN refusal
// quotes the command: the password stands alone there, as an atom or a
// quoted string.
func TestShortPasswordQuotedInRefusal(t *testing.T) {
	for _, pw := range []string{"x", "Q7z", "pa55wrd", `q"z`} {
		t.Run(pw, func(t *testing.T) {
			cfg := silentConfig(echoingIMAP(t), campaign.SecurityNone, 10*time.Second)
			cfg.Password = pw
			err := await(t, openAsync(t.Context(), cfg))
			if !errors.Is(err, mailbox.ErrLogin) {
				t.Fatalf("got %v, want the login refused", err)
			}
			if want := "bad credentials \"" + cfg.Username + "\" \"[redacted]\" ("; !strings.Contains(err.Error(), want) {
				t.Errorf("got %v, want the refusal saying %s", err, want)
			}
		})
	}
}
