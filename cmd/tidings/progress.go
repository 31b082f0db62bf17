package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/tidings/tidings/sendpool"
)

// progress shows delivery progress on stderr: a bar with count, rate, ETA
// and failures on a terminal, a plain line every progressEvery otherwise.
// It is safe for concurrent use.
type progress struct {
	mu      sync.Mutex
	out     io.Writer
	bar     *progressbar.ProgressBar
	total   int
	done    int
	failed  int
	started time.Time
	last    time.Time
	quiet   bool
}

const progressEvery = 10 * time.Second

func newProgress(g *globalOptions, total int) *progress {
	p := &progress{out: g.stderr, total: total, started: time.Now(), quiet: g.quiet}
	p.last = p.started
	if f, ok := g.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) && !g.quiet {
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(f),
			progressbar.OptionSetDescription("sending"),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("msg"),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	return p
}

// Add counts one final result.
func (p *progress) Add(r sendpool.Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if r.Status != sendpool.StatusSent {
		p.failed++
	}
	if p.bar != nil {
		if p.failed > 0 {
			p.bar.Describe(fmt.Sprintf("sending (%d not sent)", p.failed))
		}
		p.bar.Add(1)
		return
	}
	if now := time.Now(); !p.quiet && now.Sub(p.last) >= progressEvery {
		p.last = now
		rate := float64(p.done) / now.Sub(p.started).Seconds()
		fmt.Fprintf(p.out, "progress: %d/%d done, %d not sent, %.1f msg/s\n", p.done, p.total, p.failed, rate)
	}
}

// Close ends the bar.
func (p *progress) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.bar.Finish()
	}
}
