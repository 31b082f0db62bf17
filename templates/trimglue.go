package templates

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tidings/tidings/campaign"
)

// checkTrimGlue warns of a trim marker that takes the only spaces between
// a word and what its action prints: "Hallo {{- .Vorname}}" prints
// "HalloKäthe" in every message, and "{{.Vorname -}} Müller" "KätheMüller"
// (a word is letters, digits and marks, or a printing action's end or
// start: "{{.first}} {{- .last}}"). A marker that takes a line break, or
// spaces beside markup or punctuation, trims what trim markers are for,
// and is not warned of; nor one beside a word of a script that puts no
// space between words (spaceless: "{{.姓名 -}} 同学" prints "张三同学").
// One warning per marker: the template's, not a row's.
func (cp *compiler) checkTrimGlue(t *Template) {
	src := t.source
	for i, j := range actionSpans(src) {
		body := src[i+2 : j]
		if !printsWord(body) {
			continue
		}
		bare := "{{" + untrimmed(body) + "}}"
		var glued string
		if w := wordBefore(src[:i]); strings.HasPrefix(body, "- ") && w != "" && !spaceless(w) {
			glued = fmt.Sprintf("before it, so every message prints %q, the word and the value with no space between", w+bare)
		} else if w := wordAfter(src[j+2:]); strings.HasSuffix(body, " -") && w != "" && !spaceless(w) {
			glued = fmt.Sprintf("after it, so every message prints %q, the value and the word with no space between", bare+w)
		} else {
			continue
		}
		line := t.line
		if line > 0 {
			line += strings.Count(src[:i], "\n")
		}
		w := (&campaign.FileError{File: t.file, Line: line, Err: fmt.Errorf(
			"templates: %s: {{%s}}: the trim marker takes the space %s: take out the - (write %s)", t.name, body, glued, bare)}).Error()
		if !slices.Contains(cp.warns, w) {
			cp.warns = append(cp.warns, w)
		}
	}
}

// wordBefore is the word text, what precedes a "{{- " marker, ends with
// after spaces or tabs (no line break): letters, digits and marks, or a
// printing action; "" when there is none.
func wordBefore(text string) string {
	rest := strings.TrimRight(text, " \t")
	if len(rest) == len(text) {
		return ""
	}
	if strings.HasSuffix(rest, "}}") {
		k := strings.LastIndex(rest, "{{")
		if k < 0 || strings.HasSuffix(rest, "-}}") || !printsWord(rest[k+2:len(rest)-2]) {
			return ""
		}
		return rest[k:]
	}
	k := strings.LastIndexFunc(rest, func(r rune) bool { return !isWordRune(r) })
	if k < 0 {
		return rest
	}
	_, size := utf8.DecodeRuneInString(rest[k:])
	return rest[k+size:]
}

// wordAfter is the word text, what follows a " -}}" marker, starts with
// after spaces or tabs (no line break), as wordBefore.
func wordAfter(text string) string {
	rest := strings.TrimLeft(text, " \t")
	if len(rest) == len(text) {
		return ""
	}
	if strings.HasPrefix(rest, "{{") {
		k := strings.Index(rest, "}}")
		if k < 0 || strings.HasPrefix(rest, "{{-") || !printsWord(rest[2:k]) {
			return ""
		}
		return rest[:k+2]
	}
	if k := strings.IndexFunc(rest, func(r rune) bool { return !isWordRune(r) }); k >= 0 {
		return rest[:k]
	}
	return rest
}

// isWordRune reports whether r is a letter, a digit or a mark, a vowel
// sign or accent written apart that is part of its letter's word
// (नमस्ते, a decomposed chào).
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r)
}

// spaceless reports whether w, the word or printed value beside a trim
// marker, holds Chinese, Japanese, Thai, Lao, Khmer, Myanmar or Tibetan
// (in its text or, for a value, its column's name), scripts that put no
// space between words: the marker prints them as they are written
// ("{{.姓}} {{- .名}}" 山田太郎).
func spaceless(w string) bool {
	for _, r := range w {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar, unicode.Tibetan) {
			return true
		}
	}
	return false
}
