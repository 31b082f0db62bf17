package report

import (
	"context"
	"errors"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
)

// FromJournal converts a journal record to a report line.
func FromJournal(r journal.Result) Row {
	st := r.Status
	ec, _ := sendpool.ParseEnhancedCode(r.EnhancedCode)
	return FromResult(sendpool.Result{
		Row: r.Row, Key: r.Key, To: r.To, MessageID: r.MessageID, Status: st,
		Attempts: r.Attempts, Code: r.Code, EnhancedCode: ec, Detail: r.Detail,
		Server: r.Server, StartedAt: r.Started, FinishedAt: r.Finished,
		Duration: time.Duration(r.DurationMS) * time.Millisecond,
		Wait:     time.Duration(r.WaitMS) * time.Millisecond,
	})
}

// Rebuild makes the report of campaign c from what its journal says (state)
// and its sheet as it is now, at any time, also while a send is running,
// and adds its lines to rep. The journal's lines carry the row numbers of
// their runs; the sheet may have changed since (rows inserted or moved).
// Keyed lines are matched to the sheet by key and take the row their key
// has now; rows whose key the journal does not know are not attempted.
// Duplicates are decided again from the sheet as it is (journal.Deduper).
// A line without a key (a row that was invalid before it had one) stands
// only while that row still has no key. Recipients the sheet no longer
// has keep their lines when they were sent (AddRemoved), at the rows they
// had, beside the sheet's (Reporter.AddBeside): a row lists the sheet's
// line first, then the journal's line without a key, then those of
// recipients no longer in the sheet. describe formats a row problem of
// the sheet for the report.
//
// It reads the sheet once and each recipient's lines back from the
// journal as it comes to them: what it keeps is the duplicate check's
// first rows (journal.NewDeduperFor: 4 bytes for each of the journal's
// recipients, a hash and a row for each key it lacks), a bit for each of
// the journal's recipients (those the sheet has: journal.Marks) and the
// journal's rows without a key.
func Rebuild(ctx context.Context, c *campaign.Campaign, state *journal.State, describe func(error) string, rep *Reporter) error {
	b := &rebuild{state: state, rep: rep, describe: describe, keyless: map[int]journal.Result{}, dupes: journal.NewDeduperFor(state), placed: state.NewMarks()}
	defer b.dupes.Close()
	facts, err := state.RowFacts()
	if err != nil {
		return err
	}
	for _, r := range facts {
		if r.NormKey == "" && r.Status != sendpool.StatusDuplicate {
			b.keyless[r.Row] = r
		}
	}
	if err := b.sheet(ctx, c); err != nil {
		return err
	}
	return b.others()
}

// rebuild is the state of Rebuild.
type rebuild struct {
	state    *journal.State
	rep      *Reporter
	describe func(error) string
	keyless  map[int]journal.Result // the journal's lines without a key, by row
	dupes    *journal.Deduper
	placed   *journal.Marks // the journal's recipients the sheet has
}

// sheet places every row of the sheet.
func (b *rebuild) sheet(ctx context.Context, c *campaign.Campaign) error {
	sheet, err := campaign.OpenSheet(ctx, c.Recipients)
	if err != nil {
		return err
	}
	defer sheet.Close()
	for {
		row, err := sheet.Next(ctx)
		if errors.Is(err, io.EOF) {
			return nil
		}
		var re *campaign.RowError
		if errors.As(err, &re) {
			err = b.invalid(re.Row, b.describe(err))
		} else if err == nil {
			err = b.sheetRow(row.Number, row.Values[c.Recipients.Key])
		}
		if err != nil {
			return err
		}
	}
}

// invalid adds a row of the sheet that has a problem, unless the journal
// has a line for it already (added by others).
func (b *rebuild) invalid(row int, detail string) error {
	if _, ok := b.keyless[row]; ok {
		return nil
	}
	return b.rep.AddRow(Row{Recipient: Recipient{Row: row}, Status: sendpool.StatusInvalid, Detail: detail})
}

// sheetRow places a row of the sheet: a duplicate, the journal's line for
// its key (moved to the row's number now), or a row not attempted.
func (b *rebuild) sheetRow(number int, key string) error {
	norm := journal.NormalizeKey(key)
	if _, ok := b.keyless[number]; ok {
		if norm == "" {
			return nil // the journal's own line for this row stands
		}
		delete(b.keyless, number) // that line was another row's
	}
	if detail, dup := b.dupes.Check(number, key); dup {
		return b.rep.AddRow(Row{Recipient: Recipient{Row: number, Key: key}, Status: sendpool.StatusDuplicate, Detail: detail})
	}
	if norm != "" && b.placed.Mark(key) {
		e, err := b.state.Entry(key)
		if err != nil {
			return err
		}
		if e != nil {
			if r, ok := e.ReportLine(); ok {
				line := FromJournal(r)
				line.Row = number
				return b.rep.AddRow(line)
			}
		}
	}
	return b.rep.AddRow(Row{Recipient: Recipient{Row: number, Key: key}, Status: sendpool.StatusNotAttempted, Detail: "not tried yet: no send has reached this row"})
}

// others adds the journal's lines the sheet has no row for: lines without
// a key that still stand, then recipients no longer in it (AddRemoved).
func (b *rebuild) others() error {
	for _, row := range slices.Sorted(maps.Keys(b.keyless)) {
		if err := b.rep.AddBeside(FromJournal(b.keyless[row])); err != nil {
			return err
		}
	}
	return AddRemoved(b.state, b.placed, b.rep)
}

// AddRemoved adds to rep, beside the sheet's rows (Reporter.AddBeside),
// the lines of the journal's recipients that inSheet does not mark (the
// sheet no longer has them) and that were sent: the campaign reached
// them, and its report keeps them (with what came back about them since).
// One never sent leaves the report with its row: no send tries it again,
// and listing it as deferred or failed would ask for a send that cannot
// help.
func AddRemoved(state *journal.State, inSheet *journal.Marks, rep *Reporter) error {
	for e, err := range state.Unmarked(inSheet) {
		if err != nil {
			return err
		}
		if e.Status != sendpool.StatusSent {
			continue
		}
		if r, ok := e.ReportLine(); ok {
			if err := rep.AddBeside(FromJournal(r)); err != nil {
				return err
			}
		}
	}
	return nil
}
