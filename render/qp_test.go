package render

import (
	"bytes"
	"math/rand/v2"
	"mime/quotedprintable"
	"strings"
	"testing"
)

// stdQP is what appendQP must produce: mime/quotedprintable's Writer.
func stdQP(t testing.TB, body []byte) []byte {
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	if _, err := w.Write(body); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
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
		"\r=\n", // the standard Writer's quirk: an encoded byte keeps the CR pending
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
	}
}

func FuzzQuotedPrintable(f *testing.F) {
	f.Add([]byte("Grüße \r\n= \t"))
	f.Add([]byte(strings.Repeat("x", 74) + "é \n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		if got, want := appendQP(nil, body), stdQP(t, body); !bytes.Equal(got, want) {
			t.Fatalf("appendQP(%q)\n got %q\nwant %q", body, got, want)
		}
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
