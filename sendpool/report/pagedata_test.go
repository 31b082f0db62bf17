package report

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
)

var pt0 = time.Date(2026, 11, 25, 21, 0, 0, 0, time.UTC)

// pageJournalRun appends one run to the journal in dir with the given
// records (journal.Attempt and journal.Result values), through the real
// Writer.
func pageJournalRun(t testing.TB, dir string, run journal.Run, recs ...any) {
	t.Helper()
	ctx := context.Background()
	lock, err := journal.AcquireLock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	w, err := journal.Open(ctx, lock, run)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		switch r := r.(type) {
		case journal.Attempt:
			err = w.Attempt(ctx, r)
		case journal.Result:
			err = w.Result(ctx, r)
		case journal.Feedback:
			err = w.Feedback(ctx, r)
		case journal.TestSend:
			err = w.TestSend(ctx, r)
		default:
			t.Fatalf("pageJournalRun: %T", r)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestDurationHist(t *testing.T) {
	t.Parallel()
	var h durationHist
	if h.quantile(0.5) != -1 {
		t.Error("empty histogram has a median")
	}
	for _, v := range []int64{3, 3, 3, 7, 9} {
		h.add(v)
	}
	if got := h.quantile(0.5); got != 3 {
		t.Errorf("median of small values = %d, want 3 (exact below 16 ms)", got)
	}
	if got := h.quantile(1); got != 9 {
		t.Errorf("max = %d, want 9", got)
	}
	// Above 16 ms, every quantile is within 1/16 of the true value.
	r := rand.New(rand.NewPCG(1, 2))
	vals := make([]int64, 10001)
	var big durationHist
	for i := range vals {
		vals[i] = int64(math.Exp(r.Float64()*14)) + 16 // 16 ms … 20 min
		big.add(vals[i])
	}
	slices.Sort(vals)
	for _, q := range []float64{0.1, 0.5, 0.9, 0.99} {
		exact := vals[int(math.Ceil(q*float64(len(vals))))-1]
		got := big.quantile(q)
		if rel := math.Abs(float64(got-exact)) / float64(exact); rel > 1.0/16 {
			t.Errorf("q%.2f = %d, exact %d: off by %.1f%%", q, got, exact, rel*100)
		}
	}
	// Every bucket's middle falls in the bucket.
	for i := range histBuckets {
		if histIndex(histMid(i)) != i {
			t.Errorf("bucket %d: middle %d is in bucket %d", i, histMid(i), histIndex(histMid(i)))
		}
	}
	if histIndex(-5) != 0 || histIndex(math.MaxInt64) != histBuckets-1 {
		t.Error("out-of-range values not clamped")
	}
}

func TestDomainOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ key, to, want string }{
		{"Ann@Example.ORG", "Ann <ann@example.org>", "example.org"},
		{"ann", "Ann Lee <ann@mail.example.com>", "mail.example.com"},
		{"", `"<img src=x onerror=alert(1)>" <m@evil.example>`, "evil.example"},
		{"", "a@one.example, b@two.example", "one.example"},
		{"12345", "", ""},
		{"", "not an address", ""},
		{"x@", "", ""},
	} {
		if got := domainOf(tc.key, tc.to); got != tc.want {
			t.Errorf("domainOf(%q, %q) = %q, want %q", tc.key, tc.to, got, tc.want)
		}
	}
}

// pageFixture is a campaign of two runs: run 1 sends to example.org
// (accepted), refused.example (550 refusals) and slow.example (421
// throttling, then accepted or left deferred); run 2, an hour later,
// retries the deferred one. It returns the report rows and the journal's
// folder.
func pageFixture(t *testing.T) ([]Row, string) {
	dir := t.TempDir()
	res := func(row int, key string, st sendpool.Status, code int, ec, detail string, at, dur time.Duration) journal.Result {
		return journal.Result{Row: row, Key: key, To: "Name <" + key + ">", Status: st, Attempts: 1, Code: code, EnhancedCode: ec,
			Detail: detail, Started: pt0.Add(at - dur), Finished: pt0.Add(at), DurationMS: dur.Milliseconds()}
	}
	att := func(row int, key string, at time.Duration) journal.Attempt {
		return journal.Attempt{Row: row, Key: key, Try: 1, Time: pt0.Add(at)}
	}
	run1 := []any{
		journal.Result{Row: 9, Key: "dup@example.org", Status: sendpool.StatusDuplicate, Detail: "duplicate of row 2"},
		att(2, "a@example.org", 1*time.Second), res(2, "a@example.org", sendpool.StatusSent, 250, "2.0.0", "OK queued as A", 1*time.Second+100*time.Millisecond, 100*time.Millisecond),
		att(3, "b@example.org", 2*time.Second), res(3, "b@example.org", sendpool.StatusSent, 250, "2.0.0", "OK queued as B", 2*time.Second+300*time.Millisecond, 300*time.Millisecond),
		att(4, "x@refused.example", 3*time.Second), res(4, "x@refused.example", sendpool.StatusFailed, 550, "5.1.1", "user unknown", 3*time.Second+50*time.Millisecond, 50*time.Millisecond),
		att(5, "y@refused.example", 4*time.Second), res(5, "y@refused.example", sendpool.StatusFailed, 550, "5.1.1", "no such user y", 4*time.Second+60*time.Millisecond, 60*time.Millisecond),
		// slow.example throttles: intermediate tries, written as temporary.
		att(6, "p@slow.example", 5*time.Second), res(6, "p@slow.example", sendpool.StatusDeferred, 421, "4.7.0", "rate limited, slow down", 5*time.Second+10*time.Millisecond, 10*time.Millisecond),
		att(6, "p@slow.example", 65*time.Second), res(6, "p@slow.example", sendpool.StatusSent, 250, "2.0.0", "OK", 65*time.Second+20*time.Millisecond, 60*time.Second+20*time.Millisecond),
		att(7, "q@slow.example", 6*time.Second), res(7, "q@slow.example", sendpool.StatusDeferred, 421, "4.7.0", "rate limited, slow down", 6*time.Second+10*time.Millisecond, 10*time.Millisecond),
		att(7, "q@slow.example", 70*time.Second), res(7, "q@slow.example", sendpool.StatusDeferred, 451, "4.3.0", "try again later", 70*time.Second+10*time.Millisecond, 64*time.Second+10*time.Millisecond),
		journal.Result{Row: 8, Key: "z@example.org", Status: sendpool.StatusNotAttempted, Detail: "run stopped: interrupted", Finished: pt0.Add(71 * time.Second)},
	}
	pageJournalRun(t, dir, journal.Run{Started: pt0, Version: "tidings test", Flags: map[string]string{"rate": "10/s"}}, run1...)
	pageJournalRun(t, dir, journal.Run{Started: pt0.Add(time.Hour)},
		att(7, "q@slow.example", time.Hour+time.Second), res(7, "q@slow.example", sendpool.StatusSent, 250, "2.0.0", "OK", time.Hour+time.Second+40*time.Millisecond, 40*time.Millisecond),
		att(8, "z@example.org", time.Hour+2*time.Second), res(8, "z@example.org", sendpool.StatusSent, 250, "2.0.0", "OK", time.Hour+2*time.Second+30*time.Millisecond, 30*time.Millisecond))
	// Runs that try nothing are no runs on the page: a bounces run, a
	// test send, a send with nothing left to send.
	pageJournalRun(t, dir, journal.Run{Started: pt0.Add(2 * time.Hour), Flags: map[string]string{"command": "bounces"}},
		journal.Feedback{ID: "f1", Row: 4, Key: "x@refused.example", Recipient: "x@refused.example", Kind: journal.FeedbackBounced, Status: "5.1.1"})
	pageJournalRun(t, dir, journal.Run{Started: pt0.Add(3 * time.Hour), Flags: map[string]string{"test": "1"}},
		journal.TestSend{Row: 2, Key: "a@example.org", To: []string{"me@example.net"}, MessageID: "t1@x", Status: sendpool.StatusSent, Finished: pt0.Add(3 * time.Hour)})
	pageJournalRun(t, dir, journal.Run{Started: pt0.Add(4 * time.Hour)})

	state, err := journal.Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	var rows []Row
	for r, err := range state.Report() {
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, FromJournal(r))
	}
	rows = append(rows, Row{Recipient: Recipient{Row: 10}, Status: sendpool.StatusInvalid, Detail: "no address"})
	// Out of sheet order, as a Reporter may hold them.
	rows[0], rows[len(rows)-1] = rows[len(rows)-1], rows[0]
	return rows, dir
}

func TestPageData(t *testing.T) {
	t.Parallel()
	rows, dir := pageFixture(t)
	in := PageInput{Campaign: "news", CampaignPath: "news.yaml", Rows: RowsOf(rows), JournalDir: dir, Now: pt0.Add(2 * time.Hour)}
	d, err := buildPage(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if d.Total != 9 || d.FromRows || d.Chunks != 1 {
		t.Errorf("total %d, fromRows %v, chunks %d", d.Total, d.FromRows, d.Chunks)
	}
	var order []int
	in.Rows(func(r Row) error { order = append(order, r.Row); return nil })
	if len(order) != len(rows) || !sort.IntsAreSorted(order) {
		t.Errorf("rows not in sheet order: %v", order)
	}
	counts := map[string]int{}
	var names []string
	for _, s := range d.Statuses {
		counts[s.Status] = s.N
		names = append(names, s.Status)
	}
	if strings.Join(names[:len(pageStatusOrder)], ",") != strings.Join(pageStatusOrder, ",") {
		t.Errorf("statuses listed as %v", names)
	}
	// FromJournal reports deferred as failed (for now): rows 4, 5 failed; 2, 3, 6, 7, 8 sent.
	if counts["sent"] != 5 || counts["failed"] != 2 || counts["duplicate"] != 1 || counts["invalid"] != 1 || counts["bounced"] != 0 {
		t.Errorf("counts %v", counts)
	}

	// Runs: run 1 from 21:00:00 to its last try at 21:01:10.010 (the stop
	// after it is no try), and run 2.
	if len(d.Runs) != 2 {
		t.Fatalf("runs %+v", d.Runs)
	}
	r1, r2 := d.Runs[0], d.Runs[1]
	if r1.Number != 1 || r1.Start != pt0.UnixMilli() || r1.End != pt0.Add(70*time.Second+10*time.Millisecond).UnixMilli() || r1.Sent != 3 || r1.Failed != 2 ||
		r1.Throttled != 2 || r1.Deferred != 1 || r1.Attempts != 8 || r1.Stop != "run stopped: interrupted" || r1.Flags["rate"] != "10/s" || r1.Version != "tidings test" {
		t.Errorf("run 1 %+v", r1)
	}
	if r2.Number != 2 || r2.Sent != 2 || r2.Attempts != 2 || r2.Stop != "" {
		t.Errorf("run 2 %+v", r2)
	}
	// Timeline: 71 s + 3 s of runs, per second; tries in their buckets.
	tl := d.Timeline
	if tl.Width != 1 || len(tl.Segments) != 2 {
		t.Fatalf("timeline width %d, %d segments", tl.Width, len(tl.Segments))
	}
	s1 := tl.Segments[0]
	if len(s1.Sent) != 71 || s1.Sent[1] != 1 || s1.Sent[2] != 1 || s1.Failed[3] != 1 || s1.Failed[4] != 1 ||
		s1.Throttled[5] != 1 || s1.Throttled[6] != 1 || s1.Sent[65] != 1 || s1.Deferred[70] != 1 || sum(s1.Sent) != 3 {
		t.Errorf("segment 1: sent %v failed %v throttled %v deferred %v", s1.Sent, s1.Failed, s1.Throttled, s1.Deferred)
	}
	if s2 := tl.Segments[1]; s2.Start != pt0.Add(time.Hour).UnixMilli() || sum(s2.Sent) != 2 {
		t.Errorf("segment 2 %+v", s2)
	}
	if len(tl.Marks) != 1 || tl.Marks[0].Code != 421 || tl.Marks[0].Domain != "slow.example" || tl.Marks[0].Text != "rate limited, slow down" {
		t.Errorf("marks %+v (one per minute)", tl.Marks)
	}

	// Domains: by recipients, then the rest.
	doms := map[string]pageDomain{}
	var order2 []string
	for _, dl := range d.Domains {
		doms[dl.Domain] = dl
		order2 = append(order2, dl.Domain)
	}
	if strings.Join(order2, ",") != "example.org,refused.example,slow.example," {
		t.Errorf("domains in order %q", order2)
	}
	if o := doms["example.org"]; o.N != 4 || o.ByStatus["sent"] != 3 || o.ByStatus["duplicate"] != 1 || o.MedianMS != 100 || o.Throttled != 0 {
		t.Errorf("example.org %+v", o)
	}
	if r := doms["refused.example"]; r.N != 2 || r.Refused != 2 || r.ByStatus["failed"] != 2 || r.MedianMS != 50 {
		t.Errorf("refused.example %+v", r)
	}
	// slow.example: rows 6 (60.02 s) and 7 (40 ms in run 2, as the report's
	// line says); 40 ms is in the bucket 40–43 ms, whose middle is 42.
	if s := doms["slow.example"]; s.N != 2 || s.Throttled != 2 || s.Deferred != 1 || s.Refused != 0 || s.MedianMS != 42 {
		t.Errorf("slow.example %+v", s)
	}
	// All: 30, 40, 50, 60, 100, 300, 60020 ms; 60 is in 60–63 ms.
	if d.DomainCount != 4 || d.MedianMS != 62 {
		t.Errorf("%d domains, median %d ms", d.DomainCount, d.MedianMS)
	}

	// Replies: every try's, and the final ones.
	reps := map[string]pageReply{}
	for _, r := range d.Replies {
		reps[fmt.Sprintf("%d %s %s", r.Code, r.EC, r.Class)] = r
	}
	for key, want := range map[string][2]int{
		"250 2.0.0 accepted":  {5, 5},
		"550 5.1.1 permanent": {2, 2},
		"421 4.7.0 throttled": {2, 0},
		"451 4.3.0 temporary": {1, 0},
	} {
		if r := reps[key]; r.Replies != want[0] || r.Final != want[1] {
			t.Errorf("reply %s: %d replies, %d final; want %v", key, r.Replies, r.Final, want)
		}
	}
	if r := reps["550 5.1.1 permanent"]; r.Example != "user unknown" {
		t.Errorf("550's example %q, want the first seen", r.Example)
	}
	if d.Replies[0].Code != 250 {
		t.Errorf("replies not by count: %+v", d.Replies[0])
	}
}

func sum(v []int32) int {
	n := 0
	for _, x := range v {
		n += int(x)
	}
	return n
}

// TestPageTimelineWidth: short runs per second, longer ones per minute,
// long ones coarser, never more than pageBuckets buckets; a run longer than
// runBuckets seconds coarsens while it is read.
func TestPageTimelineWidth(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		spans []time.Duration
		width int64
	}{
		{[]time.Duration{5 * time.Minute}, 1},
		{[]time.Duration{5 * time.Minute, 4 * time.Minute}, 1},
		{[]time.Duration{11 * time.Minute}, 60},
		{[]time.Duration{20 * time.Hour}, 60},
		{[]time.Duration{30 * time.Hour}, 120},
		{[]time.Duration{10 * 24 * time.Hour}, 600},
		{[]time.Duration{6 * time.Hour, 6 * time.Hour, 6 * time.Hour, 6 * time.Hour, 6 * time.Hour}, 120},
	} {
		tl := newTimeline()
		start := pt0
		for i, span := range tc.spans {
			r := tl.run(i+1, start)
			for at := time.Duration(0); at <= span; at += span / 100 {
				r.add(start.Add(at), seriesSent)
			}
			start = start.Add(span + 24*time.Hour)
		}
		page, runs := tl.page()
		n, total := 0, 0
		for _, s := range page.Segments {
			n += len(s.Sent)
			total += sum(s.Sent)
		}
		if page.Width != tc.width || n > pageBuckets || total != 101*len(tc.spans) || len(runs) != len(tc.spans) {
			t.Errorf("%v: width %d s (want %d), %d buckets, %d tries", tc.spans, page.Width, tc.width, n, total)
		}
	}
	// More runs than pageMaxRuns: the earliest are summed up in one line.
	tl := newTimeline()
	for i := 1; i <= pageMaxRuns+5; i++ {
		tl.run(i, pt0.Add(time.Duration(i)*time.Hour)).add(pt0.Add(time.Duration(i)*time.Hour+time.Second), seriesSent)
	}
	page, runs := tl.page()
	if len(runs) != pageMaxRuns+1 || runs[0].Runs != 5 || runs[0].Sent != 5 || len(page.Segments) != pageMaxRuns {
		t.Errorf("%d runs listed, the first %+v; %d segments", len(runs), runs[0], len(page.Segments))
	}
}

// TestPageFromRows: without a journal the timeline shows the rows' final
// outcomes.
func TestPageFromRows(t *testing.T) {
	t.Parallel()
	rows, _ := pageFixture(t)
	d, err := buildPage(context.Background(), PageInput{Rows: RowsOf(rows), JournalDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if !d.FromRows || len(d.Timeline.Segments) != 1 || len(d.Runs) != 1 || d.Runs[0].Number != 0 || d.Runs[0].Sent != 5 || d.Runs[0].Failed != 2 {
		t.Errorf("fromRows %v, runs %+v", d.FromRows, d.Runs)
	}
	if n := sum(d.Timeline.Segments[0].Sent); n != 5 {
		t.Errorf("%d accepted on the timeline, want 5", n)
	}
}

// TestFitPageWorst: data at every count's limit, every text at its longest
// and made of characters JSON writes in six bytes, fits the budget once
// trimmed.
func TestFitPageWorst(t *testing.T) {
	t.Parallel()
	evil := func(runes int) string { return strings.Repeat("<", runes) }
	d := &pageData{Campaign: evil(pageExampleRunes), CampaignPath: evil(pageMaxPath), Total: 1 << 30,
		Settings: Settings{Rate: evil(pageFlagRunes), Domains: map[string]string{}}}
	for i := range pageMaxSettingDomains {
		d.Settings.Domains[fmt.Sprint(i)+evil(pageFlagRunes)] = evil(pageFlagRunes)
	}
	for _, s := range pageStatusOrder {
		d.Statuses = append(d.Statuses, statusCount{s, 1 << 30})
	}
	for i := range pageMaxRuns + 1 {
		r := pageRun{Number: i, Start: 1 << 50, End: 1 << 50, Sent: 1 << 30, Version: evil(pageFlagRunes), Stop: evil(pageExampleRunes), Flags: map[string]string{}}
		for k := range pageMaxFlags {
			r.Flags[fmt.Sprint(k)+evil(pageFlagRunes)] = evil(pageFlagRunes)
		}
		d.Runs = append(d.Runs, r)
	}
	for i := range pageMaxRuns {
		n := pageBuckets / pageMaxRuns
		big := slices.Repeat([]int32{1 << 30}, n)
		d.Timeline.Segments = append(d.Timeline.Segments, pageSegment{Run: i, Start: 1 << 50, Sent: big, Failed: big, Deferred: big, Throttled: big, Unknown: big})
	}
	for range pageMaxMarks {
		d.Timeline.Marks = append(d.Timeline.Marks, pageMark{T: 1 << 50, Code: 421, EC: "4.7.0", Text: evil(pageExampleRunes), Domain: evil(maxDomain)})
	}
	for range pageTopDomains + pageTroubleDomains + 1 {
		line := pageDomain{Domain: evil(maxDomain), N: 1 << 30, ByStatus: map[string]int{}, MedianMS: 1 << 40, P90MS: 1 << 40}
		for _, s := range pageStatusOrder {
			line.ByStatus[s] = 1 << 30
		}
		d.Domains = append(d.Domains, line)
	}
	for range pageShownReplies {
		d.Replies = append(d.Replies, pageReply{Code: 550, EC: "5.1.1", Class: "permanent", Replies: 1 << 30, Final: 1 << 30, Example: evil(pageExampleRunes)})
	}
	js, err := fitPage(d)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("worst data block: %d KB", len(js)>>10)
	if len(js) > pageBudget || !d.Trimmed {
		t.Errorf("data block %d bytes (budget %d), trimmed %v", len(js), pageBudget, d.Trimmed)
	}
	// Every trim applied: what fitPage's last resort guarantees.
	for _, trim := range pageTrims {
		trim(d)
	}
	var buf bytes.Buffer
	if err := scriptJSON(&buf, d); err != nil {
		t.Fatal(err)
	}
	t.Logf("worst data block with every trim: %d KB", buf.Len()>>10)
	if buf.Len() > pageBudget/2 {
		t.Errorf("with every trim the data block is %d bytes: the last resort leaves too little margin", buf.Len())
	}
	shell, err := loadShell()
	if err != nil {
		t.Fatal(err)
	}
	// The part shown without JavaScript: its rows within their budget,
	// and its fixed text (the counts, the headings), given 16 KB.
	const staticText = 16 << 10
	if n := len(shell.head) + len(shell.mid) + len(shell.tail) + pageBudget + pageStaticBudget + staticText; n >= 1<<20 {
		t.Errorf("page shell %d bytes + budgets: %d, not under a megabyte", len(shell.head)+len(shell.mid)+len(shell.tail), n)
	}
}

// TestPageRunNumbers: the page numbers the runs it shows 1 up, a test
// send between them (a run of the journal's, no run of the page's) left
// out of the count, its segments and marks alike.
func TestPageRunNumbers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sent := func(row int, key string, at time.Duration) []any {
		return []any{journal.Attempt{Row: row, Key: key, Try: 1, Time: pt0.Add(at)},
			journal.Result{Row: row, Key: key, Status: sendpool.StatusSent, Attempts: 1, Code: 250, Started: pt0.Add(at), Finished: pt0.Add(at + time.Second)}}
	}
	pageJournalRun(t, dir, journal.Run{Started: pt0}, sent(2, "a@example.org", time.Second)...)
	pageJournalRun(t, dir, journal.Run{Started: pt0.Add(time.Hour), Flags: map[string]string{"test": "1"}},
		journal.TestSend{Row: 2, Key: "a@example.org", To: []string{"me@example.net"}, MessageID: "t1@x", Status: sendpool.StatusSent, Finished: pt0.Add(time.Hour)})
	pageJournalRun(t, dir, journal.Run{Started: pt0.Add(2 * time.Hour)}, sent(3, "b@example.org", 2*time.Hour+time.Second)...)
	rows := []Row{{Recipient: Recipient{Row: 2, Key: "a@example.org"}, Status: sendpool.StatusSent}, {Recipient: Recipient{Row: 3, Key: "b@example.org"}, Status: sendpool.StatusSent}}
	d, err := buildPage(context.Background(), PageInput{Campaign: "c", Rows: RowsOf(rows), JournalDir: dir, Now: pt0.Add(3 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Runs) != 2 || d.Runs[0].Number != 1 || d.Runs[1].Number != 2 || len(d.Timeline.Segments) != 2 || d.Timeline.Segments[1].Run != 2 {
		t.Errorf("runs %+v, segments %+v", d.Runs, d.Timeline.Segments)
	}
}

// TestPageFromRowsBounced: on a page made from the rows alone (no
// journal), a row that bounced after its delivery is no deferral.
func TestPageFromRowsBounced(t *testing.T) {
	t.Parallel()
	rows := []Row{{Recipient: Recipient{Row: 2, Key: "a@example.org"}, Status: sendpool.StatusBounced,
		StartedAt: pt0.Format(time.RFC3339), FinishedAt: pt0.Add(time.Second).Format(time.RFC3339), DurationMS: 1000}}
	d, err := buildPage(context.Background(), PageInput{Campaign: "c", Rows: RowsOf(rows), Now: pt0.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range d.Runs {
		if r.Deferred != 0 {
			t.Errorf("run %+v counts a deferral", r)
		}
	}
	for _, dm := range d.Domains {
		if dm.Deferred != 0 {
			t.Errorf("domain %+v counts a deferral", dm)
		}
	}
}

// TestPageLostTries: a try whose run ended without its reply (a crash)
// counts in that run as lost, as the row's unknown status says, also when
// it was the run's only try (the page was made from the rows then, in a
// run dated nowhere); beside a send still running (PageInput.Running)
// its last run's tries without a reply are in its hands, and the run
// shows so.
func TestPageLostTries(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	try := func(row int, key string, at time.Duration) journal.Attempt {
		return journal.Attempt{Row: row, Key: key, Try: 1, Time: pt0.Add(at)}
	}
	pageJournalRun(t, dir, journal.Run{Started: pt0}, try(2, "a@example.org", time.Second)) // killed
	pageJournalRun(t, dir, journal.Run{Started: pt0.Add(time.Hour)}, try(3, "b@example.org", time.Hour+time.Second),
		journal.Result{Row: 3, Key: "b@example.org", Status: sendpool.StatusSent, Attempts: 1, Code: 250, Started: pt0.Add(time.Hour), Finished: pt0.Add(time.Hour + time.Second)},
		try(4, "c@example.org", time.Hour+2*time.Second))
	rows := []Row{{Recipient: Recipient{Row: 2, Key: "a@example.org"}, Status: sendpool.StatusUnknown, StartedAt: pt0.Add(time.Second).Format(time.RFC3339)},
		{Recipient: Recipient{Row: 3, Key: "b@example.org"}, Status: sendpool.StatusSent},
		{Recipient: Recipient{Row: 4, Key: "c@example.org"}, Status: sendpool.StatusUnknown}}
	for _, running := range []bool{false, true} {
		d, err := buildPage(context.Background(), PageInput{Campaign: "c", Rows: RowsOf(rows), JournalDir: dir, Now: pt0.Add(3 * time.Hour), Running: running})
		if err != nil {
			t.Fatal(err)
		}
		lastLost, lastStop := 1, ""
		if running {
			lastLost, lastStop = 0, "still running"
		}
		if d.FromRows || len(d.Runs) != 2 || d.Runs[0].Number != 1 || d.Runs[0].Unknown != 1 || d.Runs[0].Stop != "" ||
			d.Runs[1].Unknown != lastLost || d.Runs[1].Sent != 1 || d.Runs[1].Stop != lastStop {
			t.Errorf("running %v: from rows %v, runs %+v", running, d.FromRows, d.Runs)
		}
	}
	only := t.TempDir()
	pageJournalRun(t, only, journal.Run{Started: pt0}, try(2, "a@example.org", time.Second))
	d, err := buildPage(context.Background(), PageInput{Campaign: "c", Rows: RowsOf(rows[:1]), JournalDir: only, Now: pt0.Add(time.Hour)})
	if err != nil || d.FromRows || len(d.Runs) != 1 || d.Runs[0].Number != 1 || d.Runs[0].Unknown != 1 {
		t.Errorf("a run whose only try was lost: %v, from rows %v, runs %+v", err, d.FromRows, d.Runs)
	}
}
