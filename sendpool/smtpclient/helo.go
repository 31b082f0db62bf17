package smtpclient

import (
	"net"
	"net/netip"
	"os"
	"strings"
)

// The name a client sends with EHLO (LHLO) is its fully-qualified domain
// name, or an address literal when it has none (RFC 5321 4.1.4, 2.3.5).
// Strict servers refuse anything else: Postfix's
// reject_non_fqdn_helo_hostname and reject_invalid_helo_hostname turn
// away "localhost", go-smtp's default, and so every message of a user
// sending straight to such a relay.

// heloName is the name sent with EHLO on a connection from local:
// configured (smtp.helo) when set; else fqdn, this machine's name when it
// is fully qualified (see hostFQDN); else the address literal of local
// (RFC 5321 4.1.3: "[192.0.2.1]", "[IPv6:2001:db8::1]"), the address the
// server sees the connection come from, unless a NAT lies between.
func heloName(configured, fqdn string, local net.Addr) string {
	switch {
	case configured != "":
		return configured
	case fqdn != "":
		return fqdn
	}
	if lit := addressLiteral(local); lit != "" {
		return lit
	}
	return "localhost" // not a TCP connection: tests' pipes
}

// heloSource says where the dialer's EHLO name comes from, for probe.
func (d *Dialer) heloSource() string {
	switch {
	case d.cfg.Helo != "":
		return "smtp.helo"
	case d.fqdn != "":
		return "this machine's name"
	}
	return "the address literal of this connection: this machine's name is not fully qualified; smtp.helo sets one"
}

// addressLiteral is the RFC 5321 4.1.3 address literal of a TCP address,
// or "" for another kind of address.
func addressLiteral(a net.Addr) string {
	ta, ok := a.(*net.TCPAddr)
	if !ok {
		return ""
	}
	ip, ok := netip.AddrFromSlice(ta.IP)
	if !ok {
		return ""
	}
	if ip = ip.Unmap(); ip.Is4() {
		return "[" + ip.String() + "]"
	}
	return "[IPv6:" + ip.WithZone("").String() + "]"
}

// hostFQDN returns the name hostname reports (os.Hostname) when it is a
// fully-qualified domain name: a valid host name (RFC 1123 2.1: labels of
// letters, digits and inner hyphens, 63 characters at most, 253 in all)
// with a dot in it, not all digits and dots (an IPv4 address), and not
// localhost or localhost.localdomain. Otherwise it returns "".
func hostFQDN(hostname func() (string, error)) string {
	name, err := hostname()
	if err != nil {
		return ""
	}
	name = strings.TrimSuffix(name, ".")
	switch strings.ToLower(name) {
	case "localhost", "localhost.localdomain":
		return ""
	}
	if !strings.Contains(name, ".") || len(name) > 253 || strings.Trim(name, "0123456789.") == "" {
		return ""
	}
	for label := range strings.SplitSeq(name, ".") {
		if !validLabel(label) {
			return ""
		}
	}
	return name
}

// validLabel reports an RFC 1123 host name label.
func validLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// machineFQDN is this machine's fully-qualified name, or "".
func machineFQDN() string { return hostFQDN(os.Hostname) }
