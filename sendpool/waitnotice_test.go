package sendpool_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestWaitNotices: every wait of a message for its next try is told
// with its row, when the try is due and the tries it had (what send's
// progress line gives the time left by): a retry after a 451 with its
// note (NoticeRetry), a throttled try (NoticeWait, no words: the
// throttle has its notice) and one a run before left waiting
// (Config.RetryDue, NoticeWait with the due time that run had).
func TestWaitNotices(t *testing.T) {
	var mails atomic.Int64
	srv := smtptest.NewServer(t, smtptest.OnMail(func(smtptest.Session, string) error {
		if mails.Add(1) == 1 {
			return smtptest.Reply(450, "4.7.1", "Error: too much mail from 127.0.0.1")
		}
		return nil
	}), smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if strings.HasPrefix(to, "ann@") {
			return smtptest.Reply(451, "4.7.1", "greylisted, try later")
		}
		return nil
	}))
	cfg := pooltest.NewConfig(srv)
	cfg.Concurrency, cfg.Retries, cfg.Rate = 1, 1, 1000 // the throttle halves it
	msgs := []*render.Message{pooltest.Message(2, "user2@example.org"), pooltest.Message(3, "ann@example.org")}
	start := time.Now()
	_, _, notices, err := runNoticed(t, cfg, msgs)
	if err != nil {
		t.Fatal(err)
	}
	if w := noticesOf(notices, sendpool.NoticeWait); len(w) != 1 || w[0].Row != 2 || w[0].Attempts != 1 || w[0].Text != "" || w[0].Due.Before(start) {
		t.Errorf("wait notices %+v, want row 2's throttled wait, after its 1 try, with no words", w)
	}
	if r := noticesOf(notices, sendpool.NoticeRetry); len(r) != 1 || r[0].Row != 3 || r[0].Attempts != 1 || r[0].Due.Before(start) || !strings.Contains(r[0].Text, "retry 1 of 1") {
		t.Errorf("retry notices %+v, want row 3's after its 1 try", r)
	}

	// Left waiting by a run that stopped, the next run's wait is told.
	cfg.RetryBackoff, cfg.RetryDue = time.Hour, &sendpool.RetryDue{}
	ann := msgs[1:]
	first := waitNoticeOf(t, cfg, ann, sendpool.NoticeRetry)
	if next := waitNoticeOf(t, cfg, ann, sendpool.NoticeWait); next.Row != 3 || next.Due.Sub(first.Due).Abs() > time.Second || next.Attempts != 0 {
		t.Errorf("the next run's notice %+v, want row 3's wait until %v, no try in this run yet", next, first.Due)
	}
}

// waitNoticeOf runs cfg's pool on msgs until its first notice of kind,
// which it returns, then stops the run.
func waitNoticeOf(t *testing.T, cfg pooltest.Config, msgs []*render.Message, kind sendpool.NoticeKind) sendpool.Notice {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	got := make(chan sendpool.Notice, 1)
	cfg.Notify = func(n sendpool.Notice) {
		if n.Kind == kind && len(got) == 0 {
			got <- n
			cancel()
		}
	}
	p, err := sendpool.New(cfg.PoolConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	p.Run(ctx, sendpool.SliceSource(msgs), pooltest.NewResults(t).Add)
	select {
	case n := <-got:
		return n
	default:
		t.Fatalf("no notice of kind %d", kind)
		return sendpool.Notice{}
	}
}
