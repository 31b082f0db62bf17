package main

import (
	"fmt"
	"io"
	"os"
)

// terminalWriter writes what tidings prints with the control characters
// a sheet's value may carry made visible: an ESC, a CR or a C1 control in
// a key or a detail would otherwise move the cursor, recolour the
// terminal or overwrite a line of the report. Newlines and tabs pass.
// Every command's stdout and stderr go through one (execute makes them);
// the progress bar, which draws with CR and escape sequences of its own,
// writes to the file beneath (rawFile), and so does show's message, byte
// for byte (rawWriter).
type terminalWriter struct{ w io.Writer }

// newTerminalWriter wraps w, unless it is a terminalWriter already.
func newTerminalWriter(w io.Writer) io.Writer {
	if _, ok := w.(*terminalWriter); ok || w == nil {
		return w
	}
	return &terminalWriter{w}
}

// Write writes p with its control characters escaped ("\x1b",
// "\u009b"); it reports len(p) written when all of it went.
func (t *terminalWriter) Write(p []byte) (int, error) {
	i := 0
	for i < len(p) && controlAt(p, i) == 0 {
		i++
	}
	if i == len(p) {
		return t.w.Write(p)
	}
	out := append(make([]byte, 0, len(p)+16), p[:i]...)
	for i < len(p) {
		switch n := controlAt(p, i); n {
		case 0:
			out = append(out, p[i])
			i++
		case 1:
			out = fmt.Appendf(out, `\x%02x`, p[i])
			i++
		default: // a C1 control, U+0080–U+009F: 0xc2 and the code point
			out = fmt.Appendf(out, `\u%04x`, p[i+1])
			i += 2
		}
	}
	if _, err := t.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// controlAt is the length of the control character at p[i] that Write
// escapes: 1 for a C0 control but newline and tab, or DEL; 2 for a C1
// control in UTF-8; 0 for none.
func controlAt(p []byte, i int) int {
	switch b := p[i]; {
	case b < 0x20 && b != '\n' && b != '\t' || b == 0x7f:
		return 1
	case b == 0xc2 && i+1 < len(p) && p[i+1] >= 0x80 && p[i+1] <= 0x9f:
		return 2
	}
	return 0
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
