package bench

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	results "github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/smtpclient"
)

// PoolSend delivers pre-rendered msgs in process with tidings' pool
// (pipelined transport, conns connections, no rate limit) to the SMTP
// server on 127.0.0.1:port, optionally with the journal and the result
// report in stateDir as tidings send keeps them. It returns how long Run
// took. It isolates the delivery side of send from rendering.
func PoolSend(ctx context.Context, port, conns int, msgs []*render.Message, stateDir string, withJournal, withReport bool) (time.Duration, error) {
	dialer, err := smtpclient.NewDialer(smtpclient.Config{Host: "127.0.0.1", Port: port, Security: campaign.SecurityNone,
		Timeout: 30 * time.Second, Transport: campaign.TransportPipelined})
	if err != nil {
		return 0, err
	}
	cfg := sendpool.Config{
		Dialer:        dialer,
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
		cfg.Journal = journal.NewRecorder(w)
	}
	var rep *results.Reporter
	if withReport {
		var err error
		if rep, err = results.NewReporter(stateDir, results.ReporterOptions{}); err != nil {
			return 0, err
		}
		defer rep.Close()
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
