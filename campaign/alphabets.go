package campaign

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// alphabets are the lower-case letters beyond ASCII of the languages
// written in a Latin code page (windows-1250, -1252, -1254, -1257, -1258,
// DOS's 850, the Mac's), each language's in one string: Danish, Norwegian,
// Swedish, Finnish, German, French, Spanish, Portuguese, Italian,
// Catalan, Dutch, Icelandic, Faroese, Estonian, Polish, Czech, Slovak,
// Hungarian, Romanian, Croatian and Slovene, Albanian, Turkish, Latvian,
// Lithuanian, Vietnamese (whose letters with a tone mark are
// vietnameseTone's).
var alphabets = []string{
	"æøåé", "æøåéèêóòôü", "åäöéü", "åäöšž", "äöüß",
	"àâæçéèêëîïôœùûüÿ", "áéíóúñü", "áâãàçéêíóôõú", "àèéìíòóù",
	"àçèéíïòóúü", "éèëïöüáóú", "áéíóúýþæöð", "áíóúýæøð", "äöõüšž",
	"ąćęłńóśźż", "áčďéěíňóřšťúůýž", "áäčďéíĺľňóôŕšťúýž", "áéíóöőúüű",
	"ăâîșțşţ", "čćđšž", "çë", "çğıiöşüâîû", "āčēģīķļņšūž", "ąčęėįšųūž",
	"àáâãèéêìíòóôõùúýăđĩũơư",
}

// wordAlphabets are the alphabets of the languages that write words all
// of letters beyond ASCII, as people and company registers do: Danish and
// Norwegian ("ÆØÅ", "Øå"), Swedish and Finnish ("ÅÄÖ", "åäö"), Icelandic
// and Faroese ("þú", "æð"), Polish ("żółć") and Vietnamese ("đã"), each of
// only the letters such words hold. A word of French's, Italian's,
// Slovak's or another's letters beyond ASCII alone is no word of theirs,
// but what Cyrillic and Greek read as in their code page ("Íèíà" for
// "Нина", "ÇÀÎ" for "ЗАО", "ÆÙÇ" for "ΖΩΗ"): misread takes only these
// for one language's words.
var wordAlphabets = []string{
	"æøå", "åäö", "áéíóúýþæöð", "áíóúýæøð", "ąćęłńóśźż",
	alphabets[len(alphabets)-1], // Vietnamese
}

// vietnameseTone reports whether r is a Vietnamese vowel with a tone mark
// (Latin Extended Additional's ạ to ỹ), as windows-1258 text is once
// composed.
func vietnameseTone(r rune) bool { return r >= 0x1EA0 && r <= 0x1EF9 }

// oneLanguageWord reports whether word, letters all beyond ASCII (and
// combining marks), reads as a word of one language in a Latin code page:
// its letters all in one of langs (alphabets, wordAlphabets), and its case that of a word (all
// capitals, none, or a capital first), no letter twice in a row — "ÆØÅ",
// "åäö", "Żółć", "ÅÄÖ". What another script's letters read as mixes
// languages ("Èâàí" is Cyrillic "Иван": French has no í, Italian no â),
// case ("ãÍãÏ", Arabic) or doubles a letter ("Àííà", "Анна").
func oneLanguageWord(word []rune, langs []string) bool {
	var letters []rune
	for _, r := range word {
		if !unicode.Is(unicode.Mn, r) {
			letters = append(letters, r)
		}
	}
	if len(letters) == 0 || !wordCase(letters) || doubled(letters) {
		return false
	}
	for _, a := range langs {
		if inAlphabet(letters, a) {
			return true
		}
	}
	return false
}

// inAlphabet reports whether each of letters, lowered, is in alphabet.
// Vietnamese's also holds its toned vowels, and a word of it holds one of
// its own letters (ă, đ, ơ, ư or a toned vowel: "đã"): its other letters
// are most of Latin-1's vowels, which another script's letters read as.
func inAlphabet(letters []rune, alphabet string) bool {
	vietnamese := strings.ContainsRune(alphabet, 'ơ')
	own := false
	for _, r := range letters {
		l := unicode.ToLower(r)
		if r == 'İ' {
			l = 'i' // Turkish's capital of i
		}
		toned := vietnamese && vietnameseTone(l)
		if !strings.ContainsRune(alphabet, l) && !toned {
			return false
		}
		own = own || toned || strings.ContainsRune("ăđơư", l)
	}
	return !vietnamese || own
}

// wordCase reports whether letters are cased as a word is: all capitals,
// all small, or a capital then small ones.
func wordCase(letters []rune) bool {
	upper := 0
	for _, r := range letters[1:] {
		if unicode.IsUpper(r) {
			upper++
		}
	}
	return upper == 0 || upper == len(letters)-1 && unicode.IsUpper(letters[0])
}

// doubled reports whether a letter of letters comes twice in a row
// (case aside), as a word all of letters beyond ASCII in no language
// does.
func doubled(letters []rune) bool {
	for i := 1; i < len(letters); i++ {
		if unicode.ToLower(letters[i]) == unicode.ToLower(letters[i-1]) {
			return true
		}
	}
	return false
}

// oneLanguageShare is the share of reading's words with a letter beyond
// ASCII that one language writes (oneLanguageWord, counting their ASCII
// letters out): how a tie between Latin code pages goes, "Çağlar" in
// windows-1254 before "Çaðlar" in windows-1252.
func oneLanguageShare(reading string) float64 {
	runes := []rune(reading)
	good, all := 0, 0
	for _, w := range letterWords(runes) {
		var beyond []rune
		for _, r := range runes[w[0]:w[1]] {
			if r >= utf8.RuneSelf {
				beyond = append(beyond, r)
			}
		}
		if len(beyond) == 0 {
			continue
		}
		all++
		if oneLanguageWord(beyond, alphabets) {
			good++
		}
	}
	if all == 0 {
		return 0
	}
	return float64(good) / float64(all)
}
