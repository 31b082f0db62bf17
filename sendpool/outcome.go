package sendpool

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// applyOutcome updates j with the outcome of one try and decides what is
// next.
func (r *poolRun) applyOutcome(j *poolJob, d *Delivery, err error) {
	before := j.lastDetail
	if err != nil {
		j.lastDetail = Reason(err)
	}
	// cut ends a try the run cut off itself (Abort: a second Ctrl-C)
	// before the body went: no try of the message's, and not its last.
	cut := func() {
		j.attempts--
		j.lastDetail = before
		r.finishStopped(j)
	}
	if errors.Is(err, ErrJournal) {
		if r.inflight.Err() != nil && errors.Is(err, context.Canceled) {
			// Aborted while waiting for the attempt to be recorded:
			// the body was not sent, and the journal did not fail.
			cut()
			return
		}
		r.setStop(err, StopUnsent("the journal failed"))
		r.finishStopped(j)
		return
	}
	if err == nil || errors.Is(err, ErrNoRecipients) {
		r.applyRcptReplies(j, d, err == nil)
		return
	}
	var se *SMTPError
	errors.As(err, &se)
	class := Classify(err)
	if r.inflight.Err() != nil && class != ClassAmbiguous && se == nil {
		// Aborted: the connection was cut on purpose, which ended this
		// try before its body went: no try. One the server answered is
		// told as its reply says (a refusal for good is failed; a
		// temporary one waits for a retry the halted run never makes).
		cut()
		return
	}
	switch class {
	case ClassAmbiguous:
		r.markAmbiguous(j, d, err)
		r.finish(j)
	case ClassPermanent:
		j.decisive, j.detail = se, refusalDetail(se, err)
		for _, a := range j.rcpts {
			j.mark(a, StatusFailed, se, j.detail)
		}
		r.finish(j)
	case ClassAuth, ClassTLS:
		stopErr := err
		var ae *AuthError
		if class == ClassAuth && !errors.As(err, &ae) {
			stopErr = r.p.dialer.AuthError(se)
		}
		r.stopFor(stopErr)
		r.finishStopped(j)
	case ClassQuota:
		r.stopFor(quotaStop(se))
		r.finishStopped(j)
	default: // ClassThrottled, ClassTemporary, ClassNetwork
		j.decisive, j.detail = se, localDetail(se, err)
		for _, a := range j.rcpts {
			j.mark(a, StatusDeferred, se, j.detail)
		}
		throttled := class == ClassThrottled && r.throttledRun(j)
		if throttled {
			r.throttle(se.Reply())
		}
		r.retryLater(j, throttled)
	}
}

// markAmbiguous marks j's recipients after a try that ended with err
// whose outcome is not known (the reply to the body was lost, the run
// cut the connection after the body, the transport panicked once the
// body was due): unknown, except those refused at RCPT.
func (r *poolRun) markAmbiguous(j *poolJob, d *Delivery, err error) {
	lost := ErrReplyLost.Error()
	switch {
	case r.inflight.Err() != nil:
		lost = ErrAbortedAfterBody.Error() // the connection was cut on purpose
	case errors.Is(err, ErrReplyTimedOut):
		lost = ErrReplyTimedOut.Error() // the server kept the connection and said nothing
	case errors.Is(err, errTransportPanic):
		var txe *TxError
		errors.As(err, &txe)
		lost = Reason(txe.Err) + ", once the message body was due: delivery unknown"
	}
	for _, rr := range d.Rcpts {
		if rr.Err != nil {
			// Refused at RCPT (or in its own LMTP reply): this
			// recipient certainly does not have the message; for
			// now (4xx), or for good.
			st := StatusFailed
			if rr.Err.Temporary() {
				st = StatusDeferred
			}
			j.mark(rr.Addr, st, rr.Err, "")
			continue
		}
		j.mark(rr.Addr, StatusUnknown, nil, lost)
	}
}

// quotaStop is the error a run stops for when the server says the
// sender's quota is used up (ClassQuota): the reply se.
func quotaStop(se *SMTPError) *StopError {
	return &StopError{Kind: ErrQuota, Detail: se.Reply()}
}

// localDetail explains an error that is not a server reply.
func localDetail(se *SMTPError, err error) string {
	if se != nil {
		return ""
	}
	return Reason(err)
}

// policyRefusal names a permanent 5.7.x refusal in a report's detail,
// before the server's words.
const policyRefusal = "policy refusal (such as spam, DMARC or a blocklist)"

// refusalDetail explains a permanent failure besides the server's words:
// a local reason when there is no reply, policyRefusal for a policy one.
func refusalDetail(se *SMTPError, err error) string {
	if se != nil && IsPolicyRefusal(se.Code, se.EnhancedCode, se.Message) {
		return policyRefusal
	}
	return localDetail(se, err)
}

// rcptTally is what the RCPT replies of one try came to (tallyRcpts).
type rcptTally struct {
	again    []string // recipients still owed
	deferred []string // refusals to name in the retry notice
	// throttled: a reply asked to slow down; sentNow: the try delivered
	// to some recipients.
	throttled, sentNow bool
	last               *SMTPError  // the last refusal
	stoppedBy          []RcptReply // refusals that stopped the run
	held               []RcptReply // refusals to relay that hold j (hold)
}

// tallyRcpts marks j's recipients as d's replies say, the try completed
// (its body taken) or not, stops the run for a refusal that wants a login
// (not one relayUnsure holds) or says the quota is used up, and tells
// what is left to do.
func (r *poolRun) tallyRcpts(j *poolJob, d *Delivery, completed bool) rcptTally {
	var t rcptTally
	for _, rr := range d.Rcpts {
		if rr.Err == nil {
			r.noteTook(rr.Addr)
			if completed {
				reply := d.Reply
				j.mark(rr.Addr, StatusSent, &reply, "")
				t.sentNow = true
			}
			continue
		}
		t.last = rr.Err
		switch r.rcptClass(rr.Err) {
		case ClassPermanent:
			r.noteRelayRefused(rr.Err, rr.Addr, j)
			j.mark(rr.Addr, StatusFailed, rr.Err, "")
		case ClassAuth:
			t.again = append(t.again, rr.Addr)
			if r.relayUnsure(rr.Err, rr.Addr, j) {
				t.held = append(t.held, rr)
				continue
			}
			r.stopFor(r.p.dialer.AuthError(rr.Err))
			t.stoppedBy = append(t.stoppedBy, rr)
		case ClassQuota:
			r.stopFor(quotaStop(rr.Err))
			t.again, t.stoppedBy = append(t.again, rr.Addr), append(t.stoppedBy, rr)
		case ClassThrottled:
			t.throttled = true
			fallthrough
		default:
			j.mark(rr.Addr, StatusDeferred, rr.Err, "")
			t.again = append(t.again, rr.Addr)
			t.deferred = append(t.deferred, RecipientResult{Address: rr.Addr, Code: rr.Err.Code, EnhancedCode: rr.Err.EnhancedCode, Detail: rr.Err.Message}.Refusal())
		}
	}
	return t
}

// applyRcptReplies applies a try that reached its recipients (d, the
// body taken when completed, or every recipient refused): j finishes when
// none is owed, waits for the server's answer on relaying (hold) when
// only refusals to relay are, finishes as the run's stop leaves it when a
// refusal stopped the run, and waits for its retry otherwise.
func (r *poolRun) applyRcptReplies(j *poolJob, d *Delivery, completed bool) {
	r.noteRelayed(j, d)
	t := r.tallyRcpts(j, d, completed)
	if t.sentNow {
		reply := d.Reply
		j.sentReply = &reply
	}
	if t.last != nil {
		j.decisive, j.detail = t.last, refusalDetail(t.last, nil)
	}
	if len(t.again) == 0 {
		r.finish(j)
		return
	}
	j.rcpts = t.again
	switch {
	case len(t.stoppedBy) > 0:
		r.stoppedRcpts(j, append(t.stoppedBy, t.held...), t.sentNow)
		return
	case len(t.held) > 0:
		r.hold(j, t.held)
		return
	}
	if len(t.deferred) > 0 {
		// What the retry notice names (no try failed as a whole).
		j.lastDetail = "not accepted for " + strings.Join(t.deferred, ", ")
	}
	throttled := t.throttled && r.throttledRun(j)
	if throttled {
		r.throttle(t.last.Reply())
	}
	r.retryLater(j, throttled)
}

// stoppedRcpts finishes j, some of whose recipients refused stoppedBy
// stopped the run: no retry is coming. When others took the message
// (sentNow) those refused are deferred with the server's reply, naming
// them and why; when none took it, they are not attempted, with the
// run's cause.
func (r *poolRun) stoppedRcpts(j *poolJob, stoppedBy []RcptReply, sentNow bool) {
	if sentNow {
		for _, rr := range stoppedBy {
			j.mark(rr.Addr, StatusDeferred, rr.Err, "")
		}
	}
	r.finishStopped(j)
}

// throttledRun reports whether a throttling reply to j's try (a 421
// 4.7.0, a 4.7.28, words of the sender's rate) throttles the run: the
// rate is lowered and the try spends none of j's retries. Not when the
// reply to j's previous try throttled too and the server accepted other
// recipients between that try's start and this one's, or had accepted
// some in the run before this try began and no other try met a
// throttling reply since j's previous one (j is the last left): a server that answers one address with 421 every time (an
// address it holds back; Postfix closes the session after it) while it
// takes the rest is not slowing the run, and that row is retried as after
// any temporary refusal, within Config.Retries, then left deferred for
// the next send, where it halved the rate at each of its MaxThrottled
// tries while the run waited for it. A server that takes nothing still
// throttles the run.
func (r *poolRun) throttledRun(j *poolJob) bool {
	// This try's start, not now: a recipient the server took on another
	// connection after this try's MAIL reached it, its reply read before
	// this one's, says nothing of this row (the server's first throttling
	// replies meeting a retry, under load).
	seen, took := r.throttles.Add(1), j.tryTook
	own := j.throttles > 0 && (took > j.tookAt || took > 0 && seen == j.throttleSeen+1)
	j.tookAt, j.throttleSeen = j.tryTook, seen
	return !own
}

// maxThrottleWait bounds the wait before a throttled message's next try;
// with the default retry_backoff (30s) and MaxThrottled (10) a message
// stays with the run for about half an hour of throttling.
const maxThrottleWait = 5 * time.Minute

// retryLater schedules the next try of j, or finishes it when its budget
// is spent. The try that will be retried is journaled (a result not
// final) whether or not its body was due: a refusal at MAIL or RCPT is a
// try the report page's timeline shows, on every transport.
func (r *poolRun) retryLater(j *poolJob, throttled bool) {
	cfg := &r.p.cfg
	var delay time.Duration
	if throttled {
		j.throttles++
		if j.throttles > cfg.MaxThrottled {
			j.detail = fmt.Sprintf("still throttled after %d tries", j.throttles)
			r.finish(j)
			return
		}
		// Wait before the next try as after a temporary failure (but
		// at most maxThrottleWait): the limiter, now slower, spaces
		// new messages, but a retry at once would meet the same
		// refusal and spend MaxThrottled in seconds.
		delay = min(r.backoff(j.throttles), maxThrottleWait)
		r.notify(waitNotice(j, NoticeWait, r.p.clock.Now().Add(delay), ""))
	} else {
		j.tempFails++
		if j.tempFails > cfg.Retries {
			if cfg.Retries > 0 {
				j.detail = joinDetail(gaveUp(cfg.Retries), j.detail, ": ")
			}
			r.finish(j)
			return
		}
		delay = r.backoff(j.tempFails)
		r.notify(waitNotice(j, NoticeRetry, r.p.clock.Now().Add(delay), fmt.Sprintf("row %d: %s; retry %d of %d in %s", j.msg.Row, j.lastDetail, j.tempFails, cfg.Retries, WaitText(delay))))
	}
	if err := r.recordResult(j, r.result(j, false)); err != nil {
		r.journalFailed(j, err)
		r.finishStopped(j)
		return
	}
	r.schedule(j, delay)
}

// waitNotice is the notice of kind, with text, that j waits for its
// next try, due at due.
func waitNotice(j *poolJob, kind NoticeKind, due time.Time, text string) Notice {
	return Notice{Kind: kind, Text: text, Row: j.msg.Row, Due: due, Attempts: j.attempts}
}

func joinDetail(a, b, sep string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + sep + b
}

// ReplyText is detail, a result's, without the words the pool put before
// the server's reply (gaveUp's "gave up after 3 retries: ", policyRefusal):
// the reply as the server gave it, for a table of replies.
func ReplyText(detail string) string {
	if rest, ok := strings.CutPrefix(detail, policyRefusal+": "); ok {
		return rest
	}
	if rest, ok := strings.CutPrefix(detail, "gave up after "); ok {
		if _, reply, ok := strings.Cut(rest, ": "); ok {
			return reply
		}
	}
	return detail
}

// gaveUp is the words of a message given up after n retries.
func gaveUp(n int) string {
	if n == 1 {
		return "gave up after 1 retry"
	}
	return fmt.Sprintf("gave up after %d retries", n)
}
