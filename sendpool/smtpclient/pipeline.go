package smtpclient

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"slices"
	"strconv"
	"time"

	"github.com/tidings/tidings/sendpool"
)

// The pipelined transport drives an SMTP session with command pipelining
// (RFC 2920) once go-smtp has set it up (connection, TLS, STARTTLS, EHLO,
// AUTH: see Dialer.Dial). go-smtp's client waits for every reply, and
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
// neither gets the plain exchange (or sendpool.ErrNoPipelining when the transport is
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
	// idleCheck: where the socket cannot be asked without waiting, a BDAT
	// group on a connection idle this long is preceded by checkIdle.
	idleCheck = time.Second
	// idleProbe bounds checkIdle's read.
	idleProbe = 2 * time.Millisecond
	// unaskedWait bounds the read of a reply the server sent unasked
	// once its first byte came (unasked): a multi-line 421, or one that
	// arrives split.
	unaskedWait = 2 * time.Second
)

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

// pipeConn is a sendpool.PipelinedConn over an SMTP (or LMTP) session. It is used
// by one goroutine at a time.
type pipeConn struct {
	d       *Dialer
	server  string // Server's answer, d.cfg.Addr() (asked for every transaction)
	raw     *rawConn
	nc      net.Conn // the session's connection (above TLS)
	r       *textproto.Reader
	tr      *transcript // nil without --debug
	timeout time.Duration

	lmtp     bool
	chunking bool
	eightBit bool
	dsn      bool // the server offers DSN (RFC 3461)
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
	// endsLeft, set as the connection broke, is the offset in what it
	// wrote (rawConn.written) below which everything had left this
	// machine (-1: not known).
	endsLeft int64
	got421   bool // the server announced it closes the session
}

var _ sendpool.PipelinedConn = (*pipeConn)(nil)

// pipeTx is one transaction on a pipeConn.
type pipeTx struct {
	c    *pipeConn
	tx   *sendpool.Tx
	d    *sendpool.Delivery
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
	// endByte is at most the offset, in what the connection wrote
	// (rawConn.written), just after the end of the body, once it left.
	endByte int64
	err     *sendpool.TxError
	done    bool
}

// newPipeConn takes over the session of a set-up smtpConn (see the comment
// at the top of this file).
func newPipeConn(s *smtpConn) *pipeConn {
	if rc, ok := s.nc.(*restartedConn); ok {
		rc.tap = nil // this transport writes its own transcript
	}
	c := &pipeConn{
		d:       s.d,
		server:  s.d.cfg.Addr(),
		raw:     s.raw,
		nc:      s.nc,
		r:       textproto.NewReader(bufio.NewReaderSize(&lineLimitReader{r: newReplyReader(s.nc), limit: maxReplyLine}, 4096)),
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
	c.dsn, _ = s.c.Extension("DSN")
	return c
}

// Server implements sendpool.Conn.
func (c *pipeConn) Server() string { return c.server }

// OffersSMTPUTF8 implements sendpool.Conn.
func (c *pipeConn) OffersSMTPUTF8() bool { return c.utf8 }

// Window implements sendpool.PipelinedConn.
func (c *pipeConn) Window() int {
	if c.chunking {
		return 1
	}
	return dataWindow
}

// Send implements Conn: one transaction, begun and waited for.
func (c *pipeConn) Send(ctx context.Context, tx *sendpool.Tx) (*sendpool.Delivery, error) {
	p, err := c.Begin(ctx, tx)
	if err != nil {
		return sendpool.NewDelivery(tx), err
	}
	return p.Wait(ctx)
}

// Begin implements sendpool.PipelinedConn.
func (c *pipeConn) Begin(ctx context.Context, tx *sendpool.Tx) (sendpool.Pending, error) {
	stop := context.AfterFunc(ctx, c.raw.closeNow)
	defer stop()
	c.ctx = ctx
	m := tx.Msg
	if c.broken != nil || c.got421 {
		return nil, &sendpool.TxError{Stage: sendpool.StagePrepare, Err: errors.New("connection already closed")}
	}
	if m.UTF8 && !c.utf8 {
		return nil, &sendpool.TxError{Stage: sendpool.StagePrepare, Err: sendpool.ErrNeedsSMTPUTF8}
	}
	if c.maxSize > 0 && len(m.Data) > c.maxSize {
		return nil, &sendpool.TxError{Stage: sendpool.StagePrepare, Err: fmt.Errorf("%w: the message is %d bytes, the server accepts at most %d", sendpool.ErrTooBig, len(m.Data), c.maxSize)}
	}
	if !validPath(m.EnvelopeFrom) {
		return nil, &sendpool.TxError{Stage: sendpool.StagePrepare, Err: fmt.Errorf("envelope sender %q contains control characters", m.EnvelopeFrom)}
	}
	for _, r := range tx.Rcpts {
		if !validPath(r) {
			return nil, &sendpool.TxError{Stage: sendpool.StagePrepare, Err: fmt.Errorf("recipient %q contains control characters", r)}
		}
	}
	t := &pipeTx{c: c, tx: tx, d: sendpool.NewDelivery(tx), data: canonicalCRLF(m.Data)}

	if c.chunking {
		// One transaction at a time: first read what the ones before
		// are owed (the pool waits for them first; this is for Send).
		for len(c.slots) > 0 && c.broken == nil {
			if err := c.step(); err != nil {
				c.failConn(err)
			}
		}
		if c.broken != nil {
			return nil, &sendpool.TxError{Stage: sendpool.StageMail, Err: c.broken}
		}
		if err := c.checkEnded(); err != nil {
			c.failConn(err)
			return nil, &sendpool.TxError{Stage: sendpool.StageMail, Err: err}
		}
		if tx.BeforeBody != nil {
			if err := tx.BeforeBody(ctx); err != nil {
				return nil, &sendpool.TxError{Stage: sendpool.StageData, Err: err}
			}
		}
		c.envelope(t)
		start := len(c.wbuf)
		c.wbuf = append(strconv.AppendInt(append(c.wbuf, "BDAT "...), int64(len(t.data)), 10), " LAST"...)
		c.endCommand(start)
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
			return nil, &sendpool.TxError{Stage: sendpool.StageMail, Err: c.broken}
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

// Wait implements sendpool.Pending.
func (t *pipeTx) Wait(ctx context.Context) (*sendpool.Delivery, error) {
	c := t.c
	stop := context.AfterFunc(ctx, c.raw.closeNow)
	defer stop()
	c.ctx = ctx
	for !t.done {
		if c.broken != nil {
			c.failConn(c.broken) // decides t
			break
		}
		if err := c.step(); err != nil {
			c.failConn(err)
		}
	}
	for i, x := range c.q {
		if x == t {
			c.q = slices.Delete(c.q, i, i+1) // clears the vacated element
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
	// The lines go straight into the write buffer: no string a line
	// (command's) unless a transcript is kept.
	start := len(c.wbuf)
	c.wbuf = append(append(append(c.wbuf, "MAIL FROM:<"...), m.EnvelopeFrom...), '>')
	if c.eightBit && has8bit(t.data) {
		c.wbuf = append(c.wbuf, " BODY=8BITMIME"...)
	}
	if c.hasSize {
		c.wbuf = strconv.AppendInt(append(c.wbuf, " SIZE="...), int64(len(t.data)), 10)
	}
	if m.UTF8 {
		c.wbuf = append(c.wbuf, " SMTPUTF8"...)
	}
	envID := envelopeID(m)
	if c.dsn && envID != "" {
		c.wbuf = append(append(c.wbuf, " RET=HDRS ENVID="...), xtext(envID)...)
	}
	c.endCommand(start)
	c.expect(slot{kind: slotMail, t: t})
	for i, r := range t.tx.Rcpts {
		start := len(c.wbuf)
		c.wbuf = append(append(append(c.wbuf, "RCPT TO:<"...), r...), '>')
		if c.dsn {
			c.wbuf = append(append(c.wbuf, " NOTIFY=FAILURE,DELAY ORCPT="...), orcpt(r)...)
		}
		c.endCommand(start)
		c.expect(slot{kind: slotRcpt, t: t, i: i})
	}
}

func (c *pipeConn) command(line string) {
	start := len(c.wbuf)
	c.wbuf = append(c.wbuf, line...)
	c.endCommand(start)
}

// endCommand ends the command line written into c.wbuf from start: its
// CRLF, and its line in the transcript when one is kept.
func (c *pipeConn) endCommand(start int) {
	if c.tr != nil {
		c.tr.emit("C: ", string(c.wbuf[start:]))
	}
	c.wbuf = append(c.wbuf, '\r', '\n')
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
	before := c.raw.written
	if c.chunking {
		if err := writeWithProgress(c.nc, data, c.timeout, c.nc.SetWriteDeadline); err != nil {
			return err
		}
	} else {
		bw := bufio.NewWriterSize(c.nc, 64<<10)
		dw := textproto.NewWriter(bw).DotWriter()
		if err := writeWithProgress(dw, data, c.timeout, c.nc.SetWriteDeadline); err != nil {
			return err
		}
		c.nc.SetWriteDeadline(time.Now().Add(c.timeout))
		if err := dw.Close(); err != nil {
			return err
		}
	}
	t.endLeft = true
	t.endByte = before + int64(len(data)) // TLS and dot-stuffing only add
	c.lastIO = time.Now()
	return nil
}

// flush writes the buffer and notes which bodies ended in what left.
func (c *pipeConn) flush() error {
	if len(c.wbuf) == 0 {
		return nil
	}
	c.nc.SetWriteDeadline(time.Now().Add(c.timeout))
	before := c.raw.written
	n, err := c.nc.Write(c.wbuf)
	for _, t := range c.ends {
		if err == nil || n >= t.endAt {
			t.endLeft = true
			t.endByte = before + int64(t.endAt) // TLS only adds
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

// Reset implements Conn: RSET, with no transaction in flight.
func (c *pipeConn) Reset(ctx context.Context) error {
	stop := context.AfterFunc(ctx, c.raw.closeNow)
	defer stop()
	c.ctx = ctx
	if c.broken != nil || c.got421 {
		return &sendpool.TxError{Stage: sendpool.StageMail, Err: errors.New("connection already closed")}
	}
	if len(c.q) > 0 {
		return errors.New("smtpclient: Reset with transactions in flight")
	}
	c.rset = false
	c.command("RSET")
	c.slots = append(c.slots, slot{kind: slotRset})
	if err := c.step(); err != nil {
		c.failConn(err)
		return &sendpool.TxError{Stage: sendpool.StageMail, Err: err}
	}
	return nil
}

// Quit implements sendpool.Conn.
func (c *pipeConn) Quit(ctx context.Context) error {
	stop := context.AfterFunc(ctx, c.raw.closeNow)
	defer stop()
	if c.broken != nil || len(c.q) > 0 {
		c.raw.closeNow()
		return nil
	}
	if c.got421 {
		// The server closes after 421 (RFC 5321 3.8), and the client
		// need not wait for it: one that keeps the session (go-smtp's)
		// would hold the worker for the drain.
		return c.nc.Close()
	}
	c.raw.drain = min(c.timeout, 5*time.Second)
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
		return fmt.Errorf("smtpclient: QUIT: %w", err)
	}
	return nil
}

// Close implements sendpool.Conn.
func (c *pipeConn) Close() error {
	c.raw.closeNow()
	return nil
}
