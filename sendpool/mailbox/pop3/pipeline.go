package pop3

import (
	"context"
	"errors"
	"fmt"
	"strconv"
)

// ListEach returns the sizes of messages nums (LIST n each), every
// command sent before the first reply is read: one round trip for all
// (RFC 2449 PIPELINING: the caller checks the server offers it, and
// keeps nums few enough for the replies to fit the connection's buffers
// while the commands go out). The server answers in order, one line
// each, so a -ERR to one (a number past the maildrop's: Dovecot's
// "There's no message 9."; a message another client took out since is
// still listed by Dovecot, its size read at login) leaves the session in step: its
// size is -1, refused holds the *Error by its message number, and the
// replies to the others are read on. Any other error ends the session
// and comes with the sizes of the messages before the one it met.
func (c *Client) ListEach(ctx context.Context, nums []int) (sizes []int64, refused map[int]*Error, err error) {
	sizes = make([]int64, 0, len(nums))
	err = c.do(ctx, "LIST", func() error {
		for _, n := range nums {
			line := "LIST " + strconv.Itoa(n)
			if err := c.send("LIST", line, line); err != nil {
				return err
			}
		}
		for _, n := range nums {
			size, perr, err := c.listReply(n)
			if err != nil {
				return err
			}
			if perr != nil {
				if refused == nil {
					refused = map[int]*Error{}
				}
				refused[n] = perr
			}
			sizes = append(sizes, size)
		}
		return nil
	})
	return sizes, refused, err
}

// listReply reads the reply to LIST n in a pipeline: the size, or -1 and
// the server's *Error for a -ERR; err for a reply that breaks the
// protocol or a lost connection.
func (c *Client) listReply(n int) (size int64, refused *Error, err error) {
	reply, err := c.readReply("LIST")
	if err != nil {
		return 0, nil, err
	}
	text, err := checkStatus("LIST", reply)
	if pe, ok := errors.AsType[*Error](err); ok {
		return -1, pe, nil
	}
	if err != nil {
		return 0, nil, err
	}
	got, size, err := parsePair(text)
	if err == nil && got != n {
		err = fmt.Errorf("%w: the reply names message %d", errProtocol, got)
	}
	if err != nil {
		return 0, nil, fmt.Errorf("pop3: LIST %d: %w", n, err)
	}
	return size, nil, nil
}
