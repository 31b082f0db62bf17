package mailbox

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/commands"
)

// login authenticates with LOGIN (RFC 3501 6.2.3), refusing with
// ErrInsecureAuth, before anything is sent, on a connection that is not
// encrypted to a peer that is not loopback. A refusal is a *LoginError
// with a hint for the provider; NO [UNAVAILABLE] (RFC 5530: the server
// cannot check logins for now) is none, but the *ReplyError. Then it
// learns the capabilities anew and says who the client is (ID).
func (s *session) login(ctx context.Context) error {
	if !s.secure && !isLoopback(s.raw.RemoteAddr()) {
		return ErrInsecureAuth
	}
	return s.do(ctx, "LOGIN", func() error {
		disabled, err := s.has("LOGINDISABLED")
		if err != nil {
			return err
		}
		if disabled {
			return &LoginError{Addr: s.cfg.Addr(), Username: s.cfg.Username,
				Hint: "the server offers no login on this connection (LOGINDISABLED): use mailbox.security tls or starttls"}
		}
		_, err = s.run("LOGIN", &commands.Login{Username: s.cfg.Username, Password: s.cfg.Password}, nil)
		var re *ReplyError
		if errors.As(err, &re) && strings.EqualFold(re.Code, "UNAVAILABLE") {
			return fmt.Errorf("mailbox: login to %s not checked for now: %w", s.cfg.Addr(), err)
		}
		if errors.As(err, &re) {
			return &LoginError{Addr: s.cfg.Addr(), Username: s.cfg.Username, Reply: re.Reply(), Hint: loginHint(s.cfg.Host)}
		}
		if err != nil {
			return err
		}
		s.c.SetState(imap.AuthenticatedState, nil)
		if _, err := s.c.Capability(); err != nil { // they change at login
			return fmt.Errorf("mailbox: CAPABILITY: %w", err)
		}
		return s.identify()
	})
}

// identify sends ID (RFC 2971) when the server offers it: NetEase's servers
// (163.com, 126.com, yeah.net) refuse SELECT with "Unsafe Login" to a
// client that has not said who it is. A refusal is only noted.
func (s *session) identify() error {
	if ok, err := s.has("ID"); err != nil || !ok {
		return err
	}
	id := &imap.Command{Name: "ID", Arguments: []any{[]any{"name", "tidings", "version", version()}}}
	_, err := s.run("ID", id, nil)
	var re *ReplyError
	if errors.As(err, &re) {
		s.log.note("ID refused: " + re.Reply())
		return nil
	}
	return err
}

// version is tidings' module version, "devel" in a build from a checkout.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// has reports a capability the server offers now, asking for them when
// they are not known.
func (s *session) has(capability string) (bool, error) {
	ok, err := s.c.Support(capability)
	if err != nil {
		return false, fmt.Errorf("mailbox: CAPABILITY: %w", err)
	}
	return ok, nil
}
