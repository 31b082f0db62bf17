package main

import (
	"fmt"
	"io"
	"sync"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/report"
)

// serverLimits gathers, over the parts of a send, what the server said of
// the limits it keeps the sender to, for the advice at the send's end
// (print): the connections it refused as one too many at once
// (sendpool.IsConnectionCap: Microsoft 365's "432 4.3.2 Concurrent
// connections limit exceeded", NetEase's HL:ICC) and the most
// connections it held at once (Notice.Conns), and the times it asked to
// slow down and the slowest rate it asked that at (not a rate the pool
// cut itself to while the server took nothing, Notice.Own). A nil
// *serverLimits gathers nothing. It is safe for concurrent use.
type serverLimits struct {
	mu        sync.Mutex
	refused   int
	held      int
	throttled int
	slowest   float64 // events per second; 0 while no throttle came at a rate
}

// notice takes the pool's notice n into account.
func (l *serverLimits) notice(n sendpool.Notice) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case n.Kind == sendpool.NoticeReconnect && n.Cap:
		l.refused++
		l.held = max(l.held, n.Conns)
	case n.Kind == sendpool.NoticeHeld:
		l.held = max(l.held, n.Conns)
	case n.Kind == sendpool.NoticeThrottle:
		l.throttled++
		if n.Was > 0 && !n.Own && (l.slowest == 0 || n.Was < l.slowest) {
			l.slowest = n.Was
		}
	}
}

// flagged says which of a run's settings its flags gave (--concurrency,
// --rate), so that advice on them names the flag beside the setting.
type flagged struct{ concurrency, rate bool }

// print says on w what the server's limits ask of the next send's
// settings in file: the send.concurrency that keeps within its cap on
// connections, and a send.rate below the slowest rate it asked to slow
// down from (each with its flag first when flags gave this run's). cfg
// is the run's pool settings, as the flags left them.
func (l *serverLimits) print(w io.Writer, file string, cfg sendpool.Config, flags flagged) {
	if l == nil {
		return
	}
	l.mu.Lock()
	refused, held, throttled, slowest := l.refused, l.held, l.throttled, l.slowest
	l.mu.Unlock()
	switch {
	case refused > 0 && held == 0:
		// No setting keeps within a cap others use up: send.concurrency: 0 is none.
		fmt.Fprintf(w, "note: the server refused %s as more than it takes at once while this run held none open: connections of another program or an earlier run count toward its cap; send again once they are closed\n",
			report.Plural(refused, "connection"))
	case refused > 0 && held < cfg.Concurrency:
		set := fmt.Sprintf("set send.concurrency: %d in %s (it is %d)", held, file, cfg.Concurrency)
		if flags.concurrency {
			set = fmt.Sprintf("send with --concurrency %d (this run had %d), or set send.concurrency: %d in %s", held, cfg.Concurrency, held, file)
		}
		fmt.Fprintf(w, "note: the server refused %s as more than it takes at once, having held %d at once: %s, so that the next send keeps within it from the start\n",
			report.Plural(refused, "connection"), held, set)
	}
	if throttled == 0 {
		return
	}
	asked := "the server asked to slow down " + report.Plural(throttled, "time")
	if throttled == 1 {
		asked = "the server asked to slow down once"
	}
	had := "this run had no rate limit"
	if cfg.Rate > 0 {
		had = "this run had " + sendpool.RateText(cfg.Rate)
	}
	switch {
	case slowest > 0 && flags.rate:
		fmt.Fprintf(w, "note: %s, the slowest at %s: send with a --rate below that (this run had --rate %s), or set send.rate below it in %s, so that the next send keeps within it from the start\n",
			asked, sendpool.RateText(slowest), sendpool.RateText(cfg.Rate), file)
	case slowest > 0:
		fmt.Fprintf(w, "note: %s, the slowest at %s: set send.rate below that in %s (%s), so that the next send keeps within it from the start\n",
			asked, sendpool.RateText(slowest), file, had)
	default:
		fmt.Fprintf(w, "note: %s: set send.rate in %s (%s) to what the server takes, so that the next send keeps within it from the start\n", asked, file, had)
	}
}
