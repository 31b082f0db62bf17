package report

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/spool"
)

// FromJournal converts a journal record to a report line.
func FromJournal(r journal.Result) Row {
	st := r.Status
	ec, _ := sendpool.ParseEnhancedCode(r.EnhancedCode)
	return FromResult(sendpool.Result{
		Row: r.Row, Key: r.Key, To: r.To, Cc: r.Cc, Bcc: r.Bcc, MessageID: r.MessageID, Status: st,
		Attempts: r.Attempts, Code: r.Code, EnhancedCode: ec, Detail: r.Detail,
		Server: r.Server, StartedAt: r.Started, FinishedAt: r.Finished,
		Duration: time.Duration(r.DurationMS) * time.Millisecond,
		Wait:     time.Duration(r.WaitMS) * time.Millisecond,
	})
}

// Rebuild makes the report of campaign c from what its journal says (state)
// and its sheet as it is now, at any time, also while a send is running,
// and adds its lines to rep. It decides invalid rows and duplicates again
// without rendering, so where a row is invalid only once rendered it can
// differ from send's report, and it knows no row's To: RebuildFromSpool,
// which has the preflight's judgement of every row, is used instead when
// the spool has it, and RebuildFromRows over the rows judged anew
// (plan.JudgeRows) when the campaign's templates compile; this is for a
// campaign that does not open as send opens it. The
// journal's lines carry the row numbers of their runs; the sheet may have
// changed since (rows inserted or moved). Keyed lines are matched to the
// sheet by key and take the row their key has now; rows whose key the
// journal does not know are not attempted. Duplicates are decided again
// from the sheet as it is (journal.Deduper); with variant (the renderer's
// render.Renderer.Variant; nil when the templates cannot be compiled), a
// later row with an earlier row's key and other values is invalid
// (journal.ErrKeyReused), as send judges it, else a duplicate. A line without a key (a row
// that was invalid before it had one) stands only while that row still
// has no key. Recipients the sheet no longer has keep their lines when a
// message may have reached them (AddRemoved), at the rows they had,
// beside the sheet's (Reporter.AddBeside): a row lists the sheet's line
// first, then the journal's line without a key, then those of recipients
// no longer in the sheet. describe formats a row problem of the sheet for
// the report.
//
// It reads the sheet once and each recipient's lines back from the
// journal as it comes to them: what it keeps is the duplicate check's
// first rows (journal.NewDeduperFor: 4 bytes for each of the journal's
// recipients, a hash and a row for each key it lacks), a bit for each of
// the journal's recipients (those the sheet has: journal.Marks) and the
// journal's rows without a key.
func Rebuild(ctx context.Context, c *campaign.Campaign, state *journal.State, describe func(error) string, variant func(campaign.Row) uint32, rep *Reporter) error {
	b := &rebuild{state: state, untried: newUntried(state), rep: rep, describe: describe, variant: variant, keyless: map[int]journal.Result{}, dupes: journal.NewDeduperFor(state), placed: state.NewMarks()}
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
	return b.others(ctx, c.Recipients)
}

// rebuild is the state of Rebuild.
type rebuild struct {
	state    *journal.State
	untried  *untried
	rep      *Reporter
	describe func(error) string
	variant  func(campaign.Row) uint32 // nil: not known
	keyless  map[int]journal.Result    // the journal's lines without a key, by row
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
			err = b.sheetRow(c, row)
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

// sheetRow places a row of the sheet: a duplicate (or, with other values
// than the earlier row's, invalid; under recipients.duplicates: first a
// duplicate still, said to have other values), the journal's line for its key (moved
// to the row's number now), or a row not attempted.
func (b *rebuild) sheetRow(c *campaign.Campaign, row campaign.Row) error {
	number, key := row.Number, row.Values[c.Recipients.Key]
	norm := journal.NormalizeKey(key)
	if _, ok := b.keyless[number]; ok {
		if norm == "" {
			return nil // the journal's own line for this row stands
		}
		delete(b.keyless, number) // that line was another row's
	}
	var variant uint32
	if b.variant != nil {
		variant = b.variant(row)
	}
	if first, differs := b.dupes.CheckVariant(number, key, variant); first > 0 {
		detail, _, reused := journal.Repeat(first, differs, c.Recipients.Duplicates == campaign.DuplicatesFirst)
		if reused {
			problem := &campaign.RowError{File: c.Recipients.Path, Row: number, Column: c.Recipients.Key, Err: fmt.Errorf("plan: %w", b.state.KeyReused(key, first, c.File))}
			return b.rep.AddRow(Row{Recipient: Recipient{Row: number, Key: key}, Status: sendpool.StatusInvalid, Detail: b.describe(problem)})
		}
		return b.rep.AddRow(Row{Recipient: Recipient{Row: number, Key: key}, Status: sendpool.StatusDuplicate, Detail: detail})
	}
	if norm != "" && b.placed.Mark(key) {
		return addKeyed(b.untried, b.rep, number, key, "", nil, nil, 0)
	}
	return b.rep.AddRow(b.untried.row(number, key, ""))
}

// addKeyed adds row number's line: the journal's line for key
// (journal.Entry.LineFor the row's envelope recipients), at this row and
// with the key as the row spells it, or not attempted (to the row's To
// now, to; "": not known) when the journal has none. With recipients
// (the spool says the row makes a message to them; nil: not known), a
// line saying the key's row was invalid is an earlier run's word about a
// row fixed since (or another row with the key): not attempted too. A
// failed or unknown line is marked NowSuppressed when supp (nil: not
// known) names one of recipients. sum is the row's values' sum now
// (render.Message.ValuesSum; 0: not known), for LineNow. u holds the
// journal (untried.state).
func addKeyed(u *untried, rep *Reporter, number int, key, to string, recipients []string, supp *campaign.Suppression, sum uint32) error {
	e, err := u.state.Entry(key)
	if err != nil {
		return err
	}
	if e != nil {
		if line, ok := LineNow(e, recipients, sum); ok && !(recipients != nil && line.Status == sendpool.StatusInvalid) {
			line.Row, line.Key = number, key
			line.MarkSuppressed(supp, recipients)
			return rep.AddRow(u.now(line))
		}
	}
	return rep.AddRow(u.row(number, key, to))
}

// LineOf is the report line of e, the journal's knowledge of a row's key,
// for a row whose envelope recipients are now recipients (nil: not
// known): journal.Entry.LineFor, marked Owing when a send still delivers
// to some of them (journal.Entry.OwesIn). ok is false when the journal has
// no line for it. Send's report and report's both use it.
func LineOf(e *journal.Entry, recipients []string) (line Row, ok bool) {
	r, ok := e.LineFor(recipients)
	if !ok {
		return Row{}, false
	}
	line = FromJournal(r)
	line.Owing = e.OwesIn(recipients)
	return line, true
}

// LineNow is LineOf for a row whose values' sum is sum now
// (render.Message.ValuesSum; 0: not known): when the message made anew
// for it that the server deferred is still owed and made of these values
// (journal.Entry.Deferred), the line of that deferral, which the next
// send tries again, as send's report has it after that run; else LineOf.
func LineNow(e *journal.Entry, recipients []string, sum uint32) (line Row, ok bool) {
	if e.Deferred == nil || sum == 0 || sum != e.DeferredSum {
		return LineOf(e, recipients)
	}
	line = FromJournal(*e.Deferred)
	line.Attempts, line.Detail = e.Attempts, line.Detail+DeferredAnewNote
	return line, true
}

// DeferredAnewNote ends the detail of the line of a message made anew
// (send --resend-changed) that the server deferred: the row's message
// before it went out.
const DeferredAnewNote = "; a corrected message: the one before it was sent"

// untried is the words of the journal's rows no send has reached, worked
// out once a report (the journal does not change while it is rebuilt):
// not tried yet, or, when the last send refused to start, as rows have
// problems (journal.State.Refused), or else the latest run to try a
// message was interrupted (journal.State.Interrupted) or stopped
// (journal.State.Stopped), in the words that run's report gave the rows
// it left (sendpool.RefusedUnsent, sendpool.InterruptedUnsent, "run
// stopped: …").
type untried struct {
	state *journal.State
	// refused: the last send refused to start; detail is the words.
	refused bool
	detail  string
}

// newUntried is the untried words of state.
func newUntried(state *journal.State) *untried {
	u := &untried{state: state, detail: sendpool.NotReached}
	switch refused, _ := state.Refused(); {
	case refused != "":
		part, sent := state.RefusedPart()
		u.refused, u.detail = true, sendpool.RefusedAfter(part, sent, sendpool.StopCause(state.Stopped()))
	case state.Interrupted():
		u.detail = sendpool.InterruptedUnsent
	case state.Stopped() != "":
		u.detail = state.Stopped()
	}
	return u
}

// row is the line of a row no send has reached, whose To is to.
func (u *untried) row(number int, key, to string) Row {
	return Row{Recipient: Recipient{Row: number, Key: key, To: to}, Status: sendpool.StatusNotAttempted, Detail: u.detail}
}

// now is line, the journal's line of a row, with the words of the runs
// since: a row an interrupted or stopped run left untried
// (sendpool.InterruptedUnsent, "run stopped: …"), which no run has tried
// since, reads as row says now; after a send refused to start, as rows
// have problems, while it is the last send, so does every line not
// attempted, tried before or not, as that send's report gave it. A later
// run that tried messages and was killed outright (or between two) left
// no words of its own, and the rows it did not reach read "not tried
// yet", not the earlier run's interrupt (rev-user13: report after a kill
// -9 said "the run was interrupted" and its ending "interrupted").
func (u *untried) now(line Row) Row {
	if line.Status != sendpool.StatusNotAttempted {
		return line
	}
	d := line.Detail
	left := sendpool.IsInterruptedUnsent(d) || sendpool.IsStopUnsent(d) && d == sendpool.StopCause(d)
	if !u.refused && (line.Attempts > 0 || !left) { // a refused send's report gave every row not attempted its words
		return line
	}
	line.Detail = u.detail
	return line
}

// RebuildFromSpool is Rebuild for a campaign whose spool has a generation
// made from its inputs as they are now (plan.Spooled): its row records are
// the sheet's rows as send's preflight judged them, so the journal's lines
// are placed as send's report places them. An invalid or a duplicate row
// gets the preflight's line (its key and To as written, its detail), and
// takes no line of the journal's (an invalid row with the key of another,
// valid one stays invalid; the valid one gets the key's line); every other
// row, and an invalid one whose message went out from it before
// (journal.State.WentOutAt; facets are the campaign's
// render.Renderer.Facets, nil when not known, by which a row moved since
// is told), gets its key's line from the journal, at its row, or is not
// attempted when the journal has none. Recipients the sheet no longer
// has are added as Rebuild adds them (AddRemoved). Besides the Reporter
// it keeps a bit for each of the journal's recipients. A failed or
// unknown row whose envelope the suppression list supp (nil: none) names
// now is marked Row.NowSuppressed, as send marks it. r is the campaign's
// recipients, by which a row its selection leaves out now is told from
// one gone (AddRemoved). The caller opens the generation (rd) and closes
// it.
func RebuildFromSpool(ctx context.Context, rd *spool.Reader, r campaign.Recipients, state *journal.State, supp *campaign.Suppression, facets []string, rep *Reporter) error {
	return RebuildFromRows(ctx, r, state, supp, facets, rep, func(fn func(spool.Row) error) error { return rd.ScanRows(ctx, fn) })
}

// RebuildFromRows is RebuildFromSpool over the row records scan hands its
// function in sheet order: a generation's, or, when no generation was made
// from the campaign as it is, the rows as the preflight judges them now
// (plan.JudgeRows), so that report places the journal's lines as the next
// send will: a row fixed since its invalid line is not attempted, one
// broken since is invalid, and every row has its To.
func RebuildFromRows(ctx context.Context, recipients campaign.Recipients, state *journal.State, supp *campaign.Suppression, facets []string, rep *Reporter, scan func(func(spool.Row) error) error) error {
	inSheet, u := state.NewMarks(), newUntried(state)
	err := scan(func(r spool.Row) error {
		inSheet.Mark(r.Key)
		line := Row{Recipient: Recipient{Row: r.Row, Key: r.Key, To: r.To}, Detail: r.DetailLine()}
		switch r.Kind {
		case spool.KindInvalid:
			// A row with a problem now whose message went out from it
			// before has the journal's line, as send gives it.
			went, err := state.WentOutAt(r.Key, r.Row, facets, r.ColumnSums)
			switch {
			case err != nil:
				return err
			case went && r.Key != "" && !r.KeyReused:
				return addKeyed(u, rep, r.Row, r.Key, r.To, r.Recipients, nil, 0)
			}
			line.Status, line.Detail = sendpool.StatusInvalid, ProblemLine(r.Detail)
		case spool.KindDuplicate:
			line.Status = sendpool.StatusDuplicate
		default:
			return addKeyed(u, rep, r.Row, r.Key, r.To, r.Recipients, supp, r.ValuesSum)
		}
		return rep.AddRow(line)
	})
	if err != nil {
		return err
	}
	return AddRemoved(ctx, recipients, state, inSheet, rep)
}

// GoneNote ends the detail of a line AddRemoved adds, so that report.csv
// and the page, which have no column for it, tell it from the sheet's row
// that has its number now.
const GoneNote = "no longer in the sheet (the row number is the one it had)"

// others adds the journal's lines the sheet has no row for: lines without
// a key that still stand, then recipients no longer in it (AddRemoved).
func (b *rebuild) others(ctx context.Context, recipients campaign.Recipients) error {
	for _, row := range slices.Sorted(maps.Keys(b.keyless)) {
		if err := b.rep.AddBeside(FromJournal(b.keyless[row])); err != nil {
			return err
		}
	}
	return AddRemoved(ctx, recipients, b.state, b.placed, b.rep)
}

// AddRemoved adds to rep, beside the sheet's rows (Reporter.AddBeside),
// the lines of the journal's recipients that inSheet does not mark (the
// sheet no longer has them, or r's recipients.only_blank or only_filled
// leave them out now) and that a message may have reached
// (journal.State.Reached: sent, with what came back since, or unknown):
// the campaign's report keeps them. One no message reached leaves the
// report with its row: no send tries it again, and listing it as
// deferred or failed would ask for a send that cannot help. Those left
// out come first (addLeftOut), at the row they have now, their details
// ending with campaign.LeftOutNote, saying why (Row.LeftOut); then those
// the sheet no longer has, their details ending with GoneNote (Row.Gone).
// r is the campaign's recipients (the zero Recipients: it chooses no
// rows). inSheet (not nil) is not changed. Memory stays flat: a bit for
// each of the journal's recipients, two while addLeftOut copies inSheet.
func AddRemoved(ctx context.Context, r campaign.Recipients, state *journal.State, inSheet *journal.Marks, rep *Reporter) error {
	placed, err := addLeftOut(ctx, r, state, inSheet, rep)
	if err != nil {
		return err
	}
	for e, err := range state.Reached(placed) {
		if err != nil {
			return err
		}
		if r, ok := e.ReportLine(); ok {
			line := FromJournal(r)
			line.Gone = true
			line.Detail = withNote(line.Detail, GoneNote)
			if err := rep.AddBeside(line); err != nil {
				return err
			}
		}
	}
	return nil
}

// withNote is detail with note after it, "; " between them when detail
// has words.
func withNote(detail, note string) string {
	return strings.TrimPrefix(detail+"; ", "; ") + note
}
