// Package mailbox is tidings' access to the campaign's mailbox (the
// campaign file's mailbox: section): listing, fetching, deleting and moving
// the messages that came back (`tidings bounces`), and keeping a copy of
// each delivered message in the Sent folder.
//
// Open gives a Mailbox over IMAP4rev1 (RFC 3501, through
// github.com/emersion/go-imap v1) or POP3 (RFC 1939, through package pop3).
// Over IMAP it reads one folder by UID; moves with MOVE (RFC 6851) where the
// server offers it, else with COPY and a delete; deletes with UID EXPUNGE
// (UIDPLUS, RFC 4315), so that only the messages it names are expunged and
// never others marked \Deleted by another client: without UIDPLUS it refuses
// (ErrNoUIDPlus) rather than send a plain EXPUNGE. It reads with BODY.PEEK,
// so \Seen is not set; nothing else in the mailbox is touched. After login it
// sends ID (RFC 2971) when offered: NetEase (163.com, 126.com) refuses SELECT
// from a client that does not say who it is.
//
// OpenSent gives a Sent (IMAP only), which APPENDs delivered messages byte
// for byte, flagged \Seen, and, when the reply to an APPEND was lost, looks
// for the message's Message-ID in the folder before appending it again.
//
// No server can keep a call waiting without bound: each wait is bounded by
// Config.Timeout, each exchange as a whole (a SEARCH, the FETCH of one
// message) by Config.CommandTimeout and by a number of responses and bytes
// that grow with what was asked for, and the whole session by the caller's
// context (RunLimit names it); a call stopped so is a *LimitError naming
// the server, the command and the bound.
//
// Security follows the rest of tidings: TLS (RFC 8314 implicit TLS, or
// STARTTLS per RFC 2595 with no fallback to clear text) is verified against
// the system roots plus mailbox.ca_file; the password is sent in clear only
// to a loopback address (ErrInsecureAuth); no error and no Debug transcript
// line holds it (LOGIN arguments are redacted, message bodies shown by size).
package mailbox
