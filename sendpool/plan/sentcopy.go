package plan

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/spool"
)

// Copier keeps copies of delivered messages in a folder (sendpool/mailbox's
// Sent is one): Append stores data as it is, dated date; HasMessageID says
// whether a message with that Message-ID is there already.
type Copier interface {
	Append(ctx context.Context, data []byte, date time.Time) error
	HasMessageID(ctx context.Context, id string) (bool, error)
}

// SentCopies says where Deliver keeps a copy of each delivered message
// (mailbox.sent_folder).
type SentCopies struct {
	To     Copier
	Folder string
	// One keeps the campaign's first delivered message only
	// (sent_copies: one).
	One bool
	// Journal records each copy (see journal.Copy).
	Journal *journal.Writer
	// Warn, when set, hears every copy that failed; the copy is tried
	// once more at the end of the run, and by the next run. It is called
	// from the copier's goroutine.
	Warn func(error)
	// Later says who makes the copies this run does not ("the next send
	// run makes them" when empty), for Warn's words.
	Later string
}

// CopyStats counts what the copier did: Copied copies made (or found
// made), Failed copies not made this run (they failed, or the run was
// interrupted or gave up first): the next run makes them.
type CopyStats struct {
	Copied, Failed int
}

// copyJob is one message to copy.
type copyJob struct {
	row                  int
	key, messageID, hash string
	date                 time.Time
	begun                bool // an earlier try may have stored it
}

// copier copies delivered messages on a goroutine of its own, so a slow or
// failing folder never holds up delivery. Its queue holds row numbers and
// ids, not messages: each message is read from the spool when its turn
// comes.
type copier struct {
	cfg SentCopies
	// hold is what a copy under way runs under: not the run's context,
	// which the first interrupt ends, but the abort (a second one), so
	// an interrupt lets the APPEND under way finish, as it lets the
	// messages in flight finish, and starts no other.
	hold   context.Context
	finder *spool.Finder
	gen    *spool.Generation
	cur    *spool.Reader

	mu      sync.Mutex
	queue   []copyJob
	closed  bool
	wake    chan struct{} // buffered 1
	taken   bool          // One: the one copy is queued already
	gaveUp  bool          // too many copies failed in a row: no more this run
	stats   CopyStats
	retry   []copyJob
	stopped chan struct{}
}

// startCopies starts the copier for d's run, with the copies an earlier
// run owes queued first; nil when the run keeps no copies. It takes no
// copy after ctx ends; a copy under way ends only with abort (nil: never).
func (pl *Plan) startCopies(ctx, abort context.Context, stateDir string, cfg *SentCopies) (*copier, error) {
	if cfg == nil || cfg.To == nil {
		return nil, nil
	}
	store := spool.OpenStore(stateDir)
	finder, err := store.NewFinder()
	if err != nil {
		return nil, err
	}
	cur, err := pl.Spool.Open()
	if err != nil {
		finder.Close()
		return nil, err
	}
	hold := context.WithoutCancel(ctx)
	if abort != nil {
		hold = abort
	}
	c := &copier{cfg: *cfg, hold: hold, finder: finder, gen: pl.Spool, cur: cur, wake: make(chan struct{}, 1), stopped: make(chan struct{})}
	if err := c.owed(pl.decider.state); err != nil {
		cur.Close()
		finder.Close()
		return nil, err
	}
	go c.run(ctx)
	return c, nil
}

// owed queues the copies earlier runs owe: those begun first (with
// sent_copies: one, a copy begun is the one), then the others.
func (c *copier) owed(state *journal.State) error {
	c.taken = c.cfg.One && state.Copies() > 0
	var others []copyJob
	for e, err := range state.All() {
		if err != nil {
			return err
		}
		if !copyOwed(state, e) {
			continue
		}
		j := copyJob{row: e.Row, key: e.Key, messageID: e.MessageID, hash: e.Hash, date: e.Result.Finished, begun: state.CopyOf(e.MessageID) == journal.CopyBegun}
		if j.begun {
			c.push(j)
		} else {
			others = append(others, j)
		}
	}
	for _, j := range others {
		c.push(j)
	}
	return nil
}

// copyOwed says whether the message of e, a line of state, is owed its
// copy: it was sent, and its copy not finished.
func copyOwed(state *journal.State, e *journal.Entry) bool {
	return e.Status == sendpool.StatusSent && e.Result != nil && state.CopyOf(e.MessageID) != journal.CopyDone
}

// CopiesOwed says whether the journal (state) has a sent message whose
// copy in the Sent folder an earlier run did not finish, which the next
// send makes; with one (sent_copies: one), only while no copy was made.
func CopiesOwed(state *journal.State, one bool) (bool, error) {
	if one && state.Copies() > 0 {
		return false, nil
	}
	for e, err := range state.All() {
		if err != nil || copyOwed(state, e) {
			return true, err
		}
	}
	return false, nil
}

// add queues the copy of a delivered message.
func (c *copier) add(r sendpool.Result) {
	if c == nil || r.Status != sendpool.StatusSent {
		return
	}
	c.push(copyJob{row: r.Row, key: r.Key, messageID: r.MessageID, date: r.FinishedAt})
}

func (c *copier) push(j copyJob) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gaveUp {
		c.stats.Failed++ // not copied this run: the next run copies it
		return
	}
	if c.closed || c.cfg.One && c.taken {
		return
	}
	c.taken = true
	c.queue = append(c.queue, j)
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// next takes the next job; ok is false once the queue is closed and
// empty, or ctx ended (an interrupt: the next run makes those queued).
func (c *copier) next(ctx context.Context) (copyJob, bool) {
	for {
		if ctx.Err() != nil {
			return copyJob{}, false
		}
		c.mu.Lock()
		if len(c.queue) > 0 {
			j := c.queue[0]
			c.queue = c.queue[1:]
			c.mu.Unlock()
			return j, true
		}
		closed := c.closed
		c.mu.Unlock()
		if closed {
			return copyJob{}, false
		}
		select {
		case <-c.wake:
		case <-ctx.Done():
			return copyJob{}, false
		}
	}
}

// run copies until the queue is closed and empty, then tries the failed
// copies once more.
func (c *copier) run(ctx context.Context) {
	defer close(c.stopped)
	failedInARow := 0
	for {
		j, ok := c.next(ctx)
		if !ok {
			break
		}
		err := c.copy(c.hold, j)
		if err == nil {
			failedInARow = 0
			continue
		}
		c.warn(j, err)
		c.retry = append(c.retry, j)
		if failedInARow++; failedInARow == maxFailedInARow {
			c.giveUp()
			return
		}
	}
	for i, j := range c.retry {
		if ctx.Err() != nil {
			c.countFailed(len(c.retry) - i)
			break
		}
		if err := c.copy(c.hold, copyJob{row: j.row, key: j.key, messageID: j.messageID, hash: j.hash, date: j.date, begun: true}); err != nil {
			c.warn(j, err)
			c.count(false)
		}
	}
	// Interrupted: what is still queued is made by the next run.
	c.mu.Lock()
	c.stats.Failed += len(c.queue)
	c.queue = nil
	c.mu.Unlock()
}

func (c *copier) countFailed(n int) {
	c.mu.Lock()
	c.stats.Failed += n
	c.mu.Unlock()
}

// copy stores one message's copy, journaled before and after; a copy an
// earlier try may have stored is looked for first.
func (c *copier) copy(ctx context.Context, j copyJob) error {
	rec := journal.Copy{Row: j.row, Key: j.key, MessageID: j.messageID, Folder: c.cfg.Folder}
	if j.begun {
		has, err := c.cfg.To.HasMessageID(ctx, j.messageID)
		if err != nil {
			return err
		}
		if has {
			rec.Done = true
			c.count(true)
			return c.cfg.Journal.Copy(ctx, rec)
		}
	}
	data, err := c.data(ctx, j)
	if err != nil {
		return err
	}
	if err := c.cfg.Journal.Copy(ctx, rec); err != nil {
		return err
	}
	if err := c.cfg.To.Append(ctx, data, j.date); err != nil {
		return err
	}
	rec.Done = true
	c.count(true)
	return c.cfg.Journal.Copy(ctx, rec)
}

// data is the message as it was sent, from the spool.
func (c *copier) data(ctx context.Context, j copyJob) ([]byte, error) {
	if j.hash == "" { // delivered by this run: the current generation has it
		if m, ok, err := c.cur.Message(j.row); err != nil || ok && m.MessageID == j.messageID {
			if err != nil {
				return nil, err
			}
			return m.Data, nil
		}
	}
	m, _, ok, err := c.finder.Find(ctx, j.row, j.key, j.hash)
	switch {
	case err != nil:
		return nil, err
	case !ok || m.MessageID != j.messageID:
		return nil, errNoSpooledMessage
	}
	return m.Data, nil
}

// errNoSpooledMessage: the message to copy is in no spool generation any
// more (removed by hand).
var errNoSpooledMessage = errors.New("its message is no longer in the spool")

func (c *copier) count(ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ok {
		c.stats.Copied++
	} else {
		c.stats.Failed++
	}
}

func (c *copier) warn(j copyJob, err error) {
	if c.cfg.Warn != nil {
		c.cfg.Warn(fmt.Errorf("plan: copy of row %d (%s) to %s: %w", j.row, j.key, c.cfg.Folder, err))
	}
}

// maxFailedInARow is how many copies may fail one after the other before
// the copier stops for the run: the folder is gone or full, and a warning
// per message would bury the run's output.
const maxFailedInARow = 5

// giveUp stops copying for this run: the copies not made are counted as
// failed, and the next run makes them.
func (c *copier) giveUp() {
	c.mu.Lock()
	c.closed, c.gaveUp = true, true
	left := len(c.queue) + len(c.retry)
	c.queue = nil
	c.stats.Failed += left
	c.mu.Unlock()
	if c.cfg.Warn != nil {
		c.cfg.Warn(fmt.Errorf("plan: %d copies to %s failed one after the other; no more copies this run (%s)", maxFailedInARow, c.cfg.Folder, cmp.Or(c.cfg.Later, "the next send run makes them")))
	}
}

// finish closes the queue, waits until the copier is done (or ctx ends)
// and returns what it did.
func (c *copier) finish() CopyStats {
	if c == nil {
		return CopyStats{}
	}
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	<-c.stopped
	c.cur.Close()
	c.finder.Close()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stats.Failed += len(c.queue) // queued after an interrupted run ended
	c.queue = nil
	return c.stats
}
