package journal

import (
	"slices"
	"strings"

	"github.com/tidings/tidings/sendpool"
)

// sentDomainsMost is how many recipient domains a State keeps for each
// Run.Via: three distinct ones hold two besides any envelope sender's,
// what a run needs to hold that the server relays (sendpool's
// relayTakenMost).
const sentDomainsMost = 3

// noteSentDomain keeps the recipient domain of r, a result of the latest
// run read, when the server took the message and its one recipient is
// the To's one address (no Cc, Bcc or recipient owed or refused), under
// the run's Via.
func (s *State) noteSentDomain(r *Result) {
	if r.Status != sendpool.StatusSent || len(s.Runs) == 0 || r.Cc != "" || r.Bcc != "" || len(r.Owed)+len(r.Refused) > 0 {
		return
	}
	via := s.Runs[len(s.Runs)-1].Via
	if via == "" || len(s.sentDomains[via]) >= sentDomainsMost {
		return // the common case once a run's first few went: no parse
	}
	d := toDomain(r.To)
	if d == "" || slices.Contains(s.sentDomains[via], d) {
		return
	}
	if s.sentDomains == nil {
		s.sentDomains = map[string][]string{}
	}
	s.sentDomains[via] = append(s.sentDomains[via], d)
}

// SentDomains are recipient domains (lowercased, sentDomainsMost at most)
// that runs delivering through via (Run.Via) sent a message to: the
// server took mail for them from this client.
func (s *State) SentDomains(via string) []string {
	return slices.Clone(s.sentDomains[via])
}

// toDomain is the domain of to, a To field of one address ("Name
// <a@example.com>" or "a@example.com"), lowercased; "" when to holds
// none or more than one.
func toDomain(to string) string {
	if strings.Count(to, "@") != 1 {
		return ""
	}
	if i := strings.LastIndexByte(to, '<'); i >= 0 {
		to, _, _ = strings.Cut(to[i+1:], ">")
	}
	to = strings.TrimSpace(to)
	return strings.ToLower(strings.TrimSuffix(to[strings.LastIndexByte(to, '@')+1:], "."))
}
