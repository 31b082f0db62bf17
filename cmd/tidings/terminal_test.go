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
		// A byte that is not UTF-8 (0x9b alone is an 8-bit CSI), a cut
		// character and a stray continuation byte.
		{"a\x9b2Jb", `a\x9b2Jb`},
		{"\xe5\x90 \x80\xff", `\xe5\x90 \x80\xff`},
		// Bidirectional controls; U+FFFD itself is text.
		{"ok\u202egnp.exe", `ok\u202egnp.exe`},
		{"\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c", `\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c`},
		{"\ufffd \u2010 \u202f", "\ufffd \u2010 \u202f"},
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

// TestRepliesEscapedOnTheTerminal: an SMTP reply holding a byte that is not
// UTF-8 (0x9b, an 8-bit terminal's CSI) and a right-to-left override
// reaches send's "not sent" list and the --debug transcript escaped.
func TestRepliesEscapedOnTheTerminal(t *testing.T) {
	const text = "no such user \x9b2J \u202eevil"
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if strings.HasPrefix(to, "user001") {
			return smtptest.Reply(550, "5.1.1", text)
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 2, "")
	out, errOut, _ := runCLI(t, "send", "--yes", "--debug", camp)
	all := out + errOut
	if strings.Contains(all, "\x9b") || strings.Contains(all, "\u202e") {
		t.Errorf("send printed a raw 0x9b or U+202E:\n%q", all)
	}
	if !strings.Contains(out, `no such user \x9b2J \u202eevil`) {
		t.Errorf("the not-sent list lacks the escaped reply:\n%s", out)
	}
	if !strings.Contains(errOut, `S: 550 5.1.1 no such user \x9b2J \u202eevil`) {
		t.Errorf("the --debug transcript lacks the escaped reply:\n%s", errOut)
	}
}
