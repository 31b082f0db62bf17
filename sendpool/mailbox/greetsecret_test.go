package mailbox_test

import (
	"bytes"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
)

// refusingGreeter is a hostile server on 127.0.0.1:0 that greets every
// connection with greeting, the password quoted (a server that had it
// from an earlier session), and closes it. It returns the port.
func refusingGreeter(t *testing.T, greeting string) int {
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
			fmt.Fprintf(conn, greeting+"\r\n", pass)
			conn.Close()
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

// TestGreetingQuotingPassword: a server that refuses the session at its
// greeting quoting the password (IMAP's BYE, POP3's -ERR) gets it into
// no error (bounces prints it) and no --debug transcript: [redacted]
// stands there. POP3's went out whole: its replies were redacted only
// from the login on.
func TestGreetingQuotingPassword(t *testing.T) {
	for _, tc := range []struct {
		protocol campaign.MailboxProtocol
		greeting string
	}{
		{campaign.MailboxIMAP, "* BYE go away, %s"},
		{campaign.MailboxPOP3, "-ERR go away, %s"},
	} {
		cfg := silentConfig(refusingGreeter(t, tc.greeting), campaign.SecurityNone, 10*time.Second)
		var debug bytes.Buffer
		cfg.Protocol, cfg.Debug = tc.protocol, &debug
		err := await(t, openAsync(t.Context(), cfg))
		if err == nil || strings.Contains(err.Error(), pass) {
			t.Errorf("%v: %v, want the refusal without the password", tc.protocol, err)
		}
		if strings.Contains(debug.String(), pass) || !strings.Contains(debug.String(), "go away") {
			t.Errorf("%v: the transcript shows the password, or not the greeting:\n%s", tc.protocol, debug.String())
		}
	}
}
