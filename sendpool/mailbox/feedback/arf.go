package feedback

import "strings"

// notComplaints are feedback types that report no recipient's complaint:
// DMARC/SPF/DKIM failure reports (RFC 6591) and "not spam" marks.
var notComplaints = map[string]bool{"auth-failure": true, "not-spam": true}

// arf reads a feedback report (RFC 5965) whose message/feedback-report part
// is fr. The recipients are the Original-Rcpt-To fields, or else the
// returned message's To.
func (m *message) arf(fr *entity) error {
	text, err := fr.text()
	if err != nil {
		return err
	}
	var all fieldBlock
	for _, b := range parseFieldBlocks(text) {
		all = append(all, b...)
	}
	fb := &Feedback{
		Type:             strings.ToLower(firstWord(all.get("feedback-type"))),
		UserAgent:        all.get("user-agent"),
		Version:          all.get("version"),
		OriginalMailFrom: normalizeAddress(all.get("original-mail-from")),
		ArrivalDate:      parseDate(all.get("arrival-date")),
		SourceIP:         all.get("source-ip"),
	}
	if fb.ArrivalDate.IsZero() {
		fb.ArrivalDate = parseDate(all.get("received-date")) // drafts before RFC 5965
	}
	var rcpts, domains stringSet
	for _, v := range all.all("original-rcpt-to") {
		rcpts.add(normalizeAddress(v))
	}
	for _, v := range all.all("reported-domain") {
		domains.add(strings.ToLower(v))
	}
	fb.OriginalRcptTo, fb.ReportedDomain = rcpts.list, domains.list
	rep := m.rep
	rep.Format, rep.Feedback = FormatARF, fb
	if h := m.returned(); h != nil {
		rep.Original = original(h)
	}
	addrs := fb.OriginalRcptTo
	if len(addrs) == 0 {
		addrs = rep.Original.To
	}
	for _, a := range addrs {
		rep.Recipients = append(rep.Recipients, Recipient{Address: a})
	}
	if len(rep.Recipients) == 0 && rep.Original.MessageID == "" {
		return unreadable("feedback report names no recipient and no original message", nil)
	}
	if !notComplaints[fb.Type] {
		rep.Kind = KindComplaint
	}
	return nil
}

// mdn reads a message disposition notification (RFC 8098): a read receipt
// or the like, an automatic answer and never a bounce.
func (m *message) mdn(dn *entity) error {
	rep := m.rep
	rep.Kind, rep.Format = KindAutoReply, FormatMDN
	if h := m.returned(); h != nil {
		rep.Original = original(h)
	}
	text, err := dn.text()
	if err != nil {
		return err
	}
	var all fieldBlock
	for _, b := range parseFieldBlocks(text) {
		all = append(all, b...)
	}
	if id := msgID(all.get("original-message-id")); id != "" {
		rep.Original.MessageID = id
	}
	if a := normalizeAddress(all.get("final-recipient")); a != "" {
		d := all.get("disposition")
		d = strings.TrimSpace(d[strings.LastIndexByte(d, ';')+1:])
		rep.Recipients = []Recipient{{Address: a, Action: strings.ToLower(d)}}
	}
	return nil
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return strings.Trim(f[0], ";,")
	}
	return ""
}
