package plan

import (
	"context"
	"errors"
	"time"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/spool"
)

// Hold says which rows to send a run holds back: those after the first
// After (past --limit or the daily cap), whose report line gets Detail.
// The zero Hold holds none back.
type Hold struct {
	After  int
	Detail string
}

// Seed writes what the preflight decided before anything is sent: every
// row's line to the report (rows to send as not attempted; those hold
// holds back with its detail), and the rows decided without a delivery
// (invalid, duplicate, suppressed; not those whose line the journal has
// already: journal.State.Recorded) to the journal, queued and synced once
// at the end (one fsync each took minutes for a list of 300,000
// suppressed addresses). It reads the decisions again from the spool, one
// row at a time; the suppressed rows' lines (and the decision that holds
// back recipients a sent message still owes, since one of the row's is
// suppressed: verdict.held) go last, in a second pass
// over those rows, so that a key's latest decision is its own row's, not
// that of an invalid row further down with the same key (one with the
// same values is a duplicate; one with other values, a problem of its
// own, is not journaled). The journal's recipients the sheet no
// longer has keep their lines in the report when a message may have
// reached them, as report.Rebuild lists them (report.AddRemoved).
// With rec nil (a run that sends nothing) it journals nothing: it returns
// ErrUnjournaled as soon as a row's decision is not in the journal yet,
// for the caller to seed a reporter again with a recorder.
func (pl *Plan) Seed(ctx context.Context, rep *report.Reporter, rec *journal.Recorder, hold Hold) error {
	return pl.seed(ctx, rep, rec, hold, false)
}

// SeedReport is Seed for the report of a send that sends nothing and
// journals nothing (one refused as rows have problems): every row's line
// goes to rep, whatever the journal has of the decisions.
func (pl *Plan) SeedReport(ctx context.Context, rep *report.Reporter, hold Hold) error {
	return pl.seed(ctx, rep, nil, hold, true)
}

// seed is Seed, or with reportOnly SeedReport.
func (pl *Plan) seed(ctx context.Context, rep *report.Reporter, rec *journal.Recorder, hold Hold, reportOnly bool) error {
	rd, err := pl.Spool.Open()
	if err != nil {
		return err
	}
	defer rd.Close()
	defer pl.closeSums()
	toSend := 0
	state := pl.decider.state
	d := decisions{state: state, rec: rec, written: state.NewMarks(), reportOnly: reportOnly}
	inSheet := state.NewMarks() // the journal's keys the sheet has
	var suppressed []int32      // rows, in order
	err = rd.ScanRows(ctx, func(r spool.Row) error {
		inSheet.Mark(r.Key)
		v, err := pl.judge(r, false)
		if err != nil {
			return err
		}
		if v.send {
			// A row held back says why it is not sent; one that only
			// owes some recipients keeps its line (sent: an earlier
			// run reached the others).
			if toSend++; hold.Detail != "" && toSend > hold.After && v.line.Status == sendpool.StatusNotAttempted {
				v.line.Detail = hold.Detail
			}
		}
		if err := rep.AddRow(v.line); err != nil {
			return err
		}
		switch {
		case v.line.Status == sendpool.StatusSuppressed, v.held != "":
			suppressed = append(suppressed, int32(r.Row))
		case v.line.Status == sendpool.StatusInvalid, v.line.Status == sendpool.StatusDuplicate:
			return d.record(ctx, r, v.line)
		}
		return nil
	})
	if err == nil && len(suppressed) > 0 {
		err = rd.ScanRows(ctx, func(r spool.Row) error {
			if len(suppressed) == 0 || r.Row != int(suppressed[0]) {
				return nil
			}
			suppressed = suppressed[1:]
			v, err := pl.judge(r, false)
			if err != nil {
				return err
			}
			if v.held != "" {
				// Sent, with the recipients it still owes held back.
				return d.record(ctx, r, report.Row{Status: sendpool.StatusSuppressed, Detail: v.held})
			}
			return d.record(ctx, r, v.line)
		})
	}
	if err != nil {
		return err
	}
	if err := report.AddRemoved(ctx, pl.decider.recipients, state, inSheet, rep); err != nil {
		return err
	}
	pl.inSheet = inSheet
	if rec == nil {
		return nil
	}
	return rec.Sync(ctx)
}

// ErrUnjournaled is Seed's error, without a recorder, for a decision
// the journal does not have yet.
var ErrUnjournaled = errors.New("plan: a row's decision is not in the journal yet")

// decisions writes Seed's decisions to the journal.
type decisions struct {
	state   *journal.State
	rec     *journal.Recorder
	written *journal.Marks // the journal's keys this run wrote a decision for
	// reportOnly: record nothing (SeedReport).
	reportOnly bool
}

// record queues row r's decision line (its status and detail), unless
// the journal has it already (journal.State.Recorded). A row with an
// earlier row's key and other values (spool.Row.KeyReused) gets none: its
// key stands for the earlier row, a line of its own without the key would
// outlive the row (report.Rebuild keeps such lines), and report tells the
// problem again from the sheet (journal.State.KeyReused).
func (d *decisions) record(ctx context.Context, r spool.Row, line report.Row) error {
	if r.KeyReused || d.reportOnly {
		return nil
	}
	jr := journal.Result{Row: r.Row, Key: r.Key, To: r.To, Status: line.Status, Detail: line.Detail}
	if done, err := d.state.Recorded(jr, d.written); done || err != nil {
		return err
	}
	if d.rec == nil {
		return ErrUnjournaled
	}
	d.written.Mark(jr.Key)
	return d.rec.RecordQueued(ctx, jr)
}

// Allowance is how many of the planned rows a run may send now.
type Allowance struct {
	// N is the number to send: all planned rows, at most the run's limit
	// and what the daily cap leaves.
	N int
	// Capped is set when the daily cap holds rows back; Next is then when
	// the cap's window lets the next one go (zero when some may go now).
	Capped bool
	Next   time.Time
}

// Allow applies the run's limit (0: none) and the campaign's daily cap
// (0: none; a rolling 24 hours of what the journal, state, has sent) at
// now. A plan made for a run that sends none (Options.SendsNone: the cap
// was used up when its preflight began) lets none go, capped, even when
// the cap has freed a slot by now (Next is then now): its rows to send
// were decided from a spool that may be days old or lack their messages,
// and the next run renders them.
func (pl *Plan) Allow(limit, dailyCap int, state *journal.State, now time.Time) Allowance {
	a := Allowance{N: pl.ToSend}
	if limit > 0 && a.N > limit {
		a.N = limit
	}
	if dailyCap > 0 {
		left, next := state.Quota(dailyCap, 24*time.Hour, now)
		if left < a.N {
			a.N, a.Capped, a.Next = max(left, 0), true, next
		}
	}
	if pl.sendsNone && a.N > 0 {
		a.N, a.Capped, a.Next = 0, true, now
	}
	return a
}
