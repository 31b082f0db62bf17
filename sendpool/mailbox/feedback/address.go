package feedback

import (
	"net/mail"
	"regexp"
	"strconv"
	"strings"
)

// normalizeAddress returns an address as a report gives it in a form to
// compare: the address type of DSN fields ("rfc822;", RFC 3464 2.1.2; and
// "utf-8;" with its \x{...} escapes decoded, RFC 6533 3) and any display
// name and angle brackets removed, the domain in lower case. The local part
// is kept as given: only its owner knows whether case matters there.
func normalizeAddress(s string) string {
	s = strings.TrimSpace(s)
	if typ, rest, ok := strings.Cut(s, ";"); ok && isAddressType(typ) {
		s = strings.TrimSpace(rest)
		if strings.EqualFold(strings.TrimSpace(typ), "utf-8") {
			s = decodeEmbeddedUnicode(s)
		}
	}
	if strings.ContainsAny(s, "<\" ") {
		if a, err := mail.ParseAddress(s); err == nil {
			s = a.Address
		} else if i, j := strings.LastIndexByte(s, '<'), strings.LastIndexByte(s, '>'); i >= 0 && j > i {
			s = s[i+1 : j]
		}
	}
	s = strings.TrimSpace(strings.Trim(strings.TrimSpace(s), "<>"))
	s = strings.TrimPrefix(s, "mailto:")
	if at := strings.LastIndexByte(s, '@'); at > 0 {
		s = s[:at+1] + strings.ToLower(s[at+1:])
	}
	return oneLine(s)
}

// originalRecipient reads a DSN's Original-Recipient (RFC 3464 2.3.1):
// the ORCPT of an Internet address ("rfc822;" or "utf-8;", or no type),
// normalized, with xtext's escapes undone where the MTA echoed them as
// sent (RFC 3461 4.2: "ann+2Bnews@…" is ann+news); "" for another type
// (Exchange's "X500;/o=…") or a value that is no address, which leaves
// the Final-Recipient to name the recipient.
func originalRecipient(s string) string {
	s = strings.TrimSpace(s)
	if typ, rest, ok := strings.Cut(s, ";"); ok && isAddressType(typ) {
		switch strings.ToLower(strings.TrimSpace(typ)) {
		case "rfc822":
			s = "rfc822;" + fromXtext(strings.TrimSpace(rest))
		case "utf-8":
		default:
			return ""
		}
	}
	a := normalizeAddress(s)
	if at := strings.LastIndexByte(a, '@'); at <= 0 || at == len(a)-1 {
		return ""
	}
	return a
}

// fromXtext is s with its xtext escapes undone when s reads as xtext
// (every + starts a +HH escape in upper-case hex) and what it decodes to
// is an address; s as it is otherwise, as an address such as
// "ann+2024@…" that only looks escaped.
func fromXtext(s string) string {
	if !strings.Contains(s, "+") {
		return s
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '+' && (i+2 >= len(s) || !isUpperHex(s[i+1]) || !isUpperHex(s[i+2])) {
			return s
		}
	}
	d := decodeXtext(s)
	if a, err := mail.ParseAddress(d); err != nil || a.Address != d {
		return s
	}
	return d
}

func isUpperHex(c byte) bool { return isDigit(c) || c >= 'A' && c <= 'F' }

// isAddressType reports whether s is an address-type token ("rfc822",
// "utf-8", "x400", "unknown", ...).
func isAddressType(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) && !isLetter(c) && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

// decodeEmbeddedUnicode replaces the \x{HEX} escapes of RFC 6533's
// utf-8-addr-xtext form with the characters they stand for.
func decodeEmbeddedUnicode(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, `\x{`)
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		n, err := strconv.ParseUint(s[i+3:i+j], 16, 32)
		if err != nil || n > 0x10FFFF {
			b.WriteString(s[:i+j+1])
		} else {
			b.WriteString(s[:i])
			b.WriteRune(rune(n))
		}
		s = s[i+j+1:]
	}
	b.WriteString(s)
	return b.String()
}

// decodeXtext undoes xtext's "+HH" escapes (RFC 3461 4), as an
// Original-Envelope-Id may still carry them.
func decodeXtext(s string) string {
	if !strings.Contains(s, "+") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '+' && i+2 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(n))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// addressRe finds addresses in free text. It is deliberately narrow: ASCII
// local parts and domains with a letter TLD, as bounce texts write them.
var addressRe = regexp.MustCompile(`[A-Za-z0-9!#$%&'*+/=?^_{|}~.-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,63}`)

// textAddress is an address found in text, with its position.
type textAddress struct {
	addr       string
	start, end int
}

// scanAddresses returns the first max (all when max < 0) addresses in
// text in order, normalized.
func scanAddresses(text string, max int) []textAddress {
	var out []textAddress
	for _, m := range addressRe.FindAllStringIndex(text, max) {
		a := strings.Trim(text[m[0]:m[1]], ".")
		if !strings.Contains(a, "@") || strings.HasPrefix(a, "@") {
			continue
		}
		out = append(out, textAddress{addr: normalizeAddress(a), start: m[0], end: m[1]})
	}
	return out
}

// findAddresses returns the distinct addresses in text.
func findAddresses(text string) []string {
	var out stringSet
	for _, a := range scanAddresses(text, maxList) {
		out.add(a.addr)
	}
	return out.list
}

// daemonLocals are local parts of the addresses mail systems send
// notifications from (RFC 5321 4.5.1 postmaster, MAILER-DAEMON by custom).
var daemonLocals = []string{"mailer-daemon", "mailer_daemon", "mailerdaemon", "mail-daemon", "maildaemon", "postmaster", "mdaemon"}

// isDaemon reports whether addr is a mail system's own address: a
// MAILER-DAEMON or postmaster, or Exchange's MicrosoftExchange... sender.
func isDaemon(addr string) bool {
	local, _, _ := strings.Cut(strings.ToLower(addr), "@")
	for _, d := range daemonLocals {
		if local == d {
			return true
		}
	}
	return strings.HasPrefix(local, "microsoftexchange")
}
