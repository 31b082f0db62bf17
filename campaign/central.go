package campaign

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/encoding/charmap"
)

// centralSigns are the signs windows-1252 reads where windows-1250 has a
// letter of Polish, Czech, Slovak or Romanian (£ for Ł, ³ for ł, ¹ for ą,
// ¯ for Ż, ¿ for ż, ¥ for Ą, ª and º for Ş and ş, ¼ and ¾ for Ľ and ľ).
const centralSigns = "£³¹¯¿¥ªº¼¾"

// centralAsWestern refuses v, a value of a sheet declared windows-1252,
// that is Central European text written in windows-1250 (centralWord:
// "Pawe³ Wiœniewski" for "Paweł Wiśniewski", "£êcka" for "Łęcka"), naming
// windows-1250 and what it reads. It returns nil otherwise.
func centralAsWestern(v string) error {
	if !strings.ContainsAny(v, centralSigns) || !centralWord([]rune(v)) {
		return nil
	}
	raw, err := charmap.Windows1252.NewEncoder().String(v)
	if err != nil {
		return nil
	}
	reading, err := charmap.Windows1250.NewDecoder().String(raw)
	if err != nil {
		return nil
	}
	g := encodingGuess{name: "windows-1250", system: "Central European Windows", reading: reading}
	return fmt.Errorf("%w: recipients.encoding says windows-1252, which reads this as %q, and every message would show that; %s under recipients", ErrMisread, shorten(v), guessWords([]encodingGuess{g}, "set"))
}

// centralWord reports whether runes hold one of centralSigns where
// Western text has no sign but a Central European word has a letter:
// between two letters ("Ma³gorzata", "mo¿e"); ending a word of three
// letters or more ("Pawe³": not "cm³", nor a Portuguese "Exmª", whose ª
// and º are never taken there); or, but for ¿ (Spanish's "¿qué"),
// starting one before two small letters ("£ukasz", "¯ukowski": not
// "£5bn", "Mª José").
func centralWord(runes []rune) bool {
	letter := func(i int) bool { return i >= 0 && i < len(runes) && unicode.IsLetter(runes[i]) }
	lower := func(i int) bool { return i >= 0 && i < len(runes) && unicode.IsLower(runes[i]) }
	for i, r := range runes {
		if !strings.ContainsRune(centralSigns, r) {
			continue
		}
		ordinal := r == 'ª' || r == 'º'
		switch {
		case letter(i-1) && letter(i+1):
			return true
		case !ordinal && !letter(i+1) && letter(i-1) && letter(i-2) && letter(i-3):
			return true
		case !ordinal && r != '¿' && !letter(i-1) && lower(i+1) && lower(i+2):
			return true
		}
	}
	return false
}
