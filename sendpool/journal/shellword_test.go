package journal

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// thirdHexDigit is a \xHH escape with a hex digit after it, which
// POSIX.1-2024's $'…' leaves unspecified (bash and zsh read two digits).
var thirdHexDigit = regexp.MustCompile(`\\x[0-9a-fA-F]{3}`)

// TestShellWordHidden: a key or path holding a character a terminal does
// not show as it is (a right-to-left override that turns the pasted
// command around, a zero-width space, a no-break space, a control, a byte
// that is no UTF-8) is written so that none of it reaches the terminal
// raw, and bash reads every word back as the bytes it stands for.
func TestShellWordHidden(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal("bash is needed to read the words back:", err)
	}
	for in, want := range map[string]string{
		"abc\u202Efdp.exe":  `$'abc\xe2\x80\xae'$'fdp.exe'`,
		"ann\u200B@x.org":   `$'ann\xe2\x80\x8b@x.org'`,
		"INV\u00A07":        `$'INV\xc2\xa0'$'7'`,
		"a\u200Bbc\u200BZ":  `$'a\xe2\x80\x8b'$'bc\xe2\x80\x8bZ'`,
		"O'Brien\u2066 x":   `$'O\'Brien\xe2\x81\xa6 x'`,
		"a\\b\tc":           `$'a\\b\x09'$'c'`,
		"bad\xffbyte":       `$'bad\xff'$'byte'`,
		"Gérard Lefèvre":    "'Gérard Lefèvre'",
		"محمد‌رضا":          `$'محمد\xe2\x80\x8cرضا'`,
		"plain key with ok": "'plain key with ok'",
	} {
		got := ShellWord(in)
		if got != want {
			t.Errorf("ShellWord(%q) = %s, want %s", in, got, want)
		}
		if m := thirdHexDigit.FindString(got); m != "" {
			t.Errorf("ShellWord(%q) = %s holds %s, a \\x POSIX leaves unspecified", in, got, m)
		}
		if strings.ContainsAny(got, "\u202E\u200B\u00A0\u2066\t") {
			t.Errorf("ShellWord(%q) = %q holds a hidden character as it is", in, got)
		}
		out, err := exec.Command(bash, "-c", "printf %s "+got).Output()
		if err != nil {
			t.Fatalf("bash reading %s: %v", got, err)
		}
		if string(out) != in {
			t.Errorf("bash read %s as %q, want %q", got, out, in)
		}
	}
}

// TestPathWordDash: a campaign file named with a dash first, in the
// current folder, is written ./-news.yaml in the commands tidings prints
// (tidings show FILE -- KEY in the dedupe advice), not taken for flags;
// other paths are ShellWord's.
func TestPathWordDash(t *testing.T) {
	for in, want := range map[string]string{
		"-news.yaml":   "./-news.yaml",
		"-my news.yml": "'./-my news.yml'",
		"/srv/-x.yaml": "/srv/-x.yaml",
		"my news.yaml": "'my news.yaml'",
		"c.yaml":       "c.yaml",
	} {
		if got := PathWord(in); got != want {
			t.Errorf("PathWord(%q) = %s, want %s", in, got, want)
		}
	}
}
