// Package feedback reads one message that came back to a bulk sender's
// mailbox and says what it is: a bounce, a complaint, an automatic reply,
// or something else. It only parses: no network, no matching to the sent
// messages, no knowledge of campaigns. `tidings bounces` fetches the
// messages and matches a [Report] to its sent messages by Original.MessageID,
// Original.EnvelopeID (the DSN ENVID) or recipient address.
//
// [Parse] recognises, most specific structure first:
//
//  1. Delivery status notifications (RFC 3464, in an RFC 6522
//     multipart/report; report-type=delivery-status; also RFC 6533
//     message/global-delivery-status and message/global-headers): the
//     per-message fields Original-Envelope-Id, Reporting-MTA, Arrival-Date;
//     each recipient block's Final-Recipient, Original-Recipient, Action,
//     Status, Diagnostic-Code, Remote-MTA; the returned message or headers
//     (message/rfc822, text/rfc822-headers) for the original Message-ID,
//     From, To, Subject (the lines of a delivery-status part with no
//     charset that are not UTF-8, or hold an escape, are read in the
//     charset of the report's text part when that reads ASCII as ASCII:
//     a GBK or ISO-2022-JP Diagnostic-Code). Format "dsn". Per recipient: Action failed with
//     5.x.x is a hard bounce, except 5.2.2 (mailbox full) which is soft; 4.x.x
//     or Action delayed is soft; delivered, relayed and expanded are no
//     bounce (Severity none; a DSN with only those is KindOther).
//  2. Feedback reports (RFC 5965 ARF, report-type=feedback-report), as
//     feedback loops send them: Feedback-Type, User-Agent, Version,
//     Original-Mail-From, Original-Rcpt-To, Arrival-Date, Reported-Domain,
//     Source-IP, and the original message or headers. Format "arf". A
//     complaint unless the type is auth-failure (RFC 6591) or not-spam,
//     which are KindOther.
//  3. Message disposition notifications (RFC 8098 read receipts): an
//     automatic reply, Format "mdn".
//  4. Bounces sent as plain text (maybe with the original attached), by
//     Format: "qmail" (qmail-send), "yahoo", "exim" (old Exim, failures and
//     delay warnings), "postfix" (Postfix without DSN, also its delay
//     warning), "exchange" (Exchange/Outlook NDR text), "gmail", "sendmail",
//     "netease" (163.com, 126.com, yeah.net), "qq" (qq.com, foxmail.com),
//     "chinese" (other Chinese-language bounces: 系统退信, 无法送达, ...,
//     GBK or UTF-8) and "japanese" (Digital Arts m-FILTER's notice,
//     以下のメールアドレスへの送信に失敗しました, in ISO-2022-JP). These are recognised by structure, never by one phrase
//     alone: the sender must be a mail system (MAILER-DAEMON or postmaster
//     address or name, an empty Return-Path, X-Failed-Recipients) or the
//     subject a bounce subject, and then the text must hold the wording of
//     one of those systems and name a recipient or quote the original
//     message's header section. A message from a mail system, with a bounce
//     subject, naming a recipient with an SMTP reply code or enhanced status
//     code in no known wording is Format "generic". Recipients, their
//     diagnostics and codes are read from the text before the copy of the
//     original; the original's Message-ID from the attached or quoted
//     header section.
//  5. Automatic replies (vacation, out of office), never counted as
//     bounces: Auto-Submitted: auto-replied (RFC 3834) with no report or
//     bounce structure (Postfix and Exim put it on bounces too, which is why
//     this comes last); X-Autoreply, X-Autorespond; Precedence: auto_reply;
//     subjects such as "Out of Office", "Automatic reply", "Autosvar",
//     "Abwesenheitsnotiz", "自动回复"; other Auto-Submitted values on a
//     message with In-Reply-To or References.
//  6. Anything else is KindOther, with the message's own From, To, Subject,
//     Date, Message-ID, In-Reply-To and References for the caller to judge
//     (an unsubscribe request to the campaign's mailto address, a person's
//     answer).
//
// # Normal forms
//
// Addresses lose their address type ("rfc822;"), display name and angle
// brackets, and their domain is lower-cased; the local part is kept as
// given. Message-IDs have no angle brackets, as render writes them. Header
// text has its RFC 2047 encoded-words decoded in any charset of the WHATWG
// Encoding Standard (golang.org/x/text/encoding/htmlindex); an encoded-word
// in an unknown charset is kept as written (RFC 2047 6.2).
//
// # Errors and limits
//
// A message that cannot be read is an *[UnreadableError] with a Reason: a
// malformed header section, a truncated or boundary-less multipart body, a
// text part in an unknown charset that had to be read, more than 1000 MIME
// parts or 16 levels of nesting, a report or bounce that names no recipient
// and no original message. A message longer than [Options].MaxSize is a
// *[TooLargeError]; Parse never reads past the limit. Bodies that do not
// matter (attachments, images) are skipped unread; the message's own header
// section is read up to 1 MiB (longer is unreadable), text and report parts
// up to 2 MiB each and 8 MiB in all, an embedded header section up to 256
// KiB; every list in a Report is capped at 1000 entries. So memory does not
// grow with the message, Parse never panics, and its work is linear in the
// input.
package feedback
