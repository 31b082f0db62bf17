package render

import (
	"bytes"
	"mime"
	"mime/multipart"
	"net/mail"
	"testing"
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
