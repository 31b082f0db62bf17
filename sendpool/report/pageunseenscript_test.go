package report

import (
	"os"
	"regexp"
	"testing"
)

// TestUnseenMatchesScript: isUnseen (the campaign table's ZeroWidth and
// DirectionControl characters) and unseen.js's UNSEEN name the same
// characters, so that the page's script and its Go-written cells show
// the same ones as code points; a kind added to the table, or a
// character to a kind, must reach the script too.
func TestUnseenMatchesScript(t *testing.T) {
	t.Parallel()
	js, err := os.ReadFile("page/unseen.js")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`var UNSEEN = /(\[[^\]]*\])/;`).FindSubmatch(js)
	if m == nil {
		t.Fatal("unseen.js: no UNSEEN character class")
	}
	class := regexp.MustCompile(`\\u([0-9A-Fa-f]{4})`).ReplaceAllString(string(m[1]), `\x{$1}`)
	re := regexp.MustCompile("^" + class + "$")
	for r := rune(0); r <= 0xFFFF; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		if got, want := isUnseen(r), re.MatchString(string(r)); got != want {
			t.Errorf("U+%04X: isUnseen %v, unseen.js %v", r, got, want)
		}
	}
}
