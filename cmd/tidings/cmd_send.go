package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/render/dkim"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/plan"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/spool"
)

// sendOptions are the flags of `tidings send`.
type sendOptions struct {
	yes           bool
	skipInvalid   bool
	retryFailed   bool
	resendUnknown bool
	// resendChanged sends again the rows whose values changed since
	// their message went out (plan.Options.ResendChanged).
	resendChanged bool
	debug         bool
	limit         int
	rate          string
	concurrency   int
	// test, sample and rows make a test send (see runTestSend); testSet
	// and sampleSet say the flags were given (an empty --test is refused,
	// never taken for a real send).
	test               string
	sample             int
	rows               string
	testSet, sampleSet bool
	// newCampaign lets a campaign file sent before under another name
	// be sent under its new one (renamedFrom).
	newCampaign bool
	// limitSet and concurrencySet say the flags were given: given as 0
	// they are refused, not taken for "no limit" and "the campaign's".
	limitSet, concurrencySet bool
	// now is the clock for the daily cap and the spool's age; nil means
	// time.Now.
	now func() time.Time
	// progress drives the progress lines when stderr is no terminal; the
	// zero value is the real clock.
	progress progressClock
	// part is which part of a run this delivery is (sendParts).
	part runPart
	// partSpan is how long a part of a run delivers for at most at the
	// run's rate, and partTime how long it may last from its rendering;
	// 0 means partSpan and partTime (tests make them short).
	partSpan, partTime time.Duration
	// retryKeep is the pool's sendpool.Config.RetryKeep: 0 means its
	// default (tests make it small, to have a small message let its data
	// go while it waits for a retry).
	retryKeep int64
	// turns carries the send.domains limits' turns from one part of a
	// run to the next (sendParts).
	turns *sendpool.DomainTurns
	// limiter is the pool's rate limit, carried from one part of a run
	// to the next with its throttle (sendParts).
	limiter *sendpool.Limiter
	// retryDue carries the retries a part left waiting (its time ran
	// out) to the next, which makes each when it is due (sendParts).
	retryDue *sendpool.RetryDue
	// limits gathers what the server said of its limits (connections
	// at once, rate) over the parts of a run, for the advice at its end
	// (runSend, sendParts); nil in a test send.
	limits *serverLimits
	// reportEvery is how many results the report waits for before it
	// rewrites report.csv and report.json while the run goes on
	// (report.ReporterOptions.Every; 0: its own): tests make those files
	// meet a full disk (testSeams.reportFile).
	reportEvery int
}

func newSendCommand(g *globalOptions) *cobra.Command {
	var opts sendOptions
	cmd := &cobra.Command{
		Use:   "send CAMPAIGN.yaml",
		Short: "Check every row, then deliver over a rate-limited SMTP pool",
		Long: `send checks every row as check does and refuses to start while any row has a
problem (--skip-invalid sends the rest). It then delivers each message over a
pool of SMTP connections at the configured rate, retrying temporary failures,
and writes report.csv and report.json into the state folder as it goes, and
the report page (report.html) at the end. A run that would last longer than
50 minutes at its rate goes in parts, each after the first rendering the
rows still to send afresh as it begins, so that every message leaves within
an hour of its Date; a part also ends 55 minutes after its rendering (a
send.domains limit, a slow or throttling server), and the next sends the
rest.

Every attempt is journaled before the message body is handed to the server, so
running send again resumes: recipients already sent are skipped, permanent
failures are skipped unless --retry-failed, and recipients whose outcome is
unknown (the connection dropped after the body was sent) are listed and not
re-sent unless --resend-unknown. A row whose values or attached files changed
since its message went out (a corrected amount, a fixed address after a
bounce) is listed with the columns that changed and not sent again unless
--resend-changed, which sends it as it is now: a message of its own, with its
own Message-ID, so its recipients have both.

--test ADDRESS sends test messages instead: the first 3 rows that would be
sent (or --sample N of them, or --rows 2,7,15) go to ADDRESS only, with [TEST] before
the subject, the rows' To and Cc in an X-Tidings-Test-For header and
Message-IDs of their own, through the same server, login, DKIM and rate. The
rows stay unsent; test messages count towards daily_cap.

Ctrl-C stops dispatching and lets messages in flight finish; a second Ctrl-C
aborts at once (a message whose body went and whose reply had not come is
unknown, for --resend-unknown); a third quits, as a kill would. Exit code: 0 all sent, 1 some not sent (or the bounce-rate
guard, send.max_bounce_rate, stopped the run), 2 unusable input, or a run
stopped by a login, certificate, unreachable server or the server's sending
quota used up, 75 another send or bounces holding the campaign's lock
(nothing done: run it again later), 130 interrupted. A send whose output's
reader went away (| head, a cron wrapper gone) goes on to its end.`,
		Args:              oneArg,
		ValidArgsFunction: completeCampaign,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.testSet, opts.sampleSet = cmd.Flags().Changed("test"), cmd.Flags().Changed("sample")
			opts.limitSet, opts.concurrencySet = cmd.Flags().Changed("limit"), cmd.Flags().Changed("concurrency")
			return runSend(cmd.Context(), opts, g, args[0])
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&opts.yes, "yes", "y", false, "do not ask for confirmation (needed when not on a terminal)")
	f.BoolVar(&opts.skipInvalid, "skip-invalid", false, "send the valid rows even when some rows have problems")
	f.BoolVar(&opts.retryFailed, "retry-failed", false, "try again recipients that failed permanently in an earlier run")
	f.BoolVar(&opts.resendUnknown, "resend-unknown", false, "send again to recipients whose earlier delivery is unknown (they may get two copies)")
	f.BoolVar(&opts.resendChanged, "resend-changed", false, "send again, as they are now, recipients whose values or attached files changed since their message went out (they get both)")
	f.BoolVar(&opts.debug, "debug", false, "print the SMTP transcript on stderr (logins redacted)")
	f.IntVarP(&opts.limit, "limit", "n", 0, "send at most N messages in this run (default: all)")
	f.StringVar(&opts.rate, "rate", "", "override send.rate, e.g. 10/s, 600/m")
	f.IntVar(&opts.concurrency, "concurrency", 0, "override send.concurrency (connections)")
	f.BoolVar(&opts.newCampaign, "new-campaign", false, "send though the campaign file was sent before under another name: a new campaign made from the same file")
	f.StringVar(&opts.test, "test", "", "send test messages to these addresses only (comma-separated): [TEST] subjects, the rows stay unsent")
	f.IntVar(&opts.sample, "sample", 0, "with --test: the first N rows that would be sent (default 3)")
	f.StringVar(&opts.rows, "rows", "", "with --test: these rows, as the sheet numbers them (2,7,10-12)")
	return cmd
}

// errSomeNotSent says the run ended with recipients that were not sent
// (failed, unknown, invalid, not attempted); exit code 1.
var errSomeNotSent = errors.New("some recipients were not sent; see the report")

// isStopError reports whether err stopped a run for a reason the user must
// fix or wait out before sending again (login, TLS, journal, unreachable
// server, a used-up quota); another run holding the lock is not one
// (exitTempFail).
func isStopError(err error) bool {
	for _, target := range []error{sendpool.ErrAuth, sendpool.ErrTLS, sendpool.ErrInsecureAuth, sendpool.ErrUnreachable, sendpool.ErrServerLacks, sendpool.ErrQuota, sendpool.ErrJournal} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// runSend delivers the campaign at path. See the command's help for the
// contract. An input found changed while the send read it
// (plan.InputChangedError) ends its error with the command to run again
// (inputChangedAgain).
func runSend(ctx context.Context, opts sendOptions, g *globalOptions, path string) (err error) {
	outliveReader()
	if opts.now == nil {
		opts.now = time.Now
	}
	if opts.limit < 0 || opts.limitSet && opts.limit == 0 {
		return &unusableError{fmt.Errorf("--limit: %d would send nothing: give at least 1, or leave --limit out to send all (check and preview show what would go)", opts.limit)}
	}
	if opts.test != "" || opts.testSet {
		return runTestSend(ctx, opts, g, path)
	}
	if opts.sample != 0 || opts.rows != "" {
		return &unusableError{errors.New("--sample and --rows choose the rows of a test send: add --test ADDRESS")}
	}
	defer func() { err = journalFailedAgain(inputChangedAgain(err, runAgain(path, opts)), path, opts) }()
	if !opts.yes && !onTerminal(g) {
		// Refused before the preflight renders every row for a question
		// nobody can answer, whatever is left to send.
		return errNeedsYes
	}
	g.interrupt.sending()
	opts.part.began = time.Now()
	opts.limits = &serverLimits{} // over every part, for the advice at the end (sendParts)
	st, err := startSend(ctx, opts, g, path, nil)
	if err != nil {
		return err
	}
	if st.pl.Reused && st.pl.Spool.Started().Before(opts.part.began) {
		opts.part.began = st.pl.Spool.Started() // its messages' Date: partTime counts from it
	}
	c := st.in.Campaign
	allow := st.pl.Allow(opts.limit, c.Send.DailyCap, st.state, opts.now())
	size := opts.partSizeAt(st.cfg.Rate)
	printSheetEncoding(g, st.in.Sheet)
	printPlan(g, c, st.pl, st.cfg, allow, size, againVerb(againOf(st.pl, opts)))
	if err := confirm(ctx, g, opts, allow.N, st.cfg, c); err != nil {
		st.close()
		return err
	}
	if allow.N == 0 {
		return sendNothing(ctx, g, opts, path, st, allow)
	}
	g.interrupt.delivering()
	return sendParts(ctx, g, opts, path, st, allow)
}

// sendStart is what a send and a test send share before delivering: the
// campaign's inputs, the pool's settings, the lock and the journal's state,
// and the preflight's plan. The caller calls close.
type sendStart struct {
	in    *plan.Inputs
	cfg   sendpool.Config
	lock  *journal.Lock
	state *journal.State
	pl    *plan.Plan
}

// startSend opens the campaign at path, makes the pool's settings (printing
// their warnings), takes the lock (unless it holds it: held, which the run's
// part before handed over), reads the journal and runs the preflight. On
// an error it has released the lock.
func startSend(ctx context.Context, opts sendOptions, g *globalOptions, path string, held *journal.Lock) (*sendStart, error) {
	in, err := plan.Open(ctx, path)
	if err != nil {
		if held != nil {
			held.Release()
		}
		return nil, &unusableError{err}
	}
	st := &sendStart{in: in, lock: held}
	c := in.Campaign
	if c.SMTP.Host == "" {
		st.close()
		return nil, &unusableError{fmt.Errorf("%s: smtp.host: required to send", displayPath(c.File))}
	}
	if st.cfg, err = poolConfig(ctx, c, opts, g); err != nil {
		st.close()
		return nil, err
	}
	for _, w := range st.cfg.Dialer.Warnings() {
		fmt.Fprintln(g.stderr, "warning:", w)
	}
	if err := st.openState(ctx, g, c, opts); err != nil {
		st.close()
		return nil, err
	}
	if opts.test == "" && !opts.testSet { // a test send goes to the test address alone
		if err := journalDamage(st.state); err != nil {
			st.close()
			return nil, err
		}
		if err := notRenamed(ctx, c, st.state, opts.newCampaign); err != nil {
			st.close()
			return nil, err
		}
	}
	if st.pl, err = preflight(ctx, g, in, st.state, opts, st.cfg.Rate); err != nil {
		if refused := (*problemsError)(nil); errors.As(err, &refused) && st.pl != nil {
			writeRefusedReport(ctx, g, st, opts)
		}
		st.close()
		return nil, err
	}
	st.cfg.SentDomains = st.state.SentDomains(sendVia(c, st.cfg))
	st.cfg.ReachedBefore = st.state.HostReached(c.SMTP.Host)
	return st, nil
}

// openState reads the journal of c's state folder, taking its lock first
// unless st holds it (a later part of a run: then the folder must be the
// one it locked, or the error names the send to run again, with opts'
// flags, once it is).
func (st *sendStart) openState(ctx context.Context, g *globalOptions, c *campaign.Campaign, opts sendOptions) error {
	if st.lock == nil {
		var err error
		st.lock, st.state, err = openState(ctx, g, c, "send")
		return err
	}
	if was := st.lock.Dir(); filepath.Clean(was) != filepath.Clean(c.StateDir) {
		return &unusableError{fmt.Errorf("%s: the state folder changed while the send ran (%s, was %s): the parts sent went, recorded in %s; %s once state_dir names the folder that holds them", displayPath(c.File), displayPath(c.StateDir), displayPath(was), displayPath(was), runAgain(c.File, opts))}
	}
	state, err := journal.Load(ctx, c.StateDir)
	if err != nil {
		return &unusableError{err}
	}
	st.state = state
	printJournalWarnings(g, state.Warnings)
	return nil
}

// handOver closes the journal state and the inputs and returns the lock,
// still held, for the run's next part (startSend).
func (st *sendStart) handOver() *journal.Lock {
	lock := st.lock
	st.lock = nil
	st.close()
	return lock
}

// close releases the lock and closes the journal state and the inputs.
func (st *sendStart) close() {
	if st.lock != nil {
		st.lock.Release()
	}
	st.state.Close()
	st.in.Close()
}

// openState takes the campaign's send lock and reads its journal, printing
// the journal's warnings; the state folder is made, and made its owner's
// only, first (readyStateFolder).
func openState(ctx context.Context, g *globalOptions, c *campaign.Campaign, command string) (*journal.Lock, *journal.State, error) {
	if err := readyStateFolder(g, c); err != nil {
		return nil, nil, err
	}
	lock, err := journal.AcquireLockAs(c.StateDir, command)
	if err != nil {
		return nil, nil, err
	}
	if g.seams.journalFile != nil {
		lock.SetFile(g.seams.journalFile)
	}
	state, err := journal.Load(ctx, c.StateDir)
	if err != nil {
		lock.Release()
		return nil, nil, &unusableError{err}
	}
	printJournalWarnings(g, state.Warnings)
	return lock, state, nil
}

// notRenamed refuses a send of a campaign file whose state folder holds
// another campaign's sends (foreignState), and of one renamed since an earlier
// send (renamedFrom) unless newCampaign.
func notRenamed(ctx context.Context, c *campaign.Campaign, state *journal.State, newCampaign bool) error {
	if err := foreignState(c, state); err != nil {
		return &unusableError{err}
	}
	if newCampaign {
		return nil
	}
	if was := renamedFrom(ctx, c, state); was != "" {
		return &unusableError{renamedError(c, was)}
	}
	return nil
}

// journalDamage refuses a send from a journal with lines that were damaged
// after tidings wrote them (see journal.State.Damaged): they may have
// recorded deliveries, and their recipients would be sent a second copy.
func journalDamage(state *journal.State) error {
	damaged := state.Damaged()
	if len(damaged) == 0 {
		return nil
	}
	var lines []string
	for _, w := range damaged[:min(len(damaged), 5)] {
		var fe *campaign.FileError
		if errors.As(w, &fe) {
			lines = append(lines, strconv.Itoa(fe.Line))
		}
	}
	which := "line " + strings.Join(lines, ", ")
	if len(damaged) > 1 {
		which = "lines " + strings.Join(lines, ", ")
	}
	if len(damaged) > len(lines) {
		which += fmt.Sprintf(" (and %d more)", len(damaged)-len(lines))
	}
	return &unusableError{fmt.Errorf("%s: %s cannot be read, and no crash leaves such lines: the journal was changed after tidings wrote it. "+
		"It records who was sent what, so send stops rather than risk second copies. If an editor saved it as Latin-1 or UTF-16, convert it back to UTF-8 (iconv -f latin1 -t utf-8, or -f utf-16); "+
		"otherwise restore it from a copy, or repair the lines (one JSON record a line). Deleting them makes their recipients count as not sent: they would be sent again",
		displayPath(state.Path), which)}
}

// preflight checks every row before anything is sent and prints what it
// found: the row problems (which stop the run unless --skip-invalid), the
// sheet's warnings and the earlier deliveries of unknown outcome.
func preflight(ctx context.Context, g *globalOptions, in *plan.Inputs, state *journal.State, opts sendOptions, rate float64) (*plan.Plan, error) {
	c := in.Campaign
	warn := newMessageWarnings(g.stdout, c.Recipients.Path, in.Renderer)
	sheetWarn := &sheetWarnings{w: g.stdout, in: in}
	sheetWarn.First() // before the rows' warnings and problems, which it may explain
	rendering := startRenderProgress(g, opts.progress, opts.part.n)
	pl, err := preflightPlan(ctx, in, state, opts, rate, rendering.counting(warn.Add))
	rendering.Stop()
	if err != nil {
		return nil, &unusableError{err}
	}
	warn.Done()
	if err := printPlanNotes(ctx, g, c, state, pl, opts); err != nil {
		return nil, err
	}
	if opts.testSet {
		if err := printTestSendNotes(ctx, g.stdout, in, pl); err != nil {
			return nil, err
		}
		sheetWarn.RestOf(pl.SheetWarnings)
		printWarnings(g.stdout, c.Warnings)
		return pl, nil
	}
	sheetWarn.RestOf(pl.SheetWarnings) // those a read of the rows found, or the reused spool kept
	probs := newProblemPrinter(g.stdout, pl.Problems)
	for _, e := range pl.Invalid {
		probs.Print(e)
	}
	probs.Unlisted(pl.Problems - len(pl.Invalid)) // the plan kept the first
	probs.Done()
	if pairs, more := pl.KeyReused(); len(pairs) > 0 {
		if err := printReused(ctx, g.stdout, in, pairs, more, len(pl.Invalid), false); err != nil {
			return nil, &unusableError{err}
		}
	}
	printWarnings(g.stdout, c.Warnings)
	printWarnings(g.stdout, nonEmpty(pl.ScanNote))
	if pl.Problems > 0 && !opts.skipInvalid {
		words, next := refusedWords(pl, opts, c.File)
		fmt.Fprintf(g.stdout, "%s: %s. %s.\n", c.Name, words, strings.ToUpper(next[:1])+next[1:])
		printStopStands(g.stdout, state)
		return pl, &problemsError{n: pl.Problems}
	}
	printUnknown(g, pl.Unknown, pl.Unknowns)
	return pl, nil
}

// preflightPlan is plan.Preflight of in's rows against the journal
// (state) as this send (or part of one: opts.part) decides them, the
// rows' messages handed to onMessage (OnMessage) and a part's size and
// time from rate (messages a second; 0 unlimited).
func preflightPlan(ctx context.Context, in *plan.Inputs, state *journal.State, opts sendOptions, rate float64, onMessage func(*render.Message)) (*plan.Plan, error) {
	c := in.Campaign
	policy := journal.Policy{RetryFailed: opts.retryFailed, ResendUnknown: opts.resendUnknown}
	if opts.part.n > 1 {
		policy = policy.OnlyBefore(opts.part.runs)
	}
	return plan.Preflight(ctx, in, state, plan.Options{
		Policy:        policy,
		ResendChanged: opts.resendChanged,
		OwnRunsFrom:   ownRunsFrom(opts),
		Version:       release,
		Now:           opts.now,
		Describe:      problemLines,
		OnMessage:     onMessage,
		RunFor:        func(n int) time.Duration { return runTime(partOf(runSize(n, opts, c), rate, opts), rate) },
		Within:        cmp.Or(opts.partTime, partTime), // a reused spool's part ends then (runSend)
		Afresh:        opts.part.n > 1,
		SpoolAtMost:   spoolAtMost(rate, opts, c, state),
		SendsNone:     capUsedUp(c, state, opts),
	})
}

// printPlanNotes prints what a send's preflight found of campaign c's
// rows besides their problems (pl, from the journal state): the rows
// settled otherwise than their values say (the same address under
// another key, changed since they went, owed, under one key with other
// values), the journal's lines it could not use, the note that the sheet
// may be the campaign's next issue, and the rows that went under the
// file's earlier name. A test send (opts.testSet) prints only those of
// them that concern it. The error (an *unusableError) refuses the send:
// the key column changed since the journal's sends (plan.Plan.KeyChange),
// or the earlier name's journal could not be read.
func printPlanNotes(ctx context.Context, g *globalOptions, c *campaign.Campaign, state *journal.State, pl *plan.Plan, opts sendOptions) error {
	if err := pl.KeyChange(); err != nil && !opts.testSet {
		return &unusableError{err}
	}
	if !opts.testSet {
		printSameAddress(g.stdout, pl.SameAddress())
		printNewIssueKeys(g.stdout, c, pl.SameAddress().N, pl.SentBefore)
	}
	if pl.Damaged != nil {
		fmt.Fprintf(g.stderr, "warning: %v; the messages were rendered again\n", pl.Damaged)
	}
	warnUnreadable(g.stderr, pl.DamagedUsed)
	if !opts.testSet {
		printChanged(g.stdout, c, pl.Changed, "go", state)
		printOwedGone(g.stdout, pl.OwedGone())
		printOtherValues(g.stdout, pl.OtherValues)
	}
	if !opts.testSet || pl.RevisedToSend == 0 { // a test send sends the rows' recipients nothing
		printRevised(g.stdout, pl.Revised, pl.RevisedToSend, opts.resendChanged, c.File)
		if !opts.resendChanged {
			printNewIssueChanged(g.stdout, c, pl.Revised.N, pl.SentBefore)
		}
	}
	if !opts.testSet {
		printChangedUnsent(g.stdout, pl.ChangedUnsent)
	}
	if !opts.testSet && opts.newCampaign { // else renamedFrom is "": notRenamed refused the send
		if err := warnEarlierIssue(ctx, g.stdout, c, state, pl); err != nil {
			return &unusableError{err}
		}
	}
	return nil
}

// printTestSendNotes is what a test send's preflight prints of pl: it
// names the problem of a row it was asked for (runTestSend), and only
// notes the others; what the sheet's rows under one key differ in it
// names as a send does.
func printTestSendNotes(ctx context.Context, w io.Writer, in *plan.Inputs, pl *plan.Plan) error {
	printOtherValues(w, pl.OtherValues)
	if err := printOtherValuesColumns(ctx, w, in, pl); err != nil {
		return &unusableError{err}
	}
	if pl.Problems > 0 {
		verb := "have"
		if pl.Problems == 1 {
			verb = "has"
		}
		fmt.Fprintf(w, "note: %s of %d %s problems (check lists them): a real send refuses to start until they are fixed, or sends the rest with --skip-invalid\n", report.Plural(pl.Problems, "row"), pl.Rows, verb)
	}
	return nil
}

// runSize is how many of n rows to send a run sends at most: --limit
// and send.daily_cap cut it short.
func runSize(n int, opts sendOptions, c *campaign.Campaign) int {
	if opts.limitSet && opts.limit > 0 {
		n = min(n, opts.limit)
	}
	if c.Send.DailyCap > 0 {
		n = min(n, c.Send.DailyCap)
	}
	return n
}

// partOf is how many of a run's n messages its first part sends at
// rate (sendParts): all of them when the run lasts less than a part.
func partOf(n int, rate float64, opts sendOptions) int {
	if size := opts.partSizeAt(rate); size > 0 {
		return min(n, size)
	}
	return n
}

// runTime is how long n messages take at rate messages a second (0:
// unlimited, no time).
func runTime(n int, rate float64) time.Duration {
	if rate <= 0 {
		return 0
	}
	return time.Duration(float64(n) / rate * float64(time.Second))
}

// printUnknown lists the earlier deliveries of unknown outcome (the first
// of all n), each row's line saying "unknown", as the summary's list does:
// journald shows a service's output a line at a time, the heading apart.
func printUnknown(g *globalOptions, unknown []report.Row, n int) {
	if n == 0 {
		return
	}
	fmt.Fprintf(g.stdout, "%s an unknown outcome from an earlier run (the message went, or was about to, and no reply came, or none could be recorded: a lost connection, a server that sent none within 4 × smtp.timeout, a crash, a second Ctrl-C, a full disk; it may or may not have arrived); they are not sent again unless --resend-unknown:\n", hasHave(n, "recipient"))
	for i, r := range unknown {
		if i == 20 {
			fmt.Fprintf(g.stdout, "  … and %d more unknown (see report.csv)\n", n-20)
			break
		}
		fmt.Fprintf(g.stdout, "  row %d  %s  unknown\n", r.Row, r.To)
	}
}

// printPlan says what the run is about to do, in parts of size messages
// (sendParts; 0: one part), and what sends the rows to send again it
// holds back (again: againVerb); under --quiet nothing, as the plan is
// neither a problem nor the summary, which says what the run did (the
// daily_cap line too).
func printPlan(g *globalOptions, c *campaign.Campaign, pl *plan.Plan, cfg sendpool.Config, allow plan.Allowance, size int, again string) {
	if g.quiet {
		return
	}
	if pl.ToSend == 0 {
		fmt.Fprintf(g.stdout, "%s: %s; nothing left to send (every row was sent, skipped or has a problem)\n", c.Name, report.Plural(pl.Rows, "row"))
		return
	}
	before := ""
	if pl.SentBefore > 0 {
		before = fmt.Sprintf("%d sent before, ", pl.SentBefore)
	}
	if allow.N == 0 { // the summary says when the next slot opens
		fmt.Fprintf(g.stdout, "%s: %s; %snothing to send now: daily_cap %d reached, %d still to send\n",
			c.Name, report.Plural(pl.Rows, "row"), before, c.Send.DailyCap, pl.ToSend)
		printRevisedHeld(g.stdout, pl, allow, again)
		return
	}
	fmt.Fprintf(g.stdout, "%s: %s; %s%d to send now via %s as %s at %s with %s\n",
		c.Name, report.Plural(pl.Rows, "row"), before, allow.N, cfg.Dialer.Server(), accountName(c), sendpool.RateText(cfg.Rate), report.Plural(cfg.Concurrency, "connection"))
	if note := partsNote(allow.N, cfg.Rate, size, partCap(size, pl.Spooled)); note != "" {
		fmt.Fprintln(g.stdout, note)
	}
	if allow.Capped {
		// (allow.Next is zero: the cap lets some go; the summary says
		// when it lets the rest.)
		fmt.Fprintf(g.stdout, "daily_cap %d: %d may go now, %d remain\n", c.Send.DailyCap, allow.N, pl.ToSend-allow.N)
	}
	printRevisedHeld(g.stdout, pl, allow, again)
}

// printRevisedHeld says how many of the rows to send again
// (--resend-changed, listed before) come after those the run sends
// (--limit, daily_cap): the list named them all as sent again. When the
// run sends none (daily_cap used up), it says none goes now (rev-user17:
// "sending again … the 2 rows" stood alone above "nothing to send now"),
// and that again (againVerb: "send --yes --resend-changed") sends them.
func printRevisedHeld(w io.Writer, pl *plan.Plan, allow plan.Allowance, again string) {
	if allow.N == 0 { // RevisedWithin(0) counts them all
		if n := pl.RevisedToSend; n > 0 {
			fmt.Fprintf(w, "note: the %s to send again %s not go now (daily_cap): run %s again once it allows (the summary says when)\n",
				report.Plural(n, "row"), verbFor(n, "does", "do"), again)
		}
		return
	}
	held := pl.RevisedToSend - pl.RevisedWithin(allow.N)
	if held <= 0 {
		return
	}
	why := "--limit"
	if allow.Capped {
		why = "daily_cap"
	}
	fmt.Fprintf(w, "note: %d of the rows to send again %s after the %s this run sends (%s): run %s again for %s\n",
		held, verbFor(held, "comes", "come"), report.Plural(allow.N, "message"), why, again, verbFor(held, "it", "them"))
}

// deliver sends the planned rows allowed now, journaled and reported, and
// prints the summary.
func deliver(ctx context.Context, g *globalOptions, in *plan.Inputs, pl *plan.Plan, cfg sendpool.Config, lock *journal.Lock, allow plan.Allowance, opts sendOptions) error {
	c := in.Campaign
	reporter, err := report.NewReporter(c.StateDir, report.ReporterOptions{File: g.seams.reportFile, Every: opts.reportEvery})
	if err != nil {
		return &unusableError{err}
	}
	defer reporter.Close()
	if opts.part.more {
		// The rows left to the parts after this one, unless the run
		// stops first: then they are not tried because of that (notTried).
		reporter.NoteNotAttempted(laterPartNote)
	}
	copies, closeCopies, err := openSentCopies(ctx, g, c, copiesWarned(allow, opts.part), opts.part)
	if err != nil {
		return &unusableError{err}
	}
	defer closeCopies()
	// The run's record and the report's lines for every row are written
	// whole even when an interrupt comes now (a second one stops them): an
	// interrupted run then reports every row as not attempted, as it says.
	setup := setupContext(ctx, g)
	w, err := openRun(setup, in, pl, &cfg, lock, reporter, allow, opts)
	if err != nil {
		return err
	}
	if copies != nil {
		copies.Journal = w
	}
	g.interrupt.partBegins()
	runErr, timedOut, tried := deliverPart(ctx, g, in, pl, cfg, reporter, copies, allow, opts)
	if errors.As(runErr, new(*plan.ReportError)) {
		// The run went to its end; the report's last write (flushErr)
		// says whether it is written after all, and what to do if not.
		runErr = nil
	}
	g.interrupt.delivered()
	g.interrupt.afterWords(ctx)
	if timedOut {
		opts.part.more = true
		reporter.NoteNotAttempted(laterPartNote)
	}
	cutErr := noteCut(setup, w, reporter, runErr)
	copiesPart := opts.part
	copiesPart.more = copiesPart.more && runErr == nil // a run cut short has no next part
	printCopies(g, c, pl.Copies(), copiesPart)
	closeErr := cmp.Or(w.Close(), cutErr)
	after := &sendEnd{ctx: ctx, c: c, pl: pl, allow: allow, opts: opts, cut: runErr != nil}
	if !opts.part.more || runErr != nil { // else the run goes on: its report says it runs
		reporter.NoteEnding(after.ending)
	}
	// The report left is this run's, not that of a report beside that
	// read the journal before the run ended. The page is written whole
	// but for a second interrupt (which it then returns).
	rl := holdReport(setup, g, c, true)
	flushErr, page, pageErr := writeSendReports(setup, g, c, reporter, report.PageInput{Rows: reporter.Each, Settings: sendSettings(c, opts), Now: opts.now()}, rl != nil)
	releaseReport(g, rl)
	sum, countErr := reporter.Count()
	noteRelayWords(&sum, c, cfg.Dialer)
	end := runEnd{page: page, files: flushErr == nil, counted: countErr == nil, cut: runErr != nil, quota: errors.Is(runErr, sendpool.ErrQuota), part: opts.part, after: after}
	err = cmp.Or(runErr, closeErr, flushErr, pageErr)
	// A part whose journal or report could not be written ends the run
	// (sendParts): its summary is the run's, not a part's.
	end.part.more = end.part.more && err == nil
	printSummary(g, c, pl, &sum, allow, opts, end)
	g.interrupt.summarized()
	if err != nil {
		if err == runErr && ctx.Err() != nil && !opts.part.more && sum.OK() && allow.N >= pl.ToSend {
			// Interrupted while the last messages were in flight, which
			// then went: nothing is left to resume.
			g.interrupt.dispatched()
		}
		return err
	}
	outcome := sendOutcome(g, pl, sum, allow, opts)
	if timedOut {
		return &partEndedError{tried: tried, outcome: outcome}
	}
	if outcome == nil && ctx.Err() != nil {
		// Interrupted once every message was dispatched (or with none to
		// send): the files above were still written whole, and the
		// command ends as interrupted, as the user asked.
		if !opts.part.more {
			g.interrupt.dispatched()
		}
		return context.Cause(ctx)
	}
	return outcome
}

// sendVia is the server and login a send of c delivers through, as the
// journal's run record keeps it (journal.Run.Via).
func sendVia(c *campaign.Campaign, cfg sendpool.Config) string {
	if c.SMTP.Username == "" {
		return cfg.Dialer.Server() + " without a login"
	}
	return cfg.Dialer.Server() + " as " + c.SMTP.Username
}

// openRun writes the run's record into the journal of the state folder
// lock holds and the report's lines for the rows the preflight decided,
// and sets cfg's journal and what a run's parts carry from one to the
// next. The caller closes the writer.
func openRun(setup context.Context, in *plan.Inputs, pl *plan.Plan, cfg *sendpool.Config, lock *journal.Lock, reporter *report.Reporter, allow plan.Allowance, opts sendOptions) (*journal.Writer, error) {
	c := in.Campaign
	held := plan.Hold{After: allow.N, Detail: heldBackNote(allow, pl.ToSend, opts)}
	run := newRun(c, opts.now(), runFlags(opts))
	recordAgain(&run, pl, opts)
	run.KeyColumn, run.Facets, run.IDSalt, run.Via = c.Recipients.Key, in.Renderer.Facets(), in.IDSalt(), sendVia(c, *cfg)
	run.ToSend = min(allow.N, pl.ToSend)
	if held.Detail != "" {
		run.Held, run.HeldFor = pl.ToSend-allow.N, held.Detail
	}
	w, err := journal.Open(setup, lock, run)
	if err != nil {
		return nil, &unusableError{err}
	}
	rec := journal.NewRecorder(w)
	cfg.Journal = rec
	cfg.Limiter = opts.partLimiter(cfg.Rate)
	cfg.RetryDue = opts.retryDue
	cfg.SMTPUTF8Rows = pl.SMTPUTF8Within(allow.N)
	if err := pl.Seed(setup, reporter, rec, held); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// deliverPart delivers the messages allow lets this part of the run send
// under the part's deadline (partContext), with the progress lines: it
// returns the delivery's error as partEnd leaves it, whether the part's
// time ran out, and how many messages it tried.
func deliverPart(ctx context.Context, g *globalOptions, in *plan.Inputs, pl *plan.Plan, cfg sendpool.Config, reporter *report.Reporter, copies *plan.SentCopies, allow plan.Allowance, opts sendOptions) (runErr error, timedOut bool, tried int) {
	prog := newProgress(g, allow.N, opts.progress, opts.part, cfg.Rate)
	notify := cfg.Notify
	cfg.Notify = func(n sendpool.Notice) {
		prog.Notice(n)
		if notify != nil {
			notify(n)
		}
	}
	pctx, stopPart := partContext(ctx, opts)
	defer stopPart()
	runErr = pl.Deliver(pctx, in, plan.Delivery{Pool: cfg, Limit: allow.N, Reporter: reporter,
		Abort: g.abort, OnResult: func(r sendpool.Result) { tried += min(r.Attempts, 1); prog.Add(r) }, MaxBounceRate: maxBounceRate(in.Campaign), Copies: copies, DomainTurns: opts.turns})
	prog.Close()
	timedOut, runErr = partEnd(ctx, pctx, runErr, tried, in.Campaign.File, opts)
	if runErr != nil && !g.quiet { // a part out of time leaves them to the next part
		if note := droppedRetriesNote(asReported(reporter, prog.droppedRetries()), runErr); note != "" {
			g.errLine("note:", note) // the pool's "retry … in 32s" taken back
		}
	}
	return runErr, timedOut, tried
}

// runEnd is how a run's delivery ended, for its summary.
type runEnd struct {
	page bool // the report page was written
	// files: report.csv and report.json were written (writeSendReports).
	files bool
	// counted: the summary counts the run's rows (report.Reporter.Count),
	// also when the files were not written.
	counted bool
	cut     bool // delivery stopped before its end (an interrupt, a stop)
	// quota: the server said the sending quota is used up.
	quota bool
	// part is which part of its run the delivery was (sendParts).
	part runPart
	// after is what the report's ending and the summary say of what
	// send.daily_cap lets go after the run.
	after *sendEnd
}

// setupContext is the context a run's set-up before delivery (its journal
// record, the report's first lines) runs under: the abort context (the
// second interrupt), or ctx without its cancellation when there is none.
func setupContext(ctx context.Context, g *globalOptions) context.Context {
	if g.abort != nil {
		return g.abort
	}
	return context.WithoutCancel(ctx)
}

// laterPartNote is the report's detail for the rows a part of a run
// leaves to the parts after it, while the run goes on (sendParts).
const laterPartNote = "not tried yet: left to a later part of the run (each sends up to an hour's worth), or to the next send if the run stops before"

// heldBackNote is the report's detail for the rows a run holds back: past
// --limit or the daily cap ("" when it holds none back). A part of a run
// that others follow gives none: the rows it leaves take the reporter's
// note for them (laterPartNote, or why the run stopped: notTried), since
// a run that stops before its next part leaves them to the next send.
func heldBackNote(allow plan.Allowance, toSend int, opts sendOptions) string {
	switch {
	case allow.N >= toSend, opts.part.more:
		return ""
	case allow.Capped:
		return sendpool.CapUnsent
	case opts.limit > 0:
		return sendpool.LimitUnsent(opts.limit)
	}
	return ""
}

// notTried is the detail of the rows a run that stopped with err never
// reached, in the words the pool gives those it had taken up
// (sendpool.InterruptedUnsent, sendpool.StopUnsent): one fact, one phrase,
// which report, rebuilt from the journal, gives them too.
func notTried(err error) string {
	if s := stopText(err); s != "interrupted" {
		return sendpool.StopUnsent(s)
	}
	return sendpool.InterruptedUnsent
}

// stopText is why a run stopped, in a few words for the report: the stop's
// reason (sendpool.Reason, without the package prefix) on one line.
func stopText(err error) string {
	if errors.Is(err, context.Canceled) || exitCode(err) == exitInterrupted {
		return "interrupted"
	}
	var se *sendpool.StopError
	if errors.As(err, &se) {
		err = se
	}
	return sendpool.OneLine(sendpool.Reason(err))
}

// printSummary prints the run's counts and problems, and what the daily
// cap held back (when delivery went to its end). It notes in sum what the
// cap lets the next send send (report.Summary.CapRoom), which the
// closing line (sendOutcome) says too.
func printSummary(g *globalOptions, c *campaign.Campaign, pl *plan.Plan, sum *report.Summary, allow plan.Allowance, opts sendOptions, end runEnd) {
	if !g.quiet { // on a terminal a blank line sets the summary apart from the plan, which --quiet leaves out
		fmt.Fprint(g.stdout, lineBreak(g.stdout))
	}
	if end.part.more && !end.cut { // the last part says the rest
		fmt.Fprintf(g.stdout, "part %d done: %s (the later parts send the not-attempted)\n", end.part.n, sum.Counts())
		return
	}
	// next: when the cap lets the next message go (zero: not known),
	// once the room it has now (how many it lets go) has gone.
	capLine, room, next := end.after.capRoom(sum.NotAttempted)
	end.after.fill(sum)
	if end.counted {
		sum.WriteText(g.stdout)
	} else {
		// The report's own lines could not be read back (not written
		// out, a full disk): the journal has what went.
		fmt.Fprintf(g.stdout, "the run's counts are not known here (the report was not written: see above); tidings report %s counts them from the journal\n", commandArg(c.File))
	}
	if note := pl.GuardNote(); note != "" {
		fmt.Fprintln(g.stdout, note)
	}
	if n := pl.OwedRendered(); n > 0 {
		fmt.Fprintf(g.stdout, "%s to recipients still owed went as rendered now: the message the others got is no longer in the spool, or damaged\n", report.Plural(n, "message"))
	}
	if held := pl.Revised.N - pl.RevisedWithin(allow.N) + pl.RevisedCut(); held > 0 {
		fmt.Fprintf(g.stdout, "%s changed since %s went out, not sent again (listed above)\n",
			report.Plural(held, "row"), verbFor(held, "its message", "their messages"))
	}
	printReportLine(g, c, end.page, end.files)
	printSpool(g, c, pl, allow.N == 0, next)
	if end.quota {
		line := "the server's sending quota is used up: the recipients not sent stay to send; run " + againVerb(againOf(pl, opts)) + " again once it resets (often a day)"
		if c.Send.DailyCap == 0 {
			line += "; send.daily_cap keeps each day's sending under it"
		} else {
			line += fmt.Sprintf("; send.daily_cap %d did not keep the run under it (the account's other mail counts there too): set it lower", c.Send.DailyCap)
		}
		fmt.Fprintln(g.stdout, line)
	}
	if capLine && !end.counted { // else the summary's line of the rows it held back says it
		fmt.Fprintln(g.stdout, capReachedLine(c.Send.DailyCap, pl.ToSend-allow.N, room, sum.CapAfter, againVerb(againOf(pl, opts))))
	}
}

// capReachedLine is the line of a run daily_cap (dailyCap) stopped with
// remain rows to send, when its summary has no line of the rows it held
// back (the report was not written): when the cap lets them go (when,
// capWhen's words), or, when it has room for some now (room: a message
// of the run that did not go, or one of the day before that left the
// cap's window), how many.
func capReachedLine(dailyCap, remain, room int, when, again string) string {
	if when != "" {
		when = " (" + when + ")"
	}
	if room <= 0 {
		return fmt.Sprintf("daily_cap %d reached: %d remain; run %s again once it allows%s", dailyCap, remain, again, when)
	}
	if room >= remain {
		return fmt.Sprintf("daily_cap %d reached: %d remain, and it has room for them now; run %s again to continue", dailyCap, remain, again)
	}
	return fmt.Sprintf("daily_cap %d reached: %d remain, and it has room for %d of them now, the rest once it allows%s; run %s again to continue", dailyCap, remain, room, when, again)
}

// againAlso is report.Summary.AgainAlso of a run with opts: the failed
// rows its send again retries (--retry-failed) and the unknown it sends
// again (--resend-unknown), which share the daily cap's room with the
// rows not sent.
func againAlso(sum report.Summary, opts sendOptions) int {
	n := 0
	if opts.retryFailed {
		n += sum.Failed - sum.FailedSuppressed
	}
	if opts.resendUnknown {
		n += sum.UnknownToSend()
	}
	return n
}

// capNext is send.daily_cap's room after a run (journal.State.Room): how many
// messages may go now, when the next may go once those have, and when
// each after it may (journal.State.CapSlots; 0, zero and none when the
// journal cannot be read). It depends on when the run's messages went,
// so the journal is read again (the lock is still held), interrupt or
// not.
func capNext(ctx context.Context, c *campaign.Campaign, opts sendOptions) (left int, next time.Time, slots []time.Time) {
	after, err := journal.Load(context.WithoutCancel(ctx), c.StateDir)
	if err != nil {
		return 0, time.Time{}, nil
	}
	defer after.Close()
	left, next = after.Room(c.Send.DailyCap, 24*time.Hour, opts.now())
	return left, next, after.CapSlots(c.Send.DailyCap, 24*time.Hour, opts.now())
}

// printSpool says, in words for a person, what the copies of the
// messages this run sent from (its spool generation) take on disk,
// where, whether this run made them, and what the copies earlier runs
// kept take with them, and that tidings show prints any of them. For a
// run that sends none (sentNone), the generation holds the rows as
// they are now, which the next send decides from without rendering: it
// says so, not that it holds copies of messages (a user's review took a
// send with nothing to send after an edit for one that made some). When
// rows are still to send (daily_cap let none go), it says whether the
// next send, once the cap's next slot opens (next), sends their messages
// from here (spoolWaits) or renders them afresh.
func printSpool(g *globalOptions, c *campaign.Campaign, pl *plan.Plan, sentNone bool, next time.Time) {
	if g.quiet {
		return // what --quiet leaves out: neither a problem nor the summary
	}
	how := "made by this run"
	if pl.Reused {
		how = "made by an earlier run and used again"
	}
	if gens, err := spool.OpenStore(filepath.Dir(pl.Spool.Dir())).Generations(); err == nil && len(gens) > 1 {
		var total int64
		for _, gen := range gens {
			total += gen.Size()
		}
		how += fmt.Sprintf("; %s with those of earlier runs", byteSize(total))
	}
	if sentNone && pl.ToSend > 0 && spoolWaits(pl, next) { // held back: daily_cap
		how += "; this run sent none of them: the next send sends those still to go from here, without rendering them again"
	} else if sentNone && pl.ToSend > 0 {
		how += fmt.Sprintf("; this run sent none of them: the send that sends the %s still to go renders %s afresh", report.Plural(pl.ToSend, "row"), verbFor(pl.ToSend, "its message", "their messages"))
	} else if sentNone {
		fmt.Fprintf(g.stdout, "the rows as they are now: %s in %s (%s; this run sent nothing: the next send decides from them without rendering them again); tidings show %s --row N prints what went to a row\n",
			byteSize(pl.Spool.Size()), displayPath(pl.Spool.Dir()), how, commandArg(c.File))
		return
	}
	fmt.Fprintf(g.stdout, "copies of the messages: %s in %s (%s); %s\n",
		byteSize(pl.Spool.Size()), displayPath(pl.Spool.Dir()), how, showAnyWords(c.File))
}

// spoolWaits says whether the next send sends the messages of the rows
// pl holds back (a run daily_cap let send none) from pl's generation:
// it holds every one (plan.Plan.Unspooled) and the cap's next slot
// (next; zero: not known) opens while a send still reuses it (partTime
// from its start). Else that send renders them afresh.
func spoolWaits(pl *plan.Plan, next time.Time) bool {
	return pl.Unspooled == 0 && !next.IsZero() && next.Before(pl.Spool.Started().Add(partTime))
}

// sendOutcome is errSomeNotSent, in words for this run, when not every
// planned row was sent (to all its recipients), or when the server refused
// some of a message's recipients for good, after naming those (the
// summary names the ones still owed). A part of a run that others follow
// says only the refused: the last part's report counts every part's rows.
func sendOutcome(g *globalOptions, pl *plan.Plan, sum report.Summary, allow plan.Allowance, opts sendOptions) error {
	refused := printRefused(g, pl) // whatever else went wrong: nothing sends to those again
	switch {
	case opts.part.more: // the last part's report and summary count every part's rows
		if refused {
			return errSomeNotSent
		}
		return nil
	case !sum.OK():
		return notSent(sum, againOf(pl, opts), pl.ToSend == 0, allow.Capped && allow.N < pl.ToSend)
	case refused:
		return errSomeNotSent
	case allow.N < pl.ToSend:
		// With --resend-changed while some may be rows sent again.
		return &notSentError{fmt.Sprintf("%d of %s still to send; run %s again", pl.ToSend-allow.N, report.Plural(opts.part.done+pl.ToSend, "recipient"), againVerb(againOf(pl, opts)))}
	}
	return nil
}

// printRefused says which messages reached some of their recipients
// while the server refused others for good (their rows count as sent). It
// reports whether there were any.
func printRefused(g *globalOptions, pl *plan.Plan) bool {
	lines, n := pl.Refused()
	if n > 0 {
		fmt.Fprintf(g.stdout, "%s some recipients while the server refused others for good; their rows count as sent:\n", report.Plural(n, "message")+" reached")
		for _, line := range lines {
			fmt.Fprintf(g.stdout, "  %s\n", line)
		}
		if n > len(lines) {
			fmt.Fprintf(g.stdout, "  and %d more (the report's detail names them)\n", n-len(lines))
		}
	}
	return n > 0
}

// printChanged notes the campaign's files that changed since an earlier
// send (plan.Changed, paths relative to the campaign's folder), if any;
// verb is how the rows still to send go: "go", "will go". When the
// journal (state) has no delivery on record (journal.State.Outcomes: a
// send that could not connect or log in, or test sends only), no message
// sent then stays as it went.
func printChanged(w io.Writer, c *campaign.Campaign, changed []string, verb string, state *journal.State) {
	if len(changed) == 0 {
		return
	}
	names := make([]string, len(changed))
	for i, f := range changed {
		names[i] = displayPath(filepath.Join(c.Dir, f))
		if env, ok := dkim.EnvKeyOf(c.Dir, f); ok {
			names[i] = "the DKIM key in $" + env
		}
	}
	if attempted, _ := state.Outcomes(); attempted == 0 {
		every := map[string]string{"go": "goes"}[verb]
		fmt.Fprintf(w, "note: %s changed since an earlier send of this campaign, which delivered to no recipient of the sheet: every row %s as the campaign is now\n",
			strings.Join(names, ", "), cmp.Or(every, verb))
		return
	}
	fmt.Fprintf(w, "note: %s changed since an earlier send of this campaign: the messages sent then stay as they went; the rows still to send %s as the campaign is now (tidings show prints what any recipient got)\n",
		strings.Join(names, ", "), verb)
}

// printSameAddress warns about the rows to send with a new key at an
// address sent to before under a key no longer in the sheet
// (plan.Decider.SameAddress).
func printSameAddress(w io.Writer, rows plan.RowList) {
	if rows.N > 0 {
		fmt.Fprintf(w, "warning: %s to send %s to addresses sent to before under keys no longer in the sheet (%s): a new recipient at the same address gets it, but one that was sent to under its old key would get it twice; put back the key of any such row\n",
			report.Plural(rows.N, "row"), verbFor(rows.N, "goes", "go"), rows)
	}
}

// verbFor is one when n is 1, else many.
func verbFor(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// printRevised lists the rows whose message went out before and whose
// values changed since (plan.Plan.Revised), with what changed: toSend of
// them go again in this run (--resend-changed, asked), the others do not;
// without asked, toSend counts those whose corrected message was deferred,
// which a plain send sends again (plan.Decider.OwedAnew). campaign is the
// campaign file, for the command that shows what went.
func printRevised(w io.Writer, rows plan.RowList, toSend int, asked bool, campaign string) {
	list := strings.Join(rows.Rows, "; ")
	if more := rows.N - len(rows.Rows); more > 0 {
		list += fmt.Sprintf("; and %s more", report.Plural(more, "row"))
	}
	switch {
	case rows.N == 0:
	case !asked && toSend > 0:
		printOwedAnew(w, rows, toSend, list, campaign)
	case asked && toSend == 0: // each says why
		fmt.Fprintf(w, "note: %s changed since %s went out, and %s not sent again: %s\n",
			report.Plural(rows.N, "row"), verbFor(rows.N, "its message", "their messages"), verbFor(rows.N, "is", "are"), list)
	case toSend > 0:
		which := report.Plural(rows.N, "row")
		if toSend < rows.N {
			which = fmt.Sprintf("%d of the %s", toSend, which)
		} else {
			which = "the " + which
		}
		fmt.Fprintf(w, "sending again, as %s now, %s whose values changed since %s went out, each a message with a Message-ID of its own: %s\n",
			verbFor(toSend, "it is", "they are"), which, verbFor(rows.N, "its message", "their messages"), list)
	default:
		fmt.Fprintf(w, "note: %s changed since %s went out, and %s not sent again: %s. %s%s\n",
			report.Plural(rows.N, "row"), verbFor(rows.N, "its message", "their messages"), verbFor(rows.N, "is", "are"), list,
			showWhatWent(campaign, rows.Rows, rows.N), resendAdvice(rows))
	}
}

// resendAdvice is what printRevised says send --resend-changed does for
// rows, told as changed without it: "; send --resend-changed sends them
// as they are now, …", or "the others" when the list gives some a
// reason it does not (plan.RevisedHeldLine: a bounce, the suppression
// list), nothing when it gives every row one (rev-eng19: check and
// preview offered it for a row that bounced, which it refuses).
func resendAdvice(rows plan.RowList) string {
	held := 0
	for _, line := range rows.Rows {
		if plan.RevisedHeldLine(line) {
			held++
		}
	}
	them := verbFor(rows.N, "it", "them") + " as " + verbFor(rows.N, "it is", "they are")
	switch {
	case held == rows.N:
		return ""
	case held > 0:
		them = "the others as they are"
	}
	return "; send --resend-changed sends " + them + " now, a message of its own (what went stays with whoever got it)"
}

// showWhich is what tidings show takes to print the message of the row
// of line, a line of a plan.RowList ("row 5 (key): …"): "--row 5"; ""
// when line names no row.
func showWhich(line string) string {
	var n int
	if _, err := fmt.Sscanf(line, "row %d", &n); err != nil {
		return ""
	}
	return "--row " + strconv.Itoa(n)
}

// showWhatWent is the tidings show command that prints what went to the
// n rows named first by lines (lines of a plan.RowList), as a person
// pastes it: "tidings show c.yaml --row 5 prints what went", and for
// several rows "… --row 5 prints what went to the first of them (--row N
// to any other)".
func showWhatWent(campaign string, lines []string, n int) string {
	cmd := "tidings show " + commandArg(campaign)
	which := ""
	if len(lines) > 0 {
		which = showWhich(lines[0])
	}
	switch {
	case which == "":
		return cmd + " --row N prints what went to row N"
	case n == 1:
		return cmd + " " + which + " prints what went"
	}
	return cmd + " " + which + " prints what went to the first of them (--row N to any other)"
}

// printOwedAnew is printRevised's note for a send without
// --resend-changed, or check or preview, when toSend of the rows that
// changed since their message went out have a corrected message the
// server deferred, which a plain send sends (list marks them, their
// lines ending in plan.DeferredAnewWords).
func printOwedAnew(w io.Writer, rows plan.RowList, toSend int, list, campaign string) {
	n := rows.N
	fmt.Fprintf(w, "note: %s changed since %s went out: %s", report.Plural(n, "row"), verbFor(n, "its message", "their messages"), list)
	if held := n - toSend; held > 0 {
		var heldLines []string
		for _, line := range rows.Rows {
			if !strings.HasSuffix(line, plan.DeferredAnewWords) {
				heldLines = append(heldLines, line)
			}
		}
		fmt.Fprintf(w, "; %s not sent again: %s, send --resend-changed sends %s",
			verbFor(held, "the other is", "the others are"), showWhatWent(campaign, heldLines, held), verbFor(held, "it", "them"))
	}
	fmt.Fprintln(w)
}

// printChangedUnsent tells of the rows whose message failed for good or
// went unknown and whose values changed since (plan.Plan.ChangedUnsent):
// a person who corrected an address after a failure expects the row to
// go, and a plain send leaves it.
func printChangedUnsent(w io.Writer, rows plan.RowList) {
	if rows.N == 0 {
		return
	}
	fmt.Fprintf(w, "note: %s whose message failed or went unknown changed since, and a plain send does not try %s again: %s. "+
		"send --retry-failed tries the failed rows again as they are now (every failed one), --resend-unknown the unknown ones (their recipients may get two copies)\n",
		report.Plural(rows.N, "row"), verbFor(rows.N, "it", "them"), rows)
}

// printOtherValues warns about the duplicates whose values differ from
// the first row's with their key (plan.Fate.OtherValues): under
// recipients.duplicates: first their values go nowhere, which a person
// who merged two lists may not know.
func printOtherValues(w io.Writer, rows plan.RowList) {
	if rows.N == 0 {
		return
	}
	fmt.Fprintf(w, "warning: %s %s the key of an earlier row with other values; under recipients.duplicates: first the earlier row stands for the key (its message goes, once that row has no problem), and %s go nowhere: %s. "+
		"Fix the sheet if they should, or set duplicates: strict to have such rows refused\n",
		report.Plural(rows.N, "row"), verbFor(rows.N, "has", "have"), verbFor(rows.N, "its values", "their values"), rows)
}

// printOwedGone warns about the rows whose message an earlier send
// delivered to some recipients and still owed others that the row no
// longer names (plan.Plan.OwedGone).
func printOwedGone(w io.Writer, rows plan.RowList) {
	if rows.N > 0 {
		fmt.Fprintf(w, "warning: %s went to some recipients only, and the ones the server deferred are no longer in the row (%s): nobody gets the message in their place, an address written there instead included; tidings sends a row once, by its key\n",
			report.Plural(rows.N, "message"), rows)
	}
}

// notSentError is errSomeNotSent in the words of one run.
type notSentError struct{ text string }

func (e *notSentError) Error() string        { return e.text }
func (e *notSentError) Is(target error) bool { return target == errSomeNotSent }

// notSent says which recipients are not sent and what to do about each
// kind; the command with the flags a (againVerb: "send --yes", the
// command the summary names) sends the deferred, the owed and the
// not-attempted, these as many as daily_cap lets go now (sum.CapLeft;
// capped: it let none when sum has no room noted), or, after a send
// refused to start as rows have problems (sum.Refused), once those are
// fixed; the advice to fix invalid rows adds that until then a send
// needs --skip-invalid, unless that command has it already; nothingLeft:
// this run had nothing to send. Its line is headed as the summary's list
// (report.ProblemsHeading): "not sent, or unknown" with unknown among
// them (they may have arrived), "not sent, or not to every recipient"
// with messages that went to some recipients only.
func notSent(sum report.Summary, a againFlags, nothingLeft, capped bool) error {
	again := againVerb(a)
	var parts, todo []string
	unknown := false
	for _, k := range []struct {
		st   sendpool.Status
		todo string
	}{
		{sendpool.StatusInvalid, "fix the rows named in the report"},
		{sendpool.StatusDeferred, "run " + again + " again to retry the deferred"},
		{sendpool.StatusFailed, failedTodo(sum)},
		{sendpool.StatusUnknown, "--resend-unknown sends the unknown again (they may get two copies)"},
		{sendpool.StatusNotAttempted, "run " + again + " again for the not-attempted"},
	} {
		switch stopped := stopTodo(sum, again); {
		case k.st != sendpool.StatusNotAttempted:
		case sum.Refused > 0: // the next send refuses them too
			k.todo = again + " sends the not-attempted once the rows with problems are fixed" + refusedCapWhen(sum, capped) + refusedStopWhen(sum)
		case stopped != "":
			k.todo = stopped
		case sum.CapShort():
			k.todo = fmt.Sprintf("run %s again for the not-attempted: daily_cap lets %d go now, the rest once it allows (above)", again, sum.CapLeft)
		case capped && sum.CapLeft == 0:
			k.todo = "daily_cap holds the not-attempted back: run " + again + " again once it allows (above)"
		}
		n := sum.Count(k.st)
		switch k.st { // no send tries these again
		case sendpool.StatusUnknown:
			n = sum.UnknownToSend()
		case sendpool.StatusFailed:
			n -= sum.FailedSuppressed
		}
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, k.st))
			todo = append(todo, k.todo)
		}
		unknown = unknown || n > 0 && k.st == sendpool.StatusUnknown
	}
	if sum.Owing > 0 {
		parts = append(parts, report.Plural(sum.Owing, "message")+" to some recipients only")
		todo = append(todo, "run "+again+" again to deliver to those the server deferred")
	}
	if sum.Invalid > 0 && len(todo) > 1 && !a.skipInvalid {
		// A send refuses a sheet with invalid rows unless told to skip them.
		todo[0] += " (until then, send again with --skip-invalid)"
	}
	heading := report.ProblemsHeading(sum.Owing > 0, unknown)
	text := fmt.Sprintf("%s: %s; %s", heading, strings.Join(parts, ", "), strings.Join(todo, "; "))
	if nothingLeft {
		text = "nothing was left to send; " + text
	}
	return &notSentError{text}
}

// refusedCapWhen ends notSent's advice for the not-attempted after a send
// refused to start (sum.Refused) with what daily_cap lets go once the
// rows are fixed, as its advice says without the refusal: all of them
// (""), some now (sum.CapShort), or none before its next slot (capped
// with no room left). rev-eng19: a refusal after a run the cap stopped
// said the rows go once fixed, and the fixed send sent none.
func refusedCapWhen(sum report.Summary, capped bool) string {
	switch {
	case sum.CapShort():
		return fmt.Sprintf(", daily_cap letting %d go now, the rest once it allows (above)", sum.CapLeft)
	case capped && sum.CapLeft == 0:
		return " and daily_cap allows (above)"
	}
	return ""
}

// refusedStopWhen ends notSent's advice for the not-attempted after a
// send refused to start (sum.Refused) with the stop of the run before it
// that still holds (sendpool.RefusedStop): " and the server's quota
// resets (often a day)"; "" for none. fix-report4: a quota stop, then a
// refusal, said the rows go once fixed, and a send before the quota
// reset stopped again.
func refusedStopWhen(sum report.Summary) string {
	if when := sendpool.StopWhen(sendpool.RefusedStop(sum.RefusedDetail)); when != "" {
		return " and " + when
	}
	return ""
}

// failedTodo is notSent's advice for the failed: --retry-failed, but
// after a bounce-rate stop, whose failed rows are the addresses to take
// out of the list, which a retry would only count again, and for rows
// the server refused to relay to, what to change first (relayTodo).
func failedTodo(sum report.Summary) string {
	if sum.Stopped > 0 && sendpool.IsBounceRateStop(sum.StopDetail) {
		return "take the failed out of the list (the to column of report.csv's failed rows), or correct their addresses and use --retry-failed"
	}
	todo := relayTodo(sum)
	if todo == "" {
		todo = "--retry-failed tries the failed again"
	}
	return noSuchTodo(sum, todo)
}

// noSuchTodo is failedTodo's advice todo with what to do first of the
// failed the server said do not exist (report.Summary.NoSuchAddress),
// which a retry only fails again (and counts against the sender): take
// them out of the list, or correct them.
func noSuchTodo(sum report.Summary, todo string) string {
	n := sum.NoSuchAddress
	switch {
	case n == 0:
		return todo
	case n >= sum.Failed-sum.FailedSuppressed:
		return fmt.Sprintf("the server says %s not exist: %s, or correct %s and use --retry-failed", verbFor(n, "the failed address does", "the failed addresses do"), outOfList(n), verbFor(n, "it", "them"))
	}
	return fmt.Sprintf("%s; the server says %d of the failed do not exist (5.1.1 and the like), which a retry fails again: %s, or correct them first", todo, n, outOfList(n))
}

// outOfList says how to take n failed addresses out of the list.
func outOfList(n int) string {
	return "put " + verbFor(n, "it", "them") + " in the suppress: file (the to column of report.csv's failed rows) or take " + verbFor(n, "its row", "their rows") + " out of the sheet"
}

// stopTodo is notSent's advice for the not-attempted when a run's stop
// left some that the next send would stop at again until something is
// changed (sendpool.StopFix: the settings, the list): to run again once
// it is; "" for any other stop, or none.
func stopTodo(sum report.Summary, again string) string {
	fix := sendpool.StopFix(sum.StopDetail)
	switch {
	case sum.Stopped == 0 || fix == "":
		return ""
	case sum.Stopped < sum.NotAttempted:
		return fmt.Sprintf("run %s again for the not-attempted, for the %d the stop left once %s", again, sum.Stopped, fix)
	}
	return "run " + again + " again for the not-attempted once " + fix
}

// confirm asks on a terminal before sending; without one it needs --yes.
// An interrupt while it waits for the answer ends the command as
// interrupted (nothing was sent).
func confirm(ctx context.Context, g *globalOptions, opts sendOptions, n int, cfg sendpool.Config, c *campaign.Campaign) error {
	if opts.yes || n == 0 {
		return nil
	}
	if !onTerminal(g) {
		return errNeedsYes
	}
	f := g.stdin.(*os.File)
	fmt.Fprintf(g.stderr, "Send %s through %s as %s? [y/N] ", report.Plural(n, "message"), cfg.Dialer.Server(), accountName(c))
	line, err := awaitInput(ctx, func() (string, error) { return bufio.NewReader(f).ReadString('\n') })
	if errors.Is(err, errInterrupted) {
		return err
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return &unusableError{err}
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return nil
	default:
		return &unusableError{errors.New("not confirmed; nothing was sent")}
	}
}

// errNeedsYes refuses a send without --yes off a terminal.
var errNeedsYes = &unusableError{errors.New("not on a terminal: pass --yes to send without confirmation")}

// onTerminal says whether g's standard input is a terminal, where send
// asks before it sends.
func onTerminal(g *globalOptions) bool {
	f, ok := g.stdin.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func accountName(c *campaign.Campaign) string {
	if c.SMTP.Username == "" {
		return "(no login)"
	}
	return c.SMTP.Username
}

// maxBounceRate is the campaign's send.max_bounce_rate as a fraction.
func maxBounceRate(c *campaign.Campaign) float64 { return c.Send.BounceLimit().Fraction() }

// sendSettings are the settings of this run for the report page: the
// campaign's send: section with --rate and --concurrency applied.
func sendSettings(c *campaign.Campaign, opts sendOptions) report.Settings {
	s := report.SettingsFrom(c.Send)
	if opts.rate != "" {
		s.Rate = opts.rate
	}
	if opts.concurrency > 0 {
		s.Concurrency = opts.concurrency
	}
	return s
}

// lastSendSettings is sendSettings of the journal's (state's) latest
// send (journal.State.LastSend: one that delivered, or one refused to
// start as rows have problems), under the --rate and --concurrency it
// recorded (recordAgain, read back by lastSendAgain): the settings
// report's page shows, as that send's own page did, beside the command
// to send the rest that names them (reportAgain); the campaign's when no
// send ran.
func lastSendSettings(c *campaign.Campaign, state *journal.State) report.Settings {
	a := lastSendAgain(state)
	return sendSettings(c, sendOptions{rate: a.rate, concurrency: a.concurrency})
}

// runFlags are the flags of this run worth keeping in the journal's run
// record that the next send does not carry on (--limit); recordAgain
// adds those it does.
func runFlags(opts sendOptions) map[string]string {
	if opts.limit <= 0 {
		return nil
	}
	return map[string]string{"limit": strconv.Itoa(opts.limit)}
}
