package mailbox_test

import (
	"bytes"
	"net"
	"sync"
	"testing"
)

// cutter is a TCP proxy on a free loopback port in front of a real server,
// to lose a connection at a chosen moment (no server can be told to drop
// a reply on cue): armed with a marker, it closes both sides of the
// connection the first time the marker passes in the direction watched,
// without forwarding the bytes that held it. It closes when the test ends.
type cutter struct {
	ln     net.Listener
	target string

	mu       sync.Mutex
	toClient []byte // cut when the server sends this
	toServer []byte // cut when the client sends this
	// swapOld, when set, is replaced by swapNew the first time the client
	// sends it (a command the server then refuses).
	swapOld, swapNew []byte
	conns            []net.Conn // open connections, both sides
	accepted         int
	cutsCount        int
}

func startCutter(t *testing.T, target string) *cutter {
	t.Helper()
	return startCutterOn(t, "127.0.0.1", target)
}

// startCutterOn starts a cutter listening on host, a local address.
func startCutterOn(t *testing.T, host, target string) *cutter {
	t.Helper()
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		t.Fatal(err)
	}
	c := &cutter{ln: ln, target: target}
	t.Cleanup(func() { ln.Close(); c.dropAll() })
	go c.serve()
	return c
}

// Port is the port clients connect to.
func (c *cutter) Port() int { return c.ln.Addr().(*net.TCPAddr).Port }

// cutReply arms the cut of the first server bytes holding marker.
func (c *cutter) cutReply(marker string) { c.mu.Lock(); c.toClient = []byte(marker); c.mu.Unlock() }

// cutCommand arms the cut of the first client bytes holding marker.
func (c *cutter) cutCommand(marker string) { c.mu.Lock(); c.toServer = []byte(marker); c.mu.Unlock() }

// swapCommand arms the rewrite of the first client bytes holding old
// (within one read, as a command line is) into new.
func (c *cutter) swapCommand(old, new string) {
	c.mu.Lock()
	c.swapOld, c.swapNew = []byte(old), []byte(new)
	c.mu.Unlock()
}

// swap rewrites b as swapCommand armed, once.
func (c *cutter) swap(b []byte) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.swapOld) == 0 || !bytes.Contains(b, c.swapOld) {
		return b
	}
	b = bytes.Replace(b, c.swapOld, c.swapNew, 1)
	c.swapOld = nil
	return b
}

// dropAll closes every connection open, as a server or a NAT dropping
// idle sessions does.
func (c *cutter) dropAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, conn := range c.conns {
		conn.Close()
	}
	c.conns = nil
}

// counts returns how many connections were accepted and cut.
func (c *cutter) counts() (accepted, cuts int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.accepted, c.cutsCount
}

func (c *cutter) serve() {
	for {
		client, err := c.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", c.target)
		if err != nil {
			client.Close()
			continue
		}
		c.mu.Lock()
		c.conns = append(c.conns, client, server)
		c.accepted++
		c.mu.Unlock()
		go c.pipe(server, client, &c.toClient)
		go c.pipe(client, server, &c.toServer)
	}
}

// pipe copies from src to dst until either closes, cutting both on the
// marker armed in *marker.
func (c *cutter) pipe(src, dst net.Conn, marker *[]byte) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	var tail []byte // the end of what went before, for a marker split across reads
	for {
		n, err := src.Read(buf)
		if n > 0 {
			seen := append(tail, buf[:n]...)
			c.mu.Lock()
			m := *marker
			hit := len(m) > 0 && bytes.Contains(seen, m)
			if hit {
				*marker = nil
				c.cutsCount++
			}
			c.mu.Unlock()
			if hit {
				return
			}
			out := buf[:n]
			if marker == &c.toServer {
				out = c.swap(out)
			}
			if _, werr := dst.Write(out); werr != nil {
				return
			}
			tail = append(tail[:0], seen[max(0, len(seen)-64):]...)
		}
		if err != nil {
			return
		}
	}
}

// nonLoopback returns an address of this machine that is not loopback
// (to be a peer the password must not go to in clear), or "".
func nonLoopback() string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return ""
	}
	for _, a := range addrs {
		if ip, ok := a.(*net.IPNet); ok && ip.IP.To4() != nil && !ip.IP.IsLoopback() && ip.IP.IsGlobalUnicast() {
			if ln, err := net.Listen("tcp", net.JoinHostPort(ip.IP.String(), "0")); err == nil {
				ln.Close()
				return ip.IP.String()
			}
		}
	}
	return ""
}
