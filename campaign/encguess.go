package campaign

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// encodingGuess is a legacy encoding a value that is not UTF-8 may be in,
// and what the value reads as in it.
type encodingGuess struct {
	name, system, reading string
	score                 float64
	// further is a value further on in the file as the encoding reads
	// it, where another guess reading this one alike reads otherwise
	// ("" when no other guess reads this one alike).
	further string
}

// legacyEncoding is a code page guessEncodings knows: its name, the
// system that writes it, its decoder and the script of its letters.
type legacyEncoding struct {
	name, system string
	enc          encoding.Encoding
	script       func(rune) bool
}

// legacyEncodings are the code pages Excel and Notepad write text in on
// Windows (and old Macs), in the order a tie goes.
var legacyEncodings = []legacyEncoding{
	{"gb18030", "Chinese Windows", simplifiedchinese.GB18030, isIn(unicode.Han)},
	{"shift_jis", "Japanese Windows", japanese.ShiftJIS, isIn(unicode.Han, unicode.Hiragana, unicode.Katakana)},
	{"euc-kr", "Korean Windows", korean.EUCKR, isIn(unicode.Hangul, unicode.Han)},
	{"big5", "Traditional Chinese Windows", traditionalchinese.Big5, isIn(unicode.Han)},
	{"windows-1252", "Western European Windows", charmap.Windows1252, isIn(unicode.Latin)},
	{"windows-1256", "Arabic Windows", charmap.Windows1256, isIn(unicode.Arabic)},
	{"windows-1251", "Cyrillic Windows", charmap.Windows1251, isIn(unicode.Cyrillic)},
	{"windows-1253", "Greek Windows", charmap.Windows1253, isIn(unicode.Greek)},
	{"windows-1255", "Hebrew Windows", charmap.Windows1255, isIn(unicode.Hebrew)},
	{"ibm850", "Western European Windows as \"CSV (MS-DOS)\"", charmap.CodePage850, isIn(unicode.Latin)},
	{"macintosh", "Mac (\"CSV (Macintosh)\")", charmap.Macintosh, isIn(unicode.Latin)},
	{"windows-1250", "Central European Windows", charmap.Windows1250, isIn(unicode.Latin)},
	{"windows-1254", "Turkish Windows", charmap.Windows1254, isIn(unicode.Latin)},
	{"windows-1258", "Vietnamese Windows", charmap.Windows1258, isIn(unicode.Latin)},
}

// westernLetter reports whether runes[i], a Latin character beyond
// ASCII, reads as a letter of a Western European word: one of Latin-1's
// or Latin Extended-A's letters (not ƒ, which the code pages put where
// others have ü; º and ª only at a word's end, as in Nº, not for ß as in
// "Straºe"), and not a capital inside a word ("CafÄ", "MÜller",
// "JÅrgen": é, ö and ü of one code page read in another). This tells the
// Western code pages (Windows', DOS's, the Mac's) apart. Vietnamese's ơ
// and ư, and its vowels with a tone (vietnameseTone), are letters too.
func westernLetter(runes []rune, i int) bool {
	r := runes[i]
	if r == 'º' || r == 'ª' {
		return i+1 == len(runes) || !unicode.IsLetter(runes[i+1])
	}
	vietnamese := r == 'Ơ' || r == 'ơ' || r == 'Ư' || r == 'ư' || vietnameseTone(r)
	if !vietnamese && (r < 0xC0 || r > 0x17F || r == 0xD7 || r == 0xF7) {
		return false
	}
	if !unicode.IsUpper(r) {
		return true
	}
	prev := i > 0 && unicode.IsLetter(runes[i-1])
	return !(prev && unicode.IsLower(runes[i-1])) && !(prev && i+1 < len(runes) && unicode.IsLower(runes[i+1]))
}

func isIn(tables ...*unicode.RangeTable) func(rune) bool {
	return func(r rune) bool { return unicode.In(r, tables...) }
}

// guessEncodings reads v, text that is not UTF-8, in each legacy encoding
// and returns those it reads as plausible text (at most three, two of
// them double-byte, likeliest first, no two reading the same): its
// characters beyond ASCII in the encoding's script and, for Latin, beside
// an ASCII letter as in Müller; for the others, not (Arabic, Cyrillic,
// Greek and Han words are all their own letters); for the double-byte encodings, in the common rows of the
// code page (GB2312's, Big5's, KS X 1001's lead bytes from 0xA1, where
// Shift_JIS's kanji and kana lie below), and for Shift_JIS no half-width
// katakana (what Chinese text reads as there). The guesses only feed a
// suggestion; nothing is ever read with a guessed encoding.
func guessEncodings(v string) []encodingGuess {
	out := scoredReadings(v, 0.75)
	// At most two double-byte readings, which read much alike (Arabic
	// or Cyrillic words of an even length read as Chinese, Korean and
	// Big5 Han), so that a single-byte code page gets a place.
	var kept []encodingGuess
	double := 0
	for _, g := range out {
		if !singleByte(g.name) {
			if double == 2 {
				continue
			}
			double++
		}
		kept = append(kept, g)
	}
	return kept[:min(len(kept), 3)]
}

// scoredReadings are v's readings in the legacy encodings that score
// floor or more (readingScore, in the common rows of a double-byte code
// page: commonRows), no two alike, best first; a tie goes to the reading
// whose words are more one language's (oneLanguageShare), then to the one
// with fewer signs inside its words (signsInWords).
func scoredReadings(v string, floor float64) []encodingGuess {
	var out []encodingGuess
	for _, e := range legacyEncodings {
		reading, err := e.enc.NewDecoder().String(v)
		if err != nil || strings.ContainsRune(reading, utf8.RuneError) {
			continue
		}
		score := readingScore([]rune(reading), e.script, singleByte(e.name))
		if score < 0 {
			continue
		}
		score *= commonRows(e.name, v)
		if score >= floor && !slices.ContainsFunc(out, func(g encodingGuess) bool { return g.reading == reading }) {
			out = append(out, encodingGuess{name: e.name, system: e.system, reading: reading, score: score})
		}
	}
	slices.SortStableFunc(out, func(a, b encodingGuess) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		if c := cmp.Compare(oneLanguageShare(b.reading), oneLanguageShare(a.reading)); c != 0 {
			return c
		}
		return cmp.Compare(signsInWords(a.reading), signsInWords(b.reading))
	})
	return out
}

// signsInWords counts the characters beyond ASCII in reading that are no
// letter (nor a letter's mark) and stand beside a letter: windows-1252
// reads Polish "Łęcka" as "£êcka" and "Paweł" as "Pawe³", where
// windows-1250 reads the same bytes as letters; a sign on its own ("5 €",
// "§ 3") is not counted.
func signsInWords(reading string) int {
	runes := []rune(reading)
	n := 0
	for i, r := range runes {
		if r < utf8.RuneSelf || unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) {
			continue
		}
		if i > 0 && unicode.IsLetter(runes[i-1]) || i+1 < len(runes) && unicode.IsLetter(runes[i+1]) {
			n++
		}
	}
	return n
}

// readingScore is the share of runes' characters beyond ASCII that read
// as letters of script, -1 when there are none. Latin letters stand
// beside ASCII ones, as in Müller, and read as Western or Central European
// letters (westernLetter); other scripts' letters stand apart from ASCII
// ones (Arabic, Cyrillic, Greek and Han words are all their own letters),
// and in a single-byte code page one inside an ASCII word ("Јukasz":
// Polish read as Cyrillic) rules the reading out (0).
func readingScore(runes []rune, script func(rune) bool, single bool) float64 {
	latin := script('a')
	good, all := 0, 0
	for i, r := range runes {
		if r < utf8.RuneSelf || unicode.Is(unicode.Mn, r) && i > 0 && (unicode.IsLetter(runes[i-1]) || unicode.Is(unicode.Mn, runes[i-1])) {
			continue // a combining mark is part of the letter before it
		}
		all++
		if r >= 0x3000 && r <= 0x303F || r >= 0xFF01 && r <= 0xFF5E {
			r = '一' // CJK punctuation and full-width forms
		}
		beside := besideASCII(runes, i)
		switch {
		case !script(r):
		case !latin && beside && single:
			return 0
		case latin && beside && westernLetter(runes, i), !latin && !beside:
			good++
		}
	}
	if all == 0 {
		return -1
	}
	return float64(good) / float64(all)
}

// besideASCII reports whether runes[i] stands beside an ASCII letter,
// past the combining marks after it (windows-1258's "Đư\u0301c").
func besideASCII(runes []rune, i int) bool {
	next := i + 1
	for next < len(runes) && unicode.Is(unicode.Mn, runes[next]) {
		next++
	}
	return i > 0 && runes[i-1] < utf8.RuneSelf && unicode.IsLetter(runes[i-1]) ||
		next < len(runes) && runes[next] < utf8.RuneSelf && unicode.IsLetter(runes[next])
}

// singleByte reports whether the legacy encoding name is a single-byte
// code page.
func singleByte(name string) bool {
	return name == "macintosh" || name == "ibm850" || strings.HasPrefix(name, "windows-")
}

// commonRows is the share of v's double-byte characters in name's common
// rows (see guessEncodings), a GB18030 four-byte character counting as
// one of gb18030's; 1 for a single-byte encoding.
func commonRows(name, v string) float64 {
	common, all := 0, 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c < utf8.RuneSelf:
			continue
		case name == "shift_jis":
			all++
			if c < 0xA1 || c > 0xDF { // not half-width katakana
				common++
				i++
			}
		case name == "gb18030" && gb18030Four(v[i:]):
			all++
			common++
			i += 3
		case name == "gb18030" || name == "euc-kr" || name == "big5":
			all++
			if c >= 0xA1 && i+1 < len(v) && (name == "big5" || v[i+1] >= 0xA1) {
				common++
			}
			i++
		default: // a single-byte code page
			return 1
		}
	}
	if all == 0 {
		return 1
	}
	return float64(common) / float64(all)
}

// gb18030Four reports whether v starts with one of GB18030's four-byte
// sequences (its characters beyond GBK: CJK Extension B and later, Uyghur,
// Tibetan), which no other code page has: a lead byte, a digit, a lead
// byte, a digit.
func gb18030Four(v string) bool {
	lead := func(c byte) bool { return c >= 0x81 && c <= 0xFE }
	digit := func(c byte) bool { return c >= '0' && c <= '9' }
	return len(v) >= 4 && lead(v[0]) && digit(v[1]) && lead(v[2]) && digit(v[3])
}

// guessWords says what to write under recipients: verb is "add" or
// "set". One guess is named with the system that writes it and what it
// reads the value as, for the user to see the names come right; several
// with what each reads the value as, for the user to tell which is right.
func guessWords(guesses []encodingGuess, verb string) string {
	switch len(guesses) {
	case 0:
		return fmt.Sprintf("no code page tidings knows reads it as text: %s `encoding:` with the sheet's encoding", verb)
	case 1:
		g := guesses[0]
		reads := ""
		if g.reading != "" {
			reads = fmt.Sprintf(" (which reads it as %q)", shorten(g.reading))
		}
		return fmt.Sprintf("the text looks like %s%s, as Excel writes CSV on a %s: %s `encoding: %s`", g.name, reads, g.system, verb, g.name)
	}
	var each []string
	for _, g := range guesses {
		words := fmt.Sprintf("`encoding: %s` (%s) reads it as %q", g.name, g.system, shorten(g.reading))
		if g.further != "" {
			words += fmt.Sprintf(", and %q further on", shorten(g.further))
		}
		each = append(each, words)
	}
	return fmt.Sprintf("it may be in one of these code pages: %s; %s the one that reads it right", strings.Join(each, ", "), verb)
}

// shorten cuts s to its first 40 characters.
func shorten(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
