package sendpool_test

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool"
)

func TestClassifyReply(t *testing.T) {
	for _, tc := range []struct {
		code int
		ec   string
		text string
		want sendpool.Class
	}{
		// Permanent.
		{550, "5.1.1", "<nobody@example.org>: Recipient address rejected: User unknown", sendpool.ClassPermanent},
		{553, "5.7.1", "Sender address rejected: not owned by user", sendpool.ClassPermanent},
		{554, "5.7.1", "Message rejected: spam", sendpool.ClassPermanent},
		{552, "5.3.4", "Message size exceeds fixed limit", sendpool.ClassPermanent},
		{550, "", "Mail content denied", sendpool.ClassPermanent},
		{554, "", "DT:SPM 163 smtp14, the message was judged as spam", sendpool.ClassPermanent},
		{501, "5.5.4", "Invalid command arguments; separate them with spaces", sendpool.ClassPermanent},
		{550, "5.7.1", "Considerate of others: policy rejection, pirate of mail", sendpool.ClassPermanent},
		{552, "5.2.2", "Mailbox size limit reached", sendpool.ClassPermanent},
		// Temporary.
		{451, "4.3.0", "Temporary lookup failure", sendpool.ClassTemporary},
		{450, "4.2.0", "Mailbox unavailable, greylisted", sendpool.ClassTemporary},
		{421, "4.4.2", "Idle timeout, bye bye", sendpool.ClassTemporary},
		{452, "4.3.1", "Insufficient system storage", sendpool.ClassTemporary},
		{452, "4.5.3", "Too many recipients", sendpool.ClassTemporary},
		{454, "4.7.0", "Temporary authentication failure", sendpool.ClassTemporary},
		{451, "4.7.1", "Please try again later, we moderate new senders", sendpool.ClassTemporary},
		// Throttling: the pool slows down.
		{421, "", "HL:ICC too many connections from your IP", sendpool.ClassThrottled},
		{421, "", "HL:IFC 163 smtp9, too many mails sent in a short time", sendpool.ClassThrottled},
		{451, "", "RP:QRC 163 smtp3, the quota of recipients reached", sendpool.ClassThrottled},
		{450, "", "MI:SFQ 163 smtp10, sender sent too many mails in 15 minutes", sendpool.ClassThrottled},
		{451, "", "MI:DMC 163 smtp9, too many mails on this connection", sendpool.ClassThrottled},
		{550, "", "Ip frequency limited", sendpool.ClassThrottled},
		{550, "", "Connection frequency limited. http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000722", sendpool.ClassThrottled},
		{454, "", "Throttling failure: Maximum sending rate exceeded.", sendpool.ClassThrottled},
		{454, "", "Throttling failure: Daily message quota exceeded.", sendpool.ClassThrottled},
		{421, "4.7.28", "Gmail has detected an unusual rate of unsolicited mail. To protect our users from spam, mail has been temporarily rate limited.", sendpool.ClassThrottled},
		{421, "4.7.0", "Try again later, closing connection. (EHLO) rate limited", sendpool.ClassThrottled},
		{421, "4.7.0", "Try again later, closing connection. (MAIL) d2e1a72fcca58-7e1b3c2e4d0si1234567pjb.123 - gsmtp", sendpool.ClassThrottled},
		{451, "4.7.0", "Temporary server error. Please try again later.", sendpool.ClassTemporary},
		{451, "4.7.650", "The mail server [1.2.3.4] has been temporarily rate limited due to IP reputation.", sendpool.ClassThrottled},
		{550, "5.4.5", "Daily user sending limit exceeded.", sendpool.ClassThrottled},
		{421, "4.3.2", "Too many concurrent SMTP connections; please try again later", sendpool.ClassThrottled},
		{451, "4.7.1", "Rate limit exceeded, slow down", sendpool.ClassThrottled},
		// Authentication: the run stops.
		{535, "5.7.8", "Authentication failed", sendpool.ClassAuth},
		{535, "", "Error: authentication failed", sendpool.ClassAuth},
		{534, "5.7.9", "Application-specific password required", sendpool.ClassAuth},
		{530, "5.7.0", "Authentication required", sendpool.ClassAuth},
		{538, "5.7.11", "Encryption required for requested authentication mechanism", sendpool.ClassAuth},
		// Not a refusal at all.
		{250, "2.0.0", "OK", sendpool.ClassTemporary},
	} {
		ec, err := sendpool.ParseEnhancedCode(tc.ec)
		if err != nil {
			t.Fatal(err)
		}
		if got := sendpool.ClassifyReply(tc.code, ec, tc.text); got != tc.want {
			t.Errorf("%d %s %q: %v, want %v", tc.code, tc.ec, tc.text, got, tc.want)
		}
	}
}

func TestClassifyError(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want sendpool.Class
	}{
		{"reply", &sendpool.TxError{Stage: sendpool.StageRcpt, Err: &sendpool.SMTPError{Code: 550, EnhancedCode: sendpool.EnhancedCode{5, 1, 1}}}, sendpool.ClassPermanent},
		{"reply lost", &sendpool.TxError{Stage: sendpool.StageReply, Err: fmt.Errorf("%w: %w", sendpool.ErrReplyLost, io.EOF)}, sendpool.ClassAmbiguous},
		{"body write failed", &sendpool.TxError{Stage: sendpool.StageBody, Err: io.ErrUnexpectedEOF}, sendpool.ClassNetwork},
		{"EOF at MAIL", &sendpool.TxError{Stage: sendpool.StageMail, Err: io.EOF}, sendpool.ClassNetwork},
		{"too big", &sendpool.TxError{Stage: sendpool.StagePrepare, Err: fmt.Errorf("%w: 5 bytes", sendpool.ErrTooBig)}, sendpool.ClassPermanent},
		{"smtputf8", &sendpool.TxError{Stage: sendpool.StagePrepare, Err: sendpool.ErrNeedsSMTPUTF8}, sendpool.ClassPermanent},
		{"auth", &sendpool.AuthError{Host: "h:465", Username: "u"}, sendpool.ClassAuth},
		{"tls", &sendpool.TLSError{Host: "h:465", Why: "x"}, sendpool.ClassTLS},
		{"x509", fmt.Errorf("dial: %w", x509.UnknownAuthorityError{}), sendpool.ClassTLS},
	} {
		if got := sendpool.Classify(tc.err); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestErrorMessages(t *testing.T) {
	se := &sendpool.SMTPError{Command: "RCPT", Code: 550, EnhancedCode: sendpool.EnhancedCode{5, 1, 1}, Message: "user\nunknown"}
	if got := se.Error(); got != "sendpool: RCPT: 550 5.1.1 user unknown" {
		t.Errorf("SMTPError: %q", got)
	}
	if se.Temporary() || !(&sendpool.SMTPError{Code: 451}).Temporary() {
		t.Error("Temporary")
	}
	ae := &sendpool.AuthError{Host: "smtp.163.com:465", Username: "me@163.com", Reply: &sendpool.SMTPError{Code: 535, Message: "Error: authentication failed"},
		Hint: "use the authorization code, not the login password"}
	if !errors.Is(ae, sendpool.ErrAuth) || errors.Is(ae, sendpool.ErrTLS) {
		t.Error("AuthError Is")
	}
	if got := ae.Error(); !strings.HasPrefix(got, "sendpool: login to smtp.163.com:465 as \"me@163.com\" failed: server replied 535 Error: authentication failed") {
		t.Errorf("AuthError: %q", got)
	}
	te := &sendpool.TLSError{Host: "h:465", Why: "certificate expired", Err: x509.CertificateInvalidError{}}
	if !errors.Is(te, sendpool.ErrTLS) || !strings.HasPrefix(te.Error(), "sendpool: TLS with h:465: certificate expired") {
		t.Errorf("TLSError: %v", te)
	}
	txe := &sendpool.TxError{Stage: sendpool.StageReply, Err: fmt.Errorf("%w: %w", sendpool.ErrReplyLost, io.EOF)}
	if !txe.Ambiguous() || !strings.HasPrefix(txe.Error(), "sendpool: final reply: connection lost after the message body was sent") {
		t.Errorf("TxError: %v", txe)
	}
}

// TestErrorPrefixOnce: an error of this package carries the package prefix
// once, however its causes nest, and Reason gives the same words without
// it for reports and stop notices.
func TestErrorPrefixOnce(t *testing.T) {
	reply := &sendpool.SMTPError{Command: "EHLO", Code: 554, Message: "go away"}
	insecure := &sendpool.AuthError{Host: "h:25", Username: "u", Err: sendpool.ErrInsecureAuth}
	dial := &sendpool.DialError{Addr: "h:25", Kind: sendpool.DialNoAnswer, Hint: "nothing accepts connections at h:25", Err: io.EOF}
	for _, tc := range []struct {
		err    error
		reason string
	}{
		{reply, "EHLO: 554 go away"},
		{&sendpool.TxError{Stage: sendpool.StageRcpt, Err: reply}, "EHLO: 554 go away"},
		{insecure, `login to h:25 as "u" failed: refusing to send the password over an unencrypted connection to a host that is not loopback (use security: tls or starttls)`},
		{&sendpool.TLSError{Host: "h:465", Why: "refused", Err: reply}, "TLS with h:465: refused: EHLO: 554 go away"},
		{dial, "nothing accepts connections at h:25"},
		{&sendpool.DialError{Addr: "h:25", Err: io.EOF}, "connect h:25: EOF"},
		{&sendpool.StopError{Kind: sendpool.ErrUnreachable, Err: dial}, "server unreachable: nothing accepts connections at h:25"},
		{&sendpool.StopError{Kind: sendpool.ErrUnreachable, Detail: "the server refuses service", Err: reply}, "server unreachable: the server refuses service: EHLO: 554 go away"},
		{&sendpool.StopError{Kind: sendpool.ErrJournal, Detail: "recording row 5", Err: errors.New("journal: disk full")}, "journal failed: recording row 5: journal: disk full"},
	} {
		if got := sendpool.Reason(tc.err); got != tc.reason {
			t.Errorf("Reason(%T) = %q, want %q", tc.err, got, tc.reason)
		}
		if got := tc.err.Error(); got != "sendpool: "+tc.reason || strings.Count(got, "sendpool:") != 1 {
			t.Errorf("%T.Error() = %q, want the prefix once before the reason", tc.err, got)
		}
	}
	if stop := (&sendpool.StopError{Kind: sendpool.ErrUnreachable}); !errors.Is(stop, sendpool.ErrUnreachable) || errors.Is(stop, sendpool.ErrJournal) {
		t.Error("StopError Is")
	}
	if got := sendpool.Reason(io.EOF); got != "EOF" {
		t.Errorf("Reason(io.EOF) = %q", got)
	}
}
