package plan

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/render/dkim"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
)

// keepFor bounds how long a run may take and still send the messages the
// preflight rendered: their Date header should be the time they are sent,
// give or take a few minutes.
const keepFor = 5 * time.Minute

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
	// Describe formats a row problem found while delivering (a file
	// removed since the preflight); nil means its Error.
	Describe func(error) string
}

// Deliver hands the planned rows (at most d.Limit) to a pool: the messages
// the preflight kept, signed now when the campaign signs, or the sheet
// rendered again, streaming, when they did not fit or the run would take
// longer than keepFor. Per-domain limits (send.domains) hold back a
// throttled domain without holding up the others. It returns the pool's
// error, a source's, or the first error of the reporter.
func (pl *Plan) Deliver(ctx context.Context, in *Inputs, d Delivery) error {
	if d.Limit == 0 {
		return nil
	}
	pool, err := sendpool.New(d.Pool)
	if err != nil {
		return err
	}
	if d.Abort != nil {
		stopAbort := context.AfterFunc(d.Abort, pool.Abort)
		defer stopAbort()
	}
	srcCtx, stopSource := context.WithCancel(ctx)
	defer stopSource()
	msgs := make(chan *render.Message, 64)
	srcErr := make(chan error, 1) // the source's error, sent after it closed msgs
	go func() { srcErr <- pl.feed(srcCtx, in, d, msgs) }()
	pl.kept = nil // the source holds what it needs; let the rest go

	src, sched, err := pl.schedule(in.Campaign, d.Pool.Clock, msgs)
	if err != nil {
		return err
	}
	runErr := pl.run(ctx, pool, src, sched, d)
	stopSource()
	for range msgs {
		// Drain so the source goroutine ends; these were never handed in
		// and stay not-attempted in the report.
	}
	if err := <-srcErr; runErr == nil && err != nil {
		runErr = err
	}
	return runErr
}

// feed hands the messages to deliver to msgs, which it closes: the kept
// ones when they may still go, else the sheet rendered again.
func (pl *Plan) feed(ctx context.Context, in *Inputs, d Delivery, msgs chan<- *render.Message) error {
	kept := pl.kept
	if kept != nil && (d.Pool.Rate == 0 || float64(len(kept))/d.Pool.Rate <= keepFor.Seconds()) {
		return sendKept(ctx, kept[:min(d.Limit, len(kept))], in.Signer, msgs, d.Reporter)
	}
	return pl.renderAgain(ctx, in, d, msgs)
}

// schedule puts the per-domain scheduler in front of msgs when the
// campaign has send.domains: it hands the pool whichever message's domain
// may go now, so a throttled domain never holds up the others.
func (pl *Plan) schedule(c *campaign.Campaign, clock sendpool.Clock, msgs <-chan *render.Message) (sendpool.Source, *sendpool.DomainScheduler, error) {
	src := sendpool.ChanSource(msgs)
	if len(c.Send.Domains) == 0 {
		return src, nil, nil
	}
	sched, err := sendpool.NewDomainScheduler(src, c.Send.Domains, clock)
	if err != nil {
		return nil, nil, err
	}
	return sched, sched, nil
}

// run runs the pool over src. Results go to the report on a goroutine of
// their own: rewriting the report files must not hold up the pool's result
// callback.
func (pl *Plan) run(ctx context.Context, pool *sendpool.Pool, src sendpool.Source, sched *sendpool.DomainScheduler, d Delivery) error {
	results := make(chan sendpool.Result, 4096)
	var reportErr error
	reported := make(chan struct{})
	go func() {
		defer close(reported)
		for r := range results {
			if err := d.Reporter.Add(r); err != nil && reportErr == nil {
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
		if len(journal.Owed(r)) > 0 {
			pl.partial++
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

// sendKept hands the preflight's messages to the pool through msgs, which
// it closes, signing them (DKIM) on every core first when signer is set. A
// message the signer refuses is reported invalid and not sent.
func sendKept(ctx context.Context, kept []*render.Message, signer *dkim.Signer, msgs chan<- *render.Message, reporter *report.Reporter) error {
	defer close(msgs)
	if signer == nil {
		for _, m := range kept {
			select {
			case msgs <- m:
			case <-ctx.Done():
				return nil
			}
		}
		return nil
	}
	var (
		next atomic.Int64
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for range Workers() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := signKept(ctx, kept, &next, signer, msgs, reporter); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// signKept signs the kept messages the shared index next hands it and
// passes them on.
func signKept(ctx context.Context, kept []*render.Message, next *atomic.Int64, signer *dkim.Signer, msgs chan<- *render.Message, reporter *report.Reporter) error {
	for i := next.Add(1) - 1; int(i) < len(kept); i = next.Add(1) - 1 {
		m := kept[i]
		data, err := signer.Sign(m.Data)
		if err != nil {
			row := report.Row{Recipient: report.Recipient{Row: m.Row, Key: m.Key, To: m.To}, Status: sendpool.StatusInvalid, Detail: err.Error()}
			if err := reporter.AddRow(row); err != nil {
				return err
			}
			continue
		}
		signed := *m
		signed.Data = data
		select {
		case msgs <- &signed:
		case <-ctx.Done():
			return nil
		}
	}
	return nil
}

// renderAgain renders the sheet a second time, streaming, and hands the
// planned rows' messages (at most d.Limit) to the pool through msgs, which
// it closes. The renderer signs (DKIM) in its workers.
func (pl *Plan) renderAgain(ctx context.Context, in *Inputs, d Delivery, msgs chan<- *render.Message) error {
	defer close(msgs)
	sheet, err := campaign.OpenSheet(ctx, in.Campaign.Recipients)
	if err != nil {
		return err
	}
	defer sheet.Close()
	renderer := in.Renderer
	if in.Signer != nil {
		if renderer, err = render.New(in.Campaign, in.Set, render.Options{Sign: in.Signer.Sign}); err != nil {
			return err
		}
	}
	handed := 0
	errStop := errors.New("limit reached")
	err = renderer.Each(ctx, sheet, Workers(), func(m *render.Message, err error) error {
		row, key := RowOf(m, err)
		if planned, err := pl.stillPlanned(row, key); !planned {
			return err
		}
		if err != nil {
			// The row changed since the preflight (a file removed).
			detail := err.Error()
			if d.Describe != nil {
				detail = d.Describe(err)
			}
			return d.Reporter.AddRow(report.Row{Recipient: report.Recipient{Row: row, Key: key}, Status: sendpool.StatusInvalid, Detail: detail})
		}
		select {
		case msgs <- pl.forOwed(m):
		case <-ctx.Done():
			return ctx.Err()
		}
		if handed++; handed >= d.Limit {
			return errStop
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) && ctx.Err() == nil {
		return err
	}
	return nil
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
