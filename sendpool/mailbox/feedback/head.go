package feedback

import (
	"bufio"
	"bytes"
)

// ParseHeader reads the header section of a message (as an IMAP
// BODY[HEADER] or a POP3 TOP n 0 gives it, at most a few dozen kilobytes:
// the caller caps it) as Parse would, passing over broken lines, and
// returns what it says of the message: From, To, Subject, Date,
// Message-ID, In-Reply-To and References, decoded. It does not classify
// the message (its Kind is KindOther, its Format ""), and returns nil for
// a section with no field it can read.
func ParseHeader(head []byte) *Report {
	br := bufio.NewReader(bytes.NewReader(head))
	skipMboxLine(br)
	h, _ := readHeader(br)
	if len(h) == 0 {
		return nil
	}
	return headerReport(h)
}
