package render

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/templates"
)

// ErrNotImage is wrapped (in an *AttachmentError) when the file an inline
// image of each row's own names is not a PNG, JPEG, GIF or WebP image by
// its bytes: a mail program would show it broken.
var ErrNotImage = errors.New("not an image a mail program shows")

// rowImages resolves the inline images of row's own, the HTML body's
// <img src="cid:{{.qr_file}}"> (templates.Set.Images), as rowAttachments
// resolves an attachment: a path made from row data stays in the
// attachment folder and leads to no file of the campaign's own, and the
// file is there and not too large; and it must be an image (imageType).
// A path that renders empty is passed over (Set.EmptyPaths notes it).
// The result is indexed as Set.Images, nil where the path is empty; one
// file two of them name ({{.qr_file}} and, in a {{range}}, {{$.qr_file}})
// is one image, the first's, at both. Each file is listed once in
// m.Images and counts among the row's files (ValueSums). Every image's
// problem is told.
func (r *Renderer) rowImages(row campaign.Row, fb *bytes.Buffer, m *Message) ([]*blob, error) {
	if len(r.set.Images) == 0 {
		return nil, nil
	}
	imgs := make([]*blob, len(r.set.Images))
	var probs rowProblems
	for i, t := range r.set.Images {
		b, rec, err := r.rowImage(i, t, row, fb, m)
		probs.add(err)
		if b == nil {
			continue
		}
		if j := slices.IndexFunc(imgs[:i], func(o *blob) bool { return o != nil && o.path == b.path && o.sum == b.sum }); j >= 0 {
			imgs[i] = imgs[j]
			continue
		}
		imgs[i] = b
		m.Images = append(m.Images, rec)
		addFileSum(m, b.sum)
	}
	return imgs, probs.err()
}

// rowImage resolves the i-th of rowImages, t its path's template: the
// image under its Content-ID, and its record for Message.Images; nil
// for an empty path. The image is noted among m's files for its size
// (Message.largest).
func (r *Renderer) rowImage(i int, t *templates.Template, row campaign.Row, fb *bytes.Buffer, m *Message) (*blob, Attachment, error) {
	p, err := r.value(t, row, fb)
	if err != nil || p == "" {
		return nil, Attachment{}, err
	}
	if err := r.climbing(t, row, p); err != nil {
		return nil, Attachment{}, inImageWords(err)
	}
	b, named, err := r.att.resolve(p, !t.Const())
	var typ string
	if err == nil {
		typ, err = imageOf(b, p, named)
	}
	if err != nil {
		return nil, Attachment{}, r.rowErr(row, t.Column(row, p), fmt.Errorf("render: %s: %w", t.Name(), inImageWords(err)))
	}
	m.largest.note(p, "inline image", t, b.size)
	c := *b // the cache's is shared by the rows
	c.ctype, c.cid = typ, rowCID(b.name, b.sum, i, r.c.Name)
	return &c, Attachment{Name: b.name, Path: named, Size: b.size, ContentType: typ, SHA256: b.sum, ModTime: b.mtime}, nil
}

// addFileSum folds sum, the hex SHA-256 of a file of the row's own, into
// the row's files' place of m's facet sums (the last).
func addFileSum(m *Message, sum string) {
	if len(m.sums) == 0 {
		return
	}
	last := &m.sums[len(m.sums)-1]
	if *last == 0 {
		*last = fnvOffset
	}
	*last = fnv32(*last, sum)
}

// imageOf is the media type of b, the file the path p named (full, as
// looked at) by its first bytes (imageType); an *AttachmentError wrapping
// ErrNotImage when it is none.
func imageOf(b *blob, p, full string) (string, error) {
	head, _ := base64.StdEncoding.DecodeString(string(b.enc[:min(len(b.enc), 24)]))
	if typ := imageType(head); typ != "" {
		return typ, nil
	}
	return "", &AttachmentError{Path: full, err: fmt.Errorf("%w: %s is %s, by its bytes not a PNG, JPEG, GIF or WebP image: save the image there as one of those, or write the path of such a file in the cell", ErrNotImage, quotePath(p), sizeWords(b.size))}
}

// imageType is the media type of an image file by its first bytes
// (head): image/png, image/jpeg, image/gif or image/webp; "" for any
// other file.
func imageType(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		return "image/jpeg"
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return "image/gif"
	case len(head) >= 12 && bytes.HasPrefix(head, []byte("RIFF")) && string(head[8:12]) == "WEBP":
		return "image/webp"
	}
	return ""
}

// rowCID is the Content-ID of the i-th inline image of a row's own, the
// file name and sum, its hex SHA-256: the name as a cid: name writes it
// (cidSuggestion, '@' too), '~', i+1, '.' and the sum's first 8 digits
// (no file beside the template has a '~' in its cid: name, so it is none
// of theirs; two images of the row differ by i; two rows' files of one
// name, tickets/42/qr.png and tickets/43/qr.png, differ by their bytes,
// as Content-IDs are to be world-unique, RFC 2045 7), at idRight (the
// campaign's name, as the images beside the template have):
// "0042.png~1.3fa9c2d1@tickets". '~' is a URL's as it is (RFC 3986
// unreserved): with '+', which a reader decoding the src as a query takes
// for a space, Mailpit read the Content-ID "0042.png 1@tickets". Dots in
// a row are one and a leading one goes, as a dot-atom has them (RFC 5322
// 3.2.3): "a..png" is "a.png~1.…@tickets".
func rowCID(name, sum string, i int, idRight string) string {
	left := strings.ReplaceAll(cidSuggestion(name), "@", "-")
	for strings.Contains(left, "..") {
		left = strings.ReplaceAll(left, "..", ".")
	}
	return strings.TrimLeft(left, ".") + "~" + strconv.Itoa(i+1) + "." + sum[:min(8, len(sum))] + "@" + idRight
}

// shownRowImages are the images of rows (indexed as templates.Set.Images,
// nil for none) whose marker html, the HTML body's output, holds
// (templates.RowImageMarker), each once (one file two of them name too),
// in index order: what the message
// carries. An image the body does not show now is not sent.
func shownRowImages(html []byte, rows []*blob) []*blob {
	if len(rows) == 0 {
		return nil
	}
	shown := make([]bool, len(rows))
	for i := 0; ; {
		j := bytes.Index(html[i:], []byte("cid:"))
		if j < 0 {
			break
		}
		i += j + len("cid:")
		if k, _, ok := templates.ReadRowImageMarker(html[i:]); ok && k < len(rows) {
			shown[k] = true
		}
	}
	var out []*blob
	for k, b := range rows {
		if shown[k] && b != nil && !slices.Contains(out, b) {
			out = append(out, b)
		}
	}
	return out
}
