package campaign

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// lookAlikes are the Cyrillic and Greek letters that look like Latin
// ones: typed into a Latin word by mistake ("Rоsneft" with a Cyrillic о)
// rather than a Latin letter beyond ASCII read in the wrong code page.
const lookAlikes = "АВЕКМНОРСТХаеорсухІіЈјЅѕԁԛԝΑΒΕΖΗΙΚΜΝΟΡΤΥΧοικνρτυχ"

// latinAsScript refuses v, a value of a sheet declared in a non-Latin
// single-byte code page (windows-1251, windows-1253 …), whose words are
// Latin ones with a letter of the code page's script inside: Western
// text read in the wrong code page ("Mьller" for "Müller", "НСIGO MUСOZ"
// for "ÍÑIGO MUÑOZ" under windows-1251). A word mostly of ASCII letters
// holding fewer of the script's (a word mostly of the script with a
// Latin look-alike typed in, "Вiктор", is no such word) tells it when
// one of them looks like no Latin letter (ь, ш) or the words hold two
// or more, and a Latin code page reads each such word as a Latin one
// (latinReading): that code page is named. One look-alike alone
// ("Rоsneft") is a typing slip, and a Latin code page's reading that is
// no word ("Яndex", a brand, as "ßndex") rules it out; that code page is
// then ts.latinSeen. It returns nil otherwise.
func (ts *textSource) latinAsScript(v string) error {
	words := ts.mixedWords(v)
	if words == nil {
		return nil
	}
	for _, e := range legacyEncodings {
		if !e.script('a') || !singleByte(e.name) {
			continue
		}
		if reading, ok := ts.latinReading(v, words, e); ok {
			ts.latinSeen = &e
			if ts.scriptRead {
				return ts.latinPastedIn(v, e.name, reading)
			}
			g := encodingGuess{name: e.name, system: e.system, reading: reading}
			return fmt.Errorf("%w: recipients.encoding says %s, which reads this as %q, Latin words with %s letters in them, and every message would show that; %s under recipients", ErrMisread, ts.name, shorten(v), ts.scriptName(), guessWords([]encodingGuess{g}, "set"))
		}
	}
	return nil
}

// latinPastedIn is the problem of v, Latin words the Latin code page
// other reads as reading, in a sheet whose start reads right in the
// declared non-Latin one (ts.scriptRead): setting other would misread
// every other row, so it says to type v again and save the sheet as CSV
// UTF-8 (pastedIn).
func (ts *textSource) latinPastedIn(v, other, reading string) error {
	return fmt.Errorf("%w: recipients.encoding says %s, which reads this as %q, Latin words with %s letters in them, and every message would show that; %s", ErrMisread, ts.name, shorten(v), ts.scriptName(), ts.pastedIn(other, reading))
}

// mixedWords are v's words (letterWords) of more ASCII letters than
// letters of the declared code page's script, with one of those at
// least, but for a Latin word with a Russian ending (caseEnding), when
// they tell a misread (see latinAsScript); nil when not.
func (ts *textSource) mixedWords(v string) []string {
	if !hasASCIILetter(v) || isASCIIText(v) {
		return nil // no word of both
	}
	runes := []rune(v)
	var words []string
	script, telling := 0, false
	context := ts.scriptContext(runes)
	for _, w := range letterWords(runes) {
		if ts.caseEnding(runes[w[0]:w[1]], context) {
			continue
		}
		ascii, ours := 0, 0
		for _, r := range runes[w[0]:w[1]] {
			switch {
			case r < utf8.RuneSelf:
				ascii++
			case ts.script(r):
				ours++
				telling = telling || !strings.ContainsRune(lookAlikes, r)
			}
		}
		if ours > 0 && ascii > ours {
			words = append(words, string(runes[w[0]:w[1]]))
			script += ours
		}
	}
	if len(words) == 0 || !telling && script < 2 {
		return nil
	}
	return words
}

// latinReading is v as the Latin code page e reads its bytes, ok when it
// reads each of words as a Latin word: every letter Latin, each beyond
// ASCII a Western one in its place (westernLetter), no ß first.
func (ts *textSource) latinReading(v string, words []string, e legacyEncoding) (string, bool) {
	for _, w := range words {
		read, ok := rereadAs(w, ts.legacy, e.enc)
		if !ok {
			return "", false
		}
		runes := []rune(read)
		for i, r := range runes {
			if !unicode.Is(unicode.Latin, r) || r >= utf8.RuneSelf && !westernLetter(runes, i) || i == 0 && r == 'ß' {
				return "", false
			}
		}
	}
	return rereadAs(v, ts.legacy, e.enc)
}

// scriptName names the declared code page's script for a problem, as
// legacyEncodings' system does ("Cyrillic" of "Cyrillic Windows").
func (ts *textSource) scriptName() string {
	for _, e := range legacyEncodings {
		if e.name == ts.name {
			return strings.Fields(e.system)[0]
		}
	}
	return "its script's"
}

// latinSample is the Latin code page that reads a line of sample, the
// start of a file declared in a non-Latin single-byte code page, as
// Latin words where the declared one reads Latin words with its letters
// in them (mixedWords), nil when none does.
func (ts *textSource) latinSample(sample []byte) *legacyEncoding {
	if ts.legacy == nil || ts.script('a') {
		return nil
	}
	text, err := ts.legacy.NewDecoder().Bytes(sample)
	if err != nil {
		return nil
	}
	for line := range strings.Lines(string(text)) {
		words := ts.mixedWords(line)
		if words == nil {
			continue
		}
		for _, e := range legacyEncodings {
			if e.script('a') && singleByte(e.name) {
				if _, ok := ts.latinReading(line, words, e); ok {
					return &e
				}
			}
		}
	}
	return nil
}

// scriptSample reports whether sample, the start of a file declared in
// a non-Latin single-byte code page, reads as that script's text: three
// lines or more hold a word of two of its letters or more and no other,
// more than twice as many as hold Latin words with its letters in them
// (mixedWords), or three lines or more hold such a word of four letters
// or more, which Western text read so never makes (its words have ASCII
// letters, but for a few short ones such as "ÆØÅ"). A Cyrillic sheet
// with a Western name pasted in is one, and so is one with as many
// Western rows joined in; a Western sheet declared windows-1251 is not.
func (ts *textSource) scriptSample(sample []byte) bool {
	if ts.legacy == nil || ts.script('a') {
		return false
	}
	text, err := ts.legacy.NewDecoder().Bytes(sample)
	if err != nil {
		return false
	}
	ours, long, mixed := 0, 0, 0
	for line := range strings.Lines(string(text)) {
		if ts.mixedWords(line) != nil {
			mixed++
			continue
		}
		if n := ts.longestScriptWord([]rune(line)); n >= 4 {
			long++
		} else if n < 2 {
			continue
		}
		ours++
	}
	return ours >= 3 && (ours > 2*mixed || long >= 3)
}

// longestScriptWord is the length of line's longest word of the declared
// code page's letters and no other (0 when none).
func (ts *textSource) longestScriptWord(line []rune) int {
	longest := 0
	for _, w := range letterWords(line) {
		word := line[w[0]:w[1]]
		if !slices.ContainsFunc(word, func(r rune) bool { return !ts.script(r) }) {
			longest = max(longest, len(word))
		}
	}
	return longest
}

// capitalsAsScript refuses v, a value of a file that showed itself in
// the Latin code page ts.latinSeen (latinAsScript, latinSample), whose
// words of the declared code page's letters that code page reads as a
// word one language writes (oneLanguageWord: "ЖШЕ" for Danish "ÆØÅ"
// under windows-1251): alone, such a word reads either way, and passes.
// In a sheet whose start reads right in the declared code page
// (ts.scriptRead), the Latin one is not advised (pastedIn).
func (ts *textSource) capitalsAsScript(v string) error {
	e := ts.latinSeen
	if e == nil || isASCIIText(v) {
		return nil
	}
	reading, ok := rereadAs(v, ts.legacy, e.enc)
	if !ok {
		return nil
	}
	runes, read := []rune(v), []rune(reading)
	found := false
	for _, w := range letterWords(runes) {
		word := runes[w[0]:w[1]]
		if !slices.ContainsFunc(word, ts.script) {
			continue
		}
		if len(read) != len(runes) || slices.ContainsFunc(word, isASCIILetter) || !oneLanguageWord(read[w[0]:w[1]], wordAlphabets) {
			return nil
		}
		found = true
	}
	if !found {
		return nil
	}
	if ts.scriptRead {
		return fmt.Errorf("%w: recipients.encoding says %s, which reads this as %q, and every message would show that; %s", ErrMisread, ts.name, shorten(v), ts.pastedIn(e.name, reading))
	}
	g := encodingGuess{name: e.name, system: e.system, reading: reading}
	return fmt.Errorf("%w: recipients.encoding says %s, which reads this as %q, and every message would show that (the sheet's other text reads right in %s); %s under recipients", ErrMisread, ts.name, shorten(v), e.name, guessWords([]encodingGuess{g}, "set"))
}

// pastedIn is the advice for a value the declared code page misreads and
// the Latin code page named other reads as reading, in a sheet whose
// start reads right in the declared one (ts.scriptRead): the value came
// from a file in other, pasted or joined in, and setting other would
// misread every other row, so it is to be typed again and the sheet
// saved as CSV UTF-8.
func (ts *textSource) pastedIn(other, reading string) string {
	return fmt.Sprintf("the sheet's other text reads right in %s, so this text came from a file in %s (which reads it as %q), pasted or joined in: type it as it should read and save the sheet as \"CSV UTF-8\", then take recipients.encoding out (%s has no such letters)", ts.name, other, reading, ts.name)
}

// hasASCIILetter reports whether v holds an ASCII letter.
func hasASCIILetter(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i] | 0x20; c >= 'a' && c <= 'z' {
			return true
		}
	}
	return false
}

// isASCIILetter reports whether r is an ASCII letter.
func isASCIILetter(r rune) bool { return r < utf8.RuneSelf && unicode.IsLetter(r) }
