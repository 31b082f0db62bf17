package campaign

import (
	"bytes"
	"slices"
	"strings"
	"unicode/utf8"
)

// sampleFloor is the least readingScore a reading of a file's start
// needs to rank the guesses: lower than a value's own (0.75), as a page
// of Vietnamese has many letters beside no ASCII one ("Đà Nẵng"), which
// readingScore does not count, and only the order of guesses the value
// itself allows, and the best of the file's, rest on it.
const sampleFloor = 0.5

// sampleGuesses are the guesses for v, a value that is not UTF-8, with
// the file's start (sample, up to sniffSize bytes as the file has them)
// as evidence: a header cell such as "Şirket" holds too little to tell
// Turkish from Western European Windows, and the names below it do not
// ("ŞÜKRÜ ÇAĞLAR" reads as one language only in windows-1254). The code
// pages that read the sample best come first, each reading v, then v's
// own guesses (guessEncodings), at most three, no two reading v alike.
// A sample that is UTF-8 says nothing of v (a bad row further down) and
// is not used.
func sampleGuesses(v string, sample []byte) []encodingGuess {
	own := guessEncodings(v)
	if i := bytes.LastIndexByte(sample, '\n'); i >= 0 {
		sample = sample[:i] // no character cut at the end
	}
	if utf8.Valid(sample) {
		return own
	}
	var out []encodingGuess
	for _, w := range scoredReadings(string(sample), sampleFloor) {
		e := legacyEncodings[slices.IndexFunc(legacyEncodings, func(e legacyEncoding) bool { return e.name == w.name })]
		reading, err := e.enc.NewDecoder().String(v)
		if err == nil && !strings.ContainsRune(reading, utf8.RuneError) {
			out = append(out, encodingGuess{w.name, w.system, reading, w.score})
		}
	}
	for _, g := range own {
		if !slices.ContainsFunc(out, func(o encodingGuess) bool { return o.reading == g.reading }) {
			out = append(out, g)
		}
	}
	return out[:min(len(out), 3)]
}
