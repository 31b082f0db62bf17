package plan

import (
	"context"
	"errors"
	"io"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool/spool"
)

// notesFromSheet hands onMessage, for each row to send that pl decided
// from a reused generation (pl.send), in sheet order, what a rendering
// of it would hand it but the message itself: its warnings, its shared
// one-click link and its blank columns (render.Renderer.Notes). They are
// read from in's sheet, which a reused generation leaves unread, without
// rendering the bodies; what the bodies lack (render.Message.Unlinked)
// comes from the generation's row records (unlinkedRows). It reads no
// further than the last row to send, and nothing when onMessage is nil.
// A row the sheet or Notes gives a problem is passed over: the
// generation has it invalid, or a message made from the same inputs.
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
		m.Unlinked = in.Renderer.UnlinkedNote(pl.unlinked.code(row.Number))
		onMessage(m)
	}
	return in.unchanged() // what was read is what the digest names
}

// unlinkedRows keeps the rows' spool.Row.Unlinked, a bit of it a set.
type unlinkedRows [3]rowSet

// note keeps r's.
func (u *unlinkedRows) note(r spool.Row) {
	for bit := range u {
		if r.Unlinked&(1<<bit) != 0 {
			u[bit].add(r.Row)
		}
	}
}

// code is row's spool.Row.Unlinked as noted; 0 for a row not noted.
func (u *unlinkedRows) code(row int) uint8 {
	var code uint8
	for bit := range u {
		if u[bit].has(row) {
			code |= 1 << bit
		}
	}
	return code
}
