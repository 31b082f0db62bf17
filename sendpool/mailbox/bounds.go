package mailbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/tidings/tidings/sendpool"
)

// The bounds of one exchange with the server (a step run by session.do:
// the login, a SEARCH, the FETCH of one message, a MOVE). Each wait on the
// server is bounded by Config.Timeout, but a server that keeps answering
// (endless untagged "* OK" lines, a message dripped a byte at a time)
// meets no wait that long: the exchange as a whole is bounded too, in
// time (Config.CommandTimeout), in response lines and in bytes, each
// growing only with what the client asks for in it (session.allow: the
// message it fetches, at most the caller's size cap; the messages it
// names, at most listChunk of those a SEARCH gave), never with the
// server's talk. The caller's context bounds the
// whole session (tidings bounces --max-time) and grows with nothing.
const (
	// commandTimeouts is how many times Config.Timeout an exchange may
	// take when Config.CommandTimeout is zero.
	commandTimeouts = 10
	// maxResponses is how many response lines (literals aside) an
	// exchange may take besides those for the messages it names: a
	// SELECT, a LIST of folders or a login take a few dozen.
	maxResponses = 10_000
	// maxExchangeBytes is how many bytes an exchange may read besides
	// those it asked for: a SEARCH of a large folder is one long line.
	maxExchangeBytes = maxLine + 1<<20
	// minRate is the slowest rate, in bytes a second, at which an
	// exchange may move what it asked for (a 40 MB message: ten minutes
	// more).
	minRate = 64 << 10
	// Each message an exchange names allows itemResponses more lines,
	// itemBytes more bytes and itemTime more time.
	itemResponses = 2
	itemBytes     = 512
	itemTime      = 10 * time.Millisecond
)

// ErrLimit marks an exchange the session stopped at one of its bounds (a
// *LimitError). The session is closed; what was read before it is not
// affected.
var ErrLimit = errors.New("mailbox: a bound of the session was reached")

// LimitError is an exchange stopped at a bound the server cannot extend:
// the exchange's time limit, its number of responses or bytes, or the
// caller's deadline for the whole session (a *RunLimit). errors.Is(err,
// ErrLimit) is true for it.
type LimitError struct {
	// Addr is the server's host:port.
	Addr string
	// Command is the command in flight ("UID FETCH", "RETR"), Step what
	// the session was doing ("FETCH of message 7", "UID SEARCH", "connect").
	Command, Step string
	// Limit is the bound reached, in words.
	Limit string
	// Err is the cause, when there is one (a *RunLimit).
	Err error
}

func (e *LimitError) Error() string {
	what := e.Step
	switch {
	case e.Command != "" && e.Step != "" && !strings.Contains(e.Command, e.Step):
		what = e.Command + " (" + e.Step + ")"
	case e.Command != "":
		what = e.Command
	}
	return fmt.Sprintf("mailbox: %s: %s stopped: %s; the session is closed", e.Addr, what, e.Limit)
}

func (e *LimitError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrLimit) true.
func (e *LimitError) Is(target error) bool { return target == ErrLimit }

// RunLimit is the cause to give the context of a whole run
// (context.WithDeadlineCause): a call it stops returns a *LimitError
// naming the server, the command and this limit. It wraps
// context.DeadlineExceeded.
type RunLimit struct {
	// Limit is the run's time limit; Setting where it is set
	// ("--max-time").
	Limit   time.Duration
	Setting string
}

func (r *RunLimit) Error() string {
	return fmt.Sprintf("the run's time limit of %s (%s) is up", sendpool.LimitText(r.Limit), r.Setting)
}

func (r *RunLimit) Unwrap() error { return context.DeadlineExceeded }

// Errors a meter fails a read with; the session turns them into a
// *LimitError.
var (
	errTooManyResponses = errors.New("too many responses")
	errTooManyBytes     = errors.New("too many bytes")
)

// meter counts the response lines and bytes of the exchange in progress
// (literalConn feeds it from go-imap's reader goroutine) against what it
// may take. Between exchanges it counts nothing.
type meter struct {
	mu                 sync.Mutex
	busy               bool
	lines, bytes       int64
	maxLines, maxBytes int64
}

// begin starts an exchange with the base allowance.
func (m *meter) begin() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.busy, m.lines, m.bytes = true, 0, 0
	m.maxLines, m.maxBytes = maxResponses, maxExchangeBytes
}

// end ends the exchange.
func (m *meter) end() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.busy = false
}

// allow raises the allowance of the exchange by items messages and bytes
// bytes asked for.
func (m *meter) allow(items int, bytes int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.maxLines += int64(items) * itemResponses
	m.maxBytes += int64(items)*itemBytes + bytes
}

// count adds lines and bytes read; past the allowance it returns the
// error to fail the read with.
func (m *meter) count(lines, bytes int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.busy {
		return nil
	}
	m.lines += int64(lines)
	m.bytes += int64(bytes)
	switch {
	case m.lines > m.maxLines:
		return fmt.Errorf("%w: more than %d", errTooManyResponses, m.maxLines)
	case m.bytes > m.maxBytes:
		return fmt.Errorf("%w: more than %d", errTooManyBytes, m.maxBytes)
	}
	return nil
}

// limits are the allowance of the exchange in progress, for the error.
func (m *meter) limits() (lines, bytes int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.maxLines, m.maxBytes
}

// allow raises the bounds of the exchange in progress by items messages
// and bytes bytes the client asked for: more responses, bytes and time.
func (s *session) allow(items int, bytes int64) {
	s.meter.allow(items, bytes)
	s.guard.extend(time.Duration(items)*itemTime + time.Duration(bytes)*time.Second/minRate)
}

// limitError is the *LimitError for an exchange (step verb) that failed
// with cause at one of its own bounds, nil when cause is none of them.
func (s *session) limitError(verb string, cause error) error {
	e := &LimitError{Addr: s.cfg.Addr(), Command: s.current, Step: verb}
	lines, bytes := s.meter.limits()
	switch {
	case errors.Is(cause, errTooManyResponses):
		e.Limit = fmt.Sprintf("the server sent more than %d responses without completing it, the most it may take for what it asked for", lines)
	case errors.Is(cause, errTooManyBytes):
		e.Limit = fmt.Sprintf("the server sent more than %d bytes without completing it, the most it may take for what it asked for", bytes)
	case s.guard.overran():
		e.Limit = fmt.Sprintf("it took longer than its time limit of %s (%d × mailbox.timeout, and time for what it asked for)", sendpool.LimitText(s.guard.limit()), commandTimeouts)
		if s.cfg.CommandTimeout != commandTimeouts*s.cfg.Timeout {
			e.Limit = fmt.Sprintf("it took longer than its time limit of %s", sendpool.LimitText(s.guard.limit()))
		}
	default:
		return nil
	}
	return e
}

// runLimitError is the *LimitError for an exchange stopped by the end of
// the caller's context, nil when the context was cancelled rather than
// past its deadline.
func (s *session) runLimitError(verb string, cause error) error {
	if !errors.Is(cause, context.DeadlineExceeded) {
		return nil
	}
	var rl *RunLimit
	if errors.As(cause, &rl) {
		return &LimitError{Addr: s.cfg.Addr(), Command: s.current, Step: verb, Limit: rl.Error(), Err: cause}
	}
	return &LimitError{Addr: s.cfg.Addr(), Command: s.current, Step: verb, Limit: "the caller's deadline passed", Err: cause}
}
