package pop3

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestParseStatus(t *testing.T) {
	for _, tc := range []struct {
		line   string
		ok     bool
		text   string
		broken bool
	}{
		{line: "+OK", ok: true},
		{line: "+OK Dovecot ready.", ok: true, text: "Dovecot ready."},
		{line: "+OK Logged in.", ok: true, text: "Logged in."},
		{line: "+ok lower case", ok: true, text: "lower case"},
		{line: "-ERR", ok: false},
		{line: "-ERR [AUTH] Authentication failed.", ok: false, text: "[AUTH] Authentication failed."},
		{line: "", broken: true},
		{line: "OK", broken: true},
		{line: "+OKAY", broken: true},
		{line: "-ERROR no", broken: true},
		{line: "+ ", broken: true},
		{line: "* OK IMAP", broken: true},
		{line: "220 smtp.example ESMTP", broken: true},
	} {
		ok, text, err := parseStatus(tc.line)
		if tc.broken {
			if !errors.Is(err, errProtocol) {
				t.Errorf("%q: err %v, want a protocol error", tc.line, err)
			}
			continue
		}
		if err != nil || ok != tc.ok || text != tc.text {
			t.Errorf("%q: %v %q %v, want %v %q", tc.line, ok, text, err, tc.ok, tc.text)
		}
	}
}

func TestErrorCode(t *testing.T) {
	for text, code := range map[string]string{
		"[AUTH] Authentication failed.": "AUTH",
		"[in-use] mailbox locked":       "IN-USE",
		"[SYS/TEMP] try later":          "SYS/TEMP",
		"no such message":               "",
		"[not a code":                   "",
		"[two words] x":                 "",
		"":                              "",
	} {
		if e := newError("PASS", text); e.Code != code || e.Text != text || e.Command != "PASS" {
			t.Errorf("%q: %+v, want code %q", text, e, code)
		}
	}
}

func TestReadLines(t *testing.T) {
	for _, tc := range []struct {
		in    string
		lines []string
		err   error
	}{
		{in: ".\r\n", lines: nil},
		{in: "TOP\r\nUSER\r\nSASL PLAIN LOGIN\r\n.\r\n", lines: []string{"TOP", "USER", "SASL PLAIN LOGIN"}},
		{in: "1 000000017f26a9b1\n2 abc\n.\n", lines: []string{"1 000000017f26a9b1", "2 abc"}},
		{in: "..stuffed\r\n...\r\n.\r\n", lines: []string{".stuffed", ".."}},
		{in: "1 120\r\n", err: io.ErrUnexpectedEOF},
		{in: "1 120\r\n.", err: io.ErrUnexpectedEOF},
		{in: strings.Repeat("x", maxLine+1) + "\r\n.\r\n", err: errProtocol},
	} {
		lines, err := readLines(bufio.NewReaderSize(strings.NewReader(tc.in), 16))
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("%.30q: err %v, want %v", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || strings.Join(lines, "|") != strings.Join(tc.lines, "|") || len(lines) != len(tc.lines) {
			t.Errorf("%.30q: %q %v, want %q", tc.in, lines, err, tc.lines)
		}
	}
}

func TestReadBody(t *testing.T) {
	long := strings.Repeat("0123456789", 10)
	for _, tc := range []struct {
		name, in, want string
	}{
		{"empty", ".\r\n", ""},
		{"plain", "Subject: x\r\n\r\nhello\r\n.\r\n", "Subject: x\r\n\r\nhello\r\n"},
		{"stuffed", "a\r\n..\r\n..b\r\n...\r\n.\r\n", "a\r\n.\r\n.b\r\n..\r\n"},
		// A dot not doubled by a careless server is still removed, as by
		// net/textproto: RFC 1939 says such a line was stuffed.
		{"unstuffed dot", ".x\r\n.\r\n", "x\r\n"},
		{"bare LF", "a\nb\n.\n", "a\r\nb\r\n"},
		{"CR inside a line", "a\rb\r\n\r\r\n.\r\n", "a\rb\r\n\r\r\n"},
		{"long line", long + "\r\n." + long + "\r\n.\r\n", long + "\r\n" + long + "\r\n"},
		{"CR at a piece boundary", strings.Repeat("y", 15) + "\r\nz\r\n.\r\n", strings.Repeat("y", 15) + "\r\nz\r\n"},
		{"lone CR at a piece boundary", strings.Repeat("y", 15) + "\rz\r\n.\r\n", strings.Repeat("y", 15) + "\rz\r\n"},
		{"CR CR LF at a piece boundary", strings.Repeat("y", 15) + "\r\r\n.\r\n", strings.Repeat("y", 15) + "\r\r\n"},
		{"UTF-8", "Grüße ✓\r\n.\r\n", "Grüße ✓\r\n"},
	} {
		for _, size := range []int{16, readerSize} {
			r := bufio.NewReaderSize(strings.NewReader(tc.in+"+OK next\r\n"), size)
			got, total, err := readBody(r, 1<<20)
			if err != nil || string(got) != tc.want || total != int64(len(tc.want)) {
				t.Errorf("%s (buffer %d): %q (%d) %v, want %q", tc.name, size, got, total, err, tc.want)
			}
			if next, _ := readLine(r); next != "+OK next" {
				t.Errorf("%s (buffer %d): next line %q: the terminator was not where the body ended", tc.name, size, next)
			}
		}
	}
}

func TestReadBodyCap(t *testing.T) {
	msg := "0123456789\r\n0123456789\r\n" // 24 bytes
	for _, max := range []int64{1, 12, 23} {
		r := bufio.NewReaderSize(strings.NewReader(msg+".\r\n+OK next\r\n"), 16)
		got, total, err := readBody(r, max)
		if !errors.Is(err, ErrTooLarge) || got != nil || total != 24 {
			t.Errorf("max %d: %q %d %v, want ErrTooLarge after counting 24 bytes", max, got, total, err)
		}
		if next, _ := readLine(r); next != "+OK next" {
			t.Errorf("max %d: next line %q: the rest was not read to its end", max, next)
		}
	}
	got, _, err := readBody(bufio.NewReader(strings.NewReader(msg+".\r\n")), 24)
	if err != nil || string(got) != msg {
		t.Errorf("max = size: %q %v", got, err)
	}
	if _, _, err := readBody(bufio.NewReader(strings.NewReader(msg)), 100); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("no terminator: %v, want io.ErrUnexpectedEOF", err)
	}
}

// stuff is what a server sends for msg: each line ending in CR LF, a dot
// doubled at the start of a line, then the terminating line.
func stuff(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		if strings.HasPrefix(l, ".") {
			b.WriteString(".")
		}
		b.WriteString(l + "\r\n")
	}
	return b.String() + ".\r\n"
}

// canonLines splits data into lines the way readBody ends them: at each
// LF, one CR before it being part of the line end.
func canonLines(data string) []string {
	if data == "" {
		return nil
	}
	lines := strings.Split(strings.TrimSuffix(data, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

// FuzzReadBody checks that any message survives stuffing and unstuffing
// with its lines intact, whatever the read buffer's size, that the cap
// holds, and that arbitrary bytes never make readBody misbehave.
func FuzzReadBody(f *testing.F) {
	for _, s := range []string{"", "a\r\n", ".\r\n..\r\n", "x\ry\r\r\n", "\n\n.\n", "Grüße\r\n.", strings.Repeat("z\r", 20)} {
		f.Add(s, 16, int64(10))
	}
	f.Fuzz(func(t *testing.T, data string, size int, max int64) {
		size = 16 + abs(size%100)
		max = 1 + abs64(max%200)
		lines := canonLines(data)
		want := ""
		if len(lines) > 0 {
			want = strings.Join(lines, "\r\n") + "\r\n"
		}
		got, total, err := readBody(bufio.NewReaderSize(strings.NewReader(stuff(lines)), size), 1<<20)
		if err != nil || string(got) != want || total != int64(len(want)) {
			t.Fatalf("round trip of %q: %q %d %v, want %q", data, got, total, err, want)
		}
		got, _, err = readBody(bufio.NewReaderSize(strings.NewReader(data), size), max)
		if int64(len(got)) > max || (err == nil && bytes.Contains(got, []byte("\n")) && !bytes.HasSuffix(got, crlf)) {
			t.Fatalf("raw %q: %q %v", data, got, err)
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
