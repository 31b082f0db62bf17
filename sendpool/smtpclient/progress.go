package smtpclient

import (
	"io"
	"time"
)

// progressPiece is how much of a body goes under one deadline.
const progressPiece = 64 << 10

// writeWithProgress writes data to w a piece at a time, setting the
// connection's deadline (setDeadline) timeout ahead before each: a body of
// any size goes as long as the server keeps taking it, at whatever pace,
// and a server that takes nothing for timeout ends the write. A single
// deadline for the whole body would refuse a large attachment over a slow
// link however well it was going, and send it whole again on every retry.
func writeWithProgress(w io.Writer, data []byte, timeout time.Duration, setDeadline func(time.Time) error) error {
	for len(data) > 0 {
		n := min(len(data), progressPiece)
		setDeadline(time.Now().Add(timeout))
		if _, err := w.Write(data[:n]); err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}
