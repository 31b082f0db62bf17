package templates

import (
	"errors"
	"fmt"
	"io"
)

// ErrOutputTooLarge is wrapped when a template's output for one row runs
// past the campaign's max_message_size: no message could hold it, and a
// loop or a wide printf ({{range 100000}}{{printf "%0999999d" 1}}{{end}})
// would otherwise fill memory before the message's size is checked.
var ErrOutputTooLarge = errors.New("templates: output over max_message_size")

// capWriter passes writes on to w until left bytes are used up, and
// fails the write that would go past (text/template then stops and
// returns that error).
type capWriter struct {
	w    io.Writer
	left int64
	max  int64
}

func (c *capWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > c.left {
		return 0, fmt.Errorf("%w (%d bytes)", ErrOutputTooLarge, c.max)
	}
	c.left -= int64(len(p))
	return c.w.Write(p)
}

// capped is w bounded to the template's max output, w itself when it has
// none.
func (t *Template) capped(w io.Writer) io.Writer {
	if t.max <= 0 {
		return w
	}
	return &capWriter{w: w, left: t.max, max: t.max}
}
