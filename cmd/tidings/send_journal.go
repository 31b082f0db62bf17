package main

import (
	"context"
	"sync"
	"time"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
)

// journalRecorder adapts a journal.Writer to the pool's Journal interface.
// It is safe for concurrent use, as the pool requires.
type journalRecorder struct {
	w   *journal.Writer
	now func() time.Time

	// last is each message's latest attempt record, kept until its final
	// result: later tries reuse its hash (a sha256 of the whole message,
	// computed once) and count on from its Try.
	mu   sync.Mutex
	last map[*render.Message]journal.Attempt
}

var _ sendpool.Journal = (*journalRecorder)(nil)

func newJournalRecorder(w *journal.Writer) *journalRecorder {
	return &journalRecorder{w: w, now: time.Now, last: map[*render.Message]journal.Attempt{}}
}

// Attempt records, durably, that m's body is about to be handed over.
func (j *journalRecorder) Attempt(ctx context.Context, m *render.Message) error {
	j.mu.Lock()
	a, ok := j.last[m]
	j.mu.Unlock()
	if ok {
		a.Try, a.Time = a.Try+1, j.now()
	} else {
		a = journal.NewAttempt(m, 1, j.now())
	}
	j.mu.Lock()
	j.last[m] = a
	j.mu.Unlock()
	return j.w.Attempt(ctx, a)
}

// Result records the outcome of a try (r.Final false: it will be retried)
// or of the whole message.
func (j *journalRecorder) Result(ctx context.Context, m *render.Message, r sendpool.Result) error {
	j.mu.Lock()
	a, ok := j.last[m]
	if r.Final {
		delete(j.last, m)
	}
	j.mu.Unlock()
	rec := journalResult(r)
	if ok {
		rec.Hash = a.Hash
	}
	rec.Owed = owed(r)
	if !r.Final {
		rec.Status = journal.StatusTemporary
	}
	return j.w.Result(ctx, rec)
}

// owed lists the recipients a message still owes when the server accepted
// it for some and refused others temporarily (or the try ended before
// their turn): a resumed run sends to these only. nil when nobody has the
// message yet (all are sent again) or nobody is owed.
func owed(r sendpool.Result) []string {
	var sent bool
	var out []string
	for _, rr := range r.Recipients {
		switch {
		case rr.Status == sendpool.StatusSent:
			sent = true
		case rr.Code >= 500:
			// refused for good: not owed
		default:
			out = append(out, rr.Address)
		}
	}
	if !sent {
		return nil
	}
	return out
}

// record writes a result for a row the pool never saw (invalid, duplicate,
// suppressed, not attempted).
func (j *journalRecorder) record(ctx context.Context, row sendpool.ReportRow) error {
	return j.w.Result(ctx, journal.Result{
		Row: row.Row, Key: row.Key, NormKey: journal.NormalizeKey(row.Key), To: row.To,
		Status: journalStatus(row.Status, false), Detail: row.Detail, Finished: j.now(),
	})
}

// journalResult converts a pool result to a journal record.
func journalResult(r sendpool.Result) journal.Result {
	return journal.Result{
		Row: r.Row, Key: r.Key, NormKey: journal.NormalizeKey(r.Key), To: r.To,
		Status:   journalStatus(r.Status, r.Temporary),
		Attempts: r.Attempts, Code: r.Code, EnhancedCode: r.EnhancedCode.String(),
		Detail: r.Detail, MessageID: r.MessageID, Server: r.Server,
		Started: r.StartedAt, Finished: r.FinishedAt, DurationMS: r.Duration.Milliseconds(),
		WaitMS: r.Wait.Milliseconds(),
	}
}

// journalStatus maps a pool status to the journal's. A failure whose last
// error was temporary is recorded as temporary, so the next run retries it.
func journalStatus(s sendpool.Status, temporary bool) journal.Status {
	switch s {
	case sendpool.StatusSent:
		return journal.StatusSent
	case sendpool.StatusFailed:
		if temporary {
			return journal.StatusTemporary
		}
		return journal.StatusFailed
	case sendpool.StatusUnknown:
		return journal.StatusUnknown
	case sendpool.StatusInvalid:
		return journal.StatusInvalid
	case sendpool.StatusDuplicate:
		return journal.StatusDuplicate
	case sendpool.StatusSuppressed:
		return journal.StatusSuppressed
	case sendpool.StatusNotAttempted:
		if temporary {
			return journal.StatusTemporary
		}
		return journal.StatusNotAttempted
	default:
		return journal.StatusNotAttempted
	}
}

// reportRow converts a journal record to a report line. A temporary failure
// is reported as failed: it was not delivered, and the next run retries it.
func reportRow(r journal.Result) sendpool.ReportRow {
	st := sendpool.StatusNotAttempted
	switch r.Status {
	case journal.StatusSent:
		st = sendpool.StatusSent
	case journal.StatusFailed, journal.StatusTemporary:
		st = sendpool.StatusFailed
	case journal.StatusUnknown:
		st = sendpool.StatusUnknown
	case journal.StatusInvalid:
		st = sendpool.StatusInvalid
	case journal.StatusDuplicate:
		st = sendpool.StatusDuplicate
	case journal.StatusSuppressed:
		st = sendpool.StatusSuppressed
	case journal.StatusNotAttempted:
		st = sendpool.StatusNotAttempted
	}
	ec, _ := sendpool.ParseEnhancedCode(r.EnhancedCode)
	return sendpool.RowFromResult(sendpool.Result{
		Row: r.Row, Key: r.Key, To: r.To, MessageID: r.MessageID, Status: st,
		Attempts: r.Attempts, Code: r.Code, EnhancedCode: ec, Detail: r.Detail,
		Server: r.Server, StartedAt: r.Started, FinishedAt: r.Finished,
		Duration: time.Duration(r.DurationMS) * time.Millisecond,
		Wait:     time.Duration(r.WaitMS) * time.Millisecond,
	})
}
