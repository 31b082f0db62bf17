package bench

import (
	"net"
	"sync"
	"time"
)

// Proxy is a TCP proxy on 127.0.0.1 that adds latency: every byte is held
// for half the round-trip time in each direction, in order. It emulates a
// distant server (latency, not bandwidth: nothing else limits the flow).
type Proxy struct {
	// Addr is host:port; Port the port.
	Addr string
	Port int
	// RTT is the round-trip time it adds.
	RTT time.Duration

	target string
	ln     net.Listener
	wg     sync.WaitGroup
	mu     sync.Mutex
	open   map[net.Conn]bool
}

// StartProxy forwards connections to target, adding rtt.
func StartProxy(target string, rtt time.Duration) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{Addr: ln.Addr().String(), Port: ln.Addr().(*net.TCPAddr).Port, RTT: rtt, target: target, ln: ln, open: map[net.Conn]bool{}}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				p.serve(c)
			}()
		}
	}()
	return p, nil
}

// Close stops the proxy and closes its connections.
func (p *Proxy) Close() {
	p.ln.Close()
	p.mu.Lock()
	for c := range p.open {
		c.Close()
	}
	p.open = nil
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *Proxy) track(cs ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.open == nil {
		return false
	}
	for _, c := range cs {
		p.open[c] = true
	}
	return true
}

func (p *Proxy) serve(c net.Conn) {
	defer c.Close()
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer s.Close()
	if !p.track(c, s) {
		return
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); p.pipe(s, c) }()
	go func() { defer wg.Done(); p.pipe(c, s) }()
	wg.Wait()
	p.mu.Lock()
	if p.open != nil {
		delete(p.open, c)
		delete(p.open, s)
	}
	p.mu.Unlock()
}

// chunk is bytes read at one time, due for writing at due.
type chunk struct {
	b   []byte
	due time.Time
}

// pipe copies src to dst, each chunk RTT/2 after it was read; the reader
// never waits for the writer, so the delay is latency only. At the end of
// src the write side of dst is shut (after the delay), as the peer did.
func (p *Proxy) pipe(dst, src net.Conn) {
	ch := make(chan chunk, 1<<12)
	go func() {
		defer close(ch)
		for {
			buf := make([]byte, 32<<10)
			n, err := src.Read(buf)
			if n > 0 {
				ch <- chunk{buf[:n], time.Now().Add(p.RTT / 2)}
			}
			if err != nil {
				return
			}
		}
	}()
	failed := false
	for c := range ch {
		if failed {
			continue // drain so the reader ends
		}
		if d := time.Until(c.due); d > 0 {
			time.Sleep(d)
		}
		if _, err := dst.Write(c.b); err != nil {
			failed = true
			src.Close()
		}
	}
	if tc, ok := dst.(*net.TCPConn); ok && !failed {
		tc.CloseWrite()
	}
}
