package feedback

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"net/mail"
	"net/textproto"
	"strings"
)

// DefaultMaxSize is the largest message Parse reads when Options.MaxSize is
// not set: a bounce returning a 25 MB message in base64.
const DefaultMaxSize = 40 << 20

// Options tune Parse.
type Options struct {
	// MaxSize is the largest message, in bytes, that Parse reads; a larger
	// one is a *TooLargeError. Zero or less means DefaultMaxSize.
	MaxSize int64
}

// Parse reads one message (RFC 5322, with MIME) from r and says what it is.
// It reads r up to Options.MaxSize plus one byte, and no further; it never
// closes r. It returns a *TooLargeError for a longer message, an
// *UnreadableError for one that cannot be read as mail or as the report it
// claims to be, and a wrapped error when reading r fails. Memory use does
// not grow with the message: Parse holds at most 1 MiB of the message's
// header section and 8 MiB of part bodies (bodies that are not looked at
// are skipped unread). Parse is safe for concurrent use.
func Parse(r io.Reader, opts Options) (*Report, error) {
	limit := opts.MaxSize
	if limit <= 0 {
		limit = DefaultMaxSize
	}
	limit = min(limit, math.MaxInt64-1)
	src := &countingReader{r: io.LimitReader(r, limit+1)}
	hl := &headerLimiter{r: src, left: maxTopHeader}
	rep, err := parse(bufio.NewReader(hl), hl)
	_, _ = io.Copy(io.Discard, src) // to learn the size
	switch {
	case src.err != nil:
		return nil, fmt.Errorf("feedback: reading the message: %w", src.err)
	case src.n > limit:
		return nil, &TooLargeError{Limit: limit}
	case err != nil:
		return nil, err
	}
	return rep, nil
}

// countingReader counts the bytes read through it and keeps the first
// error other than io.EOF.
type countingReader struct {
	r   io.Reader
	n   int64
	err error
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && err != io.EOF && c.err == nil {
		c.err = err
	}
	return n, err
}

// headerLimiter lets at most left bytes through until lift is called, so
// that the message's own header section (which net/textproto reads whole)
// cannot fill memory.
type headerLimiter struct {
	r      io.Reader
	left   int64
	lifted bool
}

var errHeaderTooLarge = fmt.Errorf("header section longer than %d bytes", maxTopHeader)

func (h *headerLimiter) Read(p []byte) (int, error) {
	if h.lifted {
		return h.r.Read(p)
	}
	if h.left <= 0 {
		return 0, errHeaderTooLarge
	}
	n, err := h.r.Read(p[:min(int64(len(p)), h.left)])
	h.left -= int64(n)
	return n, err
}

func (h *headerLimiter) lift() { h.lifted = true }

// message is one message being classified.
type message struct {
	header textproto.MIMEHeader
	root   *entity
	rep    *Report
	// fromName is the display name of From, decoded.
	fromName string
	text     *string // main text, once read
}

func parse(br *bufio.Reader, hl *headerLimiter) (*Report, error) {
	skipMboxLine(br)
	h, err := readHeader(br)
	hl.lift()
	if errors.Is(err, errHeaderTooLarge) {
		return nil, unreadable(errHeaderTooLarge.Error(), nil)
	}
	if err != nil && !(err == io.EOF && len(h) > 0) {
		ue := &UnreadableError{Reason: "malformed header section", Err: err}
		ue.Subject = decodeText(h.Get("Subject"))
		return nil, ue
	}
	if len(h) == 0 {
		return nil, unreadable("no header fields", nil)
	}
	rep, err := parseBody(br, h)
	var ue *UnreadableError
	if errors.As(err, &ue) {
		ue.Subject = decodeText(h.Get("Subject"))
	}
	return rep, err
}

// maxMalformedLines bounds the malformed lines readHeader passes over.
const maxMalformedLines = 100

// readHeader reads the header section as mail readers do: a line that is
// no field (no colon: "X-Mailer PHPMailer 5"; a control byte in a value;
// a continuation line with no field before it, however long) is passed
// over, so one broken line in a newsletter or a bounce does not make the
// whole message unreadable. A section with nothing but such lines is
// malformed, as is one with more than maxMalformedLines of them.
func readHeader(br *bufio.Reader) (textproto.MIMEHeader, error) {
	tr := textproto.NewReader(br)
	h := textproto.MIMEHeader{}
	var first error // the first line passed over
	for n := 0; ; n++ {
		if skipStrayFolds(br) > 0 && first == nil {
			first = errStrayFold
		}
		more, err := tr.ReadMIMEHeader()
		for k, v := range more {
			h[k] = append(h[k], v...)
		}
		if !malformedLine(err) || n == maxMalformedLines {
			if err == nil && len(h) == 0 && first != nil {
				err = first // nothing but broken lines
			}
			return h, err
		}
		if first == nil {
			first = err
		}
	}
}

// errStrayFold is a continuation line with no field before it.
var errStrayFold = textproto.ProtocolError("malformed MIME header: a continuation line with no field before it")

// skipStrayFolds reads past the lines at br that begin with a space or a
// tab where a field should begin (textproto refuses such a line, and
// quotes at most 80 bytes of it: a longer one would end the header), and
// returns how many.
func skipStrayFolds(br *bufio.Reader) int {
	n := 0
	for {
		if b, err := br.Peek(1); err != nil || b[0] != ' ' && b[0] != '\t' {
			return n
		}
		for {
			if _, err := br.ReadSlice('\n'); err != bufio.ErrBufferFull {
				break
			}
		}
		n++
	}
}

// malformedLine reports whether err is textproto's refusal of one header
// line (the line is read past; the next can be read).
func malformedLine(err error) bool {
	var pe textproto.ProtocolError
	return errors.As(err, &pe) && strings.HasPrefix(string(pe), "malformed MIME header")
}

// parseBody reads and classifies the message whose header section is h.
func parseBody(br *bufio.Reader, h textproto.MIMEHeader) (*Report, error) {
	var w walker
	root, err := w.read(h, br, 0)
	if err != nil {
		return nil, err
	}
	m := &message{header: h, root: root, rep: headerReport(h)}
	if a, err := (&mail.AddressParser{WordDecoder: wordDecoder}).Parse(h.Get("From")); err == nil {
		m.fromName = oneLine(a.Name)
	}
	if err := m.classify(); err != nil {
		return nil, err
	}
	return m.rep, nil
}

// skipMboxLine drops an mbox "From " separator line at the start of br, as a
// message saved from a mailbox file may begin with one.
func skipMboxLine(br *bufio.Reader) {
	if b, _ := br.Peek(5); string(b) != "From " {
		return
	}
	for {
		if _, err := br.ReadSlice('\n'); err != bufio.ErrBufferFull {
			return
		}
	}
}

// headerReport fills a Report with the message's own header fields.
func headerReport(h textproto.MIMEHeader) *Report {
	return &Report{
		From:       firstAddress(h.Get("From")),
		To:         addressList(strings.Join(h.Values("To"), ", ")),
		Subject:    decodeText(h.Get("Subject")),
		Date:       parseDate(h.Get("Date")),
		MessageID:  msgID(h.Get("Message-Id")),
		InReplyTo:  msgIDs(h.Get("In-Reply-To")),
		References: msgIDs(strings.Join(h.Values("References"), " ")),
	}
}

// classify decides what the message is, most specific structure first:
// reports (RFC 6522), then plain-text bounces, then automatic replies. A
// bounce often carries Auto-Submitted too, so that comes last.
func (m *message) classify() error {
	if ds := m.root.find("message/delivery-status", "message/global-delivery-status"); ds != nil {
		return m.dsn(ds)
	}
	if fr := m.root.find("message/feedback-report"); fr != nil {
		return m.arf(fr)
	}
	if dn := m.root.find("message/disposition-notification", "message/global-disposition-notification"); dn != nil {
		return m.mdn(dn)
	}
	if done, err := m.plainBounce(); done || err != nil {
		return err
	}
	if f := autoReplyFormat(m.header, m.rep); f != "" {
		m.rep.Kind, m.rep.Format = KindAutoReply, f
	}
	return nil
}

// returned is the header section of the message a report returns (a
// message/rfc822 or headers part), or nil.
func (m *message) returned() textproto.MIMEHeader {
	var h textproto.MIMEHeader
	m.root.walk(func(e *entity) {
		if h == nil && len(e.embedded) > 0 {
			h = e.embedded
		}
	})
	return h
}

// mainText returns the message's text: its text/plain parts outside
// embedded messages joined, or else its HTML parts as text.
func (m *message) mainText() (string, error) {
	if m.text != nil {
		return *m.text, nil
	}
	var parts []*entity
	for _, mt := range []string{"text/plain", "text/html"} {
		m.root.walk(func(e *entity) {
			if e.mediaType == mt && e.body != nil {
				parts = append(parts, e)
			}
		})
		if len(parts) > 0 {
			break
		}
	}
	var b strings.Builder
	for _, e := range parts {
		s, err := e.text()
		if err != nil {
			return "", err
		}
		if b.Len()+len(s) > maxText {
			break
		}
		b.WriteString(s)
		b.WriteString("\n\n")
	}
	s := b.String()
	m.text = &s
	return s, nil
}
