package feedback

import (
	"net/textproto"
	"strings"
	"unicode/utf8"
)

// maxDiagnostic caps a diagnostic taken from a plain-text bounce (bytes).
const maxDiagnostic = 1000

// plainFindings is what a plain-text bounce tells.
type plainFindings struct {
	recipients []Recipient
	original   Original
	coded      bool // some recipient has an SMTP reply or status code
}

// readPlain reads the recipients and the original message of a plain-text
// bounce. The text up to the copy of the original (a separator line, or
// the quoted header section) is the report part. Each address there that
// is not the mail system's or the sender's own (the returned message's
// Return-Path, an address after "MAIL FROM:") is a recipient; the lines
// after an address, up to the next one, are its diagnostic. Exim's
// X-Failed-Recipients adds recipients; with none found at all, the
// original message's To are the recipients.
func (m *message) readPlain(text, action string) plainFindings {
	var p plainFindings
	cut := separatorOffset(text)
	qstart, qh := quotedHeader(text)
	rh := m.returned()
	if rh != nil {
		p.original = original(rh)
	}
	if qh != nil && p.original.MessageID == "" {
		p.original = original(qh)
	}
	if qstart >= 0 && qstart < cut {
		cut = qstart
	}
	report := text[:cut]
	exclude := m.ownAddresses(p.original)
	for _, h := range []textproto.MIMEHeader{rh, qh} {
		if a := firstAddress(h.Get("Return-Path")); a != "" {
			exclude[strings.ToLower(a)] = true // the envelope sender
		}
	}
	p.recipients = textRecipients(report, exclude)
	for _, a := range addressList(m.header.Get("X-Failed-Recipients")) {
		if len(p.recipients) < maxList && !hasRecipient(p.recipients, a) {
			p.recipients = append(p.recipients, Recipient{Address: a})
		}
	}
	if len(p.recipients) == 0 {
		for _, a := range p.original.To {
			p.recipients = append(p.recipients, Recipient{Address: a})
		}
	}
	p.classify(report, action)
	return p
}

// classify sets each recipient's action, status and severity. A recipient
// whose diagnostic gives no code takes the first code of the whole report;
// in a report with none, its own words decide (Exim's "mailbox is full",
// soft as 5.2.2 is).
func (p *plainFindings) classify(report, action string) {
	global := firstCodedLine(report)
	for i := range p.recipients {
		r := &p.recipients[i]
		r.Action = action
		coded := r.Diagnostic
		if global != "" && findStatus(coded).IsZero() && findReplyCode(coded) == 0 {
			coded = global
		}
		r.Status = findStatus(coded)
		r.Severity = severity(action, r.Status, coded)
		p.coded = p.coded || !r.Status.IsZero() || findReplyCode(coded) != 0
	}
}

// ownAddresses are the addresses in a bounce that are no recipient's: the
// bounce's own From and To (the mail system, the bulk sender's bounce
// address) and the original message's sender.
func (m *message) ownAddresses(orig Original) map[string]bool {
	own := map[string]bool{}
	for _, a := range append([]string{m.rep.From, orig.From}, m.rep.To...) {
		if a != "" {
			own[strings.ToLower(a)] = true
		}
	}
	return own
}

// separatorOffset returns the offset of the first line of text holding a
// separator, or len(text).
func separatorOffset(text string) int {
	off := 0
	for _, line := range strings.SplitAfter(text, "\n") {
		if containsAny(strings.ToLower(line), separators) {
			return off
		}
		off += len(line)
	}
	return len(text)
}

// textRecipients finds the recipients in a bounce's report part. A line
// naming exactly one address (not excluded) makes that address the owner
// of it and of the lines after it, until a line names another; a line
// naming several owns nothing.
func textRecipients(report string, exclude map[string]bool) []Recipient {
	lines := strings.Split(report, "\n")
	perLine := lineAddresses(report, len(lines), exclude)
	var order []string
	owned := map[string][]int{}
	owner := ""
	for i := range lines {
		addrs := perLine[i].list
		for _, a := range addrs {
			if _, seen := owned[a]; !seen && len(order) < maxList {
				order = append(order, a)
				owned[a] = nil
			}
		}
		switch {
		case len(addrs) == 1:
			owner = addrs[0]
		case len(addrs) > 1:
			owner = ""
		}
		if _, ok := owned[owner]; ok && owner != "" {
			owned[owner] = append(owned[owner], i)
		}
	}
	out := make([]Recipient, 0, len(order))
	for _, a := range order {
		out = append(out, Recipient{Address: a, Diagnostic: diagnostic(lines, owned[a], a)})
	}
	return out
}

// lineAddresses returns for each of the n lines of text the distinct
// addresses on it that are not excluded. (One scan of the whole text: far
// cheaper than one regexp run per line.)
func lineAddresses(text string, n int, exclude map[string]bool) []stringSet {
	out := make([]stringSet, n)
	line, pos := 0, 0
	for _, a := range scanAddresses(text, -1) {
		line += strings.Count(text[pos:a.start], "\n")
		pos = a.start
		if line < n && !exclude[strings.ToLower(a.addr)] && !isDaemon(a.addr) && !afterMailFrom(text, a.start) {
			out[line].add(a.addr)
		}
	}
	return out
}

// afterMailFrom reports whether the address at offset start of text is
// the argument of an SMTP MAIL FROM command ("MAIL FROM:<a@b>", as a
// session transcript quotes it): the envelope sender, never a recipient.
func afterMailFrom(text string, start int) bool {
	before := text[max(0, start-40):start]
	if i := strings.LastIndexByte(before, '\n'); i >= 0 {
		before = before[i+1:]
	}
	before = strings.ToLower(strings.Join(strings.Fields(strings.TrimRight(before, " \t<")), " "))
	return strings.HasSuffix(before, "mail from:")
}

// diagnostic picks an address's explanation from the lines it owns: the
// first paragraph with an SMTP reply or status code, from the line with
// the code on; else its first paragraph that says more than the address.
func diagnostic(lines []string, idx []int, addr string) string {
	paras := paragraphs(lines, idx)
	for _, para := range paras {
		for j, li := range para {
			if hasCode(lines[li]) {
				return clip(stripAddress(joinLines(lines, para[j:]), addr))
			}
		}
	}
	for _, para := range paras {
		if d := stripAddress(joinLines(lines, unlabelled(lines, para, addr)), addr); d != "" {
			return clip(d)
		}
	}
	return ""
}

// unlabelled drops the section labels leading a paragraph: lines of
// dashes and a name such as m-FILTER's "-------server message", which
// say where the text comes from, not what went wrong. A line naming addr
// is no label ("--- bob@example.org: mailbox disabled" says what went
// wrong): it and what follows stay, as does a paragraph's last line.
func unlabelled(lines []string, para []int, addr string) []int {
	for len(para) > 1 && label(lines[para[0]], addr) {
		para = para[1:]
	}
	return para
}

// label reports whether line is a section label of a bounce: it starts
// with three dashes and does not name addr.
func label(line, addr string) bool {
	line = strings.TrimSpace(line)
	return strings.HasPrefix(line, "---") && !strings.Contains(strings.ToLower(line), strings.ToLower(addr))
}

// paragraphs groups line numbers into runs of consecutive non-blank lines.
func paragraphs(lines []string, idx []int) [][]int {
	var out [][]int
	var cur []int
	for _, i := range idx {
		if strings.TrimSpace(lines[i]) == "" || (len(cur) > 0 && i != cur[len(cur)-1]+1) {
			if len(cur) > 0 {
				out = append(out, cur)
			}
			cur = nil
		}
		if strings.TrimSpace(lines[i]) != "" {
			cur = append(cur, i)
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// joinLines joins the lines idx into one, stopping once it is well past
// maxDiagnostic.
func joinLines(lines []string, idx []int) string {
	var parts []string
	n := 0
	for _, i := range idx {
		parts = append(parts, lines[i])
		if n += len(lines[i]); n > 2*maxDiagnostic {
			break
		}
	}
	return oneLine(strings.Join(parts, " "))
}

// stripAddress removes leading dashes (a Postfix-style "--- ", a label's)
// and a leading "<addr>:" or "addr" from a diagnostic.
func stripAddress(d, addr string) string {
	d = strings.TrimLeft(d, "- ")
	for _, p := range []string{"<" + addr + ">", addr} {
		if len(d) >= len(p) && strings.EqualFold(d[:len(p)], p) {
			d = d[len(p):]
			break
		}
	}
	return strings.TrimSpace(strings.TrimLeft(d, ":;,. "))
}

// hasCode reports whether a line holds an SMTP reply code, an enhanced
// status code or qmail's "(#x.y.z)".
func hasCode(line string) bool {
	return !findStatus(line).IsZero() || findReplyCode(line) != 0
}

// firstCodedLine returns the first line of text that holds a code, or "".
func firstCodedLine(text string) string {
	for _, line := range strings.Split(text, "\n") {
		if hasCode(line) {
			return line
		}
	}
	return ""
}

// clip shortens s to maxDiagnostic bytes at a character boundary.
func clip(s string) string {
	if len(s) <= maxDiagnostic {
		return s
	}
	s = s[:maxDiagnostic]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

func hasRecipient(list []Recipient, addr string) bool {
	for _, r := range list {
		if strings.EqualFold(r.Address, addr) {
			return true
		}
	}
	return false
}
