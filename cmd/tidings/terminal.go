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
	if !hasControl(p) {
		return t.w.Write(p)
	}
	out := make([]byte, 0, len(p)+16)
	for i := 0; i < len(p); i++ {
		switch b := p[i]; {
		case b == '\n' || b == '\t':
			out = append(out, b)
		case b < 0x20 || b == 0x7f:
			out = fmt.Appendf(out, `\x%02x`, b)
		case b == 0xc2 && i+1 < len(p) && p[i+1] >= 0x80 && p[i+1] <= 0x9f: // U+0080–U+009F
			out = fmt.Appendf(out, `\u%04x`, p[i+1])
			i++
		default:
			out = append(out, b)
		}
	}
	if _, err := t.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// hasControl says whether p holds a byte Write escapes.
func hasControl(p []byte) bool {
	for i, b := range p {
		if b < 0x20 && b != '\n' && b != '\t' || b == 0x7f || b == 0xc2 && i+1 < len(p) && p[i+1] >= 0x80 && p[i+1] <= 0x9f {
			return true
		}
	}
	return false
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
