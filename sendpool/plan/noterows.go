package plan

import (
	"context"
	"errors"
	"io"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
)

// notesFromSheet hands onMessage, for each row to send that pl decided
// from a reused generation (pl.send), in sheet order, what a rendering
// of it would hand it but the message itself: its warnings, its shared
// one-click link and its blank columns (render.Renderer.Notes). They are
// read from in's sheet, which a reused generation leaves unread, without
// rendering the bodies. It reads no further than the last row to send,
// and nothing when onMessage is nil. A row the sheet or Notes gives a
// problem is passed over: the generation has it invalid, or a message
// made from the same inputs.
func (pl *Plan) notesFromSheet(ctx context.Context, in *Inputs, onMessage func(*render.Message)) error {
	if onMessage == nil || pl.ToSend == 0 {
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
		m, err := in.Renderer.Notes(row)
		switch {
		case campaign.RowProblems(err) != nil:
			continue
		case err != nil:
			return err
		}
		onMessage(m)
	}
	return in.unchanged() // what was read is what the digest names
}
