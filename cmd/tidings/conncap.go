package main

import (
	"fmt"
	"io"
	"sync"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/report"
)

// connCap gathers, over the parts of a send, the connections the server
// refused as one too many at once (sendpool.IsConnectionCap: Microsoft
// 365's "432 4.3.2 Concurrent connections limit exceeded", NetEase's
// HL:ICC) and the fewest the run went on with, for the advice at the
// send's end (print). A nil *connCap gathers nothing. It is safe for
// concurrent use.
type connCap struct {
	mu      sync.Mutex
	refused int
	fewest  int
}

// notice takes the pool's notice n into account.
func (c *connCap) notice(n sendpool.Notice) {
	if c == nil || n.Kind != sendpool.NoticeReconnect || n.Conns == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.refused++
	if c.fewest == 0 || n.Conns < c.fewest {
		c.fewest = n.Conns
	}
}

// print says on w, when the server refused connections as too many at
// once, how many the run went on with and the setting that keeps the next
// send within that from its start: send.concurrency in file, or
// --concurrency when flagged gave this run's.
func (c *connCap) print(w io.Writer, file string, concurrency int, flagged bool) {
	if c == nil {
		return
	}
	c.mu.Lock()
	refused, fewest := c.refused, c.fewest
	c.mu.Unlock()
	if refused == 0 || fewest >= concurrency {
		return
	}
	set := fmt.Sprintf("set send.concurrency: %d in %s (it is %d)", fewest, file, concurrency)
	if flagged {
		set = fmt.Sprintf("send with --concurrency %d (this run had %d), or set send.concurrency: %d in %s", fewest, concurrency, fewest, file)
	}
	fmt.Fprintf(w, "note: the server refused %s as more than it takes at once, and the run went on with %d: %s, so that the next send keeps within it from the start\n",
		report.Plural(refused, "connection"), fewest, set)
}
