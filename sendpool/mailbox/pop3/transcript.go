package pop3

import (
	"fmt"
	"io"

	"github.com/tidings/tidings/sendpool/redact"
)

// redacted stands for a secret in the transcript.
const redacted = redact.Mark

// transcript writes the Debug lines of one session. A nil writer discards;
// a failing writer is ignored (debugging must not fail the session).
type transcript struct {
	w io.Writer
}

func (t transcript) client(line string) { t.printf("C: %s\n", line) }
func (t transcript) server(line string) { t.printf("S: %s\n", line) }
func (t transcript) note(line string)   { t.printf("-- %s\n", line) }

func (t transcript) printf(format string, args ...any) {
	if t.w != nil {
		fmt.Fprintf(t.w, format, args...)
	}
}
