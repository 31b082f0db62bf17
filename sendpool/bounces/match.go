package bounces

import (
	"slices"
	"strings"
	"time"

	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/mailbox/feedback"
)

// Verdict is what a message in the mailbox is, for this campaign.
type Verdict int

// The verdicts.
const (
	// Other: mail that is none of this command's business (a person's
	// reply, a delivery report about nothing failed); left alone, not
	// counted against the exit code.
	Other Verdict = iota
	// Matched: a bounce, complaint or unsubscribe request about the
	// campaign's recipients (Finding.Matches).
	Matched
	// Foreign: a bounce or complaint that names no message of this
	// campaign (another campaign's, or one too damaged to tell).
	Foreign
	// AutoReply: a vacation or out-of-office notice; ignored.
	AutoReply
	// Unreadable: a report that could not be read (truncated, a bad
	// charset, too large).
	Unreadable
)

func (v Verdict) String() string {
	switch v {
	case Matched:
		return "matched"
	case Foreign:
		return "not of this campaign"
	case AutoReply:
		return "auto-reply"
	case Unreadable:
		return "unreadable"
	default:
		return "other"
	}
}

// Match is a report's finding about one recipient of the campaign.
type Match struct {
	Entry     *journal.Entry
	Recipient string
	Kind      journal.FeedbackKind
	// Status and Code are the report's RFC 3463 status and SMTP code;
	// Diagnostic the server's words.
	Status     string
	Code       int
	Diagnostic string
	// Suppress is the address to add to the suppression list ("" for
	// a soft bounce, which is not suppressed).
	Suppress string

	reportID   string    // the report's Message-ID, or a digest of it
	reportedAt time.Time // the report's date
}

// match decides what report r says about the campaign; mailto is the
// campaign's unsubscribe.mailto address ("" for none).
func (ix *Index) match(r *feedback.Report, mailto, campaignName string) (Verdict, []Match) {
	switch r.Kind {
	case feedback.KindAutoReply:
		return AutoReply, nil
	case feedback.KindBounce, feedback.KindComplaint:
		if v, ok := ix.otherMessage(r, campaignName); ok {
			return v, nil
		}
		if r.Kind == feedback.KindBounce {
			return ix.matchBounce(r)
		}
		return ix.matchComplaint(r)
	}
	if mailto != "" && slices.ContainsFunc(r.To, func(to string) bool { return normAddress(to) == normAddress(mailto) }) {
		return ix.matchUnsubscribe(r)
	}
	return Other, nil
}

// otherMessage decides a report that names its original message (by
// Message-ID or envelope id) when that is no row's message: another
// campaign's (Foreign), or this campaign's test message or an earlier
// message no row has now (Other: nothing to record). ok is false when the
// report names no original, or names a row's message.
func (ix *Index) otherMessage(r *feedback.Report, campaignName string) (Verdict, bool) {
	ids := []string{r.Original.MessageID, r.Original.EnvelopeID}
	named := false
	for _, id := range ids {
		if id == "" {
			continue
		}
		named = true
		if ix.byID(id) != nil {
			return 0, false
		}
	}
	if !named {
		return 0, false
	}
	for _, id := range ids {
		if campaignName != "" && strings.HasPrefix(strings.Trim(id, "<>"), campaignName+".") {
			return Other, true
		}
	}
	return Foreign, true
}

// matchBounce finds the rows a bounce is about: by the original
// Message-ID (the returned headers, or the DSN's envelope id, which is
// the Message-ID), else by each failed recipient's address.
func (ix *Index) matchBounce(r *feedback.Report) (Verdict, []Match) {
	orig := ix.byID(r.Original.MessageID)
	if orig == nil {
		orig = ix.byID(r.Original.EnvelopeID)
	}
	var out []Match
	for _, rc := range r.Recipients {
		if rc.Severity == feedback.SeverityNone {
			continue
		}
		e := orig
		if e == nil {
			if e = ix.byAddr(rc.Address); e == nil {
				e = ix.byAddr(rc.OriginalAddress)
			}
		}
		if e == nil {
			continue
		}
		m := Match{Entry: e, Recipient: firstOf(rc.OriginalAddress, rc.Address), Kind: journal.FeedbackSoftBounce,
			Status: rc.Status.String(), Code: replyCode(rc.Diagnostic), Diagnostic: rc.Diagnostic}
		if rc.Severity == feedback.SeverityHard {
			m.Kind, m.Suppress = journal.FeedbackBounced, m.Recipient
		}
		out = append(out, m)
	}
	if len(out) == 0 {
		if !hasFailure(r) {
			return Other, nil // a report of delays cleared, or of nothing failed
		}
		return Foreign, nil
	}
	return Matched, out
}

// matchComplaint finds the row a feedback report is about: by the original
// Message-ID, else by the reported recipient's address.
func (ix *Index) matchComplaint(r *feedback.Report) (Verdict, []Match) {
	var rcpts []string
	if r.Feedback != nil {
		rcpts = append(rcpts, r.Feedback.OriginalRcptTo...)
	}
	rcpts = append(rcpts, r.Original.To...)
	e := ix.byID(r.Original.MessageID)
	for _, a := range rcpts {
		if e == nil {
			e = ix.byAddr(a)
		}
	}
	if e == nil {
		return Foreign, nil
	}
	rcpt := firstOf(append(rcpts, addressOf(e.To), e.Key)...)
	return Matched, []Match{{Entry: e, Recipient: rcpt, Kind: journal.FeedbackComplained, Diagnostic: complaintWords(r), Suppress: rcpt}}
}

// matchUnsubscribe takes a message to the campaign's unsubscribe address
// as its sender's request: the sender is suppressed (and recorded against
// the row whose address it is, when there is one).
func (ix *Index) matchUnsubscribe(r *feedback.Report) (Verdict, []Match) {
	from := addressOf(r.From)
	if from == "" {
		from = strings.TrimSpace(r.From)
	}
	if !strings.Contains(from, "@") {
		return Other, nil
	}
	return Matched, []Match{{Entry: ix.byAddr(from), Recipient: from, Kind: journal.FeedbackUnsubscribed,
		Diagnostic: "asked to unsubscribe: " + oneLine(r.Subject), Suppress: from}}
}

func hasFailure(r *feedback.Report) bool {
	for _, rc := range r.Recipients {
		if rc.Severity != feedback.SeverityNone {
			return true
		}
	}
	return len(r.Recipients) == 0
}

func complaintWords(r *feedback.Report) string {
	if r.Feedback == nil {
		return "complaint"
	}
	s := "complaint (" + r.Feedback.Type + ")"
	if r.Feedback.UserAgent != "" {
		s += " from " + r.Feedback.UserAgent
	}
	return s
}

// replyCode is an SMTP reply code at the start of a diagnostic ("550
// 5.1.1 …"); 0 when there is none.
func replyCode(diag string) int {
	if len(diag) < 3 {
		return 0
	}
	c := diag[:3]
	if c[0] < '2' || c[0] > '5' || c[1] < '0' || c[1] > '9' || c[2] < '0' || c[2] > '9' || len(diag) > 3 && diag[3] != ' ' && diag[3] != '-' {
		return 0
	}
	return int(c[0]-'0')*100 + int(c[1]-'0')*10 + int(c[2]-'0')
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
