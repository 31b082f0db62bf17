// Package pop3 is a POP3 client: it reads, lists and deletes the messages of
// one remote maildrop, as the bounce reader does with the mailbox that
// receives a campaign's delivery reports.
//
// It implements RFC 1939 (POP3: USER/PASS, STAT, LIST, UIDL, RETR, DELE,
// RSET, NOOP, QUIT), RFC 2449 (CAPA and extended response codes such as
// [AUTH] and [IN-USE]), RFC 2595 (STLS, POP3 over TLS) with RFC 8314's
// implicit TLS, and RFC 5034 (AUTH PLAIN, used when the server offers SASL
// PLAIN). No POP3 library is available to this project, and RFC 1939 is small
// enough to write by hand on net/textproto (commands) and bufio (replies read
// with bounded lines, so a hostile or broken server cannot make the client
// buffer without limit).
//
// Security follows the rest of tidings: TLS is verified by default, STLS
// that was asked for is never skipped (ErrNoSTLS), the password is sent in
// clear only to a loopback peer (ErrInsecureAuth), and neither errors nor
// the Debug transcript ever contain it.
//
// A Client is one POP3 session, used by one goroutine at a time. Messages
// marked with Dele are removed only when Quit succeeds (the UPDATE state);
// Close, a cancelled context or a broken connection leave them in place.
package pop3
