package campaign

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// ErrLostLetter: a value of a sheet saved in a single-byte code page holds
// "?" where a letter was, one the code page has not (see lostLetters).
var ErrLostLetter = errors.New("a letter lost when the sheet was saved")

// lostLetters refuses v, a value of a sheet declared in a single-byte code
// page, with a "?" standing for a letter: one between two letters
// ("Н?рланов", "Wa??sa") or starting a word before one ("??рман?азы",
// "«?азМунайГаз»"), or a value whose first word is two "?" or more and
// nothing else ("??", "???? ????", "?? (Wang Wei)": a name in a script
// the code page has not, or a volunteer's mark for one not known). Excel, saving a sheet as CSV
// in the system's code page, writes "?" for a letter that code page has
// not (Kazakh's ү, қ, ғ under windows-1251, Polish's ł under
// windows-1252), and every message would show it. A word holding "/" or
// "=" (a link and its query) is not looked at, the value's other words
// are; nor is a "?" that ends a word ("Wer?", "Ça va ?", "Что ??"). The error
// quotes the word. It returns nil otherwise.
func (ts *textSource) lostLetters(v string) error {
	if ts.legacy == nil || !strings.Contains(v, "?") {
		return nil
	}
	if first, _, _ := strings.Cut(strings.TrimSpace(v), " "); len(first) >= 2 && strings.Trim(first, "?") == "" {
		return fmt.Errorf("%w: %q starts with a word of \"?\" only: either letters %s has not, written as \"?\" by the program that saved the file (a Chinese or Georgian name …; save the sheet again from the workbook as \"CSV UTF-8\" and take recipients.encoding out), or a mark for a value not known (type the value, or empty the cell)", ErrLostLetter, shorten(v), ts.name)
	}
	for _, word := range strings.Fields(v) {
		if !strings.ContainsAny(word, "/=") && questionForLetter([]rune(word)) {
			return fmt.Errorf("%w: %q has \"?\" where a letter was: %s has no such letter (Kazakh ү, қ, ғ in windows-1251, Polish ł in windows-1252 …), so the program that saved the file wrote \"?\" for it, and every message would show that; save the sheet again from the workbook, which still holds the letter, as \"CSV UTF-8\", and take recipients.encoding out (a \"?\" meant so passes then too)", ErrLostLetter, shorten(word), ts.name)
		}
	}
	return nil
}

// questionForLetter reports whether word has a run of "?" before a letter
// that follows a letter or starts the word (after any marks: "«", "(").
func questionForLetter(word []rune) bool {
	for i := 0; i < len(word); i++ {
		if word[i] != '?' {
			continue
		}
		j := i
		for j < len(word) && word[j] == '?' {
			j++
		}
		before := i > 0 && unicode.IsLetter(word[i-1])
		wordStart := !slices.ContainsFunc(word[:i], isLetterOrDigit)
		if j < len(word) && unicode.IsLetter(word[j]) && (before || wordStart) {
			return true
		}
		i = j
	}
	return false
}

// isLetterOrDigit reports whether r is a letter or a digit.
func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
