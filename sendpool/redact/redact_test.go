package redact_test

import (
	"errors"
	"io/fs"
	"testing"

	"github.com/tidings/tidings/sendpool/redact"
)

func TestString(t *testing.T) {
	for _, tc := range []struct {
		s       string
		secrets []string
		want    string
	}{
		{"535 bad login s3cr3t", []string{"s3cr3t"}, "535 bad login [redacted]"},
		{"a s3cr3t b czNjcjN0", []string{"s3cr3t", "czNjcjN0"}, "a [redacted] b [redacted]"},
		{"nothing here", []string{"s3cr3t"}, "nothing here"},
		{"empty secrets are skipped", []string{""}, "empty secrets are skipped"},
		{"no secrets", nil, "no secrets"},
		// A short password is hidden where it stands alone, not inside
		// the server's words and numbers (rev-user15: "x" made the quota
		// stop read "limit e[redacted]ceeded").
		{"550 5.4.5 Daily user sending limit exceeded", []string{"x"}, "550 5.4.5 Daily user sending limit exceeded"},
		{"535 5.7.8 PASS x refused; x", []string{"x"}, "535 5.7.8 PASS [redacted] refused; [redacted]"},
		{"x", []string{"x"}, "[redacted]"},
		{"1234 in 12345, \"1234\", pw=1234.", []string{"1234"}, "[redacted] in 12345, \"[redacted]\", pw=[redacted]."},
		{"aaa", []string{"aa"}, "aaa"},
		{"é1234é ü 1234", []string{"1234"}, "é1234é ü [redacted]"},
		{"eA== or xeA==", []string{"eA=="}, "[redacted] or xeA=="},
		{"hunter22hunter22", []string{"hunter22"}, "[redacted][redacted]"}, // from wholeBelow on: everywhere
	} {
		if got := redact.String(tc.s, tc.secrets); got != tc.want {
			t.Errorf("String(%q, %q) = %q, want %q", tc.s, tc.secrets, got, tc.want)
		}
	}
}

func TestError(t *testing.T) {
	if redact.Error(nil, []string{"x"}) != nil {
		t.Error("Error(nil) is not nil")
	}
	plain := errors.New("no secret")
	if got := redact.Error(plain, []string{"s3cr3t"}); got != plain {
		t.Errorf("an error without the secret came back as %v, not itself", got)
	}
	err := redact.Error(&fs.PathError{Op: "open", Path: "s3cr3t", Err: fs.ErrNotExist}, []string{"s3cr3t"})
	if err.Error() != "open [redacted]: file does not exist" {
		t.Errorf("Error() = %q", err.Error())
	}
	var pe *fs.PathError
	if !errors.Is(err, fs.ErrNotExist) || !errors.As(err, &pe) {
		t.Errorf("the redacted error does not wrap the original: %v", err)
	}
}
