package campaign

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
)

// maxTextRun is the most bytes an XML part of a workbook may hold between
// one '<' and the next: a tag and the text after it. encoding/xml, which
// excelize reads the parts with, gathers a text run whole, and several
// times over, however long it is (a 3 GB run of spaces cost 6 GB and
// minutes). Excel holds at most 32,767 characters in a cell; written out
// with every character escaped as a numeric reference (&#x10FFFF;, 10
// bytes) that is 320 KiB, so 1 MiB refuses nothing a spreadsheet writes.
const maxTextRun = 1 << 20

// textRunBuffer is the read buffer of scanRuns; a tag whose attributes
// it must read (row, mergeCell) longer than this is read without them.
const textRunBuffer = 64 << 10

// runScan walks an XML part from one '<' to the next without decoding
// it, in memory of textRunBuffer, and stops at a run longer than
// maxTextRun. On a worksheet it numbers the rows, as excelize does (a
// row's r attribute, else the one after the last), and collects the ref
// attribute of each mergeCell; on the shared strings it counts the si
// elements.
type runScan struct {
	br *bufio.Reader
	// row is the number of the row last started, 0 before the first;
	// inRow says its end tag is still to come.
	row   int
	inRow bool
	// strings is the number of si elements started.
	strings int
	merges  []string
}

// textRunError is a run of more than maxTextRun bytes; Row and InRow, or
// String, say where it is, as runScan numbers them when it stopped.
type textRunError struct {
	Row    int
	InRow  bool
	String int
}

func (e *textRunError) Error() string {
	return fmt.Sprintf("%v: more than %s of text without markup (a spreadsheet cell holds at most 32,767 characters); the file is damaged or not a real workbook", ErrTooLong, byteLimit(maxTextRun))
}

func (e *textRunError) Unwrap() error { return ErrTooLong }

// where is the position a worksheet's textRunError names: "row 5",
// "after row 5", "before the first row".
func (e *textRunError) where() string {
	switch {
	case e.InRow:
		return "row " + strconv.Itoa(e.Row)
	case e.Row > 0:
		return "after row " + strconv.Itoa(e.Row)
	}
	return "before the first row"
}

// scanRuns reads the XML part in r to its end (see runScan); the error
// is a *textRunError for a run too long, or r's.
func scanRuns(ctx context.Context, r io.Reader) (*runScan, error) {
	s := &runScan{br: bufio.NewReaderSize(r, textRunBuffer)}
	run := 0
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return s, err
			}
		}
		seg, err := s.br.ReadSlice('<')
		run += len(seg)
		if run > maxTextRun {
			return s, &textRunError{Row: s.row, InRow: s.inRow, String: s.strings}
		}
		switch err {
		case nil:
			run = 0
			s.tag()
		case bufio.ErrBufferFull:
		case io.EOF:
			return s, nil
		default:
			return s, err
		}
	}
}

// tag looks at the tag after the '<' just read: a row's start or end, a
// mergeCell, a shared string.
func (s *runScan) tag() {
	head, _ := s.br.Peek(32)
	end := len(head) > 0 && head[0] == '/'
	if end {
		head = head[1:]
	}
	switch string(localName(head)) { // compared without a copy
	case "row":
		if end {
			s.inRow = false
			return
		}
		t := s.startTag()
		s.row, s.inRow = attrNumber(t, "r", s.row+1), !selfClosing(t)
	case "mergeCell":
		if !end {
			if ref := attrValue(s.startTag(), "ref"); ref != "" {
				s.merges = append(s.merges, ref)
			}
		}
	case "si":
		if !end {
			s.strings++
		}
	}
}

// startTag is the tag after the '<' just read, up to its '>', without
// reading past it; nil when longer than the read buffer.
func (s *runScan) startTag() []byte {
	for n := 64; ; n = min(n*4, textRunBuffer) {
		b, err := s.br.Peek(n)
		if i := bytes.IndexByte(b, '>'); i >= 0 {
			return b[:i+1]
		}
		if err != nil || n == textRunBuffer {
			return nil
		}
	}
}

// localName is the element name b starts with, without its namespace
// prefix; empty when b starts no element (a comment, a declaration).
func localName(b []byte) []byte {
	i := 0
	for i < len(b) && isNameByte(b[i]) {
		i++
	}
	name := b[:i]
	if j := bytes.LastIndexByte(name, ':'); j >= 0 {
		name = name[j+1:]
	}
	return name
}

// selfClosing says whether the start tag ends in "/>".
func selfClosing(tag []byte) bool { return bytes.HasSuffix(tag, []byte("/>")) }

// attrNumber is the attribute name of tag as a positive number, or def.
func attrNumber(tag []byte, name string, def int) int {
	if n, err := strconv.Atoi(attrValue(tag, name)); err == nil && n > 0 {
		return n
	}
	return def
}

// attrValue is the value of the attribute name (without a prefix) in
// tag, as written (entities are not decoded), or "".
func attrValue(tag []byte, name string) string {
	for i := 0; ; {
		j := bytes.Index(tag[i:], []byte(name))
		if j < 0 {
			return ""
		}
		p := i + j
		i = p + len(name)
		if p == 0 || !isSpace(tag[p-1]) {
			continue
		}
		k := i
		for k < len(tag) && isSpace(tag[k]) {
			k++
		}
		if k >= len(tag) || tag[k] != '=' {
			continue
		}
		for k++; k < len(tag) && isSpace(tag[k]); k++ {
		}
		if k >= len(tag) || tag[k] != '"' && tag[k] != '\'' {
			continue
		}
		if e := bytes.IndexByte(tag[k+1:], tag[k]); e >= 0 {
			return string(tag[k+1 : k+1+e])
		}
		return ""
	}
}

// isSpace says whether c is XML white space.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
