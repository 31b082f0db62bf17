package campaign

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"io"
)

// sharedStringsPart is the shared string table's member, where excelize
// reads it.
const sharedStringsPart = "xl/sharedStrings.xml"

// sstBuffer is readStrings' buffer: a text longer is no date.
const sstBuffer = 64 << 10

// readStrings fills td.sst from the shared string table of the archive
// zr and reports whether any string looks like a date. It reads the
// part's bytes a tag at a time, without decoding XML (excelize holds a
// big table in a temporary file, out of reach): each <si> is a string,
// its text that of its <t> elements but those of phonetic runs (<rPh>).
// A text with an entity (&amp;) or longer than a date is none.
func (td *textDates) readStrings(ctx context.Context, zr *zip.Reader) (bool, error) {
	part := member(zr, sharedStringsPart)
	if part == nil {
		return false, nil
	}
	rc, err := part.Open()
	if err != nil {
		return false, err
	}
	defer rc.Close()
	td.sst = make(map[int]string)
	br := bufio.NewReaderSize(rc, sstBuffer)
	st := sstState{index: -1}
	rest := false // the segment read is the rest of one longer than the buffer
	for n := 0; ; n++ {
		if n%(1<<16) == 0 {
			if err := ctx.Err(); err != nil {
				return false, err
			}
		}
		seg, err := br.ReadSlice('<')
		switch err {
		case nil:
			if !rest {
				st.segment(td, seg[:len(seg)-1])
			}
			rest = false
		case bufio.ErrBufferFull:
			st.long, rest = true, true // a text longer than the buffer: no date
		case io.EOF:
			return len(td.sst) > 0, nil
		default:
			return false, err
		}
	}
}

// sstState is readStrings' place in the table.
type sstState struct {
	index int  // the string being read; -1 before the first
	inRPh bool // in a phonetic run, whose text is not the string's
	long  bool // the string's text is longer than a date's, or escaped
	text  []byte
}

// segment takes seg, the bytes from after a '<' to before the next: a
// tag's name and attributes, and after its '>' the text that follows.
func (st *sstState) segment(td *textDates, seg []byte) {
	name, rest, _ := bytes.Cut(seg, []byte(">"))
	end := len(name) > 0 && name[0] == '/'
	if end {
		name = name[1:]
	}
	if i := bytes.IndexAny(name, " \t\r\n/"); i >= 0 {
		name = name[:i]
	}
	if i := bytes.IndexByte(name, ':'); i >= 0 {
		name = name[i+1:] // a namespace prefix
	}
	switch string(name) {
	case "si":
		if end {
			if !st.long && looksLikeDate(string(st.text)) {
				td.sst[st.index] = string(st.text)
			}
			return
		}
		st.index++
		st.text, st.long = st.text[:0], false
	case "t":
		if !end && !st.inRPh && !st.long {
			st.text = append(st.text, rest...)
			st.long = len(st.text) > 40 || bytes.IndexByte(rest, '&') >= 0
		}
	case "rPh":
		st.inRPh = !end
	}
}
