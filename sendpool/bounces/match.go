package bounces

import (
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/tidings/tidings/sendpool"
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
	// Unauthenticated: an unsubscribe request by mail whose From the
	// receiving server did not vouch for (see vouch): not applied, listed
	// for the user to apply by hand (Finding.Matches has it).
	Unauthenticated
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
	case Unauthenticated:
		return "unsubscribe request not authenticated"
	default:
		return "other"
	}
}

// Match is a report's finding about one recipient of the campaign.
type Match struct {
	// Entry is the row the report is about, its Row, Key and NormKey only
	// (nil for none): a mailbox's findings keep one for each report.
	Entry     *journal.Entry
	Recipient string
	Kind      journal.FeedbackKind
	// Status and Code are the report's RFC 3463 status and SMTP code;
	// Diagnostic the server's words.
	Status     string
	Code       int
	Diagnostic string
	// Suppress is the address to add to the suppression list ("" for
	// a soft bounce, which is not suppressed, and for a policy refusal).
	Suppress string
	// Policy: a hard bounce that refused the message or its sender, not
	// the address (policyBounce: a 5.7.x policy refusal such as DMARC
	// or spam, 5.6.x content, 5.3.x the receiving system, such as a
	// message too large, and 5.2.3, a message over the mailbox's size
	// limit): recorded bounced, its address not suppressed,
	// since every recipient at that server would bounce alike until the
	// sender fixes it.
	Policy bool
	// Earlier: the report is about a message sent before the key's
	// latest (journal.Feedback.Earlier).
	Earlier bool

	reportID   string    // the report's Message-ID, or a digest of it
	reportedAt time.Time // the report's date
}

// unsubscribeRule says which messages are unsubscribe requests: those to
// address ("" for none); when shared (the address also gets other mail),
// only those whose Subject asks for it; and which are applied: those
// whose From the server authserv vouched for ("" trusts none).
type unsubscribeRule struct {
	address  string
	shared   bool
	subject  string // the mailto's subject=, "" for none
	authserv string
}

// unsubscribeWords are what a Subject asking to unsubscribe says (lower
// case, anywhere), besides the mailto's own subject.
var unsubscribeWords = []string{"unsubscribe", "退订", "取消订阅", "退訂", "取消訂閱"}

// asks reports whether r is an unsubscribe request under the rule.
func (u unsubscribeRule) asks(r *feedback.Report) bool {
	if u.address == "" || !slices.ContainsFunc(r.To, func(to string) bool { return normAddress(to) == normAddress(u.address) }) {
		return false
	}
	if !u.shared {
		return true
	}
	subject := strings.ToLower(r.Subject)
	if u.subject != "" {
		want := strings.ToLower(u.subject)
		// Some clients follow a mailto's + as a web form's space.
		if strings.Contains(subject, want) || strings.Contains(subject, strings.ReplaceAll(want, "+", " ")) {
			return true
		}
	}
	return slices.ContainsFunc(unsubscribeWords, func(w string) bool { return strings.Contains(subject, w) })
}

// match decides what report r says about the campaign under the
// campaign's unsubscribe rule.
func (ix *Index) match(r *feedback.Report, unsub unsubscribeRule, campaignName string) (Verdict, []Match) {
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
	if unsub.asks(r) {
		return ix.matchUnsubscribe(r)
	}
	return Other, nil
}

// otherMessage decides a report whose original message (by Message-ID or
// envelope id) is no row's message but has the shape of a Message-ID
// tidings makes ("name.<24 base32>@domain"): another campaign's is
// Foreign, this campaign's (a test message, or a message no row has now)
// Other, with nothing to record. ok is false otherwise: the report names
// a row's message, no message, or one tidings did not make (a relay such
// as Amazon SES gives messages its own Message-ID): the addresses decide.
func (ix *Index) otherMessage(r *feedback.Report, campaignName string) (Verdict, bool) {
	v, ok := Verdict(0), false
	for _, id := range []string{r.Original.MessageID, r.Original.EnvelopeID} {
		if id == "" {
			continue
		}
		if ix.byID(id) != nil {
			return 0, false
		}
		name, mine := tidingsID(id)
		switch {
		case !mine:
		case name == campaignName:
			v, ok = Other, true
		case !ok:
			v, ok = Foreign, true
		}
	}
	return v, ok
}

// otherCampaign is the campaign other than campaignName that r's original
// Message-ID or envelope id names, when tidings made it; "" otherwise.
func otherCampaign(r *feedback.Report, campaignName string) string {
	for _, id := range []string{r.Original.MessageID, r.Original.EnvelopeID} {
		if name, mine := tidingsID(id); mine && name != campaignName {
			return name
		}
	}
	return ""
}

// tidingsIDRE is the shape of the Message-IDs tidings makes (see
// render's messageID): the campaign's name, a dot, 24 base32 characters.
var tidingsIDRE = regexp.MustCompile(`^([A-Za-z0-9-]+)\.[a-z2-7]{24}@[^@\s]+$`)

// tidingsID reports whether id has the shape of a Message-ID tidings
// makes, and the campaign name in it.
func tidingsID(id string) (name string, ok bool) {
	m := tidingsIDRE.FindStringSubmatch(strings.Trim(strings.TrimSpace(id), "<>"))
	if m == nil {
		return "", false
	}
	return m[1], true
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
		addr := firstOf(rc.OriginalAddress, rc.Address)
		e := orig
		if e == nil {
			if e = ix.byAddr(rc.Address); e == nil {
				e = ix.byAddr(rc.OriginalAddress)
			}
		}
		if e == nil {
			if rc.Severity == feedback.SeverityHard && (ix.sharedCopy(rc.Address) || ix.sharedCopy(rc.OriginalAddress)) {
				// A Cc several rows' messages went to: no row's, but
				// this campaign's address, which bounced.
				m := Match{Recipient: addr, Kind: journal.FeedbackBounced, Status: rc.Status.String(),
					Code: replyCode(rc.Diagnostic), Diagnostic: rc.Diagnostic, Policy: policyBounce(rc)}
				if !m.Policy {
					m.Suppress = addr
				}
				out = append(out, m)
			}
			continue
		}
		e, earlier := ix.messageOf(e, []string{r.Original.MessageID, r.Original.EnvelopeID}, []string{rc.OriginalAddress, rc.Address})
		if e == nil {
			continue // the journal could not be read back: ix.err
		}
		m := Match{Entry: e, Recipient: addr, Kind: journal.FeedbackSoftBounce, Earlier: earlier,
			Status: rc.Status.String(), Code: replyCode(rc.Diagnostic), Diagnostic: rc.Diagnostic}
		if rc.Severity == feedback.SeverityHard {
			m.Kind = journal.FeedbackBounced
			m.Policy = policyBounce(rc)
			// The address is suppressed when it is one the message was
			// sent to (wentTo: the row's, a Cc or Bcc; the ORCPT the send
			// gave is one). A forwarding target the report names is not
			// ours to list, nor an Original-Recipient the send never
			// gave: anyone can mail the bounce mailbox.
			if !m.Policy && wentTo(e, addr) {
				m.Suppress = addr
			}
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

// policyBounce reports whether a hard bounce refused the message or its
// sender rather than the address: a permanent failure whose status
// (RFC 3463) is 5.2.3 (the message is longer than the mailbox takes:
// Gmail's size limit, Exchange's RESOLVER.RST.RecipSizeLimit), 5.3.x (the
// receiving system: a message too large), 5.6.x (its content) or 5.7.x
// (security and policy: DMARC, SPF, spam, a blocklist), unless, but for
// 5.2.3, its words are about the address (addressRefusals: Postfix's
// "Recipient address rejected", Exchange's RESOLVER.RST group
// restrictions), which later messages would meet too.
func policyBounce(rc feedback.Recipient) bool {
	st := rc.Status
	if st.Class == 5 && st.Subject == 2 && st.Detail == 3 {
		return true // a smaller message gets through
	}
	if st.Class != 5 || st.Subject != 3 && st.Subject != 6 && st.Subject != 7 {
		return false
	}
	d := strings.ToLower(rc.Diagnostic)
	if strings.Contains(d, "sender address rejected") {
		return true // the sender's address, whatever words follow
	}
	for _, p := range addressRefusals {
		if strings.Contains(d, p) {
			return false
		}
	}
	return true
}

// addressRefusals (lower-cased, anywhere) are the words of a 5.x.x
// refusal that is about the recipient's address whatever its status
// says: the address is refused, not hosted there, or takes no mail from
// this sender. Not RFC 5321's generic "mailbox unavailable", which covers
// "command rejected for policy reasons" too, nor a bare "does not exist"
// (a sender's domain may not), and never after "Sender address rejected".
var addressRefusals = []string{
	"recipient address rejected", "relay access denied", "relaying denied", "resolver.rst",
	"user unknown", "no such user", "does not accept mail", "not authorized to send to", "not allowed to send to",
}

// primaryAddress is the address a row's message went to first: its key
// when that is an address, else the first address of its To.
func primaryAddress(e *journal.Entry) string {
	if strings.Contains(e.Key, "@") {
		return strings.TrimSpace(e.Key)
	}
	if list, err := mail.ParseAddressList(e.To); err == nil && len(list) > 0 {
		return list[0].Address
	}
	return ""
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
		for _, a := range rcpts {
			if ix.sharedCopy(a) { // a Cc several rows' messages went to
				return Matched, []Match{{Recipient: a, Kind: journal.FeedbackComplained, Diagnostic: complaintWords(r), Suppress: a}}
			}
		}
		return Foreign, nil
	}
	e, earlier := ix.messageOf(e, []string{r.Original.MessageID}, rcpts)
	if e == nil {
		return Foreign, nil // the journal could not be read back: ix.err
	}
	// The complainer is the row's recipient the report names, or, when it
	// names none of them (feedback loops redact it, RFC 6590), the row's
	// primary address.
	rcpt := primaryAddress(e)
	for _, a := range rcpts {
		if wentTo(e, a) {
			rcpt = a
			break
		}
	}
	return Matched, []Match{{Entry: e, Recipient: rcpt, Kind: journal.FeedbackComplained, Diagnostic: complaintWords(r), Suppress: rcpt, Earlier: earlier}}
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
	e, earlier := ix.messageOf(ix.byAddr(from), nil, []string{from})
	return Matched, []Match{{Entry: e, Recipient: from, Kind: journal.FeedbackUnsubscribed, Earlier: earlier,
		Diagnostic: "asked to unsubscribe: " + sendpool.OneLine(r.Subject), Suppress: from}}
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

// quotedReply finds a reply code followed by its enhanced code inside a
// diagnostic, as plain-text bounces quote the remote server ("host
// mx.example.net said: 550 5.1.1 <bob@…>: …").
var quotedReply = regexp.MustCompile(`(?:^|[\s:(\['"])([245][0-9][0-9])[ -][245]\.[0-9]{1,3}\.[0-9]{1,3}\b`)

// replyCode is an SMTP reply code at the start of a diagnostic ("550
// 5.1.1 …"), or quoted inside it before an enhanced code; 0 when there is
// none.
func replyCode(diag string) int {
	code := ""
	if startsWithCode(diag) {
		code = diag[:3]
	} else if m := quotedReply.FindStringSubmatch(diag); m != nil {
		code = m[1]
	}
	if code == "" {
		return 0
	}
	return int(code[0]-'0')*100 + int(code[1]-'0')*10 + int(code[2]-'0')
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// startsWithCode reports whether diag begins with a reply code.
func startsWithCode(diag string) bool {
	return len(diag) >= 3 && diag[0] >= '2' && diag[0] <= '5' && diag[1] >= '0' && diag[1] <= '9' && diag[2] >= '0' && diag[2] <= '9' &&
		(len(diag) == 3 || diag[3] == ' ' || diag[3] == '-')
}
