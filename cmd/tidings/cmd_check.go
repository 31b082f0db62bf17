package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/mailbox"
	"github.com/tidings/tidings/sendpool/plan"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/smtpclient"
	"github.com/tidings/tidings/sendpool/spool"
)

// checkOptions are the flags of `tidings check`.
type checkOptions struct {
	// maxProblems limits how many rows' problems are printed (all are
	// counted).
	maxProblems int
	// dnsRecords prints the DKIM keys' DNS TXT records.
	dnsRecords bool
}

func newCheckCommand(g *globalOptions) *cobra.Command {
	var opts checkOptions
	cmd := &cobra.Command{
		Use:   "check CAMPAIGN.yaml",
		Short: "Check every row, name every problem; send nothing",
		Long: `check loads the campaign, reads every row of the sheet and renders every message
in memory. It prints each problem with file, row and column, then a summary.
Exit code: 0 when every row is fine, 1 when some rows have problems, 2 when the
campaign itself is unusable.`,
		Args:              oneArg,
		ValidArgsFunction: completeCampaign,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCheck(cmd.Context(), opts, g, args[0])
		},
	}
	cmd.Flags().IntVar(&opts.maxProblems, "max-problems", 1000, "print the problems of at most this many rows, a kind of problem in full for its first 3, the others named (0: all, each in full)")
	cmd.Flags().BoolVar(&opts.dnsRecords, "dns-records", false, "print the DNS TXT records of the DKIM keys, to publish")
	return cmd
}

// checkSummary counts what check found.
type checkSummary struct {
	rows, ok, problems int
	bytes              int64
	// dupBytes are the duplicates' part of bytes: send keeps no copy of
	// a duplicate's message (spoolNote's estimate leaves them out).
	dupBytes int64
	// duplicate and suppressed count rows send will skip on purpose; done
	// the rows the journal says need no sending (sent, or failed or
	// unknown without the flags that retry them); utf8 the messages that
	// need SMTPUTF8; sending the rows a send running beside has in hand.
	duplicate, suppressed, done, utf8, sending int
	// wentOut counts the rows with a problem now whose message went out
	// from them before (wentOutBefore): no sending, no problem.
	wentOut int
	// doneAs counts the rows of done and wentOut by the status report
	// gives them (cameBack: bounced, soft-bounce or complained when that
	// came back since; else the journal's sent, failed or unknown), but
	// for sent, the rest (nil until one is counted); state is the
	// journal they are told from (nil: every one is counted sent).
	doneAs map[sendpool.Status]int
	state  *journal.State
	// sentBefore counts the rows send sends nothing now because their
	// message went out before (plan.Plan.SentBefore, as send counts them).
	sentBefore int
	// copyOnly counts the rows suppressed for a Cc or Bcc alone (their To
	// is not on the list); copyRows names the first few.
	copyOnly int
	copyRows []string
	// owedGone lists the rows that still owed recipients no longer in
	// them (plan.Fate.OwedGone).
	owedGone plan.RowList
	// revised lists the rows whose values changed since their message
	// went out (plan.Decider.Revised); owedAnew counts those among them
	// that a plain send sends again (plan.Decider.OwedAnew).
	revised  plan.RowList
	owedAnew int
	// changedUnsent lists the rows whose message failed or went unknown
	// whose values changed since (plan.Decider.ChangedUnsent).
	changedUnsent plan.RowList
	// otherValues lists the duplicates with other values than the first
	// row's (plan.Fate.OtherValues), duplicates every duplicate.
	otherValues, duplicates plan.RowList
}

// noteRevised adds m, of fate f, to s.revised when its values changed
// since its message went out, and to s.changedUnsent when they changed
// since its message failed or went unknown. owedAnew is true when a
// plain send sends m (its corrected message was deferred and nothing
// holds it back: plan.Decider.RevisedHeld), resends when a send
// --resend-changed does (it changed and nothing holds it back), as
// send's plan judges it.
func (s *checkSummary) noteRevised(decider *plan.Decider, m *render.Message, f plan.Fate) (owedAnew, resends bool, err error) {
	sums := func() ([]uint16, error) { return m.ValueSums, nil }
	changed, err := decider.Revised(f, m.Key, m.ValuesSum, sums)
	if len(changed) > 0 {
		held, herr := decider.RevisedHeld(m.Key, m.To, m.Recipients)
		if err == nil {
			err = herr
		}
		resends = held == "" && herr == nil
		line := plan.RevisedLine(m.Row, m.Key, changed)
		switch anew := decider.OwedAnew(m.Key, m.ValuesSum); {
		case anew && resends:
			owedAnew = true
			s.revised.Add(line + plan.DeferredAnewWords)
			s.owedAnew++
		case held != "": // as send's plan words it (plan.RevisedHeldLine)
			s.revised.Add(line + " (not sent again: " + held + ")")
		default:
			s.revised.Add(line)
		}
	}
	if err != nil {
		return false, false, err
	}
	if changed, err = decider.ChangedUnsent(f, m.Key, m.ValuesSum, sums); len(changed) > 0 {
		s.changedUnsent.Add(plan.ChangedUnsentLine(m.Row, m.Key, changed, f.Status))
	}
	return owedAnew, resends, err
}

// accept adds m, a row without a problem, of fate f, to the summary, and
// its recipients' domains to domains when send would send it; toSend
// says whether it would, as send's plan judges it (a row still owing
// recipients no longer in it needs no sending, one whose corrected
// message was deferred is to send); resends whether a send
// --resend-changed would send it again (noteRevised).
func (s *checkSummary) accept(decider *plan.Decider, m *render.Message, f plan.Fate, domains map[string]int) (toSend, resends bool, err error) {
	if f.OwedGone(m.Recipients) {
		f.Send, f.Status = false, sendpool.StatusSent // as send judges it
		s.owedGone.Add(plan.OwedLine(m.Row, f.Journal.Owed))
	}
	toSend = s.count(m, f)
	owedAnew, resends, err := s.noteRevised(decider, m, f)
	if owedAnew && !toSend {
		s.done-- // its corrected message was deferred: a plain send sends it
		s.noteDone(s.doneStatus(f, m), -1)
		toSend = true
	}
	if toSend {
		for _, d := range sendpool.MessageDomains(m) {
			domains[d]++
		}
	}
	return toSend, resends, err
}

// countAsSend moves m, of fate f, which count counted (toSend: as a row
// to send), to where send counts it, as accept does: a row still owing
// recipients no longer in it (plan.Fate.OwedGone) needs no sending, and
// one whose corrected message was deferred (owedAnew) is to send; it
// reports whether send sends m. Preview, which lists such rows as they
// went, counts them so.
func (s *checkSummary) countAsSend(m *render.Message, f plan.Fate, toSend, owedAnew bool) bool {
	switch {
	case toSend && f.OwedGone(m.Recipients):
		s.done++
		s.noteDone(sendpool.StatusSent, 1)
		return false
	case !toSend && owedAnew:
		s.done--
		s.noteDone(s.doneStatus(f, m), -1)
		return true
	}
	return toSend
}

// maxCopyRows is how many rows suppressed for a Cc or Bcc check names.
const maxCopyRows = 5

// count adds a row that rendered, and its fate, to the summary; it
// reports whether the row is to be sent.
func (s *checkSummary) count(m *render.Message, f plan.Fate) bool {
	s.ok++
	s.bytes += int64(len(m.Data))
	if m.UTF8 {
		s.utf8++
	}
	switch {
	case f.Send:
	case f.Status == sendpool.StatusDuplicate:
		s.duplicate++
		s.dupBytes += int64(len(m.Data))
		of, _, _ := strings.Cut(f.Detail, ",") // "duplicate of row 2": otherValues tells the rest
		s.duplicates.Add(fmt.Sprintf("row %d (%s)", m.Row, of))
		if f.OtherValues {
			s.otherValues.Add(plan.OtherValuesLine(m.Row, m.Key))
		}
	case f.Status == sendpool.StatusSuppressed:
		s.suppressed++
		if f.Copy != "" {
			if s.copyOnly++; len(s.copyRows) < maxCopyRows {
				s.copyRows = append(s.copyRows, fmt.Sprintf("row %d (%s)", m.Row, f.Copy))
			}
		}
	case f.Status == sendpool.StatusSending:
		s.sending++
	default:
		s.done++
		s.noteDone(s.doneStatus(f, m), 1)
		if f.WentOut() {
			s.sentBefore++
		}
	}
	return f.Send
}

// wentOutBefore reports whether m, a row with a problem (nil when it
// did not get that far), sent its message before
// (journal.State.WentOutAt): send leaves such a row as it went. A row
// whose problem is an earlier row's key with other values
// (plan.ErrKeyReused) is no such row: which row the key stands for is
// the question, as send judges it.
func wentOutBefore(state *journal.State, m *render.Message, problem error, facets []string) (bool, error) {
	if m == nil || m.Key == "" || errors.Is(problem, plan.ErrKeyReused) {
		return false, nil
	}
	return state.WentOutAt(m.Key, m.Row, facets, m.ColumnSums())
}

// printDuplicates names the first duplicates send will skip, each with
// the row it repeats.
func printDuplicates(w io.Writer, rows plan.RowList) {
	if rows.N > 0 {
		fmt.Fprintf(w, "note: send will skip %s: %s\n", report.Plural(rows.N, "duplicate"), rows)
	}
}

// printCopyOnly warns about the rows suppressed for a Cc or Bcc alone, or
// for one of several addresses of their To.
func (s *checkSummary) printCopyOnly(w io.Writer) {
	if s.copyOnly == 0 {
		return
	}
	more := ""
	if n := s.copyOnly - len(s.copyRows); n > 0 {
		more = fmt.Sprintf(" and %d more", n)
	}
	fmt.Fprintf(w, "warning: %s will not be sent, their To included, because a Cc or Bcc of theirs (or one of several addresses in their To) is suppressed: %s%s; take the address out of the row to send it\n",
		report.Plural(s.copyOnly, "row"), strings.Join(s.copyRows, ", "), more)
}

// toSend counts the rows send would send: those without a problem but
// the ones it skips (duplicate, suppressed), the journal has settled, or
// a send running beside has in hand.
func (s *checkSummary) toSend() int {
	return s.ok - s.duplicate - s.suppressed - s.done - s.sending
}

// line is the summary line check prints, without its newline; preview
// prints the same, followed by what it wrote. Its counts add up to the
// recipients: ready (toSend), with problems, skipped, needing no sending
// and being sent.
func (s *checkSummary) line(name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s, %d ready, %d with problems", name, report.Plural(s.rows, "recipient"), s.toSend(), s.problems)
	if s.ok > 0 {
		fmt.Fprintf(&b, ", %.1f KB per message on average", float64(s.bytes)/float64(s.ok)/1024)
	}
	var skip []string
	if s.duplicate > 0 {
		skip = append(skip, report.Plural(s.duplicate, "duplicate"))
	}
	if s.suppressed > 0 {
		skip = append(skip, fmt.Sprintf("%d suppressed", s.suppressed))
	}
	if len(skip) > 0 {
		fmt.Fprintf(&b, "; send will skip %s", strings.Join(skip, " and "))
	}
	if n := s.done + s.wentOut; n > 0 {
		fmt.Fprintf(&b, "; %d %s no sending (%s)", n, verbFor(n, "needs", "need"), s.doneWords(n))
	}
	if s.sending > 0 {
		fmt.Fprintf(&b, "; %d being sent now by the send that is running (their replies have not come yet)", s.sending)
	}
	return b.String()
}

// noteDone counts d (1, or -1 to take it back) rows needing no sending
// under st, the status report gives them (doneAs).
func (s *checkSummary) noteDone(st sendpool.Status, d int) {
	if st == sendpool.StatusSent {
		return // the rest
	}
	if s.doneAs == nil {
		s.doneAs = map[sendpool.Status]int{}
	}
	s.doneAs[st] += d
}

// doneStatus is the status report gives m, a row needing no sending of
// fate f: cameBack's when f has the journal's entry (preview's
// plan.Decider.Decide), else, for check's plan.Decider.Settle, which
// reads no entry of a sent row, what came back for its message since as
// the journal holds it in memory (journal.Brief.Feedback).
func (s *checkSummary) doneStatus(f plan.Fate, m *render.Message) sendpool.Status {
	if f.Journal.Entry != nil || f.Status != sendpool.StatusSent || s.state == nil {
		return cameBack(f, m.Recipients).Status
	}
	if b, ok := s.state.Brief(m.Key); ok {
		if st, told := b.Feedback.Status(); told {
			return st
		}
	}
	return f.Status
}

// noteWentOut counts m, a row with a problem now whose message went out
// from it before (wentOutBefore), under the status report gives it:
// sent, or what came back since (report.CameBack).
func (s *checkSummary) noteWentOut(m *render.Message) {
	s.wentOut++
	if s.state == nil {
		return
	}
	if e, err := s.state.Entry(m.Key); err == nil {
		if line, ok := report.CameBack(e, m.Recipients); ok {
			s.noteDone(line.Status, 1)
		}
	}
}

// doneWords says what the n rows needing no sending are, as report's
// statuses count them, sent first: "40 sent, 2 bounced, 1 failed".
func (s *checkSummary) doneWords(n int) string {
	var words []string
	for _, st := range sendpool.Statuses()[1:] {
		if k := s.doneAs[st]; k > 0 {
			n -= k
			words = append(words, fmt.Sprintf("%d %s", k, st))
		}
	}
	if n > 0 || len(words) == 0 {
		words = append([]string{fmt.Sprintf("%d sent", n)}, words...)
	}
	return strings.Join(words, ", ")
}

// decideRow decides m, a rendered row, with decide (the Decider's Settle
// or Decide), or notes m's problem (err) to the Decider. It returns m's
// fate and its problem: err, or the one decide finds (an earlier row with
// m's key and other values: plan.ErrKeyReused). stop is any other error,
// which ends the run.
func decideRow(decider *plan.Decider, decide func(*render.Message) (plan.Fate, error), m *render.Message, err error) (f plan.Fate, problem, stop error) {
	if err != nil {
		if kp := decider.Problem(m, err); kp != nil && isRowProblem(err) { // an earlier row's key too: nothing excuses it
			err = campaign.JoinRow(err, kp)
		}
		return f, err, nil
	}
	if f, err = decide(m); err != nil && !isRowProblem(err) {
		return f, nil, err
	}
	return f, err, nil
}

// runCheck renders every recipient of the campaign at path and reports the
// problems on g.stdout. It returns a *problemsError when rows have problems.
// Its output's reader gone, it ends as outputGone says.
func runCheck(ctx context.Context, opts checkOptions, g *globalOptions, path string) error {
	// Its reader gone (check c.yaml | head -1, once head has read a
	// problem), check stops rendering the rows then, not at its next
	// line, which may come only after the last row.
	ctx, stopWatch := watchOutput(ctx, g.stdout)
	defer stopWatch()
	err := checkWatched(ctx, opts, g, path)
	if err != nil && errors.Is(context.Cause(ctx), errOutputGone) {
		return outputGone(g.stdout, "check: stopped")
	}
	return err
}

// checkWatched is runCheck once its output is watched (ctx is cancelled
// with errOutputGone when its reader goes).
func checkWatched(ctx context.Context, opts checkOptions, g *globalOptions, path string) error {
	if opts.maxProblems < 0 {
		// Taken for "no limit", it printed no problem at all.
		return &unusableError{fmt.Errorf("--max-problems: %d must not be negative (0 prints all)", opts.maxProblems)}
	}
	in, err := plan.Open(ctx, path)
	if err != nil {
		return &unusableError{err}
	}
	defer in.Close()
	defer softMemoryLimit(checkHeadroom)()
	state, err := journal.Load(ctx, in.Campaign.StateDir) // read-only: no lock, works beside a running send
	if err != nil {
		return &unusableError{err}
	}
	defer state.Close()
	printJournalWarnings(g, state.Warnings)
	printSaltProblem(g, in, state)
	if h, ok := besideSend(state, in.Campaign.StateDir); ok {
		fmt.Fprintf(g.stdout, "note: %s: this check sees the journal as far as that run got\n", runningWords(h))
	}
	decider := plan.NewDecider(in, state, journal.Policy{})
	defer decider.Close()
	was := renamedFrom(ctx, in.Campaign, state) // the name c's file was sent under before, if renamed
	earlier := openEarlierIssue(ctx, in.Campaign, was)
	defer earlier.Close()
	pass := &checkPass{opts: opts, g: g, state: state, decider: decider, earlier: earlier, sum: checkSummary{state: state},
		domains: map[string]int{}, probs: newProblemPrinter(g.stdout, opts.maxProblems)}
	pass.warn = newMessageWarnings(g.stdout, in.Campaign.Recipients.Path, in.Renderer)
	sheetWarn := &sheetWarnings{w: g.stdout, in: in}
	sheetWarn.First()
	if err := in.Renderer.Each(ctx, in.Sheet, plan.Workers(), pass.row); err != nil {
		return &unusableError{err}
	}
	pass.probs.Done()
	sum := &pass.sum
	if pairs, more := decider.Reused(); len(pairs) > 0 {
		if err := printReused(ctx, g.stdout, in, pairs, more, opts.maxProblems, opts.maxProblems == 0); err != nil {
			return &unusableError{err}
		}
	}
	pass.warn.Done()
	sheetWarn.Rest()
	if err := printCheckNotes(g.stdout, in, state, sum, was); err != nil {
		return err
	}
	earlier.print(g.stdout, in.Campaign)
	printSheetEncoding(g, in.Sheet)
	fmt.Fprintln(g.stdout, sum.line(in.Campaign.Name))
	printDKIM(g, in.Signer, opts.dnsRecords)
	printSpoolNote(g, in.Campaign, sum.bytes-sum.dupBytes)
	if sum.utf8 > 0 {
		fmt.Fprintf(g.stdout, "warning: %s a non-ASCII local part: the server must offer SMTPUTF8 (RFC 6531): send stops before sending anything when it does not; tidings probe shows whether it does\n", hasHave(sum.utf8, "recipient"))
	}
	return checkVerdict(g, in.Campaign, state, decider, sum, pass.domains)
}

// printSheetEncoding says, when the sheet is CSV in another encoding
// than UTF-8 or one a setting or mark chose, which it is read in
// (campaign.SheetEncoding), so a sheet read in the wrong one is caught
// by its name before a message goes: check and preview above their
// summary, send and send --test above their plan; nothing under --quiet.
func printSheetEncoding(g *globalOptions, s campaign.Sheet) {
	if note := campaign.SheetEncoding(s); note != "" && !g.quiet {
		fmt.Fprintln(g.stdout, note)
	}
}

// printWentOutNote says on w that m, a row whose message a send settled
// before from it (wentOutBefore), has problem now, which send leaves as
// it was: check's and preview's note in place of the row's problem.
func printWentOutNote(w io.Writer, m *render.Message, problem error) {
	fmt.Fprintf(w, "note: row %d (%s) has a problem now, but a send settled it before from that row, which send leaves as it was: %s\n", m.Row, m.Key, problemText(problem))
}

// checkPass is check's pass over a campaign's rows: what it decides each
// row by (the journal's decider; the journal of the name the campaign
// file had before, earlier, nil for none), and what it counts and prints
// of them.
type checkPass struct {
	opts    checkOptions
	g       *globalOptions
	state   *journal.State
	decider *plan.Decider
	earlier *earlierIssue
	sum     checkSummary
	domains map[string]int // messages per recipient domain, for the estimate
	warn    *messageWarnings
	probs   *problemPrinter
}

// row takes one row as the renderer made it (Renderer.Each's callback,
// called one row at a time): m, or its problem err. It counts the row in
// p.sum as send would decide it, prints its problem (a note instead when
// a send settled the row before from it: wentOutBefore) and keeps its
// warnings for p.warn. The error ends the pass: the journal could not be
// read, or the decider stopped.
func (p *checkPass) row(m *render.Message, err error) error {
	p.sum.rows++
	f, err, stop := decideRow(p.decider, p.decider.Settle, m, err)
	if stop != nil {
		return stop
	}
	if err != nil {
		if went, werr := wentOutBefore(p.state, m, err, p.decider.Facets()); went || werr != nil {
			if p.sum.noteWentOut(m); werr == nil && (p.opts.maxProblems == 0 || p.sum.wentOut <= p.opts.maxProblems) {
				printWentOutNote(p.g.stdout, m, err)
			}
			return werr
		}
		p.sum.problems++
		p.probs.Print(err)
		return nil
	}
	toSend, resends, err := p.sum.accept(p.decider, m, f, p.domains)
	if toSend {
		p.earlier.note(m.Row, m.Key, m.ValuesSum)
	}
	if !toSend && !resends {
		// As send tells of the rows it sends only; of a row changed
		// since its message went, what send --resend-changed tells.
		m.Unsent()
	}
	p.warn.Add(m)
	return err
}

// printCheckNotes writes what check says of the campaign once its rows
// are read (sum), before its summary line: the campaign's warnings (the
// sheet's came before its rows: sheetWarnings), the rows a send settles otherwise than their values say
// (copies only, owed, revised, changed, duplicates), a campaign renamed or
// another's state, and what changed since the last send. The error is an
// *unusableError: the campaign's files could not be read to compare
// (plan.Changed).
func printCheckNotes(w io.Writer, in *plan.Inputs, state *journal.State, sum *checkSummary, was string) error {
	printWarnings(w, campaignWarnings(in, sum.ok))
	printWarnings(w, nonEmpty(stateFolderWarning(in.Campaign)))
	sum.printCopyOnly(w)
	printOwedGone(w, sum.owedGone)
	printRevised(w, sum.revised, sum.owedAnew, false, in.Campaign.File)
	printNewIssueChanged(w, in.Campaign, sum.revised.N, sum.sentBefore)
	printChangedUnsent(w, sum.changedUnsent)
	printOtherValues(w, sum.otherValues)
	printDuplicates(w, sum.duplicates)
	if was != "" {
		fmt.Fprintln(w, "warning:", renamedError(in.Campaign, was))
	}
	if err := foreignState(in.Campaign, state); err != nil {
		fmt.Fprintln(w, "warning:", err)
	}
	changed, err := plan.Changed(in)
	if err != nil {
		return &unusableError{err}
	}
	printChanged(w, in.Campaign, changed, "will go", state)
	return nil
}

// checkVerdict ends a check: what send would stop at (a damaged
// journal, keys that changed: unusable), else the estimate of the
// delivery and the problems found.
func checkVerdict(g *globalOptions, c *campaign.Campaign, state *journal.State, decider *plan.Decider, sum *checkSummary, domains map[string]int) error {
	if err := journalDamage(state); err != nil {
		return err // send would stop: check says so
	}
	if err := decider.KeyChange(); err != nil {
		return &unusableError{err} // as send would
	}
	printSameAddress(g.stdout, decider.SameAddress())
	printNewIssueKeys(g.stdout, c, decider.SameAddress().N, sum.sentBefore)
	toSend := sum.toSend()
	if c.SMTP.Host != "" && toSend > 0 && !g.quiet { // --quiet: no estimate
		if e, ok := estimate(state, c, domains, toSend); ok {
			fmt.Fprintln(g.stdout, "estimate:", e.Text)
			if note := longRunNote(e); note != "" {
				fmt.Fprintln(g.stdout, note)
			}
		}
	}
	if sum.problems > 0 {
		return &problemsError{n: sum.problems}
	}
	return nil
}

// newsletterSize is the recipient count from which a campaign without
// unsubscribe headers gets a warning: Gmail, Yahoo and Microsoft require
// one-click unsubscribe from bulk senders (RFC 8058).
const newsletterSize = 300

// bulkSenderSize is where Gmail's bulk-sender rules (DKIM aligned with From)
// start: about 5,000 messages a day.
const bulkSenderSize = 5000

// campaignWarnings are notes about the campaign as a whole that do not stop
// it; n is the size of its list: the rows without a problem, those sent
// before among them (the bulk-sender rules are about the list, not what
// is left of it to send). Past newsletterSize, a
// campaign without one-click unsubscribe (no unsubscribe: section, or a
// URL without one_click) is told so, unless it says it is transactional.
func campaignWarnings(in *plan.Inputs, n int) []string {
	c := in.Campaign
	out := append(append([]string(nil), c.Warnings...), nonEmpty(in.Renderer.ScanNote())...)
	if u := c.Unsubscribe; n > newsletterSize && u.URL == "" && u.Mailto == "" && !u.Transactional {
		out = append(out, fmt.Sprintf("%d recipients and no unsubscribe: section: Gmail, Yahoo and Microsoft reject or spam-file bulk mail without one-click unsubscribe (RFC 8058); add unsubscribe.url with one_click: true, or unsubscribe: {transactional: true} for messages each recipient needs (invoices, receipts), which those rules leave out", n))
	}
	if u := c.Unsubscribe; n > newsletterSize && u.URL == "" && u.Mailto != "" {
		// (A url without one_click is the campaign file's warning.)
		out = append(out, fmt.Sprintf("%d recipients and unsubscribe: with a mailto only: the messages get List-Unsubscribe but no List-Unsubscribe-Post, and Gmail, Yahoo and Microsoft ask bulk senders for one-click unsubscribe (RFC 8058); add an https unsubscribe.url that answers a POST of List-Unsubscribe=One-Click, with one_click: true", n))
	}
	if n >= bulkSenderSize && in.Signer == nil {
		out = append(out, fmt.Sprintf("%d recipients and no dkim: section: bulk senders must sign with DKIM aligned with the From domain", n))
	}
	if c.SMTP.Host != "" {
		// The same settings warnings send prints (certificate checks off,
		// plaintext to a remote host).
		smtp := smtpclient.ConfigFrom(c.SMTP, "")
		out = append(out, smtp.Warnings()...)
	}
	if c.Mailbox.Configured() {
		mc := mailbox.ConfigFrom(c.Mailbox, "")
		out = append(out, mc.Warnings()...)
		if w := c.Mailbox.SentWarning(n); w != "" {
			out = append(out, w)
		}
		if w := c.Mailbox.UnsubscribeWarning(c.Unsubscribe.Mailto); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// nonEmpty is note as a list to print: none when it is "" (a renderer's
// ScanNote, which says nothing of a folder scanned whole).
func nonEmpty(note string) []string {
	if note == "" {
		return nil
	}
	return []string{note}
}

// estimate says how long sending n messages will take under the campaign's
// rate, per-domain limits and daily cap, counting what the journal says was
// sent in the last 24 hours, and of unknown outcome, as send's daily cap
// counts them (journal.State.CapUsed); false when it cannot tell.
func estimate(state *journal.State, c *campaign.Campaign, domains map[string]int, n int) (sendpool.EstimateResult, bool) {
	sent := state.CapUsed(time.Now().Add(-24 * time.Hour))
	e, err := sendpool.Estimate(domains, n, c.Send.Rate, c.Send.Domains, c.Send.DailyCap, sent)
	return e, err == nil
}

// longRunNote says, when the first run of estimate e lasts longer than
// a part of a run (partSpan), that send sends it in parts, each rendered
// as it begins; "" otherwise.
func longRunNote(e sendpool.EstimateResult) string {
	run := e.Sending
	if e.Runs > 1 && e.Messages > 0 { // the cap cuts each run short
		run = time.Duration(float64(e.Sending) * float64(min(e.DailyCap, e.Messages)) / float64(e.Messages))
	}
	if run <= partSpan {
		return ""
	}
	return fmt.Sprintf("note: a run this long goes in parts, each rendered as it begins and ended %d minutes after, so that every message leaves within %s of its Date",
		int(partTime/time.Minute), spoolAgeWords())
}

// checkHeadroom is how much memory check may use beyond what the opened
// campaign holds (an XLSX's shared strings, inline images). What check adds
// is small (a few rows in flight; the duplicate check's table, 14 to 21
// bytes a row, is outside the Go heap and this limit: see
// sendpool/offheap), but Go's default GC lets garbage grow to the size of
// the live heap; a soft limit makes it collect sooner, so a million-row
// CSV check stays under 64 MB.
const checkHeadroom = 40 << 20

// softMemoryLimit sets the process's soft memory limit to what the heap
// holds now plus headroom, unless a limit is set already (GOMEMLIMIT), and
// returns the function that restores it. The limit is soft: a campaign
// that needs more (large attachments) gets it, at the cost of more GC work.
func softMemoryLimit(headroom int64) (restore func()) {
	prev := debug.SetMemoryLimit(-1)
	if prev != math.MaxInt64 {
		return func() {}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	debug.SetMemoryLimit(int64(ms.HeapAlloc) + headroom)
	return func() { debug.SetMemoryLimit(prev) }
}

// spoolNote says, in words for a person, what the copies of the
// campaign's messages that send keeps (its spool) take on disk, where,
// that tidings show prints any of them and how to delete them; or, before
// the first send (send's preflight writes them, check does not), what
// they will take: every message is kept, messages bytes before
// compression in all; frames of many messages compress text and an
// attachment they share well, an attachment of each recipient's own
// hardly. "" when the spool cannot be read (send will say why). A
// generation messages went out from that cannot be read at all
// (spool.Generation.Unreadable) is warned about, a line each after the
// note: what went out from it can no longer be shown.
func spoolNote(c *campaign.Campaign, messages int64) string {
	store := spool.OpenStore(c.StateDir)
	all, err := store.Generations()
	if err != nil {
		return ""
	}
	var gens []*spool.Generation
	var warnings strings.Builder
	for _, g := range all {
		if err := g.Unreadable(); err != nil {
			warnings.WriteString("\n" + unreadableWarning(g))
			continue
		}
		gens = append(gens, g)
	}
	if len(gens) == 0 && warnings.Len() > 0 { // not "none yet"
		return fmt.Sprintf("copies of the messages: none can be read in %s: damaged since they were written (the warnings below name the files)", displayPath(store.Dir())) + warnings.String()
	}
	return spoolSize(c, gens, messages) + warnings.String()
}

// printSpoolNote writes spoolNote of the campaign c; under --quiet only
// its warnings (spool generations that cannot be read).
func printSpoolNote(g *globalOptions, c *campaign.Campaign, messages int64) {
	if !g.quiet {
		if note := spoolNote(c, messages); note != "" {
			fmt.Fprintln(g.stdout, note)
		}
		return
	}
	if gens, err := spool.OpenStore(c.StateDir).Generations(); err == nil {
		warnUnreadable(g.stdout, gens)
	}
}

// unreadableWarning is the warning, one line without its end, about g, a
// generation messages went out from that cannot be read at all
// (spool.Generation.Unreadable, which names the file): the copies of
// what went out from it can no longer be shown, and what to do. Every
// command that lists the spool's generations says it so.
func unreadableWarning(g *spool.Generation) string {
	return fmt.Sprintf("warning: %v; the copies of the messages that went out from it cannot be shown (a backup of the file put back shows them again); "+
		"nothing is sent twice for it: the journal keeps who was sent", g.Unreadable())
}

// warnUnreadable writes unreadableWarning to w, a line each, for every
// generation of gens that cannot be read at all, and nothing for the
// others.
func warnUnreadable(w io.Writer, gens []*spool.Generation) {
	for _, g := range gens {
		if g.Unreadable() != nil {
			fmt.Fprintln(w, unreadableWarning(g))
		}
	}
}

// spoolSize is spoolNote's first line, of the generations that read.
func spoolSize(c *campaign.Campaign, gens []*spool.Generation, messages int64) string {
	if len(gens) == 0 && messages == 0 {
		return ""
	}
	if len(gens) == 0 {
		return fmt.Sprintf("copies of the messages: none yet; send keeps a copy of each message it sends, exactly as it goes out, in %s, for tidings show to print: about %s before compression "+
			"(text and attachments the messages share shrink well, an attachment of each recipient's own hardly; a send after the campaign changes, or an hour after the last, keeps new copies); %s",
			displayPath(spool.OpenStore(c.StateDir).Dir()), byteSize(messages), deleteCopiesWords(c))
	}
	var size int64
	for _, g := range gens {
		size += g.Size()
	}
	each := ""
	if n := gens[0].Messages(); n > 0 {
		each = "about " + byteSize(gens[0].Size()/int64(n)) + " a message, "
	}
	return fmt.Sprintf("copies of the messages: %s in %s (%sthe latest made %s); %s; %s",
		byteSize(size), displayPath(gens[0].Dir()), each, gens[0].Created().Local().Format(time.RFC3339),
		showAnyWords(c.File), deleteCopiesWords(c))
}

// showAnyWords is the command, to paste, that prints the message of any
// row of the campaign file campaign, and what it does.
func showAnyWords(campaign string) string {
	return "tidings show " + commandArg(campaign) + " --row N prints any of them"
}

// deleteCopiesWords says how to delete the copies of c's messages: with
// all c keeps in its state folder, once the campaign is over (its
// bounces read), which forgets who was sent what. Its own folder
// (.tidings/<name>) is given to rm -r; a state_dir may be a folder that
// holds other files (the campaign's own), so it is only named.
func deleteCopiesWords(c *campaign.Campaign) string {
	const forgets = "and with them who was sent what: a later send would send everyone the campaign again"
	if c.StateDir == filepath.Join(c.Dir, ".tidings", c.Name) {
		return "once the campaign is over (its bounces read), rm -r " + commandArg(c.StateDir) + " deletes them, " + forgets
	}
	return "once the campaign is over (its bounces read), they go when you delete what tidings keeps in " + displayPath(c.StateDir) + " (state_dir), " + forgets
}
