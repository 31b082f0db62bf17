package feedback

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func readCorpus(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantUnreadable asserts that err is an *UnreadableError whose Reason
// holds reason.
func wantUnreadable(t *testing.T, rep *Report, err error, reason string) {
	t.Helper()
	var ue *UnreadableError
	if !errors.As(err, &ue) {
		t.Fatalf("got report %+v, error %v; want an UnreadableError", rep, err)
	}
	if rep != nil {
		t.Errorf("a report came with the error: %+v", rep)
	}
	if !strings.Contains(ue.Reason, reason) {
		t.Errorf("reason %q, want it to say %q", ue.Reason, reason)
	}
	if !strings.HasPrefix(err.Error(), "feedback: ") {
		t.Errorf("error %q does not start with the package name", err)
	}
}

func TestTruncatedMultipart(t *testing.T) {
	full := readCorpus(t, "dsn-postfix-hard.eml")
	closing := bytes.LastIndex(full, []byte("\r\n--4QzK1l6Hb2z9sRs.1772532930/mx.example.org--"))
	status := bytes.Index(full, []byte("Action: failed"))
	for name, cut := range map[string]int{
		"before the closing boundary":   closing,
		"inside the delivery status":    status,
		"inside a boundary line":        closing + 10,
		"right after the header fields": bytes.Index(full, []byte("\r\n\r\n")) + 4,
	} {
		t.Run(name, func(t *testing.T) {
			rep, err := Parse(bytes.NewReader(full[:cut]), Options{})
			wantUnreadable(t, rep, err, "multipart")
		})
	}
}

func TestUnknownCharset(t *testing.T) {
	bounce := "From: MAILER-DAEMON@mx.example.org\r\nSubject: Undelivered Mail Returned to Sender\r\n" +
		"Content-Type: text/plain; charset=x-klingon\r\n\r\n" +
		"This is the mail system at host mx.example.org.\r\n\r\n<a@example.org>: 550 5.1.1 unknown\r\n"
	rep, err := Parse(strings.NewReader(bounce), Options{})
	wantUnreadable(t, rep, err, `unknown charset "x-klingon"`)

	// A report part in an unknown charset is needed too.
	dsn := strings.Replace(string(readCorpus(t, "dsn-mailbox-full.eml")),
		"Content-Type: message/delivery-status", "Content-Type: message/delivery-status; charset=x-klingon", 1)
	rep, err = Parse(strings.NewReader(dsn), Options{})
	wantUnreadable(t, rep, err, "unknown charset")

	// A person's message in an unknown charset is never read: no error.
	reply := "From: ann@example.org\r\nTo: news@acme.example\r\nSubject: =?x-klingon?q?Qapla=27?=\r\n" +
		"Content-Type: text/plain; charset=x-klingon\r\n\r\nnuqneH\r\n"
	rep, err = Parse(strings.NewReader(reply), Options{})
	if err != nil || rep.Kind != KindOther {
		t.Fatalf("reply in an unknown charset: %+v, %v", rep, err)
	}
	if rep.Subject != "=?x-klingon?q?Qapla=27?=" {
		t.Errorf("subject %q: an encoded-word in an unknown charset stays as written", rep.Subject)
	}
}

// bigMessage streams a message of n bytes without holding it: a header
// section and a text body of repeated lines.
type bigMessage struct {
	head []byte
	n    int64 // bytes still to give
	read int64 // bytes given
}

func newBigMessage(n int64) *bigMessage {
	h := "From: MAILER-DAEMON@mx.example.org\r\nSubject: Undelivered Mail Returned to Sender\r\n" +
		"Content-Type: text/plain\r\n\r\nThis is the mail system at host mx.example.org.\r\n"
	return &bigMessage{head: []byte(h), n: n}
}

func (b *bigMessage) Read(p []byte) (int, error) {
	if b.n <= 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), b.n)]
	for i := range p {
		if len(b.head) > 0 {
			p[i], b.head = b.head[0], b.head[1:]
			continue
		}
		p[i] = "<z@example.org>: 550 5.1.1 unknown user, and so on\r\n"[b.read%52]
		b.read++
	}
	b.n -= int64(len(p))
	return len(p), nil
}

func TestTooLarge(t *testing.T) {
	const limit = 10 << 20
	src := newBigMessage(50 << 20)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rep, err := Parse(src, Options{MaxSize: limit})
	runtime.ReadMemStats(&after)
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Limit != limit || rep != nil {
		t.Fatalf("got %+v, %v; want a TooLargeError with limit %d", rep, err, limit)
	}
	if consumed := int64(50<<20) - src.n; consumed > limit+1 {
		t.Errorf("read %d bytes of the source, more than the limit %d plus one", consumed, limit)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 && !raceEnabled {
		t.Errorf("allocated %d MiB for a message cut at %d MiB", alloc>>20, limit>>20)
	}
	t.Logf("allocated %.1f MiB while refusing a 50 MiB message at 10 MiB", float64(after.TotalAlloc-before.TotalAlloc)/(1<<20))

	// Exactly at the limit is accepted.
	small := newBigMessage(1 << 20)
	if _, err := Parse(small, Options{MaxSize: 1 << 20}); errors.As(err, &tl) {
		t.Errorf("a message of exactly MaxSize was refused: %v", err)
	}
}

func TestBinaryGarbage(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 50 {
		b := make([]byte, 1+r.IntN(64<<10))
		for j := range b {
			b[j] = byte(r.Uint32())
		}
		rep, err := Parse(bytes.NewReader(b), Options{})
		var ue *UnreadableError
		if err == nil && rep == nil || err != nil && !errors.As(err, &ue) {
			t.Fatalf("garbage %d: %+v, %v", i, rep, err)
		}
	}
	rep, err := Parse(bytes.NewReader(nil), Options{})
	wantUnreadable(t, rep, err, "header")
}

func TestMalformedStructure(t *testing.T) {
	nested := "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=b" + itoa(0) + "\r\n\r\n"
	for i := 1; i < 40; i++ {
		nested += "--b" + itoa(i-1) + "\r\nContent-Type: multipart/mixed; boundary=b" + itoa(i) + "\r\n\r\n"
	}
	many := "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n" +
		strings.Repeat("--x\r\n\r\npart\r\n", 1200) + "--x--\r\n"
	for name, tc := range map[string]struct{ msg, reason string }{
		"no boundary": {"From: a@example.org\r\nContent-Type: multipart/mixed\r\n\r\nbody\r\n", "without a boundary"},
		"no part":     {"From: a@example.org\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\nno parts here\r\n", "multipart"},
		"too deep":    {nested, "nested"},
		"too many":    {many, "parts"},
		"bad header":  {"Subject without a colon\r\n\r\nbody", "malformed header"},
		"no fields":   {"\r\nbody only\r\n", "no header fields"},
		"huge header": {"From: a@example.org\r\nX-Pad: " + strings.Repeat("x", 2<<20) + "\r\n\r\nbody\r\n", "header section longer than"},
		"dsn without recipient": {"From: MAILER-DAEMON@mx.example.org\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n" +
			"--x\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\n--x--\r\n", "names no recipient"},
		"arf without recipient": {"From: fbl@isp.example\r\nContent-Type: multipart/report; report-type=feedback-report; boundary=x\r\n\r\n" +
			"--x\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\nVersion: 1\r\n\r\n--x--\r\n", "no recipient and no original"},
		"bounce without recipient": {"From: MAILER-DAEMON@mx.example.net\r\nSubject: failure notice\r\n\r\n" +
			"Hi. This is the qmail-send program at mx.example.net.\r\nSomething failed.\r\n", "(qmail) names no recipient"},
	} {
		t.Run(name, func(t *testing.T) {
			rep, err := Parse(strings.NewReader(tc.msg), Options{})
			wantUnreadable(t, rep, err, tc.reason)
		})
	}
}

func itoa(i int) string { return string(rune('a'+i/26)) + string(rune('a'+i%26)) }

type failingReader struct{ r io.Reader }

var errBroken = errors.New("connection reset")

func (f failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, errBroken
	}
	return n, err
}

// TestReadError: a failing source is the caller's problem, not an
// unreadable message.
func TestReadError(t *testing.T) {
	rep, err := Parse(failingReader{bytes.NewReader(readCorpus(t, "qmail.eml"))}, Options{})
	var ue *UnreadableError
	if !errors.Is(err, errBroken) || errors.As(err, &ue) || rep != nil {
		t.Fatalf("got %+v, %v; want the read error", rep, err)
	}
}

// TestMboxLineAndLF: a leading mbox "From " line is skipped, and bare LF
// line ends are accepted.
func TestMboxLineAndLF(t *testing.T) {
	msg := "From MAILER-DAEMON Tue Mar  3 10:15:30 2026\n" +
		strings.ReplaceAll(string(readCorpus(t, "dsn-postfix-hard.eml")), "\r\n", "\n")
	rep, err := Parse(strings.NewReader(msg), Options{})
	if err != nil || rep.Kind != KindBounce || rep.Original.MessageID != "spring-sale.7c1e9a2b@acme.example" {
		t.Fatalf("got %+v, %v", rep, err)
	}
}

// TestHeaderOnly: a message of header fields and no body is read.
func TestHeaderOnly(t *testing.T) {
	rep, err := Parse(strings.NewReader("From: Ann <ann@EXAMPLE.org>\r\nSubject: hi"), Options{})
	if err != nil || rep.Kind != KindOther || rep.From != "ann@example.org" || rep.Subject != "hi" {
		t.Fatalf("got %+v, %v", rep, err)
	}
}

// TestBrokenHeaderLine: a line in the header section that is no field
// (a newsletter's "X-Mailer PHPMailer 5", a stray continuation line) is
// passed over as mail readers do: the message is still read, as other
// mail or as the bounce it is, its Subject known.
func TestBrokenHeaderLine(t *testing.T) {
	long := strings.Repeat("x", 100)
	for name, shop := range map[string]string{
		"no colon":                  "From: Shop <shop@example.com>\r\nX-Mailer PHPMailer 5\r\nSubject: Winter sale\r\n\r\nBuy now\r\n",
		"no colon, LF":              "From: Shop <shop@example.com>\nX-Mailer PHPMailer 5\nSubject: Winter sale\n\nBuy now\n",
		"no colon, a long fold":     "From: Shop <shop@example.com>\r\nX-Mailer PHPMailer 5\r\n\t" + long + "\r\nSubject: Winter sale\r\n\r\nBuy now\r\n",
		"a long first continuation": "\t" + long + "\r\nFrom: Shop <shop@example.com>\r\nSubject: Winter sale\r\n\r\nBuy now\r\n",
	} {
		rep, err := Parse(strings.NewReader(shop), Options{})
		if err != nil || rep.Kind != KindOther || rep.Subject != "Winter sale" {
			t.Errorf("newsletter with a broken line (%s): %+v, %v; want other mail, its Subject read", name, rep, err)
		}
	}
	bounce := "\tstray continuation\r\nFrom: MAILER-DAEMON@mx.example.net\r\nX-Broken line without colon\r\nSubject: Undelivered Mail Returned to Sender\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\nFinal-Recipient: rfc822; bob@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--b--\r\n"
	rep, err := Parse(strings.NewReader(bounce), Options{})
	if err != nil || rep.Kind != KindBounce || len(rep.Recipients) != 1 || rep.Recipients[0].Address != "bob@example.org" {
		t.Errorf("bounce with a broken line: %+v, %v; want bob's bounce", rep, err)
	}
}
