package sendpool

import "strings"

// noteRelayed records in r that the server relays for this client when
// it took a recipient of j's try d outside the envelope sender's domain
// (relaysOut), or one in an earlier run (Config.SentDomains): a server
// takes its own domains' mail from anyone, so only another domain's says
// it relays.
func (r *poolRun) noteRelayed(j *poolJob, d *Delivery) {
	from := domainOf(j.msg.EnvelopeFrom)
	for _, rr := range d.Rcpts {
		if rr.Err == nil && domainOf(rr.Addr) != from {
			r.relayKnown()
			return
		}
	}
	for _, dom := range r.p.cfg.SentDomains {
		if strings.ToLower(dom) != from {
			r.relayKnown()
			return
		}
	}
}

// rcptClass is ClassifyReply of a recipient's refusal rr, except that a
// refusal to relay (IsRelayRefusal) once the server has relayed for this
// client in the run (relaysOut) is ClassPermanent: the server relays to
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
