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
// its accent ("Sınav Sonuçları": Sinav-Sonuclari), but German's umlauts
// as German writes them without (ä ae, ö oe, ü ue: "Mitteilung für
// Mitglieder": Mitteilung-fuer-Mitglieder) when the name is German
// (germanName), with that a name is ASCII; for letters of another
// script, only that; "" when nothing is left to suggest.
func nameFix(name string, locale Locale) string {
	plain := name
	if germanName(name, locale) {
		plain = umlautsASCII(plain)
	}
	plain = latinPlain(plain)
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
var plainLetters = strings.NewReplacer("ı", "i", "İ", "I", "ß", "ss", "ẞ", "SS", "æ", "ae", "Æ", "AE", "ø", "o", "Ø", "O",
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

// germanUmlauts are German's umlauts as German writes them in ASCII.
var germanUmlauts = map[rune]string{'ä': "ae", 'ö': "oe", 'ü': "ue", 'Ä': "Ae", 'Ö': "Oe", 'Ü': "Ue"}

// umlautsASCII is s with German's umlauts written as German writes them
// in ASCII: "für" fuer, "Übersicht" Uebersicht, "ÜBERSICHT" UEBERSICHT (a
// capital before another written in capitals).
func umlautsASCII(s string) string {
	runes := []rune(s)
	var b strings.Builder
	for i, r := range runes {
		w, ok := germanUmlauts[r]
		switch {
		case !ok:
			b.WriteRune(r)
		case unicode.IsUpper(r) && inCapitals(runes, i):
			b.WriteString(strings.ToUpper(w))
		default:
			b.WriteString(w)
		}
	}
	return b.String()
}

// inCapitals reports whether runes[i], a capital, stands in a word
// written in capitals: the letter after it is a capital, or the one
// before it is and none after it is small ("MENÜ", "MENÜ-2026"; not "Über").
func inCapitals(runes []rune, i int) bool {
	next := i+1 < len(runes)
	switch {
	case next && unicode.IsUpper(runes[i+1]):
		return true
	case i == 0 || !unicode.IsUpper(runes[i-1]):
		return false
	}
	return !next || !unicode.IsLower(runes[i+1])
}

// germanName reports whether name, a campaign's, is German: the campaign
// is written under a German locale (de-DE, de-AT, de-CH), or, with no
// locale, the name holds ß, which German alone writes, and no letter
// beyond ASCII that German does not. ä, ö and ü alone do not tell:
// Swedish, Finnish, Estonian, Hungarian and Turkish write them too, and
// drop their dots in ASCII (Hyvää päivää: Hyvaa-paivaa).
func germanName(name string, locale Locale) bool {
	if locale.IsSet() {
		return locale.German()
	}
	if !strings.ContainsAny(name, "ßẞ") {
		return false
	}
	for _, r := range name {
		if r >= utf8.RuneSelf && unicode.IsLetter(r) && !strings.ContainsRune("äöüÄÖÜßẞ", r) {
			return false
		}
	}
	return true
}
