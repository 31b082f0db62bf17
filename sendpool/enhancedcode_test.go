package sendpool_test

import (
	"testing"

	"github.com/tidings/tidings/sendpool"
)

// TestEnhancedCodeString: a code formats as RFC 3463 writes it and parses
// back; the zero value is "".
func TestEnhancedCodeString(t *testing.T) {
	for _, tc := range []struct {
		c    sendpool.EnhancedCode
		want string
	}{
		{sendpool.EnhancedCode{}, ""},
		{sendpool.EnhancedCode{2, 0, 0}, "2.0.0"},
		{sendpool.EnhancedCode{5, 7, 133}, "5.7.133"},
		{sendpool.EnhancedCode{4, 999, 999}, "4.999.999"},
	} {
		got := tc.c.String()
		if got != tc.want {
			t.Errorf("%v.String() = %q, want %q", [3]int(tc.c), got, tc.want)
		}
		if back, err := sendpool.ParseEnhancedCode(got); err != nil || back != tc.c {
			t.Errorf("ParseEnhancedCode(%q) = %v, %v", got, back, err)
		}
	}
}
