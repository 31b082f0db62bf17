package plan

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool/spool"
)

// refetcher reads messages back from the plan's spool generation for the
// pool (sendpool.Config.Refetch), which lets the data of messages waiting
// for a retry go when they are large. It is safe for concurrent use; the
// caller closes it when the pool's run has returned.
type refetcher struct {
	g      *spool.Generation
	mu     sync.Mutex
	rd     *spool.Reader // opened by the first fetch
	closed bool
}

// fetch returns the data of m, as spooled.
func (f *refetcher) fetch(ctx context.Context, m *render.Message) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if f.closed {
		return nil, errors.New("plan: refetch after the run ended")
	}
	if f.rd == nil {
		rd, err := f.g.Open()
		if err != nil {
			return nil, err
		}
		f.rd = rd
	}
	sm, ok, err := f.rd.Message(m.Row)
	switch {
	case err != nil:
		return nil, err
	case !ok || sm.MessageID != m.MessageID:
		return nil, fmt.Errorf("plan: the message of row %d is not in the spool %s", m.Row, f.g.Dir())
	}
	return sm.Data, nil
}

// close closes the reader, if fetch opened one.
func (f *refetcher) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	if f.rd != nil {
		f.rd.Close()
		f.rd = nil
	}
}
