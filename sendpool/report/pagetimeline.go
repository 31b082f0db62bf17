package report

import (
	"maps"
	"slices"
	"time"
)

// The series of a timeline bucket: what became of the tries that ended in
// it.
const (
	seriesSent      = iota // accepted
	seriesFailed           // refused permanently
	seriesDeferred         // refused temporarily (not throttling), or no reply
	seriesThrottled        // asked to slow down
	seriesUnknown          // reply lost
	nSeries
)

// widthLadder are the bucket widths in seconds; each divides the next, so
// buckets merge into coarser ones exactly.
var widthLadder = []int64{1, 2, 10, 30, 60, 120, 600, 1800, 3600, 7200, 21600, 43200, 86400}

// Limits of the timeline.
const (
	// runBuckets bounds a run's buckets while the journal is read: past
	// it, the run's buckets merge into the next width.
	runBuckets = 2000
	// pageBuckets bounds the buckets of the whole timeline.
	pageBuckets = 1500
	// perSecondSpan: runs that last longer in all are shown per minute or
	// coarser, shorter ones per second.
	perSecondSpan = 10 * 60
	// pageMaxRuns are kept in full (the latest); earlier ones are summed
	// up in one line without a timeline.
	pageMaxRuns = 200
	// pageMaxMarks bounds the throttling marks (one per minute at most).
	pageMaxMarks = 100
	// pageMaxFlags bounds a run's recorded settings, pageFlagRunes each.
	pageMaxFlags  = 16
	pageFlagRunes = 100
)

// runAcc gathers one run: its counts, its stop, and its tries over time in
// buckets of widthLadder[width] seconds from its start.
type runAcc struct {
	number  int
	started time.Time
	// last is the time of its latest try; zero before any.
	last     time.Time
	width    int
	buckets  [][nSeries]int32
	counts   [nSeries]int
	attempts int
	version  string
	flags    map[string]string
	// stop is why the run left rows untried (the detail of its last
	// not-attempted result after a try), "" when it did not.
	stop string
}

// add counts a try that ended at t in series s.
func (r *runAcc) add(t time.Time, s int) {
	if r.started.IsZero() {
		r.started = t
	}
	off := max(int64(t.Sub(r.started)/time.Second), 0)
	for off/widthLadder[r.width] >= runBuckets && r.width < len(widthLadder)-1 {
		r.coarsen(r.width + 1)
	}
	i := min(off/widthLadder[r.width], runBuckets-1)
	for int64(len(r.buckets)) <= i {
		r.buckets = append(r.buckets, [nSeries]int32{})
	}
	r.buckets[i][s]++
	r.counts[s]++
	r.seen(t)
}

// seen notes a try at t (an attempt, a result).
func (r *runAcc) seen(t time.Time) {
	if r.started.IsZero() {
		r.started = t
	}
	if t.After(r.last) {
		r.last = t
	}
}

// coarsen merges the buckets into width w (an index into widthLadder).
func (r *runAcc) coarsen(w int) {
	k := widthLadder[w] / widthLadder[r.width]
	merged := make([][nSeries]int32, (int64(len(r.buckets))+k-1)/k)
	for i, b := range r.buckets {
		m := &merged[int64(i)/k]
		for s := range b {
			m[s] += b[s]
		}
	}
	r.buckets, r.width = merged, w
}

// span is the run's length in seconds, at least 1.
func (r *runAcc) span() int64 {
	if r.last.IsZero() {
		return 1
	}
	return max(int64(r.last.Sub(r.started)/time.Second)+1, 1)
}

// setFlags keeps the run's recorded settings, bounded.
func (r *runAcc) setFlags(f map[string]string) {
	for _, k := range slices.Sorted(maps.Keys(f)) {
		if len(r.flags) == pageMaxFlags {
			return
		}
		if r.flags == nil {
			r.flags = map[string]string{}
		}
		r.flags[truncate(k, pageFlagRunes)] = truncate(f[k], pageFlagRunes)
	}
}

// timeline gathers the runs of a campaign, the latest pageMaxRuns in full.
type timeline struct {
	runs []*runAcc
	// earlier sums up the runs dropped to keep pageMaxRuns; nil when none.
	earlier *runAcc
	dropped int
	// droppedRuns counts the dropped runs that had a run record (not
	// the tries before any).
	droppedRuns int
	marks       []pageMark
	// markMinutes are the minutes (Unix time / 60) that have a mark.
	markMinutes map[int64]bool
}

func newTimeline() *timeline { return &timeline{markMinutes: map[int64]bool{}} }

// run returns the accumulator of run number n (1-based, 0 for tries
// before any run record), starting it when new.
func (tl *timeline) run(n int, started time.Time) *runAcc {
	if k := len(tl.runs); k > 0 && tl.runs[k-1].number == n {
		return tl.runs[k-1]
	}
	r := &runAcc{number: n, started: started.UTC()}
	tl.runs = append(tl.runs, r)
	if len(tl.runs) > pageMaxRuns {
		tl.fold(tl.runs[0])
		tl.runs = tl.runs[1:]
	}
	return r
}

// fold adds a dropped run's counts to earlier.
func (tl *timeline) fold(r *runAcc) {
	if tl.earlier == nil {
		tl.earlier = &runAcc{started: r.started}
	}
	for s, n := range r.counts {
		tl.earlier.counts[s] += n
	}
	tl.earlier.attempts += r.attempts
	tl.earlier.seen(r.last)
	tl.dropped++
	if r.number != 0 {
		tl.droppedRuns++
	}
}

// mark records a throttling reply, one per minute and pageMaxMarks at most.
func (tl *timeline) mark(m pageMark) {
	minute := m.T / 60000
	if len(tl.marks) >= pageMaxMarks || tl.markMinutes[minute] {
		return
	}
	tl.markMinutes[minute] = true
	tl.marks = append(tl.marks, m)
}

// pageMark is a throttling reply on the timeline.
type pageMark struct {
	T      int64  `json:"t"` // Unix milliseconds
	Run    int    `json:"run"`
	Code   int    `json:"code,omitempty"`
	EC     string `json:"ec,omitempty"`
	Text   string `json:"text,omitempty"`
	Domain string `json:"domain,omitempty"`
}

// pageSegment is one run's stretch of the timeline: per bucket, the tries
// that ended in it, one array per series.
type pageSegment struct {
	Run       int     `json:"run"`
	Start     int64   `json:"start"` // Unix milliseconds
	Sent      []int32 `json:"sent"`
	Failed    []int32 `json:"failed"`
	Deferred  []int32 `json:"deferred"`
	Throttled []int32 `json:"throttled"`
	Unknown   []int32 `json:"unknown"`
}

// pageTimeline is the timeline as the page draws it.
type pageTimeline struct {
	// Width is the buckets' width in seconds.
	Width    int64         `json:"width"`
	Segments []pageSegment `json:"segments"`
	Marks    []pageMark    `json:"marks"`
}

// pageRun is one line of the page's run table.
type pageRun struct {
	Number    int               `json:"n"`
	Start     int64             `json:"start"` // Unix milliseconds
	End       int64             `json:"end"`   // the last try; 0 when none
	Sent      int               `json:"sent"`
	Failed    int               `json:"failed"`
	Deferred  int               `json:"deferred"`
	Throttled int               `json:"throttled"`
	Unknown   int               `json:"unknown"`
	Attempts  int               `json:"attempts"`
	Version   string            `json:"version,omitempty"`
	Flags     map[string]string `json:"flags,omitempty"`
	Stop      string            `json:"stop,omitempty"`
	// Runs is the number of runs an "earlier runs" line sums up.
	Runs int `json:"runs,omitempty"`
}

// width picks the common bucket width: the coarsest any run needed, then
// coarser until the whole timeline has at most pageBuckets buckets, and a
// minute at least when the runs last longer than perSecondSpan in all.
func (tl *timeline) width() int {
	w, total := 0, int64(0)
	for _, r := range tl.runs {
		w = max(w, r.width)
		total += r.span()
	}
	if total > perSecondSpan {
		for widthLadder[w] < 60 {
			w++
		}
	}
	for ; w < len(widthLadder)-1; w++ {
		n := int64(0)
		for _, r := range tl.runs {
			n += (r.span() + widthLadder[w] - 1) / widthLadder[w]
		}
		if n <= pageBuckets {
			break
		}
	}
	return w
}

// page returns the timeline and the run table. The runs are numbered as
// the page shows them, 1 up (after the earlier ones folded), not as the
// journal counts its runs (a bounces run or a test send takes a number
// there and shows on no page).
func (tl *timeline) page() (pageTimeline, []pageRun) {
	tl.renumber()
	w := tl.width()
	out := pageTimeline{Width: widthLadder[w], Segments: []pageSegment{}, Marks: tl.marks}
	if out.Marks == nil {
		out.Marks = []pageMark{}
	}
	runs := []pageRun{}
	if e := tl.earlier; e != nil {
		runs = append(runs, e.pageRun())
		runs[0].Runs = tl.dropped
	}
	for _, r := range tl.runs {
		runs = append(runs, r.pageRun())
		if r.width < w {
			r.coarsen(w)
		}
		n := int((r.span() + widthLadder[w] - 1) / widthLadder[w])
		seg := pageSegment{Run: r.number, Start: r.started.UnixMilli()}
		for _, p := range []*[]int32{&seg.Sent, &seg.Failed, &seg.Deferred, &seg.Throttled, &seg.Unknown} {
			*p = make([]int32, n)
		}
		for i, b := range r.buckets[:min(n, len(r.buckets))] {
			seg.Sent[i], seg.Failed[i], seg.Deferred[i] = b[seriesSent], b[seriesFailed], b[seriesDeferred]
			seg.Throttled[i], seg.Unknown[i] = b[seriesThrottled], b[seriesUnknown]
		}
		out.Segments = append(out.Segments, seg)
	}
	return out, runs
}

// pageRun is r's line in the run table.
func (r *runAcc) pageRun() pageRun {
	p := pageRun{
		Number: r.number, Start: r.started.UnixMilli(),
		Sent: r.counts[seriesSent], Failed: r.counts[seriesFailed], Deferred: r.counts[seriesDeferred],
		Throttled: r.counts[seriesThrottled], Unknown: r.counts[seriesUnknown],
		Attempts: r.attempts, Version: r.version, Flags: maps.Clone(r.flags), Stop: r.stop,
	}
	if !r.last.IsZero() {
		p.End = r.last.UnixMilli()
	}
	return p
}

// renumber numbers the runs the page shows 1 up, after the earlier ones
// folded, and their marks alike (those of a folded run, -1: none shown);
// tries before any run keep 0. Call it once (page does).
func (tl *timeline) renumber() {
	shown := map[int]int{0: 0}
	n := tl.droppedRuns
	for _, r := range tl.runs {
		if r.number == 0 {
			continue
		}
		n++
		shown[r.number], r.number = n, n
	}
	for i := range tl.marks {
		m, ok := shown[tl.marks[i].Run]
		if !ok {
			m = -1 // of a run folded into the earlier ones: no run shown
		}
		tl.marks[i].Run = m
	}
}
