package smtpclient

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/tidings/tidings/sendpool"
)

// step writes what is buffered, reads the next reply and hands it to the
// slot it answers. An error is an I/O or protocol failure: the connection
// is unusable.
func (c *pipeConn) step() error {
	if err := c.flush(); err != nil {
		return err
	}
	if len(c.slots) == 0 {
		return errors.New("smtpclient: pipelined transport: no reply is owed") // a bug, not the server's doing
	}
	s := c.slots[0]
	to := c.timeout
	if s.kind == slotEnd || s.kind == slotLMTP {
		to *= 4 // as the plain exchange: the server may check the message before answering
	}
	c.nc.SetReadDeadline(time.Now().Add(to))
	code, msg, err := c.r.ReadResponse(0)
	if err != nil {
		return c.d.redactErr(err) // a line no reply reads as is quoted whole ("short response: …")
	}
	c.lastIO = time.Now()
	msg = c.d.redact(msg) // a server may quote the password (see smtpConn.reply)
	if c.tr != nil {
		c.logReply(code, msg)
	}
	c.slots[0] = slot{} // the array, reused by appends, must not keep t (and its data) reachable
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
			t.fail(sendpool.StageMail, replyError("MAIL", code, msg))
		}
	case slotRcpt:
		c.answerRcpt(s, t, ok, code, msg)
	case slotData:
		c.answerData(t, code, msg)
	case slotEnd:
		c.answerEnd(t, ok, code, msg)
	case slotLMTP:
		c.answerLMTP(t, code, msg)
	}
}

// answerRcpt applies a reply to RCPT TO for the recipient s names.
func (c *pipeConn) answerRcpt(s slot, t *pipeTx, ok bool, code int, msg string) {
	t.rcptsRead++
	switch {
	case t.err != nil:
		// After a refused MAIL (or a 421) the rest answers that.
	case ok:
		t.accepted = append(t.accepted, s.i)
	case code == 421:
		t.fail(sendpool.StageRcpt, replyError("RCPT", code, msg))
	default:
		t.d.Rcpts[s.i].Err = replyError("RCPT", code, msg)
	}
	if t.rcptsRead == len(t.tx.Rcpts) && len(t.accepted) == 0 {
		t.fail(sendpool.StageRcpt, sendpool.ErrNoRecipients)
	}
}

// answerData applies the reply to DATA: on 354 the body follows, unless
// the envelope was refused or the BeforeBody hook fails.
func (c *pipeConn) answerData(t *pipeTx, code int, msg string) {
	if code != 354 {
		t.fail(sendpool.StageData, replyError("DATA", code, msg))
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
			t.fail(sendpool.StageData, err)
			c.failConn(fmt.Errorf("connection dropped so the body is not sent: %w", err))
			return
		}
	}
	c.expect(slot{kind: slotEnd, t: t})
	if err := c.queueBody(t); err != nil {
		c.failConn(err)
	}
}

// answerEnd applies the reply to the end of a body (the final dot or the
// last BDAT), or the first of LMTP's replies.
func (c *pipeConn) answerEnd(t *pipeTx, ok bool, code int, msg string) {
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
	t.fail(sendpool.StageReply, replyError(".", code, msg))
	if c.chunking && t.mailOK {
		c.rset = true // a refused BDAT may leave the transaction open
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
		t.fail(sendpool.StageReply, sendpool.ErrNoRecipients)
	}
}

func (t *pipeTx) fail(stage sendpool.Stage, err error) {
	if t.err == nil {
		t.err = &sendpool.TxError{Stage: stage, Err: err}
	}
}

// failConn marks the connection unusable, closes it and decides every
// transaction still owed a reply.
func (c *pipeConn) failConn(err error) {
	if c.broken == nil {
		c.broken = err
		c.endsLeft = c.raw.closeLeaving()
	}
	for _, t := range c.q {
		if !t.done {
			c.decideUnanswered(t, c.broken)
		}
	}
	c.slots, c.wbuf, c.ends = nil, nil, nil
}

// decideUnanswered decides the outcome of t, whose replies the broken connection
// will not bring:
//   - a refusal already read stands (nothing was delivered);
//   - after a 421 the server processed nothing more: not delivered (but
//     under LMTP, once a recipient of t had its final 250 the message went
//     to some: unknown, as the plain exchange reports it, so that a retry
//     does not give that recipient a second copy);
//   - the end of the body went to the kernel, but the link took none
//     of it before the connection failed (a stalled link, a network
//     gone): not delivered;
//   - the end of the body left without its final reply: unknown;
//   - the body was being written: not delivered;
//   - otherwise the envelope was not answered: not delivered.
func (c *pipeConn) decideUnanswered(t *pipeTx, err error) {
	t.done = true
	switch {
	case t.err != nil:
	case c.got421 && t.lmtpOK == 0:
		t.err = &sendpool.TxError{Stage: t.stage(), Err: fmt.Errorf("the server closed the session (421) before answering: %w", err)}
	case t.endLeft && c.endsLeft >= 0 && c.endsLeft < t.endByte:
		t.err = &sendpool.TxError{Stage: sendpool.StageBody, Err: endNeverLeft(err)}
	case t.endLeft:
		// With BDAT also when not one reply of the group came: the
		// server may have taken it all and the replies got lost.
		t.err = &sendpool.TxError{Stage: sendpool.StageReply, Err: replyLost(err)}
	case t.queued:
		t.err = &sendpool.TxError{Stage: sendpool.StageBody, Err: err}
	default:
		t.err = &sendpool.TxError{Stage: t.stage(), Err: err}
	}
}

// stage is how far t's replies got.
func (t *pipeTx) stage() sendpool.Stage {
	switch {
	case !t.mailOK:
		return sendpool.StageMail
	case t.rcptsRead < len(t.tx.Rcpts):
		return sendpool.StageRcpt
	default:
		return sendpool.StageData
	}
}

// checkEnded notices, before a BDAT group, a server that ended the session
// since its last reply: something unasked or the end of the stream is
// waiting (rawConn.pending, which does not wait), or already read. Where
// the socket cannot be asked, a connection idle for idleCheck gets
// checkIdle's short read.
func (c *pipeConn) checkEnded() error {
	if c.r.R.Buffered() > 0 {
		return c.checkIdle() // reads what came, for the message
	}
	waiting, ok := c.raw.pending()
	if ok && !waiting || !ok && time.Since(c.lastIO) < idleCheck {
		return nil
	}
	return c.checkIdle()
}

// checkIdle notices a server that closed the connection while it was idle
// (or said something unasked, such as "421 timeout", before closing): any
// byte or end of stream waiting to be read means the session is over. It
// waits at most idleProbe for the first byte (then unasked reads the rest).
func (c *pipeConn) checkIdle() error {
	c.nc.SetReadDeadline(time.Now().Add(idleProbe))
	defer c.nc.SetReadDeadline(time.Time{})
	_, err := c.r.R.Peek(1)
	if err == nil {
		return c.unasked()
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return nil
	}
	return fmt.Errorf("the server closed the connection: %w", err)
}

// unasked reads what the server said unasked, for the error that ends the
// session: a 421, all of its lines ("421 4.7.0 Try again later", or
// "421-…" lines before it), is classified as a 421 is, so a request to
// slow down is one. Any other line ends the session, not the message none
// of which was sent (a 5xx here is no refusal of it). The whole reply
// gets unaskedWait (the caller resets the deadline); one cut off by it,
// or by the end of the stream, is taken as far as it came.
func (c *pipeConn) unasked() error {
	c.nc.SetReadDeadline(time.Now().Add(min(c.timeout, unaskedWait)))
	line := c.unaskedLine()
	if line != "421" && !strings.HasPrefix(line, "421 ") && !strings.HasPrefix(line, "421-") {
		return fmt.Errorf("the server ended the session: %s", sendpool.OneLine(line))
	}
	text := []string{textOf(line)}
	for more := strings.HasPrefix(line, "421-"); more && len(text) < maxUnaskedLines; {
		if line = c.unaskedLine(); line == "" || !strings.HasPrefix(line, "421") {
			break // cut off, or not the rest of the reply: what came is the reply
		}
		text, more = append(text, textOf(line)), strings.HasPrefix(line, "421-")
	}
	return fmt.Errorf("the server ended the session: %w", replyError("", 421, strings.Join(text, "\n")))
}

// maxUnaskedLines is the most lines of an unasked reply unasked reads.
const maxUnaskedLines = 64

// unaskedLine reads a line of an unasked reply, without its line end
// (and traced); "" when none came.
func (c *pipeConn) unaskedLine() string {
	line, _ := c.r.R.ReadString('\n')
	line = strings.TrimSpace(line)
	if c.tr != nil && line != "" {
		c.tr.emit("S: ", line)
	}
	return line
}

// textOf is the text of a reply line, after its code and separator.
func textOf(line string) string {
	if len(line) <= 4 {
		return ""
	}
	return line[4:]
}
