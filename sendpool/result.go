package sendpool

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Status is the outcome of one recipient row.
type Status int

// The statuses of a row. The zero value is StatusNotAttempted, so a Result
// nobody filled in never claims a delivery.
const (
	// StatusNotAttempted: no transaction carrying the message body was
	// started (the run stopped first, or a stop error came before it).
	StatusNotAttempted Status = iota
	// StatusSent: the server accepted the message for at least one envelope
	// recipient (Detail names recipients it refused, if any).
	StatusSent
	// StatusFailed: the server refused the message for good (a permanent
	// refusal); not tried again unless asked.
	StatusFailed
	// StatusUnknown: the body was sent but the final reply was lost; the
	// message may or may not have been delivered. Never retried
	// automatically.
	StatusUnknown
	// StatusInvalid: the row could not be rendered (a row problem); set by
	// the caller, never by the pool.
	StatusInvalid
	// StatusDuplicate: the row repeats an earlier recipient (journal issue).
	StatusDuplicate
	// StatusSuppressed: the recipient is on the suppression list (journal
	// issue).
	StatusSuppressed
	// StatusDeferred: the server refused the message for now (a
	// temporary refusal, a throttle, a connection lost before the body):
	// waiting for its next try in this run, or left for the next run when
	// its retries ran out or the run stopped first. Code and Detail hold
	// the last reply.
	StatusDeferred
	// StatusBounced: sent, and later reported undeliverable for good (a
	// hard bounce: a delivery status notification, RFC 3464, with a 5.x.x
	// failure); set by the mailbox side, never by the pool.
	StatusBounced
	// StatusSoftBounce: sent, and later reported delayed or refused for
	// now (4.x.x, or 5.2.2 mailbox full); set by the mailbox side.
	StatusSoftBounce
	// StatusComplained: sent, and the recipient reported it as spam (an
	// ARF feedback report, RFC 5965); set by the mailbox side.
	StatusComplained
	// StatusSending: in the hands of a send that is running now: its
	// attempt is recorded (the body went to the server, or is about to)
	// and its reply has not come yet. Only a reader beside that send
	// gives it (tidings report, show, check: journal.State.SendRunning);
	// the journal never records it, and once the send has ended such a
	// message is unknown.
	StatusSending
)

var statusNames = [...]string{
	StatusNotAttempted: "not-attempted",
	StatusSent:         "sent",
	StatusFailed:       "failed",
	StatusUnknown:      "unknown",
	StatusInvalid:      "invalid",
	StatusDuplicate:    "duplicate",
	StatusSuppressed:   "suppressed",
	StatusDeferred:     "deferred",
	StatusBounced:      "bounced",
	StatusSoftBounce:   "soft-bounce",
	StatusComplained:   "complained",
	StatusSending:      "sending",
}

// Statuses lists every status in report order.
func Statuses() []Status {
	return []Status{StatusSent, StatusSending, StatusDeferred, StatusFailed, StatusUnknown, StatusBounced, StatusSoftBounce, StatusComplained,
		StatusInvalid, StatusNotAttempted, StatusDuplicate, StatusSuppressed}
}

func (s Status) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "Status(" + strconv.Itoa(int(s)) + ")"
}

// ParseStatus parses a status as String writes it; anything else is an
// error.
func ParseStatus(s string) (Status, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for i, n := range statusNames {
		if n == t {
			return Status(i), nil
		}
	}
	return 0, fmt.Errorf("sendpool: unknown status %q", s)
}

// MarshalText implements encoding.TextMarshaler.
func (s Status) MarshalText() ([]byte, error) {
	if s < 0 || int(s) >= len(statusNames) {
		return nil, fmt.Errorf("sendpool: invalid status %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Status) UnmarshalText(b []byte) error {
	v, err := ParseStatus(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Done reports whether the row needs no further sending: it was sent
// (whatever came back later: a bounce, a complaint), or skipped on purpose
// (duplicate, suppressed).
func (s Status) Done() bool {
	switch s {
	case StatusSent, StatusBounced, StatusSoftBounce, StatusComplained, StatusDuplicate, StatusSuppressed:
		return true
	}
	return false
}

// WentOut reports whether a delivery that ended at s went out as it was:
// taken (whatever came back later), refused for good, or of unknown
// outcome; not deferred or never handed over, which a later send sends
// again.
func (s Status) WentOut() bool {
	switch s {
	case StatusSent, StatusBounced, StatusSoftBounce, StatusComplained, StatusFailed, StatusUnknown:
		return true
	}
	return false
}

// EnhancedCode is an RFC 3463 enhanced status code such as 5.1.1; the zero
// value means none was given.
type EnhancedCode [3]int

// String formats the code as "5.1.1", or "" for the zero value.
func (c EnhancedCode) String() string {
	if c == (EnhancedCode{}) {
		return ""
	}
	// Appended, not through fmt: a result of every message formats it
	// (the journal's line, the report's).
	b := make([]byte, 0, 16)
	b = strconv.AppendInt(b, int64(c[0]), 10)
	b = append(b, '.')
	b = strconv.AppendInt(b, int64(c[1]), 10)
	b = append(b, '.')
	b = strconv.AppendInt(b, int64(c[2]), 10)
	return string(b)
}

// ParseEnhancedCode parses "5.1.1"; "" gives the zero value.
func ParseEnhancedCode(s string) (EnhancedCode, error) {
	var c EnhancedCode
	if s == "" {
		return c, nil
	}
	if strings.Count(s, ".") != 2 {
		return c, fmt.Errorf("sendpool: enhanced code %q: want class.subject.detail", s)
	}
	rest := s // parts cut off one by one: a reply's code without a slice of its parts
	for i := range c {
		p, after, _ := strings.Cut(rest, ".")
		rest = after
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 999 {
			return EnhancedCode{}, fmt.Errorf("sendpool: enhanced code %q: part %q is not a number", s, p)
		}
		c[i] = n
	}
	if c[0] != 2 && c[0] != 4 && c[0] != 5 {
		return EnhancedCode{}, fmt.Errorf("sendpool: enhanced code %q: class must be 2, 4 or 5", s)
	}
	return c, nil
}

// MarshalText implements encoding.TextMarshaler.
func (c EnhancedCode) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *EnhancedCode) UnmarshalText(b []byte) error {
	v, err := ParseEnhancedCode(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Result is the outcome of one message (one sheet row). The pool produces
// exactly one final Result for every message its Source hands in.
type Result struct {
	// Row, Key, To, Cc, Bcc and MessageID come from the render.Message.
	Row       int
	Key       string
	To        string
	Cc, Bcc   string
	MessageID string

	Status Status
	// Attempts counts the transactions tried for this message (a free
	// redial after finding an idle connection dead is not counted).
	Attempts int
	// Code, EnhancedCode and Detail are the server reply that decided the
	// status (for sent: the final 250 reply), or Code 0 and a local
	// explanation in Detail.
	Code         int
	EnhancedCode EnhancedCode
	Detail       string
	// Server is the host:port the message went to.
	Server string
	// StartedAt is when the first transaction began; FinishedAt when the
	// outcome was known. Both are zero when nothing was attempted.
	StartedAt  time.Time
	FinishedAt time.Time
	Duration   time.Duration
	// Wait is how long the message was held back for its recipient
	// domain's limit (send.domains) before it was handed to the pool. The
	// pool does not set it: the caller copies DomainScheduler.TakeWait into
	// the Result it reports.
	Wait time.Duration
	// Final is false on the intermediate results the pool hands to
	// Journal.Result after a try that will be retried; every Result given
	// to the Run callback is final.
	Final bool
	// Recipients has one entry per envelope recipient of the message.
	Recipients []RecipientResult
}

// RecipientResult is the outcome for one envelope recipient (RCPT TO).
type RecipientResult struct {
	Address      string       `json:"address"`
	Status       Status       `json:"status"`
	Code         int          `json:"code,omitempty"`
	EnhancedCode EnhancedCode `json:"enhanced_code,omitempty"`
	Detail       string       `json:"detail,omitempty"`
}

// Refusal names the recipient with its reply, for reports: "b@x.org (550
// 5.1.1 no such user)".
func (rr RecipientResult) Refusal() string {
	return fmt.Sprintf("%s (%s)", rr.Address, OneLine(fmt.Sprintf("%d %s %s", rr.Code, rr.EnhancedCode, rr.Detail)))
}
