package plan

import (
	"context"
	"errors"
	"io"

	"github.com/tidings/tidings/campaign"
)

// blankFromSheet hands onBlank, for each row to send that pl decided from
// a reused generation (pl.send), the columns the subject or a body prints
// as holes and the row leaves blank (templates.Set.PrintedBlank), as the
// rendering hands them with each message (render.Message.Blank): read
// from in's sheet, which a reused generation leaves unread, and not
// rendered. It reads no further than the last row to send, and nothing
// when onBlank is nil or the templates print no column so. A row the
// sheet gives a problem is passed over: the generation has it invalid.
func (pl *Plan) blankFromSheet(ctx context.Context, in *Inputs, onBlank func(row int, columns []string)) error {
	if onBlank == nil || pl.ToSend == 0 || !in.Set.PrintsHoles() {
		return nil
	}
	for seen := 0; seen < pl.ToSend; {
		row, err := in.Sheet.Next(ctx)
		switch {
		case errors.Is(err, io.EOF):
			return in.unchanged()
		case campaign.RowProblems(err) != nil:
			continue
		case err != nil:
			return err
		}
		if !pl.send.has(row.Number) {
			continue
		}
		seen++
		if blank := in.Set.PrintedBlank(row); len(blank) > 0 {
			onBlank(row.Number, blank)
		}
	}
	return in.unchanged() // what was read is what the digest names
}
