package campaign

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
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
// own guesses (guessEncodings), at most three. Two of the sample's that
// read v alike ("Anna Kühn" in windows-1250 and -1252) each carry, as
// further, a value of the sample they read apart ("Zofia Łęcka", "Zofia
// £êcka"); none of the others reads v as another does.
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
		reading, ok := readIn(w.name, v)
		if !ok {
			continue
		}
		g := encodingGuess{name: w.name, system: w.system, reading: reading, score: w.score}
		if i := slices.IndexFunc(out, func(o encodingGuess) bool { return o.reading == reading }); i >= 0 {
			// Both read v alike, not the sample: quote where they
			// differ (two at most: a third's value might not).
			inOut, inG, found := readApart(sample, out[i].name, w.name)
			if !found || out[i].further != "" {
				continue
			}
			out[i].further, g.further = inOut, inG
		}
		out = append(out, g)
	}
	for _, g := range own {
		if !slices.ContainsFunc(out, func(o encodingGuess) bool { return o.reading == g.reading }) {
			out = append(out, g)
		}
	}
	return out[:min(len(out), 3)]
}

// readIn is v read in the legacy encoding name, and whether it reads
// without a character the encoding lacks.
func readIn(name, v string) (string, bool) {
	i := slices.IndexFunc(legacyEncodings, func(e legacyEncoding) bool { return e.name == name })
	if i < 0 {
		return "", false
	}
	reading, err := legacyEncodings[i].enc.NewDecoder().String(v)
	return reading, err == nil && !strings.ContainsRune(reading, utf8.RuneError)
}

// rereadAs is v, a value read in the code page from, as the code page to
// reads its bytes: what the file says were its writer's code page to.
// ok is false when from holds no byte for a character of v or to reads
// its bytes as no text.
func rereadAs(v string, from, to encoding.Encoding) (reading string, ok bool) {
	raw, err := from.NewEncoder().String(v)
	if err != nil {
		return "", false
	}
	reading, err = to.NewDecoder().String(raw)
	return reading, err == nil
}

// misreadAsWestern is the problem of v, a value of a file declared
// windows-1252, that the code page g reads as g.reading (Central
// European, Turkish): every message would show v as it reads now.
func misreadAsWestern(v string, g encodingGuess) error {
	return fmt.Errorf("%w: recipients.encoding says windows-1252, which reads this as %q, and every message would show that; %s under recipients", ErrMisread, shorten(v), guessWords([]encodingGuess{g}, "set"))
}

// readApart finds the first value of sample (a piece of a line between
// delimiters or quotes) that the encodings a and b read differently,
// and returns both readings; found is false when there is none.
func readApart(sample []byte, a, b string) (inA, inB string, found bool) {
	cells := strings.FieldsFunc(string(sample), func(r rune) bool { return strings.ContainsRune(",;\t|\"\r\n", r) })
	for _, cell := range cells {
		if isASCIIText(cell) {
			continue
		}
		ra, okA := readIn(a, cell)
		rb, okB := readIn(b, cell)
		if okA && okB && ra != rb {
			return strings.TrimSpace(ra), strings.TrimSpace(rb), true
		}
	}
	return "", "", false
}
