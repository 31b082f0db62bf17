package pop3

import (
	"context"
	"fmt"
	"strconv"
)

// ListEach returns the sizes of messages nums (LIST n each), every
// command sent before the first reply is read: one round trip for all
// (RFC 2449 PIPELINING: the caller checks the server offers it, and
// keeps nums few enough for the replies to fit the connection's buffers
// while the commands go out). The server answers in order, so an error
// comes with the sizes of the messages before the one it met.
func (c *Client) ListEach(ctx context.Context, nums []int) ([]int64, error) {
	sizes := make([]int64, 0, len(nums))
	err := c.do(ctx, "LIST", func() error {
		for _, n := range nums {
			line := "LIST " + strconv.Itoa(n)
			if err := c.send("LIST", line, line); err != nil {
				return err
			}
		}
		for _, n := range nums {
			reply, err := c.readReply("LIST")
			if err != nil {
				return err
			}
			text, err := checkStatus("LIST", reply)
			if err != nil {
				// Replies to the later commands are pending: the
				// session is out of step, and ends (no *Error).
				return fmt.Errorf("pop3: LIST %d in a pipeline: %w: %v", n, errProtocol, err)
			}
			got, size, err := parsePair(text)
			if err == nil && got != n {
				err = fmt.Errorf("%w: the reply names message %d", errProtocol, got)
			}
			if err != nil {
				return fmt.Errorf("pop3: LIST %d: %w", n, err)
			}
			sizes = append(sizes, size)
		}
		return nil
	})
	return sizes, err
}
