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
		Args: oneArg,
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
	// The journal's lines carry the row numbers of their runs; the sheet
	// may have changed since (rows inserted or moved). Keyed lines are
	// matched to the sheet by key and take the row their key has now;
	// rows whose key the journal does not know are not attempted.
	// Duplicates are decided again from the sheet as it is. A line without
	// a key (a row that was invalid before it had one) stands only while
	// that row still has no key.
	rows := []sendpool.ReportRow{}
	byKey := map[string]int{} // normalized key → index in rows
	keyless := map[int]int{}  // row → index in rows
	dropped := map[int]bool{} // indexes in rows to leave out
	for _, r := range state.Report() {
		switch {
		case r.Status == journal.StatusDuplicate:
			continue
		case r.NormKey != "":
			byKey[r.NormKey] = len(rows)
		default:
			keyless[r.Row] = len(rows)
		}
		rows = append(rows, r.ReportRow())
	}
	sheet, err := campaign.OpenSheet(ctx, c.Recipients)
	if err != nil {
		return &unusableError{err}
	}
	defer sheet.Close()
	firstRow := map[string]int{}
	for {
		row, err := sheet.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		var re *campaign.RowError
		if errors.As(err, &re) {
			if _, ok := keyless[re.Row]; !ok {
				rows = append(rows, sendpool.ReportRow{Row: re.Row, Status: sendpool.StatusInvalid, Detail: problemText(err)})
			}
			continue
		}
		if err != nil {
			return &unusableError{err}
		}
		key := row.Values[c.Recipients.Key]
		norm := journal.NormalizeKey(key)
		if i, ok := keyless[row.Number]; ok {
			if norm == "" {
				continue // the journal's own line for this row stands
			}
			dropped[i] = true // that line was another row's
		}
		if first, dup := firstRow[norm]; dup && norm != "" {
			rows = append(rows, sendpool.ReportRow{Row: row.Number, Key: key, Status: sendpool.StatusDuplicate, Detail: fmt.Sprintf("duplicate of row %d", first)})
			continue
		}
		firstRow[norm] = row.Number
		if i, ok := byKey[norm]; ok && norm != "" {
			rows[i].Row = row.Number
			continue
		}
		rows = append(rows, sendpool.ReportRow{Row: row.Number, Key: key, Status: sendpool.StatusNotAttempted})
	}
	if len(dropped) > 0 {
		kept := rows[:0]
		for i, r := range rows {
			if !dropped[i] {
				kept = append(kept, r)
			}
		}
		rows = kept
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
