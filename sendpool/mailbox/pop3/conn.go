package pop3

import (
	"net"
	"time"
)

// idleConn gives every Read and Write its own deadline, timeout from now:
// Config.Timeout bounds each wait on the server, not a whole command, so a
// large message that keeps arriving is not cut while a silent server is.
type idleConn struct {
	net.Conn
	timeout time.Duration
}

func (c idleConn) Read(p []byte) (int, error) {
	if err := c.Conn.SetReadDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

func (c idleConn) Write(p []byte) (int, error) {
	if err := c.Conn.SetWriteDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}
