package render

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ErrBoundary is returned when Options.Boundary yields a boundary RFC 2046
// 5.1.1 does not allow. It is a setup mistake, not a row problem.
var ErrBoundary = errors.New("invalid MIME boundary")

// randomBoundary is the default Options.Boundary: 24 random hex digits. The
// "=_" prefix cannot occur in quoted-printable or base64 content.
func randomBoundary(_ string, n int) string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return "=_" + hex.EncodeToString(b[:]) + "." + strconv.Itoa(n)
}

// checkBoundary applies RFC 2046 5.1.1: 1 to 70 bchars, not ending in space.
func checkBoundary(s string) error {
	if len(s) == 0 || len(s) > 70 || s[len(s)-1] == ' ' {
		return fmt.Errorf("render: %w: %q (1 to 70 characters, not ending in a space)", ErrBoundary, s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case bytes.IndexByte([]byte("'()+_,-./:=? "), c) >= 0:
		default:
			return fmt.Errorf("render: %w: %q holds %q", ErrBoundary, s, c)
		}
	}
	return nil
}

// mimeWriter writes the MIME structure of one message (RFC 2045, 2046,
// 2387) into b. Parts are written by hand rather than with
// mime/multipart.Writer: that writer sorts part headers (and canonicalizes
// Content-ID to Content-Id) and allocates a header map per part, while
// tidings wants a fixed header order and no per-part allocations on its
// hot path. Tests read every message back with mime/multipart.
type mimeWriter struct {
	b        *bytes.Buffer
	key      string
	n        int
	boundary func(key string, n int) string
	toks     []string
}

// content is what goes into a message body.
type content struct {
	text, html []byte
	images     []*blob // inline images for the HTML (multipart/related)
	// rowImages are the row's own inline images, indexed as
	// templates.Set.Images (nil where the path was empty); the HTML
	// names them by marker (rewriteCIDs).
	rowImages []*blob
	atts      []*blob // attachments (multipart/mixed)
}

func (w *mimeWriter) next() (string, error) {
	bd := w.boundary(w.key, w.n)
	w.n++
	if err := checkBoundary(bd); err != nil {
		return "", err
	}
	return bd, nil
}

// message writes the body entity of the message: its Content-* header
// lines, the blank line and the content, ending in CRLF.
func (w *mimeWriter) message(c *content) error {
	if len(c.atts) == 0 {
		return w.alternative(c, true)
	}
	bd, err := w.next()
	if err != nil {
		return err
	}
	w.multipartHeader("mixed", bd, "")
	w.delim(bd, true)
	if err := w.alternative(c, false); err != nil {
		return err
	}
	for _, a := range c.atts {
		w.delim(bd, false)
		w.blob(a, "attachment", "")
	}
	w.close(bd)
	w.b.WriteString("\r\n")
	return nil
}

// alternative writes text, HTML or both as multipart/alternative (RFC 2046
// 5.1.4: plainest first). top says the entity is the whole message body,
// which must end in CRLF.
func (w *mimeWriter) alternative(c *content, top bool) error {
	switch {
	case c.text != nil && c.html != nil:
		bd, err := w.next()
		if err != nil {
			return err
		}
		w.multipartHeader("alternative", bd, "")
		w.delim(bd, true)
		w.textPart("text/plain", c.text, false)
		w.delim(bd, false)
		if err := w.related(c, false); err != nil {
			return err
		}
		w.close(bd)
		if top {
			w.b.WriteString("\r\n")
		}
		return nil
	case c.html != nil:
		return w.related(c, top)
	default:
		w.textPart("text/plain", c.text, top)
		return nil
	}
}

// related writes the HTML part, wrapped in multipart/related (RFC 2387)
// with its inline images when it has any: those beside the template, then
// the row's own it shows (shownRowImages). An HTML body naming no image
// goes as written, looked through for none (a cell's "cid:~0~" stays).
func (w *mimeWriter) related(c *content, top bool) error {
	if len(c.images) == 0 && len(c.rowImages) == 0 {
		w.textPart("text/html", c.html, top)
		return nil
	}
	html := rewriteCIDs(c.html, c.images, c.rowImages)
	shown := shownRowImages(c.html, c.rowImages)
	if len(c.images)+len(shown) == 0 {
		w.textPart("text/html", html, top)
		return nil
	}
	bd, err := w.next()
	if err != nil {
		return err
	}
	w.multipartHeader("related", bd, "text/html")
	w.delim(bd, true)
	w.textPart("text/html", html, false)
	for _, im := range append(c.images[:len(c.images):len(c.images)], shown...) {
		w.delim(bd, false)
		w.blob(im, "inline", im.cid)
	}
	w.close(bd)
	if top {
		w.b.WriteString("\r\n")
	}
	return nil
}

func (w *mimeWriter) multipartHeader(sub, bd, typ string) {
	w.b.WriteString("Content-Type: multipart/")
	w.b.WriteString(sub)
	w.b.WriteString(";\r\n boundary=\"")
	w.b.WriteString(bd)
	w.b.WriteByte('"')
	if typ != "" {
		w.b.WriteString("; type=\"")
		w.b.WriteString(typ)
		w.b.WriteByte('"')
	}
	w.b.WriteString("\r\n\r\n")
}

// delim writes a dash-boundary line; the CRLF before all but the first
// belongs to the delimiter (RFC 2046 5.1.1).
func (w *mimeWriter) delim(bd string, first bool) {
	if !first {
		w.b.WriteString("\r\n")
	}
	w.b.WriteString("--")
	w.b.WriteString(bd)
	w.b.WriteString("\r\n")
}

func (w *mimeWriter) close(bd string) {
	w.b.WriteString("\r\n--")
	w.b.WriteString(bd)
	w.b.WriteString("--")
}

// textPart writes a text entity: 7bit when the body is ASCII in lines of at
// most 78 characters, else quoted-printable (RFC 2045 6.7), whose lines are
// at most 76, or base64 (RFC 2045 6.8) in lines of 76 when that is shorter
// (see b64text.go). Line ends become CRLF. When top is set the part is the
// whole message body, which must end in a line break: a soft line break
// ("=" CRLF, decoded as nothing) for quoted-printable, a CRLF otherwise.
func (w *mimeWriter) textPart(ctype string, body []byte, top bool) {
	w.b.WriteString("Content-Type: ")
	w.b.WriteString(ctype)
	w.b.WriteString("; charset=utf-8\r\n")
	if is7bit(body) {
		w.b.WriteString("Content-Transfer-Encoding: 7bit\r\n\r\n")
		writeCRLF(w.b, body)
		if top && !endsInLF(body) {
			w.b.WriteString("\r\n")
		}
		return
	}
	b64 := base64TextLen(body)
	if w.quotedPrintable(body, b64, top) {
		return
	}
	w.b.WriteString("Content-Transfer-Encoding: base64\r\n\r\n")
	w.b.Grow(b64)
	w.b.Write(appendBase64Text(w.b.AvailableBuffer(), body))
	if top {
		w.b.WriteString("\r\n")
	}
}

// quotedPrintable writes the Content-Transfer-Encoding line, the blank
// line and body in quoted-printable, when that encoding is at most limit
// bytes long (that of base64), and reports whether it did: it encodes
// once, into the buffer's spare room, and commits the part only then.
// The room made is enough for base64 too, which is written otherwise.
func (w *mimeWriter) quotedPrintable(body []byte, limit int, top bool) bool {
	const head = "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
	w.b.Grow(len(head) + limit + qpOvershoot)
	dst, ok := appendQPUpTo(append(w.b.AvailableBuffer(), head...), body, limit)
	if !ok {
		return false
	}
	w.b.Write(dst)
	if top && !endsInLF(body) {
		w.b.WriteString("=\r\n")
	}
	return true
}

func endsInLF(b []byte) bool { return len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') }

// is7bit reports whether body can go as 7bit: ASCII without NUL, lines of at
// most 78 characters, CR only before LF.
func is7bit(body []byte) bool {
	line := 0
	for i, c := range body {
		switch {
		case c == '\n':
			line = 0
			continue
		case c == '\r':
			if i+1 >= len(body) || body[i+1] != '\n' {
				return false
			}
			continue
		case c == 0 || c >= 0x80:
			return false
		}
		line++
		if line > maxLine {
			return false
		}
	}
	return true
}

// writeCRLF copies body to b with every LF not preceded by CR written as
// CRLF.
func writeCRLF(b *bytes.Buffer, body []byte) {
	for len(body) > 0 {
		i := bytes.IndexByte(body, '\n')
		if i < 0 {
			b.Write(body)
			return
		}
		if i > 0 && body[i-1] == '\r' {
			b.Write(body[:i+1])
		} else {
			b.Write(body[:i])
			b.WriteString("\r\n")
		}
		body = body[i+1:]
	}
}

// blob writes a base64 entity: an attachment or an inline image with
// Content-ID cid. The file name goes into Content-Disposition's filename
// (RFC 2183; RFC 2231 when not ASCII) and, for older clients, Content-Type's
// name parameter (RFC 2047 encoded-words when not ASCII).
func (w *mimeWriter) blob(a *blob, disposition, cid string) {
	w.toks = append(w.toks[:0], a.ctype+";")
	w.toks = nameParam(w.toks, a.name)
	_ = writeFolded(w.b, "Content-Type", w.toks) // lengths bounded by file name limits
	w.toks = append(w.toks[:0], disposition+";")
	w.toks = filenameParam(w.toks, a.name)
	_ = writeFolded(w.b, "Content-Disposition", w.toks)
	if cid != "" {
		w.b.WriteString("Content-ID: <")
		w.b.WriteString(cid)
		w.b.WriteString(">\r\n")
	}
	w.b.WriteString("Content-Transfer-Encoding: base64\r\n\r\n")
	w.b.Write(a.enc)
}

// maxSegment bounds an RFC 2231 continuation segment, so each fits on a
// folded line of 78 characters with its parameter name.
const maxSegment = 60

// filenameParam appends the Content-Disposition filename parameter to toks
// as folding tokens: filename="…" when the name is short printable ASCII
// with nothing a reader could take for an encoded-word ("=?"), else an
// RFC 2231 extended value, in continuations when it is long:
//
//	filename*0*=utf-8''%E5%8F%91…;
//	filename*1*=%E7%A5%A8….pdf
//
// Each segment is at most maxSegment characters and ends between whole
// characters, never inside a UTF-8 sequence: readers such as Python's email
// package decode each segment on its own, and a character cut in two
// comes out as undecodable bytes.
func filenameParam(toks []string, name string) []string {
	if isASCII(name) && len(name) <= maxSegment && !strings.ContainsAny(name, "\"\\") && !strings.Contains(name, "=?") {
		return append(toks, "filename="+quoteString(name))
	}
	const attrChars = "!#$&+-.^_`|~" // RFC 2231 attribute-char besides letters and digits
	var enc strings.Builder
	enc.WriteString("utf-8''")
	var cuts []int // positions in enc where a segment may end: after a character
	for i, next := 0, 0; i < len(name); i++ {
		if i == next { // the start of a character (an invalid byte counts as one)
			_, size := utf8.DecodeRuneInString(name[i:])
			next = i + size
		}
		c := name[i]
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(attrChars, c) >= 0) {
			enc.WriteByte(c)
		} else {
			fmt.Fprintf(&enc, "%%%02X", c)
		}
		if i+1 == next {
			cuts = append(cuts, enc.Len())
		}
	}
	v := enc.String()
	if len(v) <= maxSegment {
		return append(toks, "filename*="+v)
	}
	start, n := 0, 0
	for i, end := range cuts {
		last := i == len(cuts)-1
		if !last && cuts[i+1]-start <= maxSegment {
			continue
		}
		seg := fmt.Sprintf("filename*%d*=%s", n, v[start:end])
		if !last {
			seg += ";"
		}
		toks = append(toks, seg)
		start, n = end, n+1
	}
	return toks
}

// nameParam appends Content-Type's name parameter to toks: a quoted
// string, of RFC 2047 encoded-words when the name is not ASCII. The words
// are separate tokens, so the line folds between them (folding white space
// is allowed inside a quoted-string, RFC 5322 3.2.4).
func nameParam(toks []string, name string) []string {
	if isASCII(name) && len(name) <= maxSegment && !strings.Contains(name, "=?") {
		return append(toks, "name="+quoteString(name))
	}
	// Room: ` name="` before the first word, `"` after the last one.
	words := encodeWords(name, true, maxLine-len(` name="`)-1, maxWord-1)
	for i, w := range words {
		if i == 0 {
			w = `name="` + w
		}
		if i == len(words)-1 {
			w += `"`
		}
		toks = append(toks, w)
	}
	return toks
}
