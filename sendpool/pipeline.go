package sendpool

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// The pipelined transport drives an SMTP session with command pipelining
// (RFC 2920) once go-smtp has set it up (connection, TLS, STARTTLS, EHLO,
// AUTH: see SMTPDialer.Dial). go-smtp's client waits for every reply, and
// pipelining is a different way of driving the whole transaction, so the
// exchange after login is written here, on the session's connection, with
// net/textproto for reading replies. Taking the connection over is safe at
// that point: SMTP before the first transaction is lockstep, so go-smtp's
// reader holds no unread bytes, and go-smtp is not used on it again.
//
// With DATA a transaction is one group, MAIL FROM, every RCPT TO and DATA;
// the replies are read in order and the body follows the 354. Nothing may
// follow DATA before its reply (the server would read it as the message),
// but the next transaction's group may follow the end of the body: its
// replies come after the body's final reply. So with two transactions in
// flight a connection carries one message per round trip (the window is 2).
//
// With CHUNKING (RFC 3030) a transaction is one group including the body,
// MAIL FROM, RCPT TO…, BDAT <size> LAST and the data, one round trip by
// itself (the window is 1: a second transaction in flight would only add
// messages of unknown outcome when a connection breaks, and a failed
// transaction would leave the server in a state the next group cannot
// know about). The body goes out before the envelope's replies are known,
// so the journal's attempt is recorded before the group is written, and a
// connection that dies before any reply leaves the message unknown; to keep
// a connection the server closed while idle from doing that, a BDAT group
// on a connection idle for idleCheck is preceded by a short read that
// notices the close.
//
// A recipient refused inside a group is handled as in the plain exchange:
// the others still go, and with no recipient accepted the server refuses
// DATA (the client then sends no body) or BDAT. After a transaction that
// failed with the server's transaction still open the next group starts
// with RSET. A 421 reply means the server processed nothing after it, so
// the transactions behind it fail as not delivered (and are retried), not
// as unknown.
//
// LMTP (RFC 2033) always uses DATA, whose end brings one reply per accepted
// recipient; a 421 among those replies after another recipient's 250 leaves
// the message unknown, as in the plain exchange.
//
// Grouping commands needs PIPELINING; CHUNKING alone is not used (RFC 3030
// groups MAIL, RCPT and BDAT only with PIPELINING), and a server offering
// neither gets the plain exchange (or ErrNoPipelining when the transport is
// required). MAIL carries SIZE when the server offers it, BODY=8BITMIME
// when the message has 8-bit bytes and the server offers 8BITMIME (RFC
// 6152), and SMTPUTF8 when the message needs it (RFC 6531).

const (
	// dataWindow is the window with DATA: the transaction whose body is
	// out and whose final reply is awaited, and the next one behind it.
	dataWindow = 2
	// bigBody: a body this large is written straight to the connection
	// instead of being copied into the write buffer.
	bigBody = 256 << 10
	// idleCheck: a BDAT group on a connection idle this long is preceded
	// by checkIdle.
	idleCheck = time.Second
	// idleProbe bounds checkIdle's read.
	idleProbe = 2 * time.Millisecond
)

// ErrNoPipelining is the refusal to run with smtp.transport: pipelined
// against a server that does not offer PIPELINING.
var ErrNoPipelining = errors.New("sendpool: smtp.transport is pipelined but the server does not offer PIPELINING (RFC 2920); use transport: auto or plain")

// Transports are the values of SMTPConfig.Transport.
const (
	TransportAuto      = "auto"
	TransportPipelined = "pipelined"
	TransportPlain     = "plain"
)

// parseTransport checks SMTPConfig.Transport; "" means auto.
func parseTransport(s string) (string, error) {
	switch t := strings.ToLower(s); t {
	case "", TransportAuto:
		return TransportAuto, nil
	case TransportPipelined, TransportPlain:
		return t, nil
	}
	return "", fmt.Errorf("sendpool: unknown smtp.transport %q (use auto, pipelined or plain)", s)
}

// slotKind says which command a reply answers.
type slotKind uint8

const (
	slotRset slotKind = iota
	slotMail
	slotRcpt
	slotData // DATA: 354 or a refusal
	slotEnd  // the final reply to the body (after "." or BDAT … LAST)
	slotLMTP // LMTP: the final reply for a further accepted recipient
)

// slot is one reply owed by the server.
type slot struct {
	kind slotKind
	t    *pipeTx
	i    int // recipient index for slotRcpt
}

// pipeConn is a PipelinedConn over an SMTP (or LMTP) session. It is used
// by one goroutine at a time.
type pipeConn struct {
	d       *SMTPDialer
	raw     *rawConn
	nc      net.Conn // the session's connection (above TLS)
	r       *textproto.Reader
	tr      *transcript // nil without --debug
	timeout time.Duration

	lmtp     bool
	chunking bool
	eightBit bool
	utf8     bool
	hasSize  bool
	maxSize  int

	ctx    context.Context // of the Begin or Wait call running, for BeforeBody
	wbuf   []byte          // written at the next flush
	ends   []*pipeTx       // transactions whose end of body is in wbuf
	slots  []slot          // replies owed, in order
	q      []*pipeTx       // begun and not waited for, in order
	rset   bool            // the next group starts with RSET
	lastIO time.Time
	broken error // why the connection is unusable; nil while it is fine
	got421 bool  // the server announced it closes the session
}

var _ PipelinedConn = (*pipeConn)(nil)

// pipeTx is one transaction on a pipeConn.
type pipeTx struct {
	c    *pipeConn
	tx   *Tx
	d    *Delivery
	data []byte // the body as sent (CRLF line endings)

	owed      int  // replies still owed to it
	mailOK    bool // MAIL was accepted
	rcptsRead int
	accepted  []int // indexes of accepted recipients, in order
	lmtpRead  int   // LMTP final replies read
	lmtpOK    int
	queued    bool // body bytes were handed to the write path
	endLeft   bool // the end of the body (".", or the last chunk) left
	endAt     int  // offset in wbuf just after the end of the body
	err       *TxError
	done      bool
}

// newPipeConn takes over the session of a set-up smtpConn (see the comment
// at the top of this file).
func newPipeConn(s *smtpConn) *pipeConn {
	if rc, ok := s.nc.(*restartedConn); ok {
		rc.tap = nil // this transport writes its own transcript
	}
	c := &pipeConn{
		d:       s.d,
		raw:     s.raw,
		nc:      s.nc,
		r:       textproto.NewReader(bufio.NewReaderSize(s.nc, 4096)),
		tr:      s.tr,
		timeout: s.d.cfg.timeout(),
		lmtp:    s.lmtp,
		utf8:    s.utf8,
		hasSize: s.hasSize,
		maxSize: s.maxSize,
		lastIO:  time.Now(),
	}
	// LMTP goes with DATA even when CHUNKING is offered: RFC 2033 defines
	// the per-recipient replies after the end of DATA, and a server that
	// refuses a BDAT chunk may answer it once for all (go-smtp's does),
	// leaving the client waiting for replies that never come.
	c.chunking, _ = s.c.Extension("CHUNKING")
	c.chunking = c.chunking && !c.lmtp
	c.eightBit, _ = s.c.Extension("8BITMIME")
	return c
}

// Server implements Conn.
func (c *pipeConn) Server() string { return c.d.cfg.Addr() }

func (c *pipeConn) offersSMTPUTF8() bool { return c.utf8 }

// Window implements PipelinedConn.
func (c *pipeConn) Window() int {
	if c.chunking {
		return 1
	}
	return dataWindow
}

// Send implements Conn: one transaction, begun and waited for.
func (c *pipeConn) Send(ctx context.Context, tx *Tx) (*Delivery, error) {
	p, err := c.Begin(ctx, tx)
	if err != nil {
		return newDelivery(tx), err
	}
	return p.Wait(ctx)
}

func newDelivery(tx *Tx) *Delivery {
	d := &Delivery{Rcpts: make([]RcptReply, len(tx.Rcpts))}
	for i, r := range tx.Rcpts {
		d.Rcpts[i].Addr = r
	}
	return d
}

// Begin implements PipelinedConn.
func (c *pipeConn) Begin(ctx context.Context, tx *Tx) (Pending, error) {
	stop := context.AfterFunc(ctx, c.raw.closeNow)
	defer stop()
	c.ctx = ctx
	m := tx.Msg
	if c.broken != nil || c.got421 {
		return nil, &TxError{Stage: StagePrepare, Err: errors.New("connection already closed")}
	}
	if m.UTF8 && !c.utf8 {
		return nil, &TxError{Stage: StagePrepare, Err: ErrNeedsSMTPUTF8}
	}
	if c.maxSize > 0 && len(m.Data) > c.maxSize {
		return nil, &TxError{Stage: StagePrepare, Err: fmt.Errorf("%w: the message is %d bytes, the server accepts at most %d", ErrTooBig, len(m.Data), c.maxSize)}
	}
	if !validPath(m.EnvelopeFrom) {
		return nil, &TxError{Stage: StagePrepare, Err: fmt.Errorf("envelope sender %q contains control characters", m.EnvelopeFrom)}
	}
	for _, r := range tx.Rcpts {
		if !validPath(r) {
			return nil, &TxError{Stage: StagePrepare, Err: fmt.Errorf("recipient %q contains control characters", r)}
		}
	}
	t := &pipeTx{c: c, tx: tx, d: newDelivery(tx), data: canonicalCRLF(m.Data)}

	if c.chunking {
		// One transaction at a time: first read what the ones before
		// are owed (the pool waits for them first; this is for Send).
		for len(c.slots) > 0 && c.broken == nil {
			if err := c.step(); err != nil {
				c.failConn(err)
			}
		}
		if c.broken != nil {
			return nil, &TxError{Stage: StageMail, Err: c.broken}
		}
		if time.Since(c.lastIO) >= idleCheck {
			if err := c.checkIdle(); err != nil {
				c.failConn(err)
				return nil, &TxError{Stage: StageMail, Err: err}
			}
		}
		if tx.BeforeBody != nil {
			if err := tx.BeforeBody(ctx); err != nil {
				return nil, &TxError{Stage: StageData, Err: err}
			}
		}
		c.envelope(t)
		c.command(fmt.Sprintf("BDAT %d LAST", len(t.data)))
		c.expect(slot{kind: slotEnd, t: t})
		c.q = append(c.q, t)
		if err := c.queueBody(t); err != nil {
			c.failConn(err)
			return t, nil
		}
	} else {
		// Nothing may follow DATA before its reply: read up to the
		// reply owed to the last transaction's DATA (sending its body
		// when the server asks for it), so that this group rides
		// behind that body.
		for c.owesData() && c.broken == nil {
			if err := c.step(); err != nil {
				c.failConn(err)
			}
		}
		if c.broken != nil {
			return nil, &TxError{Stage: StageMail, Err: c.broken}
		}
		c.envelope(t)
		c.command("DATA")
		c.expect(slot{kind: slotData, t: t})
		c.q = append(c.q, t)
	}
	if err := c.flush(); err != nil {
		c.failConn(err)
	}
	return t, nil
}

// Wait implements Pending.
func (t *pipeTx) Wait(ctx context.Context) (*Delivery, error) {
	c := t.c
	stop := context.AfterFunc(ctx, c.raw.closeNow)
	defer stop()
	c.ctx = ctx
	for !t.done {
		if c.broken != nil {
			c.failConn(c.broken) // settles t
			break
		}
		if err := c.step(); err != nil {
			c.failConn(err)
		}
	}
	for i, x := range c.q {
		if x == t {
			c.q = append(c.q[:i], c.q[i+1:]...)
			break
		}
	}
	if t.err != nil {
		return t.d, t.err
	}
	return t.d, nil
}

// owesData reports whether a DATA reply is still owed.
func (c *pipeConn) owesData() bool {
	for _, s := range c.slots {
		if s.kind == slotData {
			return true
		}
	}
	return false
}

// envelope queues [RSET] MAIL FROM and the RCPT TOs of t.
func (c *pipeConn) envelope(t *pipeTx) {
	m := t.tx.Msg
	if c.rset {
		c.rset = false
		c.command("RSET")
		c.expect(slot{kind: slotRset, t: t})
	}
	var b strings.Builder
	b.WriteString("MAIL FROM:<")
	b.WriteString(m.EnvelopeFrom)
	b.WriteString(">")
	if c.eightBit && has8bit(t.data) {
		b.WriteString(" BODY=8BITMIME")
	}
	if c.hasSize {
		b.WriteString(" SIZE=")
		b.WriteString(strconv.Itoa(len(t.data)))
	}
	if m.UTF8 {
		b.WriteString(" SMTPUTF8")
	}
	c.command(b.String())
	c.expect(slot{kind: slotMail, t: t})
	for i, r := range t.tx.Rcpts {
		c.command("RCPT TO:<" + r + ">")
		c.expect(slot{kind: slotRcpt, t: t, i: i})
	}
}

func (c *pipeConn) command(line string) {
	c.wbuf = append(c.wbuf, line...)
	c.wbuf = append(c.wbuf, '\r', '\n')
	if c.tr != nil {
		c.tr.emit("C: ", line)
	}
}

func (c *pipeConn) expect(s slot) {
	c.slots = append(c.slots, s)
	if s.t != nil {
		s.t.owed++
	}
}

// queueBody hands t's body to the write path: into the write buffer, or
// straight to the connection when it is big (then the buffer is flushed
// first and an error means the connection broke).
func (c *pipeConn) queueBody(t *pipeTx) error {
	t.queued = true
	data := t.data
	if c.tr != nil {
		c.tr.emit("C: ", fmt.Sprintf("[message data: %d lines, %d bytes]", bytes.Count(data, []byte("\n")), len(data)))
		if !c.chunking {
			c.tr.emit("C: ", ".")
		}
	}
	if len(data) < bigBody {
		if c.chunking {
			c.wbuf = append(c.wbuf, data...)
		} else {
			c.wbuf = appendDotStuffed(c.wbuf, data)
		}
		t.endAt = len(c.wbuf)
		c.ends = append(c.ends, t)
		return nil
	}
	if err := c.flush(); err != nil {
		return err
	}
	c.nc.SetWriteDeadline(time.Now().Add(c.timeout + time.Duration(len(data)>>10)*time.Millisecond))
	if c.chunking {
		if _, err := c.nc.Write(data); err != nil {
			return err
		}
	} else {
		bw := bufio.NewWriterSize(c.nc, 64<<10)
		dw := textproto.NewWriter(bw).DotWriter()
		if _, err := dw.Write(data); err != nil {
			return err
		}
		if err := dw.Close(); err != nil {
			return err
		}
	}
	t.endLeft = true
	c.lastIO = time.Now()
	return nil
}

// flush writes the buffer and notes which bodies ended in what left.
func (c *pipeConn) flush() error {
	if len(c.wbuf) == 0 {
		return nil
	}
	c.nc.SetWriteDeadline(time.Now().Add(c.timeout))
	n, err := c.nc.Write(c.wbuf)
	for _, t := range c.ends {
		if err == nil || n >= t.endAt {
			t.endLeft = true
		}
	}
	clear(c.ends)
	c.ends = c.ends[:0]
	if cap(c.wbuf) > 4*bigBody {
		c.wbuf = nil
	} else {
		c.wbuf = c.wbuf[:0]
	}
	if err == nil {
		c.lastIO = time.Now()
	}
	return err
}

// step writes what is buffered, reads the next reply and hands it to the
// slot it answers. An error is an I/O or protocol failure: the connection
// is unusable.
func (c *pipeConn) step() error {
	if err := c.flush(); err != nil {
		return err
	}
	if len(c.slots) == 0 {
		return errors.New("sendpool: pipelined transport: no reply is owed") // a bug, not the server's doing
	}
	s := c.slots[0]
	to := c.timeout
	if s.kind == slotEnd || s.kind == slotLMTP {
		to *= 4 // as the plain exchange: the server may check the message before answering
	}
	c.nc.SetReadDeadline(time.Now().Add(to))
	code, msg, err := c.r.ReadResponse(0)
	if err != nil {
		return err
	}
	c.lastIO = time.Now()
	if c.tr != nil {
		c.logReply(code, msg)
	}
	c.slots = c.slots[1:]
	c.answer(s, code, msg)
	return nil
}

func (c *pipeConn) logReply(code int, msg string) {
	lines := strings.Split(msg, "\n")
	for i, l := range lines {
		sep := "-"
		if i == len(lines)-1 {
			sep = " "
		}
		c.tr.emit("S: ", strconv.Itoa(code)+sep+l)
	}
}

// answer applies a reply to the transaction it belongs to.
func (c *pipeConn) answer(s slot, code int, msg string) {
	if code == 421 {
		c.got421 = true
	}
	t := s.t
	if t == nil { // RSET sent by Reset
		return
	}
	t.owed--
	defer func() {
		if t.owed == 0 {
			t.done = true
		}
	}()
	ok := code >= 200 && code < 300
	switch s.kind {
	case slotRset:
		// A refused RSET leaves it to the MAIL after it to tell.
	case slotMail:
		if ok {
			t.mailOK = true
		} else {
			t.fail(StageMail, replyError("MAIL", code, msg))
		}
	case slotRcpt:
		t.rcptsRead++
		switch {
		case t.err != nil:
			// After a refused MAIL (or a 421) the rest answers that.
		case ok:
			t.accepted = append(t.accepted, s.i)
		case code == 421:
			t.fail(StageRcpt, replyError("RCPT", code, msg))
		default:
			t.d.Rcpts[s.i].Err = replyError("RCPT", code, msg)
		}
		if t.rcptsRead == len(t.tx.Rcpts) && len(t.accepted) == 0 {
			t.fail(StageRcpt, ErrNoRecipients)
		}
	case slotData:
		if code != 354 {
			t.fail(StageData, replyError("DATA", code, msg))
			if t.mailOK {
				c.rset = true // the transaction is still open
			}
			return
		}
		if t.err != nil {
			// The server wants a body for an envelope it refused
			// (no recipient accepted): dropping the connection is
			// the one way not to send one.
			c.failConn(errors.New("the server answered 354 to DATA although it accepted no recipient; connection dropped"))
			return
		}
		if bb := t.tx.BeforeBody; bb != nil {
			if err := bb(c.ctx); err != nil {
				t.fail(StageData, err)
				c.failConn(fmt.Errorf("connection dropped so the body is not sent: %w", err))
				return
			}
		}
		c.expect(slot{kind: slotEnd, t: t})
		if err := c.queueBody(t); err != nil {
			c.failConn(err)
		}
	case slotEnd:
		if t.err != nil {
			// BDAT after a refused envelope: the refusal says it.
			if t.mailOK {
				c.rset = true
			}
			return
		}
		if c.lmtp {
			// One final reply per accepted recipient, in order;
			// the others follow this one at once.
			for range len(t.accepted) - 1 {
				c.slots = append([]slot{{kind: slotLMTP, t: t}}, c.slots...)
				t.owed++
			}
			c.answerLMTP(t, code, msg)
			return
		}
		if ok {
			t.d.Reply = okReply(code, msg)
			return
		}
		t.fail(StageReply, replyError(".", code, msg))
		if c.chunking && t.mailOK {
			c.rset = true // a refused BDAT may leave the transaction open
		}
	case slotLMTP:
		c.answerLMTP(t, code, msg)
	}
}

// answerLMTP applies the final reply for the next accepted recipient.
func (c *pipeConn) answerLMTP(t *pipeTx, code int, msg string) {
	i := t.accepted[t.lmtpRead]
	t.lmtpRead++
	if code >= 200 && code < 300 {
		t.lmtpOK++
		if t.d.Reply.Code == 0 {
			t.d.Reply = okReply(code, msg)
		}
	} else {
		t.d.Rcpts[i].Err = replyError(".", code, msg)
	}
	if t.lmtpRead == len(t.accepted) && t.lmtpOK == 0 {
		t.fail(StageReply, ErrNoRecipients)
	}
}

func (t *pipeTx) fail(stage Stage, err error) {
	if t.err == nil {
		t.err = &TxError{Stage: stage, Err: err}
	}
}

// failConn marks the connection unusable, closes it and settles every
// transaction still owed a reply.
func (c *pipeConn) failConn(err error) {
	if c.broken == nil {
		c.broken = err
		c.raw.closeNow()
	}
	for _, t := range c.q {
		if !t.done {
			c.settle(t, c.broken)
		}
	}
	c.slots, c.wbuf, c.ends = nil, nil, nil
}

// settle decides the outcome of t, whose replies the broken connection
// will not bring:
//   - a refusal already read stands (nothing was delivered);
//   - after a 421 the server processed nothing more: not delivered (but
//     under LMTP, once a recipient of t had its final 250 the message went
//     to some: unknown, as the plain exchange reports it, so that a retry
//     does not give that recipient a second copy);
//   - the end of the body left without its final reply: unknown;
//   - the body was being written: not delivered;
//   - otherwise the envelope was not answered: not delivered.
func (c *pipeConn) settle(t *pipeTx, err error) {
	t.done = true
	switch {
	case t.err != nil:
	case c.got421 && t.lmtpOK == 0:
		t.err = &TxError{Stage: t.stage(), Err: fmt.Errorf("the server closed the session (421) before answering: %w", err)}
	case t.endLeft:
		// With BDAT also when not one reply of the group came: the
		// server may have taken it all and the replies got lost.
		t.err = &TxError{Stage: StageReply, Err: fmt.Errorf("%w: %w", ErrReplyLost, err)}
	case t.queued:
		t.err = &TxError{Stage: StageBody, Err: err}
	default:
		t.err = &TxError{Stage: t.stage(), Err: err}
	}
}

// stage is how far t's replies got.
func (t *pipeTx) stage() Stage {
	switch {
	case !t.mailOK:
		return StageMail
	case t.rcptsRead < len(t.tx.Rcpts):
		return StageRcpt
	default:
		return StageData
	}
}

// checkIdle notices a server that closed the connection while it was idle
// (or said something unasked, such as "421 timeout", before closing): any
// byte or end of stream waiting to be read means the session is over. It
// waits at most idleProbe.
func (c *pipeConn) checkIdle() error {
	c.nc.SetReadDeadline(time.Now().Add(idleProbe))
	defer c.nc.SetReadDeadline(time.Time{})
	_, err := c.r.R.Peek(1)
	if err == nil {
		// Read what came (within the same deadline) for the message.
		line, _ := c.r.R.ReadString('\n')
		line = strings.TrimSpace(line)
		if c.tr != nil {
			c.tr.emit("S: ", line)
		}
		return fmt.Errorf("the server ended the idle session: %s", oneLine(line))
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return nil
	}
	return fmt.Errorf("the server closed the idle connection: %w", err)
}

// Reset implements Conn: RSET, with no transaction in flight.
func (c *pipeConn) Reset(ctx context.Context) error {
	stop := context.AfterFunc(ctx, c.raw.closeNow)
	defer stop()
	c.ctx = ctx
	if c.broken != nil || c.got421 {
		return &TxError{Stage: StageMail, Err: errors.New("connection already closed")}
	}
	if len(c.q) > 0 {
		return errors.New("sendpool: Reset with transactions in flight")
	}
	c.rset = false
	c.command("RSET")
	c.slots = append(c.slots, slot{kind: slotRset})
	if err := c.step(); err != nil {
		c.failConn(err)
		return &TxError{Stage: StageMail, Err: err}
	}
	return nil
}

// Quit implements Conn.
func (c *pipeConn) Quit(ctx context.Context) error {
	stop := context.AfterFunc(ctx, c.raw.closeNow)
	defer stop()
	if c.broken != nil || len(c.q) > 0 {
		c.raw.closeNow()
		return nil
	}
	c.raw.drain = min(c.timeout, 5*time.Second)
	if c.got421 {
		// The server closes after 421; wait for that, then close.
		return c.nc.Close()
	}
	c.command("QUIT")
	err := c.flush()
	if err == nil {
		c.nc.SetReadDeadline(time.Now().Add(c.timeout))
		var code int
		var msg string
		code, msg, err = c.r.ReadResponse(221)
		if c.tr != nil && code != 0 {
			c.logReply(code, msg)
		}
	}
	c.nc.Close()
	if err != nil {
		return fmt.Errorf("sendpool: QUIT: %w", err)
	}
	return nil
}

// Close implements Conn.
func (c *pipeConn) Close() error {
	c.raw.closeNow()
	return nil
}

// replyError makes the *SMTPError for a reply, taking an enhanced status
// code (RFC 3463) off the text of each line, as go-smtp does.
func replyError(command string, code int, msg string) *SMTPError {
	se := &SMTPError{Command: command, Code: code, Message: msg}
	if ec, rest, ok := splitEnhanced(msg); ok {
		// Continuation lines repeat the code: keep it once.
		se.EnhancedCode = ec
		se.Message = strings.ReplaceAll(rest, "\n"+ec.String()+" ", "\n")
	}
	return se
}

// okReply is the positive final reply as a Delivery carries it.
func okReply(code int, msg string) SMTPError { return *replyError(".", code, msg) }

// validPath reports whether an envelope address can go on a command line:
// no control characters (render never makes such addresses; this keeps a
// command from being split whatever the caller passes).
func validPath(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return false
		}
	}
	return true
}

// has8bit reports whether data has a byte outside US-ASCII (then MAIL
// carries BODY=8BITMIME, RFC 6152, when the server offers it).
func has8bit(data []byte) bool {
	// Eight bytes at a time: a newsletter is a few kilobytes and this
	// runs for every message.
	for len(data) >= 8 {
		if binary.LittleEndian.Uint64(data)&0x8080808080808080 != 0 {
			return true
		}
		data = data[8:]
	}
	for _, b := range data {
		if b >= 0x80 {
			return true
		}
	}
	return false
}

// canonicalCRLF returns data with every bare LF turned into CRLF, as
// net/textproto's DotWriter (and so the plain exchange) sends it; data
// itself when it has none (render's messages never do).
func canonicalCRLF(data []byte) []byte {
	if !hasBareLF(data) {
		return data
	}
	out := make([]byte, 0, len(data)+len(data)/32)
	for i, b := range data {
		if b == '\n' && (i == 0 || data[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, b)
	}
	return out
}

// hasBareLF reports whether data has an LF not preceded by CR. It jumps
// from LF to LF (one pass; counting LFs and CRLFs took two).
func hasBareLF(data []byte) bool {
	for i := 0; i < len(data); i++ {
		j := bytes.IndexByte(data[i:], '\n')
		if j < 0 {
			return false
		}
		i += j
		if i == 0 || data[i-1] != '\r' {
			return true
		}
	}
	return false
}

// appendDotStuffed appends data as a DATA body (RFC 5321 section 4.5.2: a
// line starting with "." gets another one) ending with CRLF, then the end
// mark ".\r\n". data has CRLF line endings.
func appendDotStuffed(dst, data []byte) []byte {
	switch {
	case len(data) == 0:
	case data[0] != '.' && !bytes.Contains(data, []byte("\n.")):
		dst = append(dst, data...)
	default:
		for rest := data; len(rest) > 0; {
			if rest[0] == '.' {
				dst = append(dst, '.')
			}
			i := bytes.IndexByte(rest, '\n')
			if i < 0 {
				dst = append(dst, rest...)
				break
			}
			dst = append(dst, rest[:i+1]...)
			rest = rest[i+1:]
		}
	}
	if n := len(data); n > 0 && data[n-1] != '\n' {
		if data[n-1] == '\r' {
			dst = append(dst, '\n')
		} else {
			dst = append(dst, '\r', '\n')
		}
	}
	return append(dst, '.', '\r', '\n')
}
