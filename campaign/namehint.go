package campaign

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// nonNameRE matches a run of the ASCII characters a campaign name may not
// hold (a space, '_', '/', '.').
var nonNameRE = regexp.MustCompile(`[^A-Za-z0-9]+`)

// asciiNameNote says why a name is ASCII.
const asciiNameNote = " (ASCII: it names the state folder and goes into every Message-ID)"

// nameFix is what CheckName adds to its refusal of name: the name as one
// may be, each run of other characters made one '-' (": write name:
// December-Newsletter-2026"), a Latin letter beyond ASCII written without
// its accent ("Sınav Sonuçları": Sinav-Sonuclari), with that a name is
// ASCII; for letters of another script, only that; "" when nothing is
// left to suggest.
func nameFix(name string) string {
	plain := latinPlain(name)
	for _, r := range plain {
		if r >= utf8.RuneSelf {
			return asciiNameNote
		}
	}
	fixed := strings.Trim(nonNameRE.ReplaceAllString(plain, "-"), "-")
	switch {
	case fixed == "":
		return ""
	case plain != name:
		return ": write name: " + fixed + asciiNameNote
	}
	return ": write name: " + fixed
}

// plainLetters are Latin letters that no accent taken off makes ASCII.
var plainLetters = strings.NewReplacer("ı", "i", "İ", "I", "ß", "ss", "æ", "ae", "Æ", "AE", "ø", "o", "Ø", "O",
	"ð", "d", "Ð", "D", "đ", "d", "Đ", "D", "þ", "th", "Þ", "Th", "ł", "l", "Ł", "L", "œ", "oe", "Œ", "OE")

// latinPlain is s with its Latin letters' accents taken off (NFD, its
// marks dropped) and plainLetters written in ASCII; other scripts stay.
func latinPlain(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(plainLetters.Replace(s)) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
