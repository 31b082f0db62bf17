// Package sendpool delivers rendered messages (render.Message) and decides
// what each outcome means: a rate-limited pool of connections with retries,
// throttling, per-domain limits and an estimate of a run's length. It owns
// the vocabulary its sub-packages speak: Result and Status, the transport
// interfaces (Dialer, Conn, PipelinedConn, Journal), the errors and their
// classification.
//
// The sub-packages hold the rest of a send: smtpclient (the SMTP and LMTP
// client behind Dialer), journal (the crash-safe record of attempts and
// results), report (report.csv and report.json), preview (.eml files and
// the gallery), plan (the send policy: preflight, row fates, delivery),
// mailbox (the mailbox side: bounces, complaints), pooltest and smtptest
// (test support). Imports flow one way: the sub-packages import sendpool,
// never the other way round, and sendpool knows no wire protocol, file
// format or signature.
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
// without spending a retry. On a PipelinedConn (RFC 2920) the pool keeps up
// to its window of transactions in flight and handles their outcomes in the
// order they were begun.
//
// Outcomes are classified by reply code, RFC 3463 enhanced code and text
// (ClassifyReply): permanent refusals fail the recipient; temporary ones are
// retried with exponential backoff and jitter; replies asking to slow down
// lower the shared rate instead of spending retries; a refused login or a
// TLS failure stops the run (ErrAuth, ErrTLS). A connection lost after the
// message body was sent and before the final reply leaves the outcome
// unknown (StatusUnknown); such messages are never retried automatically.
// Recipients refused at RCPT while others were accepted do not stop the
// message; temporarily refused ones are retried alone. Every attempt is
// recorded through the Journal before its body is handed to the server.
//
// DomainScheduler applies per receiving domain limits without head-of-line
// blocking; Estimate predicts a run's duration under the rate, those limits
// and the daily cap.
//
// # Errors
//
// The error types (SMTPError, TxError, AuthError, TLSError, DialError,
// StopError) carry the package prefix once in Error; Reason gives the same
// words without it, for a report's detail or a stop notice.
package sendpool
