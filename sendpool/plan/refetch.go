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
// for a retry go when they are large; a message from an older generation
// (to recipients still owed it: Plan.forOwed) is found there, by its
// digest. It is safe for concurrent use; the caller closes it when the
// pool's run has returned.
type refetcher struct {
	g      *spool.Generation
	sent   *sentFinder
	mu     sync.Mutex
	rd     *spool.Reader // opened by the first fetch
	closed bool
}

// fetch returns the data of m, as spooled: the message at its row whose
// digest is m.Digest.
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
	case ok && sm.MessageID == m.MessageID && (m.Digest == "" || sm.Hash == m.Digest):
		return sm.Data, nil
	case m.Digest != "":
		if sm, found, err := f.sent.find(ctx, m.Row, m.Key, m.Digest); err != nil || found {
			return sm.Data, err
		}
	}
	return nil, fmt.Errorf("plan: the message of row %d is not in the spool %s", m.Row, f.g.Dir())
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
	f.sent.close()
}
