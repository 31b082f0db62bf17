package journal

import (
	"net"
	"strings"
)

// noteReached keeps r's server (Result.Server, "host:port") as it is
// written when the server took r's message: a run reached it. Most
// results name a server already kept, which costs one map lookup; the
// host is read from the few kept when asked (HostReached).
func (s *State) noteReached(r *Result) {
	if r.Server == "" {
		return
	}
	if _, ok := s.reached[r.Server]; ok {
		return
	}
	if s.reached == nil {
		s.reached = map[string]struct{}{}
	}
	s.reached[r.Server] = struct{}{}
}

// HostReached reports whether a run of the send delivered a message through
// a server at host (smtp.host, compared without case or a final dot): the
// name resolved and a server there took mail, so a name that does not
// resolve later is more likely the network than a setting
// (sendpool.Config.ReachedBefore).
func (s *State) HostReached(host string) bool {
	want := hostKey(host)
	for server := range s.reached {
		if h, _, err := net.SplitHostPort(server); err == nil && want != "" && hostKey(h) == want {
			return true
		}
	}
	return false
}

// hostKey is host lowercased without a final dot, as two names of one
// host compare.
func hostKey(host string) string { return strings.ToLower(strings.TrimSuffix(host, ".")) }
