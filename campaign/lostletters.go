package campaign

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// ErrLostLetter: a value of a sheet saved in a single-byte code page holds
// "?" where a letter was, one the code page has not (see lostLetters).
var ErrLostLetter = errors.New("a letter lost when the sheet was saved")

// lostLetters refuses v, a value of a sheet declared in a single-byte code
// page, with a "?" standing for a letter: one between two letters
// ("Н?рланов", "Wa??sa") or starting a word before one ("??рман?азы").
// Excel, saving a sheet as CSV in the system's code page, writes "?" for
// a letter that code page has not (Kazakh's ү, қ, ғ under windows-1251,
// Polish's ł under windows-1252), and every message would show it. A
// value holding "/" or "=" (a link and its query) is not looked at, nor
// a "?" that ends a word ("Wer?"). It returns nil otherwise.
func (ts *textSource) lostLetters(v string) error {
	if ts.legacy == nil || !strings.Contains(v, "?") || strings.ContainsAny(v, "/=") {
		return nil
	}
	runes := []rune(v)
	for i := 0; i < len(runes); i++ {
		if runes[i] != '?' {
			continue
		}
		j := i
		for j < len(runes) && runes[j] == '?' {
			j++
		}
		before := i > 0 && unicode.IsLetter(runes[i-1])
		wordStart := i == 0 || unicode.IsSpace(runes[i-1])
		if j < len(runes) && unicode.IsLetter(runes[j]) && (before || wordStart) {
			return fmt.Errorf("%w: %q has \"?\" where a letter was: %s has no such letter (Kazakh ү, қ, ғ in windows-1251, Polish ł in windows-1252 …), so the program that saved the file wrote \"?\" for it, and every message would show that; save the sheet again from the workbook, which still holds the letter, as \"CSV UTF-8\", and take recipients.encoding out", ErrLostLetter, shorten(v), ts.name)
		}
		i = j
	}
	return nil
}
