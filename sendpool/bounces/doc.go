// Package bounces matches what comes back to a campaign's mailbox to the
// messages it sent, and records it: delivery status notifications (RFC
// 3464) and the plain-text bounces sendpool/mailbox/feedback recognises,
// complaint reports (RFC 5965, with the redacted recipients of RFC 6590),
// and mail to the campaign's unsubscribe.mailto address, applied only when
// the receiving server's Authentication-Results (RFC 8601) vouch for its
// From (see vouch.go).
//
// A report is matched by the original Message-ID it quotes, by the
// envelope id (RFC 3461 ENVID, which tidings sets to the Message-ID), and,
// when it names no message tidings made, by the recipient's address
// (Index). Process writes one journal feedback record per matched
// recipient (never twice: records are known by report and recipient), and
// appends hard bounces, complaints and unsubscribe requests to the
// campaign's suppression list; it moves or deletes the processed reports
// only when asked, and only after recording them (after a run stopped
// halfway too: DisposeStopped). A run remembers what it read (Memory, in
// the state folder), and the next skips it: all of it, or, when it moves
// or deletes the reports, what was left in the mailbox as no report. A
// message the server does not give within the bounds of one exchange, or
// cuts the connection on, is passed over on a new session (Reopener), and
// skipped unread once it did so in two runs (PassedOver); so is one it
// says is not there but lists on a new session too (readAgainGone). Nothing here speaks a
// mail protocol: the Mailbox interface is what it needs of one.
package bounces
