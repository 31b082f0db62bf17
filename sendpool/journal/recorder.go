package journal

import (
	"context"
	"sync"
	"time"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
)

// Recorder adapts a Writer to sendpool's Journal interface: it is what
// tidings send hands the pool, and the bench's in-process runs use it too.
// It is safe for concurrent use, as the pool requires. It does not close
// the Writer.
type Recorder struct {
	w   *Writer
	now func() time.Time

	// last is each message's latest attempt record, kept until its final
	// result: later tries reuse its hash (a sha256 of the whole message,
	// computed once) and count on from its Try.
	mu   sync.Mutex
	last map[*render.Message]Attempt
}

var _ sendpool.Journal = (*Recorder)(nil)

// NewRecorder returns a Recorder writing to w.
func NewRecorder(w *Writer) *Recorder {
	return &Recorder{w: w, now: time.Now, last: map[*render.Message]Attempt{}}
}

// Attempt records, durably, that m's body is about to be handed over.
func (j *Recorder) Attempt(ctx context.Context, m *render.Message) error {
	j.mu.Lock()
	a, ok := j.last[m]
	j.mu.Unlock()
	if ok {
		a.Try, a.Time = a.Try+1, j.now()
	} else {
		a = NewAttempt(m, 1, j.now())
	}
	j.mu.Lock()
	j.last[m] = a
	j.mu.Unlock()
	return j.w.Attempt(ctx, a)
}

// Result records the outcome of a try (r.Final false: it will be retried,
// as deferred; not attempted: a withdrawn attempt) or of the whole
// message.
func (j *Recorder) Result(ctx context.Context, m *render.Message, r sendpool.Result) error {
	withdrawn := !r.Final && r.Status == sendpool.StatusNotAttempted
	j.mu.Lock()
	a, ok := j.last[m]
	switch {
	case r.Final:
		delete(j.last, m)
	case withdrawn && ok && a.Try > 0:
		// The attempt taken back handed nothing over: the next is
		// counted in its place.
		b := a
		b.Try--
		j.last[m] = b
	}
	j.mu.Unlock()
	rec := ResultOf(r)
	if ok {
		rec.Hash = a.Hash
	}
	rec.Owed = Owed(r)
	if !r.Final && !withdrawn {
		// A try the pool goes on with. A not-attempted one takes back an
		// attempt whose body did not go (recorded ahead, and its
		// connection ended): it stays so, and ends the attempt uncounted.
		rec.Status, rec.Again = sendpool.StatusDeferred, true
	}
	if rec.Status == sendpool.StatusDeferred {
		// What it was made of, which an attempt line of this try may not
		// say (refused at RCPT before its body was due): a message made
		// anew for a sent key stays owed by it (State.laterAnew).
		rec.ValuesSum = m.ValuesSum
	}
	return j.w.Result(ctx, rec)
}

// Owed lists the recipients a message still owes when the server accepted
// it for some and refused others temporarily (or the try ended before
// their turn): a resumed run sends to these only. nil when nobody has the
// message yet (all are sent again) or nobody is owed.
func Owed(r sendpool.Result) []string {
	var sent bool
	var out []string
	for _, rr := range r.Recipients {
		switch {
		case rr.Status == sendpool.StatusSent:
			sent = true
		case rr.Status == sendpool.StatusFailed:
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

// Refused lists the recipients the server refused for good when it did not
// refuse them all (Result.Refused), as Owed lists those still owed.
func Refused(r sendpool.Result) []string {
	var out []string
	for _, rr := range r.Recipients {
		if rr.Status == sendpool.StatusFailed {
			out = append(out, rr.Address)
		}
	}
	if len(out) == len(r.Recipients) {
		return nil
	}
	return out
}

// Record writes a decision about a row the pool never saw (invalid,
// duplicate, suppressed, not attempted), stamping it with the time.
func (j *Recorder) Record(ctx context.Context, r Result) error {
	return j.w.Result(ctx, j.stamped(r))
}

// RecordQueued is Record without waiting for the line to be written (see
// Writer.ResultQueued); Sync waits for it.
func (j *Recorder) RecordQueued(ctx context.Context, r Result) error {
	return j.w.ResultQueued(ctx, j.stamped(r))
}

// Sync waits until every record queued before it is written and fsynced.
func (j *Recorder) Sync(ctx context.Context) error { return j.w.Sync(ctx) }

// stamped is r with its normalized key and, when it has none, the time.
func (j *Recorder) stamped(r Result) Result {
	if r.NormKey == "" {
		r.NormKey = NormalizeKey(r.Key)
	}
	if r.Finished.IsZero() {
		r.Finished = j.now()
	}
	return r
}

// ResultOf converts a pool result to a journal record.
func ResultOf(r sendpool.Result) Result {
	return Result{
		Row: r.Row, Key: r.Key, NormKey: NormalizeKey(r.Key), To: r.To, Cc: r.Cc, Bcc: r.Bcc,
		Status:   r.Status,
		Attempts: r.Attempts, Code: r.Code, EnhancedCode: r.EnhancedCode.String(),
		Detail: r.Detail, MessageID: r.MessageID, Server: r.Server,
		Started: r.StartedAt, Finished: r.FinishedAt, DurationMS: r.Duration.Milliseconds(),
		WaitMS: r.Wait.Milliseconds(), Refused: Refused(r),
	}
}
