package campaign

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A Russian sheet declines Latin brand names with endings of its own
// script ("с Samsungом", "для Appleа"): such a word is neither Western
// text nor Vietnamese read in the wrong code page, and the checks for
// those (latinAsScript, misreadText) weigh it neither way.

// caseEnding reports whether word is a Latin one declined as Russian
// declines a brand: ASCII letters, two or more, then small letters of
// the declared code page's script holding a vowel (russianVowels) and no
// other of them: an ending of two or more ("Samsungом", "ChatGPTбот",
// "Googleдиск"), or one of а, е, и, у, ы ("Appleа", "Yandexе") when
// context (the value holds a word of the script, scriptContext) or the
// Latin word is a camel one with a small first letter ("iPhoneы",
// "eBayе"), as no Western word is. A Western word misread has its script
// letters where its accented ones were, one alone at its end ("Josй")
// or inside it ("Mьller"); a Vietnamese one read in windows-1251 ends
// in a vowel's mark without a vowel ("Huкм" for "Huế", "Chэм" for
// "Chứ", э being no Russian ending's).
func (ts *textSource) caseEnding(word []rune, context bool) bool {
	i := len(word)
	for i > 0 && ts.script(word[i-1]) && unicode.IsLower(word[i-1]) {
		i--
	}
	end := word[i:]
	if i < 2 || i < len(word) && ts.script(word[i-1]) || !slices.ContainsFunc(end, isRussianVowel) {
		return false
	}
	for _, r := range word[:i] {
		if r >= utf8.RuneSelf {
			return false
		}
	}
	switch {
	case len(end) >= 2:
		return true
	case len(end) == 1 && strings.ContainsRune("аеиуы", end[0]):
		return context || unicode.IsLower(word[0]) && slices.ContainsFunc(word[1:i], unicode.IsUpper)
	}
	return false
}

// russianVowels are the small vowels a Russian, Ukrainian or Bulgarian
// ending holds; э, which starts words only, is left out.
const russianVowels = "аеёиоуыюяіїє"

// isRussianVowel reports whether r is one of russianVowels.
func isRussianVowel(r rune) bool { return strings.ContainsRune(russianVowels, r) }

// scriptContext reports whether runes hold a word of three or more of
// the declared code page's letters alone with a small one after its
// first ("Отзывы", "для"): real text of the script, where a Western
// word misread gives none (its words of accented letters alone are
// short or in capitals: "ЖШЕ" for "ÆØÅ").
func (ts *textSource) scriptContext(runes []rune) bool {
	for _, w := range letterWords(runes) {
		word := runes[w[0]:w[1]]
		if len(word) >= 3 && !slices.ContainsFunc(word, func(r rune) bool { return !ts.script(r) }) && slices.ContainsFunc(word[1:], unicode.IsLower) {
			return true
		}
	}
	return false
}

// blankCaseEndings blanks in runes (a value) the Latin words with a
// Russian ending (caseEnding), which misreadText weighs neither way.
func (ts *textSource) blankCaseEndings(runes []rune) {
	context := ts.scriptContext(runes)
	for _, w := range letterWords(runes) {
		if ts.caseEnding(runes[w[0]:w[1]], context) {
			for i := w[0]; i < w[1]; i++ {
				runes[i] = ' '
			}
		}
	}
}
