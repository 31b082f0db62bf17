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
