package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/plan"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/spool"
)

// reportOptions are the flags of `tidings report`.
type reportOptions struct{}

func newReportCommand(g *globalOptions) *cobra.Command {
	var opts reportOptions
	cmd := &cobra.Command{
		Use:   "report CAMPAIGN.yaml",
		Short: "Rebuild the report files and page from the journal",
		Long: `report rebuilds report.csv, report.json and the report page (report.html,
which opens in any browser without a server) in the state folder from the
campaign's journal, at any time, also while a send is running elsewhere. The
rows are placed as the last send judged them (invalid, duplicate) when the
campaign, its sheet and attachments are unchanged since, else as the next
send will judge them (every row rendered, as check does). Rows of the sheet
that the journal has never seen are listed as not-attempted. Its statuses are
what the journal knows: a suppression list changed since the last send shows
in check and preview now, and here after the next send; but a failed or
unknown row whose addresses the list names now no longer counts against the
exit code.
Exit code: 0 when every row is sent or skipped on purpose (an unknown recipient
no longer in the sheet, or left out now by recipients.only_blank or
only_filled, counts as neither; nor does a failed or unknown one the
suppression list names now: no send tries it again), 1 otherwise, 2 unusable
(the campaign, its sheet or its state folder).`,
		Args:              oneArg,
		ValidArgsFunction: completeCampaign,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReport(cmd.Context(), opts, g, args[0])
		},
	}
	return cmd
}

// rebuildReport writes report.csv, report.json and the report page from
// the journal (state) and the sheet as it is now, and returns their
// summary and report.json's ending: the rows placed as placeRows places
// them. The lines wait in a Reporter's log of its own (beside a running
// send's), not in memory.
func rebuildReport(ctx context.Context, g *globalOptions, c *campaign.Campaign, path string, state *journal.State) (sum report.Summary, end report.Ending, page bool, err error) {
	if err := sheetThere(c); err != nil {
		return report.Summary{}, end, false, err
	}
	var supp *campaign.Suppression
	if c.Suppress != "" {
		if supp, err = loadSuppressionIfAny(c.Suppress); err != nil {
			// A report is still worth having: no row counts as on the
			// list now (send would refuse to start).
			fmt.Fprintf(g.stderr, "warning: the suppression list is not read, so no failed or unknown row counts as on it now: %v\n", err)
			supp = nil
		}
	}
	rep, err := placeRows(ctx, g, c, path, state, supp)
	if err != nil {
		return report.Summary{}, end, false, err
	}
	defer rep.Close()
	now := time.Now()
	rep.NoteEnding(func(s report.Summary) report.Ending {
		_, facts := reportEnd(c, state, &s, now)
		return s.Ending(facts)
	})
	if err := rep.Flush(); err != nil {
		if fix := heldOpenFix(err); fix != "" {
			err = fmt.Errorf("%w; %s run tidings report %s again", err, fix, commandArg(path))
		}
		return report.Summary{}, end, false, err
	}
	page, err = writeReportPage(ctx, g, c, path, report.PageInput{Rows: rep.Each, Ending: rep.WrittenEnding, Settings: lastSendSettings(c, state), Now: now, Running: state.SendRuns(), Killed: killedRunWords(state)})
	if err != nil {
		return report.Summary{}, end, false, err
	}
	end, _ = rep.WrittenEnding()
	return rep.Summary(), end, page, nil
}

// reportFull is err, a report run's failure to write a file, with what to
// do next when the disk is full (fullDiskFix; else err as it is): free
// space, then run tidings report again, which writes report.csv,
// report.json and the page from the journal, so that the two agree
// again. bounces, which rebuilds the report too, words its own
// (bouncesFull).
func reportFull(err error, path string) error {
	fix := fullDiskFix(err)
	if fix == "" {
		return err
	}
	return fmt.Errorf("%w; %s run tidings report %s again", err, fix, commandArg(path))
}

// placeRows returns a Reporter holding the report's rows (the caller
// closes it): placed by the spool's judgement of the rows when a
// generation was made from the campaign as it is
// (report.RebuildFromSpool), else by the rows rendered and judged now as
// send's preflight would (plan.JudgeRows), or, when the campaign does not
// open (a template that does not compile), by the sheet's alone
// (report.Rebuild). A generation found damaged on the way (its row
// records, which the next send's check finds too and renders again) is
// warned about and the rows are judged anew, in a Reporter of their own.
func placeRows(ctx context.Context, g *globalOptions, c *campaign.Campaign, path string, state *journal.State, supp *campaign.Suppression) (*report.Reporter, error) {
	in, oerr := plan.OpenToRead(ctx, path)
	var facets []string // what a row moved since is told by
	spooled := func() (*spool.Generation, error) { return plan.Spooled(ctx, path, release) }
	if oerr == nil {
		defer in.Close()
		facets = in.Renderer.Facets()
		spooled = func() (*spool.Generation, error) { return plan.SpooledOf(ctx, in, release) }
	}
	if rd := openSpooled(ctx, g, spooled); rd != nil {
		rep, err := newRebuildReporter(g, c.StateDir)
		if err == nil {
			err = report.RebuildFromSpool(ctx, rd, c.Recipients, state, supp, facets, rep)
			if err != nil {
				rep.Close()
			}
		}
		rd.Close()
		if !errors.Is(err, spool.ErrCorrupt) {
			return rep, err
		}
		warnJudgedAnew(ctx, g, err)
	}
	rep, err := newRebuildReporter(g, c.StateDir)
	if err != nil {
		return nil, err
	}
	if oerr == nil {
		// Changed since the last send: the rows as its preflight would
		// judge them now.
		err = report.RebuildFromRows(ctx, c.Recipients, state, supp, facets, rep, func(fn func(spool.Row) error) error {
			return plan.JudgeRows(ctx, in, state, problemLines, fn)
		})
	} else if ctx.Err() == nil {
		fmt.Fprintf(g.stderr, "warning: the campaign does not open as send opens it (%s), so rows are placed by the sheet alone: a row with a problem only its messages would show is not attempted here, and a later row with an earlier row's key is called a duplicate whatever its values\n", problemText(oerr))
		if err = report.Rebuild(ctx, c, state, problemText, nil, rep); err != nil {
			err = oerr // the sheet does not open either: say it as send would
		}
	} else {
		err = ctx.Err()
	}
	if err != nil {
		rep.Close()
		return nil, err
	}
	return rep, nil
}

// newRebuildReporter is the Reporter `tidings report` fills: its log a
// file of its own, beside a running send's, and nothing written before
// Flush.
func newRebuildReporter(g *globalOptions, stateDir string) (*report.Reporter, error) {
	return report.NewReporter(stateDir, report.ReporterOptions{Every: math.MaxInt, Interval: math.MaxInt64, OwnLog: true, File: g.seams.reportFile})
}

// rowVariant is the campaign's render.Renderer.Variant, which tells a
// repeat of an earlier row's key with other values from a plain
// duplicate, and the function that lets it go; nil when the campaign
// cannot be opened as send opens it (a template that does not compile).
func rowVariant(ctx context.Context, path string) (variant func(campaign.Row) uint32, done func()) {
	in, err := plan.OpenToRead(ctx, path)
	if err != nil {
		return nil, func() {}
	}
	return in.Renderer.Variant, func() { in.Close() }
}

// runReport rebuilds the campaign's report from its journal. A spool
// generation messages went out from that cannot be read at all is warned
// about first, naming the file, as check warns.
func runReport(ctx context.Context, _ reportOptions, g *globalOptions, path string) error {
	c, err := campaign.Load(path)
	if err != nil {
		return &unusableError{err}
	}
	if err := readyStateFolder(g, c); err != nil {
		return err
	}
	// Shared from before the journal is read until the files are in
	// place: a send or bounces ending meanwhile writes its report after.
	rl := holdReport(ctx, g, c, false)
	defer releaseReport(g, rl)
	state, err := journal.Load(ctx, c.StateDir)
	if err != nil {
		return &unusableError{err}
	}
	defer state.Close()
	holder, running := besideSend(state, c.StateDir)
	printJournalWarnings(g, state.Warnings)
	if gens, err := spool.OpenStore(c.StateDir).Generations(); err == nil {
		warnUnreadable(g.stderr, gens) // else placeRows says why
	}
	sum, end, page, err := rebuildReport(ctx, g, c, path, state)
	if err != nil {
		return &unusableError{reportFull(err, path)}
	}
	if state.Len() == 0 {
		line := "nothing has been sent for this campaign yet"
		if sum.NotAttempted == sum.Total { // not after a refusal: rows are invalid
			line += ": every row is not attempted"
		}
		fmt.Fprintln(g.stdout, line)
	}
	sum.Running = running && (holder.Command == "" || holder.Command == "send")
	noteRelayWords(&sum, c, nil)
	capped, _ := reportEnd(c, state, &sum, time.Now())
	sum.WriteText(g.stdout)
	if line := end.TextLine(); line != "" {
		fmt.Fprintln(g.stdout, line)
	}
	printReportLine(g, c, page, true)
	if !sum.OK() {
		if running {
			return &notSentError{runningWords(holder) + ": the report shows it as far as it got; run report again when it ends"}
		}
		return notSent(sum, reportAgain(state, sum.Invalid), false, capped)
	}
	return nil
}

// capHolds says whether send.daily_cap holds back the rows sum counts as
// not attempted (it lets no message go at now), and when its next slot
// opens (once those it lets go now have gone; zero: not known), as send
// says it: the summary gives the rows no send has reached the line of the
// rows the cap holds back (report.Summary.CapHolds), and the advice under
// it says to wait for the cap rather than to run send again at once. When
// the cap lets some go but not all, the summary says how many the next
// send sends now, and when the rest (capLater).
func capHolds(c *campaign.Campaign, state *journal.State, sum *report.Summary, now time.Time) (bool, time.Time) {
	if c.Send.DailyCap <= 0 || sum.Count(sendpool.StatusNotAttempted) == 0 {
		return false, time.Time{}
	}
	left, next := state.Room(c.Send.DailyCap, 24*time.Hour, now)
	if left > 0 {
		sum.CapRoom(left, capLater(state, c.Send.DailyCap, sum.NextSends()-left, now))
		return false, next
	}
	sum.CapHolds(capLater(state, c.Send.DailyCap, sum.NextSends(), now))
	return true, next
}

// openSpooled opens the spool generation made from the campaign as it is
// now (spooled: plan.Spooled or plan.SpooledOf), nil when there is none or
// it cannot be read (say, a send running beside removed it), which it
// warns about: the report then judges the rows anew.
func openSpooled(ctx context.Context, g *globalOptions, spooled func() (*spool.Generation, error)) *spool.Reader {
	gen, err := spooled()
	var rd *spool.Reader
	if gen != nil {
		rd, err = gen.Open()
	}
	if err != nil {
		warnJudgedAnew(ctx, g, err)
		return nil
	}
	return rd
}

// warnJudgedAnew says the spool's judgement of the rows could not be
// read (err), so the report judges them anew; nothing once ctx ended.
func warnJudgedAnew(ctx context.Context, g *globalOptions, err error) {
	if ctx.Err() == nil {
		fmt.Fprintf(g.stderr, "warning: the rows are judged anew, as the next send would judge them, not as the last send did: %v\n", err)
	}
}

// sheetThere is nil when the campaign's sheet can be found, else the
// error naming the setting that names it (campaign.Campaign.MissingFile):
// said once, before the commands that read the sheet in several ways
// each say it their own way.
func sheetThere(c *campaign.Campaign) error {
	if _, err := os.Stat(c.Recipients.Path); err != nil {
		return c.MissingFile("recipients.path", c.Recipients.Path, err)
	}
	return nil
}
