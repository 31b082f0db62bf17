package journal_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// lateResult is a Recorder whose first final result reaches it only after
// the test called Abort: a result queued behind a slow fsync when the
// second Ctrl-C comes.
type lateResult struct {
	*journal.Recorder
	once    sync.Once
	entered chan struct{}
	release chan struct{}
}

func (l *lateResult) Result(ctx context.Context, m *render.Message, r sendpool.Result) error {
	if r.Final {
		l.once.Do(func() { close(l.entered); <-l.release })
	}
	return l.Recorder.Result(ctx, m, r)
}

// TestAbortKeepsResults: a message the server took whose result is not
// yet in the journal when Abort comes is still recorded sent (not left
// unknown for the next run), and the run ends aborted, not with a
// journal failure.
func TestAbortKeepsResults(t *testing.T) {
	srv := smtptest.NewServer(t)
	cfg := pooltest.NewConfig(srv)
	cfg.Concurrency = 1
	dir := t.TempDir()
	l, err := journal.AcquireLock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	w, err := journal.Open(context.Background(), l, journal.Run{})
	if err != nil {
		t.Fatal(err)
	}
	j := &lateResult{Recorder: journal.NewRecorder(w), entered: make(chan struct{}), release: make(chan struct{})}
	cfg.Journal = j
	p, _, results, done := pooltest.Start(t, cfg, pooltest.Messages(1))
	<-j.entered
	p.Abort()
	close(j.release)
	runErr := <-done
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if errors.Is(runErr, sendpool.ErrJournal) {
		t.Errorf("Run: %v, want no journal failure", runErr)
	}
	r := results.Get(2)
	if r.Status != sendpool.StatusSent || srv.Received(r.Key) != 1 {
		t.Fatalf("row 2: %v, server has it %d times", r.Status, srv.Received(r.Key))
	}
	st, err := journal.Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	e, err := st.Entry(r.Key)
	if err != nil {
		t.Fatal(err)
	}
	if e == nil || e.Status != sendpool.StatusSent {
		t.Errorf("journal: row 2 is %+v, want sent", e)
	}
}
