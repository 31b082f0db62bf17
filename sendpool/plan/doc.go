// Package plan is the send policy of tidings: what happens to every row
// of a campaign's sheet between loading the campaign and the pool's last
// result. It opens a campaign's inputs (Open), decides each row's fate the
// one way check, preview and send share (Decider: a duplicate key, a
// suppressed address, what the journal says of earlier runs), renders and
// checks every row before anything is sent (Preflight), applies the run's
// limit and the daily cap (Allow), records the decisions (Seed) and
// delivers the planned rows over a sendpool.Pool (Deliver) from the spool
// the preflight wrote (package sendpool/spool), rendering nothing again. On
// the side of delivery it stops a run whose recipients are refused too
// often (the bounce-rate guard) and keeps a copy of each delivered message
// in the mailbox's Sent folder (SentCopies, through the Copier interface).
// A test send renders chosen rows as test messages (TestMessages) and
// delivers them (DeliverTest).
//
// The pool, its transport (the Dialer in Delivery.Pool) and the report are
// given by the caller; the command line (flags, prompts, printing) stays in
// cmd/tidings.
package plan
