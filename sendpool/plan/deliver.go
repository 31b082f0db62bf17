package plan

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/spool"
)

// Delivery says how to deliver a plan.
type Delivery struct {
	// Pool configures the pool (its Dialer, Journal and Notify set).
	Pool sendpool.Config
	// Limit is how many of the planned rows to send (at most).
	Limit int
	// Reporter receives every result.
	Reporter *report.Reporter
	// Abort, when cancelled (a second Ctrl-C), cuts in-flight messages
	// off; nil means never.
	Abort context.Context
	// OnResult, when set, sees every final result after the reporter (for
	// progress), from one goroutine.
	OnResult func(sendpool.Result)
	// Copies, when set, keeps a copy of each delivered message in the
	// mailbox's Sent folder, on the side: a copy that fails never stops
	// delivery (Plan.Copies says what was copied).
	Copies *SentCopies
	// MaxBounceRate stops the run when more than this share (0 to 1) of
	// the campaign's recipients tried so far, counted from the journal on,
	// were refused for good, once at least 200 were tried; 0 is off.
	MaxBounceRate float64
	// DomainTurns, when set, carries the send.domains limits' turns from
	// the delivery before (a part of a long send before this one) and on
	// to the next.
	DomainTurns *sendpool.DomainTurns
}

// Deliver hands the planned rows (at most d.Limit) to a pool, read from
// the plan's spool generation in sheet order: nothing is rendered again.
// Per-domain limits (send.domains) hold back a throttled domain without
// holding up the others. The generation is marked used before the first
// message goes. It returns the pool's error, the spool's, or the first
// error of the reporter.
func (pl *Plan) Deliver(ctx context.Context, in *Inputs, d Delivery) error {
	if d.Limit == 0 {
		return pl.catchUpCopies(ctx, d.Abort, in.Campaign.StateDir, d.Copies)
	}
	guard, err := newBounceGuard(d.MaxBounceRate, pl.decider.state, in.Suppress, pl.inSheet, pl.decider.policy)
	if err != nil {
		return err
	}
	if err := guard.check(); err != nil {
		return err // the list was over the rate before this run
	}
	if err := pl.Spool.MarkUsed(); err != nil {
		return err
	}
	refetch := &refetcher{g: pl.Spool, sent: &sentFinder{store: spool.OpenStore(in.Campaign.StateDir)}}
	defer refetch.close()
	cfg := d.Pool
	cfg.Refetch = refetch.fetch
	pool, err := sendpool.New(cfg)
	if err != nil {
		return err
	}
	if d.Abort != nil {
		stopAbort := context.AfterFunc(d.Abort, pool.Abort)
		defer stopAbort()
	}
	msgs := newFeedQueue()
	src, sched, err := pl.schedule(in.Campaign, d.Pool.Clock, msgs, d.DomainTurns)
	if err != nil {
		return err
	}
	copies, err := pl.startCopies(ctx, d.Abort, in.Campaign.StateDir, d.Copies)
	if err != nil {
		return err
	}
	srcCtx, stopSource := context.WithCancel(ctx)
	defer stopSource()
	srcErr := make(chan error, 1) // the source's error, sent after it closed msgs
	go func() { srcErr <- pl.feed(srcCtx, in.Campaign.StateDir, d.Limit, msgs) }()
	runErr := pl.run(ctx, pool, src, sched, guard, copies, d)
	pl.guardNote = guard.afterStop()
	pl.copies = copies.finish()
	stopSource()
	// Drain so the source goroutine ends; these were never handed in and
	// stay not-attempted in the report.
	msgs.drain()
	if err := <-srcErr; runErr == nil && err != nil {
		runErr = err
	}
	return runErr
}

// catchUpCopies makes the Sent-folder copies earlier runs owe, in a run
// that sends nothing.
func (pl *Plan) catchUpCopies(ctx, abort context.Context, stateDir string, cfg *SentCopies) error {
	copies, err := pl.startCopies(ctx, abort, stateDir, cfg)
	if err != nil {
		return err
	}
	pl.copies = copies.finish()
	return nil
}

// feed hands the planned messages, at most limit, from the spool to msgs,
// which it closes. A send to recipients a message still owes goes from
// the spool of the campaign's state folder stateDir (forOwed).
func (pl *Plan) feed(ctx context.Context, stateDir string, limit int, msgs *feedQueue) error {
	defer msgs.close()
	rd, err := pl.Spool.Open()
	if err != nil {
		return err
	}
	defer rd.Close()
	sent := &sentFinder{store: spool.OpenStore(stateDir)}
	defer sent.close()
	handed := 0
	errDone := errors.New("limit reached")
	err = rd.ScanMessages(ctx, pl.send.nth(1), func(m spool.Message) error {
		if !pl.send.has(m.Row) {
			return nil
		}
		m.Digest = m.Hash
		msg, err := pl.forOwed(ctx, m, sent)
		if err != nil {
			return err
		}
		if err := msgs.put(ctx, msg); err != nil {
			return err
		}
		if handed++; handed >= limit {
			return errDone
		}
		return nil
	})
	if errors.Is(err, errDone) || ctx.Err() != nil {
		return nil
	}
	if err == nil && handed < min(limit, pl.ToSend) {
		// Never so (the preflight renders again rather than send from a
		// generation without a row's message: spool.Row.Unspooled); were
		// it, the rows would be left out unsaid.
		return fmt.Errorf("plan: spool generation %d holds messages for %d of the %d rows to send; send again to render them afresh", pl.Spool.Number(), handed, min(limit, pl.ToSend))
	}
	return err
}

// schedule puts the per-domain scheduler in front of msgs when the
// campaign has send.domains: it hands the pool whichever message's domain
// may go now, so a throttled domain never holds up the others; turns
// carries the domains' turns over from the delivery before and on (nil:
// none).
func (pl *Plan) schedule(c *campaign.Campaign, clock sendpool.Clock, src sendpool.Source, turns *sendpool.DomainTurns) (sendpool.Source, *sendpool.DomainScheduler, error) {
	if len(c.Send.Domains) == 0 {
		return src, nil, nil
	}
	sched, err := sendpool.NewDomainScheduler(src, c.Send.Domains, clock)
	if err != nil {
		return nil, nil, err
	}
	sched.SetTurns(turns)
	return sched, sched, nil
}

// run runs the pool over src. Results go to the report on a goroutine of
// their own: rewriting the report files must not hold up the pool's result
// callback.
func (pl *Plan) run(ctx context.Context, pool *sendpool.Pool, src sendpool.Source, sched *sendpool.DomainScheduler, guard *bounceGuard, copies *copier, d Delivery) error {
	results := make(chan sendpool.Result, 4096)
	var reportErr error
	reported := make(chan struct{})
	go func() {
		defer close(reported)
		for r := range results {
			line, keep, err := pl.lineOf(r)
			if err == nil && !keep {
				if err = d.Reporter.AddRow(line); err != nil {
					err = &ReportError{Err: err}
				}
			}
			if err != nil && reportErr == nil {
				reportErr = err
			}
			if d.OnResult != nil {
				d.OnResult(r)
			}
		}
	}()
	runErr := pool.Run(ctx, src, func(r sendpool.Result) {
		if sched != nil {
			r.Wait = sched.TakeWait(r.Row)
		}
		if err := guard.add(r); err != nil {
			pool.Stop(err)
		}
		if line := pl.refusedFor(r); line != "" {
			pl.refused++
			if len(pl.refusedLines) < maxRefusedLines {
				pl.refusedLines = append(pl.refusedLines, line)
			}
		}
		if o := pl.owed[r.Row]; o == nil { // an owed send's: the first delivery's copy stands for it
			copies.add(r)
		} else if o.rendered && (r.Status == sendpool.StatusSent || r.Status == sendpool.StatusUnknown) {
			pl.owedRendered++
		}
		results <- r
	})
	close(results)
	<-reported
	if runErr == nil {
		runErr = reportErr
	}
	return runErr
}

// ReportError is what Deliver returns when the run went to its end but
// a result could not be added to the Reporter (Err: a rewrite of the
// report's files while the run went, or its log, on a full disk). The
// Reporter's last Flush says whether the report is written after all: a
// log that failed fails every Flush after it.
type ReportError struct{ Err error }

func (e *ReportError) Error() string { return e.Err.Error() }

func (e *ReportError) Unwrap() error { return e.Err }

// refusedFor names, for a message the server took for some recipients
// (in this run, or in an earlier one when r is the send to those it still
// owed), those it refused for good: "row 4: b@x.org (550 5.1.1 no such
// user)"; "" when there are none or the message reached nobody.
func (pl *Plan) refusedFor(r sendpool.Result) string {
	if r.Status != sendpool.StatusSent && pl.owed[r.Row] == nil {
		return ""
	}
	var refused []string
	for _, rr := range r.Recipients {
		if rr.Status == sendpool.StatusFailed {
			refused = append(refused, rr.Refusal())
		}
	}
	if len(refused) == 0 {
		return ""
	}
	return fmt.Sprintf("row %d: %s", r.Row, strings.Join(refused, ", "))
}

// lineOf is the report line of r: as the pool gives it, with the
// attempts of earlier runs; for a send to the recipients a message still
// owed, the line of the whole message (owedLine); marked Owing when a
// later send has recipients to deliver it to. A message made anew for a
// row whose message went out before (a run sends a sent key nothing else
// but to recipients it owes) that the server deferred says so
// (report.DeferredAnewNote), as report says it. keep: r is a message
// made anew for a row whose message went out before (--resend-changed)
// that the run cut off before its body went (stopped, interrupted): the
// row keeps the line Seed gave it, of the message that went, with its
// Message-ID, as report gives it, not a line saying nothing went.
func (pl *Plan) lineOf(r sendpool.Result) (line report.Row, keep bool, err error) {
	b, _ := pl.decider.state.Brief(r.Key)
	r.Attempts += b.Attempts // as the report counts them (journal.Entry.Attempts); the pool counts this run's
	switch {
	case pl.owed[r.Row] != nil:
		line, err = pl.owedLine(r)
	case r.Status == sendpool.StatusNotAttempted && b.Delivery == sendpool.StatusSent:
		pl.revisedCut++
		return report.Row{}, true, nil
	case r.Status == sendpool.StatusNotAttempted && (b.Delivery == sendpool.StatusUnknown || b.Delivery == sendpool.StatusDeferred):
		// Sent again under --resend-unknown (or, left deferred, by any
		// run), and cut off before its body went: the row stays as an
		// earlier run left it, as the journal keeps it (no plain send
		// tries it but a deferred one), with the reply. A failed one
		// --retry-failed sends is not attempted in this run, as the
		// pool says (triedBefore).
		line, err = pl.asBefore(r)
	case r.Status == sendpool.StatusDeferred && b.Delivery == sendpool.StatusSent:
		line = report.FromResult(r)
		line.Detail += report.DeferredAnewNote
	default:
		line = report.FromResult(r)
	}
	line.Owing = pl.owes(r)
	return line, false, err
}

// asBefore is the report line of r's row as the journal had it before
// this run (triedBefore), or r's own when it has none.
func (pl *Plan) asBefore(r sendpool.Result) (report.Row, error) {
	e, err := pl.decider.state.Entry(r.Key)
	if err != nil {
		return report.Row{}, err
	}
	if l, ok := triedBefore(e, nil); ok {
		l.Row = r.Row
		return l, nil
	}
	return report.FromResult(r), nil
}

// owes says whether r leaves a message delivered to some recipients (in
// this run or an earlier one) while the server deferred others, which a
// later send delivers to: journal.Entry.OwesIn once the journal has r (an
// outcome not known leaves none owed that a plain send goes to).
func (pl *Plan) owes(r sendpool.Result) bool {
	o := pl.owed[r.Row]
	switch {
	case r.Status == sendpool.StatusUnknown:
		return false
	case o != nil && (r.Status == sendpool.StatusDeferred || r.Status == sendpool.StatusNotAttempted):
		// Nobody took it this time: those not refused for good are
		// still owed it.
		return len(journal.Owed(r)) > 0 || len(o.envelope) > len(journal.Refused(r))
	}
	return len(journal.Owed(r)) > 0
}

// RowOf returns the sheet row and key of a row problem: render.Each hands
// over the partial message (Row, Key) with a row's error.
func RowOf(m *render.Message, err error) (row int, key string) {
	if m != nil {
		return m.Row, m.Key
	}
	var re *campaign.RowError
	if errors.As(err, &re) {
		return re.Row, ""
	}
	return 0, ""
}
