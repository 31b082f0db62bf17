//go:build !linux

package sendpool_test

import (
	"io"
	"net"
)

// writeAndEnd writes line and ends the session (see the Linux version,
// which sends both in one segment).
func writeAndEnd(c net.Conn, line string) error {
	_, err := io.WriteString(c, line)
	return err
}
