package main

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
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
campaign's journal, at any time, also while a send is running elsewhere. Rows
of the sheet that the journal has never seen are listed as not-attempted.
Exit code: 0 when every row is sent or skipped on purpose, 1 otherwise.`,
		Args:              oneArg,
		ValidArgsFunction: completeCampaign,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReport(cmd.Context(), opts, g, args[0])
		},
	}
	return cmd
}

// runReport rebuilds the campaign's report from its journal.
func runReport(ctx context.Context, _ reportOptions, g *globalOptions, path string) error {
	c, err := campaign.Load(path)
	if err != nil {
		return &unusableError{err}
	}
	state, err := journal.Load(ctx, c.StateDir)
	if err != nil {
		return &unusableError{err}
	}
	printJournalWarnings(g, state.Warnings)
	rows, err := report.Rebuild(ctx, c, state, problemText)
	if err != nil {
		return &unusableError{err}
	}
	if err := report.Write(c.StateDir, rows); err != nil {
		return &unusableError{err}
	}
	writeReportPage(ctx, g, c, path, report.RowsOf(rows), report.SettingsFrom(c.Send), time.Now())
	sum := report.Summarize(rows)
	if len(state.Entries()) == 0 {
		fmt.Fprintln(g.stdout, "nothing has been sent for this campaign yet: every row is not attempted")
	}
	sum.WriteText(g.stdout)
	fmt.Fprintf(g.stdout, "report: %s (report.csv and report.json beside it)\n", pagePath(c))
	if !sum.OK() {
		if h, ok := journal.Holder(c.StateDir); ok {
			return &notSentError{fmt.Sprintf("tidings %s is running on this campaign (PID %d, since %s): the report shows it as far as it got; run report again when it ends",
				cmp.Or(h.Command, "send"), h.PID, h.Since.Local().Format("2006-01-02 15:04:05"))}
		}
		return notSent(sum, false, false)
	}
	return nil
}
