package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/bounces"
	"github.com/tidings/tidings/sendpool/mailbox"
	"github.com/tidings/tidings/sendpool/report"
)

// loadReadMemory is what earlier runs of bounces read of the campaign's
// mailbox (bounces.Memory, in its state folder), for this run to skip
// (one that moves or deletes the reports: what was left in the mailbox as
// no report). A file it cannot read is warned of and the mailbox read
// from its first message; the warning, said once the session has logged
// in, is queued behind its --debug transcript (errLine).
func loadReadMemory(g *globalOptions, c *campaign.Campaign) *bounces.Memory {
	mem, err := bounces.LoadMemory(c.StateDir)
	if err != nil {
		g.errLine(fmt.Sprintf("warning: %v; this run reads every message (recording nothing twice)", err))
	}
	return mem
}

// disposeStopped moves or deletes, when err is a run stopped by its
// mailbox session (a *bounces.StoppedError) asked to, the reports it read
// and recorded: on a new session, bounded by one command's time
// (10 × mailbox.timeout) besides each command's own bounds, since the
// run's --max-time may be up. The error then says how it went; sum
// counts those moved or deleted.
func disposeStopped(ctx context.Context, cfg mailbox.Config, sum *bounces.Summary, err error) {
	stopped, ok := errors.AsType[*bounces.StoppedError](err)
	if !ok || sum == nil || len(stopped.Recorded) == 0 {
		return
	}
	limit := cfg.ExchangeLimit()
	dctx, cancel := context.WithTimeoutCause(ctx, limit, &mailbox.RunLimit{Limit: limit, Setting: "10 × mailbox.timeout, to move or delete what a stopped run read"})
	defer cancel()
	open := func(ctx context.Context) (bounces.Session, error) { return mailbox.Open(ctx, cfg) }
	sum.Processed = bounces.DisposeStopped(dctx, open, stopped)
}

// afterStop ends a run that failed with err: when its mailbox session
// stopped it (a *bounces.StoppedError; sum what it read), it rewrites the
// report with what was recorded (a failure is a warning). An interrupt
// that came meanwhile (Ctrl-C while the reports read were moved or
// deleted on a new session, or while the report was written) ends the run
// as every interrupted command ends, exit 130, after telling err's story,
// which it otherwise returns.
func afterStop(ctx context.Context, g *globalOptions, c *campaign.Campaign, path string, sum *bounces.Summary, err error, dryRun bool) error {
	if _, ok := errors.AsType[*bounces.StoppedError](err); !ok || sum == nil {
		return err
	}
	rewritten := false
	if !dryRun && ctx.Err() == nil {
		// What was read before the stop is recorded: the report shows it.
		rerr := rewriteReport(ctx, g, c, path)
		if rewritten = rerr == nil; rerr != nil && ctx.Err() == nil {
			fmt.Fprintln(g.stderr, "warning:", rerr)
		}
	}
	if ctx.Err() == nil {
		return err
	}
	fmt.Fprintln(g.stderr, "tidings:", err)
	if !dryRun && !rewritten {
		fmt.Fprintf(g.stderr, "tidings: the report was not rewritten (interrupted): tidings report %s rewrites it with what was recorded\n", commandArg(path))
	}
	return context.Cause(ctx)
}

// printMemory says what the run skipped, as read by earlier runs, a cut
// of the listing or of messages' fetch a new session got past (one each
// run: a mailbox that needs repair), and
// whether it could remember what it read (a dry run forgets nothing: the
// run it shows would).
func printMemory(g *globalOptions, c *campaign.Campaign, sum *bounces.Summary, dryRun bool) {
	path := displayPath(filepath.Join(c.StateDir, bounces.ReadFile))
	if sum.Forgot != "" {
		is := "is"
		if dryRun {
			is = "would be"
		}
		fmt.Fprintf(g.stdout, "(what earlier runs read, kept in %s, %s forgotten: %s)\n", path, is, sum.Forgot)
	}
	if sum.ListCut != nil {
		fmt.Fprintf(g.stdout, "(the server closed the connection while the mailbox was listed (%v); a new session listed it (a restart, most likely); should it do so every run, the mailbox may need repair: see README, A damaged message)\n", sum.ListCut)
	}
	if sum.FetchCut != nil {
		fmt.Fprintf(g.stdout, "(the server closed the connection while %s read (%v); a new session read %s (a restart, most likely); should it do so every run, the mailbox may need repair: see README, A damaged message)\n",
			map[bool]string{true: "a message was", false: report.Plural(sum.FetchCuts, "message") + " were"}[sum.FetchCuts == 1], sum.FetchCut, map[bool]string{true: "it", false: "each"}[sum.FetchCuts == 1])
	}
	if sum.Skipped > 0 && !g.quiet { // what a run is meant to do
		fmt.Fprintf(g.stdout, "(%s read by earlier runs %s skipped, as %s remembers; remove it to read them again)\n",
			report.Plural(sum.Skipped, "message"), verbFor(sum.Skipped, "was", "were"), path)
	}
	for _, p := range sum.PassedOver {
		if p.Gone {
			fmt.Fprintf(g.stdout, "  %s: passed over unread: the server says it is not there but lists it, in %d runs (Dovecot says so of a message file it cannot open: its log says why); it is read again once %s is removed\n",
				messageNamed(p.ID, p.Size, p.From, p.Subject), p.Runs, path)
			continue
		}
		if p.Cut {
			fmt.Fprintf(g.stdout, "  %s: passed over unread: the server closed the connection when asked for it, in %d runs; it is read again once %s is removed, or mailbox.timeout is larger\n",
				messageNamed(p.ID, p.Size, p.From, p.Subject), p.Runs, path)
			continue
		}
		fmt.Fprintf(g.stdout, "  %s: passed over unread: the server did not give it within the bounds of one exchange (%s: 10 × mailbox.timeout, and time for its size) in %d runs; it is read again once mailbox.timeout is larger, or %s is removed\n",
			messageNamed(p.ID, p.Size, p.From, p.Subject), p.Bound, p.Runs, path)
	}
	for _, a := range sum.GivenAgain {
		fmt.Fprintln(g.stdout, givenAgainLine(a, path))
	}
	if sum.MemoryErr != nil {
		fmt.Fprintf(g.stderr, "warning: %v; the next run reads this run's messages again (recording nothing twice)\n", sum.MemoryErr)
	}
}

// messageNamed names a message the server did not give in time by what
// is known of it: its id in the mailbox, size, and the From and Subject
// its header gave ("" when it gave none).
// givenAgainLine says that message a was read although bounces.read
// (at path) held its id as one to pass over, for its size is another.
func givenAgainLine(a bounces.GivenAgain, path string) string {
	held := "dropped (the server closed the connection when asked for it"
	switch {
	case a.Gone:
		held = "unopenable (the server said it is not there but listed it"
	case !a.Cut:
		held = "overran (the server did not give it within bounds"
	}
	differs := fmt.Sprintf("it is %s now, that one %s", report.Plural(int(a.Size), "byte"), report.Plural(int(a.Was), "byte"))
	if a.Header {
		differs = "its header is another's now (its size not known, as that one's)"
	}
	return fmt.Sprintf("(message %s: %s held it as %s, in %d runs), but %s: the server gave its unique-id to another message (a backup restored?), which this run read)",
		a.ID, path, held, a.Runs, differs)
}

func messageNamed(id string, size int64, from, subject string) string {
	s := fmt.Sprintf("message %s (%s", id, report.Plural(int(size), "byte"))
	if size < 0 {
		s = fmt.Sprintf("message %s (size not known", id) // its size FETCH cut the connection
	}
	if from != "" {
		s += fmt.Sprintf(", from %q", from)
	}
	if subject != "" {
		s += fmt.Sprintf(", subject %q", truncateText(subject, 60))
	}
	return s + ")"
}
