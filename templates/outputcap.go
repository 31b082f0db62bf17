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

// execCapped runs exec with w bounded to the template's max output (w
// itself when it has none). The bounding writers are kept for the next
// run (t.caps): one a row would cost an allocation a template.
func (t *Template) execCapped(w io.Writer, exec func(io.Writer) error) error {
	if t.max <= 0 {
		return exec(w)
	}
	c, _ := t.caps.Get().(*capWriter)
	if c == nil {
		c = &capWriter{}
	}
	c.w, c.left, c.max = w, t.max, t.max
	err := exec(c)
	c.w = nil
	t.caps.Put(c)
	return err
}
