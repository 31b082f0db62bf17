package plan

import (
	"context"
	"time"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
)

// Seed writes what the preflight decided before anything is sent: every
// row's line to the report (rows to send as not attempted), and the rows
// decided without a delivery (invalid, duplicate, suppressed) to the
// journal.
func (pl *Plan) Seed(ctx context.Context, rep *report.Reporter, rec *journal.Recorder) error {
	for _, r := range pl.Lines {
		if err := rep.AddRow(r); err != nil {
			return err
		}
		switch r.Status {
		case sendpool.StatusInvalid, sendpool.StatusDuplicate, sendpool.StatusSuppressed:
			jr := journal.Result{Row: r.Row, Key: r.Key, To: r.To, Status: r.Status, Detail: r.Detail}
			if err := rec.Record(ctx, jr); err != nil {
				return err
			}
		}
	}
	return nil
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
// now.
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
	return a
}
