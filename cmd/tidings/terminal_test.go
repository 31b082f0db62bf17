package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

func TestTerminalWriter(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"row 2\tann@example.com\n", "row 2\tann@example.com\n"},
		{"a\x1b[31mRED\r\n", `a\x1b[31mRED\x0d` + "\n"},
		{"x\u009by\x7f", `x\u009by\x7f`},
		{"Zoë 名前 ok", "Zoë 名前 ok"},
	} {
		var b bytes.Buffer
		n, err := newTerminalWriter(&b).Write([]byte(tt.in))
		if err != nil || n != len(tt.in) || b.String() != tt.want {
			t.Errorf("Write(%q) = %d, %v, wrote %q; want %d, %q", tt.in, n, err, b.String(), len(tt.in), tt.want)
		}
	}
}

// TestControlCharactersNeverReachTheTerminal: a key holding an escape
// sequence (a sheet made to recolour or rewrite the terminal) is printed
// escaped by check, send's "not sent" list and report alike.
func TestControlCharactersNeverReachTheTerminal(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 0, "")
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nann@example.com,Ann\n\"a\x1b[31mRED\u009b2J@example.com\",Eve\n"})
	for _, args := range [][]string{{"check", camp}, {"send", "--yes", "--skip-invalid", camp}, {"report", camp}} {
		out, errOut, _ := runCLI(t, args...)
		if strings.ContainsAny(out+errOut, "\x1b\u009b") || !strings.Contains(out+errOut, `\x1b[31mRED`) {
			t.Errorf("%s printed a control character, or not the escaped key:\n%q", args[0], out+errOut)
		}
	}
	if srv.Received("ann@example.com") != 1 {
		t.Error("ann got no message")
	}
}
