package render

import (
	"bytes"
	"io"
	"math"
	"math/rand/v2"
	"mime/quotedprintable"
	"strings"
	"testing"
)

// stdQP is what appendQP must produce: mime/quotedprintable's Writer over
// body with every line break (CRLF, lone CR, lone LF) made CRLF, which
// keeps the Writer from pairing a lone CR with a later LF.
func stdQP(t testing.TB, body []byte) []byte {
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	if _, err := w.Write(crlfBreaks(body)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// crlfBreaks returns b with every line break written as CRLF.
func crlfBreaks(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n':
			out = append(out, '\r', '\n')
			i++
		case b[i] == '\r' || b[i] == '\n':
			out = append(out, '\r', '\n')
		default:
			out = append(out, b[i])
		}
	}
	return out
}

// TestAppendQPKeepsLineBreaks: decoding gives back the body, line breaks
// made CRLF, also where a lone CR precedes an encoded byte (the standard
// Writer drops a line break there).
func TestAppendQPKeepsLineBreaks(t *testing.T) {
	for _, c := range []string{"line1\r=\nline3", "Total:\ré\nend", "\r=\n", "a\r\x00\n\rb"} {
		got, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(appendQP(nil, []byte(c)))))
		if err != nil {
			t.Fatal(err)
		}
		if want := crlfBreaks([]byte(c)); !bytes.Equal(got, want) {
			t.Errorf("appendQP(%q) decodes to %q, want %q", c, got, want)
		}
	}
}

func TestAppendQPMatchesStandardWriter(t *testing.T) {
	cases := []string{
		"",
		"plain",
		"a=b",
		"trailing space \nnext",
		"trailing tab\t\r\nnext",
		"ends in space ",
		"lone\rcr\rand\n\rmixed\r\r\n",
		"\r=\n", // a lone CR, then a byte to encode, then LF: two line breaks
		"Grüße aus Köln, 张三 — ünïcödé",
		strings.Repeat("x", 75) + " ",
		strings.Repeat("x", 74) + " \n",
		strings.Repeat("x", 73) + "é" + strings.Repeat("y", 100),
		strings.Repeat("a ", 100) + "\n" + strings.Repeat("=", 80),
		strings.Repeat("<td style=\"padding:24px 32px\">Zürich</td>", 30),
	}
	for _, c := range cases {
		got := appendQP([]byte("prefix:"), []byte(c))
		want := append([]byte("prefix:"), stdQP(t, []byte(c))...)
		if !bytes.Equal(got, want) {
			t.Errorf("appendQP(%q)\n got %q\nwant %q", c, got, want)
		}
		checkQPUpTo(t, []byte(c))
	}
	// Random bodies drawn from the bytes that matter: line breaks,
	// whitespace, '=', ASCII, control and high bytes, at lengths that
	// cross the 76-character limit in every position.
	alphabet := []byte("ab= \t\r\n\x00\x7f\xc3\xa9\xff~!")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		body := make([]byte, rng.IntN(300))
		for i := range body {
			if rng.IntN(3) == 0 {
				body[i] = alphabet[rng.IntN(len(alphabet))]
			} else {
				body[i] = 'a' + byte(rng.IntN(26))
			}
		}
		if got, want := appendQP(nil, body), stdQP(t, body); !bytes.Equal(got, want) {
			t.Fatalf("appendQP(%q)\n got %q\nwant %q", body, got, want)
		}
		checkQPUpTo(t, body)
	}
}

// checkQPUpTo holds appendQPUpTo to its contract at limits around the
// length of body's encoding: the whole encoding and true when it is at
// most limit long, else false having written more than limit bytes and at
// most qpOvershoot more.
func checkQPUpTo(t testing.TB, body []byte) {
	t.Helper()
	full := appendQP(nil, body)
	for _, limit := range []int{0, len(full) / 2, len(full) - 1, len(full), len(full) + 1, math.MaxInt} {
		if limit < 0 {
			continue
		}
		got, ok := appendQPUpTo([]byte("prefix:"), body, limit)
		got = got[len("prefix:"):]
		switch {
		case ok != (len(full) <= limit):
			t.Fatalf("appendQPUpTo(%q, %d) = %v, the encoding is %d long", body, limit, ok, len(full))
		case ok && !bytes.Equal(got, full):
			t.Fatalf("appendQPUpTo(%q, %d) wrote %q, want %q", body, limit, got, full)
		case !ok && (len(got) <= limit || len(got) > limit+qpOvershoot):
			t.Fatalf("appendQPUpTo(%q, %d) gave up having written %d bytes", body, limit, len(got))
		}
	}
}

func FuzzQuotedPrintable(f *testing.F) {
	f.Add([]byte("Grüße \r\n= \t"))
	f.Add([]byte(strings.Repeat("x", 74) + "é \n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		if got, want := appendQP(nil, body), stdQP(t, body); !bytes.Equal(got, want) {
			t.Fatalf("appendQP(%q)\n got %q\nwant %q", body, got, want)
		}
		checkQPUpTo(t, body)
		checkBase64Text(t, body)
	})
}

func BenchmarkQuotedPrintable(b *testing.B) {
	body := []byte(strings.Repeat("<p style=\"line-height:1.5\">Hello Zürich, here is what happened this month.</p>\n", 70))
	b.Run("appendQP", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		var dst []byte
		for b.Loop() {
			dst = appendQP(dst[:0], body)
		}
	})
	b.Run("mime/quotedprintable", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			w := quotedprintable.NewWriter(&buf)
			w.Write(body)
			w.Close()
		}
	})
}
