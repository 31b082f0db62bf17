package render

import (
	"bytes"
	"fmt"
	"mime"
	"mime/multipart"
	"net/mail"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestLongAttachmentNames: long file names, ASCII or not, are written as
// RFC 2231 continuations (and RFC 2047 words for the name parameter) so no
// header line passes 78 characters, and readers get the exact name back.
func TestLongAttachmentNames(t *testing.T) {
	names := []string{
		"short.pdf",
		"名字.pdf",
		"二〇二六年十一月份会员电子发票及明细清单（请妥善保存并转交财务部门）.pdf",
		"a-very-long-ascii-file-name-that-goes-on-and-on-past-the-fold-limit-2026-11.pdf",
		`quote"and\backslash.txt`,
		"Ünïcödé spaces and (parens), commas; semicolons=equals.txt",
	}
	files := map[string]string{"body.txt": "Hi\n"}
	for _, n := range names {
		files[n] = "content of " + n
	}
	e := setup(t, yamlWith(map[string]string{"attachments": `["{{.file}}"]`}), files, []string{"email", "file"})
	for i, name := range names {
		r := row(2+i, "email", "k@example.com", "file", name)
		m, err := e.r.Render(r)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkLines(t, m.Data, false)
		for _, line := range bytes.Split(m.Data, []byte("\r\n")) {
			if len(line) > 78 { // part headers too
				t.Errorf("%s: line of %d characters: %q", name, len(line), line)
			}
		}
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
		if err != nil {
			t.Fatal(err)
		}
		mr := multipart.NewReader(msg.Body, params["boundary"])
		mr.NextPart() // the text
		part, err := mr.NextPart()
		if err != nil {
			t.Fatal(err)
		}
		if got := part.FileName(); got != name {
			t.Errorf("filename: got %q, want %q", got, name)
		}
		_, ctParams, err := mime.ParseMediaType(part.Header.Get("Content-Type"))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := new(mime.WordDecoder).DecodeHeader(ctParams["name"]); err != nil || got != name {
			t.Errorf("name parameter: got %q (%v), want %q", got, err, name)
		}
	}
}

// TestFilenameSegmentsEndBetweenCharacters: each RFC 2231 continuation
// segment is at most maxSegment characters and holds whole characters, so
// it decodes to valid UTF-8 on its own; the segments join to the name. A
// name that is not valid UTF-8 (tidings refuses those in row values) still
// gets short segments, each invalid byte counting as one character.
func TestFilenameSegmentsEndBetweenCharacters(t *testing.T) {
	for _, name := range []string{
		strings.Repeat("€", 50),
		strings.Repeat("😀", 40),
		"a" + strings.Repeat("é", 60),
		"ab" + strings.Repeat("文", 50) + ".pdf",
		strings.Repeat("e\u0301", 40),
		strings.Repeat("\x80", 100),
		"\xe6\x96" + strings.Repeat("x", 100),
	} {
		toks := filenameParam(nil, name)
		var joined strings.Builder
		for i, tok := range toks {
			prefix := fmt.Sprintf("filename*%d*=", i)
			if len(toks) == 1 {
				prefix = "filename*="
			}
			v, ok := strings.CutPrefix(strings.TrimSuffix(tok, ";"), prefix)
			if !ok {
				t.Fatalf("%q: token %d is %q", name, i, tok)
			}
			if i == 0 {
				v = strings.TrimPrefix(v, "utf-8''")
			}
			if len(v) > maxSegment {
				t.Errorf("%q: segment %d is %d characters", name, i, len(v))
			}
			dec, err := url.PathUnescape(v)
			if err != nil {
				t.Fatalf("%q: segment %q: %v", name, v, err)
			}
			if utf8.ValidString(name) && !utf8.ValidString(dec) {
				t.Errorf("%q: segment %d %q cuts a character", name, i, v)
			}
			joined.WriteString(dec)
		}
		if joined.String() != name {
			t.Errorf("segments join to %q, want %q", joined.String(), name)
		}
	}
}
