package templates

import (
	"fmt"
	"strings"
	"unicode"
)

// AddressExample is the call of the address function the words of an
// address that needs it suggest (AddressWords): in the example's column
// names, which render replaces with the template's own where it can tell
// them.
const AddressExample = "{{address .name .email}}"

// AddressWords says what is wrong with token, one address (trimmed) that
// net/mail refused with err, in words a user understands rather than
// RFC 5322's grammar ("no angle-addr", "missing word in phrase"): no @ (or
// a written-out "(at)", a full-width ＠), nothing before or after it, two
// of them, the address in quotes or brackets or after "mailto:", a name
// without < > around the address, a space in the address, two addresses
// without a separator, something after the address, a stray dot. render
// says it of an address a header's template made, and the address
// function of the email it is given.
func AddressWords(token string, err error) string {
	words := addressWords(token, AddrPart(token), err.Error())
	if strings.Contains(token, "＠") {
		words += " (an address has an ASCII @, not a full-width ＠)"
	}
	return words
}

// addressWords is AddressWords for the addr-spec spec of token; msg is
// net/mail's error.
func addressWords(token, spec, msg string) string {
	if w := WrappedWords(token); w != "" {
		return w
	}
	if len(spec) > 7 && strings.EqualFold(spec[:7], "mailto:") {
		return `"mailto:" belongs in a link, not in an address: remove it`
	}
	at := strings.IndexByte(spec, '@')
	switch n := strings.Count(spec, "@"); {
	case at < 0 && writtenAt(token) != "":
		return fmt.Sprintf("not an email address: it has %s where the @ goes", writtenAt(token))
	case at < 0:
		return "not an email address: it has no @"
	case n > 1 && !strings.ContainsAny(spec, "\" \t"):
		return fmt.Sprintf("%d @ signs, where an address has one", n)
	case at == 0:
		return "nothing before the @"
	case at == len(spec)-1:
		return "missing domain: nothing after the @"
	}
	if words := spacedWords(token, spec, msg); words != "" {
		return words
	}
	return specWords(spec, at)
}

// spacedWords says what is wrong with an address that has something after
// it or a space in it, or "" when it has neither.
func spacedWords(token, spec, msg string) string {
	got, after := strings.CutPrefix(msg, "mail: expected single address, got ")
	switch {
	case after && strings.Contains(got, "@"):
		return "two addresses need a , or ; between them"
	case after && strings.ContainsAny(token[max(strings.IndexByte(maskQuoted(token), '@'), 0):], `("`):
		// ann@x.com (Ann)x: net/mail read a comment after the address.
		return "something after the address: " + got
	case !strings.Contains(token, "<") && strings.ContainsFunc(maskQuoted(token), unicode.IsSpace):
		return spaceWords(token)
	case SpaceBesideAt(spec):
		return "a space inside the address, next to the @"
	case strings.ContainsFunc(maskQuoted(spec), unicode.IsSpace):
		return "a space inside the address"
	case after && strings.Trim(got, `"`) == ">":
		return "a stray > after the address"
	case after:
		return "something after the address: " + got
	case strings.Contains(msg, "no angle-addr"), strings.Contains(msg, "missing word in phrase"):
		return "a name goes before the address, which then goes in < > (Name <address>), or write " + AddressExample
	}
	return ""
}

// spaceWords says what is wrong with token, an address with no < > and a
// space in it: a space next to the @ or in the domain is inside the
// address; words before it are a name (or a space inside it: both are
// said).
func spaceWords(token string) string {
	masked := maskQuoted(token)
	at := strings.IndexByte(masked, '@')
	isSpace := func(i int) bool { return i >= 0 && i < len(masked) && unicode.IsSpace(rune(masked[i])) }
	switch {
	case isSpace(at-1) || isSpace(at+1):
		return "a space inside the address, next to the @"
	case strings.ContainsFunc(masked[at:], unicode.IsSpace):
		return "a space inside the domain (after the @)"
	}
	name, addr := nameBefore(token, masked, at)
	return fmt.Sprintf("an address holds no space: if %s is a name, it goes before the address, which then goes in < > (%s <%s>), or write %s; if not, remove the space", name, name, addr, AddressExample)
}

// SpaceBesideAt reports whether spec, an addr-spec (AddrPart), has a
// space right before or after its @ (outside a quoted local part and
// comments: "ann@x.com (Ann @ Acme)" has none).
// net/mail takes "ann@ x.com" for ann@x.com, but in a sheet's value it is
// a typo, so render refuses it as the address function does.
func SpaceBesideAt(spec string) bool {
	masked := maskOutside(spec)
	at := strings.LastIndexByte(masked, '@')
	isSpace := func(i int) bool { return i >= 0 && i < len(masked) && unicode.IsSpace(rune(masked[i])) }
	return at >= 0 && (isSpace(at-1) || isSpace(at+1))
}

// nameBefore splits token, an address with no < > and a space before the
// word holding its @ (at), into what comes before that word and the word;
// masked is token with its quoted-strings masked (maskQuoted), so the cut
// is not made inside one.
func nameBefore(token, masked string, at int) (name, addr string) {
	cut := strings.LastIndexFunc(masked[:at], unicode.IsSpace)
	return strings.TrimSpace(token[:cut]), token[cut+1:]
}

// specWords says what is wrong with spec, an addr-spec with one @ at at,
// something before and after it, and no space.
func specWords(spec string, at int) string {
	switch {
	case strings.Contains(spec, ".."):
		return "two dots in a row"
	case spec[0] == '.' || spec[at-1] == '.' || spec[at+1] == '.' || spec[len(spec)-1] == '.':
		return "a dot next to the @ or at an end"
	case spec[at+1] == '[':
		return LiteralWords(spec[at+1:])
	}
	return "not a valid email address"
}

// LiteralWords says that domain is an address literal ([192.0.2.1]),
// valid or not, which tidings does not send to.
func LiteralWords(domain string) string {
	return fmt.Sprintf("domain %q is an address literal (an IP address in brackets), which tidings does not send to: use the domain name", domain)
}

// WrappedWords says that token, an address, is wrapped in quotes,
// brackets or parentheses ("the address is in quotes: remove them"), or
// is "" when it is not. net/mail takes 'ann@x.com' for an address whose
// domain ends in ', so render asks this before it says what is wrong
// with that domain.
func WrappedWords(token string) string {
	if w := wrapped(token); w != "" {
		return "the address is in " + w + ": remove them"
	}
	return ""
}

// wrapped names what the whole of token is wrapped in ("quotes",
// "brackets [ ]", "parentheses ( )") when it is an address, or "".
func wrapped(token string) string {
	if len(token) < 3 || !strings.Contains(token, "@") || strings.ContainsAny(token, "<>") {
		return ""
	}
	for _, w := range []struct{ open, close, name string }{
		{`"`, `"`, "quotes"}, {"'", "'", "quotes"}, {"“", "”", "quotes"}, {"‘", "’", "quotes"},
		{"[", "]", "brackets [ ]"}, {"(", ")", "parentheses ( )"},
	} {
		inner, ok := strings.CutPrefix(token, w.open)
		if inner, ok2 := strings.CutSuffix(inner, w.close); ok && ok2 && !strings.ContainsAny(inner, `"[]() `) {
			return w.name
		}
	}
	return ""
}

// writtenAt is the way token writes "at" out in place of @ ("(at)",
// "[at]", `"at"` for " at "), or "".
func writtenAt(token string) string {
	lower := strings.ToLower(token)
	for _, w := range []string{"(at)", "[at]", "{at}", " at "} {
		if i := strings.Index(lower, w); i >= 0 {
			if w == " at " {
				return `"` + strings.TrimSpace(token[i:i+len(w)]) + `"`
			}
			return token[i : i+len(w)]
		}
	}
	return ""
}

// AddrPart is the addr-spec inside <…> of an address token, or the token.
func AddrPart(token string) string {
	if i := strings.LastIndexByte(token, '<'); i >= 0 {
		rest := token[i+1:]
		if j := strings.IndexByte(rest, '>'); j >= 0 {
			return strings.TrimSpace(rest[:j])
		}
		return strings.TrimSpace(rest)
	}
	return token
}
