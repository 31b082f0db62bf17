package feedback

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/text/encoding/htmlindex"
)

// maxText caps the decoded text of one part that is looked at.
const maxText = 1 << 20

// text returns e's body as UTF-8 text, converted from its charset
// parameter (any charset the WHATWG Encoding Standard names, through
// htmlindex), and an HTML body turned into its visible text. An unknown
// charset is an UnreadableError.
func (e *entity) text() (string, error) {
	s, err := decodeCharset(e.body, e.params["charset"])
	if err != nil {
		return "", err
	}
	if e.mediaType == "text/html" {
		s = htmlText(s)
	}
	return capText(s), nil
}

// capText is s cut to maxText bytes, a character cut in two left out.
func capText(s string) string {
	if len(s) > maxText {
		s = strings.ToValidUTF8(s[:maxText], "")
	}
	return s
}

// decodeCharset converts b from charset to UTF-8. No charset, US-ASCII and
// UTF-8 take b as UTF-8; invalid sequences become U+FFFD.
func decodeCharset(b []byte, charset string) (string, error) {
	cs := strings.ToLower(strings.Trim(strings.TrimSpace(charset), `"`))
	switch cs {
	case "", "utf-8", "utf8", "us-ascii", "ascii", "unknown-8bit", "x-unknown":
		if utf8.Valid(b) {
			return string(b), nil
		}
		return strings.ToValidUTF8(string(b), "\uFFFD"), nil
	}
	enc, err := htmlindex.Get(cs)
	if err != nil {
		return "", unreadable(fmt.Sprintf("unknown charset %q", charset), err)
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return "", unreadable(fmt.Sprintf("text not in its charset %q", charset), err)
	}
	return strings.ToValidUTF8(string(out), "\uFFFD"), nil
}

// charsetReader converts from charset for mime.WordDecoder.
func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(strings.ToLower(charset))
	if err != nil {
		return nil, err
	}
	return enc.NewDecoder().Reader(input), nil
}

// htmlText returns the text an HTML document shows: text nodes outside
// script and style, with line breaks for block elements.
func htmlText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b bytes.Buffer
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if skip == 0 {
				b.Write(bytes.Join(bytes.Fields(z.Text()), []byte(" ")))
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			skip += htmlTag(z, &b)
			if skip < 0 {
				skip = 0
			}
		}
	}
}

// htmlTag writes the line break a tag stands for and returns +1 when it
// opens script or style, -1 when it closes one.
func htmlTag(z *html.Tokenizer, b *bytes.Buffer) int {
	tt := z.Token()
	switch tt.Data {
	case "script", "style":
		if tt.Type == html.StartTagToken {
			return 1
		}
		if tt.Type == html.EndTagToken {
			return -1
		}
	case "br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "table", "pre", "blockquote":
		b.WriteByte('\n')
		if tt.Data == "p" || tt.Data == "div" || tt.Data == "table" {
			b.WriteByte('\n')
		}
	case "td", "th":
		b.WriteByte(' ')
	}
	return 0
}
