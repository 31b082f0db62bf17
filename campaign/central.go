package campaign

import (
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
// windows-1250 and what it reads. A sign Western text writes there too
// (a footnote's "Preis³", "¼lb") counts once the file's start or a value
// before it had a sign no Western text writes (ts.central), and so do
// a Polish ń or ś read where Western text does not write ñ or œ
// (centralLetter: "Gdañsk", "Wiœniewski"). It returns nil otherwise.
func (ts *textSource) centralAsWestern(v string) error {
	if !strings.ContainsAny(v, centralSigns+centralLetters) {
		return nil
	}
	runes := []rune(v)
	strong, weak := centralWord(runes)
	zi, soft := centralLetter(runes)
	switch {
	case strong || zi:
		ts.central = true
	case !weak && !soft || !ts.central:
		return nil
	}
	reading, ok := rereadAs(v, charmap.Windows1252, charmap.Windows1250)
	if !ok {
		return nil
	}
	return misreadAsWestern(v, encodingGuess{name: "windows-1250", system: "Central European Windows", reading: reading})
}

// centralSample reports whether sample, the start of a file declared
// windows-1252, holds a line with a sign of Central European text that
// no Western text writes (centralWord's strong, centralLetter's zi).
func centralSample(sample []byte) bool {
	text, err := charmap.Windows1252.NewDecoder().Bytes(sample)
	if err != nil || !strings.ContainsAny(string(text), centralSigns+centralLetters) {
		return false
	}
	for line := range strings.Lines(string(text)) {
		runes := []rune(line)
		strong, _ := centralWord(runes)
		if zi, _ := centralLetter(runes); strong || zi {
			return true
		}
	}
	return false
}

// centralWord reports whether runes hold one of centralSigns where
// Western text has no sign but a Central European word has a letter.
// Strong: between two letters ("Ma³gorzata", "mo¿e", Romanian's
// "Braºov"; not an ordinal's plural, Portuguese "Exmºs", "Nºs", nor one
// after a word's first letter, a consonant, "Nºserie");
// starting a word before two small letters, £, ¯ or ³ but after no
// digit ("£ukasz",
// "¯ukowski", "³ódŸ": not "£5bn", "Mª José", Spanish's "¿qué"); or ending
// a word of three letters or more (weak's) in a value whose other words
// windows-1250 reads as Polish (œ, Ÿ inside a word: "Pawe³ Wiœniewski";
// not œ before u, French's "Bœuf bourguignon¹", "Sœurs Martin¹").
// Weak: ending a word of three letters or more ("Pawe³", as a
// footnote's "Preis³" and "GBP£" do; not "cm³", nor a Portuguese "Exmª",
// whose ª and º are never taken there), or ¼ or ¾ starting a word before
// two small letters ("¼ubica", as "¼lb" and "1¾in" do).
func centralWord(runes []rune) (strong, weak bool) {
	letter := func(i int) bool { return i >= 0 && i < len(runes) && unicode.IsLetter(runes[i]) }
	lower := func(i int) bool { return i >= 0 && i < len(runes) && unicode.IsLower(runes[i]) }
	digit := func(i int) bool { return i >= 0 && unicode.IsDigit(runes[i]) }
	polish := false
	for i, r := range runes {
		french := r == 'œ' && i+1 < len(runes) && unicode.ToLower(runes[i+1]) == 'u' // "cœur"
		if (r == 'œ' && !french || r == 'Ÿ') && letter(i-1) && letter(i+1) {
			polish = true
		}
		if !strings.ContainsRune(centralSigns, r) {
			continue
		}
		ordinal := r == 'ª' || r == 'º'
		starts := !letter(i-1) && lower(i+1) && lower(i+2)
		switch {
		case ordinal && i+1 < len(runes) && runes[i+1] == 's' && !letter(i+2):
			// A plural abbreviation: "Exmºs Srs.", "Nºs 4-5".
		case ordinal && letter(i-1) && !letter(i-2) && !strings.ContainsRune("AEIOUaeiou", runes[i-1]):
			// An abbreviation run into the next word, "Nºserie",
			// "NºFactura", "Mªdel Carmen": no Romanian word starts
			// with a consonant before ş.
		case letter(i-1) && letter(i+1):
			strong = true
		case starts && strings.ContainsRune("£¯³", r) && !digit(i-1):
			strong = true
		case !ordinal && !letter(i+1) && letter(i-1) && letter(i-2) && letter(i-3):
			weak = true
		case starts && (r == '¼' || r == '¾'):
			weak = true
		}
	}
	return strong || weak && polish, weak
}

// centralLetters are the letters windows-1252 reads where windows-1250
// has a Polish letter: Ÿ for ź, ñ for ń, œ for ś.
const centralLetters = "Ÿñœ"

// centralLetter reports whether runes hold Ÿ after a small letter (zi:
// "KaŸmierczak", "WoŸniak", "£ódŸ"; no Western word writes a capital
// there), or, soft, a Polish ń or ś as Western text does not write ñ or
// œ: ñ after a letter before no vowel ("Gdañsk", "Poznañ", "Brzeziñski";
// Spanish writes one after it, "Muñoz"), œ after a letter before no u
// ("Wiœniewski", "Koœciuszko"; French writes "cœur", "sœur", "vœu").
// A soft one counts only in a file known to be Central European text.
func centralLetter(runes []rune) (zi, soft bool) {
	letter := func(i int) bool { return i >= 0 && i < len(runes) && unicode.IsLetter(runes[i]) }
	for i, r := range runes {
		if !letter(i - 1) {
			continue
		}
		next := ' '
		if i+1 < len(runes) {
			next = unicode.ToLower(runes[i+1])
		}
		switch {
		case r == 'Ÿ' && unicode.IsLower(runes[i-1]):
			zi = true
		case r == 'ñ' && !strings.ContainsRune("aeiouyáéíóú", next):
			soft = true
		case r == 'œ' && next != 'u':
			soft = true
		}
	}
	return zi, soft
}
