package bounces

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tidings/tidings/sendpool/mailbox"
)

// overrunRuns is in how many runs the fetch of a message must overrun the
// bounds of one exchange (mailbox.Overran) before the next runs pass it
// over unread: once may be the server's bad minute, twice under the same
// bound is the message (one so large or so broken that the server cannot
// give it in time), which would otherwise cost every run that long.
const overrunRuns = 2

// overrun is what Memory keeps of a message whose fetch overran: in how
// many runs, and the bound of one exchange then (mailbox.Config's
// ExchangeLimit, 10 × mailbox.timeout): a run with a larger bound tries
// it again.
type overrun struct {
	runs  int
	bound time.Duration
}

// PassedOver is a message a run did not read because the fetch of it
// overran the bounds of one exchange in overrunRuns earlier runs, under a
// bound as large as this run's (Options.Bound).
type PassedOver struct {
	ID   string // the mailbox's id for it: its IMAP UID or POP3 unique-id
	Size int64  // its size as the server counts it
	// Runs is in how many runs it overran, Bound the bound of one
	// exchange in the last of them.
	Runs  int
	Bound time.Duration
}

// passOver takes out of entries the messages to pass over under bound
// (see PassedOver), and returns them apart.
func (m *Memory) passOver(entries []mailbox.Entry, bound time.Duration) (kept []mailbox.Entry, passed []PassedOver) {
	kept = entries[:0:0]
	for _, e := range entries {
		o, ok := m.overran[e.ID]
		if ok && o.runs >= overrunRuns && o.bound >= bound {
			passed = append(passed, PassedOver{ID: e.ID, Size: e.Size, Runs: o.runs, Bound: o.bound})
			continue
		}
		kept = append(kept, e)
	}
	return kept, passed
}

// overrunRunsOf is in how many runs, this one included when it overran
// under bound, the fetch of message id overran (0 for none).
func (m *Memory) overrunRunsOf(id string, bound time.Duration) int {
	if m == nil {
		return 1
	}
	if o, ok := m.overran[id]; ok && o.bound >= bound {
		return o.runs + 1
	}
	return 1
}

// noteOverruns counts a run's overrun for each of ids under bound: a
// larger bound than the last one's counts anew.
func (m *Memory) noteOverruns(ids []string, bound time.Duration) {
	for _, id := range ids {
		if _, known := m.overran[id]; !storableUIDL(id) || !known && len(m.overran) >= maxOverran {
			continue
		}
		m.overran[id] = overrun{runs: m.overrunRunsOf(id, bound), bound: bound}
	}
}

// pruneOverruns forgets the overruns of the messages read (they were
// given in time at last) and of those no longer listed (taken out of the
// mailbox), listed being what this run listed (nil: keep them).
func (m *Memory) pruneOverruns(read []string, listed []mailbox.Entry) {
	for _, id := range read {
		delete(m.overran, id)
	}
	if listed == nil {
		return
	}
	there := make(map[string]bool, len(listed))
	for _, e := range listed {
		there[e.ID] = true
	}
	for id := range m.overran {
		if !there[id] {
			delete(m.overran, id)
		}
	}
}

// parseOverrun reads an overran line's rest, "ID RUNS BOUND" (BOUND as
// time.Duration writes it), into m.
func (m *Memory) parseOverrun(rest string) error {
	f := strings.Fields(rest)
	if len(f) != 3 || !storableUIDL(f[0]) {
		return fmt.Errorf("an overran line tidings does not write: %.40q", rest)
	}
	runs, err := strconv.Atoi(f[1])
	bound, berr := time.ParseDuration(f[2])
	if err != nil || berr != nil || runs < 1 || bound < 0 {
		return fmt.Errorf("an overran line tidings does not write: %.40q", rest)
	}
	m.overran[f[0]] = overrun{runs: runs, bound: bound}
	return nil
}

// overrunProblem says of a message whose fetch overran (err) that it was
// passed over, in the runs'th run to overrun, and what the next run does.
func overrunProblem(err error, runs int, remembered bool) string {
	why := strings.TrimPrefix(err.Error(), "mailbox: ")
	switch {
	case !remembered:
		return fmt.Sprintf("the server did not give it within bounds (%s); passed over, on a new session: the next run tries it again", why)
	case runs >= overrunRuns:
		return fmt.Sprintf("the server did not give it within bounds, in %d runs now (%s); passed over, on a new session: the next runs skip it, saying so, until mailbox.timeout is larger (or %s is removed)", runs, why, ReadFile)
	}
	return fmt.Sprintf("the server did not give it within bounds (%s); passed over, on a new session: the next run tries it once more, and skips it from then on if it overruns again", why)
}

// passedOverFinding is the finding for message e whose fetch overran
// (err) and which the run passed over on a new session.
func passedOverFinding(e mailbox.Entry, err error, opts Options) Finding {
	runs := opts.Memory.overrunRunsOf(e.ID, opts.Bound)
	problem := overrunProblem(err, runs, opts.Memory != nil && !opts.DryRun)
	return Finding{ID: e.ID, Verdict: Unreadable, Problem: problem, Overran: true, Size: e.Size}
}

// passOver goes on, after the fetch of a message overran its bounds
// (err) and ended the session, on a new one when mb can open one (a
// Reopener): passed says it did. When it did not, err says why too.
func passOver(ctx context.Context, mb Mailbox, err error) (passed bool, _ error) {
	ro, ok := mb.(Reopener)
	if !ok || ctx.Err() != nil {
		return false, err
	}
	if rerr := ro.Reopen(ctx); rerr != nil {
		return false, fmt.Errorf("%w; reading on past it on a new session failed: %v", err, rerr)
	}
	return true, err
}

// Reopener is a Mailbox that can go on on a new session once an exchange
// ended its own: Process passes over a message whose fetch overran
// (mailbox.Overran) and reads on, where it would stop.
type Reopener interface {
	Mailbox
	// Reopen ends the session and opens a new one on the same mailbox
	// (Scope), which the Mailbox's calls use from then on.
	Reopen(ctx context.Context) error
}

// Reopening is a Session that Reopen replaces by a new one from open:
// Close ends the last.
type Reopening struct {
	Session
	open func(context.Context) (Session, error)
}

// NewReopening is s, reopened with open when asked.
func NewReopening(s Session, open func(context.Context) (Session, error)) *Reopening {
	return &Reopening{Session: s, open: open}
}

// Reopen ends r's session and opens another; one on another mailbox (its
// Scope changed: the folder made anew, with other UIDs) is closed, and
// an error, r's session staying the ended one.
func (r *Reopening) Reopen(ctx context.Context) error {
	r.Session.Close(context.WithoutCancel(ctx)) // ended by the overrun already: nothing is sent
	s, err := r.open(ctx)
	if err != nil {
		return fmt.Errorf("bounces: opening a new session: %w", err)
	}
	if s.Scope() != r.Session.Scope() {
		s.Close(context.WithoutCancel(ctx))
		return fmt.Errorf("bounces: the new session's mailbox is another (%s, was %s)", s.Scope().Key, r.Session.Scope().Key)
	}
	r.Session = s
	return nil
}
