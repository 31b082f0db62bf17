package feedback

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/textproto"
	"strings"
)

// Limits on what one message may make this package hold or walk.
const (
	maxDepth       = 16        // nested multiparts
	maxParts       = 1000      // MIME entities in one message
	maxKeptBody    = 2 << 20   // encoded bytes read of a text or report part
	maxKeptTotal   = 8 << 20   // encoded bytes read of all such parts
	maxHeaderBytes = 256 << 10 // header section of an embedded message
	maxTopHeader   = 1 << 20   // the message's own header section
)

// entity is one MIME entity (RFC 2045, 2046) of a message, holding only
// what classification needs: the bodies of text and report parts, the
// header section of embedded messages. Other bodies are skipped unread.
type entity struct {
	mediaType string // lower case, "text/plain" by default
	params    map[string]string
	body      []byte               // transfer-decoded body of a kept part
	embedded  textproto.MIMEHeader // header of message/rfc822 and the like
	children  []*entity            // parts of a multipart
}

// walker reads a MIME tree and counts what it read.
type walker struct {
	parts int
	kept  int64 // bytes read into memory
}

// budget returns how many bytes the next kept part may read, at most max.
func (w *walker) budget(max int64) int64 {
	return min(max, maxKeptTotal-w.kept)
}

// read builds the entity with header h whose body is r.
func (w *walker) read(h textproto.MIMEHeader, r io.Reader, depth int) (*entity, error) {
	w.parts++
	if w.parts > maxParts {
		return nil, unreadable(fmt.Sprintf("more than %d MIME parts", maxParts), nil)
	}
	e := &entity{}
	e.mediaType, e.params = contentType(h.Get("Content-Type"))
	switch {
	case strings.HasPrefix(e.mediaType, "multipart/"):
		return e, w.readMultipart(e, r, depth)
	case isEmbedded(e.mediaType) && w.budget(maxKeptBody) > 0:
		cr := &countingReader{r: io.LimitReader(r, w.budget(maxKeptBody))}
		e.embedded = readEmbeddedHeader(decodeTransfer(h, cr))
		w.kept += cr.n
	case isKept(e.mediaType) && w.budget(maxKeptBody) > 0:
		raw, err := io.ReadAll(io.LimitReader(r, w.budget(maxKeptBody)))
		if err != nil {
			return nil, readError(err)
		}
		w.kept += int64(len(raw))
		e.body = transferDecode(h.Get("Content-Transfer-Encoding"), raw)
	}
	return e, nil
}

// readMultipart reads e's parts (RFC 2046 5.1).
func (w *walker) readMultipart(e *entity, r io.Reader, depth int) error {
	if depth >= maxDepth {
		return unreadable(fmt.Sprintf("multipart nested more than %d deep", maxDepth), nil)
	}
	boundary := e.params["boundary"]
	if boundary == "" {
		return unreadable(e.mediaType+" without a boundary", nil)
	}
	mr := multipart.NewReader(r, boundary)
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return readError(err)
		}
		c, err := w.read(p.Header, p, depth+1)
		if err != nil {
			return err
		}
		e.children = append(e.children, c)
	}
	if len(e.children) == 0 {
		return unreadable(e.mediaType+" with no part", nil)
	}
	return nil
}

// readError turns an error met while reading a multipart body into an
// UnreadableError. (Parse reports a failing or too long source itself.)
func readError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || strings.HasSuffix(err.Error(), "EOF") {
		return unreadable("truncated multipart body", err)
	}
	return unreadable("malformed multipart body", err)
}

// contentType parses a Content-Type value. An empty or unparsable value is
// text/plain (RFC 2045 5.2); parameters that do parse are kept.
func contentType(v string) (string, map[string]string) {
	if strings.TrimSpace(v) == "" {
		return "text/plain", map[string]string{}
	}
	mt, params, err := mime.ParseMediaType(v)
	if mt == "" || (err != nil && !errors.Is(err, mime.ErrInvalidMediaParameter)) {
		return "text/plain", map[string]string{}
	}
	if params == nil {
		params = map[string]string{}
	}
	return mt, params
}

// isEmbedded reports whether a part of type mt carries a message or a
// message's header section.
func isEmbedded(mt string) bool {
	switch mt {
	case "message/rfc822", "message/global", "text/rfc822-headers", "message/global-headers":
		return true
	}
	return false
}

// isKept reports whether a part of type mt is read into memory.
func isKept(mt string) bool {
	switch mt {
	case "text/plain", "text/html",
		"message/delivery-status", "message/global-delivery-status",
		"message/feedback-report",
		"message/disposition-notification", "message/global-disposition-notification":
		return true
	}
	return false
}

// decodeTransfer undoes h's Content-Transfer-Encoding on r, streaming.
func decodeTransfer(h textproto.MIMEHeader, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))) {
	case "base64":
		raw, _ := io.ReadAll(r)
		return bytes.NewReader(decodeBase64(raw))
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	}
	return r
}

// transferDecode undoes the Content-Transfer-Encoding cte on raw. Decoding
// is lenient: what decodes before a bad character is kept.
func transferDecode(cte string, raw []byte) []byte {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		return decodeBase64(raw)
	case "quoted-printable":
		out, _ := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw)))
		return out
	}
	return raw
}

// decodeBase64 decodes raw, ignoring white space and missing padding, up to
// the first character that is not base64.
func decodeBase64(raw []byte) []byte {
	clean := bytes.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, raw)
	clean = bytes.TrimRight(clean, "=")
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
	n, _ := base64.RawStdEncoding.Decode(out, clean)
	return out[:n]
}

// readEmbeddedHeader reads the header section at the start of r (a
// message/rfc822 body or a text/rfc822-headers part). A section that breaks
// off or has a malformed line gives the fields before that point.
func readEmbeddedHeader(r io.Reader) textproto.MIMEHeader {
	br := bufio.NewReader(io.LimitReader(r, maxHeaderBytes))
	skipBlankLines(br)
	h, _ := textproto.NewReader(br).ReadMIMEHeader()
	if h == nil {
		h = textproto.MIMEHeader{}
	}
	return h
}

// skipBlankLines drops empty lines at the start of br.
func skipBlankLines(br *bufio.Reader) {
	for {
		b, _ := br.Peek(2)
		switch {
		case len(b) > 0 && b[0] == '\n':
			br.Discard(1)
		case len(b) == 2 && b[0] == '\r' && b[1] == '\n':
			br.Discard(2)
		default:
			return
		}
	}
}

// walk calls fn for e and every entity below it, depth first in order.
func (e *entity) walk(fn func(*entity)) {
	fn(e)
	for _, c := range e.children {
		c.walk(fn)
	}
}

// find returns the first entity below or at e whose type is one of types.
func (e *entity) find(types ...string) *entity {
	var found *entity
	e.walk(func(x *entity) {
		if found != nil {
			return
		}
		for _, t := range types {
			if x.mediaType == t {
				found = x
				return
			}
		}
	})
	return found
}
