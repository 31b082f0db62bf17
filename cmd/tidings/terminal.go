package main

import (
	"fmt"
	"io"
	"os"
	"unicode/utf8"
)

// terminalWriter writes what tidings prints with the characters that
// could take over the terminal made visible: an ESC, a CR or a C1 control
// in a key or a detail would otherwise move the cursor, recolour the
// terminal or overwrite a line of the report; a byte that is not UTF-8
// (0x9b alone is a C1 CSI to an 8-bit terminal) would reach it as it is;
// and a bidirectional control (U+202E, right-to-left override) would show
// the rest of the line backwards. Newlines and tabs pass. Every command's
// stdout and stderr go through one (execute makes them), and so does
// send's --debug transcript, which goes to stderr; the progress bar, which
// draws with CR and escape sequences of its own, writes to the file
// beneath (rawFile), and so does show's message, byte for byte
// (rawWriter).
type terminalWriter struct{ w io.Writer }

// newTerminalWriter wraps w, unless it is a terminalWriter already.
func newTerminalWriter(w io.Writer) io.Writer {
	if _, ok := w.(*terminalWriter); ok || w == nil {
		return w
	}
	return &terminalWriter{w}
}

// Write writes p with its unsafe characters escaped (see unsafeAt): a
// control or a byte that is not UTF-8 as "\x1b", "\x9b", a C1 control or
// a bidirectional control as "\u009b", "\u202e". Each call is judged
// alone: a character split between two calls is escaped byte by byte
// (tidings writes whole lines). It reports len(p) written when all of it
// went.
func (t *terminalWriter) Write(p []byte) (int, error) {
	i := 0
	for i < len(p) {
		n, r := unsafeAt(p, i)
		if r != 0 {
			break
		}
		i += n
	}
	if i == len(p) {
		return t.w.Write(p)
	}
	out := append(make([]byte, 0, len(p)+16), p[:i]...)
	for i < len(p) {
		n, r := unsafeAt(p, i)
		switch {
		case r == 0:
			out = append(out, p[i:i+n]...)
		case r < 0:
			out = fmt.Appendf(out, `\x%02x`, p[i])
		default:
			out = fmt.Appendf(out, `\u%04x`, r)
		}
		i += n
	}
	if _, err := t.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// unsafeAt returns the length n of the character at p[i] and, when Write
// escapes it, r: -1 for a byte written as \xNN (a C0 control but newline
// and tab, DEL, or a byte that does not start a whole UTF-8 character,
// which n is 1 for), else the code point written as \uNNNN (a C1 control
// or a bidirectional control, see isBidiControl). r is 0 for a character
// that passes.
func unsafeAt(p []byte, i int) (n int, r rune) {
	b := p[i]
	if b < utf8.RuneSelf {
		if b < 0x20 && b != '\n' && b != '\t' || b == 0x7f {
			return 1, -1
		}
		return 1, 0
	}
	c, n := utf8.DecodeRune(p[i:])
	switch {
	case c == utf8.RuneError && n == 1:
		return 1, -1
	case c >= 0x80 && c <= 0x9f || isBidiControl(c):
		return n, c
	}
	return n, 0
}

// isBidiControl says whether r is one of Unicode's bidirectional formatting
// characters (UAX #9): the embeddings and overrides U+202A–U+202E, the
// isolates U+2066–U+2069, and the marks U+200E, U+200F and U+061C. They
// reorder what follows them on the line, so a reply or a value could make
// "not sent" read as something else.
func isBidiControl(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f || r == 0x061c
}

// rawWriter is what w writes to beneath a terminalWriter: for what must
// go out byte for byte (show's message).
func rawWriter(w io.Writer) io.Writer {
	if t, ok := w.(*terminalWriter); ok {
		return t.w
	}
	return w
}

// rawFile is the file w writes to, through a terminalWriter or not; false
// when it is no file.
func rawFile(w io.Writer) (*os.File, bool) {
	f, ok := rawWriter(w).(*os.File)
	return f, ok
}
