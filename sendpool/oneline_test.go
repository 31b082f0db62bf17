package sendpool_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool"
)

// oneLineBefore is OneLine as it was, the reference its fast path is held to.
func oneLineBefore(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

// parseEnhancedCodeBefore is ParseEnhancedCode as it was (through a slice
// of the parts), the reference for its results and errors.
func parseEnhancedCodeBefore(s string) (sendpool.EnhancedCode, error) {
	var c sendpool.EnhancedCode
	if s == "" {
		return c, nil
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return c, fmt.Errorf("sendpool: enhanced code %q: want class.subject.detail", s)
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 999 {
			return sendpool.EnhancedCode{}, fmt.Errorf("sendpool: enhanced code %q: part %q is not a number", s, p)
		}
		c[i] = n
	}
	if c[0] != 2 && c[0] != 4 && c[0] != 5 {
		return sendpool.EnhancedCode{}, fmt.Errorf("sendpool: enhanced code %q: class must be 2, 4 or 5", s)
	}
	return c, nil
}

var oneLineSeeds = []string{
	"", " ", "Ok", "2.0.0 Ok: queued as 4F2A", " lead", "trail ", "two  spaces", "a\nb", "a\r\nb", "tab\there",
	"nbsp\u00a0here", "next\u0085line", "ideographic\u3000space", "\x7f del", "é accent", "a\vb\fc",
}

// TestOneLine: the fast path for text that is one line already gives what
// the join of the fields did, for the cases it must leave to that.
func TestOneLine(t *testing.T) {
	for _, s := range oneLineSeeds {
		if got, want := sendpool.OneLine(s), oneLineBefore(s); got != want {
			t.Errorf("OneLine(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzOneLine(f *testing.F) {
	for _, s := range oneLineSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := sendpool.OneLine(s), oneLineBefore(s); got != want {
			t.Errorf("OneLine(%q) = %q, want %q", s, got, want)
		}
	})
}

func FuzzParseEnhancedCode(f *testing.F) {
	for _, s := range []string{"", "2.0.0", "5.1.1", "4.7.0", "5.1", "5.1.1.1", "x.1.1", "3.0.0", "5..1", "5.1000.1", "+5.1.1", "5.-1.1", ".", "..", "5.1.1."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := sendpool.ParseEnhancedCode(s)
		want, wantErr := parseEnhancedCodeBefore(s)
		if got != want || fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Errorf("ParseEnhancedCode(%q) = %v, %v; want %v, %v", s, got, err, want, wantErr)
		}
	})
}

// BenchmarkOneLine: the replies of a delivered message, each made one
// line three times a message (its result, its job's mark, its report
// row); "before" is the join of the fields every time.
func BenchmarkOneLine(b *testing.B) {
	replies := []string{"2.0.0 Ok: queued as 4F2A1C3D", "Ok", "2.1.5 Recipient OK"}
	for name, fn := range map[string]func(string) string{"now": sendpool.OneLine, "before": oneLineBefore} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, r := range replies {
					fn(r)
				}
			}
		})
	}
}

// BenchmarkParseEnhancedCode: a reply's code, parsed once a reply.
func BenchmarkParseEnhancedCode(b *testing.B) {
	for name, fn := range map[string]func(string) (sendpool.EnhancedCode, error){"now": sendpool.ParseEnhancedCode, "before": parseEnhancedCodeBefore} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := fn("2.0.0"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
