package render

import (
	"strings"
	"testing"
)

// TestMixedScriptDomain: a domain label mixing Latin, Cyrillic and Greek
// letters (a Cyrillic е in example, pasted or typed) is the row's
// problem, in Unicode or in its xn-- form, naming the letter; labels of
// one script, and scripts that mix as they are written, go.
func TestMixedScriptDomain(t *testing.T) {
	for _, c := range []struct {
		to, problem string
	}{
		{"ann@\u0435xample.com", `mixes Latin and Cyrillic letters (е, U+0435, is Cyrillic)`},
		{"ann@xn--xample-2of.com", `mixes Latin and Cyrillic`},
		{"ann@p\u0430ypal.example", `mixes Latin and Cyrillic`},
		{"ann@\u03b1lpha.example", `mixes Latin and Greek letters (α, U+03B1, is Greek)`},
		{"ann@µshop.de", `the domain part "µshop" (read as "μshop") mixes Latin and Greek letters (μ, U+03BC, is Greek)`},
		{"ann@bücher.example", ""},
		{"ann@пример.рф", ""},
		{"ann@ελληνικά.gr", ""},
		{"ann@日本語ドメインabc.jp", ""},
		{"ann@example.com", ""},
	} {
		e := setup(t, yamlWith(map[string]string{"to": `"{{.to}}"`}), bodyFile, []string{"email", "to"})
		_, err := e.r.Render(row(2, "email", "k@example.com", "to", c.to))
		switch {
		case c.problem == "" && err != nil:
			t.Errorf("%s: %v", c.to, err)
		case c.problem != "" && (err == nil || !strings.Contains(err.Error(), c.problem)):
			t.Errorf("%s: %v, want a problem saying %q", c.to, err, c.problem)
		}
	}
}
