package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/plan"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/spool"
)

// earlierIssue is the journal of the name a campaign file was sent under
// before it was renamed (renamedFrom), to tell the rows to send whose
// message went out under that name made of the same values and files:
// the file renamed for next month's issue, its sheet and attachments
// still last month's.
type earlierIssue struct {
	name  string
	state *journal.State
	same  plan.RowList
}

// openEarlierIssue opens the journal of was, c's earlier name when c's
// file was sent under one and nothing under its name now (renamedFrom;
// "" for none); nil when there is none, or when that journal cannot be
// read (the rename is told all the same).
func openEarlierIssue(ctx context.Context, c *campaign.Campaign, was string) *earlierIssue {
	if was == "" {
		return nil
	}
	st, err := journal.Load(ctx, filepath.Join(c.Dir, ".tidings", was))
	if err != nil {
		return nil
	}
	return &earlierIssue{name: was, state: st}
}

// note counts sheet row row, to send with key and a message made of
// values summing to sum (render.Message.ValuesSum), when the earlier
// name delivered a message to key made of the same values
// (journal.State.SentSum).
func (e *earlierIssue) note(row int, key string, sum uint32) {
	if e == nil || sum == 0 {
		return
	}
	if was, ok := e.state.SentSum(key); ok && was == sum {
		e.same.Add(fmt.Sprintf("row %d (%s)", row, key))
	}
}

// noteSpooled notes the rows pl sends from its spool generation.
func (e *earlierIssue) noteSpooled(ctx context.Context, pl *plan.Plan) error {
	if e == nil || pl.Spool == nil {
		return nil
	}
	rd, err := pl.Spool.Open()
	if err != nil {
		return err
	}
	defer rd.Close()
	return rd.ScanRows(ctx, func(r spool.Row) error {
		if pl.Sends(r.Row) {
			e.note(r.Row, r.Key, r.ValuesSum)
		}
		return nil
	})
}

// print warns of the rows noted: each recipient would get the message
// it got under the earlier name again.
func (e *earlierIssue) print(w io.Writer, c *campaign.Campaign) {
	if e == nil || e.same.N == 0 {
		return
	}
	fmt.Fprintf(w, "warning: %s to send went out under the earlier name %q made of the same values and files (%s): each recipient would get that message again, under a new Message-ID; for the campaign's next issue, point recipients.path in %s at the new sheet (and replace the attached files) first\n",
		report.Plural(e.same.N, "row"), e.name, e.same, displayPath(c.File))
}

// Close closes the earlier journal.
func (e *earlierIssue) Close() {
	if e != nil {
		e.state.Close()
	}
}

// warnEarlierIssue warns of the rows pl sends whose message went out
// under the name c's file had before (a send --new-campaign) made of the
// same values and files (earlierIssue).
func warnEarlierIssue(ctx context.Context, w io.Writer, c *campaign.Campaign, state *journal.State, pl *plan.Plan) error {
	e := openEarlierIssue(ctx, c, renamedFrom(ctx, c, state))
	defer e.Close()
	if err := e.noteSpooled(ctx, pl); err != nil {
		return err
	}
	e.print(w, c)
	return nil
}
