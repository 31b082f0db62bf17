package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/plan"
	"github.com/tidings/tidings/sendpool/preview"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/spool"
	"github.com/tidings/tidings/sendpool/statefile"
)

// previewOptions are the flags of `tidings preview`.
type previewOptions struct {
	out   string
	limit int
}

func newPreviewCommand(g *globalOptions) *cobra.Command {
	var opts previewOptions
	cmd := &cobra.Command{
		Use:   "preview CAMPAIGN.yaml",
		Short: "Write one .eml per recipient and a report.csv; send nothing",
		Long: `preview renders like check and writes one .eml file per recipient
(000002-alice@example.com.eml: sheet row and key), a report.csv
(row,key,to,subject,status,problem) and index.html, a page to look at every
message. Rows that send would skip (a duplicate, a suppressed address, a
recipient the journal has as failed) get no .eml: the report and the page
list them with that status and why; a row an earlier send sent (or whose
outcome is unknown) gets the message as it went out, from the spool.
--limit N writes at most N messages of either kind. Nothing is sent and no
network is touched. The default folder is preview/ under the campaign's state
folder (.tidings/<name>/).`,
		Args:              oneArg,
		ValidArgsFunction: completeCampaign,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPreview(cmd.Context(), opts, g, args[0])
		},
	}
	cmd.Flags().StringVarP(&opts.out, "out", "o", "", "folder to write into (default: <state folder>/preview)")
	_ = cmd.MarkFlagDirname("out")
	cmd.Flags().IntVarP(&opts.limit, "limit", "n", 0, "write at most N messages, sent ones included (0: all; every row is still checked)")
	return cmd
}

// previewWriters is how many goroutines write preview files.
const previewWriters = 4

// runPreview renders every recipient of the campaign at path into .eml
// files. It decides every row as check and send do: a row send would skip
// (duplicate, suppressed, or done by an earlier run as the journal says)
// gets no .eml and is listed in report.csv and the gallery with its status
// and why. A spool generation messages went out from that cannot be read
// at all is warned about first, naming the file, as check warns. Its
// output's reader gone, at any step, it ends as outputGone says.
func runPreview(ctx context.Context, opts previewOptions, g *globalOptions, path string) error {
	if opts.limit < 0 {
		return &unusableError{fmt.Errorf("--limit: %d must not be negative (0 writes all)", opts.limit)}
	}
	// Its reader gone (preview c.yaml | head -1), preview writes no more
	// files: the ones written stay, with no index, as after an interrupt.
	// Until the files are written, a line printed to a closed output
	// fails rather than kill preview in the middle of one.
	ctx, stopWatch := watchOutput(ctx, g.stdout)
	defer stopWatch()
	release := holdSIGPIPE()
	defer release()
	err := previewWatched(ctx, opts, g, path, release)
	if err != nil && !errors.Is(err, errOutputGone) && errors.Is(context.Cause(ctx), errOutputGone) {
		// Gone before the rows were written (preview c.yaml | true): the
		// cancelled context failed a step of its own, no interrupt.
		release()
		return outputGone(g.stdout, "preview: stopped")
	}
	return err
}

// previewWatched is runPreview once its output is watched (ctx is
// cancelled with errOutputGone when its reader goes) and a closed output
// held from killing it; release gives that back, once every file is
// written.
func previewWatched(ctx context.Context, opts previewOptions, g *globalOptions, path string, release func()) error {
	in, err := plan.Open(ctx, path)
	if err != nil {
		return &unusableError{err}
	}
	defer in.Close()
	c := in.Campaign
	if err := privateState(g, c); err != nil {
		return err
	}
	dir, err := previewFolder(opts, c)
	if err != nil {
		return &unusableError{err}
	}
	w, err := preview.NewWriter(dir)
	if err != nil {
		return &unusableError{err}
	}
	defer w.Abort() // when it failed before Close
	warnOutListed(g, opts, dir)
	// The journal is read only, as check reads it.
	state, err := journal.Load(ctx, c.StateDir)
	if err != nil {
		return &unusableError{err}
	}
	defer state.Close()
	if h, ok := besideSend(state, c.StateDir); ok { // as check says it
		fmt.Fprintf(g.stdout, "note: %s: this preview sees the journal as far as that run got\n", runningWords(h))
	}
	if err := foreignState(c, state); err != nil {
		fmt.Fprintln(g.stdout, "warning:", err)
	}
	printSaltProblem(g, in, state)
	decider := plan.NewDecider(in, state, journal.Policy{})
	defer decider.Close()
	finder, err := spool.OpenStore(c.StateDir).NewFinder()
	if err != nil {
		return &unusableError{err}
	}
	defer finder.Close()
	warnUnreadable(g.stdout, finder.Generations())
	r := &previewRun{opts: opts, out: g.stdout, state: state, decider: decider, w: w, finder: finder, sum: checkSummary{state: state},
		writes: startWriters(ctx, w), warn: newMessageWarnings(g.stdout, c.Recipients.Path, in.Renderer),
		probs: newProblemPrinter(g.stdout, math.MaxInt)} // every row: the gallery shows them all too
	sheetWarn := &sheetWarnings{w: g.stdout, in: in}
	sheetWarn.First()
	err = in.Renderer.Each(ctx, in.Sheet, plan.Workers(), func(m *render.Message, err error) error {
		return r.row(ctx, m, err)
	})
	if werr := r.writes.wait(); err == nil {
		err = werr
	}
	g.interrupt.afterWords(ctx) // what an interrupted preview says follows the interrupt's words
	if err != nil && errors.Is(context.Cause(ctx), errOutputGone) {
		release()
		return outputGone(g.stdout, fmt.Sprintf("preview: stopped: %s holds only the messages written before, and no index", displayPath(dir)))
	}
	if err != nil && ctx.Err() != nil {
		fmt.Fprintf(g.stderr, "preview: %s holds only the messages written before the interrupt, and no index: run preview again\n", displayPath(dir))
		return context.Cause(ctx)
	}
	if err != nil {
		return &unusableError{err}
	}
	giveSheetWarnings(w, in, r.warn)
	if err := w.Close(); err != nil {
		return &unusableError{err}
	}
	release() // every file written: a closed output ends preview at its next line
	r.probs.Done()
	if pairs, more := decider.Reused(); len(pairs) > 0 {
		if err := printReused(ctx, g.stdout, in, pairs, more, 0, false); err != nil && errors.Is(context.Cause(ctx), errOutputGone) {
			return outputGone(g.stdout, "preview: stopped")
		} else if err != nil {
			return &unusableError{err}
		}
	}
	r.warn.Done()
	sheetWarn.Rest()
	printPreviewed(g, in, r.sum, r.written, r.sentBefore, dir)
	if r.sum.problems > 0 {
		return &problemsError{n: r.sum.problems}
	}
	return nil
}

// warnOutListed warns on standard error, as the state folder's modes are
// told (privateState), of a --out folder dir that every user may list
// (preview.ListedWarning); the state folder's preview/ is not looked at.
func warnOutListed(g *globalOptions, opts previewOptions, dir string) {
	if opts.out == "" {
		return
	}
	if warning := preview.ListedWarning(dir, commandArg(dir)); warning != "" {
		fmt.Fprintln(g.stderr, "warning:", warning)
	}
}

// previewRun is one preview's state while the rows come in, in sheet
// order from one goroutine (Renderer.Each's callback).
type previewRun struct {
	opts    previewOptions
	out     io.Writer
	state   *journal.State
	decider *plan.Decider
	w       *preview.Writer
	finder  *spool.Finder
	writes  *writers
	warn    *messageWarnings
	probs   *problemPrinter

	sum                 checkSummary
	written, sentBefore int // new messages handed to the writers; messages that went out, from the spool
}

// row decides one rendered row and writes what preview shows for it: the
// message to send, the message as it went out, or the row's problem or
// fate without a message.
func (r *previewRun) row(ctx context.Context, m *render.Message, err error) error {
	r.sum.rows++
	f, err, stop := decideRow(r.decider, r.decider.Decide, m, err)
	if stop != nil {
		return stop
	}
	full := r.opts.limit > 0 && r.written+r.sentBefore >= r.opts.limit
	if err != nil {
		if ok, wrote, perr := previewWentOut(ctx, r.state, r.decider, r.w, r.finder, m, err, full); ok || perr != nil {
			if ok {
				printWentOutNote(r.out, m, err)
			}
			r.sum.noteWentOut(m)
			r.sentBefore += btoi(wrote)
			return perr
		}
		r.sum.problems++
		r.probs.Print(err)
		previewInvalid(r.w, m, err)
		return nil
	}
	toSend := r.sum.count(m, f)
	sends, resends := toSend, false
	if !toSend || len(f.Journal.Owed) > 0 {
		owedAnew, again, err := r.sum.noteRevised(r.decider, m, f)
		if err != nil {
			return err
		}
		sends, resends = r.sum.countAsSend(m, f, toSend, owedAnew), again
	}
	if !sends && !resends {
		m.Unsent() // as send tells of the rows it sends only, and check (runCheck)
	} else {
		r.warn.Add(m) // the rows sent now only: everyColumn's "every row"
	}
	warns := r.warn.rowWarnings(m) // the gallery shows them with the row
	if !toSend || len(f.Journal.Owed) > 0 {
		wrote, err := previewDone(ctx, r.w, r.finder, m, sentFate(f, toSend), full, warns)
		r.sentBefore += btoi(wrote)
		return err
	}
	if full {
		r.w.Skipped(m, sendpool.StatusNotAttempted, fmt.Sprintf("no .eml: past --limit %d", r.opts.limit), warns)
		return nil
	}
	r.written++
	return r.writes.add(ctx, m, warns)
}

// previewFolder is the folder preview writes into: --out, or the state
// folder's preview/, which holds previews only and is claimed as theirs
// (preview.Claim).
func previewFolder(opts previewOptions, c *campaign.Campaign) (string, error) {
	dir := opts.out
	if dir == "" {
		if err := makeStateFolder(c); err != nil {
			return "", err
		}
		dir = filepath.Join(c.StateDir, "preview")
		if err := statefile.Mkdir(dir); err != nil { // the state folder's own
			return "", err
		}
	} else if err := notStateDir(dir, c.StateDir); err != nil {
		return "", err
	}
	if realPath(dir) == ownPreview(c.StateDir) {
		return dir, preview.Claim(dir)
	}
	return dir, nil
}

// printPreviewed says what a preview wrote into dir (written new messages,
// shownSent spooled ones), after the campaign's warnings (the sheet's
// came before its rows: sheetWarnings).
func printPreviewed(g *globalOptions, in *plan.Inputs, sum checkSummary, written, shownSent int, dir string) {
	printWarnings(g.stdout, campaignWarnings(in, sum.ok))
	printRevised(g.stdout, sum.revised, sum.owedAnew, false, in.Campaign.File)
	printNewIssueChanged(g.stdout, in.Campaign, sum.revised.N, sum.sentBefore)
	printChangedUnsent(g.stdout, sum.changedUnsent)
	printOtherValues(g.stdout, sum.otherValues)
	printDuplicates(g.stdout, sum.duplicates)
	also := ""
	if shownSent > 0 {
		also = fmt.Sprintf(", and the %s sent before as they went out", report.Plural(shownSent, "message"))
	}
	printSheetEncoding(g, in.Sheet)
	fmt.Fprintf(g.stdout, "%s; wrote %s to %s%s\n", sum.line(in.Campaign.Name), report.Plural(written, "message"), displayPath(dir), also)
	if !g.quiet { // --quiet: the line above names the folder
		fmt.Fprintf(g.stdout, "open %s to look at every message\n", displayPath(filepath.Join(dir, "index.html")))
	}
}

// writers write preview files on a few goroutines while the renderer goes
// on: writing files is what preview spends its time on.
type writers struct {
	ch  chan warnedMessage
	wg  sync.WaitGroup
	mu  sync.Mutex
	err error // the first write error
}

// warnedMessage is a message for the writers, with its row's warnings
// (messageWarnings.rowWarnings).
type warnedMessage struct {
	m     *render.Message
	warns []string
}

func startWriters(ctx context.Context, w *preview.Writer) *writers {
	ws := &writers{ch: make(chan warnedMessage, 64)}
	for range previewWriters {
		ws.wg.Go(func() {
			for wm := range ws.ch {
				if err := w.WriteMessage(ctx, wm.m, wm.warns); err != nil {
					ws.mu.Lock()
					ws.err = cmp.Or(ws.err, err)
					ws.mu.Unlock()
				}
			}
		})
	}
	return ws
}

// add hands m, with its row's warnings, to a writer.
func (ws *writers) add(ctx context.Context, m *render.Message, warns []string) error {
	select {
	case ws.ch <- warnedMessage{m, warns}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// wait ends the writers once they wrote what they were given and returns
// the first write error.
func (ws *writers) wait() error {
	close(ws.ch)
	ws.wg.Wait()
	return ws.err
}

// sentFate is f, the fate of a row an earlier run delivered, for preview:
// one sent to some recipients, to send to the others (toSend), is sent,
// and what goes to them is the message the others got.
func sentFate(f plan.Fate, toSend bool) plan.Fate {
	if toSend {
		f.Status, f.Detail = sendpool.StatusSent, f.Journal.Reason
	}
	return f
}

// previewWentOut lists m, a row with a problem, when its message went out
// from it before (wentOutBefore): as a row send leaves as it went, with
// the message that went out (previewDone). ok is false for any other row
// with a problem.
func previewWentOut(ctx context.Context, state *journal.State, decider *plan.Decider, w *preview.Writer, finder *spool.Finder, m *render.Message, problem error, full bool) (ok, wrote bool, err error) {
	if went, err := wentOutBefore(state, m, problem, decider.Facets()); !went || err != nil {
		return false, false, err
	}
	f, err := decider.Settled(m)
	if err != nil || f.Send {
		return false, false, err
	}
	wrote, err = previewDone(ctx, w, finder, m, f, full, nil) // a row with a problem: none
	return true, wrote, err
}

// previewInvalid lists a row with a problem; m is as far as it rendered
// (nil: not at all), and with its To the row's To and Subject are listed.
// The problem names the sheet as its problem line does (problemText:
// displayPath), not by the absolute path the campaign resolved.
func previewInvalid(w *preview.Writer, m *render.Message, problem error) {
	text := problemText(problem)
	if m != nil && m.To != "" {
		w.Skipped(m, sendpool.StatusInvalid, text, nil)
		return
	}
	row, key := plan.RowOf(m, problem)
	w.Invalid(row, key, errors.New(text))
}

// btoi is 1 for true, 0 for false.
func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// previewDone lists a row send will not send (or sends only to recipients
// an earlier run owes it: sentFate), and reports whether it wrote its
// message: a message an earlier run handed over (sent, or of unknown
// outcome, or in the hands of a send running now) with the message as it
// went out, from the spool, unless full
// (past --limit), said as report says it once a bounce came back for it
// (cameBack); any other (a duplicate, a suppressed address, a
// permanent failure), or one whose message is not in the spool (or is in a
// damaged part of it, which its line says), with its status and why; each
// with warns, the row's warnings (preview.Row.Warnings).
func previewDone(ctx context.Context, w *preview.Writer, finder *spool.Finder, m *render.Message, f plan.Fate, full bool, warns []string) (wrote bool, err error) {
	e := f.Journal.Entry
	shown := cameBack(f, m.Recipients)
	if full || e == nil || e.LastAttempt == nil || f.Status != sendpool.StatusSent && f.Status != sendpool.StatusUnknown && f.Status != sendpool.StatusSending {
		w.Skipped(m, shown.Status, shown.Detail, warns)
		return false, nil
	}
	sent, _, ok, err := finder.Find(ctx, e.Row, m.Key, e.Hash)
	if errors.Is(err, spool.ErrCorrupt) {
		w.Skipped(m, shown.Status, shown.Detail+"; the message that went out cannot be shown: "+err.Error(), warns)
		return false, nil
	}
	if err != nil || !ok {
		w.Skipped(m, shown.Status, shown.Detail, warns)
		return false, err
	}
	as := *sent.Message
	as.Row = m.Row // where the recipient is in the sheet now
	return true, w.WriteSent(ctx, &as, shown.Status, shown.Detail, warns)
}

// cameBack is f, the fate of a row whose message an earlier run handed
// over (sent, or unknown), with what came back for that message since,
// as report's line of the row tells it (report.CameBack: bounced,
// soft-bounce or complained, with the report's words), for the row whose
// envelope recipients are now recipients: the gallery and preview's
// report.csv say a bounce as the report does, not "already sent at …".
func cameBack(f plan.Fate, recipients []string) plan.Fate {
	if f.Status != sendpool.StatusSent && f.Status != sendpool.StatusUnknown {
		return f
	}
	if line, ok := report.CameBack(f.Journal.Entry, recipients); ok {
		f.Status, f.Detail = line.Status, line.Detail
	}
	return f
}

// notStateDir refuses --out dir when it is a campaign's state folder (this
// one, or any with a journal), where preview would replace the send's
// report.csv, or a folder in one (its spool, its report-data; but this
// campaign's own preview folder). Links are followed.
func notStateDir(dir, stateDir string) error {
	real, isState, inState := statePlace(dir, stateDir)
	if isState {
		return fmt.Errorf("--out %s is a campaign's state folder: preview would replace its report.csv; choose another folder", displayPath(dir))
	}
	if inState && real != ownPreview(stateDir) {
		return fmt.Errorf("--out %s is in a campaign's state folder: choose another folder", displayPath(dir))
	}
	return nil
}

// statePlace says where folder dir (real: links resolved) is against the
// campaign's state folder stateDir and any other with a journal: isState
// when it is one, inState when it is inside stateDir or right inside
// another (its spool, its report-data, its preview).
func statePlace(dir, stateDir string) (real string, isState, inState bool) {
	a, b := realPath(dir), realPath(stateDir)
	_, jerr := os.Stat(filepath.Join(a, journal.FileName))
	_, perr := os.Stat(filepath.Join(filepath.Dir(a), journal.FileName))
	return a, a == b || jerr == nil, strings.HasPrefix(a, b+string(filepath.Separator)) || perr == nil
}

// ownPreview is the campaign's own preview folder, as realPath gives it.
func ownPreview(stateDir string) string {
	return realPath(filepath.Join(stateDir, "preview"))
}

// realPath is p made absolute, with the links in as much of it as exists
// resolved.
func realPath(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	if r, err := filepath.EvalSymlinks(a); err == nil {
		return r
	}
	if parent := filepath.Dir(a); parent != a {
		return filepath.Join(realPath(parent), filepath.Base(a))
	}
	return a
}
