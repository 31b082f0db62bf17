package sendpool_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// fillingJournal is a journal on a disk that fills up as row Full's
// attempt is recorded, once held is closed: that write fails, and every
// one after it (closing filled then).
type fillingJournal struct {
	Full   int
	held   chan struct{}
	filled chan struct{}
	mu     sync.Mutex
	full   bool
}

func (j *fillingJournal) Attempt(_ context.Context, m *render.Message) error {
	if m.Row == j.Full {
		<-j.held
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if m.Row == j.Full && !j.full {
		j.full = true
		close(j.filled)
	}
	if j.full {
		return errors.New("journal: disk full")
	}
	return nil
}

func (j *fillingJournal) Result(context.Context, *render.Message, sendpool.Result) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.full {
		return errors.New("journal: disk full")
	}
	return nil
}

// TestPoolUnrecordedAfterStop: the disk filled up as row 3's attempt
// was recorded, once the server held row 2's body, which stopped the
// run; then row 2's result could not be recorded either. Run returned
// row 3's stop alone, and row 2 as sent, though the journal holds its
// attempt without a result (unknown). Now row 2's result says unknown
// and Run's error carries the UnrecordedError naming it.
func TestPoolUnrecordedAfterStop(t *testing.T) {
	pooltest.Each(t, testPoolUnrecordedAfterStop)
}

func testPoolUnrecordedAfterStop(t *testing.T, tr pooltest.Transport) {
	gate := make(chan struct{})
	srv := tr.Server(t, smtptest.HoldData(gate))
	cfg := tr.Config(srv)
	cfg.Concurrency = 2
	j := &fillingJournal{Full: 3, held: make(chan struct{}), filled: make(chan struct{})}
	cfg.Journal = j
	msgs := pooltest.Messages(2)
	go func() {
		<-srv.Held()
		close(j.held)
		<-j.filled
		close(gate)
	}()
	res, err := pooltest.Run(t, cfg, msgs)
	var ue *sendpool.UnrecordedError
	if !errors.Is(err, sendpool.ErrJournal) || !errors.As(err, &ue) || len(ue.Rows) != 1 || ue.Rows[0] != 2 {
		t.Fatalf("err %v (%+v), want ErrJournal with row 2 unrecorded; row 2: %+v", err, ue, res.Get(2))
	}
	if r := res.Get(2); r.Status != sendpool.StatusUnknown || srv.Received(msgs[0].Key) != 1 {
		t.Errorf("row 2: %v %s (received %d), want unknown, received once", r.Status, r.Detail, srv.Received(msgs[0].Key))
	}
	if r := res.Get(3); r.Status != sendpool.StatusNotAttempted || srv.Received(msgs[1].Key) != 0 {
		t.Errorf("row 3: %v (received %d), want not attempted", r.Status, srv.Received(msgs[1].Key))
	}
}
