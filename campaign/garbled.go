package campaign

import (
	"errors"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// ErrGarbled: a cell holds UTF-8 text that was read as Windows-1252
// before the sheet was saved ("JÃ¼rgen" for "Jürgen"; see Garbled).
var ErrGarbled = errors.New("garbled text")

// GarbledAdvice says how such a sheet comes about and how to mend it, for
// the messages about a garbled cell or header.
const GarbledAdvice = "the sheet was made from a UTF-8 CSV opened as Windows-1252 (Excel's or LibreOffice's import without choosing UTF-8): import the CSV again choosing UTF-8 (Unicode), or fix the cells"

// Garbled reports whether s is UTF-8 text read as Windows-1252, as a
// spreadsheet makes it of a UTF-8 CSV imported in the wrong character set
// ("JÃ¼rgen GroÃŸ" of "Jürgen Groß"), and gives the text it was: s in
// Windows-1252 is valid UTF-8 holding a letter beyond ASCII. Text written
// in Windows-1252 itself ("Müller", "São") is not: its bytes beyond ASCII
// are no UTF-8.
func Garbled(s string) (string, bool) {
	if !strings.ContainsFunc(s, isLeadByteChar) {
		return "", false // ASCII, and almost all other text: no encoder run
	}
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil || !utf8.Valid(b) || string(b) == s {
		return "", false
	}
	return string(b), true
}

// isLeadByteChar reports whether r is what Windows-1252 reads a UTF-8
// lead byte of a character beyond ASCII as (0xC2 to 0xF4: Â to ô), which
// text garbled so always holds.
func isLeadByteChar(r rune) bool { return r >= 0xC2 && r <= 0xF4 }
