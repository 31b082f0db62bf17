package smtpclient

import (
	"errors"
	"io"
)

// maxReplyBytes and maxReplyLines bound one reply, all of its lines
// together. Each line is bounded (maxReplyLine), but net/textproto, under
// go-smtp and the pipelined exchange alike, joins the lines of a
// multi-line reply ("250-…") for as long as they come, copying the text
// so far at each: a server that never sends the last line would be read
// into memory, at a cost growing with the square of its lines, until the
// timeout. Real replies are a few KiB at most (an EHLO list, a banner); a
// megabyte of refusal is still read as one (and its text clipped).
const (
	maxReplyBytes = 2 << 20
	maxReplyLines = 4096
)

// errReplyTooLong is the error once a reply runs past either bound.
var errReplyTooLong = errors.New(
	"smtpclient: a reply from the server runs past 2 MiB or 4096 lines (a multi-line reply that does not end)")

// replyLimitReader fails a read once a reply from the server runs past
// limit bytes or maxReplyLines lines. As lineLimitReader, it hands over
// what came before the byte or line that runs past (of that line, the
// part an earlier read handed over already) and fails from then on;
// errors of the reader below are handed on, not kept (a read deadline's
// timeout may be followed by reads). Not safe for concurrent use.
type replyLimitReader struct {
	r     io.Reader
	limit int
	reply int  // bytes of the current reply so far, its lines before this one included
	lines int  // lines of the current reply before this one
	col   int  // bytes of the current line so far
	more  bool // the current line is a continuation line: a '-' after its code
	err   error
}

func (l *replyLimitReader) Read(b []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(b)
	start := 0 // where the current line starts in b; 0 when in an earlier read
	for i, c := range b[:n] {
		if l.col == 3 {
			l.more = c == '-'
		}
		l.col++
		l.reply++
		if c == '\n' {
			l.lines++
			if !l.more {
				l.reply, l.lines = 0, 0 // the reply's last line
			}
			l.col, l.more, start = 0, false, i+1
		}
		if l.reply > l.limit || l.lines >= maxReplyLines {
			l.err = errReplyTooLong
			if start == 0 {
				return 0, l.err
			}
			return start, nil
		}
	}
	return n, err
}

// newReplyReader reads a server's replies from r: bare codes given their
// space (codeReader), each reply bounded to maxReplyBytes.
func newReplyReader(r io.Reader) io.Reader {
	return &replyLimitReader{r: newCodeReader(r), limit: maxReplyBytes}
}
