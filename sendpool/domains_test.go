package sendpool_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/smtptest"
)

var domStart = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// domOut is one message handed out by a scheduler, with the fake time.
type domOut struct {
	msg *render.Message
	at  time.Duration // since domStart
}

// domDrain calls s.Next until it fails, advancing the fake clock whenever
// the scheduler waits on a timer (and only then), and returns what came
// out and the final error. check, when set, runs after each Next.
func domDrain(t *testing.T, s *sendpool.DomainScheduler, clock *pooltest.FakeClock, check func()) ([]domOut, error) {
	t.Helper()
	var (
		out  []domOut
		last error
		done atomic.Bool
	)
	go func() {
		defer func() { done.Store(true); clock.Broadcast() }()
		for {
			m, err := s.Next(context.Background())
			if err != nil {
				last = err
				return
			}
			out = append(out, domOut{m, clock.Now().Sub(domStart)})
			if check != nil {
				check()
			}
		}
	}()
	for clock.WaitPending(func() int {
		if done.Load() {
			return 0
		}
		return 1
	}) > 0 {
		clock.AdvanceToNext()
	}
	return out, last
}

func mustRate(t *testing.T, s string) campaign.Rate {
	t.Helper()
	r, err := campaign.ParseRate(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestDomainSchedulerNoHeadOfLineBlocking: five messages to a domain
// limited to 1/m head the sheet; the 100 messages to other domains behind
// them all go out before the limited domain's second one, at once, and the
// limited ones go out a minute apart, each reporting how long it waited.
func TestDomainSchedulerNoHeadOfLineBlocking(t *testing.T) {
	var msgs []*render.Message
	for i := 0; i < 5; i++ {
		msgs = append(msgs, pooltest.Message(len(msgs)+2, fmt.Sprintf("qq%d@qq.com", i)))
	}
	others := []string{"gmail.com", "example.org", "163.com", "outlook.com"}
	for i := 0; i < 100; i++ {
		msgs = append(msgs, pooltest.Message(len(msgs)+2, fmt.Sprintf("u%d@%s", i, others[i%len(others)])))
	}
	clock := pooltest.NewFakeClock(domStart)
	s, err := sendpool.NewDomainScheduler(sendpool.SliceSource(msgs), map[string]campaign.Rate{"qq.com": mustRate(t, "1/m")}, clock)
	if err != nil {
		t.Fatal(err)
	}
	out, err := domDrain(t, s, clock, nil)
	if !errors.Is(err, io.EOF) {
		t.Fatalf("final error %v, want io.EOF", err)
	}
	if len(out) != len(msgs) {
		t.Fatalf("%d messages came out, want %d", len(out), len(msgs))
	}
	// Order: qq0, the 100 others in sheet order, qq1..qq4.
	if out[0].msg != msgs[0] || out[0].at != 0 {
		t.Errorf("first out: row %d at %s", out[0].msg.Row, out[0].at)
	}
	for i := 0; i < 100; i++ {
		o := out[1+i]
		if o.msg != msgs[5+i] {
			t.Fatalf("position %d: row %d, want row %d (the others keep sheet order, ahead of the waiting qq.com messages)", 1+i, o.msg.Row, msgs[5+i].Row)
		}
		if o.at != 0 {
			t.Errorf("row %d (%s) waited until %s; unlimited domains must not wait", o.msg.Row, o.msg.Recipients[0], o.at)
		}
		if w := s.TakeWait(o.msg.Row); w != 0 {
			t.Errorf("row %d: wait %s, want 0", o.msg.Row, w)
		}
	}
	for i := 1; i < 5; i++ {
		o := out[100+i]
		if o.msg != msgs[i] {
			t.Fatalf("position %d: row %d, want qq.com row %d", 100+i, o.msg.Row, msgs[i].Row)
		}
		want := time.Duration(i) * time.Minute
		if o.at != want {
			t.Errorf("qq.com message %d went at %s, want %s", i, o.at, want)
		}
		if w := s.TakeWait(o.msg.Row); w != want {
			t.Errorf("qq.com message %d: wait %s, want %s", i, w, want)
		}
		if w := s.TakeWait(o.msg.Row); w != 0 {
			t.Errorf("TakeWait twice for row %d gave %s the second time", o.msg.Row, w)
		}
	}
	if s.Held() != 0 {
		t.Errorf("Held() = %d after io.EOF", s.Held())
	}
	if _, err := s.Next(context.Background()); !errors.Is(err, io.EOF) {
		t.Errorf("Next after the end: %v, want io.EOF again", err)
	}
}

// TestDomainSchedulerRatesAndWindows mixes several limited domains (one
// with a subdomain, one with a period that does not divide evenly, one
// message to two limited domains at once) with unlimited ones: every
// limited domain goes at exactly its rate, in sheet order, and no window of
// its period holds more than its count.
func TestDomainSchedulerRatesAndWindows(t *testing.T) {
	limits := map[string]campaign.Rate{
		"qq.com":    mustRate(t, "20/m"),
		"163.COM.":  mustRate(t, "7/h"),
		"gmail.com": mustRate(t, "100/h"),
	}
	pick := []string{"qq.com", "vip.qq.com", "163.com", "gmail.com", "example.org", "mail.example.net", "GMail.com"}
	var msgs []*render.Message
	for i := 0; i < 400; i++ {
		msgs = append(msgs, pooltest.Message(i+2, fmt.Sprintf("u%d@%s", i, pick[(i*7+i/3)%len(pick)])))
	}
	// A message to qq.com with a Cc at 163.com needs a slot of both.
	both := pooltest.Message(len(msgs)+2, "cc-to@vip.qq.com", "cc-cc@163.com")
	msgs = append(msgs, both)

	clock := pooltest.NewFakeClock(domStart)
	s, err := sendpool.NewDomainScheduler(sendpool.SliceSource(msgs), limits, clock)
	if err != nil {
		t.Fatal(err)
	}
	out, err := domDrain(t, s, clock, nil)
	if !errors.Is(err, io.EOF) {
		t.Fatalf("final error %v, want io.EOF", err)
	}
	if len(out) != len(msgs) {
		t.Fatalf("%d out, want %d", len(out), len(msgs))
	}
	bucketOf := map[string]string{"qq.com": "qq.com", "vip.qq.com": "qq.com", "163.com": "163.com", "gmail.com": "gmail.com"}
	rates := map[string]campaign.Rate{"qq.com": limits["qq.com"], "163.com": limits["163.COM."], "gmail.com": limits["gmail.com"]}
	times := map[string][]time.Duration{}
	var bothAt time.Duration
	lastRow := map[string]int{}
	for _, o := range out {
		limited := false
		for _, d := range sendpool.MessageDomains(o.msg) {
			b, ok := bucketOf[strings.ToLower(d)]
			if !ok {
				continue
			}
			limited = true
			times[b] = append(times[b], o.at)
			if o.msg.Row < lastRow[b] {
				t.Errorf("%s: row %d went after row %d", b, o.msg.Row, lastRow[b])
			}
			lastRow[b] = o.msg.Row
		}
		if o.msg == both {
			bothAt = o.at
		}
		if !limited && o.at != 0 {
			t.Errorf("unlimited row %d (%s) went at %s", o.msg.Row, o.msg.Recipients[0], o.at)
		}
	}
	for b, ts := range times {
		r := rates[b]
		iv := (r.Per + time.Duration(r.N) - 1) / time.Duration(r.N)
		// Everything was read ahead at once, so the domain is never idle:
		// it goes at exactly its rate. (The message to both qq.com and
		// 163.com is last in the sheet and waits for 163.com's slot.)
		span := ts
		if b == "qq.com" {
			span = ts[:len(ts)-1]
			if last := ts[len(ts)-1]; last != bothAt || last < span[len(span)-1]+iv {
				t.Errorf("the qq.com+163.com message went at %s, the qq.com one before it at %s", bothAt, span[len(span)-1])
			}
		}
		if got, want := span[len(span)-1]-span[0], time.Duration(len(span)-1)*iv; got != want {
			t.Errorf("%s: %d messages spanned %s, want %s at %s", b, len(span), got, want, r)
		}
		j := 0
		for i := range ts {
			for j < len(ts) && ts[j]-ts[i] < r.Per {
				j++
			}
			if j-i > r.N {
				t.Fatalf("%s (%s): %d messages in the %s from %s", b, r, j-i, r.Per, ts[i])
			}
		}
	}
	if len(times["163.com"]) < 50 {
		t.Fatalf("test setup: only %d messages to 163.com", len(times["163.com"]))
	}
}

// TestDomainSchedulerLookAheadBounded: with a small look-ahead the
// scheduler never holds more messages than that, and still delivers every
// message.
func TestDomainSchedulerLookAheadBounded(t *testing.T) {
	var msgs []*render.Message
	for i := 0; i < 30; i++ {
		msgs = append(msgs, pooltest.Message(i+2, fmt.Sprintf("q%d@qq.com", i)))
	}
	for i := 0; i < 30; i++ {
		msgs = append(msgs, pooltest.Message(len(msgs)+2, fmt.Sprintf("o%d@example.org", i)))
	}
	clock := pooltest.NewFakeClock(domStart)
	s, err := sendpool.NewDomainScheduler(sendpool.SliceSource(msgs), map[string]campaign.Rate{"qq.com": mustRate(t, "1/s")}, clock)
	if err != nil {
		t.Fatal(err)
	}
	s.SetLookAhead(8)
	maxHeld := 0
	out, err := domDrain(t, s, clock, func() { maxHeld = max(maxHeld, s.Held()) })
	if !errors.Is(err, io.EOF) || len(out) != len(msgs) {
		t.Fatalf("%d out, err %v", len(out), err)
	}
	if maxHeld > 8 {
		t.Errorf("held up to %d messages with look-ahead 8", maxHeld)
	}
	// The others overtake the qq.com messages once the look-ahead reaches
	// them: the first one goes well before the last qq.com message.
	firstOther, lastQQ := -1, -1
	for i, o := range out {
		if strings.HasSuffix(o.msg.Recipients[0], "@example.org") && firstOther < 0 {
			firstOther = i
		}
		if strings.HasSuffix(o.msg.Recipients[0], "@qq.com") {
			lastQQ = i
		}
	}
	if firstOther > lastQQ {
		t.Errorf("no overtaking: first example.org message at %d, last qq.com at %d", firstOther, lastQQ)
	}
	if last := out[len(out)-1].at; last != 29*time.Second {
		t.Errorf("the 30 qq.com messages took until %s, want 29s", last)
	}
}

// TestDomainSchedulerLookAheadBytes: large messages to a limited domain
// are held up to about 64 MB of them, not up to the look-ahead's count, and
// every message still goes.
func TestDomainSchedulerLookAheadBytes(t *testing.T) {
	big := make([]byte, 20<<20) // shared by every message: the test holds 20 MB
	var msgs []*render.Message
	for i := 0; i < 12; i++ {
		m := pooltest.Message(i+2, fmt.Sprintf("q%d@qq.com", i))
		m.Data = big
		msgs = append(msgs, m)
	}
	clock := pooltest.NewFakeClock(domStart)
	s, err := sendpool.NewDomainScheduler(sendpool.SliceSource(msgs), map[string]campaign.Rate{"qq.com": mustRate(t, "1/s")}, clock)
	if err != nil {
		t.Fatal(err)
	}
	maxHeld := 0
	out, err := domDrain(t, s, clock, func() { maxHeld = max(maxHeld, s.Held()) })
	if !errors.Is(err, io.EOF) || len(out) != len(msgs) {
		t.Fatalf("%d out, err %v", len(out), err)
	}
	// 60 MB held may take a fourth, 80 MB may not; Held is seen after a
	// message was handed out.
	if maxHeld != 3 {
		t.Errorf("held up to %d messages of 20 MB after a hand-out, want 3", maxHeld)
	}
}

// TestDomainSchedulerCancel: cancelling ctx ends a Next that waits for a
// domain's slot and one that waits for the source; the held message is
// kept and handed out by a later Next.
func TestDomainSchedulerCancel(t *testing.T) {
	ch := make(chan *render.Message, 2)
	ch <- pooltest.Message(2, "a@qq.com")
	ch <- pooltest.Message(3, "b@qq.com")
	clock := pooltest.NewFakeClock(domStart)
	s, err := sendpool.NewDomainScheduler(sendpool.ChanSource(ch), map[string]campaign.Rate{"qq.com": mustRate(t, "1/h")}, clock)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Next(context.Background())
	if err != nil || m.Row != 2 {
		t.Fatalf("first Next: %v %v", m, err)
	}

	// Waiting on the source (empty channel, row 3 held and waiting).
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := s.Next(ctx)
		errc <- err
	}()
	// Row 3 is read, then the scheduler blocks on the empty channel (the
	// look-ahead is not full): no timer yet. Cancel and expect ctx's error.
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("Next after cancel: %v, want context.Canceled", err)
	}

	// Waiting on the slot: the source is exhausted, only row 3 is held.
	close(ch)
	ctx, cancel = context.WithCancel(context.Background())
	go func() {
		_, err := s.Next(ctx)
		errc <- err
	}()
	clock.WaitPending(func() int { return 1 })
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("Next waiting for the slot after cancel: %v, want context.Canceled", err)
	}
	if s.Held() != 1 {
		t.Fatalf("Held() = %d after the cancelled waits, want 1", s.Held())
	}
	// Still there: it goes an hour after row 2.
	out, err := domDrain(t, s, clock, nil)
	if !errors.Is(err, io.EOF) || len(out) != 1 || out[0].msg.Row != 3 || out[0].at != time.Hour {
		t.Fatalf("after the cancels: %v (err %v)", out, err)
	}
}

// TestDomainSchedulerSourceError: an error other than io.EOF is returned at
// once, ahead of held messages, and again on every later call.
func TestDomainSchedulerSourceError(t *testing.T) {
	boom := errors.New("sheet unreadable")
	i := 0
	src := sendpool.SourceFunc(func(context.Context) (*render.Message, error) {
		i++
		switch i {
		case 1:
			return pooltest.Message(2, "a@qq.com"), nil
		case 2:
			return pooltest.Message(3, "b@qq.com"), nil
		}
		return nil, boom
	})
	clock := pooltest.NewFakeClock(domStart)
	s, err := sendpool.NewDomainScheduler(src, map[string]campaign.Rate{"qq.com": mustRate(t, "1/m")}, clock)
	if err != nil {
		t.Fatal(err)
	}
	if m, err := s.Next(context.Background()); err != nil || m.Row != 2 {
		t.Fatalf("first: %v %v", m, err)
	}
	// A deadline so that a scheduler waiting for qq.com's slot instead
	// fails the test rather than hanging it (nothing advances the clock).
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for n := 0; n < 2; n++ {
		if _, err := s.Next(ctx); !errors.Is(err, boom) {
			t.Fatalf("call %d: %v, want the source's error", n, err)
		}
	}
}

func TestParseDomainLimits(t *testing.T) {
	r := campaign.Rate{N: 20, Per: time.Minute}
	d, err := sendpool.ParseDomainLimits(map[string]campaign.Rate{
		"QQ.com":      r,
		"vip.qq.com":  {N: 5, Per: time.Minute},
		"free.qq.com": {},
		"例子.中国":       {N: 1, Per: time.Hour},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		domain, key string
		ok          bool
	}{
		{"qq.com", "qq.com", true},
		{"QQ.COM.", "qq.com", true},
		{"mx.qq.com", "qq.com", true},
		{"vip.qq.com", "vip.qq.com", true},
		{"a.vip.qq.com", "vip.qq.com", true},
		{"free.qq.com", "free.qq.com", false}, // zero rate: exempt
		{"notqq.com", "", false},
		{"com", "", false},
		{"xn--fsqu00a.xn--fiqs8s", "xn--fsqu00a.xn--fiqs8s", true},
		{"mail.例子.中国", "xn--fsqu00a.xn--fiqs8s", true},
	} {
		key, _, ok := d.Match(tc.domain)
		if ok != tc.ok || (tc.key != "" && key != tc.key) {
			t.Errorf("Match(%q) = %q, %v; want %q, %v", tc.domain, key, ok, tc.key, tc.ok)
		}
	}
	for _, bad := range []map[string]campaign.Rate{
		{"@qq.com": r},
		{"*.qq.com": r},
		{"qq com": r},
		{"": r},
		{"qq.com": r, "QQ.COM.": r},
	} {
		if _, err := sendpool.ParseDomainLimits(bad); err == nil || !strings.HasPrefix(err.Error(), "sendpool: send.domains: ") {
			t.Errorf("ParseDomainLimits(%v): err %v, want a send.domains error", bad, err)
		}
		if _, err := sendpool.NewDomainScheduler(sendpool.SliceSource(nil), bad, nil); err == nil {
			t.Errorf("NewDomainScheduler(%v) accepted it", bad)
		}
	}
}

// TestDomainSchedulerWithPool runs a real pool over a real SMTP server with
// the scheduler as its source: every message is delivered, the limited
// domain's messages a minute apart on the fake clock, and the waits reach
// report.json (wait_ms) but not report.csv.
func TestDomainSchedulerWithPool(t *testing.T) {
	srv := smtptest.NewServer(t)
	var msgs []*render.Message
	for i := 0; i < 3; i++ {
		msgs = append(msgs, pooltest.Message(len(msgs)+2, fmt.Sprintf("q%d@qq.com", i)))
	}
	for i := 0; i < 20; i++ {
		msgs = append(msgs, pooltest.Message(len(msgs)+2, fmt.Sprintf("o%d@example.org", i)))
	}
	clock := pooltest.NewFakeClock(domStart)
	sched, err := sendpool.NewDomainScheduler(sendpool.SliceSource(msgs), map[string]campaign.Rate{"qq.com": mustRate(t, "1/m")}, clock)
	if err != nil {
		t.Fatal(err)
	}
	cfg := pooltest.NewConfig(srv)
	cfg.Clock = clock
	p, err := sendpool.New(cfg.PoolConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rep, err := report.NewReporter(dir, report.ReporterOptions{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close()
	res := pooltest.NewResults(t)
	var done atomic.Bool
	var runErr error
	go func() {
		defer func() { done.Store(true); clock.Broadcast() }()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		runErr = p.Run(ctx, sched, func(r sendpool.Result) {
			r.Wait = sched.TakeWait(r.Row)
			res.Add(r)
			if err := rep.Add(r); err != nil {
				t.Error(err)
			}
		})
	}()
	for clock.WaitPending(func() int {
		if done.Load() {
			return 0
		}
		return 1
	}) > 0 {
		clock.AdvanceToNext()
	}
	if runErr != nil {
		t.Fatal(runErr)
	}
	pooltest.ExactlyOnce(t, srv, msgs)
	for i, m := range msgs {
		r := res.Get(m.Row)
		want := time.Duration(0)
		if i < 3 {
			want = time.Duration(i) * time.Minute
		}
		if r.Status != sendpool.StatusSent || r.Wait != want {
			t.Errorf("row %d (%s): %s, wait %s; want sent, wait %s", m.Row, m.Recipients[0], r.Status, r.Wait, want)
		}
	}
	if err := rep.Flush(); err != nil {
		t.Fatal(err)
	}
	csvData, err := os.ReadFile(filepath.Join(dir, report.CSVFile))
	if err != nil {
		t.Fatal(err)
	}
	if first, _, _ := bytes.Cut(csvData, []byte("\n")); string(first) != strings.Join(report.Columns, ",") {
		t.Errorf("report.csv header changed: %s", first)
	}
	var js struct {
		Rows []map[string]any `json:"rows"`
	}
	data, err := os.ReadFile(filepath.Join(dir, report.JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &js); err != nil {
		t.Fatal(err)
	}
	for _, row := range js.Rows {
		w, has := row["wait_ms"]
		switch row["row"].(float64) {
		case 3:
			if w != float64(60000) {
				t.Errorf("report.json row 3 wait_ms = %v, want 60000", w)
			}
		case 4:
			if w != float64(120000) {
				t.Errorf("report.json row 4 wait_ms = %v, want 120000", w)
			}
		default:
			if has {
				t.Errorf("report.json row %v has wait_ms %v; it is omitted when 0", row["row"], w)
			}
		}
	}
}

// domAutoClock is a clock for benchmarks: every Now moves it on by a
// millisecond, and a timer fires at once after moving it to its time.
type domAutoClock struct{ now time.Time }

func (c *domAutoClock) Now() time.Time { c.now = c.now.Add(time.Millisecond); return c.now }

func (c *domAutoClock) NewTimer(d time.Duration) sendpool.Timer {
	c.now = c.now.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return domFiredTimer(ch)
}

type domFiredTimer chan time.Time

func (t domFiredTimer) C() <-chan time.Time { return t }
func (t domFiredTimer) Stop() bool          { return false }

// BenchmarkDomainScheduler measures Next over a stream where one message in
// ten goes to a limited domain (100/s) and the rest to unlimited ones.
func BenchmarkDomainScheduler(b *testing.B) {
	doms := []string{"qq.com", "a.example", "b.example", "c.example", "d.example", "e.example", "f.example", "g.example", "h.example", "i.example"}
	msgs := make([]*render.Message, 10000)
	for i := range msgs {
		msgs[i] = pooltest.Message(i+2, fmt.Sprintf("u%d@%s", i, doms[i%len(doms)]))
	}
	limits := map[string]campaign.Rate{"qq.com": {N: 100, Per: time.Second}, "other.example": {N: 1, Per: time.Minute}}
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for n < b.N {
		s, err := sendpool.NewDomainScheduler(sendpool.SliceSource(msgs), limits, &domAutoClock{now: domStart})
		if err != nil {
			b.Fatal(err)
		}
		for n < b.N {
			if _, err := s.Next(context.Background()); err != nil {
				break
			}
			n++
		}
	}
}
