// Package sendpool delivers rendered messages (render.Message) and records
// the outcome of each: a rate-limited pool of SMTP or LMTP connections with
// retries, error classification, a result report and a connection probe.
// It also holds the preview file sink and the DKIM signer.
//
// # Delivery
//
// A Pool (New, Pool.Run) keeps at most Config.Concurrency connections open,
// also while replacing one (the old one is closed, and its close confirmed
// by the server, before the replacement is dialed). Connections are reused,
// replaced after Config.PerConnection transactions, after a 421 reply or
// after any network error. All connections share one token bucket
// (golang.org/x/time/rate) driven by an injectable Clock. RSET (RFC 5321
// 4.1.1.5) is sent before reusing a connection whose last transaction did not
// complete; after a completed transaction the server has already reset its
// state (RFC 5321 4.1.1.4), so no round trip is spent on it, and a connection
// the server dropped while idle is detected by the next MAIL and redialed
// without spending a retry.
//
// Outcomes are classified by reply code, RFC 3463 enhanced code and text
// (ClassifyReply): permanent refusals fail the recipient; temporary ones are
// retried with exponential backoff and jitter; replies asking to slow down
// lower the shared rate instead of spending retries; a refused login or a
// TLS failure stops the run (ErrAuth, ErrTLS). A connection lost after the
// message body was sent and before the final reply leaves the outcome
// unknown (StatusUnknown); such messages are never retried automatically.
// Recipients refused at RCPT while others were accepted do not stop the
// message; temporarily refused ones are retried alone.
//
// The transport (Dialer, Conn) is an interface so a pipelined transport can
// replace the one here, which is built on github.com/emersion/go-smtp and
// github.com/emersion/go-sasl.
//
// # Protocols
//
// SMTP (RFC 5321), LMTP (RFC 2033) with per-recipient replies, implicit TLS
// (RFC 8314) and STARTTLS (RFC 3207) with no plaintext fallback, AUTH
// (RFC 4954) with PLAIN (RFC 4616), LOGIN, CRAM-MD5 (RFC 2195) and XOAUTH2,
// SIZE (RFC 1870), 8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531), enhanced status
// codes (RFC 2034, RFC 3463). Certificates are verified unless
// insecure_skip_verify is set; credentials are never sent over an
// unencrypted connection except to a loopback address.
//
// # Pipelining
//
// When the server offers PIPELINING (RFC 2920) the pool uses a pipelined
// exchange (PipelinedConn): with CHUNKING (RFC 3030) a whole transaction,
// MAIL, RCPT and BDAT LAST with the body, is one group; with DATA the next
// transaction's envelope rides behind the previous body, so one connection
// carries about one message per round trip. smtp.transport chooses: auto,
// pipelined or plain.
//
// # Deliverability
//
// Signer signs with DKIM (RFC 6376; rsa-sha256, ed25519-sha256 per RFC
// 8463; relaxed/relaxed) and refuses a header list that leaves out the
// List-Unsubscribe headers of one-click unsubscribe (RFC 2369, RFC 8058),
// which render writes. DomainScheduler applies per receiving domain limits
// without head-of-line blocking; Estimate predicts a run's duration under
// the rate, those limits and the daily cap.
//
// # Reports
//
// Reporter keeps report.csv (gocsv, columns ReportColumns) and report.json
// up to date, rewriting both atomically as results arrive.
package sendpool
