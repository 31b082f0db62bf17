package smtpclient

import (
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/redact"
)

// A server that quotes what it was sent in its refusal of a login ("535 …
// authentication failed: AHVzZXIA…"), or in a reply too broken to read,
// would get the password into the error, the journal, the reports and the
// page; so would one quoting it after the login, in its reply to a
// recipient or a message. Every reply and error of a session after the
// login is redacted: every form of the password a login sends
// (secretForms, kept in Dialer.secrets) becomes [redacted].

// redact returns s with every form of the password replaced.
func (d *Dialer) redact(s string) string { return redact.String(s, d.secrets) }

// reply converts a go-smtp reply error as fromSMTP does, its text
// redacted: a server may quote the password in any reply, after the login
// (a refusal quoting the AUTH line it was sent) or in a later session's
// greeting, and a row's reply or a stop goes into the journal, the
// reports and the page.
func (d *Dialer) reply(command string, err error) (*sendpool.SMTPError, bool) {
	se, ok := fromSMTP(command, err)
	return d.redactReply(se), ok
}

// redactReply returns reply with its text redacted, reply itself when
// that holds no secret.
func (d *Dialer) redactReply(reply *sendpool.SMTPError) *sendpool.SMTPError {
	if reply == nil {
		return nil
	}
	msg := d.redact(reply.Message)
	if msg == reply.Message {
		return reply
	}
	r := *reply
	r.Message = msg
	return &r
}

// redactErr returns err, or, when its text holds a secret, an error with
// that text redacted which wraps err (redact.Error).
func (d *Dialer) redactErr(err error) error { return redact.Error(err, d.secrets) }
