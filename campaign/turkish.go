package campaign

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/encoding/charmap"
)

// turkishSwaps are the letters windows-1252 reads where windows-1254 has
// Turkish's own (the only bytes the two code pages read apart): Ð ð Ý ý
// Þ þ for Ğ ğ İ ı Ş ş.
var turkishSwaps = map[rune]rune{'Ð': 'Ğ', 'ð': 'ğ', 'Ý': 'İ', 'ý': 'ı', 'Þ': 'Ş', 'þ': 'ş'}

// notNordic are the letters beyond ASCII Turkish writes and Icelandic and
// Faroese (the languages that write Ð, Ý and Þ) never do.
const notNordic = "ÇçÜüÂâÎîÛû"

// turkishAsWestern refuses v, a value of a sheet declared windows-1252,
// that is Turkish written in windows-1254 (turkishSigns: "ÞÜKRÜ ÇAÐLAR"
// for "ŞÜKRÜ ÇAĞLAR", "Iþýk" for "Işık"), naming windows-1254 and what it
// reads. A Turkish word with none of those signs ("Doðan" for "Doğan",
// "Ýstanbul") reads as Icelandic would, and passes, unless the file's
// start or a value before it had a sign (ts.turkish): then a word that
// windows-1254 reads as Turkish is one. It returns nil otherwise.
func (ts *textSource) turkishAsWestern(v string) error {
	if turkishSigns(v, false) {
		ts.turkish = true
	} else if !ts.turkish || !turkishSigns(v, true) {
		return nil
	}
	reading, ok := rereadAs(v, charmap.Windows1252, charmap.Windows1254)
	if !ok {
		return nil
	}
	return misreadAsWestern(v, encodingGuess{name: "windows-1254", system: "Turkish Windows", reading: reading})
}

// turkishSample reports whether sample, the start of a file declared
// windows-1252, holds a line with turkishSigns.
func turkishSample(sample []byte) bool {
	text, err := charmap.Windows1252.NewDecoder().Bytes(sample)
	if err != nil {
		return false
	}
	for line := range strings.Lines(string(text)) {
		if turkishSigns(line, false) {
			return true
		}
	}
	return false
}

// turkishSigns reports whether v, as windows-1252 reads it, holds a word
// with one of turkishSwaps that windows-1254 reads as a Turkish word
// (turkishWord) and that is no Icelandic or Faroese word
// (icelandicNever, unless known: the file is Turkish), or a Turkish
// company's "A.Þ." (Anonim Şirketi, "A.Ş.") at a cell's end.
func turkishSigns(v string, known bool) bool {
	if turkishFirm.MatchString(v) {
		return true
	}
	runes := []rune(v)
	for _, w := range letterWords(runes) {
		word := runes[w[0]:w[1]]
		if slices.ContainsFunc(word, isTurkishSwap) && turkishWord(word) && (known || icelandicNever(word)) {
			return true
		}
	}
	return false
}

// turkishFirm matches a Turkish company's "A.Þ." ("A.Ş.") after a space
// and at a cell's end, as windows-1252 reads it.
var turkishFirm = regexp.MustCompile(` A\.Þ\.?\s*($|[,;\t"])`)

// isTurkishSwap reports whether r is one of turkishSwaps.
func isTurkishSwap(r rune) bool { _, ok := turkishSwaps[r]; return ok }

// turkishWord reports whether word, read in windows-1254 (turkishSwaps),
// is cased as a word and holds only Turkish's letters: ASCII's but q, w
// and x, and ç, ğ, ı, İ, ö, ş, ü, â, î, û.
func turkishWord(word []rune) bool {
	letters := make([]rune, 0, len(word))
	for _, r := range word {
		if t, ok := turkishSwaps[r]; ok {
			r = t
		}
		l := unicode.ToLower(r)
		switch {
		case r == 'İ':
		case l < 0x80 && strings.ContainsRune("qwx", l), l >= 0x80 && !strings.ContainsRune("çğıöşüâîû", l):
			return false
		}
		letters = append(letters, r)
	}
	return wordCase(letters)
}

// icelandicNever reports whether word, as windows-1252 reads it, is no
// Icelandic or Faroese word: it holds a letter of notNordic; or Þ at its
// end or after a, e, i, o or u (Icelandic writes þ at a word's start, or
// a compound's, after a consonant, y or æ: "Bergþór", "Eyþór", "Sæþór";
// Turkish ş after a vowel: "Iþýk", "Paþa", "Güneþ"); or a c beside Þ (no
// Icelandic or Faroese word has a c: "Coþkun"). A c beside Ð is no sign:
// a Croatian or Serbian name typed in windows-1252 writes Ð for Đ and c
// for ć ("Ðokovic").
func icelandicNever(word []rune) bool {
	thorn, c := false, false
	for i, r := range word {
		l := unicode.ToLower(r)
		switch {
		case strings.ContainsRune(notNordic, r):
			return true
		case l == 'þ' && i > 0 && (i == len(word)-1 || strings.ContainsRune("aeiou", unicode.ToLower(word[i-1]))):
			return true
		}
		thorn = thorn || l == 'þ'
		c = c || l == 'c'
	}
	return c && thorn
}
