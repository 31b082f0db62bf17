package sendpool

import "strings"

// relayTakenMost is how many domains outside the envelope sender's a
// server must take from this client before the run holds that it relays
// for it (relaysOut): a server takes the domains it hosts from anyone,
// and one that hosts the sender's domain often hosts a sister domain too.
// With fewer, a refusal to relay waits (hold) until the run is decided
// (relayDecided).
const relayTakenMost = 2

// noteRelayed records the domains outside the envelope sender's that the
// server took for j's try d, and those it took in earlier runs
// (Config.SentDomains). relayTakenMost of them say it relays for this
// client (relayKnown), once it took one in this run: earlier runs alone
// do not, as a relay that stopped trusting this machine's address (the
// campaign carried on from another network) refuses every domain as one
// that wants a login does, and the run stops for it rather than fail
// every row; they count when the run decides (relayDecided).
func (r *poolRun) noteRelayed(j *poolJob, d *Delivery) {
	if r.relaysOut.Load() {
		return
	}
	from := domainOf(j.msg.EnvelopeFrom)
	var took []string
	for _, rr := range d.Rcpts {
		if rr.Err == nil && domainOf(rr.Addr) != from {
			took = append(took, domainOf(rr.Addr))
		}
	}
	now := len(took) > 0
	for _, dom := range r.p.cfg.SentDomains {
		if dom = strings.ToLower(dom); dom != from {
			took = append(took, dom)
		}
	}
	if len(took) == 0 {
		return
	}
	r.relayMu.Lock()
	if r.relayTaken == nil {
		r.relayTaken = map[string]bool{}
	}
	for _, dom := range took {
		r.relayTaken[dom] = true
	}
	r.relayNow = r.relayNow || now
	known := r.relayNow && len(r.relayTaken) >= relayTakenMost
	r.relayMu.Unlock()
	if known {
		r.relayKnown()
	}
}

// rcptClass is ClassifyReply of a recipient's refusal rr, except that a
// refusal to relay (IsRelayRefusal) once the run holds that the server
// relays for this client (relaysOut) is ClassPermanent: the server relays to
// some domains and not to this recipient's, which no login or setting of
// the campaign answers. Stopping would leave every later row unsent, and
// each send after stop again at this one. Before that, such a refusal is
// ClassAuth, which holds its message back (relayUnsure) or stops the run.
func (r *poolRun) rcptClass(rr *SMTPError) Class {
	class := ClassifyReply(rr.Code, rr.EnhancedCode, rr.Message)
	if class == ClassAuth && r.relaysOut.Load() && IsRelayRefusal(rr.Code, rr.Message) {
		return ClassPermanent
	}
	return class
}

// domainOf is the domain of address a, lowercased, without a final dot:
// what follows its last "@" (the whole of a when it has none, as no
// envelope address the pool sends has).
func domainOf(a string) string {
	at := strings.LastIndexByte(a, '@')
	return strings.ToLower(strings.TrimSuffix(a[at+1:], "."))
}
