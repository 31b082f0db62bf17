package feedback

import (
	"bytes"
	"slices"
	"strings"
	"unicode/utf8"
)

// perMessageFields are the per-message fields of a DSN (RFC 3464 2.2).
var perMessageFields = []string{"original-envelope-id", "reporting-mta", "dsn-gateway", "received-from-mta", "arrival-date", "x-original-message-id"}

// dsn reads a delivery status notification (RFC 3464) whose
// message/delivery-status part is ds (or message/global-delivery-status,
// RFC 6533).
func (m *message) dsn(ds *entity) error {
	text, err := m.dsnText(ds)
	if err != nil {
		return err
	}
	perMsg, blocks := splitDSN(parseFieldBlocks(text))
	rep := m.rep
	rep.Format = FormatDSN
	rep.ReportingMTA = stripType(perMsg.get("reporting-mta"))
	rep.ArrivalDate = parseDate(perMsg.get("arrival-date"))
	if h := m.returned(); h != nil {
		rep.Original = original(h)
	}
	if rep.Original.MessageID == "" { // Gmail's per-message extension field
		rep.Original.MessageID = msgID(perMsg.get("x-original-message-id"))
	}
	rep.Original.EnvelopeID = decodeXtext(strings.TrimSpace(perMsg.get("original-envelope-id")))
	rep.Recipients = dsnRecipients(blocks)
	if len(rep.Recipients) == 0 {
		return unreadable("delivery status notification names no recipient", nil)
	}
	if bounced(rep.Recipients) {
		rep.Kind = KindBounce
	}
	return nil
}

// dsnText returns the delivery-status part ds as text. Its fields are
// ASCII (RFC 3464) or UTF-8 (RFC 6533), but some servers, Chinese ones
// among them, write a Diagnostic-Code in the charset of the report's own
// words without a label ("550 用户不存在" in GBK): in a part with no
// charset of its own, each line that is not UTF-8, or holds an escape
// (0x1B, which no ASCII or UTF-8 field holds and ISO-2022-JP switches to
// Japanese with), is read in the charset the report's human-readable part
// names (RFC 6522's first part), when every such line reads there, so
// the diagnostic is not replaced by U+FFFD nor shown as "$B08@hITL(B".
// The other lines, a UTF-8 address among them, are kept as they are. A
// charset that does not read ASCII as ASCII (UTF-16) is not used.
func (m *message) dsnText(ds *entity) (string, error) {
	if ds.params["charset"] == "" && foreignLine(ds.body) { // one of its lines is
		if cs := m.reportCharset(ds); cs != "" && readsASCII(cs) {
			if s, ok := decodeLines(ds.body, cs); ok {
				return capText(s), nil
			}
		}
	}
	return ds.text()
}

// foreignLine reports whether line is not UTF-8 or holds an escape: text
// in another charset than a delivery-status part's.
func foreignLine(line []byte) bool {
	return !utf8.Valid(line) || bytes.IndexByte(line, 0x1B) >= 0
}

// decodeLines is b with each foreignLine read in charset; ok is false
// when one does not read there (U+FFFD).
func decodeLines(b []byte, charset string) (string, bool) {
	var out strings.Builder
	out.Grow(len(b))
	for line := range bytes.Lines(b) {
		if !foreignLine(line) {
			out.Write(line)
			continue
		}
		s, err := decodeCharset(line, charset)
		if err != nil || strings.ContainsRune(s, utf8.RuneError) {
			return "", false
		}
		out.WriteString(s)
	}
	return out.String(), true
}

// reportCharset returns the charset parameter of the human-readable part
// (the first, a text part) of the multipart/report holding ds, or "".
func (m *message) reportCharset(ds *entity) string {
	cs := ""
	m.root.walk(func(e *entity) {
		if cs != "" || e.mediaType != "multipart/report" || len(e.children) == 0 || !slices.Contains(e.children, ds) {
			return
		}
		if first := e.children[0]; strings.HasPrefix(first.mediaType, "text/") {
			cs = first.params["charset"]
		}
	})
	return cs
}

// asciiProbe is the ASCII a delivery-status part's fields are written in.
const asciiProbe = "Final-Recipient: rfc822; a.b-c_d+e@x.example\r\nStatus: 5.1.1\r\n"

// readsASCII reports whether charset is known and reads ASCII bytes as
// the same characters (gbk, iso-8859-1, not utf-16).
func readsASCII(charset string) bool {
	s, err := decodeCharset([]byte(asciiProbe), charset)
	return err == nil && s == asciiProbe
}

// splitDSN separates the per-message fields from the per-recipient blocks.
// It copes with reports that leave out the empty lines (startsRecipient),
// and per-message fields are taken from the first recipient block when no
// block of their own came before.
func splitDSN(blocks []fieldBlock) (fieldBlock, []fieldBlock) {
	var perMsg fieldBlock
	var recs []fieldBlock
	for _, b := range blocks {
		if !b.has("final-recipient") && !b.has("original-recipient") {
			if len(recs) == 0 {
				perMsg = append(perMsg, b...)
			}
			continue
		}
		var cur fieldBlock
		for _, f := range b {
			if startsRecipient(cur, f.name) {
				recs = append(recs, cur)
				cur = nil
			}
			cur = append(cur, f)
		}
		recs = append(recs, cur)
	}
	if len(recs) > 0 {
		for _, name := range perMessageFields {
			if !perMsg.has(name) && recs[0].has(name) {
				perMsg = append(perMsg, field{name, recs[0].get(name)})
			}
		}
	}
	return perMsg, recs
}

// startsRecipient reports whether a field named name begins another
// recipient's block after the fields of cur, in a block that left out
// the empty line between them: a second Final-Recipient, or an
// Original-Recipient after anything but its own Final-Recipient alone
// (Postfix writes Final- then Original-Recipient, RFC 3464 the other
// order).
func startsRecipient(cur fieldBlock, name string) bool {
	switch name {
	case "final-recipient":
		return cur.has("final-recipient")
	case "original-recipient":
		return len(cur) > 0 && !(len(cur) == 1 && cur[0].name == "final-recipient")
	}
	return false
}

// dsnRecipient reads one per-recipient block (RFC 3464 2.3).
func dsnRecipient(b fieldBlock) (Recipient, bool) {
	r := Recipient{
		Address:         normalizeAddress(b.get("final-recipient")),
		OriginalAddress: originalRecipient(b.get("original-recipient")),
		Diagnostic:      stripType(b.get("diagnostic-code")),
		RemoteMTA:       stripType(b.get("remote-mta")),
	}
	if r.Address == "" {
		r.Address = r.OriginalAddress
	}
	if r.Address == "" {
		return r, false
	}
	if f := strings.Fields(strings.ToLower(b.get("action"))); len(f) > 0 {
		r.Action = strings.Trim(f[0], ";,.")
	}
	r.Status = effectiveStatus(findStatus(b.get("status")), r.Diagnostic)
	r.Severity = severity(r.Action, r.Status, r.Diagnostic)
	return r, true
}

// dsnRecipients reads the per-recipient blocks, at most maxList
// recipients. An address named twice keeps its more severe block.
func dsnRecipients(blocks []fieldBlock) []Recipient {
	var list []Recipient
	index := map[string]int{}
	for _, b := range blocks {
		r, ok := dsnRecipient(b)
		if !ok {
			continue
		}
		key := strings.ToLower(r.Address)
		if i, dup := index[key]; dup {
			if r.Severity > list[i].Severity {
				list[i] = r
			}
			continue
		}
		if len(list) < maxList {
			index[key] = len(list)
			list = append(list, r)
		}
	}
	return list
}

// bounced reports whether any recipient failed or was delayed.
func bounced(list []Recipient) bool {
	for _, r := range list {
		if r.Severity != SeverityNone {
			return true
		}
	}
	return false
}
