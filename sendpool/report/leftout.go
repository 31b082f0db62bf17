package report

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/journal"
)

// leftOut is a row of the sheet that recipients.only_blank or only_filled
// leave out now, of a recipient the journal knows: its number now, and
// why (campaign.Recipients.LeftOut).
type leftOut struct {
	row int
	why string
}

// leftOutRows reads the sheet of r without its selection and returns, by
// normalized key, the rows the selection leaves out whose key the journal
// (state) knows and inSheet does not mark (no row chosen has it): those
// AddRemoved says are left out, not gone. Nil when r chooses no rows, or
// no recipient a message may have reached lacks a row chosen. A
// key's first row left out is the one kept; rows with a problem are
// passed over (the selected sheet has them).
func leftOutRows(ctx context.Context, r campaign.Recipients, state *journal.State, inSheet *journal.Marks) (map[string]leftOut, error) {
	if len(r.OnlyBlank) == 0 && len(r.OnlyFilled) == 0 {
		return nil, nil
	}
	if none, err := noneReached(state, inSheet); none || err != nil {
		return nil, err // no line to place: the sheet is not read again
	}
	sheet, err := campaign.OpenSheet(ctx, r.Unselected())
	if err != nil {
		return nil, fmt.Errorf("report: the rows recipients.only_blank or only_filled leave out: %w", err)
	}
	defer sheet.Close()
	out := map[string]leftOut{}
	for {
		row, err := sheet.Next(ctx)
		var re *campaign.RowError
		switch {
		case errors.Is(err, io.EOF):
			return out, nil
		case errors.As(err, &re):
			continue
		case err != nil:
			return nil, fmt.Errorf("report: the rows recipients.only_blank or only_filled leave out: %w", err)
		}
		key := row.Values[r.Key]
		norm := journal.NormalizeKey(key)
		if _, seen := out[norm]; seen || norm == "" || inSheet.Marked(key) {
			continue
		}
		if _, known := state.Brief(key); !known {
			continue
		}
		if why := r.LeftOut(row.Values); why != "" {
			out[norm] = leftOut{row: row.Number, why: why}
		}
	}
}

// noneReached reports whether every recipient of the journal (state) a
// message may have reached has a row inSheet marks (journal.State.Reached
// yields none).
func noneReached(state *journal.State, inSheet *journal.Marks) (bool, error) {
	for _, err := range state.Reached(inSheet) {
		return false, err
	}
	return true, nil
}
