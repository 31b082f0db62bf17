package pop3

import (
	"errors"
	"io"
	"net"
	"strings"
	"testing"
)

// TestLoginRefusedInClear refuses to log in over an unencrypted connection
// to a peer that is not loopback, before writing a byte. (Every server a
// test may reach is on loopback, so the connection is a net.Pipe, whose
// peer is no IP address.)
func TestLoginRefusedInClear(t *testing.T) {
	client, server := net.Pipe()
	c := &Client{raw: client}
	c.attach(client)
	written := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(server)
		written <- b
	}()
	err := c.Login(t.Context(), "user", "secret-pw")
	if !errors.Is(err, ErrInsecureAuth) {
		t.Errorf("Login: %v, want ErrInsecureAuth", err)
	}
	c.Close()
	if b := <-written; len(b) != 0 {
		t.Errorf("Login wrote %q before refusing", b)
	}
}

func TestCheckCredentials(t *testing.T) {
	for _, tc := range [][2]string{{"", "pw-9"}, {"u", ""}, {"u\r\nDELE 1", "pw-9"}, {"u", "pw-9\nQUIT"}, {"u", "pw-9\x00"}} {
		err := checkCredentials(tc[0], tc[1])
		if err == nil || (tc[1] != "" && strings.Contains(err.Error(), tc[1])) {
			t.Errorf("%q: %v", tc, err)
		}
	}
	if err := checkCredentials("bounce@example.com", "pass with spaces"); err != nil {
		t.Error(err)
	}
}
