package feedback

import (
	"fmt"
	"time"
)

// Kind is what a message is: a bounce, a complaint, an automatic reply or
// something else. The zero Kind is KindOther.
type Kind int

// The kinds of message.
const (
	// KindOther: none of the others (a person's reply, an unsubscribe
	// request, a delivery notice that reports no failure, ...).
	KindOther Kind = iota
	// KindBounce: a delivery failure or delay report; see each
	// Recipient's Severity.
	KindBounce
	// KindComplaint: a feedback report (RFC 5965) of a recipient who
	// marked the message as spam, fraud or the like.
	KindComplaint
	// KindAutoReply: a vacation or out-of-office answer, or a read receipt
	// (RFC 8098). Never a bounce.
	KindAutoReply
)

var kindNames = [...]string{"other", "bounce", "complaint", "auto-reply"}

func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// MarshalText writes the Kind's name ("bounce", ...).
func (k Kind) MarshalText() ([]byte, error) {
	if k < 0 || int(k) >= len(kindNames) {
		return nil, fmt.Errorf("feedback: no such kind %d", int(k))
	}
	return []byte(kindNames[k]), nil
}

// UnmarshalText reads a Kind's name and rejects any other text.
func (k *Kind) UnmarshalText(b []byte) error {
	i, err := lookupName(kindNames[:], string(b), "kind")
	*k = Kind(i)
	return err
}

// Severity says what a bounce means for one recipient's address.
type Severity int

// The severities.
const (
	// SeverityNone: not a failure (delivered, relayed, expanded), or not a
	// bounce at all.
	SeverityNone Severity = iota
	// SeveritySoft: a temporary failure or a delay (4.x.x, Action delayed),
	// and a full mailbox (5.2.2), which bulk senders count as temporary.
	SeveritySoft
	// SeverityHard: a permanent failure (5.x.x other than 5.2.2).
	SeverityHard
)

var severityNames = [...]string{"none", "soft", "hard"}

func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("Severity(%d)", int(s))
	}
	return severityNames[s]
}

// MarshalText writes the Severity's name ("hard", ...).
func (s Severity) MarshalText() ([]byte, error) {
	if s < 0 || int(s) >= len(severityNames) {
		return nil, fmt.Errorf("feedback: no such severity %d", int(s))
	}
	return []byte(severityNames[s]), nil
}

// UnmarshalText reads a Severity's name and rejects any other text.
func (s *Severity) UnmarshalText(b []byte) error {
	i, err := lookupName(severityNames[:], string(b), "severity")
	*s = Severity(i)
	return err
}

func lookupName(names []string, s, what string) (int, error) {
	for i, n := range names {
		if n == s {
			return i, nil
		}
	}
	return 0, fmt.Errorf("feedback: unknown %s %q", what, s)
}

// Format names the structure a message was recognised by (see the package
// documentation for the list).
type Format string

// Report structures (RFC 6522 multipart/report).
const (
	FormatDSN Format = "dsn" // RFC 3464 delivery status notification
	FormatARF Format = "arf" // RFC 5965 feedback report
	FormatMDN Format = "mdn" // RFC 8098 message disposition notification
)

// Plain-text bounces without report structure.
const (
	FormatQmail    Format = "qmail"
	FormatYahoo    Format = "yahoo"
	FormatExim     Format = "exim"
	FormatPostfix  Format = "postfix"
	FormatExchange Format = "exchange"
	FormatGmail    Format = "gmail"
	FormatSendmail Format = "sendmail"
	FormatNetEase  Format = "netease"  // 163.com, 126.com, yeah.net
	FormatQQ       Format = "qq"       // qq.com, foxmail.com
	FormatChinese  Format = "chinese"  // other Chinese-language bounces
	FormatJapanese Format = "japanese" // Japanese-language bounces (m-FILTER)
	// FormatGeneric: from a mailer daemon, with a bounce subject and a
	// recipient with an SMTP reply code, in no known wording.
	FormatGeneric Format = "generic"
)

// What marked an automatic reply.
const (
	FormatAutoSubmitted Format = "auto-submitted" // RFC 3834 Auto-Submitted
	FormatXAutoreply    Format = "x-autoreply"    // X-Autoreply, X-Autorespond
	FormatPrecedence    Format = "precedence"     // Precedence: auto_reply
	FormatSubject       Format = "subject"        // "Out of Office", "自动回复", ...
)

// Report is what Parse found in one message.
type Report struct {
	Kind Kind `json:"kind"`
	// Format is the structure the message was recognised by; empty for
	// KindOther unless the message is a report that is no bounce or
	// complaint (a DSN saying "delivered", an ARF auth-failure report).
	Format Format `json:"format,omitempty"`
	// Recipients are the addresses a bounce or complaint is about, in the
	// report's order, at most one entry per address.
	Recipients []Recipient `json:"recipients,omitempty"`
	// Original identifies the message the report is about.
	Original Original `json:"original,omitzero"`
	// ReportingMTA and ArrivalDate are a DSN's per-message fields.
	ReportingMTA string    `json:"reporting_mta,omitempty"`
	ArrivalDate  time.Time `json:"arrival_date,omitzero"`
	// Feedback holds a feedback report's fields (Format arf).
	Feedback *Feedback `json:"feedback,omitempty"`

	// The message itself (not the one it reports on). Addresses are
	// normalized (see Recipient.Address), Message-IDs have no angle
	// brackets, text is UTF-8 with RFC 2047 encoded-words decoded.
	From       string    `json:"from,omitempty"`
	To         []string  `json:"to,omitempty"`
	Subject    string    `json:"subject,omitempty"`
	Date       time.Time `json:"date,omitzero"`
	MessageID  string    `json:"message_id,omitempty"`
	InReplyTo  []string  `json:"in_reply_to,omitempty"`
	References []string  `json:"references,omitempty"`
}

// Original identifies the message a report is about, as far as the report
// tells: the returned message or headers, a DSN's envelope id.
type Original struct {
	// MessageID is the original Message-ID without angle brackets.
	MessageID string `json:"message_id,omitempty"`
	// EnvelopeID is a DSN's Original-Envelope-Id (the ENVID given at
	// MAIL FROM, RFC 3461), xtext-decoded.
	EnvelopeID string   `json:"envelope_id,omitempty"`
	From       string   `json:"from,omitempty"`
	To         []string `json:"to,omitempty"`
	Subject    string   `json:"subject,omitempty"`
}

// Recipient is one address a report is about.
type Recipient struct {
	// Address is the final recipient, normalized: no address type
	// ("rfc822;"), no angle brackets or display name, the domain in lower
	// case, the local part as given.
	Address string `json:"address"`
	// OriginalAddress is a DSN's Original-Recipient (the ORCPT), normalized.
	OriginalAddress string `json:"original_address,omitempty"`
	// Action is the DSN Action in lower case (failed, delayed, delivered,
	// relayed, expanded); for a plain-text bounce "failed" or "delayed".
	Action string `json:"action,omitempty"`
	// Status is the enhanced status code (RFC 3463), zero when none given.
	// Where a DSN gives only a generic X.0.0 (or none), a more specific
	// code of the same class from the diagnostic takes its place.
	Status Status `json:"status,omitzero"`
	// Diagnostic is the remote server's reply or the bounce's explanation
	// (a DSN's Diagnostic-Code without its type), on one line.
	Diagnostic string `json:"diagnostic,omitempty"`
	// RemoteMTA is a DSN's Remote-MTA without its type.
	RemoteMTA string   `json:"remote_mta,omitempty"`
	Severity  Severity `json:"severity"`
}

// Feedback holds the fields of an RFC 5965 feedback report.
type Feedback struct {
	// Type is the Feedback-Type in lower case (abuse, fraud, virus, other,
	// not-spam, auth-failure, ...).
	Type             string    `json:"type"`
	UserAgent        string    `json:"user_agent,omitempty"`
	Version          string    `json:"version,omitempty"`
	OriginalMailFrom string    `json:"original_mail_from,omitempty"`
	OriginalRcptTo   []string  `json:"original_rcpt_to,omitempty"`
	ArrivalDate      time.Time `json:"arrival_date,omitzero"`
	ReportedDomain   []string  `json:"reported_domain,omitempty"`
	SourceIP         string    `json:"source_ip,omitempty"`
}
