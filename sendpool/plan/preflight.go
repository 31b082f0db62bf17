package plan

import (
	"context"
	"errors"
	"hash/maphash"
	"strings"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
)

// DefaultKeepBudget bounds the bytes of rendered messages the preflight
// keeps for delivery; a larger campaign is rendered again, streaming, as it
// is sent.
const DefaultKeepBudget = 256 << 20

// Options tune Preflight.
type Options struct {
	// Policy is the resume policy (--retry-failed, --resend-unknown).
	Policy journal.Policy
	// KeepBudget overrides DefaultKeepBudget; negative keeps none.
	KeepBudget int
	// Describe formats a row problem for the report (file, row, column);
	// nil means its Error.
	Describe func(error) string
	// OnMessage, when set, sees every rendered message (for its
	// warnings), from one goroutine.
	OnMessage func(*render.Message)
}

func (o *Options) describe(err error) string {
	if o.Describe == nil {
		return err.Error()
	}
	return o.Describe(err)
}

// Preflight renders every row once, before anything is sent, and decides
// each row's fate: invalid, duplicate, suppressed, skipped by the journal
// (state), or to send. It fails only when the campaign cannot be read; row
// problems are in Plan.Invalid.
func Preflight(ctx context.Context, in *Inputs, state *journal.State, opts Options) (*Plan, error) {
	if opts.KeepBudget == 0 {
		opts.KeepBudget = DefaultKeepBudget
	}
	pl := &Plan{seed: maphash.MakeSeed()}
	decider := NewDecider(in, state, opts.Policy)
	err := in.Renderer.Each(ctx, in.Sheet, Workers(), func(m *render.Message, err error) error {
		pl.Rows++
		if err != nil {
			return pl.addInvalid(m, err, &opts)
		}
		if opts.OnMessage != nil {
			opts.OnMessage(m)
		}
		line := report.Row{Recipient: report.Recipient{Row: m.Row, Key: m.Key, To: m.To}, MessageID: m.MessageID, Status: sendpool.StatusNotAttempted}
		f := decider.Decide(m)
		switch {
		case f.Status == sendpool.StatusDuplicate || f.Status == sendpool.StatusSuppressed:
			line.Status, line.Detail = f.Status, f.Detail
			pl.Lines = append(pl.Lines, line)
		case !f.Send:
			pl.addDone(m, line, f.Journal)
		default:
			pl.addToSend(m, line, f.Journal, opts.KeepBudget)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return pl, nil
}

// addInvalid records a row problem; any other error stops the preflight.
func (pl *Plan) addInvalid(m *render.Message, err error, opts *Options) error {
	var re *campaign.RowError
	if !errors.As(err, &re) {
		return err
	}
	pl.Invalid = append(pl.Invalid, err)
	line := report.Row{Recipient: report.Recipient{Row: re.Row}, Status: sendpool.StatusInvalid, Detail: opts.describe(err)}
	if m != nil {
		line.Key, line.To = m.Key, m.To
	}
	pl.Lines = append(pl.Lines, line)
	return nil
}

// addDone records a row the journal says needs no sending. The report
// keeps the earlier delivery's line (its reply code and detail), not just
// the journal's status; an unknown outcome is listed for the user to
// decide about, whatever an earlier try said.
func (pl *Plan) addDone(m *render.Message, line report.Row, d journal.Decision) {
	prev := line
	if d.Entry != nil && d.Entry.Result != nil {
		prev = report.FromJournal(*d.Entry.Result)
		prev.Row = m.Row
	}
	if d.Status == sendpool.StatusUnknown {
		prev.Status, prev.Detail = sendpool.StatusUnknown, d.Reason
		if a := d.Entry.LastAttempt; a != nil && prev.MessageID == "" {
			prev.MessageID = a.MessageID
		}
		pl.Unknown = append(pl.Unknown, prev)
	}
	pl.Lines = append(pl.Lines, prev)
}

// addToSend plans m for sending: to the recipients still owed it when an
// earlier run delivered it to others (only those the row still names: they
// passed the suppression list with it), keeping the message for delivery
// while the kept messages fit in budget.
func (pl *Plan) addToSend(m *render.Message, line report.Row, d journal.Decision, budget int) {
	if len(d.Owed) > 0 {
		envelope := owedInRow(d.Owed, m.Recipients)
		if len(envelope) == 0 {
			prev := report.FromJournal(*d.Entry.Result)
			prev.Row = m.Row
			prev.Detail = strings.TrimPrefix(prev.Detail+"; the recipients it still owed ("+strings.Join(d.Owed, ", ")+") are no longer in the row", "; ")
			pl.Lines = append(pl.Lines, prev)
			return
		}
		if pl.owed == nil {
			pl.owed = map[int][]string{}
		}
		pl.owed[m.Row] = envelope
		m = pl.forOwed(m)
	}
	pl.send.add(m.Row)
	pl.planned = append(pl.planned, plannedRow{row: m.Row, key: pl.keyHash(m.Key)})
	pl.ToSend++
	if m.UTF8 {
		pl.utf8Rows = append(pl.utf8Rows, m.Row)
	}
	if pl.kept != nil || pl.ToSend == 1 {
		if pl.keptBytes += len(m.Data); pl.keptBytes <= budget {
			pl.kept = append(pl.kept, m)
		} else {
			pl.kept = nil // too large: delivery renders again
		}
	}
	pl.Lines = append(pl.Lines, line) // not-attempted until the pool says otherwise
}
