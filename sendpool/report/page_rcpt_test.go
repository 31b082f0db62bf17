package report_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestPageTimelineRcptRefusal: a 4xx at RCPT that the pool retries (a
// greylisting server) is a try on the page's timeline and in its run, on
// every transport, as a 4xx to the body is. The lockstep exchange left it
// out (it journaled a try to be retried only once the body was due), the
// pipelined one counted it when it had recorded the attempt ahead.
func TestPageTimelineRcptRefusal(t *testing.T) {
	t.Parallel()
	pooltest.Each(t, func(t *testing.T, tr pooltest.Transport) {
		var mu sync.Mutex
		tries := map[string]int{}
		srv := tr.Server(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
			mu.Lock()
			defer mu.Unlock()
			tries[to]++
			if to == "grey@later.example" && tries[to] == 1 {
				return smtptest.Reply(451, "4.7.1", "greylisted, try again later")
			}
			return nil
		}))
		dir := t.TempDir()
		rep, err := report.NewReporter(dir, report.ReporterOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer rep.Close()
		var msgs []*render.Message
		for i, a := range []string{"a@x.example", "grey@later.example", "b@x.example", "c@x.example"} {
			msgs = append(msgs, pageMessage(2+i, a, ""))
		}
		cfg := tr.Config(srv)
		pageRunPool(t, dir, cfg, msgs, rep)
		if err := rep.Flush(); err != nil {
			t.Fatal(err)
		}
		if err := report.WritePage(context.Background(), dir, report.PageInput{Campaign: "c", Rows: rep.Each, JournalDir: dir}); err != nil {
			t.Fatal(err)
		}
		html, _ := pageRead(t, dir)
		var d struct {
			Runs []struct {
				Sent, Deferred int
			} `json:"runs"`
			Timeline struct {
				Segments []struct {
					Sent, Deferred []int32
				} `json:"segments"`
			} `json:"timeline"`
		}
		if err := json.Unmarshal(pageDataBlock(t, html), &d); err != nil {
			t.Fatal(err)
		}
		if len(d.Runs) != 1 || d.Runs[0].Sent != 4 || d.Runs[0].Deferred != 1 {
			t.Errorf("runs %+v, want one of 4 sent and 1 deferred try", d.Runs)
		}
		if segs := d.Timeline.Segments; len(segs) != 1 || slicesSum(segs[0].Sent) != 4 || slicesSum(segs[0].Deferred) != 1 {
			t.Errorf("timeline %+v, want 4 sent and 1 deferred try", segs)
		}
	})
}

// slicesSum is the sum of v.
func slicesSum(v []int32) int {
	n := 0
	for _, x := range v {
		n += int(x)
	}
	return n
}
