package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
)

// sendOptions are the flags of `tidings send`.
type sendOptions struct {
	yes           bool
	skipInvalid   bool
	retryFailed   bool
	resendUnknown bool
	debug         bool
	limit         int
	rate          string
	concurrency   int
	// now is the clock for the daily cap; nil means time.Now.
	now func() time.Time
	// keepBudget overrides the bytes of preflight messages kept for
	// delivery (tests); 0 means keepBudget, negative keeps none.
	keepBudget int
}

func newSendCommand(g *globalOptions) *cobra.Command {
	var opts sendOptions
	cmd := &cobra.Command{
		Use:   "send CAMPAIGN.yaml",
		Short: "Deliver the campaign: check every row, then send over a rate-limited SMTP pool",
		Long: `send checks every row as check does and refuses to start while any row has a
problem (--skip-invalid sends the rest). It then delivers each message over a
pool of SMTP connections at the configured rate, retrying temporary failures,
and writes report.csv and report.json into the state folder as it goes.

Every attempt is journaled before the message body is handed to the server, so
running send again resumes: recipients already sent are skipped, permanent
failures are skipped unless --retry-failed, and recipients whose outcome is
unknown (the connection dropped after the body was sent) are listed and not
re-sent unless --resend-unknown.

Ctrl-C stops dispatching and lets messages in flight finish; a second Ctrl-C
aborts at once. Exit code: 0 all sent, 1 some not sent, 2 unusable input or a
run stopped by a login or certificate failure, 130 interrupted.`,
		Args: oneArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSend(cmd.Context(), opts, g, args[0])
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&opts.yes, "yes", "y", false, "do not ask for confirmation (needed when not on a terminal)")
	f.BoolVar(&opts.skipInvalid, "skip-invalid", false, "send the valid rows even when some rows have problems")
	f.BoolVar(&opts.retryFailed, "retry-failed", false, "try again recipients that failed permanently in an earlier run")
	f.BoolVar(&opts.resendUnknown, "resend-unknown", false, "send again to recipients whose earlier delivery is unknown (they may get two copies)")
	f.BoolVar(&opts.debug, "debug", false, "print the SMTP transcript on stderr (logins redacted)")
	f.IntVarP(&opts.limit, "limit", "n", 0, "send at most N messages in this run (0: all)")
	f.StringVar(&opts.rate, "rate", "", "override send.rate, e.g. 10/s, 600/m")
	f.IntVar(&opts.concurrency, "concurrency", 0, "override send.concurrency (connections)")
	return cmd
}

// errSomeNotSent says the run ended with recipients that were not sent
// (failed, unknown, invalid, not attempted); exit code 1.
var errSomeNotSent = errors.New("some recipients were not sent; see the report")

// isStopError reports whether err stopped a run for a reason the user must
// fix before sending again (login, TLS, journal, unreachable server).
func isStopError(err error) bool {
	for _, target := range []error{sendpool.ErrAuth, sendpool.ErrTLS, sendpool.ErrInsecureAuth, sendpool.ErrUnreachable, sendpool.ErrServerLacks, sendpool.ErrJournal, journal.ErrLocked} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// plan is what the preflight decided for every row.
type plan struct {
	rows    int
	send    rowSet // rows to hand to the pool
	nSend   int
	lines   []sendpool.ReportRow // every row's report line as the preflight decided it (to send: not-attempted until the pool says)
	invalid []error
	unknown []sendpool.ReportRow // earlier deliveries of unknown outcome
	// kept holds the preflight's messages for the rows to send, in sheet
	// order, while they fit in keepBudget; deliver then sends them instead
	// of rendering every row a second time. nil when they did not fit.
	kept      []*render.Message
	keptBytes int
	// planned lists the rows to send with their keys' hashes, in sheet
	// order (see stillPlanned); seed keys the hashes.
	planned []plannedRow
	seed    maphash.Seed
	// owed maps a row to the only envelope recipients to send it to: an
	// earlier run delivered it to the others (journal.Decision.Owed).
	owed map[int][]string
	// utf8Rows lists the rows to send whose message needs SMTPUTF8.
	utf8Rows []int
	// partial counts this run's messages that reached some recipients
	// while others are still owed them (deferred by the server).
	partial int
}

// utf8Within lists the rows needing SMTPUTF8 among the first n rows to
// send: those this run hands over (--limit, daily_cap).
func (pl *plan) utf8Within(n int) []int {
	if n <= 0 || n >= len(pl.planned) {
		return pl.utf8Rows
	}
	last := pl.planned[n-1].row
	i, _ := slices.BinarySearch(pl.utf8Rows, last+1)
	return pl.utf8Rows[:i]
}

// plannedRow is a row the preflight decided to send, with its key's hash.
type plannedRow struct {
	row int
	key uint64
}

// keyHash identifies a recipient key (normalized) within this process.
func (pl *plan) keyHash(key string) uint64 {
	return maphash.String(pl.seed, journal.NormalizeKey(key))
}

// stillPlanned tells whether row, read again from the sheet with key, is
// the row the preflight planned to send: errSheetChanged when the sheet
// has changed since (rows inserted, removed or moved), so that deliver
// does not send a row the preflight did not check, or to the wrong person.
func (pl *plan) stillPlanned(row int, key string) (bool, error) {
	if !pl.send.has(row) {
		return false, nil
	}
	if key == "" {
		return true, nil // a row problem without a key: reported, not sent
	}
	i, ok := slices.BinarySearchFunc(pl.planned, row, func(p plannedRow, row int) int { return p.row - row })
	if !ok || pl.planned[i].key != pl.keyHash(key) {
		return false, fmt.Errorf("%w: row %d's key is now %q", errSheetChanged, row, key)
	}
	return true, nil
}

// errSheetChanged stops a delivery that reads the sheet again and finds it
// changed since the preflight.
var errSheetChanged = errors.New("the recipient sheet changed after the check that precedes sending; nothing more is sent: run send again to check it anew")

// owedInRow returns the recipients of owed that recipients (the row's
// envelope now) still names, compared as addresses are (case aside).
func owedInRow(owed, recipients []string) []string {
	var out []string
	for _, o := range owed {
		if slices.ContainsFunc(recipients, func(r string) bool { return strings.EqualFold(r, o) }) {
			out = append(out, o)
		}
	}
	return out
}

// forOwed returns m with its envelope cut down to the recipients still
// owed it, when an earlier run delivered it to the others.
func (pl *plan) forOwed(m *render.Message) *render.Message {
	o, ok := pl.owed[m.Row]
	if !ok {
		return m
	}
	c := *m
	c.Recipients = o
	return &c
}

// keepBudget bounds the bytes of rendered messages the preflight keeps for
// delivery; a larger campaign is rendered again, streaming, as it is sent.
const keepBudget = 256 << 20

// keepFor bounds how long a run may take and still send the messages the
// preflight rendered: their Date header should be the time they are sent,
// give or take a few minutes.
const keepFor = 5 * time.Minute

// rowSet is a set of sheet row numbers, a bit per row so a million rows
// take 125 KB.
type rowSet []uint64

func (s *rowSet) add(row int) {
	for len(*s) <= row/64 {
		*s = append(*s, 0)
	}
	(*s)[row/64] |= 1 << (row % 64)
}

func (s rowSet) has(row int) bool {
	return row/64 < len(s) && s[row/64]&(1<<(row%64)) != 0
}

// runSend delivers the campaign at path. See the command's help for the
// contract.
func runSend(ctx context.Context, opts sendOptions, g *globalOptions, path string) error {
	if opts.now == nil {
		opts.now = time.Now
	}
	if opts.limit < 0 {
		return &unusableError{fmt.Errorf("--limit: %d must not be negative (0 sends all)", opts.limit)}
	}
	p, err := prepare(ctx, path)
	if err != nil {
		return err
	}
	defer p.Close()
	c := p.c
	if c.SMTP.Host == "" {
		return &unusableError{fmt.Errorf("%s: smtp.host: required to send", displayPath(c.File))}
	}
	cfg, err := poolConfig(c, opts, g)
	if err != nil {
		return err
	}
	for _, w := range cfg.SMTP.Warnings() {
		fmt.Fprintln(g.stderr, "warning:", w)
	}
	supp, signer := p.supp, p.signer
	if err := os.MkdirAll(c.StateDir, 0o700); err != nil {
		return &unusableError{fmt.Errorf("state folder: %w", err)}
	}
	lock, err := journal.AcquireLock(c.StateDir)
	if err != nil {
		return err
	}
	defer lock.Release()
	state, err := journal.Load(ctx, c.StateDir)
	if err != nil {
		return &unusableError{err}
	}
	for _, w := range state.Warnings {
		fmt.Fprintln(g.stderr, "warning:", w)
	}

	warn := newMessageWarnings(g.stdout, c.Recipients.Path)
	if opts.keepBudget == 0 {
		opts.keepBudget = keepBudget
	}
	pl, err := preflight(ctx, p, state, supp, opts, warn)
	if err != nil {
		return err
	}
	warn.Done()
	for _, e := range pl.invalid {
		fmt.Fprintln(g.stdout, "problem:", problemText(e))
	}
	printWarnings(g.stdout, p.sheet.Warnings())
	if len(pl.invalid) > 0 && !opts.skipInvalid {
		fmt.Fprintf(g.stdout, "%s: %d of %d rows have problems; nothing was sent. Fix them, or send the rest with --skip-invalid.\n",
			c.Name, len(pl.invalid), pl.rows)
		return &problemsError{n: len(pl.invalid)}
	}
	if len(pl.unknown) > 0 {
		fmt.Fprintf(g.stdout, "%d recipient(s) have an unknown outcome from an earlier run (the connection dropped after the message was sent); they are not sent again unless --resend-unknown:\n", len(pl.unknown))
		for i, r := range pl.unknown {
			if i == 20 {
				fmt.Fprintf(g.stdout, "  … and %d more (see report.csv)\n", len(pl.unknown)-20)
				break
			}
			fmt.Fprintf(g.stdout, "  row %d  %s\n", r.Row, r.To)
		}
	}

	n := pl.nSend
	capNote := ""
	if opts.limit > 0 && n > opts.limit {
		n = opts.limit
	}
	if c.Send.DailyCap > 0 {
		left, next := state.Quota(c.Send.DailyCap, 24*time.Hour, opts.now())
		if left < n {
			n = max(left, 0)
			capNote = fmt.Sprintf("daily_cap %d: %d may go now, %d remain", c.Send.DailyCap, n, pl.nSend-n)
			if !next.IsZero() { // the window is full already
				capNote += "; the next slot opens at " + next.Local().Format(time.RFC3339)
			}
		}
	}
	fmt.Fprintf(g.stdout, "%s: %d rows; %d to send now via %s as %s at %s with %d connection(s)\n",
		c.Name, pl.rows, n, cfg.SMTP.Addr(), accountName(c), rateText(cfg.Rate), cfg.Concurrency)
	if capNote != "" {
		fmt.Fprintln(g.stdout, capNote)
	}
	if err := confirm(ctx, g, opts, n, cfg, c); err != nil {
		return err
	}

	reporter, err := sendpool.NewReporter(c.StateDir, sendpool.ReporterOptions{})
	if err != nil {
		return &unusableError{err}
	}
	w, err := journal.Open(ctx, lock, journal.Run{PID: os.Getpid(), Started: opts.now(), Version: version,
		ResendUnknown: opts.resendUnknown, RetryFailed: opts.retryFailed})
	if err != nil {
		return &unusableError{err}
	}
	rec := journal.NewRecorder(w)
	cfg.Journal = rec
	cfg.SMTPUTF8Rows = pl.utf8Within(n)
	for _, r := range pl.lines {
		if err := reporter.AddRow(r); err != nil {
			w.Close()
			return err
		}
		if r.Status == sendpool.StatusInvalid || r.Status == sendpool.StatusDuplicate || r.Status == sendpool.StatusSuppressed {
			if err := rec.Record(ctx, r); err != nil {
				w.Close()
				return err
			}
		}
	}
	runErr := deliver(ctx, g, p, pl, cfg, signer, n, reporter)
	closeErr := w.Close()
	if err := reporter.Flush(); err != nil && runErr == nil {
		runErr = err
	}
	sum := reporter.Summary()
	fmt.Fprintln(g.stdout)
	sum.WriteText(g.stdout)
	fmt.Fprintf(g.stdout, "report: %s\n", displayPath(c.StateDir))
	if capNote != "" && n < pl.nSend {
		// The next slot depends on when this run's messages went: read
		// the journal again (the lock is still held).
		line := fmt.Sprintf("daily_cap %d reached: %d remain", c.Send.DailyCap, pl.nSend-n)
		if after, err := journal.Load(ctx, c.StateDir); err == nil {
			if _, next := after.Quota(c.Send.DailyCap, 24*time.Hour, opts.now()); !next.IsZero() {
				line += "; the next slot opens at " + next.Local().Format(time.RFC3339)
			}
		}
		fmt.Fprintln(g.stdout, line+"; run send again then to continue")
	}
	switch {
	case runErr != nil:
		return runErr
	case closeErr != nil:
		return closeErr
	case !sum.OK():
		return errSomeNotSent
	case pl.partial > 0:
		fmt.Fprintf(g.stdout, "%d message(s) reached some recipients while the server deferred others; run send again to deliver to those only\n", pl.partial)
		return errSomeNotSent
	case n < pl.nSend:
		return errSomeNotSent
	}
	return nil
}

// preflight renders every row once, before anything is sent, and decides
// each row's fate: invalid, duplicate, suppressed, skipped by the journal,
// or to send.
func preflight(ctx context.Context, p *prepared, state *journal.State, supp *campaign.Suppression, opts sendOptions, warn *messageWarnings) (*plan, error) {
	pl := &plan{seed: maphash.MakeSeed()}
	decider := &rowDecider{dupes: journal.NewDeduper(), supp: supp, state: state,
		policy: journal.Policy{RetryFailed: opts.retryFailed, ResendUnknown: opts.resendUnknown}}
	err := p.renderer.Each(ctx, p.sheet, renderWorkers(), func(m *render.Message, err error) error {
		pl.rows++
		if err != nil {
			var re *campaign.RowError
			if !errors.As(err, &re) {
				return err
			}
			pl.invalid = append(pl.invalid, err)
			line := sendpool.ReportRow{Row: re.Row, Status: sendpool.StatusInvalid, Detail: problemText(err)}
			if m != nil {
				line.Key, line.To = m.Key, m.To
			}
			pl.lines = append(pl.lines, line)
			return nil
		}
		warn.Add(m)
		line := sendpool.ReportRow{Row: m.Row, Key: m.Key, To: m.To, MessageID: m.MessageID, Status: sendpool.StatusNotAttempted}
		f := decider.decide(m)
		if f.Status == sendpool.StatusDuplicate || f.Status == sendpool.StatusSuppressed {
			line.Status, line.Detail = f.Status, f.Detail
			pl.lines = append(pl.lines, line)
			return nil
		}
		d := f.Journal
		if f.Send && len(d.Owed) > 0 {
			// Only those still owed, and only if the row still names
			// them (they passed the suppression list with it).
			envelope := owedInRow(d.Owed, m.Recipients)
			if len(envelope) == 0 {
				prev := d.Entry.Result.ReportRow()
				prev.Row = m.Row
				prev.Detail = strings.TrimPrefix(prev.Detail+"; the recipients it still owed ("+strings.Join(d.Owed, ", ")+") are no longer in the row", "; ")
				pl.lines = append(pl.lines, prev)
				return nil
			}
			if pl.owed == nil {
				pl.owed = map[int][]string{}
			}
			pl.owed[m.Row] = envelope
			m = pl.forOwed(m)
		}
		if !f.Send {
			// The report keeps the earlier delivery's line (its reply code
			// and detail), not just the journal's status; an unknown
			// outcome is listed for the user to decide about, whatever
			// an earlier try said.
			prev := line
			if d.Entry != nil && d.Entry.Result != nil {
				prev = d.Entry.Result.ReportRow()
				prev.Row = m.Row
			}
			if d.Status == journal.StatusUnknown {
				prev.Status, prev.Detail = sendpool.StatusUnknown, d.Reason
				if a := d.Entry.LastAttempt; a != nil && prev.MessageID == "" {
					prev.MessageID = a.MessageID
				}
				pl.unknown = append(pl.unknown, prev)
			}
			pl.lines = append(pl.lines, prev)
			return nil
		}
		pl.send.add(m.Row)
		pl.planned = append(pl.planned, plannedRow{row: m.Row, key: pl.keyHash(m.Key)})
		pl.nSend++
		if m.UTF8 {
			pl.utf8Rows = append(pl.utf8Rows, m.Row)
		}
		if pl.kept != nil || pl.nSend == 1 {
			if pl.keptBytes += len(m.Data); pl.keptBytes <= opts.keepBudget {
				pl.kept = append(pl.kept, m)
			} else {
				pl.kept = nil // too large: deliver renders again
			}
		}
		pl.lines = append(pl.lines, line) // not-attempted until the pool says otherwise
		return nil
	})
	if err != nil {
		return nil, &unusableError{err}
	}
	return pl, nil
}

// deliver renders the planned rows again (streaming: nothing is held for
// the whole sheet) and runs the pool over them.
func deliver(ctx context.Context, g *globalOptions, p *prepared, pl *plan, cfg sendpool.Config, signer *sendpool.Signer,
	limit int, reporter *sendpool.Reporter) error {
	if limit == 0 {
		return nil
	}
	pool, err := sendpool.New(cfg)
	if err != nil {
		return &unusableError{err}
	}
	stopAbort := context.AfterFunc(g.abort, pool.Abort)
	defer stopAbort()

	srcCtx, stopSource := context.WithCancel(ctx)
	defer stopSource()
	msgs := make(chan *render.Message, 64)
	srcErr := make(chan error, 1) // the source's error, sent after it closed msgs
	if kept := pl.kept; kept != nil && (cfg.Rate == 0 || float64(len(kept))/cfg.Rate <= keepFor.Seconds()) {
		go func() { srcErr <- sendKept(srcCtx, kept[:min(limit, len(kept))], signer, msgs, reporter) }()
	} else {
		go func() { srcErr <- renderAgain(srcCtx, p, pl, signer, limit, msgs, reporter) }()
	}
	pl.kept = nil // the source holds what it needs; let the rest go

	// Per-domain limits: the scheduler hands the pool whichever message's
	// domain may go now, so a throttled domain never holds up the others.
	var (
		src   sendpool.Source = sendpool.ChanSource(msgs)
		sched *sendpool.DomainScheduler
	)
	if len(p.c.Send.Domains) > 0 {
		if sched, err = sendpool.NewDomainScheduler(src, p.c.Send.Domains, cfg.Clock); err != nil {
			return &unusableError{err}
		}
		src = sched
	}
	prog := newProgress(g, limit)
	defer prog.Close()
	// Results go to the report on a goroutine of their own: rewriting the
	// report files must not hold up the pool's result callback.
	results := make(chan sendpool.Result, 4096)
	reported := make(chan struct{})
	go func() {
		defer close(reported)
		for r := range results {
			reporter.Add(r)
			prog.Add(r)
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
	stopSource()
	for range msgs {
		// Drain so the source goroutine ends; these were never handed in
		// and stay not-attempted in the report.
	}
	if err := <-srcErr; runErr == nil && err != nil {
		runErr = &unusableError{err}
	}
	return runErr
}

// sendKept hands the preflight's messages to the pool through msgs, which
// it closes, signing them (DKIM) on every core first when signer is set.
func sendKept(ctx context.Context, kept []*render.Message, signer *sendpool.Signer, msgs chan<- *render.Message, reporter *sendpool.Reporter) error {
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
	var next atomic.Int64
	var wg sync.WaitGroup
	for range renderWorkers() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1) - 1; int(i) < len(kept); i = next.Add(1) - 1 {
				m := kept[i]
				data, err := signer.Sign(m.Data)
				if err != nil {
					reporter.AddRow(sendpool.ReportRow{Row: m.Row, Key: m.Key, To: m.To, Status: sendpool.StatusInvalid, Detail: err.Error()})
					continue
				}
				signed := *m
				signed.Data = data
				select {
				case msgs <- &signed:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	wg.Wait()
	return nil
}

// renderAgain renders the sheet a second time, streaming, and hands the
// planned rows' messages (at most limit) to the pool through msgs, which it
// closes. The renderer signs (DKIM) in its workers.
func renderAgain(ctx context.Context, p *prepared, pl *plan, signer *sendpool.Signer, limit int, msgs chan<- *render.Message, reporter *sendpool.Reporter) error {
	defer close(msgs)
	sheet, err := campaign.OpenSheet(ctx, p.c.Recipients)
	if err != nil {
		return err
	}
	defer sheet.Close()
	renderer := p.renderer
	if signer != nil {
		if renderer, err = render.New(p.c, p.set, render.Options{Seal: signer.Sign}); err != nil {
			return err
		}
	}
	handed := 0
	errStop := errors.New("limit reached")
	err = renderer.Each(ctx, sheet, renderWorkers(), func(m *render.Message, err error) error {
		row, key := rowOf(m, err)
		if planned, err := pl.stillPlanned(row, key); !planned {
			return err
		}
		if err != nil {
			// The row changed since the preflight (a file removed).
			reporter.AddRow(sendpool.ReportRow{Row: row, Key: key, Status: sendpool.StatusInvalid, Detail: problemText(err)})
			return nil
		}
		m = pl.forOwed(m)
		select {
		case msgs <- m:
		case <-ctx.Done():
			return ctx.Err()
		}
		if handed++; handed >= limit {
			return errStop
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) && ctx.Err() == nil {
		return err
	}
	return nil
}

// poolConfig builds the pool's settings from the campaign and the flags and
// reads the password from the environment (or a prompt on a terminal).
func poolConfig(c *campaign.Campaign, opts sendOptions, g *globalOptions) (sendpool.Config, error) {
	password := ""
	if c.SMTP.Username != "" {
		password = os.Getenv(c.SMTP.PasswordEnv)
		if password == "" {
			if f, ok := g.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
				fmt.Fprintf(g.stderr, "Password for %s (from %s, not set): ", c.SMTP.Username, c.SMTP.PasswordEnv)
				b, err := term.ReadPassword(int(f.Fd()))
				fmt.Fprintln(g.stderr)
				if err != nil {
					return sendpool.Config{}, &unusableError{fmt.Errorf("reading the password: %w", err)}
				}
				password = string(b)
			} else {
				return sendpool.Config{}, &unusableError{fmt.Errorf("smtp.password_env: the environment variable %s is empty; export it with the password (or the provider's authorization code)", c.SMTP.PasswordEnv)}
			}
		}
	}
	cfg := sendpool.ConfigFrom(c, password)
	if opts.rate != "" {
		r, err := campaign.ParseRate(opts.rate)
		if err != nil {
			return cfg, &unusableError{fmt.Errorf("--rate: %w", err)}
		}
		cfg.Rate = r.PerSecond()
	}
	if opts.concurrency < 0 || opts.concurrency > 256 {
		return cfg, &unusableError{fmt.Errorf("--concurrency: %d is out of range 1..256", opts.concurrency)}
	}
	if opts.concurrency > 0 {
		cfg.Concurrency = opts.concurrency
	}
	if opts.debug {
		cfg.SMTP.Debug = g.stderr
	}
	settings := map[string]bool{}
	for _, w := range cfg.SMTP.Warnings() {
		settings[w] = true // printed once by the caller, not again by the pool
	}
	cfg.Notify = func(n sendpool.Notice) {
		switch n.Kind {
		case sendpool.NoticeWarning:
			if !settings[n.Text] {
				fmt.Fprintln(g.stderr, "warning:", n.Text)
			}
		case sendpool.NoticeRetry, sendpool.NoticeReconnect:
			if !g.quiet {
				fmt.Fprintln(g.stderr, "note:", n.Text)
			}
		default:
			fmt.Fprintln(g.stderr, "warning:", n.Text)
		}
	}
	return cfg, nil
}

// confirm asks on a terminal before sending; without one it needs --yes.
// An interrupt while it waits for the answer ends the command as
// interrupted (nothing was sent).
func confirm(ctx context.Context, g *globalOptions, opts sendOptions, n int, cfg sendpool.Config, c *campaign.Campaign) error {
	if opts.yes || n == 0 {
		return nil
	}
	f, ok := g.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return &unusableError{errors.New("not on a terminal: pass --yes to send without confirmation")}
	}
	fmt.Fprintf(g.stderr, "Send %d message(s) through %s as %s? [y/N] ", n, cfg.SMTP.Addr(), accountName(c))
	type answer struct {
		line string
		err  error
	}
	answered := make(chan answer, 1)
	go func() {
		// On an interrupt this read is left behind; the process ends.
		line, err := bufio.NewReader(f).ReadString('\n')
		answered <- answer{line, err}
	}()
	var a answer
	select {
	case <-ctx.Done():
		return errInterrupted
	case a = <-answered:
	}
	if a.err != nil && !errors.Is(a.err, io.EOF) {
		return &unusableError{a.err}
	}
	switch strings.ToLower(strings.TrimSpace(a.line)) {
	case "y", "yes":
		return nil
	default:
		return &unusableError{errors.New("not confirmed; nothing was sent")}
	}
}

func accountName(c *campaign.Campaign) string {
	if c.SMTP.Username == "" {
		return "(no login)"
	}
	return c.SMTP.Username
}

func rateText(perSecond float64) string {
	switch {
	case perSecond == 0:
		return "no rate limit"
	case perSecond >= 1:
		return fmt.Sprintf("%.4g/s", perSecond)
	default:
		return fmt.Sprintf("%.4g/min", perSecond*60)
	}
}
