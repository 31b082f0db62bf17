// Package smtptest runs an in-process SMTP (or LMTP) server on a loopback
// port for tests, built on github.com/emersion/go-smtp's server, with
// switches for the faults a sender must survive: refusals at MAIL, RCPT or
// after the body, 421 and close after N messages, a connection dropped after
// the body before the reply, replies held until the test releases them,
// login refusals, and a cap on concurrent connections. It records every
// message it accepted (envelope and data) and counts connections, so tests
// can assert what arrived and how many sessions were open at once.
//
// go-smtp's server reads commands one at a time, so it serves clients that
// pipeline (RFC 2920) as well as lockstep ones; it always advertises
// PIPELINING and CHUNKING (RFC 3030, BDAT). WithoutPipelining and
// WithoutChunking hide those keywords from the EHLO reply (plaintext
// sessions only) so each client exchange can be tested. On plaintext
// sessions the server also parses the client's byte stream as the server
// does (skipping DATA bodies once the server answered 354, and BDAT chunks
// by their size), so Commands and UnknownCommands count what the client
// really sent as commands.
//
// The package also starts real mail servers for a test: mailpit
// (StartMailpit), and a private Postfix 3.7 (StartPostfix: SMTP, RFC 5321,
// with RFC 2920 pipelining, RFC 3030 CHUNKING, RFC 3461 DSN, RFC 6531
// SMTPUTF8 and RFC 3207 STARTTLS) delivering over LMTP (RFC 2033) to a
// private Dovecot 2.3 (StartDovecot: LMTP, IMAP4rev1 RFC 3501 and POP3
// RFC 1939, with STARTTLS/STLS and implicit TLS, Maildir storage and
// quotas). Each runs from a generated configuration under t.TempDir() on
// free loopback ports and is stopped, its whole process group, when the
// test ends.
package smtptest

import (
	"cmp"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one message the server accepted.
type Message struct {
	// Conn is the connection's number (1 for the first accepted).
	Conn int
	From string
	// To are the recipients the message was accepted for.
	To   []string
	Data []byte
	// Size is the MAIL SIZE parameter (0 when not given); UTF8 the
	// SMTPUTF8 parameter; Body the BODY parameter ("8BITMIME", "7BIT" or
	// "" when not given).
	Size int64
	UTF8 bool
	Body string
	// User is the authenticated user ("" when none); TLS whether the
	// session was encrypted.
	User string
	TLS  bool
	// DSN parameters (RFC 3461, WithDSN): MAIL's RET and ENVID, and each
	// accepted recipient's NOTIFY and ORCPT ("rfc822;addr"), by address.
	Ret, EnvID string
	Notify     map[string]string
	ORcpt      map[string]string
}

// Session describes the session a hook is called for.
type Session struct {
	// Conn is the connection's number; Delivered counts the messages
	// accepted on it so far.
	Conn      int
	Delivered int
	User      string
	TLS       bool
	// UTF8 is the SMTPUTF8 parameter of the transaction's MAIL (false
	// before one, as in OnMail's hook).
	UTF8 bool
}

// Reply makes an SMTP error reply for hooks: Reply(451, "4.7.1", "try later").
func Reply(code int, enhanced, text string) error {
	ec := smtp.EnhancedCodeNotSet
	if enhanced != "" {
		parts := strings.Split(enhanced, ".")
		if len(parts) == 3 {
			for i, p := range parts {
				ec[i], _ = strconv.Atoi(p)
			}
		}
	}
	return &smtp.SMTPError{Code: code, EnhancedCode: ec, Message: text}
}

type options struct {
	implicitTLS, startTLS bool
	cert                  *Cert
	user, pass            string
	mechs                 []string
	lmtp                  bool
	utf8                  bool
	dsn                   bool
	maxSize               int64
	maxSessions           int
	capReply              string
	refusal               string
	close421After         int
	onMail                func(Session, string) error
	onRcpt                func(Session, string) error
	onData                func(Session, *Message) error
	onLMTPRcpt            func(Session, string) error
	dropReply             func(Session, *Message) bool
	close421              func(Session, *Message) bool
	gate                  <-chan struct{}
	noPipelining          bool
	pipeliningConns       int
	noChunking            bool
	dropAtReset           bool
}

// Option configures a Server.
type Option func(*options)

// WithTLS serves implicit TLS (like port 465) with a new self-signed
// certificate (see Server.Cert).
func WithTLS() Option { return func(o *options) { o.implicitTLS = true } }

// WithStartTLS offers STARTTLS with a new self-signed certificate.
func WithStartTLS() Option { return func(o *options) { o.startTLS = true } }

// WithCert uses c instead of a new certificate.
func WithCert(c *Cert) Option { return func(o *options) { o.cert = c } }

// WithAuth requires nothing but offers AUTH and accepts only user/pass.
// Mechanisms offered: PLAIN, LOGIN, CRAM-MD5 and XOAUTH2 (the password is
// the token), or those given with WithMechanisms. AUTH is offered on
// plaintext connections too (tests run on loopback).
func WithAuth(user, pass string) Option {
	return func(o *options) { o.user, o.pass = user, pass }
}

// WithMechanisms limits the SASL mechanisms offered.
func WithMechanisms(m ...string) Option { return func(o *options) { o.mechs = m } }

// WithLMTP serves LMTP (LHLO, a reply per recipient after the data).
func WithLMTP() Option { return func(o *options) { o.lmtp = true } }

// WithSMTPUTF8 offers SMTPUTF8.
func WithSMTPUTF8() Option { return func(o *options) { o.utf8 = true } }

// WithDSN offers DSN (RFC 3461) and records its parameters on each
// Message.
func WithDSN() Option { return func(o *options) { o.dsn = true } }

// WithMaxSize advertises SIZE n and refuses bigger messages.
func WithMaxSize(n int64) Option { return func(o *options) { o.maxSize = n } }

// WithMaxSessions refuses a connection beyond n open ones with
// "421 4.7.0 HL:ICC too many connections" (like NetEase 163), and closes it.
func WithMaxSessions(n int) Option { return func(o *options) { o.maxSessions = n } }

// WithCapReply makes WithMaxSessions refuse with the reply line (for
// example Microsoft 365's "432 4.3.2 Concurrent connections limit
// exceeded") instead of NetEase's.
func WithCapReply(reply string) Option { return func(o *options) { o.capReply = reply } }

// RefuseWith answers every connection with the reply line (for example
// "554 5.7.1 client host blocked") instead of a greeting, and closes it.
func RefuseWith(reply string) Option { return func(o *options) { o.refusal = reply } }

// With421After answers the MAIL after n messages on one connection with
// "421 4.7.0 too many messages on this connection" and closes it.
func With421After(n int) Option { return func(o *options) { o.close421After = n } }

// OnMail sets a hook for MAIL FROM; a non-nil error is the reply.
func OnMail(f func(s Session, from string) error) Option {
	return func(o *options) { o.onMail = f }
}

// OnRcpt sets a hook for RCPT TO; a non-nil error is the reply.
func OnRcpt(f func(s Session, to string) error) Option {
	return func(o *options) { o.onRcpt = f }
}

// Greylist makes the server refuse each recipient's first RCPT TO with 451
// 4.7.1, as a greylisting server does, and accept it from then on (it sets
// the OnRcpt hook).
func Greylist() Option {
	var mu sync.Mutex
	seen := map[string]bool{}
	return OnRcpt(func(_ Session, to string) error {
		mu.Lock()
		defer mu.Unlock()
		if !seen[to] {
			seen[to] = true
			return Reply(451, "4.7.1", "greylisted, try again later")
		}
		return nil
	})
}

// OnData sets a hook called after the body was read; a non-nil error is the
// final reply and the message is not recorded.
func OnData(f func(s Session, m *Message) error) Option {
	return func(o *options) { o.onData = f }
}

// OnLMTPRcpt sets the per-recipient final reply for LMTP; a non-nil error
// refuses that recipient.
func OnLMTPRcpt(f func(s Session, rcpt string) error) Option {
	return func(o *options) { o.onLMTPRcpt = f }
}

// DropReply makes the server accept (record) the message and then close the
// connection without sending the final reply, when f returns true: the
// sender cannot know whether the message was delivered.
func DropReply(f func(s Session, m *Message) bool) Option {
	return func(o *options) { o.dropReply = f }
}

// Close421OnData makes the server, when f returns true for a message it
// has read, answer the body with "421 4.3.2 closing" and close the
// connection; the message is not accepted. Commands a client pipelined
// behind the body are never answered.
func Close421OnData(f func(s Session, m *Message) bool) Option {
	return func(o *options) { o.close421 = f }
}

// WithoutPipelining leaves PIPELINING out of the EHLO reply (the server
// still reads pipelined commands correctly, as go-smtp does). Plaintext
// sessions only: NewServer fails the test when TLS or STARTTLS is on.
func WithoutPipelining() Option { return func(o *options) { o.noPipelining = true } }

// WithoutPipeliningAfter offers PIPELINING on the first n connections only
// (n > 0), as a server pool behind one name whose members differ.
// Plaintext sessions only, as WithoutPipelining.
func WithoutPipeliningAfter(n int) Option { return func(o *options) { o.pipeliningConns = n } }

// WithoutChunking leaves CHUNKING out of the EHLO reply (BDAT is still
// understood). Plaintext sessions only, as WithoutPipelining.
func WithoutChunking() Option { return func(o *options) { o.noChunking = true } }

// DropAtReset makes the server close the connection, without a reply,
// when a transaction begun with MAIL is reset (RSET, or the end of a
// message's body), as a server does that ends a session it dislikes: for
// a client that asks about recipients and sends nothing (probe).
func DropAtReset() Option { return func(o *options) { o.dropAtReset = true } }

// HoldData makes the server, after reading each body, announce the message
// on Server.Held and wait for a value on gate before replying.
func HoldData(gate <-chan struct{}) Option { return func(o *options) { o.gate = gate } }

// Server is a running test server. Its methods are safe for concurrent use.
type Server struct {
	// Host and Port are where it listens (127.0.0.1 and a free port);
	// Addr is host:port.
	Host string
	Port int
	Addr string
	// Cert is the server's certificate when TLS or STARTTLS is on.
	Cert *Cert

	t      testing.TB
	o      options
	srv    *smtp.Server
	held   chan Message
	gone   chan int
	closed chan struct{}

	mu        sync.Mutex
	open      map[*countedConn]bool
	msgs      []Message
	cur       int
	maxCur    int
	total     int
	rejected  int
	cmds      map[string]int
	authFails int
}

// NewServer starts a server on 127.0.0.1:0; it stops when the test ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{t: t, held: make(chan Message, 1024), gone: make(chan int, 1024), closed: make(chan struct{}), cmds: map[string]int{}, open: map[*countedConn]bool{}}
	for _, f := range opts {
		f(&s.o)
	}
	if (s.o.noPipelining || s.o.pipeliningConns > 0 || s.o.noChunking) && (s.o.implicitTLS || s.o.startTLS) {
		t.Fatal("smtptest: WithoutPipelining and WithoutChunking work on plaintext sessions only")
	}
	srv := smtp.NewServer(backend{s})
	srv.Domain = "smtptest.localhost"
	srv.AllowInsecureAuth = true
	srv.LMTP = s.o.lmtp
	srv.EnableSMTPUTF8 = s.o.utf8
	srv.EnableDSN = s.o.dsn
	srv.MaxMessageBytes = s.o.maxSize
	srv.ErrorLog = log.New(io.Discard, "", 0)
	if s.o.implicitTLS || s.o.startTLS {
		s.Cert = s.o.cert
		if s.Cert == nil {
			s.Cert = NewCert(t)
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{s.Cert.TLS}}
	}
	s.srv = srv

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	var ln net.Listener = &countingListener{Listener: l, s: s}
	if s.o.implicitTLS {
		ln = tls.NewListener(ln, srv.TLSConfig)
		// go-smtp only offers STARTTLS when TLSConfig is set and the
		// connection is not TLS yet; implicit TLS connections are.
	}
	s.Addr = l.Addr().String()
	s.Host = "127.0.0.1"
	s.Port = l.Addr().(*net.TCPAddr).Port
	go srv.Serve(ln)
	t.Cleanup(s.Close)
	return s
}

// Close stops the server and releases held replies.
func (s *Server) Close() {
	select {
	case <-s.closed:
		return
	default:
		close(s.closed)
	}
	s.srv.Close()
}

// Messages returns every accepted message, in order of acceptance.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Received counts the accepted messages that had addr as a recipient.
func (s *Server) Received(addr string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, m := range s.msgs {
		for _, r := range m.To {
			if strings.EqualFold(r, addr) {
				n++
			}
		}
	}
	return n
}

// MaxConcurrent is the largest number of connections open at once.
func (s *Server) MaxConcurrent() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxCur
}

// Connections counts the connections accepted (not those refused by
// WithMaxSessions).
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}

// Rejected counts the connections refused by WithMaxSessions or RefuseWith.
func (s *Server) Rejected() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rejected
}

// AuthFailures counts refused logins.
func (s *Server) AuthFailures() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authFails
}

// Commands counts the commands with this verb ("RSET", "MAIL", …) the
// server read. Only plaintext connections are counted (TLS hides them).
func (s *Server) Commands(verb string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cmds[strings.ToUpper(verb)]
}

// UnknownCommands counts the lines the client sent as commands whose verb
// is not an SMTP command this client may send: message data sent where the
// server expected commands shows up here. Plaintext connections only.
func (s *Server) UnknownCommands() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for verb, k := range s.cmds {
		if !knownVerbs[verb] {
			n += k
		}
	}
	return n
}

// SMTPCommands counts the commands of a mail client (EHLO, MAIL, QUIT
// …) the server read, on plaintext connections: 0 says no mail client
// spoke to it, whatever else connected to its port (another test's
// readiness probe, polling a port it freed a moment before, which this
// server's 127.0.0.1:0 happened to be given: Connections counts those).
func (s *Server) SMTPCommands() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for verb, k := range s.cmds {
		if knownVerbs[verb] {
			n += k
		}
	}
	return n
}

// CloseIdle ends every open session as a server does when a client idles
// too long: "421 4.4.2 idle timeout, closing" and close. Call it only while
// the client is between transactions.
func (s *Server) CloseIdle() {
	s.mu.Lock()
	conns := make([]*countedConn, 0, len(s.open))
	for c := range s.open {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.uncount() // before the 421, as With421After's
		io.WriteString(c.Conn, "421 4.4.2 idle timeout, closing\r\n")
		c.Close()
	}
}

// Gone delivers the number of each connection the server closed or saw
// closed, as that happens.
func (s *Server) Gone() <-chan int { return s.gone }

// Held delivers each message HoldData is holding, as it starts waiting.
func (s *Server) Held() <-chan Message { return s.held }

// countingListener counts open connections and enforces WithMaxSessions.
type countingListener struct {
	net.Listener
	s *Server
}

func (l *countingListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		s := l.s
		s.mu.Lock()
		refusal := s.o.refusal
		if refusal == "" && s.o.maxSessions > 0 && s.cur >= s.o.maxSessions {
			refusal = cmp.Or(s.o.capReply, "421 4.7.0 HL:ICC too many connections from your IP")
		}
		if refusal != "" {
			s.rejected++
			s.mu.Unlock()
			// Refuse before TLS, as a provider's connection limiter does.
			io.WriteString(c, refusal+"\r\n")
			c.Close()
			continue
		}
		s.cur++
		s.total++
		s.maxCur = max(s.maxCur, s.cur)
		id := s.total
		cc := &countedConn{Conn: c, s: s, id: id}
		s.open[cc] = true
		s.mu.Unlock()
		if !s.o.implicitTLS && !s.o.startTLS {
			cc.wire = &wire{s: s}
			for _, kw := range []struct {
				off  bool
				line string
			}{{s.o.noPipelining || (s.o.pipeliningConns > 0 && id > s.o.pipeliningConns), "250-PIPELINING\r\n"}, {s.o.noChunking, "250-CHUNKING\r\n"}} {
				if kw.off {
					cc.hide = append(cc.hide, kw.line)
				}
			}
		}
		return cc, nil
	}
}

// countedConn is one accepted connection.
type countedConn struct {
	net.Conn
	s         *Server
	id        int
	once      sync.Once
	uncounted sync.Once
	delivered int // guarded by s.mu

	// wire parses a plaintext session (nil under TLS); hide lists EHLO
	// reply lines left out (WithoutPipelining, WithoutChunking).
	wire *wire
	hide []string
}

func (c *countedConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if c.wire != nil && n > 0 {
		c.wire.fromClient(b[:n])
	}
	return n, err
}

// Write hides EHLO keywords and tells the parser about the replies.
// go-smtp writes each reply line with its own Write (textproto flushes
// every line), so a hidden keyword is always one whole Write.
func (c *countedConn) Write(b []byte) (int, error) {
	for _, h := range c.hide {
		if string(b) == h {
			return len(b), nil
		}
	}
	n, err := c.Conn.Write(b)
	if c.wire != nil && n > 0 && err == nil {
		c.wire.fromServer(b[:n])
	}
	return n, err
}

// uncount takes the connection out of the open count, once.
func (c *countedConn) uncount() {
	c.uncounted.Do(func() {
		c.s.mu.Lock()
		c.s.cur--
		delete(c.s.open, c)
		c.s.mu.Unlock()
	})
}

// Close uncounts the connection before closing it, so a client that sees
// the close and connects again is never counted twice.
func (c *countedConn) Close() error {
	var err error
	c.once.Do(func() {
		c.uncount()
		err = c.Conn.Close()
		select {
		case c.s.gone <- c.id:
		default:
		}
	})
	return err
}

type backend struct{ s *Server }

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	nc := c.Conn()
	if tc, ok := nc.(*tls.Conn); ok {
		nc = tc.NetConn()
	}
	cc, ok := nc.(*countedConn)
	if !ok {
		return nil, errors.New("smtptest: unexpected connection type")
	}
	return &session{s: b.s, c: c, cc: cc}, nil
}

type session struct {
	s    *Server
	c    *smtp.Conn
	cc   *countedConn
	user string
	from string
	opts smtp.MailOptions
	// notify and orcpt are the DSN parameters of the recipients so far.
	notify, orcpt map[string]string
	to            []string
}

var _ smtp.LMTPSession = (*session)(nil)
var _ smtp.AuthSession = (*session)(nil)

func (se *session) info() Session {
	_, isTLS := se.c.TLSConnectionState()
	se.s.mu.Lock()
	defer se.s.mu.Unlock()
	return Session{Conn: se.cc.id, Delivered: se.cc.delivered, User: se.user, TLS: isTLS, UTF8: se.opts.UTF8}
}

func (se *session) Reset() {
	if se.s.o.dropAtReset && se.from != "" {
		se.c.Conn().Close()
	}
	se.from, se.to, se.opts, se.notify, se.orcpt = "", nil, smtp.MailOptions{}, nil, nil
}
func (se *session) Logout() error { return nil }

func (se *session) Mail(from string, opts *smtp.MailOptions) error {
	info := se.info()
	if n := se.s.o.close421After; n > 0 && info.Delivered >= n {
		// Reply and close, as servers do; the reply go-smtp writes for
		// the returned error then fails on the closed connection. The
		// connection leaves the count before its 421 is written: a
		// client that reads it may connect again at once.
		se.cc.uncount()
		io.WriteString(se.c.Conn(), "421 4.7.0 too many messages on this connection, closing\r\n")
		se.c.Conn().Close()
		return Reply(421, "4.7.0", "closing")
	}
	if se.s.o.user != "" && se.user == "" {
		return Reply(530, "5.7.0", "authentication required")
	}
	if f := se.s.o.onMail; f != nil {
		if err := f(info, from); err != nil {
			return err
		}
	}
	se.from = from
	if opts != nil {
		se.opts = *opts
	}
	return nil
}

func (se *session) Rcpt(to string, opts *smtp.RcptOptions) error {
	if f := se.s.o.onRcpt; f != nil {
		if err := f(se.info(), to); err != nil {
			return err
		}
	}
	se.to = append(se.to, to)
	if opts != nil && (len(opts.Notify) > 0 || opts.OriginalRecipient != "") {
		if se.notify == nil {
			se.notify, se.orcpt = map[string]string{}, map[string]string{}
		}
		var n []string
		for _, v := range opts.Notify {
			n = append(n, string(v))
		}
		se.notify[to] = strings.Join(n, ",")
		if opts.OriginalRecipient != "" {
			se.orcpt[to] = string(opts.OriginalRecipientType) + ";" + opts.OriginalRecipient
		}
	}
	return nil
}

// body reads the data and builds the message.
func (se *session) body(r io.Reader) (*Message, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	info := se.info()
	m := &Message{Conn: info.Conn, From: se.from, To: append([]string(nil), se.to...), Data: data,
		Size: se.opts.Size, UTF8: se.opts.UTF8, Body: string(se.opts.Body), User: se.user, TLS: info.TLS,
		Ret: string(se.opts.Return), EnvID: se.opts.EnvelopeID, Notify: se.notify, ORcpt: se.orcpt}
	if g := se.s.o.gate; g != nil {
		select {
		case se.s.held <- *m:
		default:
		}
		select {
		case <-g:
		case <-se.s.closed:
			return nil, Reply(421, "4.3.0", "shutting down")
		}
	}
	return m, nil
}

func (se *session) accept(m *Message) {
	se.s.mu.Lock()
	se.s.msgs = append(se.s.msgs, *m)
	se.cc.delivered++
	se.s.mu.Unlock()
}

func (se *session) Data(r io.Reader) error {
	m, err := se.body(r)
	if err != nil {
		return err
	}
	info := se.info()
	if f := se.s.o.onData; f != nil {
		if err := f(info, m); err != nil {
			return err
		}
	}
	if f := se.s.o.close421; f != nil && f(info, m) {
		// Reply and close, as a server shutting down does; the reply
		// go-smtp writes for the returned error then fails.
		io.WriteString(se.c.Conn(), "421 4.3.2 service shutting down, closing\r\n")
		se.c.Conn().Close()
		return Reply(421, "4.3.2", "closing")
	}
	se.accept(m)
	if f := se.s.o.dropReply; f != nil && f(info, m) {
		se.c.Conn().Close()
	}
	return nil
}

func (se *session) LMTPData(r io.Reader, status smtp.StatusCollector) error {
	m, err := se.body(r)
	if err != nil {
		return err
	}
	info := se.info()
	if f := se.s.o.onData; f != nil {
		if err := f(info, m); err != nil {
			return err
		}
	}
	// Decide every recipient, record the message, then reply: go-smtp
	// writes each recipient's reply as its status is set, and a client
	// that sees a 250 must find the message recorded.
	var ok []string
	errs := make([]error, len(m.To))
	for i, rcpt := range m.To {
		if f := se.s.o.onLMTPRcpt; f != nil {
			errs[i] = f(info, rcpt)
		}
		if errs[i] == nil {
			ok = append(ok, rcpt)
		}
	}
	rcpts := m.To
	if len(ok) > 0 {
		m.To = ok
		se.accept(m)
	}
	for i, rcpt := range rcpts {
		status.SetStatus(rcpt, errs[i])
	}
	return nil
}

func (se *session) AuthMechanisms() []string {
	if se.s.o.user == "" {
		return nil
	}
	if len(se.s.o.mechs) > 0 {
		return se.s.o.mechs
	}
	return []string{sasl.Plain, sasl.Login, "CRAM-MD5", "XOAUTH2"}
}

func (se *session) Auth(mech string) (sasl.Server, error) {
	ok := false
	for _, m := range se.AuthMechanisms() {
		ok = ok || strings.EqualFold(m, mech)
	}
	if !ok {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	check := func(user, pass string) error {
		if user != se.s.o.user || pass != se.s.o.pass {
			se.s.mu.Lock()
			se.s.authFails++
			se.s.mu.Unlock()
			return Reply(535, "5.7.8", "authentication failed: wrong user name or password")
		}
		se.user = user
		return nil
	}
	switch strings.ToUpper(mech) {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, user, pass string) error {
			if identity != "" && identity != user {
				return Reply(535, "5.7.8", "identity mismatch")
			}
			return check(user, pass)
		}), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	case "CRAM-MD5":
		return &cramServer{check: func(user, digest string, challenge []byte) error {
			if user != se.s.o.user || digest != cramDigest(se.s.o.pass, challenge) {
				return check("", "")
			}
			se.user = user
			return nil
		}}, nil
	case "XOAUTH2":
		return &xoauth2Server{check: check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

// String describes the server for test logs.
func (s *Server) String() string { return fmt.Sprintf("smtptest server at %s", s.Addr) }
