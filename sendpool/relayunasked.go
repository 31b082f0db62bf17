package sendpool

import (
	"fmt"
	"slices"
	"strings"
)

// relayRefusal is the server's first refusal to relay to a recipient
// domain in a run: its reply, the recipient and row it came to, and
// that row's envelope sender, lowercased.
type relayRefusal struct {
	err  *SMTPError
	addr string
	row  int
	from string
}

// noteRelayRefused records the refusal se of addr, of j's row, when it
// is one to relay (IsRelayRefusal) and the first for addr's domain.
func (r *poolRun) noteRelayRefused(se *SMTPError, addr string, j *poolJob) {
	if !IsRelayRefusal(se.Code, se.Message) {
		return
	}
	r.relayMu.Lock()
	r.noteRelayRefusedLocked(se, addr, j)
	r.relayMu.Unlock()
}

// noteRelayRefusedLocked is noteRelayRefused for a refusal to relay;
// r.relayMu is held.
func (r *poolRun) noteRelayRefusedLocked(se *SMTPError, addr string, j *poolJob) {
	if r.relayRefused == nil {
		r.relayRefused = map[string]relayRefusal{}
	}
	if d := domainOf(addr); r.relayRefused[d].err == nil {
		r.relayRefused[d] = relayRefusal{err: se, addr: addr, row: j.msg.Row, from: strings.ToLower(j.msg.EnvelopeFrom)}
	}
}

// noteTook records that the server took addr in this run: it relays to
// addr's domain for this client, so a refusal to relay to another address
// there is that address's (Sendmail's access table relays to the
// addresses it names, "To:ann@example.com RELAY"), not the domain's, and
// the rows to that domain are asked (refusedAll).
func (r *poolRun) noteTook(addr string) {
	r.took.Add(1)
	r.p.lim.Took()
	d := domainOf(addr)
	r.relayMu.Lock()
	if r.relayTook == nil {
		r.relayTook = map[string]bool{}
	}
	r.relayTook[d] = true
	r.relayMu.Unlock()
}

// refusedAll is the refusal to relay of each of j's recipients still
// owed (j.rcpts, in order) when the server refused to relay to every
// one's domain in this run, for a row of j's envelope sender, and took
// no address there (noteTook); nil when it did not. A row of another
// sender (a from: written with a column) is asked: a server may relay
// for some senders only (Postfix's check_sender_access before
// reject_unauth_destination, Microsoft 365's relay for its accepted
// domains). A message that went to some of its recipients is asked about
// the others too: failed unasked, they would stay so, as no send (not
// --retry-failed either) sends again a row that went.
func (r *poolRun) refusedAll(j *poolJob) []relayRefusal {
	r.relayMu.Lock()
	defer r.relayMu.Unlock()
	if len(r.relayRefused) == 0 || len(j.rcpts) == 0 || j.wentSome() {
		return nil
	}
	out := make([]relayRefusal, len(j.rcpts))
	for i, a := range j.rcpts {
		rf, ok := r.relayRefused[domainOf(a)]
		if !ok || r.relayTook[domainOf(a)] || rf.from != strings.ToLower(j.msg.EnvelopeFrom) {
			return nil
		}
		out[i] = rf
	}
	return out
}

// failUnasked fails j's recipients still owed, whose every domain the
// server refused to relay to in this run (refused, refusedAll's), without
// asking about them, now that the run holds it relays for this client:
// it answers relaying by domain (Postfix's relay_domains), so asking
// would get the same refusal, and asking about many such recipients in a
// row meets Postfix's error tarpit (a second's wait for each past smtpd_soft_error_limit, the
// session ended past smtpd_hard_error_limit). Each recipient fails with
// its domain's refusal, the detail saying it was not asked and naming
// the domain and the row asked (unasked); send --retry-failed asks the
// server again.
func (r *poolRun) failUnasked(j *poolJob, refused []relayRefusal) {
	var last *SMTPError
	for i, a := range j.rcpts {
		last = refused[i].unasked()
		j.mark(a, StatusFailed, last, "")
	}
	j.decisive, j.detail = last, refusalDetail(last, nil)
	r.finish(j)
}

// unasked is rf as the refusal of a recipient of its domain the run did
// not ask about (failUnasked): its code and enhanced code, its message
// saying it was not asked and naming the domain and the row asked, the
// server's reply quoted without that row's address (withoutAddr), as the
// line is read as the failed row's.
func (rf relayRefusal) unasked() *SMTPError {
	se := *rf.err
	se.Message = withoutAddr(OneLine(rf.err.Message), rf.addr)
	se.Message = fmt.Sprintf("not asked: the server refused to relay to %s for row %d (%s); once it relays there, send --retry-failed asks it again",
		domainOf(rf.addr), rf.row, se.Reply())
	return &se
}

// withoutAddr is reply text without addr, the recipient it refused: a
// leading "<addr>:" (Postfix's "<b@x.test>: Relay access denied") or
// "<addr>..." (Sendmail's "<b@x.test>... Relaying denied") is cut, and
// addr anywhere else is written as its domain, "@x.test".
func withoutAddr(text, addr string) string {
	if addr == "" {
		return text
	}
	if rest, ok := CutAddrPrefix(text, addr); ok {
		text = rest
	}
	return strings.ReplaceAll(text, addr, "@"+domainOf(addr))
}

// CutAddrPrefix cuts from a server's reply text the address it leads
// with, "<addr>:" (Postfix's "<b@x.test>: Relay access denied") or
// "<addr>..." (Sendmail's "<b@x.test>... Relaying denied"), the address
// matched in any case, and returns the rest, trimmed, and whether it cut.
func CutAddrPrefix(text, addr string) (string, bool) {
	prefix := "<" + addr + ">"
	if len(text) < len(prefix) || !strings.EqualFold(text[:len(prefix)], prefix) {
		return text, false
	}
	for _, sep := range []string{":", "..."} {
		if rest, ok := strings.CutPrefix(text[len(prefix):], sep); ok {
			return strings.TrimSpace(rest), true
		}
	}
	return text, false
}

// wentSome reports whether the server took j's message for any of its
// recipients.
func (j *poolJob) wentSome() bool {
	return slices.ContainsFunc(j.recips, func(rr RecipientResult) bool { return rr.Status == StatusSent })
}
