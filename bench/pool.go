package bench

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
)

// PoolSend delivers pre-rendered msgs in process with tidings' pool
// (pipelined transport, conns connections, no rate limit) to the SMTP
// server on 127.0.0.1:port, optionally with the journal and the result
// report in stateDir as tidings send keeps them. It returns how long Run
// took. It isolates the delivery side of send from rendering.
func PoolSend(ctx context.Context, port, conns int, msgs []*render.Message, stateDir string, withJournal, withReport bool) (time.Duration, error) {
	cfg := sendpool.Config{
		SMTP: sendpool.SMTPConfig{Host: "127.0.0.1", Port: port, Security: campaign.SecurityNone,
			Timeout: 30 * time.Second, Transport: sendpool.TransportPipelined},
		Concurrency:   conns,
		PerConnection: 100_000,
	}
	var w *journal.Writer
	if withJournal {
		lock, err := journal.AcquireLock(stateDir)
		if err != nil {
			return 0, err
		}
		defer lock.Release()
		if w, err = journal.Open(ctx, lock, journal.Run{PID: 1, Started: time.Now()}); err != nil {
			return 0, err
		}
		cfg.Journal = &recorder{w: w, last: map[*render.Message]journal.Attempt{}}
	}
	var rep *sendpool.Reporter
	if withReport {
		var err error
		if rep, err = sendpool.NewReporter(stateDir, sendpool.ReporterOptions{}); err != nil {
			return 0, err
		}
	}
	pool, err := sendpool.New(cfg)
	if err != nil {
		return 0, err
	}
	sent := 0
	start := time.Now()
	err = pool.Run(ctx, sendpool.SliceSource(msgs), func(r sendpool.Result) {
		if r.Status == sendpool.StatusSent {
			sent++
		}
		if rep != nil {
			rep.Add(r)
		}
	})
	elapsed := time.Since(start)
	if rep != nil {
		err = errors.Join(err, rep.Flush())
	}
	if w != nil {
		err = errors.Join(err, w.Close())
	}
	if err == nil && sent != len(msgs) {
		err = fmt.Errorf("bench: %d of %d sent", sent, len(msgs))
	}
	return elapsed, err
}

// recorder adapts a journal.Writer to the pool as tidings send does
// (cmd/tidings/send_journal.go): the attempt, and each result with the
// message's hash, computed once per message.
type recorder struct {
	w    *journal.Writer
	mu   sync.Mutex
	last map[*render.Message]journal.Attempt
}

func (j *recorder) Attempt(ctx context.Context, m *render.Message) error {
	j.mu.Lock()
	a, ok := j.last[m]
	j.mu.Unlock()
	if ok {
		a.Try, a.Time = a.Try+1, time.Now()
	} else {
		a = journal.NewAttempt(m, 1, time.Now())
	}
	j.mu.Lock()
	j.last[m] = a
	j.mu.Unlock()
	return j.w.Attempt(ctx, a)
}

func (j *recorder) Result(ctx context.Context, m *render.Message, r sendpool.Result) error {
	j.mu.Lock()
	a := j.last[m]
	if r.Final {
		delete(j.last, m)
	}
	j.mu.Unlock()
	st := journal.StatusSent
	if r.Status != sendpool.StatusSent {
		st = journal.StatusFailed
	}
	return j.w.Result(ctx, journal.Result{
		Row: r.Row, Key: r.Key, To: r.To, Status: st, Attempts: r.Attempts, Code: r.Code,
		EnhancedCode: r.EnhancedCode.String(), Detail: r.Detail, MessageID: r.MessageID, Server: r.Server,
		Started: r.StartedAt, Finished: r.FinishedAt, DurationMS: r.Duration.Milliseconds(), Hash: a.Hash,
	})
}
