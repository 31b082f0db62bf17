package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
)

// pageMaxPath bounds the campaign file's path in the page, in bytes.
const pageMaxPath = 4096

// pageStatusOrder is the order the page lists statuses in; every one is
// listed, with 0 when no row has it, then any other status found.
var pageStatusOrder = []string{"sent", "deferred", "failed", "unknown", "bounced", "soft-bounce", "complained",
	"suppressed", "duplicate", "invalid", "not-attempted"}

// pageData is what report.html draws, inlined in it as JSON: bounded in
// size whatever the number of rows (see the limits of its parts). The
// recipients themselves are in the chunk files.
type pageData struct {
	Version      int           `json:"v"`
	Campaign     string        `json:"campaign"`
	CampaignPath string        `json:"campaignPath"`
	Generated    int64         `json:"generated"` // Unix milliseconds
	Total        int           `json:"total"`
	Statuses     []statusCount `json:"statuses"`
	Settings     Settings      `json:"settings"`
	Runs         []pageRun     `json:"runs"`
	Timeline     pageTimeline  `json:"timeline"`
	// FromRows is set when the journal had no tries: the timeline then
	// shows the report lines' final outcomes.
	FromRows bool `json:"fromRows,omitempty"`
	// Trimmed is set when texts were shortened to keep the page small
	// (see fitPage).
	Trimmed bool `json:"trimmed,omitempty"`
	// JournalSkipped counts journal lines that were not records.
	JournalSkipped int          `json:"journalSkipped,omitempty"`
	Domains        []pageDomain `json:"domains"`
	// DomainCount is the number of distinct domains.
	DomainCount int `json:"domainCount"`
	// MedianMS and P90MS are over every recipient's time from first try
	// to final reply; -1 when none.
	MedianMS    int64       `json:"medianMs"`
	P90MS       int64       `json:"p90Ms"`
	Replies     []pageReply `json:"replies"`
	MoreReplies pageMore    `json:"moreReplies"`
	Chunks      int         `json:"chunks"`
	ChunkRows   int         `json:"chunkRows"`
	// DataDir is the folder of the chunk files, relative to the page.
	DataDir string `json:"dataDir"`
	// Preview is the preview folder relative to the page (slash
	// separated), "" when rows link no preview.
	Preview string `json:"preview,omitempty"`
	// Ending is how the last send ended (PageInput.Ending), its texts
	// cut to pageDetailRunes; nil when not known.
	Ending *Ending `json:"ending,omitempty"`
	// Complaints is the summary's line of the complaint rate
	// (Summary.ComplaintLine), "" when no row complained; ComplaintsOver
	// is set when the rate is at or over ComplaintLimit.
	Complaints     string `json:"complaints,omitempty"`
	ComplaintsOver bool   `json:"complaintsOver,omitempty"`
	// attention holds the first rows needing a person, for the part
	// without JavaScript (not in the JSON).
	attention attentionList
}

// statusCount is a status and its number of rows.
type statusCount struct {
	Status string `json:"s"`
	N      int    `json:"n"`
}

// pageMore sums up the reply kinds the table leaves out.
type pageMore struct {
	Kinds   int `json:"kinds"`
	Replies int `json:"replies"`
	Final   int `json:"final"`
}

// pageDomain is one line of the domain table: recipients by final status,
// the journal's throttling, refusals and deferrals, and the median and
// 90th percentile time from first try to final reply (-1 when none).
type pageDomain struct {
	Domain    string         `json:"d"`
	N         int            `json:"n"`
	ByStatus  map[string]int `json:"s"`
	Throttled int            `json:"throttled"`
	Refused   int            `json:"refused"`
	Deferred  int            `json:"deferred"`
	MedianMS  int64          `json:"medianMs"`
	P90MS     int64          `json:"p90Ms"`
	// Others is set on the line that sums up the domains not listed: the
	// number of them.
	Others int `json:"others,omitempty"`
}

// pageBuilder turns report rows and the journal into pageData, in passes
// over the rows that hold one at a time.
type pageBuilder struct {
	in        PageInput
	total     int
	statusIdx map[string]int
	statuses  []string
	counts    []int
	domains   *domainTable
	timeline  *timeline
	replies   *replyTable
	attention attentionList
	// first is the earliest try's time among the rows (for the timeline
	// when the journal has none); zero when none.
	first   time.Time
	tries   int
	skipped int
	// next is the latest run record: its run shows on the page once it
	// tried something (a bounces run, a test send, a run with nothing
	// left to send do not).
	next runRecord
	// waiting are the tries whose result has not come yet.
	waiting lostTries
	// lastSend is the number of the journal's latest send run (one with
	// a key column: not bounces' nor a test send's); 0 when none.
	lastSend int
	// sendRun is how that run ended, as far as its records have told
	// (newSendRun).
	sendRun sendRunEnd
}

// runRecord is a run record Scan handed over, kept until its first try.
type runRecord struct {
	n       int
	started time.Time
	version string
	flags   map[string]string
}

// run returns the accumulator of run n, starting it with what its run
// record said.
func (b *pageBuilder) run(n int) *runAcc {
	tl := b.timeline
	if k := len(tl.runs); k > 0 && tl.runs[k-1].number == n {
		return tl.runs[k-1]
	}
	if b.next.n != n {
		return tl.run(n, time.Time{})
	}
	r := tl.run(n, b.next.started)
	r.version = truncate(b.next.version, pageFlagRunes)
	r.setFlags(b.next.flags)
	return r
}

// pageCheckRows is how often a pass over the rows checks its context.
const pageCheckRows = 1024

// buildPage gathers the page's data without writing chunks.
func buildPage(ctx context.Context, in PageInput) (*pageData, error) {
	return buildPageTo(ctx, in, nil)
}

// buildPageTo gathers the page's data: one pass over the rows (counts),
// one over the journal, one over the rows for the timeline when the
// journal has no tries, and a last one over the rows for the medians of
// the domains shown, which also gives each row to cw (when not nil) for
// the chunks.
func buildPageTo(ctx context.Context, in PageInput, cw *chunkWriter) (*pageData, error) {
	b := &pageBuilder{in: in, statusIdx: map[string]int{}, domains: newDomainTable(), waiting: lostTries{},
		timeline: newTimeline(), replies: newReplyTable()}
	n, err := b.pass(ctx, b.row)
	if err != nil {
		return nil, err
	}
	b.total = n
	if in.JournalDir != "" {
		skipped, err := journal.Scan(ctx, in.JournalDir, b.record)
		if err != nil {
			return nil, err
		}
		b.skipped = skipped
		b.lastRun()
	}
	// Rows with a try's time (b.first) but no try in a journal: those
	// rows' outcomes, in a run of their own. (A send's first messages,
	// still in its hands, are no try yet.)
	fromRows := b.tries == 0 && !b.first.IsZero()
	if fromRows {
		if err := b.outcomesFromRows(ctx); err != nil {
			return nil, err
		}
	}
	d := &pageData{
		Version: 1, Campaign: truncate(in.Campaign, pageExampleRunes), CampaignPath: in.CampaignPath,
		Generated: in.Now.UnixMilli(), Total: b.total, Statuses: b.statusCounts(), Settings: in.Settings.bounded(),
		FromRows: fromRows, JournalSkipped: b.skipped, DomainCount: len(b.domains.stats),
		ChunkRows: pageChunkRows, Chunks: (b.total + pageChunkRows - 1) / pageChunkRows, DataDir: PageDataDir,
		attention: b.attention,
	}
	if len(d.CampaignPath) > pageMaxPath {
		d.CampaignPath = "" // a command cut short would be wrong: the page shows a placeholder
	}
	d.Timeline, d.Runs = b.timeline.page()
	if d.Domains, d.MedianMS, d.P90MS, err = b.domainLines(ctx, cw); err != nil {
		return nil, err
	}
	d.Replies, d.MoreReplies.Kinds, d.MoreReplies.Replies, d.MoreReplies.Final = b.replies.page()
	d.Ending = pageEnding(in.Ending)
	d.complaints()
	return d, nil
}

// pageEnding is the page's ending from fn (PageInput.Ending): its texts
// cut to pageDetailRunes; nil when fn is nil or knows none.
func pageEnding(fn func() (Ending, bool)) *Ending {
	if fn == nil {
		return nil
	}
	e, ok := fn()
	if !ok {
		return nil
	}
	e.Words, e.Next = truncate(e.Words, pageDetailRunes), truncate(e.Next, pageDetailRunes)
	return &e
}

// pass calls fn with every row of in.Rows and returns their number. It
// checks ctx every pageCheckRows rows, and that the rows come in row
// order: the chunks list them so. fn's error is returned as it is.
func (b *pageBuilder) pass(ctx context.Context, fn func(*Row) error) (int, error) {
	if b.in.Rows == nil {
		return 0, nil
	}
	n, prev := 0, 0
	var stop error // fn's error or the pass's own, returned unwrapped
	err := b.in.Rows(func(r Row) error {
		if n%pageCheckRows == 0 {
			if err := ctx.Err(); err != nil {
				stop = fmt.Errorf("report: page: %w", err)
				return stop
			}
		}
		if sheetRow(&r) < prev {
			stop = fmt.Errorf("report: page: the rows are not in row order: row %d after row %d", r.Row, prev)
			return stop
		}
		n, prev = n+1, sheetRow(&r)
		if err := fn(&r); err != nil {
			stop = err
			return err
		}
		return nil
	})
	if stop != nil {
		return n, stop
	}
	if err != nil {
		return n, fmt.Errorf("report: page: reading the rows: %w", err)
	}
	return n, nil
}

// statusSlot returns the slot of a status name, adding it when new.
func (b *pageBuilder) statusSlot(s string) int {
	i, ok := b.statusIdx[s]
	if !ok {
		i = len(b.statuses)
		b.statusIdx[s] = i
		b.statuses = append(b.statuses, s)
		b.counts = append(b.counts, 0)
	}
	return i
}

// row counts a report line: its status, its domain, its final reply, and
// the time of its try; and keeps it when it is among the first needing
// attention.
func (b *pageBuilder) row(r *Row) error {
	st := r.Status.String()
	slot := b.statusSlot(st)
	b.counts[slot]++
	b.attention.add(r)
	ds := &b.domains.stats[b.domains.id(domainOf(r.Key, r.To))]
	ds.n++
	ds.byStatus[min(slot, statusSlots-1)]++
	if !isDecision(r.Status) && !isFeedback(r.Status) {
		ec := r.EnhancedCode.String()
		b.replies.add(replyKey{int(r.Code), ec, classOf(r.Status, int(r.Code), ec, r.Detail)}, r.Detail, true)
	}
	if t, ok := tryTime(r); ok && (b.first.IsZero() || t.Before(b.first)) {
		b.first = t
	}
	return nil
}

// tryTime is when a line's final try ended (else began); false when the
// line is no try's or has no time.
func tryTime(r *Row) (time.Time, bool) {
	if !isTry(r.Status) {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, cmp.Or(r.FinishedAt, r.StartedAt))
	return t, err == nil
}

// isFeedback reports whether s comes from a report that came back after
// delivery (tidings bounces): its code is the report's, no server reply
// to a try.
func isFeedback(s sendpool.Status) bool {
	return s == sendpool.StatusBounced || s == sendpool.StatusSoftBounce || s == sendpool.StatusComplained
}

// isDecision reports whether s is decided without a reply: invalid,
// duplicate, suppressed, not attempted.
func isDecision(s sendpool.Status) bool {
	switch s {
	case sendpool.StatusInvalid, sendpool.StatusDuplicate, sendpool.StatusSuppressed, sendpool.StatusNotAttempted:
		return true
	}
	return false
}

// isTry reports whether s ends a try: the outcomes the timeline shows.
func isTry(s sendpool.Status) bool {
	switch s {
	case sendpool.StatusSent, sendpool.StatusFailed, sendpool.StatusDeferred, sendpool.StatusUnknown:
		return true
	}
	return false
}

// seriesOf is the timeline series of a try's outcome.
func seriesOf(st sendpool.Status, class string) int {
	switch {
	case st == sendpool.StatusSent:
		return seriesSent
	case st == sendpool.StatusUnknown:
		return seriesUnknown
	case class == sendpool.ClassThrottled.String():
		return seriesThrottled
	case st == sendpool.StatusFailed:
		return seriesFailed
	}
	return seriesDeferred
}

// lastRun ends the journal's last run: one still running
// (PageInput.Running) shows so, once it tried something, and the tries
// waiting for their reply are in its hands; else they were lost, and a
// send killed says so (killedRun).
func (b *pageBuilder) lastRun() {
	if !b.in.Running {
		b.waiting.flush(b.result)
		b.killedRun()
		return
	}
	if tl := b.timeline; len(tl.runs) > 0 && tl.runs[len(tl.runs)-1].number == b.next.n && b.next.n > 0 {
		tl.runs[len(tl.runs)-1].stop = "still running"
	}
}

// killedRun gives the journal's latest send run, when it was killed
// (PageInput.Killed, or the page's ending is EndKilled: it recorded no
// stop), those words as its stop in the run table, which read
// "finished"; a run killed before its first try is none of the table's.
func (b *pageBuilder) killedRun() {
	words := b.in.Killed
	if e := pageEnding(b.in.Ending); words == "" && e != nil && e.Kind == EndKilled {
		words = e.Words
	}
	tl := b.timeline
	if words == "" || len(tl.runs) == 0 {
		return
	}
	if r := tl.runs[len(tl.runs)-1]; r.number == b.lastSend && r.stop == "" {
		r.stop = truncate(words, pageExampleRunes)
	}
}

// record takes one journal record.
func (b *pageBuilder) record(rec journal.Record) error {
	switch {
	case rec.NewRun != nil:
		b.sendRun.noteLost(b.waiting)
		b.waiting.flush(b.result) // the run before ended without them
		if rec.NewRun.KeyColumn != "" {
			b.lastSend = rec.Run
			b.newSendRun(rec.Run, rec.NewRun.ToSend)
		}
		// Scan reuses its records; the map is made anew for every line.
		b.next = runRecord{n: rec.Run, started: rec.NewRun.Started, version: rec.NewRun.Version, flags: rec.NewRun.Flags}
	case rec.Attempt != nil:
		r := b.run(rec.Run)
		r.attempts++
		r.seen(rec.Attempt.Time)
		b.waiting.attempt(rec.Run, rec.Attempt)
	case rec.Result != nil:
		b.sendRun.noteFinal(rec.Run, rec.Result)
		b.waiting.result(rec.Result)
		b.result(rec.Run, rec.Result)
	}
	return nil
}

// result takes a journal result: a try's outcome on the timeline and in
// the domain and reply counts, a stop, or a later status (a bounce) that
// counts as a reply only.
func (b *pageBuilder) result(run int, res *journal.Result) {
	st := res.Status
	if st == sendpool.StatusNotAttempted {
		if res.Detail != "" {
			// The run's stop, not the row's fate: what the next send
			// does is the next run's to say.
			stop := res.Detail
			if sendpool.IsInterruptedUnsent(stop) {
				stop = sendpool.Interrupted
			}
			b.run(run).stop = truncate(sendpool.OneLine(stop), pageExampleRunes)
		}
		return
	}
	if isDecision(st) {
		return
	}
	class := classOf(st, res.Code, res.EnhancedCode, res.Detail)
	b.replies.add(replyKey{res.Code, res.EnhancedCode, class}, res.Detail, false)
	if !isTry(st) {
		return
	}
	b.tries++
	t := res.Finished
	if t.IsZero() {
		t = res.Started
	}
	domain := domainOf(res.Key, res.To)
	b.outcome(run, t, seriesOf(st, class), domain)
	if seriesOf(st, class) == seriesThrottled {
		b.timeline.mark(pageMark{T: t.UnixMilli(), Run: run, Code: res.Code, EC: res.EnhancedCode,
			Text: truncate(sendpool.OneLine(res.Detail), pageExampleRunes), Domain: domain})
	}
}

// outcome counts a try's outcome at t in its run and its domain.
func (b *pageBuilder) outcome(run int, t time.Time, series int, domain string) {
	if !t.IsZero() {
		b.run(run).add(t.UTC(), series)
	}
	ds := &b.domains.stats[b.domains.id(domain)]
	switch series {
	case seriesThrottled:
		ds.throttled++
	case seriesFailed:
		ds.refused++
	case seriesDeferred:
		ds.deferred++
	}
}

// outcomesFromRows puts the report lines' final outcomes on the timeline
// when the journal has no tries (no journal, or a report from elsewhere).
func (b *pageBuilder) outcomesFromRows(ctx context.Context) error {
	b.timeline.run(0, b.first)
	_, err := b.pass(ctx, func(r *Row) error {
		t, ok := tryTime(r)
		if !ok {
			return nil
		}
		ec := r.EnhancedCode.String()
		series := seriesOf(r.Status, classOf(r.Status, int(r.Code), ec, r.Detail))
		b.outcome(0, t, series, domainOf(r.Key, r.To))
		if series == seriesThrottled {
			b.timeline.mark(pageMark{T: t.UnixMilli(), Code: int(r.Code), EC: ec, Text: truncate(r.Detail, pageExampleRunes), Domain: domainOf(r.Key, r.To)})
		}
		return nil
	})
	return err
}

// statusCounts lists every status of pageStatusOrder, then the others
// found, by name.
func (b *pageBuilder) statusCounts() []statusCount {
	out := make([]statusCount, 0, len(pageStatusOrder))
	for _, s := range pageStatusOrder {
		n := 0
		if i, ok := b.statusIdx[s]; ok {
			n = b.counts[i]
		}
		out = append(out, statusCount{Status: s, N: n})
	}
	var others []statusCount
	for i, s := range b.statuses {
		if !slices.Contains(pageStatusOrder, s) {
			others = append(others, statusCount{Status: s, N: b.counts[i]})
		}
	}
	slices.SortFunc(others, func(a, b statusCount) int { return cmp.Compare(a.Status, b.Status) })
	return append(out, others...)
}

// domainLines are the domain table's lines (the domains shown, then one
// for the rest) with their medians, and the medians over every row. It
// takes them in a pass over the rows, which also gives each row to cw
// when cw is not nil.
func (b *pageBuilder) domainLines(ctx context.Context, cw *chunkWriter) (lines []pageDomain, median, p90 int64, err error) {
	shown := b.domains.shown()
	pos := make(map[int32]int, len(shown))
	for k, id := range shown {
		pos[id] = k
	}
	hists, all, err := b.durations(ctx, pos, cw)
	if err != nil {
		return nil, 0, 0, err
	}
	lines = make([]pageDomain, 0, len(shown)+1)
	for k, id := range shown {
		lines = append(lines, b.domainLine(&b.domains.stats[id], &hists[k]))
	}
	if rest := len(b.domains.stats) - len(shown); rest > 0 {
		sum := domainStat{name: ""}
		for id := range b.domains.stats {
			if _, ok := pos[int32(id)]; !ok {
				sum.add(&b.domains.stats[id])
			}
		}
		line := b.domainLine(&sum, &hists[len(shown)])
		line.Others = rest
		lines = append(lines, line)
	}
	return lines, all.quantile(0.5), all.quantile(0.9), nil
}

// durations is the last pass over the rows: each try's time from first try
// to final reply goes into the histogram of its domain's place in the
// table (pos; the last, one past them, takes the rest) and into all; each
// row goes to cw when cw is not nil.
func (b *pageBuilder) durations(ctx context.Context, pos map[int32]int, cw *chunkWriter) (hists []durationHist, all *durationHist, err error) {
	hists = make([]durationHist, len(pos)+1)
	all = &durationHist{}
	n, err := b.pass(ctx, func(r *Row) error {
		d := domainOf(r.Key, r.To)
		if r.StartedAt != "" && (isTry(r.Status) || isFeedback(r.Status)) { // a bounce came after a delivery timed as any
			k := len(pos)
			if id, ok := b.domains.index[d]; ok {
				if p, shown := pos[id]; shown {
					k = p
				}
			}
			hists[k].add(r.DurationMS)
			all.add(r.DurationMS)
		}
		if cw != nil {
			return cw.add(r, d)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if n != b.total {
		return nil, nil, fmt.Errorf("report: page: the rows changed while the page was written: %d rows, then %d", b.total, n)
	}
	return hists, all, nil
}

// add sums o's counts into s.
func (s *domainStat) add(o *domainStat) {
	s.n += o.n
	for i, n := range o.byStatus {
		s.byStatus[i] += n
	}
	s.throttled += o.throttled
	s.refused += o.refused
	s.deferred += o.deferred
}

// domainLine is the page's line for s.
func (b *pageBuilder) domainLine(s *domainStat, h *durationHist) pageDomain {
	line := pageDomain{Domain: s.name, N: int(s.n), ByStatus: map[string]int{},
		Throttled: int(s.throttled), Refused: int(s.refused), Deferred: int(s.deferred),
		MedianMS: h.quantile(0.5), P90MS: h.quantile(0.9)}
	for slot, n := range s.byStatus {
		if n == 0 {
			continue
		}
		name := "other"
		if slot < statusSlots-1 {
			name = b.statuses[slot]
		}
		line.ByStatus[name] += int(n)
	}
	return line
}
