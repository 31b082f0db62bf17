package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/plan"
	"github.com/tidings/tidings/sendpool/report"
)

// errTestNotSent says some test messages were not accepted; exit code 1.
var errTestNotSent = errors.New("some test messages were not sent, or not to every test address")

// runTestSend is `send --test`: the chosen rows, rendered as test messages,
// delivered to the test addresses only through the campaign's pool, TLS,
// AUTH, DKIM and rate, and recorded as test sends (they count towards
// daily_cap and are no delivery of their rows).
func runTestSend(ctx context.Context, opts sendOptions, g *globalOptions, path string) error {
	opts.testSet = true
	rows, err := parseRows(opts.rows)
	if err != nil {
		return &unusableError{err}
	}
	switch {
	case opts.sample < 0 || opts.sampleSet && opts.sample == 0 || opts.sample > 0 && len(rows) > 0:
		return &unusableError{errors.New("--sample: give a positive count, and not together with --rows")}
	case opts.limit != 0:
		return &unusableError{errors.New("--limit does not go with --test: --sample N chooses how many rows to test")}
	}
	if err := render.CheckTestAddresses(opts.test); err != nil {
		return &unusableError{fmt.Errorf("--test: %w", err)}
	}
	for _, w := range render.TestAddressWarnings(opts.test) {
		fmt.Fprintln(g.stdout, "warning: --test:", w)
	}
	g.interrupt.testSending()
	st, err := startSend(ctx, opts, g, path, nil)
	if err != nil {
		return inputChangedAgain(err, "run again: "+testAgainCommand(path, opts))
	}
	defer st.close()
	in, c, cfg, lock, state, pl := st.in, st.in.Campaign, st.cfg, st.lock, st.state, st.pl
	msgs, err := testMessages(ctx, g, in, pl, plan.Test{To: opts.test, Rows: rows, Sample: opts.sample, Run: plan.TestRun(opts.now())})
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		if err := noteShortSample(ctx, g, pl, opts, len(msgs)); err != nil {
			return err
		}
	}
	if left, _ := state.Quota(c.Send.DailyCap, 24*time.Hour, opts.now()); left < len(msgs) {
		again := "" // a test of more than the cap's day never goes whole
		if len(msgs) <= c.Send.DailyCap {
			again = testCapAgain(state, c.Send.DailyCap, len(msgs)-left, path, opts)
		}
		return &problemsError{n: len(msgs), text: fmt.Sprintf("daily_cap %d: %s may go now and the test has %d; nothing was sent%s",
			c.Send.DailyCap, report.Plural(left, "message"), len(msgs), again)}
	}
	printSheetEncoding(g, in.Sheet)
	if !g.quiet { // --quiet: the plan is neither a problem nor the summary
		fmt.Fprintf(g.stdout, "%s: test send of %s to %s via %s as %s\n", c.Name, report.Plural(len(msgs), "message"), strings.Join(msgs[0].Recipients, ", "), cfg.Dialer.Server(), accountName(c))
	}
	g.interrupt.delivering()
	return deliverTest(ctx, g, lock, cfg, msgs, c, opts)
}

// testMessages renders the test messages, printing the problems of the
// chosen rows that have any.
func testMessages(ctx context.Context, g *globalOptions, in *plan.Inputs, pl *plan.Plan, t plan.Test) ([]*render.Message, error) {
	msgs, err := pl.TestMessages(ctx, in, t)
	rowsErr, isRows := errors.AsType[*plan.TestRowsError](err)
	switch {
	case err == nil:
		return msgs, noteNotSending(ctx, g, pl, t.Rows)
	case errors.Is(err, render.ErrTestAddress):
		return nil, &unusableError{fmt.Errorf("--test: %w", err)}
	case !isRows:
		return nil, &unusableError{err}
	}
	for _, p := range rowsErr.Problems {
		printProblem(g.stdout, p)
	}
	n := len(rowsErr.Problems)
	return nil, &problemsError{n: n, text: fmt.Sprintf("%s chosen for the test %s a problem; nothing was sent", report.Plural(n, "row"), verbFor(n, "has", "have"))}
}

// noteShortSample notes that a sample (--sample, or the default) of more
// rows than the sheet has to send tests only the n it has, and why the
// others are not sent.
func noteShortSample(ctx context.Context, g *globalOptions, pl *plan.Plan, opts sendOptions, n int) error {
	asked, what := opts.sample, fmt.Sprintf("--sample %d", opts.sample)
	if !opts.sampleSet {
		asked, what = plan.DefaultSample, fmt.Sprintf("a test sends %d rows unless told (--sample)", plan.DefaultSample)
	}
	if n >= asked {
		return nil
	}
	why, err := pl.NotSendingWhy(ctx)
	if err != nil {
		return &unusableError{err}
	}
	others := ""
	if len(why) > 0 {
		others = fmt.Sprintf(" (of its %s: %s)", report.Plural(pl.Rows, "row"), strings.Join(why, ", "))
	}
	fmt.Fprintf(g.stdout, "note: %s: the sheet has only %s to send%s; testing %s\n",
		what, report.Plural(n, "row"), others, verbFor(n, "that one", fmt.Sprintf("those %d", n)))
	return nil
}

// noteNotSending notes the rows named for a test (rows) that a send
// would not send: a duplicate, a row sent already, a suppressed one.
func noteNotSending(ctx context.Context, g *globalOptions, pl *plan.Plan, rows []int) error {
	if len(rows) == 0 {
		return nil
	}
	lines, err := pl.NotSending(ctx, rows)
	if err != nil {
		return &unusableError{err}
	}
	if len(lines) > 0 {
		fmt.Fprintf(g.stdout, "note: send would not send %s, whose test %s all the same: %s\n",
			verbFor(len(lines), "this row", "these rows"), verbFor(len(lines), "message goes", "messages go"), strings.Join(lines, "; "))
	}
	return nil
}

// deliverTest sends msgs, journaled as test sends, and prints each outcome.
func deliverTest(ctx context.Context, g *globalOptions, lock *journal.Lock, cfg sendpool.Config, msgs []*render.Message, c *campaign.Campaign, opts sendOptions) error {
	w, err := journal.Open(ctx, lock, newRun(c, opts.now(), map[string]string{"test": strconv.Itoa(len(msgs))}))
	if err != nil {
		return &unusableError{err}
	}
	for _, m := range msgs {
		if m.UTF8 {
			cfg.SMTPUTF8Rows = append(cfg.SMTPUTF8Rows, m.Row)
		}
	}
	_, endAside := g.printAside(nil) // the pool's notices never wait for the terminal
	results, runErr := plan.DeliverTest(ctx, cfg, msgs, w)
	endAside()
	closeErr := w.Close()
	slices.SortFunc(results, func(a, b sendpool.Result) int { return cmp.Compare(a.Row, b.Row) })
	sent, refused := 0, map[string]bool{}
	for _, r := range results {
		line := fmt.Sprintf("  row %d (%s)  %s  %s", r.Row, r.Key, r.Status, outcomeText(r))
		if runErr != nil && r.Status == sendpool.StatusNotAttempted {
			line = fmt.Sprintf("  row %d (%s)  %s: the run stopped (see below)", r.Row, r.Key, r.Status)
		}
		if r.Status == sendpool.StatusSent {
			sent++
			for _, rr := range r.Recipients {
				if rr.Status != sendpool.StatusSent {
					refused[rr.Address] = true
				}
			}
		}
		fmt.Fprintln(g.stdout, line)
	}
	note := "the rows' own recipients got nothing from this run"
	if c.Send.DailyCap > 0 {
		note += "; test messages count towards daily_cap"
	}
	fmt.Fprintf(g.stdout, "test send: %d of %s sent%s; %s\n", sent, report.Plural(len(msgs), "message"), notTo(refused), note)
	testSent(g.interrupt, len(results) == len(msgs) && !slices.ContainsFunc(results, func(r sendpool.Result) bool { return r.Status == sendpool.StatusNotAttempted }))
	if err := errors.Join(runErr, closeErr); err != nil {
		return err
	}
	if sent < len(msgs) || len(refused) > 0 {
		return errTestNotSent
	}
	return nil
}

// testSent tells words that a test send's messages are done with and
// its outcome printed, every message tried (all: sent or refused) or
// not: an interrupt's words, which wait out its echoes (absorbEchoes),
// then tell no message in flight, nor of others not sent where none is.
func testSent(words *interruptWords, all bool) {
	if all {
		words.dispatched()
	}
	words.delivered()
	words.summarized()
}

// notTo names the test addresses a message sent to the others did not
// reach (the server refused them: the row lines say why): "" for none.
func notTo(refused map[string]bool) string {
	if len(refused) == 0 {
		return ""
	}
	return ", but not to " + strings.Join(slices.Sorted(maps.Keys(refused)), ", ")
}

// outcomeText is a result's server reply, or its local explanation.
func outcomeText(r sendpool.Result) string {
	if r.Code != 0 {
		return strings.TrimSpace(fmt.Sprintf("%d %s %s", r.Code, r.EnhancedCode, sendpool.OneLine(r.Detail)))
	}
	return sendpool.OneLine(r.Detail)
}

// parseRows reads --rows: row numbers and ranges ("2,7,10-12"), as the
// sheet numbers its rows (the header is row 1).
func parseRows(s string) ([]int, error) {
	var rows []int
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		a, err1 := strconv.Atoi(strings.TrimSpace(lo))
		b, err2 := a, error(nil)
		if isRange {
			b, err2 = strconv.Atoi(strings.TrimSpace(hi))
		}
		switch {
		case err1 != nil || err2 != nil:
			return nil, fmt.Errorf("--rows: %q is not a row number or a range like 10-12", part)
		case b < a:
			return nil, fmt.Errorf("--rows: %q runs backwards: write the lower row first (%d-%d)", part, b, a)
		case a < 2:
			return nil, fmt.Errorf("--rows: row %d is the header or before it; the first recipient is row 2", a)
		case b-a >= 1000:
			return nil, fmt.Errorf("--rows: %q names more than 1000 rows; a test takes a few", part)
		}
		for r := a; r <= b; r++ {
			rows = append(rows, r)
		}
	}
	return rows, nil
}

// testAgainCommand is the command line of the test send run with opts of
// the campaign at path, for an error that asks for it again: --test, and
// --rows, --sample and --yes as given, each a word the shell reads back as
// it is.
func testAgainCommand(path string, opts sendOptions) string {
	words := []string{"tidings", "send", "--test", journal.ShellWord(opts.test)}
	switch {
	case opts.rows != "":
		words = append(words, "--rows", journal.ShellWord(opts.rows))
	case opts.sample > 0:
		words = append(words, "--sample", strconv.Itoa(opts.sample))
	}
	if opts.yes {
		words = append(words, "--yes")
	}
	return strings.Join(append(words, commandArg(path)), " ")
}

// testCapAgain is what a send --test that send.daily_cap holds back
// says after "nothing was sent": the test send's command to run again
// once the cap lets its n messages past those it lets go now, and when
// (capLater's words); "" when the cap's window holds none.
func testCapAgain(state *journal.State, dailyCap, n int, path string, opts sendOptions) string {
	when := capLater(state, dailyCap, n, opts.now())
	if when == "" {
		return ""
	}
	return ": run " + testAgainCommand(path, opts) + " again once the cap allows (" + when + ")"
}
