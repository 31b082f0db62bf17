// Package redact hides a password in text a server sent back. A server
// may quote what it was sent (a refused login, a reply too broken to
// read, a greeting naming an earlier session's command), and that text
// goes into errors, the journal, the reports, the page and transcripts.
// The SMTP client and the mailbox readers (IMAP, POP3) share it; each
// knows the forms its logins send the password in.
package redact

import "strings"

// Mark stands for a secret in redacted text.
const Mark = "[redacted]"

// String returns s with every one of secrets in it replaced by Mark, in
// their order: list them longest first, since a shorter secret replaced
// inside a longer form (a password inside its base64) would break that
// form and leave the rest of it readable. Empty secrets are skipped. It
// allocates only when s holds one.
func String(s string, secrets []string) string {
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, Mark)
		}
	}
	return s
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
