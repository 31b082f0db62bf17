package report

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/journal"
)

// addLeftOut adds to rep, beside the sheet's rows (Reporter.AddBeside),
// the line of each recipient a message may have reached
// (journal.State.Reached) whose row the selection of r
// (recipients.only_blank or only_filled) leaves out now, and inSheet does
// not mark (no row chosen has its key): at the row it has now, its detail
// ending with campaign.LeftOutNote, saying why (Row.LeftOut). It reads
// the sheet of r again, without its selection, one row at a time; a key's
// first row left out is the one placed, and rows with a problem are
// passed over (the selected sheet has them). It returns inSheet with
// those it placed marked too (a copy: inSheet is not changed), the
// recipients AddRemoved then says no more of; inSheet itself, the sheet
// not read, when r chooses no rows or no recipient a message may have
// reached lacks a row chosen.
func addLeftOut(ctx context.Context, r campaign.Recipients, state *journal.State, inSheet *journal.Marks, rep *Reporter) (*journal.Marks, error) {
	if len(r.OnlyBlank) == 0 && len(r.OnlyFilled) == 0 {
		return inSheet, nil
	}
	if none, err := noneReached(state, inSheet); none || err != nil {
		return inSheet, err // no line to place: the sheet is not read again
	}
	sheet, err := campaign.OpenSheet(ctx, r.Unselected())
	if err != nil {
		return nil, fmt.Errorf("report: the rows recipients.only_blank or only_filled leave out: %w", err)
	}
	defer sheet.Close()
	placed := inSheet.Clone()
	for {
		row, err := sheet.Next(ctx)
		var re *campaign.RowError
		switch {
		case errors.Is(err, io.EOF):
			return placed, nil
		case errors.As(err, &re):
			continue
		case err != nil:
			return nil, fmt.Errorf("report: the rows recipients.only_blank or only_filled leave out: %w", err)
		}
		if err := placeLeftOut(r, state, row, placed, rep); err != nil {
			return nil, err
		}
	}
}

// placeLeftOut adds row's line (addLeftOut) when the selection of r
// leaves it out and its key is of a recipient a message may have reached
// that placed does not mark yet, and marks the key in placed.
func placeLeftOut(r campaign.Recipients, state *journal.State, row campaign.Row, placed *journal.Marks, rep *Reporter) error {
	key := row.Values[r.Key]
	if journal.NormalizeKey(key) == "" || placed.Marked(key) {
		return nil
	}
	if b, known := state.Brief(key); !known || !b.Reached() {
		return nil
	}
	why := r.LeftOut(row.Values)
	if why == "" {
		return nil
	}
	placed.Mark(key)
	e, err := state.Entry(key)
	if err != nil || e == nil {
		return err
	}
	res, ok := e.ReportLine()
	if !ok {
		return nil
	}
	line := FromJournal(res)
	line.Row, line.LeftOut, line.Detail = row.Number, true, withNote(line.Detail, campaign.LeftOutNote(why))
	return rep.AddBeside(line)
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
