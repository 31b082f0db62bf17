// Package plan is the send policy of tidings: what happens to every row
// of a campaign's sheet between loading the campaign and the pool's last
// result. It opens a campaign's inputs (Open), decides each row's fate the
// one way check, preview and send share (Decider: a duplicate key, a
// suppressed address, what the journal says of earlier runs), renders and
// checks every row before anything is sent (Preflight), applies the run's
// limit and the daily cap (Allow), records the decisions (Seed) and
// delivers the planned rows over a sendpool.Pool (Deliver), reading the
// sheet again only as the pool asks for more.
//
// The pool, its transport (the Dialer in Delivery.Pool) and the report are
// given by the caller; the command line (flags, prompts, printing) stays in
// cmd/tidings.
package plan
