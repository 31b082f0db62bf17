package templates

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode"
)

// badEmailError is the address function's error for an email that is not
// one addr-spec: it says what is wrong in words (AddressWords, as render
// says it of a header's address) and wraps errBadEmail.
type badEmailError struct {
	email string
	words string
}

func (e *badEmailError) Error() string {
	return fmt.Sprintf("templates: address: %q: %s", e.email, e.words)
}

func (e *badEmailError) Unwrap() error { return errBadEmail }

// emailWords says what is wrong with email, the address function's
// second argument, which is not one addr-spec: more than one address
// (a list separated by , or ; is told that the column written alone sends
// to each of them: an office's "a@x.de; b@y.de" for both parents),
// more than the address (a name, < > or a name before it), separators
// alone (";"), or what AddressWords says of it.
func emailWords(email string) string {
	if NoAddress(email) {
		return "only separators (, or ;) and no address: write the address in the cell, or take the row out"
	}
	masked := maskQuoted(email)
	if strings.Count(masked, "@") > 1 && strings.ContainsAny(masked, ",;") {
		return "more than one address: address takes one email; to send to each of them, write the column without address (to: '{{.email}}' for a column email), where , and ; separate addresses"
	}
	if strings.Count(masked, "@") > 1 && strings.ContainsAny(masked, " \t\r\n") {
		return "more than one address: address takes one email"
	}
	if name, addr, ok := afterName(email, masked); ok {
		return fmt.Sprintf("an address holds no space: if %s is a name, give %s alone (address writes the name itself); if not, remove the space", name, addr)
	}
	a, err := mail.ParseAddress(email)
	_, quotedLocal := unquoteLocal(email)
	switch {
	case err != nil:
		return AddressWords(email, err)
	case strings.ContainsAny(email, `<(`), strings.Contains(email, `"`) && !quotedLocal:
		return fmt.Sprintf("more than an email address: give %s alone (address writes the name itself)", a.Address)
	}

	// net/mail takes spaces beside the @ ("ann@ x.com"), which an
	// addr-spec does not.
	return AddressWords(email, errors.New("mail: not an addr-spec"))
}

// NoAddress reports whether v, a cell's value or an email, gives no
// address: it is blank or holds only separators (isSeparator). The one
// rule for it: render's To of such a cell and the address function's
// email both say so.
func NoAddress(v string) bool { return strings.TrimFunc(v, isSeparator) == "" }

// isSeparator reports whether r is one of the separators an address list
// may have between addresses (, and ;) or white space, Unicode's too (an
// ideographic space typed beside a ; with a CJK input method).
func isSeparator(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) }

// afterName splits email into the name and the address, when it is a name and an address with a
// space between them and none in the address ("Ann Lee ann@x.com");
// masked is email with its quoted-strings masked (maskQuoted), so a space
// inside a quoted local part ("ann lee"@x.com) is not taken for one.
func afterName(email, masked string) (name, addr string, ok bool) {
	at := strings.IndexByte(masked, '@')
	if at <= 0 || strings.ContainsAny(masked, "<>") || !strings.ContainsFunc(masked[:at], unicode.IsSpace) ||
		unicode.IsSpace(rune(masked[at-1])) || strings.ContainsFunc(masked[at:], unicode.IsSpace) {
		return "", "", false
	}
	name, addr = nameBefore(email, masked, at)
	return name, addr, true
}
