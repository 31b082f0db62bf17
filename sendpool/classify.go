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
	// ClassQuota: the server says the sender's quota for a day or a month,
	// or its credits, are used up: every further message would meet the
	// same refusal until it resets, so the whole run stops and the
	// messages not sent stay to send.
	ClassQuota
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
	case ClassQuota:
		return "quota"
	default:
		return "Class(?)"
	}
}

// senderLimitPhrases (lower-cased, matched at the start of a word) are
// texts that name the sender's own rate, connections or volume. They
// count even on a reply whose enhanced code names a mailbox or an
// address: Exchange Online says "5.2.2 Submission quota exceeded" for the
// sender's rate limit, and Gmail's relay "4.2.1 Peak SMTP relay limit
// exceeded".
var senderLimitPhrases = []string{
	"too much mail from", "too many recipients from", "too many connections from", // Postfix anvil
	"submission quota", "limit for message recipients", // Exchange Online 5.2.2, 5.1.90
	"smtp relay limit", "sending quota", "sending limit", "sending rate", // Gmail, SES
	"maximum credits exceeded", "outboundspamexception", // SendGrid; Outlook.com's RefuseQuota (5.2.0)
	"unusual sending activity",                                           // Zoho 5.4.6: the account held back
	"frequency limited",                                                  // QQ
	"rp:qrc", "rp:trc", "mi:sfq", "mi:stc", "mi:dmc", "hl:ifc", "hl:icc", // NetEase
}

// ratePhrases (lower-cased, matched at the start of a word) speak of a
// rate, a number of connections or messages, or a limit, without saying
// whose: they count unless the enhanced code names a mailbox or an
// address, or the text names the recipient or the message size (see
// notSenderPhrases).
var ratePhrases = []string{
	"rate limit", "rate-limit", "ratelimit", "rate of", "rate exceeded",
	"too many messages", "too many mails", "too many emails", "too many connections",
	"too many sessions", "too many requests", "too many concurrent", "too many login",
	"too frequent", "number of connections", "throttl", "frequency", "slow down",
	"limit exceeded", "limit reached", "unexpected volume", "emails per hour",
	"daily quota", "monthly quota", "send quota",
}

// connectionCapPhrases (lower-cased, matched at the start of a word) say
// the server holds as many of the sender's connections at once as it
// takes (NetEase's HL:ICC, Postfix's anvil, Microsoft 365's "432 4.3.2
// Concurrent connections limit exceeded"): fewer connections answer
// them, not a lower message rate.
var connectionCapPhrases = []string{
	"too many connections", "too many concurrent", "too many sessions", "number of connections", "concurrent connections", "hl:icc",
}

// IsConnectionCap reports whether err is a 4xx refusal that says the
// server holds too many connections at once (connectionCapPhrases): of
// the sender's, or of everyone's (IsServerBusy). Waiting answers either,
// a lower message rate neither.
func IsConnectionCap(err error) bool {
	var se *SMTPError
	return errors.As(err, &se) && se.Code >= 400 && se.Code < 500 && containsAnyWordPrefix(strings.ToLower(se.Message), connectionCapPhrases)
}

// serverBusyPhrases (lower-cased, anywhere) put a cap on the server's
// connections from everyone, not on the sender's: Exim's smtp_accept_max
// ("421 Too many concurrent SMTP connections; please try again later.",
// where its per-host cap adds "from this IP address"), Exchange's
// MaxInboundConnection ("421 4.3.2 The maximum number of concurrent
// server connections has exceeded a limit", where its per-source cap
// says "concurrent connections").
var serverBusyPhrases = []string{
	"concurrent smtp connections;", "concurrent smtp connections.", "concurrent server connections",
}

// IsServerBusy reports whether err is a cap on connections at once
// (IsConnectionCap) that holds everyone's connections, not the sender's:
// fewer connections of the sender's would meet it as well, so it says
// nothing of the send.concurrency to set.
func IsServerBusy(err error) bool {
	var se *SMTPError
	if !IsConnectionCap(err) || !errors.As(err, &se) {
		return false
	}
	t := strings.TrimRight(strings.ToLower(se.Message), " ")
	for _, p := range serverBusyPhrases {
		if strings.Contains(t, p) || strings.HasSuffix(t, strings.TrimRight(p, ";.")) {
			return true
		}
	}
	return false
}

// notSenderPhrases (lower-cased, anywhere) put a limit on the recipient
// or on the message: Exchange Online's "recipient thread limit exceeded",
// Gmail's and Yahoo's "receiving mail too quickly", NetEase's "exceeded
// mailsize limit".
var notSenderPhrases = []string{
	"recipient thread limit", "recipient has exceeded", "recipient's", "this recipient",
	"receiving mail", "receiving email", "incoming", "size", "storage", "too large", "too big",
}

// speaksOfSender reports whether text names the sender's own limits.
func speaksOfSender(t string) bool {
	return containsAnyWordPrefix(t, senderLimitPhrases)
}

// speaksOfRate reports whether text speaks of a rate or limit that is
// not the recipient's or the message's.
func speaksOfRate(t string) bool {
	for _, p := range notSenderPhrases {
		if strings.Contains(t, p) {
			return false
		}
	}
	if containsAnyWordPrefix(t, ratePhrases) {
		return true
	}
	// "exceeded the sending limit", "exceeded your daily limit"
	i := strings.Index(t, "exceeded")
	return i >= 0 && strings.Contains(t[i:], "limit")
}

func containsAnyWordPrefix(t string, phrases []string) bool {
	for _, p := range phrases {
		if containsWordPrefix(t, p) {
			return true
		}
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

// ClassifyReply decides what a refusing server reply means from its code,
// enhanced code (RFC 3463) and text, taking the evidence in this order:
//
//  1. a login refusal: 530, 534, 535, 538 or the enhanced code 5.7.8, or
//     a 5xx that refuses to relay for this client (IsRelayRefusal):
//     ClassAuth (the run stops; the pool makes a refusal to relay after
//     the server relayed in the run the recipient's, see rcptClass, and
//     holds back one before it until another domain's answer, see
//     relayUnsure);
//  2. the server tells the sender to slow down: the enhanced code 4.7.28
//     (Gmail's rate limit), 421 with 4.7.0 (Gmail's "Try again later,
//     closing connection", Yahoo's TSS04, Postfix's connection limits)
//     unless its text limits one session ("too many messages on this
//     connection": ClassTemporary, a new connection carries on), or
//     a text that names the sender's own rate, connections or volume
//     (senderLimitPhrases: Postfix's "too much mail from", Exchange Online's
//     "Submission quota exceeded", QQ's "frequency limited", NetEase's
//     RP:QRC, MI:SFQ, MI:STC, HL:IFC, HL:ICC): ClassThrottled;
//  3. an enhanced code that names the recipient's address (x.1.x) or
//     mailbox (x.2.x; 5.2.2 full, 4.2.2 full for now): that recipient
//     alone, by the reply code, whatever the text says of rates or limits
//     (Gmail's 4.2.1 "receiving mail at a rate", Dovecot's "Quota
//     exceeded");
//  4. a text that speaks of a rate, a number of connections or messages or
//     a limit that is not the recipient's or the message's (ratePhrases:
//     "rate limit", "too many connections", SES "Throttling"), unless it
//     limits one session, or a 5xx text says the mail is blocked or spam
//     (blockPhrases): ClassThrottled. In 2 and 4, a text that puts the
//     limit on a day, a month or credits (quotaPhrases: Gmail's "550
//     5.4.5 Daily user sending limit exceeded", SES's "454 Throttling
//     failure: Daily message quota exceeded", Exchange Online's "5.1.90 …
//     your daily limit for message recipients", SendGrid's "Maximum
//     credits exceeded") and not on a short period or the recipient
//     (throttledFor) makes it ClassQuota instead: a slower pace does not
//     answer it, so the run stops;
//  5. other 4xx, and a 552 "too many recipients" (RFC 5321 4.5.3.1.10):
//     ClassTemporary; other 5xx: ClassPermanent (IsPolicyRefusal tells
//     the 5.7.x policy refusals among them);
//  6. anything else (a positive reply where a refusal was expected):
//     ClassTemporary.
//
// Throttling lowers the shared rate; no other class touches it.
func ClassifyReply(code int, ec EnhancedCode, text string) Class {
	if code == 530 || code == 534 || code == 535 || code == 538 || code >= 500 && code < 600 && ec == (EnhancedCode{5, 7, 8}) {
		return ClassAuth
	}
	if code < 400 || code >= 600 {
		return ClassTemporary
	}
	t := strings.ToLower(text)
	if code >= 500 && refusesRelay(t) {
		return ClassAuth
	}
	switch {
	case ec == (EnhancedCode{4, 7, 28}) || code == 421 && ec == (EnhancedCode{4, 7, 0}) && !speaksOfSession(t) || speaksOfSender(t):
		return throttledFor(t)
	case ec[1] == 1 || ec[1] == 2:
		// The recipient's address or mailbox.
	case speaksOfRate(t) && !speaksOfSession(t) && !(code >= 500 && speaksOfBlock(t)):
		return throttledFor(t)
	}
	if code < 500 || tooManyRecipients(code, ec, t) {
		return ClassTemporary
	}
	return ClassPermanent
}

// quotaPhrases (lower-cased, matched at the start of a word) say the
// sender may send nothing more for hours: a limit on a day or a month,
// bought credits used up, an account held back for unusual sending.
var quotaPhrases = []string{
	"daily", "per day", "a day", "each day", "24 hour", "24-hour", "24h", "today",
	"monthly", "per month", "a month", "this month", "credits", "refusequota", "unusual sending activity",
	"mi:stc", "rp:trc", // NetEase: the sender's messages, recipients in a day
}

// pacePhrases (lower-cased, matched at the start of a word) put a limit
// on a short period, or ask to slow down: a slower pace answers such a
// reply, whatever day or month it also names ("20 per minute; your daily
// allowance is 2000").
var pacePhrases = []string{
	"per second", "a second", "per minute", "a minute", "minutes", "per hour", "an hour", "hourly", "slow down",
}

// recipientSidePhrases (lower-cased, matched at the start of a word) put
// a limit on the recipient ("recipient daily limit exceeded" may be
// either's): not the sender's quota.
var recipientSidePhrases = []string{"recipient's", "the recipient", "this recipient", "recipient daily", "incoming", "receiving"}

// throttledFor is the class of a throttling reply with text t: ClassQuota
// when t, its links left out, speaks of a quota (quotaPhrases) and
// neither of a short period (pacePhrases) nor of the recipient
// (recipientSidePhrases); ClassThrottled otherwise. A stop is the
// costlier mistake, so a reply that may be either throttles.
func throttledFor(t string) Class {
	t = withoutLinks(t)
	if containsAnyWordPrefix(t, quotaPhrases) && !containsAnyWordPrefix(t, pacePhrases) && !containsAnyWordPrefix(t, recipientSidePhrases) {
		return ClassQuota
	}
	return ClassThrottled
}

// withoutLinks is t without its words that are links ("https://…/daily-
// limits", "www.…"): what a reply points to is not what it says.
func withoutLinks(t string) string {
	if !strings.Contains(t, "://") && !strings.Contains(t, "www.") {
		return t
	}
	words := strings.Fields(t)
	kept := words[:0]
	for _, w := range words {
		if !strings.Contains(w, "://") && !strings.HasPrefix(w, "www.") {
			kept = append(kept, w)
		}
	}
	return strings.Join(kept, " ")
}

// sessionPhrases (lower-cased, matched at the start of a word) put a limit
// on one session: a server that ends it after so many messages says
// nothing of the sender's rate, and a new connection carries on.
var sessionPhrases = []string{"this connection", "this session", "per connection", "per session"}

// speaksOfSession reports whether text limits one session (sessionPhrases).
func speaksOfSession(t string) bool { return containsAnyWordPrefix(t, sessionPhrases) }

// blockPhrases (lower-cased, matched at the start of a word) say the
// sender's mail is refused as spam or from a blocked address: a permanent
// reply that also speaks of a rate (Gmail's "550 5.7.1 … an unusual rate
// of unsolicited mail … has been blocked") is a refusal, not a request to
// slow down.
var blockPhrases = []string{"blocked", "blocklist", "blacklist", "unsolicited", "spam"}

// speaksOfBlock reports whether text refuses the sender's mail as spam or
// blocks its address (blockPhrases).
func speaksOfBlock(t string) bool { return containsAnyWordPrefix(t, blockPhrases) }

// tooManyRecipients reports a 552 "too many recipients" (5.5.3), which RFC
// 5321 4.5.3.1.10 tells clients to take as 452, temporary: the recipients
// over the server's limit go in another transaction.
func tooManyRecipients(code int, ec EnhancedCode, t string) bool {
	return code == 552 && (ec == EnhancedCode{5, 5, 3} || strings.Contains(t, "too many recipients"))
}

// IsPolicyRefusal reports whether a refusing reply is a permanent policy
// refusal: a 5xx reply with an enhanced code 5.7.x (spam, DMARC or SPF, a
// blocklist) that is neither a login refusal (nor a refusal to relay,
// which stops the run as one) nor throttling.
func IsPolicyRefusal(code int, ec EnhancedCode, text string) bool {
	return ec[0] == 5 && ec[1] == 7 && ClassifyReply(code, ec, text) == ClassPermanent
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

// relayPhrases (lower-cased, anywhere) are the words of a server that will
// not relay mail for this client to another domain: Postfix's "Relay
// access denied", Sendmail's "Relaying denied" and "we do not relay",
// Exchange's "Unable to relay", Exim's "relay not permitted", qmail's
// rcpthosts. The server the campaign submits to says it of every
// recipient it does not host until the client logs in or is trusted: it
// is the campaign's setup, not the address.
var relayPhrases = []string{
	"relay access denied", "relaying denied", "we do not relay", "unable to relay",
	"relay not permitted", "relaying not permitted", "relay not allowed", "relaying not allowed",
	"list of allowed rcpthosts",
}

// recipientRelayPhrases (lower-cased, anywhere) put a refusal that
// speaks of relaying on the one recipient: Postfix's access tables
// ("Recipient address rejected: relay not permitted for this recipient"),
// a server that relays for this client to other addresses. Such a reply
// fails its recipient; it does not stop the run.
var recipientRelayPhrases = []string{"recipient address rejected", "this recipient", "recipient's"}

// refusesRelay reports whether t (lower case) speaks of relaying refused
// for this client (relayPhrases), not for one recipient
// (recipientRelayPhrases).
func refusesRelay(t string) bool {
	for _, p := range recipientRelayPhrases {
		if strings.Contains(t, p) {
			return false
		}
	}
	for _, p := range relayPhrases {
		if strings.Contains(t, p) {
			return true
		}
	}
	return false
}

// IsRelayRefusal reports whether a reply is a 5xx refusal to relay for
// this client (relayPhrases), which ClassifyReply takes for a login
// refusal: the run stops rather than fail every recipient the server
// does not host.
func IsRelayRefusal(code int, text string) bool {
	return code >= 500 && code < 600 && refusesRelay(strings.ToLower(text))
}
