package render

import (
	"fmt"
	"strings"
	"unicode"
)

// addrWordsError is an address that net/mail refused, told in words a
// user understands rather than RFC 5322's grammar ("no angle-addr",
// "missing word in phrase"); net/mail's error stays in the chain.
type addrWordsError struct {
	words string
	err   error
}

func (e *addrWordsError) Error() string { return e.words }
func (e *addrWordsError) Unwrap() error { return e.err }

// inWords returns err, net/mail's refusal of the address token (one
// address, trimmed), as an *addrWordsError saying what is wrong with
// token: no @ (a written-out "(at)"), nothing before or after the @, a
// name not in quotes or without < >, two addresses without a separator,
// a space or a stray dot in the address.
func inWords(token string, err error) error {
	spec := addrPart(token)
	words := ""
	switch at := strings.IndexByte(spec, '@'); {
	case at < 0 && writtenAt(token) != "":
		words = fmt.Sprintf("not an email address: it has no @ (%s is not @)", writtenAt(token))
	case at < 0:
		words = "not an email address: it has no @"
	case at == 0:
		words = "nothing before the @"
	case at == len(spec)-1:
		words = "missing domain: nothing after the @"
	case strings.HasPrefix(err.Error(), "mail: expected single address, got "):
		words = afterAddress(strings.TrimPrefix(err.Error(), "mail: expected single address, got "))
	case strings.Contains(err.Error(), "no angle-addr"), strings.Contains(err.Error(), "missing word in phrase"):
		words = `a name goes before the address in < > and needs quotes when it holds more than letters ("Name" <address>), or write {{address .name .email}}`
	case strings.ContainsFunc(spec, unicode.IsSpace):
		words = "a space inside the address"
	case strings.Contains(spec, ".."):
		words = "two dots in a row"
	case spec[0] == '.' || spec[at-1] == '.' || spec[at+1] == '.' || spec[len(spec)-1] == '.':
		words = "a dot next to the @ or at an end"
	default:
		words = "not a valid email address"
	}
	return &addrWordsError{words: words, err: err}
}

// writtenAt is the way token writes "at" out in place of @ ("(at)",
// "[at]", " at "), or "".
func writtenAt(token string) string {
	lower := strings.ToLower(token)
	for _, w := range []string{"(at)", "[at]", "{at}", " at "} {
		if i := strings.Index(lower, w); i >= 0 {
			return strings.TrimSpace(token[i : i+len(w)])
		}
	}
	return ""
}

// afterAddress says what net/mail found after an address, got (quoted).
func afterAddress(got string) string {
	if strings.Contains(got, "@") {
		return "two addresses need a , or ; between them"
	}
	return "something after the address: " + got
}
