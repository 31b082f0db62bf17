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
		{550, "5.7.1", "[1.2.3.4] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been blocked.", sendpool.ClassPermanent},
		{550, "5.7.1", "Recipient address rejected: Access denied. Too many messages to this recipient", sendpool.ClassPermanent},
		// The server the campaign submits to will not relay for this
		// client: its setup (a login), not the address; the run stops.
		{554, "5.7.1", "<a@elsewhere.example>: Relay access denied", sendpool.ClassAuth},                                // Postfix
		{550, "5.7.1", "<a@elsewhere.example>... Relaying denied. Proper authentication required.", sendpool.ClassAuth}, // Sendmail
		{550, "5.7.54", "SMTP; Unable to relay recipient in non-accepted domain", sendpool.ClassAuth},                   // Exchange
		{550, "", "relay not permitted", sendpool.ClassAuth},                                                            // Exim
		{553, "", "sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)", sendpool.ClassAuth},              // qmail
		{454, "4.7.1", "<a@elsewhere.example>: Relay access denied", sendpool.ClassTemporary},                           // Postfix soft_bounce
		// A refusal that speaks of relaying for one recipient: that
		// recipient's, the run goes on.
		{550, "5.7.1", "<x@partner.example>: Recipient address rejected: relay not permitted for this recipient", sendpool.ClassPermanent},
		{554, "5.7.1", "Relaying not allowed for this recipient's domain", sendpool.ClassPermanent},
		// Temporary.
		{451, "4.3.0", "Temporary lookup failure", sendpool.ClassTemporary},
		{450, "4.2.0", "Mailbox unavailable, greylisted", sendpool.ClassTemporary},
		{421, "4.4.2", "Idle timeout, bye bye", sendpool.ClassTemporary},
		{452, "4.3.1", "Insufficient system storage", sendpool.ClassTemporary},
		{452, "4.5.3", "Too many recipients", sendpool.ClassTemporary},
		{552, "5.5.3", "Too many recipients", sendpool.ClassTemporary},
		{552, "", "Error: too many recipients", sendpool.ClassTemporary},
		{421, "4.7.0", "too many messages on this connection, closing", sendpool.ClassTemporary},
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
		{454, "", "Throttling failure: Daily message quota exceeded.", sendpool.ClassQuota},
		{421, "4.7.28", "Gmail has detected an unusual rate of unsolicited mail. To protect our users from spam, mail has been temporarily rate limited.", sendpool.ClassThrottled},
		{421, "4.7.0", "Try again later, closing connection. (EHLO) rate limited", sendpool.ClassThrottled},
		{421, "4.7.0", "Try again later, closing connection. (MAIL) d2e1a72fcca58-7e1b3c2e4d0si1234567pjb.123 - gsmtp", sendpool.ClassThrottled},
		{451, "4.7.0", "Temporary server error. Please try again later.", sendpool.ClassTemporary},
		{451, "4.7.650", "The mail server [1.2.3.4] has been temporarily rate limited due to IP reputation.", sendpool.ClassThrottled},
		{550, "5.4.5", "Daily user sending limit exceeded.", sendpool.ClassQuota},
		{421, "", "Sending limit reached: 500 messages per day, try again tomorrow", sendpool.ClassQuota},
		{451, "4.7.1", "You have reached your sending limit for today", sendpool.ClassQuota},
		{450, "4.2.1", "The recipient is receiving mail at a rate that exceeds its daily limit", sendpool.ClassTemporary},
		{451, "", "Rate limit exceeded: 30 messages a minute", sendpool.ClassThrottled},
		{450, "", "Hourly sending limit reached", sendpool.ClassThrottled},
		// Quota or not: a day named with a short period, the recipient
		// or only in a link throttles; a stop is the costlier mistake.
		{451, "4.7.1", "Too many messages for this recipient today, try again later", sendpool.ClassTemporary},
		{550, "", "The recipient's mailbox has exceeded its daily incoming message limit", sendpool.ClassPermanent},
		{452, "4.5.3", "Recipient daily limit exceeded", sendpool.ClassThrottled},
		{450, "4.7.1", "Rate limit exceeded: 20 per minute; your daily allowance is 2000", sendpool.ClassThrottled},
		{451, "", "Rate limited; see https://example.com/help/daily-limits", sendpool.ClassThrottled},
		{550, "", "Too many invalid recipients today, slow down", sendpool.ClassThrottled},
		{421, "", "Sending limit reached: 100 messages per hour; 1000 a day", sendpool.ClassThrottled},
		{452, "", "Mailbox storage limit reached", sendpool.ClassTemporary},
		{552, "5.2.2", "<bob@example.org>: user's message quota exceeded", sendpool.ClassPermanent},
		{452, "4.2.2", "Recipient's daily message quota exceeded", sendpool.ClassTemporary},
		{450, "", "Message quota exceeded for this recipient per hour", sendpool.ClassTemporary},
		{550, "", "Domain example.com has exceeded the max emails per hour (100/100 (100%)) allowed.  Message discarded.", sendpool.ClassThrottled},
		{451, "4.7.1", "Account daily quota exceeded", sendpool.ClassQuota},
		{550, "", "You have reached your daily quota", sendpool.ClassQuota},
		{550, "5.7.0", "Your account has exceeded its monthly send quota", sendpool.ClassQuota},
		{421, "", "Monthly limit reached", sendpool.ClassQuota},
		{550, "5.7.232", "Your message can't be sent because your trial tenant has exceeded its daily limit for sending email to external recipients (tenant external recipient rate limit)", sendpool.ClassQuota},
		{554, "5.2.0", "STOREDRV.Submission.Exception:OutboundSpamException; Failed to process message due to a permanent exception with message WASCL UserAction verdict is not None. Actual verdict is RefuseQuota, HipNotify.", sendpool.ClassQuota},
		{550, "5.4.6", "Unusual sending activity detected. Please try after sometime.", sendpool.ClassQuota},
		{554, "5.7.0", "Daily message limit reached for this account", sendpool.ClassQuota},
		{552, "", "Message size limit reached", sendpool.ClassPermanent},
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
	relay := &sendpool.AuthError{Host: "relay.corp.example:587", Username: "news", Reply: &sendpool.SMTPError{Code: 554, EnhancedCode: sendpool.EnhancedCode{5, 7, 1}, Message: "<a@elsewhere.example>: Relay access denied"}}
	if got := relay.Error(); !strings.HasPrefix(got, "sendpool: relay.corp.example:587 refused to relay mail for \"news\": server replied 554 5.7.1") {
		t.Errorf("AuthError of a relay refused after a login: %q", got)
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

// rateEffect is what a reply does to the run's shared sending rate.
type rateEffect bool

const (
	lowersRate rateEffect = true  // the pool halves the rate (ClassThrottled)
	keepsRate  rateEffect = false // the rate stays where it was
)

// providerReply is a real refusal with what tidings does about it.
type providerReply struct {
	code int
	ec   string
	text string
	want sendpool.Class
	rate rateEffect
}

// providerReplies are refusals real servers send, each written from the
// provider's published list or an observed reply named in the comment
// above it. TestClassifyProviderReplies checks the class; the pool test
// TestPoolProviderReplies checks what each does to the rate over a real
// connection.
var providerReplies = []providerReply{
	// Gmail: "Gmail SMTP errors and codes",
	// https://support.google.com/a/answer/3726730 (the same texts with their
	// codes are collected in sisimai's rhost/for-google.go).
	{421, "4.7.28", "[203.0.113.5] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. - gsmtp", sendpool.ClassThrottled, lowersRate},
	{421, "4.7.0", "Try again later, closing connection.", sendpool.ClassThrottled, lowersRate},
	{450, "4.2.1", "The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered. Please resend your message at a later time. - gsmtp", sendpool.ClassTemporary, keepsRate},
	{450, "4.2.1", "Peak SMTP relay limit exceeded for customer. This is a temporary error. - gsmtp", sendpool.ClassThrottled, lowersRate},
	{452, "4.2.2", "The email account that you tried to reach is over quota. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp - gsmtp", sendpool.ClassTemporary, keepsRate},
	{552, "5.2.2", "The recipient's inbox is out of storage space and inactive. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaPerm - gsmtp", sendpool.ClassPermanent, keepsRate},
	{550, "5.1.1", "The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. - gsmtp", sendpool.ClassPermanent, keepsRate},
	{550, "5.2.1", "The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered. - gsmtp", sendpool.ClassPermanent, keepsRate},
	{550, "5.4.5", "Daily sending quota exceeded. - gsmtp", sendpool.ClassQuota, keepsRate},
	{550, "5.4.5", "Daily SMTP relay limit exceeded for user. - gsmtp", sendpool.ClassQuota, keepsRate},
	{550, "5.7.26", "Unauthenticated email from example.org is not accepted due to domain's DMARC policy. Please contact the administrator of example.org domain. - gsmtp", sendpool.ClassPermanent, keepsRate},
	{550, "5.7.1", "Our system has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, this message has been blocked. - gsmtp", sendpool.ClassPermanent, keepsRate},
	{535, "5.7.8", "Username and Password not accepted. - gsmtp", sendpool.ClassAuth, keepsRate},

	// Outlook / Exchange Online: "Email non-delivery reports and SMTP errors
	// in Exchange Online", https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr/non-delivery-reports-in-exchange-online
	// (texts as collected in sisimai's rhost/for-microsoft.go).
	{550, "5.1.10", "RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup", sendpool.ClassPermanent, keepsRate},
	{552, "5.2.2", "Mailbox full", sendpool.ClassPermanent, keepsRate},
	// 5.2.2 is also Exchange Online's code for the sender's own recipient
	// or message rate limit ("Submission quota exceeded"; the page gives
	// no reply code, any 5xx classifies the same): the text names the
	// sender, so it throttles despite the mailbox code. So does 5.1.90.
	{550, "5.2.2", "Submission quota exceeded", sendpool.ClassThrottled, lowersRate},
	{550, "5.1.90", "Your message can't be sent because you've reached your daily limit for message recipients.", sendpool.ClassQuota, keepsRate},
	{432, "4.3.2", "STOREDRV.Deliver; recipient thread limit exceeded", sendpool.ClassTemporary, keepsRate},
	{451, "4.7.500", "Server busy. Please try again later from [203.0.113.5]. (AS761)", sendpool.ClassTemporary, keepsRate},
	{451, "4.7.652", "The mail server [203.0.113.5] has exceeded the maximum number of connections. (S3115)", sendpool.ClassThrottled, lowersRate},
	{550, "5.7.509", "Access denied, sending domain example.org does not pass DMARC verification and has a DMARC policy of reject.", sendpool.ClassPermanent, keepsRate},
	{550, "5.7.708", "Access denied, traffic not accepted from this IP.", sendpool.ClassPermanent, keepsRate},
	{530, "5.7.57", "Client was not authenticated to send anonymous mail during MAIL FROM", sendpool.ClassAuth, keepsRate},

	// Yahoo: "SMTP Error Codes", https://senders.yahooinc.com/smtp-error-codes
	// and https://help.yahoo.com/kb/SLN3436 (texts as collected in sisimai's
	// rhost/for-yahooinc.go).
	{421, "4.7.0", "[TSS04] Messages from 203.0.113.5 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes", sendpool.ClassThrottled, lowersRate},
	{450, "", "User is receiving mail too quickly", sendpool.ClassTemporary, keepsRate},
	{553, "5.7.2", "[TSS09] All messages from 203.0.113.5 will be permanently deferred; Retrying will NOT succeed. See https://postmaster.yahooinc.com/error-codes", sendpool.ClassPermanent, keepsRate},
	{554, "5.7.9", "Message not accepted for policy reasons. See https://postmaster.yahooinc.com/error-codes", sendpool.ClassPermanent, keepsRate},
	{554, "", "delivery error: dd This user doesn't have a yahoo.com account (dave@yahoo.com)", sendpool.ClassPermanent, keepsRate},

	// iCloud: observed replies of iCloud's MX hosts, collected in sisimai's
	// rhost/for-apple.go; they point to Apple's "Postmaster information for
	// iCloud Mail", https://support.apple.com/en-us/102322 (HT204137).
	// "Messages to <recipient> deferred due to excessive volume" speaks of
	// the recipient's volume, not the sender's.
	{421, "4.7.1", "Messages to dave@icloud.com deferred due to excessive volume. Try again later - https://support.apple.com/en-us/HT204137", sendpool.ClassTemporary, keepsRate},
	{552, "5.2.2", "<dave@icloud.com>: user is over quota", sendpool.ClassPermanent, keepsRate},
	{550, "5.1.1", "<dave@icloud.com>: user does not exist", sendpool.ClassPermanent, keepsRate},
	{554, "5.7.1", "Your message was rejected due to example.org's DMARC policy. See https://support.apple.com/en-us/HT204137 for", sendpool.ClassPermanent, keepsRate},

	// NetEase 163/126/yeah.net: the codes of "企业退信的常见问题"
	// (help.mail.163.com), a list reproduced in many repositories; the text
	// after the code has the shape of observed replies ("554 DT:SPM 163
	// smtp8,DMCowACHEMvH1adakFYxKA--.26575S3 1520948680,please see
	// http://mail.163.com/help/help_spam_16.htm?...", quoted in many
	// repositories).
	{421, "", "HL:IFC 163 smtp9,DcCowADXPVEoF_FaG5peAg--.47217S3 1525749544", sendpool.ClassThrottled, lowersRate},
	{451, "", "MI:SFQ 163 smtp9,DcCowADXPVEoF_FaG5peAg--.47217S3 1525749544", sendpool.ClassThrottled, lowersRate},
	{554, "", "MI:STC 163 smtp9,DcCowADXPVEoF_FaG5peAg--.47217S3 1525749544", sendpool.ClassQuota, keepsRate},
	{550, "", "RP:TRC 163 smtp9,DcCowADXPVEoF_FaG5peAg--.47217S3 1525749544", sendpool.ClassQuota, keepsRate},
	{550, "", "Invalid User", sendpool.ClassPermanent, keepsRate},
	{552, "", "Requested mail action aborted: exceeded mailsize limit", sendpool.ClassPermanent, keepsRate},
	{554, "", "DT:SPM 163 smtp8,DMCowACHEMvH1adakFYxKA--.26575S3 1520948680,please see http://mail.163.com/help/help_spam_16.htm?ip=203.0.113.5&hostid=smtp8&time=1520948680", sendpool.ClassPermanent, keepsRate},

	// QQ Mail: https://service.mail.qq.com/detail/122/169 and 172 to 175.
	{550, "", "Ip frequency limited", sendpool.ClassThrottled, lowersRate},
	{550, "", "Domain frequency limited", sendpool.ClassThrottled, lowersRate},
	{550, "", "Sender frequency limited", sendpool.ClassThrottled, lowersRate},
	{550, "", "Connection frequency limited. http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000722", sendpool.ClassThrottled, lowersRate},
	{550, "", "Mailbox not found.", sendpool.ClassPermanent, keepsRate},

	// Postfix: the replies of smtpd(8) (strings of /usr/lib/postfix/sbin/smtpd,
	// Postfix 3.x): anvil(8)'s connection count and rate limits
	// (smtpd_client_connection_count_limit, _rate_limit), message and
	// recipient rate limits (smtpd_client_message_rate_limit,
	// _recipient_rate_limit); the per-transaction recipient limit; a local
	// user unknown; postgrey's greylisting.
	{421, "4.7.0", "mx.example.org Error: too many connections from 127.0.0.1", sendpool.ClassThrottled, lowersRate},
	{450, "4.7.1", "Error: too much mail from 127.0.0.1", sendpool.ClassThrottled, lowersRate},
	{450, "4.7.1", "Error: too many recipients from 127.0.0.1", sendpool.ClassThrottled, lowersRate},
	{452, "4.5.3", "Error: too many recipients", sendpool.ClassTemporary, keepsRate},
	{550, "5.1.1", "<nobody@example.org>: Recipient address rejected: User unknown in local recipient table", sendpool.ClassPermanent, keepsRate},
	// postgrey's reply, https://postgrey.schweikert.ch/ (postgrey(8)).
	{450, "4.2.0", "<dave@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html", sendpool.ClassTemporary, keepsRate},

	// Exim: src/src/daemon.c (smtp_accept_max_per_host, smtp_load_reserve)
	// and src/src/route.c ("Unrouteable address").
	{421, "", "Too many concurrent SMTP connections from this IP address; please try again later.", sendpool.ClassThrottled, lowersRate},
	{421, "", "Too much load; please try again later.", sendpool.ClassTemporary, keepsRate},
	{550, "", "Unrouteable address", sendpool.ClassPermanent, keepsRate},

	// Dovecot LMTP: lmtp's replies (strings of /usr/lib/dovecot/lmtp and
	// lib10_quota_plugin.so, Dovecot 2.3); the 552 quota reply is the one
	// the issue observed, Dovecot answers 452 4.2.2 instead with
	// quota_full_tempfail = yes.
	{552, "5.2.2", "<dave@example.org> Quota exceeded (mailbox for user is full)", sendpool.ClassPermanent, keepsRate},
	{452, "4.2.2", "<dave@example.org> Quota exceeded (mailbox for user is full)", sendpool.ClassTemporary, keepsRate},
	{550, "5.1.1", "<nobody@example.org> User doesn't exist: nobody@example.org", sendpool.ClassPermanent, keepsRate},

	// Amazon SES: "Errors related to the sending quotas for your Amazon SES
	// account", https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas-errors.html,
	// and https://repost.aws/knowledge-center/ses-554-400-message-rejected-error.
	{454, "", "Throttling failure: Maximum sending rate exceeded.", sendpool.ClassThrottled, lowersRate},
	{454, "", "Throttling failure: Daily message quota exceeded.", sendpool.ClassQuota, keepsRate},
	{554, "", "Message rejected: Email address is not verified. The following identities failed the check in region US-EAST-1: me@example.org", sendpool.ClassPermanent, keepsRate},

	// Mailgun: observed replies of smtp.mailgun.org, quoted in
	// github.com/coopdevs/timeoverflow/issues/820 and
	// github.com/Monstarrrr/rebutify/issues/162.
	{421, "", "Domain example.org is not allowed to send: recipient limit exceeded, try again after Sun, 05 Oct 2025 19:22:44 UTC", sendpool.ClassThrottled, lowersRate},
	{421, "", "Domain sandbox123.mailgun.org is not allowed to send: Please activate your Mailgun account. Check your inbox or log in to your control panel to resend the activation email.", sendpool.ClassTemporary, keepsRate},

	// SendGrid: "SMTP Errors and Troubleshooting",
	// https://www.twilio.com/docs/sendgrid/for-developers/sending-email/smtp-errors-and-troubleshooting
	{450, "", "too frequent connects from 198.37.147.135, please try again later.", sendpool.ClassThrottled, lowersRate},
	{451, "", "Authentication failed: Maximum credits exceeded", sendpool.ClassQuota, keepsRate},
	{452, "", "Too many recipients received this hour (throttled)", sendpool.ClassThrottled, lowersRate},
	{421, "", "Message from (203.0.113.5) temporarily deferred", sendpool.ClassTemporary, keepsRate},
	{550, "", "Requested action not taken: mailbox unavailable", sendpool.ClassPermanent, keepsRate},
}

// TestClassifyProviderReplies: each real reply gets its class; only
// ClassThrottled lowers the rate (TestPoolProviderReplies shows it).
func TestClassifyProviderReplies(t *testing.T) {
	for _, tc := range providerReplies {
		ec, err := sendpool.ParseEnhancedCode(tc.ec)
		if err != nil {
			t.Fatal(err)
		}
		got := sendpool.ClassifyReply(tc.code, ec, tc.text)
		if got != tc.want {
			t.Errorf("%d %s %q: %v, want %v", tc.code, tc.ec, tc.text, got, tc.want)
		}
		if (tc.want == sendpool.ClassThrottled) != bool(tc.rate) {
			t.Errorf("%d %s %q: the table says rate %v for %v", tc.code, tc.ec, tc.text, tc.rate, tc.want)
		}
	}
}

// TestClassifyEvidenceOrder pins the order in which ClassifyReply weighs
// its evidence, on replies made up to put two kinds of evidence against
// each other.
func TestClassifyEvidenceOrder(t *testing.T) {
	for _, tc := range []struct {
		name string
		code int
		ec   string
		text string
		want sendpool.Class
	}{
		{"a login code beats a rate text", 535, "5.7.8", "rate limit exceeded", sendpool.ClassAuth},
		{"5.7.8 is a login refusal on any 5xx", 554, "5.7.8", "Error: authentication failed", sendpool.ClassAuth},
		{"a full mailbox beats a rate text", 552, "5.2.2", "rate limit exceeded, too many messages", sendpool.ClassPermanent},
		{"a full mailbox for now beats a rate text", 452, "4.2.2", "slow down", sendpool.ClassTemporary},
		{"an unknown address beats a rate text", 550, "5.1.1", "too many connections", sendpool.ClassPermanent},
		{"the sender's own limit beats a mailbox code", 452, "4.2.2", "Error: too much mail from 192.0.2.1", sendpool.ClassThrottled},
		{"a rate code beats a mailbox text", 421, "4.7.28", "mailbox full", sendpool.ClassThrottled},
		{"a rate text on a policy code", 550, "5.7.1", "this mail has been rate limited", sendpool.ClassThrottled},
		{"a limit of the message size", 552, "5.3.4", "message size limit exceeded", sendpool.ClassPermanent},
		{"a quota without the sender's name", 552, "", "Quota exceeded", sendpool.ClassPermanent},
	} {
		ec, err := sendpool.ParseEnhancedCode(tc.ec)
		if err != nil {
			t.Fatal(err)
		}
		if got := sendpool.ClassifyReply(tc.code, ec, tc.text); got != tc.want {
			t.Errorf("%s: %d %s %q: %v, want %v", tc.name, tc.code, tc.ec, tc.text, got, tc.want)
		}
	}
}

// TestIsPolicyRefusal: 5.7.x refusals are policy ones unless they are a
// login refusal or throttling; a 4.7.x one is temporary, not policy.
func TestIsPolicyRefusal(t *testing.T) {
	for _, tc := range []struct {
		code int
		ec   sendpool.EnhancedCode
		text string
		want bool
	}{
		{550, sendpool.EnhancedCode{5, 7, 509}, "Access denied, sending domain example.org does not pass DMARC verification", true},
		{554, sendpool.EnhancedCode{5, 7, 1}, "<a@elsewhere.example>: Relay access denied", false},
		{535, sendpool.EnhancedCode{5, 7, 8}, "Authentication failed", false},
		{550, sendpool.EnhancedCode{5, 7, 1}, "this mail has been rate limited", false},
		{451, sendpool.EnhancedCode{4, 7, 1}, "Greylisting in action, please come back later", false},
		{550, sendpool.EnhancedCode{5, 1, 1}, "User unknown", false},
		{554, sendpool.EnhancedCode{}, "DT:SPM 163 smtp8", false},
	} {
		if got := sendpool.IsPolicyRefusal(tc.code, tc.ec, tc.text); got != tc.want {
			t.Errorf("%d %s %q: %v, want %v", tc.code, tc.ec, tc.text, got, tc.want)
		}
	}
}
