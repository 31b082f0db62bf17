package smtpclient

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-smtp"

	"github.com/tidings/tidings/render"
)

// Delivery status notifications (RFC 3461): when the server offers DSN, a
// transaction asks for a report of failures and delays only (NOTIFY=
// FAILURE,DELAY), with the headers of the message (RET=HDRS, not the whole
// message back), its envelope id (ENVID, the Message-ID: the bounce then
// names the message however the report is worded) and each recipient's
// address as given (ORCPT), so `tidings bounces` can match a report to the
// row it is about.

// envelopeID is the ENVID of m: its Message-ID, when it is printable ASCII
// (RFC 3461 4.4 allows at most 100 characters of it).
func envelopeID(m *render.Message) string {
	id := m.MessageID
	if id == "" || len(id) > 100 || !printableASCII(id) {
		return ""
	}
	return id
}

// rcptDSN is the RCPT parameters go-smtp sends when the server offers DSN.
func rcptDSN(addr string) *smtp.RcptOptions {
	opts := &smtp.RcptOptions{Notify: []smtp.DSNNotify{smtp.DSNNotifyFailure, smtp.DSNNotifyDelayed}, OriginalRecipient: addr,
		OriginalRecipientType: smtp.DSNAddressTypeRFC822}
	if !printableASCII(addr) {
		opts.OriginalRecipientType = smtp.DSNAddressTypeUTF8
	}
	return opts
}

// orcpt is the ORCPT parameter for addr: "rfc822;" and the address in
// xtext, or for a non-ASCII address (RFC 6533 3.2) "utf-8;" and it in
// utf-8-addr-xtext, which escapes every non-ASCII character as \x{HEX} and
// is valid with or without SMTPUTF8.
func orcpt(addr string) string {
	if printableASCII(addr) {
		return "rfc822;" + xtext(addr)
	}
	var b strings.Builder
	b.WriteString("utf-8;")
	for _, r := range addr {
		switch {
		case r >= 0x80 || r == '+' || r == '=' || r == '\\' || r < '!' || r > '~':
			b.WriteString("\\x{")
			b.WriteString(strings.ToUpper(strconv.FormatInt(int64(r), 16)))
			b.WriteString("}")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// xtext encodes s (printable ASCII) as RFC 3461 4 xtext: '+', '=' and
// what is not a printable character become "+" and two hex digits.
func xtext(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '!' || c > '~' || c == '+' || c == '=' {
			b.WriteByte('+')
			b.WriteByte("0123456789ABCDEF"[c>>4])
			b.WriteByte("0123456789ABCDEF"[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '!' || s[i] > '~' {
			return false
		}
	}
	return utf8.ValidString(s)
}
