package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
)

// reportOptions are the flags of `tidings report`.
type reportOptions struct{}

func newReportCommand(g *globalOptions) *cobra.Command {
	var opts reportOptions
	cmd := &cobra.Command{
		Use:   "report CAMPAIGN.yaml",
		Short: "Rebuild report.csv and report.json from the journal and print the summary",
		Long: `report rebuilds report.csv and report.json in the state folder from the
campaign's journal, at any time, also while a send is running elsewhere. Rows
of the sheet that the journal has never seen are listed as not-attempted.
Exit code: 0 when every row is sent or skipped on purpose, 1 otherwise.`,
		Args: cobra.ExactArgs(1),
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
	for _, w := range state.Warnings {
		fmt.Fprintln(g.stderr, "warning:", w)
	}
	var rows []sendpool.ReportRow
	seenRow := map[int]bool{}
	for _, r := range state.Report() {
		line := r.ReportRow()
		rows = append(rows, line)
		seenRow[line.Row] = true
	}
	// Rows the journal has not seen (added to the sheet since, or never
	// reached) are not attempted.
	sheet, err := campaign.OpenSheet(ctx, c.Recipients)
	if err != nil {
		return &unusableError{err}
	}
	defer sheet.Close()
	for {
		row, err := sheet.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		var re *campaign.RowError
		if errors.As(err, &re) {
			if !seenRow[re.Row] {
				rows = append(rows, sendpool.ReportRow{Row: re.Row, Status: sendpool.StatusInvalid, Detail: problemText(err)})
			}
			continue
		}
		if err != nil {
			return &unusableError{err}
		}
		key := row.Values[c.Recipients.Key]
		if state.Entry(key) == nil && !seenRow[row.Number] {
			rows = append(rows, sendpool.ReportRow{Row: row.Number, Key: key, Status: sendpool.StatusNotAttempted})
		}
	}
	if err := sendpool.WriteReport(c.StateDir, rows); err != nil {
		return &unusableError{err}
	}
	sum := sendpool.Summarize(rows)
	if len(state.Entries()) == 0 {
		fmt.Fprintln(g.stdout, "nothing has been sent for this campaign yet: every row is not attempted")
	}
	sum.WriteText(g.stdout)
	fmt.Fprintf(g.stdout, "report: %s\n", displayPath(c.StateDir))
	if !sum.OK() {
		return errSomeNotSent
	}
	return nil
}
