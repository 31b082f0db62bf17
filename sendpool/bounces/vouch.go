package bounces

import (
	"bytes"
	"fmt"
	"net/mail"
	"strings"
	"unicode"

	"github.com/emersion/go-msgauth/authres"
	"golang.org/x/net/publicsuffix"
)

// Anyone can send mail From any address, so an unsubscribe request by
// mail suppresses its sender only when the server that received it
// vouched for that From: its Authentication-Results field (RFC 8601),
// known by the server's authserv-id (mailbox.authserv_id), says dmarc=pass
// for the From's domain, or dkim=pass or spf=pass for a domain aligned
// with it (RFC 7489 3.1, relaxed: the same organizational domain), and no
// dmarc result of another value but none (the domain publishes no
// policy). Only the topmost field with that
// authserv-id counts: the server adds its own above the message's header
// as it came, where a sender may have put a forged one (RFC 8601 5 has the
// server remove those; not every server does).

// vouching is what a message's Authentication-Results say of its From.
type vouching struct {
	ok bool
	// why says, when not ok, why not: "no Authentication-Results by
	// mx.example.org", "mx.example.org found dmarc=fail for example.org".
	why string
	// top is the authserv-id of the topmost Authentication-Results field
	// ("" for none): a hint when no authserv-id is set.
	top string
}

// vouch reads what the server authservID ("" for none trusted) vouched
// for about raw, a message whose From is from. Its words, partly the
// message's own, hold no control character (printed to a terminal, an
// escape sequence would be the sender's to write).
func vouch(raw []byte, from, authservID string) vouching {
	v := vouchFor(raw, from, authservID)
	v.why, v.top = printable(v.why), printable(v.top)
	return v
}

// printable is s with each control character (ESC, a line break, C1) as
// a '?'.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
}

// vouchFor is vouch, its words as they come.
func vouchFor(raw []byte, from, authservID string) vouching {
	var v vouching
	fields := authResults(raw)
	if len(fields) > 0 {
		v.top, _, _ = authres.Parse(stripComments(fields[0]))
		v.top = strings.ToLower(v.top)
	}
	if authservID == "" {
		v.why = "mailbox.authserv_id is not set, so no Authentication-Results is trusted"
		return v
	}
	domain := domainOf(from)
	for _, f := range fields {
		id, results, err := authres.Parse(stripComments(f))
		if !strings.EqualFold(id, authservID) {
			continue
		}
		if err != nil {
			v.why = fmt.Sprintf("%s's Authentication-Results cannot be read (%v)", authservID, err)
			return v
		}
		v.ok, v.why = judge(results, domain)
		if !v.ok {
			v.why = fmt.Sprintf("%s found %s", authservID, v.why)
		}
		return v
	}
	v.why = "no Authentication-Results by " + authservID
	return v
}

// judge decides whether results vouch for the From domain; when they do
// not, it says what they found.
func judge(results []authres.Result, domain string) (bool, string) {
	if domain == "" {
		return false, "no From domain to check"
	}
	pass := false
	var found []string
	for _, r := range results {
		switch r := r.(type) {
		case *authres.DMARCResult:
			if !strings.EqualFold(domainOf(r.From), domain) {
				found = append(found, fmt.Sprintf("dmarc=%s for %s", r.Value, r.From))
				continue
			}
			switch r.Value {
			case authres.ResultPass:
				pass = true
			case authres.ResultNone:
				// The domain publishes no DMARC policy: an aligned DKIM
				// or SPF pass still vouches for it.
				found = append(found, fmt.Sprintf("dmarc=none for %s", domain))
			default:
				return false, fmt.Sprintf("dmarc=%s for %s", r.Value, domain)
			}
		case *authres.DKIMResult:
			d := r.Domain
			if d == "" {
				d = domainOf(r.Identifier)
			}
			found = append(found, fmt.Sprintf("dkim=%s for %s", r.Value, d))
			pass = pass || r.Value == authres.ResultPass && aligned(d, domain)
		case *authres.SPFResult:
			d := domainOf(r.From)
			found = append(found, fmt.Sprintf("spf=%s for %s", r.Value, d))
			pass = pass || r.Value == authres.ResultPass && aligned(d, domain)
		}
	}
	if pass {
		return true, ""
	}
	if len(found) == 0 {
		return false, "no DMARC, DKIM or SPF result"
	}
	return false, "no pass aligned with " + domain + " (" + strings.Join(found, ", ") + ")"
}

// authResults are the Authentication-Results fields of raw's header,
// topmost first, unfolded; none when the header cannot be read.
func authResults(raw []byte) []string {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil
	}
	return m.Header["Authentication-Results"]
}

// aligned reports whether domains a and b are aligned as DMARC's relaxed
// mode has it: the same organizational domain (the public suffix list's
// registrable domain).
func aligned(a, b string) bool {
	a, b = strings.ToLower(strings.TrimSuffix(a, ".")), strings.ToLower(strings.TrimSuffix(b, "."))
	if a == "" || b == "" {
		return false
	}
	if a == b {
		return true
	}
	oa, errA := publicsuffix.EffectiveTLDPlusOne(a)
	ob, errB := publicsuffix.EffectiveTLDPlusOne(b)
	return errA == nil && errB == nil && oa == ob
}

// domainOf is the domain of an address ("ann@example.org", "@example.org")
// or the domain itself, in lower case.
func domainOf(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	return strings.ToLower(strings.TrimSuffix(strings.Trim(s, "<>"), "."))
}

// stripComments removes the comments of an Authentication-Results value
// (RFC 5322 3.2.2: parenthesised, nested, with quoted-pairs) and empties
// its quoted strings, which authres does not: a comment holding ";" or
// "key=value" (an SPF comment quotes the envelope sender, which the sender
// chose) would be read as a result or a property, and so would a quoted
// string's (a quoted local part of that sender,
// smtp.mailfrom="x smtp.mailfrom=eve@example.org y"@evil.example, as a
// server writes it). Only domains are read from the value, and no domain
// is quoted: a quoted string is kept as "".
func stripComments(v string) string {
	var b strings.Builder
	depth, quoted := 0, false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\' && (depth > 0 || quoted):
			i++
		case quoted:
			if c == '"' {
				quoted = false
				b.WriteByte(c)
			}
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
			if depth == 0 {
				b.WriteByte(' ')
			}
		case depth > 0:
		case c == '"':
			quoted = true
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
