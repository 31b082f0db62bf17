package render

import (
	"bytes"
	"encoding/base64"
	"math/rand/v2"
	"strings"
	"testing"
)

// checkBase64Text holds appendBase64Text to its contract: base64 of body
// with its line breaks made CRLF, in lines of 76 characters but the last,
// no final CRLF, base64TextLen(body) bytes long, appended after what dst
// held.
func checkBase64Text(t testing.TB, body []byte) {
	t.Helper()
	out := appendBase64Text([]byte("prefix:"), body)
	if !bytes.HasPrefix(out, []byte("prefix:")) {
		t.Fatalf("appendBase64Text(%q) lost the prefix: %q", body, out)
	}
	enc := out[len("prefix:"):]
	if len(enc) != base64TextLen(body) {
		t.Fatalf("appendBase64Text(%q) wrote %d bytes, base64TextLen says %d", body, len(enc), base64TextLen(body))
	}
	lines := bytes.Split(enc, []byte("\r\n"))
	for i, l := range lines {
		if len(l) > 76 || i < len(lines)-1 && len(l) != 76 {
			t.Fatalf("appendBase64Text(%q): line %d of %d characters", body, i+1, len(l))
		}
	}
	dec, err := base64.StdEncoding.DecodeString(string(bytes.Join(lines, nil)))
	if err != nil {
		t.Fatalf("appendBase64Text(%q): %v", body, err)
	}
	if want := crlfBreaks(body); !bytes.Equal(dec, want) {
		t.Fatalf("appendBase64Text(%q) decodes to %q, want %q", body, dec, want)
	}
}

func TestAppendBase64Text(t *testing.T) {
	for _, c := range []string{
		"", "a", "\n", "\r", "\r\n", "\r\r\n\n", "lone\rcr\rand\n\rmixed\r\r\n",
		"张三，您好！\n\n欢迎阅读本期月刊。\n",
		strings.Repeat("x", 56) + "\n", // the CRLF across two lines
		strings.Repeat("x", 57), strings.Repeat("x", 58), strings.Repeat("发票", 200),
	} {
		checkBase64Text(t, []byte(c))
	}
	alphabet := []byte("ab= \t\r\n\x00\xe4\xbd\xa0")
	rng := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		body := make([]byte, rng.IntN(300))
		for i := range body {
			body[i] = alphabet[rng.IntN(len(alphabet))]
		}
		checkBase64Text(t, body)
	}
}

// TestAppendBase64TextAllocs: with room made for base64TextLen bytes, as
// textPart makes it, encoding allocates nothing.
func TestAppendBase64TextAllocs(t *testing.T) {
	body := []byte(strings.Repeat("您本学期的期末成绩为 92 分。\n", 40))
	dst := make([]byte, 0, base64TextLen(body))
	if n := testing.AllocsPerRun(100, func() { dst = appendBase64Text(dst[:0], body) }); n != 0 {
		t.Errorf("%v allocations a run, want 0", n)
	}
}
