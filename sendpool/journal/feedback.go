package journal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/tidings/tidings/sendpool"
)

// FeedbackKind is what a report that came back to the mailbox says about
// a recipient.
type FeedbackKind string

// The kinds of feedback.
const (
	// FeedbackBounced: undeliverable for good (a hard bounce).
	FeedbackBounced FeedbackKind = "bounced"
	// FeedbackSoftBounce: delayed, or refused for now (4.x.x, 5.2.2).
	FeedbackSoftBounce FeedbackKind = "soft-bounce"
	// FeedbackComplained: the recipient reported the message as spam.
	FeedbackComplained FeedbackKind = "complained"
	// FeedbackUnsubscribed: the recipient asked, by mail to the
	// campaign's unsubscribe address, to receive no more.
	FeedbackUnsubscribed FeedbackKind = "unsubscribed"
)

// Status is the report status the kind gives a sent row; the zero Status
// (not-attempted) and false for an unsubscribe, which leaves the row sent.
func (k FeedbackKind) Status() (sendpool.Status, bool) {
	switch k {
	case FeedbackBounced:
		return sendpool.StatusBounced, true
	case FeedbackSoftBounce:
		return sendpool.StatusSoftBounce, true
	case FeedbackComplained:
		return sendpool.StatusComplained, true
	}
	return 0, false
}

// weight orders the kinds for a row with several reports: a complaint
// outweighs a hard bounce, which outweighs a soft one.
func (k FeedbackKind) weight() int {
	switch k {
	case FeedbackComplained:
		return 4
	case FeedbackBounced:
		return 3
	case FeedbackUnsubscribed:
		return 2
	case FeedbackSoftBounce:
		return 1
	}
	return 0
}

func (k FeedbackKind) valid() bool { return k.weight() > 0 }

// Outweighs reports whether k is the weightier kind of report about an
// address than o: a complaint, a hard bounce, an unsubscribe request, a
// soft bounce, in that order.
func (k FeedbackKind) Outweighs(o FeedbackKind) bool { return k.weight() > o.weight() }

// Feedback is written by `tidings bounces` for every bounce, complaint and
// unsubscribe request it matched to a recipient of the campaign.
type Feedback struct {
	// ID identifies the report and the recipient it is about (see
	// FeedbackID): a second run over the same mailbox records nothing
	// twice.
	ID  string `json:"id"`
	Row int    `json:"row"`
	Key string `json:"key"`
	// NormKey is NormalizeKey(Key); the Writer fills it when empty.
	NormKey string `json:"norm_key"`
	// Recipient is the address the report is about (the row's To, or a
	// Cc of it).
	Recipient string       `json:"recipient"`
	Kind      FeedbackKind `json:"kind"`
	// Status is the RFC 3463 status the report gives ("5.1.1"), Code an
	// SMTP reply code found in it, Diagnostic the server's words.
	Status     string `json:"status,omitempty"`
	Code       int    `json:"code,omitempty"`
	Diagnostic string `json:"diagnostic,omitempty"`
	// MessageID is the report's own Message-ID; ReportedAt its date.
	MessageID  string    `json:"message_id,omitempty"`
	ReportedAt time.Time `json:"reported_at,omitzero"`
	// Recorded is when it was written; the Writer fills it when zero.
	Recorded time.Time `json:"recorded"`
	// Earlier marks a report about a message sent before the key's
	// latest one (State.Earlier: a row sent again with send
	// --resend-changed): its address is suppressed all the same, and the
	// key's status stays that of its latest message.
	Earlier bool `json:"earlier,omitempty"`
	// Listed is the suppression list (its absolute path) that Recipient
	// was written to, or was on already, when this was recorded: `tidings
	// bounces` writes the list first, and does not list the address
	// again for this report (a person who took it out of the list meant
	// it). "" for a report that suppresses nobody (a soft bounce), and
	// in journals of an older tidings, which wrote the list after the
	// journal: their reports list their address again when it is not on
	// the list.
	Listed string `json:"listed,omitempty"`
	// Policy marks a hard bounce that refused the message or its sender,
	// not the address (a 5.7.x policy refusal such as DMARC, 5.6.x
	// content, 5.3.x and 5.2.3 size): its address was not listed, and it does not
	// hold back a corrected message (plan.Decider.Reported).
	Policy bool `json:"policy,omitempty"`
}

// FeedbackID identifies the report whose Message-ID is reportID (or, for a
// report without one, a digest of its bytes) about recipient.
func FeedbackID(reportID, recipient string) string {
	sum := sha256.Sum256([]byte(reportID + "\x00" + NormalizeKey(recipient)))
	return hex.EncodeToString(sum[:12])
}

type feedbackLine struct {
	Type string `json:"type"`
	Feedback
}

// Feedback appends f and returns once it is written and fsync'ed.
func (w *Writer) Feedback(ctx context.Context, f Feedback) error {
	if !f.Kind.valid() || f.ID == "" {
		return fmt.Errorf("journal: feedback: row %d: kind %q, id %q", f.Row, f.Kind, f.ID)
	}
	if f.NormKey == "" {
		f.NormKey = NormalizeKey(f.Key)
	}
	if f.Recorded.IsZero() {
		f.Recorded = time.Now()
	}
	f.Recorded = f.Recorded.UTC()
	if !f.ReportedAt.IsZero() {
		f.ReportedAt = f.ReportedAt.UTC()
	}
	b, err := json.Marshal(feedbackLine{Type: "feedback", Feedback: f})
	if err != nil {
		return fmt.Errorf("journal: feedback: %w", err)
	}
	return w.submit(ctx, append(b, '\n'))
}

// WithFeedback returns r, the result of the entry's delivery, as the
// report shows it once reports came back: a sent message that bounced, or
// that its recipient reported as spam, takes the status, code and words of
// that report. An unknown one (the reply was lost; tidings bounces
// matched a report to its message) stays unknown, since only a send
// flag may settle that, and its detail ends with what came back, so the
// report tells what bounces told. Other results are returned as they
// are (a report matched by address to a row whose message no server took
// is about another message).
func (e *Entry) WithFeedback(r Result) Result {
	f := e.Feedback
	if f == nil {
		return r
	}
	st, ok := f.Kind.Status()
	switch {
	case !ok:
		return r
	case r.Status == sendpool.StatusUnknown:
		r.Detail = strings.TrimPrefix(r.Detail+"; since then: "+f.words(r.To), "; ")
		return r
	case r.Status != sendpool.StatusSent:
		return r
	}
	r.Status, r.Code, r.EnhancedCode = st, f.Code, f.Status
	r.Detail = f.words(r.To)
	return r
}

// words are what f says, for a report line of a message whose To was to:
// "bounced for ADDR, reported DATE: DIAGNOSTIC", saying when ADDR is not
// in to (a Cc's bounce makes the row bounced, its To unharmed).
func (f *Feedback) words(to string) string {
	s := string(f.Kind) + " for " + f.Recipient
	if list, err := mail.ParseAddressList(to); err == nil && !slices.ContainsFunc(list, func(a *mail.Address) bool { return strings.EqualFold(a.Address, f.Recipient) }) {
		s += " (a Cc or Bcc of the message, not its To)"
	}
	if !f.ReportedAt.IsZero() {
		s += ", reported " + f.ReportedAt.Format(time.RFC3339)
	}
	if f.Diagnostic != "" {
		s += ": " + f.Diagnostic
	}
	return s
}
