package pop3

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/emersion/go-sasl"
)

// Login authenticates as user: with AUTH PLAIN (RFC 5034) when the server's
// CAPA offers SASL PLAIN, with USER and PASS (RFC 1939 §7) otherwise. It
// refuses with ErrInsecureAuth, before sending anything, when the
// connection is not encrypted and the peer is not loopback. A wrong
// password is an *Error (Command "PASS" or "AUTH", often Code "AUTH"); the
// session stays usable for another try, as far as the server allows. The
// password appears in no error and no transcript line.
func (c *Client) Login(ctx context.Context, user, pass string) error {
	if err := checkCredentials(user, pass); err != nil {
		return err
	}
	if !c.secure && !c.peerIsLoopback() {
		return ErrInsecureAuth
	}
	return c.do(ctx, "login", func() error {
		c.secrets = append(c.secrets, secretForms(user, pass)...)
		caps, err := c.capa()
		var refused *Error
		if err != nil && !errors.As(err, &refused) {
			return err
		}
		if caps.HasParam("SASL", "PLAIN") {
			err = c.authPlain(user, pass)
		} else {
			err = c.userPass(user, pass)
		}
		c.caps = nil
		return err
	})
}

// secretForms are the forms in which Login sends pass: as it is (PASS)
// and in AUTH PLAIN's base64 answer.
func secretForms(user, pass string) []string {
	_, ir, _ := sasl.NewPlainClient("", user, pass).Start()
	return []string{pass, base64.StdEncoding.EncodeToString(ir)}
}

// checkCredentials refuses what cannot be sent on one command line.
func checkCredentials(user, pass string) error {
	switch {
	case user == "":
		return errors.New("pop3: login: empty user name")
	case pass == "":
		return errors.New("pop3: login: empty password")
	case strings.ContainsAny(user, "\r\n\x00"):
		return errors.New("pop3: login: the user name contains a line break or NUL")
	case strings.ContainsAny(pass, "\r\n\x00"):
		return errors.New("pop3: login: the password contains a line break or NUL")
	}
	return nil
}

// userPass logs in with USER and PASS.
func (c *Client) userPass(user, pass string) error {
	if _, err := c.cmd("USER", user); err != nil {
		return err
	}
	if err := c.send("PASS", "PASS "+pass, "PASS "+redacted); err != nil {
		return err
	}
	reply, err := c.readReply("PASS")
	if err != nil {
		return err
	}
	_, err = checkStatus("PASS", reply)
	return err
}

// authPlain logs in with AUTH PLAIN, the credentials as the initial
// response when the line stays within RFC 5034's 255 octets, after the
// server's empty challenge otherwise.
func (c *Client) authPlain(user, pass string) error {
	_, ir, err := sasl.NewPlainClient("", user, pass).Start()
	if err != nil {
		return fmt.Errorf("pop3: AUTH: %w", err)
	}
	resp := base64.StdEncoding.EncodeToString(ir)
	withIR := len("AUTH PLAIN "+resp) <= 253
	line, show := "AUTH PLAIN "+resp, "AUTH PLAIN "+redacted
	if !withIR {
		line, show = "AUTH PLAIN", "AUTH PLAIN"
	}
	if err := c.send("AUTH", line, show); err != nil {
		return err
	}
	reply, err := c.readReply("AUTH")
	if err != nil {
		return err
	}
	if reply == "+" || strings.HasPrefix(reply, "+ ") {
		// PLAIN has one step: answer the first challenge, cancel ("*",
		// RFC 5034 §4) any other.
		answer, show := resp, redacted
		if withIR {
			answer, show = "*", "*"
		}
		if err := c.send("AUTH", answer, show); err != nil {
			return err
		}
		if reply, err = c.readReply("AUTH"); err != nil {
			return err
		}
	}
	_, err = checkStatus("AUTH", reply)
	return err
}
