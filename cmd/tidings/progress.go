package main

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/report"
)

// progress shows delivery progress on stderr while a send runs: a bar with
// count, rate, ETA and failures on a terminal (unless --debug's transcript
// is written there, or TERM=dumb: progressLines); otherwise (cron, CI
// logs, a screen reader) a plain line every progressEvery, also while
// nothing finishes (a throttled run, retries waiting), and none at the
// end, since the summary follows. --quiet shows neither. What it shows,
// and every line said on stderr until Close (errLine), a linePrinter
// writes: Add and Notice, which the results and the pool's notices call,
// never wait for the terminal. It is safe for concurrent use; Close stops
// it.
type progress struct {
	mu  sync.Mutex
	bar *progressbar.ProgressBar
	// shown is the bar's description as last drawn (draw).
	shown string
	// out writes stderr until Close (endAside), g's errLine queuing
	// there till then.
	out      *linePrinter
	endAside func()
	total    int
	done     int
	// failed counts the messages done and not sent; unknown those of
	// unknown outcome (the message went, or was about to, and no reply
	// came: they may or may not have arrived), which are not among them.
	failed  int
	unknown int
	started time.Time
	now     func() time.Time
	// redial, while no connection can be made, is when the pool dials
	// again (Notice.Redial): the lines give no time left then, as the
	// rate so far says nothing of it. A message done from then on
	// clears it. now is the clock's.
	redial time.Time
	// noticed is when the notice that set redial came.
	noticed time.Time
	// waits is the messages waiting for their next try (retries): the
	// time left is never less than the wait for the last of them.
	waits retryWaits
	// stop is closed by Close to end the line writer, which closes
	// stopped; both are nil without lines.
	stop, stopped chan struct{}
	// part is which part of a run in parts this delivery is (the zero
	// value: a run in one part); its lines then name the part and the
	// whole run's count and time left beside the part's.
	part runPart
	// pace is the recent pace, which the lines give and take the time
	// left at, in place of the run's average, once it has one.
	pace pace
	// rate is send.rate in messages per second (0: unlimited): the pace
	// the lines give is never above it, nor the time left below what it
	// allows.
	rate float64
}

// progressInLines reports whether the terminal named by TERM wants a
// send's progress in lines, as off a terminal: "dumb", a terminal that
// cannot redraw a line (Emacs' shell) or one a screen reader reads
// aloud, each redrawing of a bar (ten a second, "sending 4% |█ …") a
// sentence heard.
func progressInLines(term string) bool { return term == "dumb" }

// progressEvery is how often the plain progress line is printed.
const progressEvery = 10 * time.Second

// progressClock drives the plain progress lines. The zero value is the
// real clock: a line every progressEvery, timed from time.Now. Tests send
// the ticks themselves.
type progressClock struct {
	// tick asks for a line as of the time it carries; nil: a time.Ticker
	// every progressEvery.
	tick <-chan time.Time
	// now gives the start of the run; nil: time.Now.
	now func() time.Time
	// render asks for a line of the rendering before the first message
	// (renderProgress) as of the time it carries; nil: a time.Ticker
	// every progressEvery.
	render <-chan time.Time
}

// newProgress starts showing the progress of a delivery of total messages
// on g.stderr, and has g's errLine queue its lines for the same writer
// until Close. The caller calls Close when the run ends. For a delivery
// that is part of a run in parts (sendParts; part's zero value: a run in
// one part) its lines say "part 2: 5/1500 …" and, beside the part's, the
// whole run's count and time left, which the plan's estimate ("about
// 1h03m") told. rate is send.rate in messages per second, 0 for
// unlimited: the pace its lines give is never above it.
func newProgress(g *globalOptions, total int, clock progressClock, part runPart, rate float64) *progress {
	if clock.now == nil {
		clock.now = time.Now
	}
	p := &progress{total: total, started: clock.now(), now: clock.now, part: part, rate: rate}
	var bar barDrawer
	switch f, ok := rawFile(g.stderr); {
	case g.quiet:
	case ok && term.IsTerminal(int(f.Fd())) && g.transcript == nil && !g.progressLines:
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(f),
			progressbar.OptionSetDescription(p.describe()),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("msg"),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionClearOnFinish(),
		)
		// Timed from now, not from the first message done: the first
		// rate read 206228 msg/s at 10 a minute.
		p.bar.StartWithoutRender()
		p.shown, bar = p.describe(), p
	default:
		tick, stopTicker := clock.tick, func() {}
		if tick == nil {
			t := time.NewTicker(progressEvery)
			tick, stopTicker = t.C, t.Stop
		}
		p.stop, p.stopped = make(chan struct{}), make(chan struct{})
		go p.writeLines(tick, stopTicker)
	}
	p.out, p.endAside = g.printAside(bar)
	return p
}

// writeLines queues a line for every tick until Close.
func (p *progress) writeLines(tick <-chan time.Time, stopTicker func()) {
	defer close(p.stopped)
	defer stopTicker()
	for {
		select {
		case now := <-tick:
			p.mu.Lock()
			line := p.line(now)
			p.mu.Unlock()
			p.out.add(line+"\n", lineProgress)
		case <-p.stop:
			return
		}
	}
}

// line words the progress as of now: done of total, how many of those
// were not sent, the time so far, and once a message is done the rate and
// the time left at that rate (perSecond). The caller holds p.mu.
func (p *progress) line(now time.Time) string {
	elapsed := now.Sub(p.started)
	var b strings.Builder
	fmt.Fprintf(&b, "progress: %s%d/%s done, %d not sent%s, %s so far",
		p.partName(), p.done, report.Plural(p.total, "message"), p.failed, p.unknownWords(), roughDuration(elapsed))
	if p.done == 0 || elapsed <= 0 {
		b.WriteString(p.noConnection(now))
		if due, n := p.waits.latest(); n > 0 && p.redial.IsZero() {
			b.WriteString(", " + retryWords(n, due.Sub(now), "in "+roughDuration(due.Sub(now))))
		}
		return b.String()
	}
	perSecond := p.perSecond(now, elapsed)
	// Per minute below what would print as 1.0 per second.
	if perMinute := perSecond * 60; perMinute < 59.5 {
		fmt.Fprintf(&b, ", %.1f msg/min", perMinute)
	} else {
		fmt.Fprintf(&b, ", %.1f msg/s", perSecond)
	}
	if left := p.total - p.done; left > 0 && !p.redial.IsZero() {
		b.WriteString(p.noConnection(now))
	} else if left > 0 {
		b.WriteString(p.timeLeft(now, timeAt(left, perSecond)))
		b.WriteString(p.wholeRun(perSecond))
	}
	return b.String()
}

// perSecond is the pace the line gives as of now, elapsed into the run,
// in messages per second: the recent pace (pace) once there is one, the
// run's average before, and never above send.rate, which the pool does
// not go past. The caller holds p.mu, with p.done > 0.
func (p *progress) perSecond(now time.Time, elapsed time.Duration) float64 {
	perSecond, ok := p.pace.perSecond(now)
	if !ok {
		perSecond = float64(p.done) / elapsed.Seconds()
	}
	if p.rate > 0 {
		perSecond = min(perSecond, p.rate)
	}
	return perSecond
}

// timeAt is how long n messages take at perSecond.
func timeAt(n int, perSecond float64) time.Duration {
	return time.Duration(float64(n) / perSecond * float64(time.Second))
}

// unknownWords is ", 1 unknown" while messages of unknown outcome are
// done, "" otherwise. The caller holds p.mu.
func (p *progress) unknownWords() string {
	if p.unknown == 0 {
		return ""
	}
	return fmt.Sprintf(", %d unknown", p.unknown)
}

// partName is "part 2: " for a delivery that is part of a run in parts,
// "" for a run in one part.
func (p *progress) partName() string {
	if !p.inParts() {
		return ""
	}
	return fmt.Sprintf("part %d: ", p.part.n)
}

// inParts reports whether the delivery is one of several parts of its run:
// a first part with parts after it, or a later one.
func (p *progress) inParts() bool { return p.part.more || p.part.n > 1 }

// wholeRun words, for a part of a run in parts whose later parts have
// messages still to send, the whole run's count and its time left at the
// pace the line gives, perSecond ("" otherwise): a part's own time left
// ("about 49m50s left" of 1500) read as the run's has the run end 13
// minutes before the plan's estimate said. The caller holds p.mu, with
// p.done > 0.
func (p *progress) wholeRun(perSecond float64) string {
	done, ok := p.runDone()
	if !ok {
		return ""
	}
	eta := timeAt(p.part.total-done, perSecond)
	return fmt.Sprintf("; the whole run: %d/%d done, about %s left", done, p.part.total, roughDuration(eta))
}

// runDone is how many messages of the whole run are done, for a part of
// a run in parts whose later parts have messages still to send (ok
// false otherwise: the part's count is the run's). The caller holds p.mu.
func (p *progress) runDone() (done int, ok bool) {
	done = p.part.done + p.done
	return done, p.inParts() && p.part.total-done > p.total-p.done
}

// timeLeft words the time left as of now: eta, the rest at the rate so
// far, or, when later, the wait for the last retry due, which the rate
// says nothing of (a 451 to one domain while the rest went in 3 s: the
// line said "about 3s left" with a retry 28 s away), saying so; while a
// retry waits, never under a second. The caller holds p.mu.
func (p *progress) timeLeft(now time.Time, eta time.Duration) string {
	due, n := p.waits.latest()
	if n == 0 {
		return fmt.Sprintf(", about %s left", roughDuration(eta))
	}
	wait := due.Sub(now)
	left := max(eta, wait, time.Second)
	if wait < eta && eta >= time.Second {
		return fmt.Sprintf(", about %s left", roughDuration(left))
	}
	return fmt.Sprintf(", about %s left (%s)", roughDuration(left), retryWords(n, wait, "then"))
}

// noConnection words, for a line as of now, the wait for a connection
// while none can be made ("" otherwise). The caller holds p.mu.
func (p *progress) noConnection(now time.Time) string {
	switch {
	case p.redial.IsZero():
		return ""
	case p.redial.After(now):
		return ", time left unknown: no connection, connecting again in " + roughDuration(p.redial.Sub(now))
	}
	return ", time left unknown: no connection, connecting again"
}

// Notice takes the pool's notice n into account: a failed dial's
// (sendpool.NoticeReconnect with a Redial time) means no connection can
// be made until then, or until a message is done; a retry's or a wait's
// (sendpool.NoticeRetry, NoticeWait) that a message waits for its next
// try until its final result. It writes nothing: the bar is drawn by the
// linePrinter, the lines at their ticks.
func (p *progress) Notice(n sendpool.Notice) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n.Kind == sendpool.NoticeReconnect && !n.Redial.IsZero() {
		p.redial, p.noticed = n.Redial, p.now()
		return
	}
	p.waits.notice(n)
}

// describe is the bar's description: "sending", for a part of a run in
// parts "part 1: sending" and, while later parts have messages to send,
// the whole run's count ("the whole run: 5/1900 done"), as the lines say
// (the bar's own count and time left are the part's). The caller holds
// p.mu.
func (p *progress) describe() string {
	var notes []string
	if done, ok := p.runDone(); ok {
		notes = append(notes, fmt.Sprintf("the whole run: %d/%d done", done, p.part.total))
	}
	if p.failed > 0 {
		notes = append(notes, fmt.Sprintf("%d not sent", p.failed))
	}
	if p.unknown > 0 {
		notes = append(notes, fmt.Sprintf("%d unknown", p.unknown))
	}
	if !p.redial.IsZero() {
		notes = append(notes, "no connection: connecting again at "+p.redial.Format(time.TimeOnly))
	}
	if due, n := p.waits.latest(); n > 0 {
		notes = append(notes, retryWords(n, due.Sub(p.now()), "at "+due.Format(time.TimeOnly)))
	}
	if len(notes) == 0 {
		return p.partName() + "sending"
	}
	return p.partName() + "sending (" + strings.Join(notes, "; ") + ")"
}

// roughDuration writes d to the second under an hour (45s, 3m50s) and to
// the minute above (2h05m).
func roughDuration(d time.Duration) string {
	if d = d.Round(time.Second); d < time.Hour {
		return d.String()
	}
	d = d.Round(time.Minute)
	return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// Add counts one final result. A message the run did not try (a Ctrl-C
// or a stopped run hands back those not sent yet) is neither done nor
// "not sent": the bar would count the one that happened to be taken from
// the queue as a failure beside the many left, which the summary counts
// not-attempted. One of unknown outcome is done and counted apart, as
// "unknown", the summary's word: it may have arrived. It writes nothing, as Notice.
func (p *progress) Add(r sendpool.Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.waits.done(r)
	if r.Status == sendpool.StatusNotAttempted {
		return
	}
	p.done++
	switch r.Status {
	case sendpool.StatusSent:
	case sendpool.StatusUnknown:
		p.unknown++ // it may have arrived: not "not sent"
	default:
		p.failed++
	}
	// Only once the pool may dial again, or a message sent since the
	// notice: one done otherwise before then went over a connection
	// that was lost since, while one sent since went over a connection
	// that works (others than the one whose dial failed may be open).
	sentSince := r.Status == sendpool.StatusSent && r.FinishedAt.After(p.noticed)
	now := p.now()
	if !p.redial.IsZero() && (sentSince || !now.Before(p.redial)) {
		p.redial = time.Time{}
		p.pace.resume() // the time offline says nothing of the pace
	}
	p.pace.add(now)
}

// draw shows the bar as the progress stands (barDrawer); the linePrinter
// calls it, on its goroutine alone.
func (p *progress) draw() {
	p.mu.Lock()
	done, desc := p.done, p.describe()
	p.mu.Unlock()
	if desc != p.shown {
		p.shown = desc
		p.bar.Describe(desc)
	}
	p.bar.Set(done)
}

// clear takes the bar off its line, for lines to be written
// (barDrawer).
func (p *progress) clear() {
	if !p.bar.IsFinished() {
		p.bar.Clear()
	}
}

// droppedRetries is the final results of the messages the run ended
// without trying again while they waited for a retry (retryWaits). Call
// it after Close.
func (p *progress) droppedRetries() []sendpool.Result {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.waits.dropped
}

// Close ends the bar, or stops the lines, and waits until everything
// queued for stderr is written (errLine writes at once again), so that
// nothing follows the summary. Call it once.
func (p *progress) Close() {
	if p.stop != nil {
		close(p.stop)
		<-p.stopped
	}
	p.endAside()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.bar.Finish()
	}
}
