// Package smtpclient is tidings' SMTP and LMTP client: the
// sendpool.Dialer and sendpool.Conn the pool delivers through. It dials,
// secures the connection, logs in and runs mail transactions, plain or
// pipelined, and can probe a server for the user (Probe). It decides
// nothing about retries or rates: it reports what the server said in
// sendpool's vocabulary (*sendpool.SMTPError, *sendpool.TxError,
// *sendpool.AuthError, *sendpool.TLSError, *sendpool.DialError), and the
// pool classifies.
//
// # Protocols
//
// SMTP (RFC 5321), LMTP (RFC 2033) with per-recipient replies, implicit TLS
// (RFC 8314) and STARTTLS (RFC 3207) with no plaintext fallback, AUTH
// (RFC 4954) with PLAIN (RFC 4616), LOGIN, CRAM-MD5 (RFC 2195) and XOAUTH2,
// SIZE (RFC 1870), 8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531), enhanced status
// codes (RFC 2034, RFC 3463). Certificates are verified unless
// insecure_skip_verify is set; credentials are never sent over an
// unencrypted connection except to a loopback address. Setting up a
// session (greeting, EHLO, STARTTLS, AUTH) and the plain exchange use
// github.com/emersion/go-smtp and github.com/emersion/go-sasl.
//
// # Pipelining
//
// When the server offers PIPELINING (RFC 2920) Dial returns a
// sendpool.PipelinedConn: with CHUNKING (RFC 3030) a whole transaction,
// MAIL, RCPT and BDAT LAST with the body, is one group; with DATA the next
// transaction's envelope rides behind the previous body, so one connection
// carries about one message per round trip. smtp.transport chooses: auto,
// pipelined or plain. go-smtp's client waits for every reply, so the
// pipelined exchange is written here on net/textproto (see pipeline.go).
//
// # Transcripts
//
// With Config.Debug set, every connection's exchange is written there,
// prefixed "[cN]", with AUTH exchanges and the password (and its base64
// forms) redacted and message bodies reduced to their size.
package smtpclient
