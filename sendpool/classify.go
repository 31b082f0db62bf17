package sendpool

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"strings"
)

// Class is what the pool does about an outcome.
type Class int

// The classes of outcome.
const (
	// ClassTemporary: retry later with exponential backoff (4xx replies).
	ClassTemporary Class = iota
	// ClassPermanent: record as failed, never retry (5xx replies, a message
	// too big for the server, SMTPUTF8 missing).
	ClassPermanent
	// ClassThrottled: the server asks to slow down. The pool lowers the
	// shared rate and tries the message again; such tries do not spend the
	// message's retries (but are bounded).
	ClassThrottled
	// ClassAuth: the login was refused; the whole run stops.
	ClassAuth
	// ClassTLS: the connection could not be secured; the whole run stops.
	ClassTLS
	// ClassNetwork: the connection broke before the message could have been
	// accepted; the connection is replaced and the message retried.
	ClassNetwork
	// ClassAmbiguous: the body was sent and the reply lost; the message is
	// reported unknown and never retried automatically.
	ClassAmbiguous
)

func (c Class) String() string {
	switch c {
	case ClassTemporary:
		return "temporary"
	case ClassPermanent:
		return "permanent"
	case ClassThrottled:
		return "throttled"
	case ClassAuth:
		return "auth"
	case ClassTLS:
		return "tls"
	case ClassNetwork:
		return "network"
	case ClassAmbiguous:
		return "ambiguous"
	default:
		return "Class(?)"
	}
}

// throttlePhrases are reply texts (lower-cased) by which providers ask a
// sender to slow down: generic wording, NetEase (163/126/yeah) codes, QQ's
// "frequency limited", Amazon SES "Throttling", Gmail and Microsoft "rate
// limited". A phrase matches at the start of a word.
var throttlePhrases = []string{
	"rate limit", "rate-limit", "ratelimit", "rate of", "rate exceeded", "sending rate",
	"too many messages", "too many mails", "too many emails", "too many connections",
	"too many sessions", "too many requests", "too many concurrent", "too many login",
	"throttl", "frequency", "slow down", "limit exceeded", "quota exceeded",
	"rp:qrc", "rp:trc", "mi:sfq", "mi:dmc", "hl:ifc", "hl:icc",
}

// isThrottleText reports whether a reply text asks to slow down.
func isThrottleText(text string) bool {
	t := strings.ToLower(text)
	for _, p := range throttlePhrases {
		if containsWordPrefix(t, p) {
			return true
		}
	}
	// "exceeded the sending limit", "exceeded your daily limit"
	if i := strings.Index(t, "exceeded"); i >= 0 && strings.Contains(t[i:], "limit") {
		return true
	}
	return false
}

// containsWordPrefix reports whether p occurs in t at the start of a word.
func containsWordPrefix(t, p string) bool {
	for off := 0; ; {
		i := strings.Index(t[off:], p)
		if i < 0 {
			return false
		}
		at := off + i
		if at == 0 || !isWordByte(t[at-1]) {
			return true
		}
		off = at + 1
	}
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '_'
}

// ClassifyReply decides what a refusing server reply means, from its code,
// enhanced code (RFC 3463) and text:
//
//   - 530, 534, 535, 538: authentication failure (ClassAuth);
//   - an enhanced code 4.7.28 (Gmail's rate limit), 421 with 4.7.0 (Gmail's
//     "Try again later, closing connection", its answer to a sender going
//     too fast for its reputation) or a text asking to slow
//     down (see throttlePhrases: "rate limit", "too many messages/connections",
//     "Throttling", "frequency limited", NetEase's RP:QRC, MI:SFQ, HL:IFC,
//     HL:ICC, MI:DMC) on a 4xx or 5xx reply: ClassThrottled;
//   - other 4xx: ClassTemporary; other 5xx: ClassPermanent;
//   - anything else (a positive reply where a refusal was expected):
//     ClassTemporary.
func ClassifyReply(code int, ec EnhancedCode, text string) Class {
	switch code {
	case 530, 534, 535, 538:
		return ClassAuth
	}
	if code >= 400 && code < 600 {
		if ec == (EnhancedCode{4, 7, 28}) || code == 421 && ec == (EnhancedCode{4, 7, 0}) || isThrottleText(text) {
			return ClassThrottled
		}
	}
	switch {
	case code >= 400 && code < 500:
		return ClassTemporary
	case code >= 500 && code < 600:
		return ClassPermanent
	default:
		return ClassTemporary
	}
}

// Classify decides what an error from a Dialer or Conn means. Replies
// (*SMTPError) go through ClassifyReply; TLS and certificate errors are
// ClassTLS; a lost final reply is ClassAmbiguous; other I/O errors are
// ClassNetwork.
func Classify(err error) Class {
	if err == nil {
		return ClassTemporary
	}
	var ae *AuthError
	if errors.As(err, &ae) {
		return ClassAuth
	}
	var te *TLSError
	if errors.As(err, &te) || IsTLSFailure(err) {
		return ClassTLS
	}
	var txe *TxError
	if errors.As(err, &txe) && txe.Ambiguous() {
		return ClassAmbiguous
	}
	if errors.Is(err, ErrTooBig) || errors.Is(err, ErrNeedsSMTPUTF8) {
		return ClassPermanent
	}
	var se *SMTPError
	if errors.As(err, &se) {
		return ClassifyReply(se.Code, se.EnhancedCode, se.Message)
	}
	return ClassNetwork
}

// IsTLSFailure reports certificate and handshake errors (crypto/tls and
// crypto/x509 error types).
func IsTLSFailure(err error) bool {
	var (
		cve   *tls.CertificateVerificationError
		ua    x509.UnknownAuthorityError
		he    x509.HostnameError
		ci    x509.CertificateInvalidError
		alert tls.AlertError
		rhe   tls.RecordHeaderError
		ech   *tls.ECHRejectionError
	)
	return errors.As(err, &cve) || errors.As(err, &ua) || errors.As(err, &he) ||
		errors.As(err, &ci) || errors.As(err, &alert) || errors.As(err, &rhe) || errors.As(err, &ech)
}

// ConnBroken reports whether a connection that produced err can no longer
// be used: any error that is not a refusing reply (except 421, which closes
// the session) and not a local check.
func ConnBroken(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrTooBig) || errors.Is(err, ErrNeedsSMTPUTF8) || errors.Is(err, ErrNoRecipients) {
		return false
	}
	var se *SMTPError
	if errors.As(err, &se) {
		return se.Code == 421
	}
	return true
}
