package sendpool

import (
	"slices"
	"strings"
)

// relayDomainsMost is how many recipient domains a server may refuse to
// relay to before the run, not yet holding that it relays for this client
// (relayTakenMost), stops for it: a relay that wants a login refuses every
// domain but those it hosts, one that relays for this client to some
// domains only (relay_domains) takes others soon.
const relayDomainsMost = 3

// holdMost is how many messages a run holds back for a relay's answer
// (see relayUnsure) before it stops for want of one: the messages keep
// their places among the run's unfinished ones (maxUnfinished).
func holdMost(concurrency int) int { return maxUnfinished(concurrency) / 2 }

// relayUnsure reports whether the refusal to relay se, for addr of j,
// holds addr's message back rather than stopping the run: the run does
// not hold yet that the server relays for this client (relaysOut), which
// would make it a refusal of this recipient, and the server refused fewer
// than relayDomainsMost domains so far, whatever one other it took (a
// domain it hosts, relayTakenMost), or it holds that since se was
// classed. A login refusal (not IsRelayRefusal) is never unsure.
func (r *poolRun) relayUnsure(se *SMTPError, addr string, j *poolJob) bool {
	if !IsRelayRefusal(se.Code, se.Message) {
		return false
	}
	r.relayMu.Lock()
	defer r.relayMu.Unlock()
	r.noteRelayRefusedLocked(se, addr, j)
	if r.relaysOut.Load() {
		// Another connection learned since this refusal was classed
		// that the server relays: held, the message fails at once as
		// the refusal of its recipient it is (awaitRelay), where a
		// third domain counted here would stop the run for a login.
		return true
	}
	if r.relayFirst == nil {
		r.relayFirst = se
	}
	return len(r.relayRefused) < relayDomainsMost
}

// holdsBack reports whether j does not go to the server now because it
// refused, in this run, to relay to the domain of each of j's recipients
// still owed (relayRefused): while the run does not hold yet that it
// relays for this client, j waits for that answer (hold) and the run
// goes on with the messages to other domains; once it does, j fails
// unasked (failUnasked).
func (r *poolRun) holdsBack(j *poolJob) bool {
	refused := r.refusedAll(j)
	switch {
	case refused == nil:
		return false
	case r.relaysOut.Load():
		r.failUnasked(j, refused)
	default:
		r.hold(j, nil)
	}
	return true
}

// relayKnown marks that the server relays for this client: the messages
// held for it (hold) go on.
func (r *poolRun) relayKnown() {
	r.relaysOut.Store(true)
	r.relayOnce.Do(func() { close(r.relayed) })
}

// hold keeps j until the run holds that the server relays for this
// client (relayKnown) or stops. refused are j's recipients the server
// refused to relay to (none when j was not tried): once it relays, those
// are refusals of their own and fail (failRefused); if the run stops,
// they are told as a stop leaves them (stoppedHeld). A tried message's
// state is journaled meanwhile, as before a retry, with those recipients
// deferred; an untried one fails unasked once it relays (failUnasked).
func (r *poolRun) hold(j *poolJob, refused []RcptReply) {
	for _, rr := range refused {
		j.mark(rr.Addr, StatusDeferred, rr.Err, "")
	}
	if len(refused) > 0 {
		j.detail = "" // not yet a policy refusal
		if err := r.recordResult(j, r.result(j, false)); err != nil {
			r.journalFailed(j, err)
			r.finishStopped(j)
			return
		}
	}
	r.bytes.Release(j.weight)
	j.weight = 0
	kept := r.park(j)
	if r.addHeld(1) {
		r.relayDecided()
	}
	go r.awaitRelay(j, refused, kept)
}

// awaitRelay is hold's wait for j.
func (r *poolRun) awaitRelay(j *poolJob, refused []RcptReply, kept int64) {
	select {
	case <-r.relayed:
	case <-r.haltCtx.Done():
	}
	r.addHeld(-1)
	if r.halted() {
		r.waiting.Add(-kept)
		r.stoppedHeld(j, refused)
		return
	}
	if len(refused) > 0 {
		r.waiting.Add(-kept)
		r.failRefused(j, refused)
		return
	}
	if rs := r.refusedAll(j); rs != nil {
		r.waiting.Add(-kept)
		r.failUnasked(j, rs)
		return
	}
	r.requeue(j, kept)
}

// failRefused fails j's recipients refused, whom the server refused to
// relay to before it relayed for this client: the refusal was theirs
// (rcptClass). j's other recipients still owed, deferred by the same
// try, wait for their retry.
func (r *poolRun) failRefused(j *poolJob, refused []RcptReply) {
	for _, rr := range refused {
		j.mark(rr.Addr, StatusFailed, rr.Err, "")
		j.rcpts = slices.DeleteFunc(j.rcpts, func(a string) bool { return a == rr.Addr })
	}
	last := refused[len(refused)-1].Err
	j.decisive, j.detail = last, refusalDetail(last, nil)
	if len(j.rcpts) == 0 {
		r.finish(j)
		return
	}
	r.retryLater(j, false)
}

// stoppedHeld finishes j, held, as the run's stop leaves it: the
// recipients refused were not sent to and are not attempted, unless
// another recipient took the message (then they are deferred with the
// server's reply, as a stop leaves them; see stoppedRcpts).
func (r *poolRun) stoppedHeld(j *poolJob, refused []RcptReply) {
	if !j.wentSome() {
		for _, rr := range refused {
			j.mark(rr.Addr, StatusNotAttempted, nil, "")
		}
	}
	r.finishStopped(j)
}

// addHeld counts n more messages held (hold) and reports whether the run
// stops for want of an answer on relaying (relayDecided): too many are
// held (holdMost), or nothing but held messages is left (heldAlone).
func (r *poolRun) addHeld(n int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.held += n
	return n > 0 && (r.held >= holdMost(r.p.cfg.Concurrency) || r.heldAlone())
}

// heldAlone reports whether every message the run has left is held for
// an answer on relaying: no other one is coming that could bring it. r.mu
// is held.
func (r *poolRun) heldAlone() bool {
	return r.held > 0 && r.dispatchDone && r.outstanding == r.held
}

// relayDecided decides, unless that was done, whether the server relays
// for this client once the run holds what it can (too many messages, or
// nothing else left): it does when it took any domain outside the
// envelope sender's (relayTaken), and the held refusals are their
// recipients' (a relay for some domains only, relay_domains: relayKnown);
// otherwise it refused every domain it was asked for, as a relay that
// wants a login does, and the run stops for the first refusal (AuthError
// says to set smtp.username, or that the account may not relay). It
// stops too when it refused a domain an earlier run sent to through it
// (refusedEarlier): it no longer relays for this client as it did.
func (r *poolRun) relayDecided() {
	if r.relaysOut.Load() {
		return
	}
	r.relayMu.Lock()
	se, took, changed := r.relayFirst, len(r.relayTaken), r.refusedEarlier()
	r.relayMu.Unlock()
	if took > 0 && !changed {
		r.relayKnown()
		return
	}
	r.stopFor(r.p.dialer.AuthError(se))
}

// refusedEarlier reports whether the server refused to relay to a domain
// it took from this client in an earlier run (Config.SentDomains), as a
// relay does that stopped trusting this machine's address or now wants a
// login. r.relayMu is held.
func (r *poolRun) refusedEarlier() bool {
	return slices.ContainsFunc(r.p.cfg.SentDomains, func(d string) bool { _, ok := r.relayRefused[strings.ToLower(d)]; return ok })
}
