package plan

import (
	"context"
	"errors"
	"io"
	"os"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/smtpclient"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// stillClock is a clock that never moves: a Reporter on it rewrites its
// files at every result (ReporterOptions.Every 1), whatever a rewrite
// cost.
type stillClock struct {
	sendpool.SystemClock
	now time.Time
}

func (c stillClock) Now() time.Time { return c.now }

// fullFile is a report file on a disk that is full once full is set.
type fullFile struct {
	f    *os.File
	full *atomic.Bool
}

func (d fullFile) Write(b []byte) (int, error) {
	if d.full.Load() {
		return 0, &os.PathError{Op: "write", Path: d.f.Name(), Err: syscall.ENOSPC}
	}
	return d.f.Write(b)
}

// TestDeliverReportError: a rewrite of the report's files while the run
// went met a full disk. Deliver returned its error as any other, which
// send took for the run's own and ended on without the words of what to
// do (or, the disk freed by the end and the report written whole, as a
// failure all the same), depending on whether the rewrite came before
// the run's end. It is a *ReportError now, which send leaves to the
// report's last write.
func TestDeliverReportError(t *testing.T) {
	t.Parallel()
	var full atomic.Bool
	srv := smtptest.NewServer(t, smtptest.OnData(func(smtptest.Session, *smtptest.Message) error { full.Store(true); return nil }))
	camp := writeCampaign(t, srv, 2, "")
	in, state := open(t, camp)
	pl, err := Preflight(t.Context(), in, state, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := in.Campaign
	dialer, err := smtpclient.NewDialer(smtpclient.ConfigFrom(c.SMTP, ""))
	if err != nil {
		t.Fatal(err)
	}
	lock, w := openJournal(t, c.StateDir)
	defer lock.Release()
	defer w.Close()
	rec := journal.NewRecorder(w)
	rep, err := report.NewReporter(c.StateDir, report.ReporterOptions{Every: 1, Clock: stillClock{now: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)},
		File: func(f *os.File) io.Writer { return fullFile{f: f, full: &full} }})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close()
	if err := pl.Seed(context.Background(), rep, rec, Hold{}); err != nil {
		t.Fatal(err)
	}
	cfg := sendpool.ConfigFrom(c)
	cfg.Dialer, cfg.Journal = dialer, rec
	err = pl.Deliver(context.Background(), in, Delivery{Pool: cfg, Limit: pl.ToSend, Reporter: rep})
	var re *ReportError
	if !errors.As(err, &re) || !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("Deliver: %v (%T), want a *ReportError of ENOSPC", err, err)
	}
}
