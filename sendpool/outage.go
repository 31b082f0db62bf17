package sendpool

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
)

// outageError is err, a failed dial's, as it reads once the server's host
// was reached before (reachedWhen): a host name that does not resolve
// now (NXDOMAIN, what some resolvers answer while offline, or a captive
// portal's DNS) is a dropped network far more often than a typo, which
// the run waits out and dials again (dialStop) instead of stopping for;
// once this run connected, nothing accepting
// connections, nothing answering, or no greeting (smtpclient's words,
// which point at smtp.host, smtp.port and smtp.security), is the server
// or the network, not the settings, which worked. The journal
// (Config.ReachedBefore) vouches for the name alone, not for smtp.port or
// smtp.security, which may have been edited since: before this run
// connects, those keep smtpclient's words. A certificate not trusted now,
// once this run connected, is a captive portal's (portalError), waited out
// too; before, it stops the run as on a first run, the words saying that a
// captive portal may be the cause (journalCertError): the journal does not
// vouch for the certificate either (smtp.security, smtp.ca_file). Any
// other err, and every err before the host was reached, is err as it is
// (a setting to fix on a first run).
func (r *poolRun) outageError(err error) error {
	var de *DialError
	when := r.reachedWhen()
	if when == "" {
		return err
	}
	if te, ok := untrustedCert(err); ok {
		if !r.connected.Load() {
			return journalCertError(te)
		}
		return portalError(te, when)
	}
	if !errors.As(err, &de) {
		return err
	}
	var hint string
	switch {
	case de.Kind == DialNotFound:
		hint = fmt.Sprintf("the host name %s does not resolve now, though it did %s (is the network down?)", dialHost(de), when)
	case de.Kind != DialNoAnswer || !r.connected.Load():
		return err // the journal knows the name, not the port
	case de.NoAnswer == NoAnswerRefused:
		hint = fmt.Sprintf("nothing accepts connections at %s now, though it did %s (is the server or the network down?)", de.Addr, when)
	case de.NoAnswer == NoAnswerTimeout:
		hint = fmt.Sprintf("no answer from %s now, though it answered %s (is the server or the network down?)", de.Addr, when)
	case de.NoAnswer == NoAnswerSilent:
		hint = fmt.Sprintf("%s %s now, though it greeted %s (is the server or the network down?)", de.Addr, SilentNoGreeting, when)
	case de.NoAnswer == NoAnswerClosed:
		hint = fmt.Sprintf("%s %s now, though it greeted %s (is the server or the network down?)", de.Addr, ClosedNoGreeting, when)
	default:
		return err // something that is not a mail server answers there now
	}
	return &DialError{Addr: de.Addr, Kind: de.Kind, NoAnswer: de.NoAnswer, Hint: hint + ": " + Reason(de.Err), Err: de.Err}
}

// reachedWhen says when the server's host was reached before, in words
// that follow "though it did": "earlier in this run" once a connection
// of the run was made, "in an earlier run of this send" when the journal
// says one delivered through it (Config.ReachedBefore); "" when never.
func (r *poolRun) reachedWhen() string {
	switch {
	case r.connected.Load():
		return "earlier in this run"
	case r.p.cfg.ReachedBefore:
		return "in an earlier run of this send"
	}
	return ""
}

// dialHost is the host name de failed to resolve.
func dialHost(de *DialError) string {
	var dnsErr *net.DNSError
	if errors.As(de.Err, &dnsErr) && dnsErr.Name != "" {
		return dnsErr.Name
	}
	host, _, err := net.SplitHostPort(de.Addr)
	if err != nil {
		return de.Addr
	}
	return host
}

// untrustedCert returns the TLS failure of err when it is a certificate
// this machine does not trust for the server (an unknown authority, another
// host's name, an invalid certificate); ok is false for any other err.
func untrustedCert(err error) (te *TLSError, ok bool) {
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	var ci x509.CertificateInvalidError
	if !errors.As(err, &te) || !(errors.As(err, &ua) || errors.As(err, &he) || errors.As(err, &ci)) {
		return nil, false
	}
	return te, true
}

// portalError is te, a certificate this machine does not trust for the
// server, as it reads once this run reached the server (when), with the
// same settings: a server that showed a trusted certificate then does not
// show another now; a network that answers in its place until its user
// logs in (a hotel's, café's or train's Wi-Fi, a captive portal) does,
// with its own. The run waits and dials again as after a failed
// connection, nothing sent, no login given, through the untrusted
// connection (the chain is cut so that the failure does not stop the run
// as a TLS failure does); the stop after too many attempts in a row says
// it.
func portalError(te *TLSError, when string) error {
	hint := fmt.Sprintf("%s shows a certificate this machine does not trust now (%s), though the server's was trusted %s: "+
		"most likely a network that answers in the server's place until you log in to it (a hotel's, café's or train's Wi-Fi: "+
		"open a web page to reach its login page); nothing is sent through it", te.Host, te.Why, when)
	return &DialError{Addr: te.Host, Kind: DialFailed, Hint: hint, Err: errors.New(Reason(te.Err))}
}

// journalCertError is te, a certificate this machine does not trust, met
// before this run connected though an earlier run of the send delivered
// through the host: the journal vouches for the host name, not for the
// certificate or the settings that trust it, which may have been edited
// since (smtp.security, smtp.ca_file). The run stops as for any TLS
// failure, its words as they are and then what to do on a network that
// answers in the server's place.
func journalCertError(te *TLSError) error {
	c := *te
	hint := "on a hotel's, café's or train's Wi-Fi, this may be the network answering in the server's place until you log in to it: " +
		"open a web page to log in, then run tidings send again"
	if c.Hint != "" {
		hint = c.Hint + "; " + hint
	}
	c.Hint = hint
	return &c
}
