package sendpool

import (
	"errors"
	"fmt"
	"strings"
	"sync"
)

// refusals counts, by kind (refusalKind), the refused connections that
// made a worker give up its place in a run, so that only the first of a
// kind is told in full: a worker tries to take its place back every
// rejoinAfter, and a server that keeps its cap refuses it each time (30 a
// minute at Microsoft 365's). It is safe for concurrent use.
type refusals struct {
	mu     sync.Mutex
	byKind map[string]int
}

// count notes one more refusal of kind and returns how many there were.
func (f *refusals) count(kind string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.byKind == nil {
		f.byKind = map[string]int{}
	}
	f.byKind[kind]++
	return f.byKind[kind]
}

// refusalKind is what tells two refused connections the same: the
// command refused, the reply code and enhanced code, and whether the text
// says it is a cap on connections (IsConnectionCap), so that another
// reply, or the same codes with other words ("432 4.3.2 system not
// accepting network messages"), is a new kind.
func refusalKind(err error) string {
	var se *SMTPError
	if !errors.As(err, &se) {
		return err.Error()
	}
	return fmt.Sprintf("%s %d %s %t", se.Command, se.Code, se.EnhancedCode, IsConnectionCap(err))
}

// placeNotice is the notice of a worker that gave up its place after its
// connection was refused with err: the refusal in full the first time its
// kind comes in the run, a short line marked Again after that.
func (r *poolRun) placeNotice(err error) Notice {
	left := r.workers.Load()
	n := Notice{Kind: NoticeReconnect}
	if IsConnectionCap(err) && !IsServerBusy(err) {
		n.Cap, n.Conns = true, int(r.mostConns.Load())
		r.capped.Store(true)
	}
	times := r.refused.count(refusalKind(err))
	if times == 1 {
		n.Text = fmt.Sprintf("%v; going on with fewer connections for now (%d)", err, left)
		return n
	}
	n.Again = true
	code := "the same reply"
	var se *SMTPError
	if errors.As(err, &se) {
		code = strings.TrimSpace(fmt.Sprintf("%d %s", se.Code, se.EnhancedCode))
	}
	n.Text = fmt.Sprintf("sendpool: connection refused again (%s, %d times in all); still fewer connections (%d)", code, times, left)
	return n
}
