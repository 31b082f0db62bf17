package campaign

import (
	"bytes"
	"fmt"
	"io"
)

// maxRowBytes is the most bytes one CSV row may take: its cells, the
// delimiters between them and the line breaks inside quoted cells. Excel
// holds at most 32,767 characters in a cell, which is under 100 KiB in
// UTF-8 even with every quote doubled; a recipient row is a few hundred
// bytes. 1 MiB leaves room for several full cells while bounding what one
// row costs encoding/csv, which holds the whole row, and one entry per
// field, in memory (a row of 1 MiB of delimiters is a million fields).
const maxRowBytes = 1 << 20

// rowCap passes a CSV text through to encoding/csv and stops it at the
// first row longer than limit, before encoding/csv has buffered more of
// it than that: Read returns the bytes before the limit, then a
// *rowTooLong, every time. It follows the CSV syntax as encoding/csv
// reads it (without LazyQuotes) only far enough to tell where a row ends
// (a line break outside quotes; a blank line starts the count again) and
// which cell it is in. Not safe for concurrent use.
type rowCap struct {
	r     io.Reader
	comma byte
	limit int
	// line is the file line being read, 1-based, as encoding/csv counts
	// them; rowLine the line the current row starts on, and quoteLine
	// the line the quoted cell being read opened on.
	line, rowLine, quoteLine int
	// size is the row's bytes so far; field the 0-based position of the
	// cell being read.
	size, field int
	state       lexState
	err         error
}

// lexState is where rowCap is in a row.
type lexState int

const (
	fieldStart lexState = iota // before a cell's first byte
	unquoted                   // in a cell that does not start with a quote
	quoted                     // in a quoted cell
	quoteSeen                  // a quote inside a quoted cell: its end, or the first of two
	badLine                    // after a quote encoding/csv refuses: the rest of the line is its error
)

// newRowCap returns a rowCap over r for a sheet whose delimiter is comma
// (one byte: ',', ';' or tab).
func newRowCap(r io.Reader, comma rune, limit int) *rowCap {
	return &rowCap{r: r, comma: byte(comma), limit: limit, line: 1, rowLine: 1}
}

// rowTooLong is rowCap's error: the row that starts on file line Line
// has run past Limit bytes in its 0-based cell Field; Quoted says that
// cell is a quoted one, opened on line QuoteLine.
type rowTooLong struct {
	Line, Field, Limit int
	Quoted             bool
	QuoteLine          int
}

func (e *rowTooLong) Error() string {
	if e.Quoted {
		// Where the value would end is not read: either is possible.
		return fmt.Sprintf("%v: the quoted value opened on line %d runs past %s: either a closing quote is missing or the value is longer than a spreadsheet cell can hold (%s here)", ErrTooLong, e.QuoteLine, byteLimit(e.Limit), byteLimit(e.Limit))
	}
	return fmt.Sprintf("%v: the row is longer than %s (a spreadsheet cell holds at most 32,767 characters)", ErrTooLong, byteLimit(e.Limit))
}

func (e *rowTooLong) Unwrap() error { return ErrTooLong }

// byteLimit writes a limit of whole MiB as "1 MiB", another in bytes.
func byteLimit(n int) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Read reads from the text beneath, up to the byte that takes a row
// past the limit.
func (c *rowCap) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.r.Read(p)
	for i := 0; i < n; {
		line := p[i:n]
		if j := bytes.IndexByte(line, '\n'); j >= 0 {
			line = line[:j+1]
		}
		k, ok := c.takeLine(line)
		i += k
		if !ok {
			c.err = &rowTooLong{Line: c.rowLine, Field: c.field, Limit: c.limit, Quoted: c.state == quoted, QuoteLine: c.quoteLine}
			return i, c.err
		}
	}
	return n, err
}

// takeLine takes in line, the bytes up to and with the next line break
// (or the rest of what was read), and returns how many it took; false
// when the next one would take the row past the limit. The runs of bytes
// that change nothing but the row's size and its cell count (outside
// quotes: up to a quote; inside: up to the closing quote) are taken at
// once with byte searches, each byte searched once; quotes and the line
// break go through step. Byte by byte, reading a sheet spent a fifth of
// its time here.
func (c *rowCap) takeLine(line []byte) (int, bool) {
	j := 0
	for j < len(line) {
		run := c.run(line[j:])
		if room := c.limit - c.size; len(run) > room {
			run = run[:max(room, 0)]
		}
		if len(run) > 0 {
			c.takeRun(run)
			j += len(run)
			continue
		}
		if !c.step(line[j]) {
			return j, false
		}
		j++
	}
	return j, true
}

// run is how much of rest, the rest of a line, step would take without
// a change of state but for the cell count: none after a quote in a
// quoted cell, else up to the next quote (but after a quote encoding/csv
// refuses) and before the line break.
func (c *rowCap) run(rest []byte) []byte {
	if c.state == quoteSeen {
		return nil
	}
	rest = bytes.TrimSuffix(rest, []byte{'\n'})
	if c.state == badLine {
		return rest
	}
	if q := bytes.IndexByte(rest, '"'); q >= 0 {
		return rest[:q]
	}
	return rest
}

// takeRun takes in run, a run (see run) of the row.
func (c *rowCap) takeRun(run []byte) {
	c.size += len(run)
	if c.state != fieldStart && c.state != unquoted {
		return
	}
	c.field += bytes.Count(run, []byte{c.comma})
	c.state = unquoted
	if run[len(run)-1] == c.comma {
		c.state = fieldStart
	}
}

// step takes in byte b; false when it takes the row past the limit.
func (c *rowCap) step(b byte) bool {
	if b == '\n' {
		c.line++
		if c.state != quoted {
			c.rowLine, c.size, c.field, c.state = c.line, 0, 0, fieldStart
			return true
		}
	}
	c.size++
	switch {
	case c.state == badLine:
	case b == '"':
		c.state = c.afterQuote()
	case c.state == quoteSeen:
		if b == c.comma {
			c.field, c.state = c.field+1, fieldStart
		} else {
			c.state = badLine // `"a"b`: encoding/csv's ErrQuote
		}
	case b == c.comma && c.state != quoted:
		c.field, c.state = c.field+1, fieldStart
	case c.state == fieldStart:
		c.state = unquoted
	}
	return c.size <= c.limit
}

// afterQuote is the state a quote leads to.
func (c *rowCap) afterQuote() lexState {
	switch c.state {
	case fieldStart:
		c.quoteLine = c.line
		return quoted
	case quoted:
		return quoteSeen
	case quoteSeen:
		return quoted // a doubled quote
	}
	return badLine // `ab"c`: encoding/csv's ErrBareQuote
}
