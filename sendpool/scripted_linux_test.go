package sendpool_test

import (
	"io"
	"net"

	"golang.org/x/sys/unix"
)

// writeAndEnd writes line and ends the session (FIN) in one TCP segment
// (TCP_CORK holds the line until the FIN joins it), so the client finds
// the end of the stream as soon as it has read the line: a close right
// after a reply, without a race between the two.
func writeAndEnd(c net.Conn, line string) error {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		_, err := io.WriteString(c, line)
		return err
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return err
	}
	rc.Control(func(fd uintptr) { unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_CORK, 1) })
	if _, err := io.WriteString(c, line); err != nil {
		return err
	}
	return tc.CloseWrite()
}
