package preview

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/text/encoding/htmlindex"

	"github.com/tidings/tidings/sendpool/statefile"
)

// galleryMessage is a message parsed for display, the content of
// msg/<name>.js.
type galleryMessage struct {
	// Headers are all header fields in message order, RFC 2047 decoded.
	Headers [][2]string `json:"headers"`
	// Date is the Date header's time in RFC 3339, for the page to show in
	// the viewer's time zone; "" when there is none that parses.
	Date string `json:"date,omitempty"`
	Text string `json:"text,omitempty"`
	HTML string `json:"html,omitempty"`
	// Attachments are the parts that are neither the body nor an inline image.
	Attachments []galleryPart `json:"attachments,omitempty"`
	// Inline are the parts with a Content-ID; Images maps each Content-ID
	// (without angle brackets) to a data: URL that the page substitutes for
	// cid: references in the HTML.
	Inline []galleryPart     `json:"inline,omitempty"`
	Images map[string]string `json:"images,omitempty"`
	// Raw is the message source, cut at galleryRawLimit bytes.
	Raw          string `json:"raw"`
	RawTruncated bool   `json:"rawTruncated,omitempty"`
	Size         int    `json:"size"`
	// Problems are what could not be parsed; the page shows them.
	Problems []string `json:"problems,omitempty"`
}

// galleryPart describes one MIME leaf part.
type galleryPart struct {
	Name string `json:"name,omitempty"`
	Type string `json:"type"`
	Size int64  `json:"size"`
	CID  string `json:"cid,omitempty"`
}

// writeGalleryMessage parses the message data (the .eml emlName) and writes
// gallery/msg/<id>.js for the page. A message that does not parse still
// gets a script, listing the problems; only I/O errors are returned. It is
// safe to call concurrently for different names.
func writeGalleryMessage(dir, emlName string, data []byte) error {
	id := galleryMessageID(emlName)
	msg := parseGalleryMessage(data)
	var buf bytes.Buffer
	buf.WriteString("tidings.message(")
	if err := galleryJSON(&buf, id); err != nil {
		return err
	}
	buf.WriteByte(',')
	if err := galleryJSON(&buf, msg); err != nil {
		return err
	}
	buf.WriteString(");\n")
	gdir := filepath.Join(dir, galleryDir)
	mdir := filepath.Join(gdir, "msg")
	for _, d := range []string{gdir, mdir} { // neither a link
		if err := statefile.Mkdir(d); err != nil {
			return fmt.Errorf("preview: gallery: %w", err)
		}
	}
	if err := statefile.WriteFile(filepath.Join(mdir, id+".js"), buf.Bytes()); err != nil {
		return fmt.Errorf("preview: gallery: %w", err)
	}
	return nil
}

// galleryParser collects the displayable parts of one message.
type galleryParser struct {
	msg         galleryMessage
	dec         mime.WordDecoder
	inlineBytes int
}

// parseGalleryMessage parses an RFC 5322 message with MIME (RFC 2045-2047,
// 2183, 2231, 2387, 2392) for display. It never fails: what cannot be read
// is listed in Problems.
func parseGalleryMessage(data []byte) *galleryMessage {
	p := &galleryParser{dec: mime.WordDecoder{CharsetReader: galleryCharsetReader}}
	p.msg.Size = len(data)
	raw := data
	if len(raw) > galleryRawLimit {
		raw = raw[:galleryRawLimit]
		p.msg.RawTruncated = true
	}
	p.msg.Raw = strings.ToValidUTF8(string(raw), "\uFFFD")

	// textproto keeps the fields in order (net/mail's Header is a map) and
	// unfolds continuation lines.
	tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(data)))
	h := textproto.MIMEHeader{}
	for {
		line, err := tp.ReadContinuedLine()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				p.problem("header: %v", err)
			}
			break
		}
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			p.problem("header line without a colon: %q", line)
			continue
		}
		name = strings.TrimSpace(name)
		value = strings.TrimSpace(value)
		h.Add(name, value)
		p.msg.Headers = append(p.msg.Headers, [2]string{name, p.decodeHeader(value)})
	}
	if t, err := mail.ParseDate(h.Get("Date")); err == nil {
		p.msg.Date = t.Format(time.RFC3339)
	}
	p.entity(h, tp.R, 0)
	return &p.msg
}

func (p *galleryParser) problem(format string, args ...any) {
	p.msg.Problems = append(p.msg.Problems, fmt.Sprintf(format, args...))
}

// decodeHeader decodes RFC 2047 encoded words; a value that does not
// decode is shown as it is.
func (p *galleryParser) decodeHeader(v string) string {
	d, err := p.dec.DecodeHeader(v)
	if err != nil {
		return v
	}
	return d
}

// entity walks one MIME entity: multiparts recursively, leaves into the
// text, HTML, inline images or attachments.
func (p *galleryParser) entity(h textproto.MIMEHeader, body io.Reader, depth int) {
	ctype := "text/plain"
	params := map[string]string{}
	if v := h.Get("Content-Type"); v != "" {
		t, ps, err := mime.ParseMediaType(v)
		if err != nil && t == "" {
			p.problem("Content-Type %q: %v", v, err)
			t = "application/octet-stream"
		}
		ctype, params = t, ps
	}
	if strings.HasPrefix(ctype, "multipart/") {
		if depth >= galleryMaxDepth {
			p.problem("multipart nested deeper than %d levels", galleryMaxDepth)
			return
		}
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				p.problem("%s: %v", ctype, err)
				return
			}
			p.entity(part.Header, part, depth+1)
		}
	}

	var r io.Reader = body
	switch cte := strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))); cte {
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, body)
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	case "", "7bit", "8bit", "binary":
	default:
		p.problem("unknown Content-Transfer-Encoding %q", cte)
	}

	disp, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	name := dparams["filename"] // mime decodes RFC 2231 filename*=
	if name == "" {
		name = params["name"]
	}
	name = p.decodeHeader(name)
	cid := strings.TrimSpace(h.Get("Content-ID"))
	cid = strings.TrimSuffix(strings.TrimPrefix(cid, "<"), ">")
	part := galleryPart{Name: name, Type: ctype, CID: cid}

	switch {
	case disp != "attachment" && name == "" && ctype == "text/plain" && p.msg.Text == "":
		p.msg.Text = p.readText(r, params["charset"])
	case disp != "attachment" && name == "" && ctype == "text/html" && p.msg.HTML == "":
		p.msg.HTML = p.readText(r, params["charset"])
	case disp != "attachment" && cid != "":
		b, err := io.ReadAll(r)
		if err != nil {
			p.problem("inline part <%s>: %v", cid, err)
		}
		part.Size = int64(len(b))
		p.msg.Inline = append(p.msg.Inline, part)
		if p.inlineBytes+len(b) > galleryInlineLimit {
			p.problem("inline part <%s> (%d bytes) not shown: inline images over %d bytes", cid, len(b), galleryInlineLimit)
			return
		}
		p.inlineBytes += len(b)
		if p.msg.Images == nil {
			p.msg.Images = map[string]string{}
		}
		// ctype comes from mime.ParseMediaType: a lower-case token/token.
		p.msg.Images[cid] = "data:" + ctype + ";base64," + base64.StdEncoding.EncodeToString(b)
	default:
		n, err := io.Copy(io.Discard, r)
		if err != nil {
			p.problem("part %q: %v", cmp.Or(name, ctype), err)
		}
		part.Size = n
		p.msg.Attachments = append(p.msg.Attachments, part)
	}
}

// readText reads a text part and converts it from charset to UTF-8.
func (p *galleryParser) readText(r io.Reader, charset string) string {
	switch strings.ToLower(charset) {
	case "", "utf-8", "utf8", "us-ascii":
	default:
		cr, err := galleryCharsetReader(charset, r)
		if err != nil {
			p.problem("charset %q: %v", charset, err)
		} else {
			r = cr
		}
	}
	b, err := io.ReadAll(r)
	if err != nil {
		p.problem("text part: %v", err)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// galleryCharsetReader decodes the charsets browsers know (WHATWG
// Encoding Standard labels), through golang.org/x/text.
func galleryCharsetReader(charset string, input io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(charset)
	if err != nil {
		return nil, fmt.Errorf("preview: gallery: %w", err)
	}
	return enc.NewDecoder().Reader(input), nil
}
