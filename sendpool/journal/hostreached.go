package journal

import (
	"net"
	"strings"
)

// noteReached keeps the host of r's server (Result.Server, "host:port")
// when the server took r's message: a run reached it.
func (s *State) noteReached(r *Result) {
	host := serverHost(r.Server)
	if host == "" {
		return
	}
	if _, ok := s.reached[host]; ok {
		return
	}
	if s.reached == nil {
		s.reached = map[string]struct{}{}
	}
	s.reached[host] = struct{}{}
}

// HostReached reports whether a run of the send delivered a message through
// a server at host (smtp.host, compared without case): the name resolved
// and a server there took mail, so a name that does not resolve later is
// more likely the network than a setting (sendpool.Config.ReachedBefore).
func (s *State) HostReached(host string) bool {
	_, ok := s.reached[strings.ToLower(strings.TrimSuffix(host, "."))]
	return ok && host != ""
}

// serverHost is the host of server ("host:port"), lowercased without a
// final dot; "" when server names none.
func serverHost(server string) string {
	host, _, err := net.SplitHostPort(server)
	if err != nil {
		return ""
	}
	return strings.ToLower(strings.TrimSuffix(host, "."))
}
