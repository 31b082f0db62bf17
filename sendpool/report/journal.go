package report

import (
	"context"
	"errors"
	"io"
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
// and its sheet as it is now, at any time, also while a send is running.
// The journal's lines carry the row numbers of their runs; the sheet may
// have changed since (rows inserted or moved). Keyed lines are matched to
// the sheet by key and take the row their key has now; rows whose key the
// journal does not know are not attempted. Duplicates are decided again
// from the sheet as it is (journal.Deduper). A line without a key (a row
// that was invalid before it had one) stands only while that row still
// has no key. describe formats a row problem of the sheet for the report.
func Rebuild(ctx context.Context, c *campaign.Campaign, state *journal.State, describe func(error) string) ([]Row, error) {
	b := newRebuild(state)
	sheet, err := campaign.OpenSheet(ctx, c.Recipients)
	if err != nil {
		return nil, err
	}
	defer sheet.Close()
	dupes := journal.NewDeduper()
	for {
		row, err := sheet.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		var re *campaign.RowError
		if errors.As(err, &re) {
			b.invalid(re.Row, describe(err))
			continue
		}
		if err != nil {
			return nil, err
		}
		b.sheetRow(row.Number, row.Values[c.Recipients.Key], dupes)
	}
	return b.rows(), nil
}

// rebuild is the state of Rebuild: the journal's lines, indexed by key and
// by row for those without a key.
type rebuild struct {
	lines   []Row
	byKey   map[string]int // normalized key → index in lines
	keyless map[int]int    // row → index in lines
	dropped map[int]bool   // indexes in lines to leave out
}

func newRebuild(state *journal.State) *rebuild {
	b := &rebuild{lines: []Row{}, byKey: map[string]int{}, keyless: map[int]int{}, dropped: map[int]bool{}}
	for _, r := range state.Report() {
		switch {
		case r.Status == sendpool.StatusDuplicate:
			continue
		case r.NormKey != "":
			b.byKey[r.NormKey] = len(b.lines)
		default:
			b.keyless[r.Row] = len(b.lines)
		}
		b.lines = append(b.lines, FromJournal(r))
	}
	return b
}

// invalid adds a row of the sheet that has a problem, unless the journal
// has a line for it already.
func (b *rebuild) invalid(row int, detail string) {
	if _, ok := b.keyless[row]; !ok {
		b.lines = append(b.lines, Row{Recipient: Recipient{Row: row}, Status: sendpool.StatusInvalid, Detail: detail})
	}
}

// sheetRow places a row of the sheet: a duplicate, the journal's line for
// its key (moved to the row's number now), or a row not attempted.
func (b *rebuild) sheetRow(number int, key string, dupes *journal.Deduper) {
	norm := journal.NormalizeKey(key)
	if i, ok := b.keyless[number]; ok {
		if norm == "" {
			return // the journal's own line for this row stands
		}
		b.dropped[i] = true // that line was another row's
	}
	if detail, dup := dupes.Check(number, key); dup {
		b.lines = append(b.lines, Row{Recipient: Recipient{Row: number, Key: key}, Status: sendpool.StatusDuplicate, Detail: detail})
		return
	}
	if i, ok := b.byKey[norm]; ok && norm != "" {
		b.lines[i].Row = number
		return
	}
	b.lines = append(b.lines, Row{Recipient: Recipient{Row: number, Key: key}, Status: sendpool.StatusNotAttempted, Detail: "not tried yet: no send has reached this row"})
}

// rows returns the lines that stand.
func (b *rebuild) rows() []Row {
	if len(b.dropped) == 0 {
		return b.lines
	}
	kept := b.lines[:0]
	for i, r := range b.lines {
		if !b.dropped[i] {
			kept = append(kept, r)
		}
	}
	return kept
}
