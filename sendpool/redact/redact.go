// Package redact hides a password in text a server sent back. A server
// may quote what it was sent (a refused login, a reply too broken to
// read, a greeting naming an earlier session's command), and that text
// goes into errors, the journal, the reports, the page and transcripts.
// The SMTP client and the mailbox readers (IMAP, POP3) share it; each
// knows the forms its logins send the password in.
package redact

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mark stands for a secret in redacted text.
const Mark = "[redacted]"

// wholeBelow is the length under which a secret is replaced only where
// it stands alone: a password "x" or "1234" is part of words and numbers
// a server says ("exceeded", "12345"), and replacing it there garbled
// the reply ("limit e[redacted]ceeded") without hiding anything.
const wholeBelow = 8

// String returns s with every one of secrets in it replaced by Mark, in
// their order: list them longest first, since a shorter secret replaced
// inside a longer form (a password inside its base64) would break that
// form and leave the rest of it readable. A secret shorter than
// wholeBelow bytes is replaced only where no letter or digit touches it
// on either side. Empty secrets are skipped. It allocates only when s
// holds one.
func String(s string, secrets []string) string {
	for _, secret := range secrets {
		switch {
		case secret == "":
		case len(secret) < wholeBelow:
			s = replaceAlone(s, secret)
		default:
			s = strings.ReplaceAll(s, secret, Mark)
		}
	}
	return s
}

// replaceAlone replaces with Mark each secret in s that no letter or
// digit touches.
func replaceAlone(s, secret string) string {
	var b strings.Builder
	done := 0 // s[:done] is in b
	for from := 0; ; {
		i := strings.Index(s[from:], secret)
		if i < 0 {
			break
		}
		start, end := from+i, from+i+len(secret)
		if !alone(s, start, end) {
			from = start + 1
			continue
		}
		b.WriteString(s[done:start])
		b.WriteString(Mark)
		done, from = end, end
	}
	if b.Len() == 0 {
		return s // nothing replaced
	}
	b.WriteString(s[done:])
	return b.String()
}

// alone reports whether s[start:end] has no letter or digit just before
// or just after it.
func alone(s string, start, end int) bool {
	before, _ := utf8.DecodeLastRuneInString(s[:start])
	after, _ := utf8.DecodeRuneInString(s[end:])
	return !wordRune(before) && !wordRune(after)
}

// wordRune reports whether r is a letter or a digit (RuneError, for none,
// is neither).
func wordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// Error returns err, or, when its text holds one of secrets, an error
// with that text redacted (see String) which wraps err: errors.Is and
// errors.As still see it. nil stays nil.
func Error(err error, secrets []string) error {
	if err == nil {
		return nil
	}
	text := String(err.Error(), secrets)
	if text == err.Error() {
		return err
	}
	return &redactedError{text: text, err: err}
}

// redactedError is an error whose text had a secret in it.
type redactedError struct {
	text string
	err  error
}

func (e *redactedError) Error() string { return e.text }
func (e *redactedError) Unwrap() error { return e.err }
