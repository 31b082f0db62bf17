package mailbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"
	"github.com/emersion/go-imap/responses"

	"github.com/tidings/tidings/campaign"
)

// session is one IMAP connection, logged in, used by one goroutine at a
// time. Every blocking call goes through do, which bounds each wait with
// the Config's Timeout, the exchange as a whole with its own bounds (see
// bounds.go) and all of it with the caller's context; a network or
// protocol error ends the session (later calls return ErrClosed), a
// server's refusal (*ReplyError) and the like leave it usable.
type session struct {
	cfg      Config
	c        *client.Client
	raw      net.Conn // the TCP connection: closing it aborts any call
	guard    *guardConn
	meter    *meter // the lines and bytes of the exchange in progress
	current  string // the command in flight, for a *LimitError
	log      *transcript
	secure   bool
	selected string // the folder selected, "" for none
	readOnly bool   // selected with EXAMINE
	err      error  // non-nil once the session is over
}

// dialIMAP connects, secures the connection as cfg.Security says, reads the
// greeting and logs in. On error nothing is left open.
func dialIMAP(ctx context.Context, cfg Config) (*session, error) {
	tlsCfg, err := cfg.tlsConfig()
	if err != nil {
		return nil, err
	}
	d := net.Dialer{Timeout: cfg.Timeout}
	raw, err := d.DialContext(ctx, "tcp", cfg.Addr())
	if err != nil {
		return nil, fmt.Errorf("mailbox: connecting to %s: %w", cfg.Addr(), err)
	}
	if cfg.hooks != nil && cfg.hooks.wrapConn != nil {
		raw = cfg.hooks.wrapConn(raw)
	}
	s := &session{cfg: cfg, raw: raw, guard: &guardConn{Conn: raw, timeout: cfg.Timeout}, meter: &meter{}, log: newTranscript(cfg.Debug, cfg.Password)}
	s.log.note("connected to " + raw.RemoteAddr().String())
	if err := s.do(ctx, "connect", func() error { return s.open(ctx, tlsCfg) }); err != nil {
		s.close()
		return nil, err
	}
	if err := s.login(ctx); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// open brings the new connection to the not-authenticated state: TLS as
// configured, the greeting, the transcript.
func (s *session) open(ctx context.Context, tlsCfg *tls.Config) error {
	var conn net.Conn = s.guard
	switch s.cfg.Security {
	case campaign.SecurityTLS:
		tc := tls.Client(s.guard, tlsCfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return tlsError(s.cfg.Addr(), s.cfg.Host, err)
		}
		s.secure = true
		s.log.note(tls.VersionName(tc.ConnectionState().Version) + " with " + s.cfg.Host)
		conn = tc
	case campaign.SecurityStartTLS:
		tc, err := s.startTLS(ctx, tlsCfg)
		if err != nil {
			return err
		}
		conn = tc
	}
	tap := &tapConn{Conn: newLiteralConn(conn, s.guard.fail, s.meter), log: &wireLog{t: s.log, prefix: "S: "}}
	tap.on.Store(s.log.on())
	c, err := client.New(tap)
	tap.on.Store(false)
	if err != nil {
		if line, _, _ := strings.Cut(tap.Head(), "\n"); greetingProtocol(line) == "POP3" {
			return &ProtocolError{Addr: s.cfg.Addr(), Speaks: "POP3", Greeting: strings.TrimSpace(line)}
		}
		return s.greetingError(err)
	}
	c.ErrorLog = s.log.logger()
	s.c = c
	if s.log.on() {
		// go-imap's own debug output, after a NOOP; it goes on past
		// STARTTLS, showing what TLS carries. (Should that NOOP fail,
		// go-imap says so on the standard logger; the next step fails
		// anyway.)
		c.SetDebug(imap.NewDebugWriter(&wireLog{t: s.log, prefix: "C: ", client: true}, &wireLog{t: s.log, prefix: "S: "}))
	}
	return nil
}

// greetingError says why no IMAP greeting came, guessing a security
// setting that does not fit the port.
func (s *session) greetingError(err error) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("mailbox: no IMAP greeting from %s within %s (is mailbox.security right for port %d? 993 is tls, 143 starttls): %w", s.cfg.Addr(), s.cfg.Timeout, s.cfg.Port, err)
	}
	return fmt.Errorf("mailbox: IMAP greeting from %s: %w", s.cfg.Addr(), err)
}

// do runs one step: it refuses on a closed session, closes the connection
// if ctx ends meanwhile, bounds waits on the server and the exchange as a
// whole while it runs, and ends the session on an error that may leave it
// out of step. A step stopped at a bound, its own or ctx's deadline, is a
// *LimitError.
func (s *session) do(ctx context.Context, verb string, fn func() error) error {
	if s.err != nil {
		return s.err
	}
	if err := ctx.Err(); err != nil {
		if lerr := s.runLimitError(verb, context.Cause(ctx)); lerr != nil {
			return lerr
		}
		return fmt.Errorf("mailbox: %s: %w", verb, err)
	}
	s.current = ""
	s.meter.begin()
	s.guard.begin(s.cfg.CommandTimeout)
	stop := context.AfterFunc(ctx, func() { s.raw.Close() })
	err := fn()
	s.guard.end()
	s.meter.end()
	if cause := s.guard.cause(); cause != nil && err != nil && !inStep(err) && !said(err, cause) {
		if err = s.limitError(verb, cause); err == nil {
			err = ioError(verb, s.cfg.Timeout, cause)
		}
	}
	if err != nil && !inStep(err) && !Overran(err) && s.byeSaid(verb) {
		err = fmt.Errorf("mailbox: %s: the server said BYE and closed the connection: %w", verb, io.EOF)
	}
	if !stop() {
		if err = s.runLimitError(verb, context.Cause(ctx)); err == nil {
			err = fmt.Errorf("mailbox: %s: %w", verb, context.Cause(ctx))
		}
	}
	if err != nil && !inStep(err) {
		s.end(err)
	}
	return err
}

// byeSaid reports whether the server ended the session with an untagged
// BYE during step verb (other than LOGOUT): Dovecot says "* BYE Internal
// error occurred" and closes the connection when the FETCH of a broken
// message fails. go-imap then reports only "connection closed".
func (s *session) byeSaid(verb string) bool {
	return verb != "LOGOUT" && s.c != nil && s.c.State() == imap.LogoutState
}

// ioError is the error of a step whose connection failed with cause.
func ioError(verb string, timeout time.Duration, cause error) error {
	var ne net.Error
	if errors.As(cause, &ne) && ne.Timeout() {
		return fmt.Errorf("mailbox: %s: no answer from the server within %s: %w", verb, timeout, cause)
	}
	if errors.Is(cause, io.EOF) {
		return fmt.Errorf("mailbox: %s: the server closed the connection: %w", verb, cause)
	}
	return fmt.Errorf("mailbox: %s: %w", verb, cause)
}

// said reports an error that says what went wrong better than the I/O
// error cause: one of this package's kinds, or one wrapping cause.
func said(err, cause error) bool {
	return errors.Is(err, cause) || errors.Is(err, ErrTLS) || errors.Is(err, ErrLogin) || errors.Is(err, ErrInsecureAuth)
}

// inStep reports an error after which the session is still in step with
// the server.
func inStep(err error) bool {
	var re *ReplyError
	return errors.As(err, &re) || errors.Is(err, ErrTooLarge) || errors.Is(err, ErrNotFound) ||
		errors.Is(err, ErrNoUIDPlus) || errors.Is(err, ErrNoFolder)
}

// run executes one command with handler h: a NO or BAD is a *ReplyError
// naming verb, the password redacted from its text (a server may quote
// the LOGIN it refuses); any other error is the connection's.
func (s *session) run(verb string, cmd imap.Commander, h responses.Handler) (*imap.StatusResp, error) {
	s.current = verb
	st, err := s.c.Execute(cmd, h)
	if err != nil {
		return nil, fmt.Errorf("mailbox: %s: %w", verb, err)
	}
	if st.Type == imap.StatusRespNo || st.Type == imap.StatusRespBad {
		return st, &ReplyError{Command: verb, Status: string(st.Type), Code: string(st.Code), Text: hide(st.Info, s.cfg.Password)}
	}
	return st, nil
}

// dead reports a session over, or whose connection is gone (the server
// closed it while it was idle).
func (s *session) dead() bool {
	if s.err != nil {
		return true
	}
	select {
	case <-s.c.LoggedOut():
		return true
	default:
		return false
	}
}

// end closes the connection after cause; later calls return ErrClosed.
func (s *session) end(cause error) {
	if s.err == nil {
		s.err = fmt.Errorf("%w by an earlier error: %w", ErrClosed, cause)
	}
	s.raw.Close()
}

// logout ends the session politely (LOGOUT), then closes it.
func (s *session) logout(ctx context.Context) error {
	if s.err != nil {
		s.close()
		return nil
	}
	err := s.do(ctx, "LOGOUT", func() error {
		if err := s.c.Logout(); err != nil {
			return fmt.Errorf("mailbox: LOGOUT: %w", err)
		}
		return nil
	})
	s.close()
	return err
}

// close closes the connection; later calls return ErrClosed.
func (s *session) close() {
	if s.err == nil {
		s.err = ErrClosed
	}
	s.raw.Close()
}
