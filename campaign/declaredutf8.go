package campaign

import (
	"bytes"
	"fmt"
	"slices"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
)

// minUTF8Runes is how many characters beyond ASCII, all valid UTF-8, the
// start of a file must hold for utf8Declared to call it UTF-8: text in a
// single-byte code page puts a lone byte beyond ASCII beside an ASCII one
// in almost every word ("SØREN": 0xD8 then 'R', no UTF-8), so one or two
// pairs that happen to make UTF-8 ("GÓŁKA" in windows-1250: 0xD3 0xA3)
// are chance, and three, with no byte that is not UTF-8, are not.
const minUTF8Runes = 3

// utf8Declared refuses a file the campaign declares in another encoding
// than UTF-8 or UTF-16 (enc, named canon; declared as written) whose start
// (sample, the first sniffSize bytes or all of a shorter file) is UTF-8
// holding at least minUTF8Runes characters beyond ASCII, or, in a
// single-byte code page, fewer that are UTF-8 all the same
// (fewReadAsUTF8: a short list whose one "Paweł" windows-1250 would send
// as "PaweĹ‚", no garbled check knowing that code page): last year's
// campaign file, which said windows-1258 for a sheet Excel exported as
// "CSV UTF-8" this year, would send every name garbled ("Nguyá»…n" for
// "Nguyễn") and, for a code page no garbled check knows, silently; gbk
// reads two Chinese characters in UTF-8 (six bytes) as three others
// ("李華" as "鏉庤彲"), which no check of its own notices either. Text in
// a double-byte encoding is seldom UTF-8: its trail bytes seldom follow a
// UTF-8 lead as UTF-8 wants; when it is (a short list of names), it reads
// as UTF-8 in other scripts than the code page's, and a double-byte code
// page is refused only for a start that reads as its scripts
// (eastAsianRead, three characters or more) or as accented letters
// inside Latin words (latinNamesRead, one or more: "Jürgen Müller", which
// gbk sends as "J眉rgen M眉ller"; a list whose one "René" it sends as
// "Ren茅"). A single-byte code page's text whose capitals make UTF-8 as
// letters of another script inside Latin words in capitals
// (otherScriptInside: "GÓŁKA" in iso-8859-2) is read as declared,
// however many.
// It returns nil otherwise.
func utf8Declared(sample []byte, enc encoding.Encoding, canon, declared string) error {
	if len(sample) == sniffSize {
		sample = trimPartialRune(sample)
	}
	if !utf8.Valid(sample) {
		return nil
	}
	n, double := countBeyondASCII(sample), !oneByteEach(enc)
	few := n < minUTF8Runes
	if n == 0 || few && !double && !fewReadAsUTF8(sample, enc) || !double && otherScriptInside(sample, enc) {
		return nil
	}
	if double && !latinNamesRead(sample) && (few || !eastAsianRead(sample)) {
		return nil // a double-byte code page's own text, UTF-8 by chance
	}
	cell := firstCellBeyondASCII(sample)
	misread, err := enc.NewDecoder().Bytes(cell)
	if err != nil {
		return nil
	}
	return badEncodingError(fmt.Sprintf("the file is UTF-8 (\"CSV UTF-8\"), not recipients.encoding %q: %s reads %q as %q, and every message would show that; take `encoding: %s` out from under recipients: in the campaign file",
		declared, canon, shorten(string(cell)), shorten(string(misread)), declared))
}

// fewReadAsUTF8 reports whether sample, valid UTF-8 with fewer than
// minUTF8Runes characters beyond ASCII, is UTF-8 all the same: each of
// them is a letter of a European name (U+00C0–U+017F: "ł" in "Paweł"),
// and enc, a single-byte code page, reads its bytes with a character
// that is no letter ("Ĺ‚" in windows-1250) or with a capital inside a
// word ("SĆøren" for "Søren" in windows-1257), neither of which a name in
// enc holds beside a letter. A name truly in enc whose bytes happen to
// make UTF-8 reads as another script there ("GÓŁKA": U+04E3, Cyrillic)
// or as letters of a word in enc too ("FĂŞIE" in windows-1250, "ê" in
// UTF-8), and is read as declared.
func fewReadAsUTF8(sample []byte, enc encoding.Encoding) bool {
	read, err := enc.NewDecoder().Bytes(sample)
	if err != nil {
		return false
	}
	runes := []rune(string(read))
	if len(runes) != len(sample) {
		return false // not a character a byte
	}
	for i := 0; i < len(sample); {
		r, n := utf8.DecodeRune(sample[i:])
		if r >= utf8.RuneSelf && (!nameLetter(r) || !noLetterIn(runes[i:i+n]) && !capitalInside(runes, i, i+n)) {
			return false
		}
		i += n
	}
	return true
}

// otherScriptInside reports whether sample, valid UTF-8, read so holds
// characters beyond ASCII that are all letters of a script of their own
// (not Latin, nor the micro sign's Common) inside words in capitals:
// text in a single-byte code page whose pairs of capitals happen to
// make UTF-8, as many as they come ("GÓŁKA", "STÓŁ", "KÓŁKO" in
// iso-8859-2 or windows-1250: Ó Ł is D3 A3, UTF-8 for the Cyrillic "ӣ",
// read "GӣKA"). Only capitals do: such a code page's small letters lead
// no two-byte UTF-8 character. Each letter, read in enc, is capitals
// (capitalsIn), and the ASCII letters beside it are capitals, one at
// least (capitalsBeside). No word of a UTF-8 sheet puts a Cyrillic or
// Greek letter between Latin capitals; a name in that script is letters
// of it side by side ("Иван"), a Greek unit beside Latin small letters
// ("5μg", "10kΩ", which iso-8859-2 reads "5Îźg", "10kÎŠ"), as is a
// Cyrillic letter typed by mistake in a Latin name ("Olеna"), and an
// accent written as a combining mark (as macOS writes "Jiří") is no
// letter.
func otherScriptInside(sample []byte, enc encoding.Encoding) bool {
	runes := []rune(string(sample))
	seen := false
	for i, r := range runes {
		if r < utf8.RuneSelf {
			continue
		}
		if !unicode.IsLetter(r) || unicode.In(r, unicode.Latin, unicode.Common) || !capitalsBeside(runes, i) || !capitalsIn(r, enc) {
			return false
		}
		seen = true
	}
	return seen
}

// capitalsBeside reports whether the ASCII letters just before and after
// runes[i] are capitals, and there is one at least.
func capitalsBeside(runes []rune, i int) bool {
	seen := false
	for _, j := range []int{i - 1, i + 1} {
		if asciiLetterAt(runes, j) {
			if !unicode.IsUpper(runes[j]) {
				return false
			}
			seen = true
		}
	}
	return seen
}

// capitalsIn reports whether enc reads r's UTF-8 bytes as capital
// letters only ("ӣ" as "ÓŁ" in iso-8859-2; not "μ", "Îź").
func capitalsIn(r rune, enc encoding.Encoding) bool {
	read, err := enc.NewDecoder().Bytes(utf8.AppendRune(nil, r))
	if err != nil || len(read) == 0 {
		return false
	}
	for _, c := range string(read) {
		if !unicode.IsUpper(c) {
			return false
		}
	}
	return true
}

// oneByteEach reports whether enc reads each byte beyond ASCII as one
// character (a single-byte code page), not two as one (gbk, big5,
// shift_jis, euc-kr).
func oneByteEach(enc encoding.Encoding) bool {
	high := make([]byte, 0, 128)
	for c := 0x80; c <= 0xFF; c++ {
		high = append(high, byte(c))
	}
	read, err := enc.NewDecoder().Bytes(high)
	return err == nil && utf8.RuneCount(read) == len(high)
}

// eastAsianRead reports whether sample, valid UTF-8, read so holds
// characters of the scripts a double-byte code page is for (Han, kana,
// Hangul, CJK punctuation and full-width forms) at least as often as
// others beyond ASCII: a sheet saved as "CSV UTF-8" under a campaign
// that still declares gbk does. Text truly in such a code page that is
// UTF-8 by chance ("郑伟" in gbk: D6 A3 CE B0, UTF-8 for "֣ΰ";
// half-width "ﾏｷ" in shift_jis, UTF-8 for "Ϸ") reads as letters of
// other scripts and marks, two bytes each, and is read as declared.
func eastAsianRead(sample []byte) bool {
	cjk, other := 0, 0
	for _, r := range string(sample) {
		switch {
		case r < utf8.RuneSelf:
		case eastAsianChar(r):
			cjk++
		default:
			other++
		}
	}
	return cjk >= other
}

// eastAsianChar reports whether r is a character of the scripts a
// double-byte code page is for: a Chinese, Japanese or Korean letter
// (Han, kana, Hangul, Bopomofo), CJK punctuation (U+3000–U+303F) or a
// full-width form (U+FF00–U+FFEF). utf8Declared (a file's start) and
// utf8AsDoubleByte (a value) tell UTF-8 read in such a code page by it.
func eastAsianChar(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Bopomofo) ||
		r >= 0x3000 && r <= 0x303F || r >= 0xFF00 && r <= 0xFFEF
}

// latinNamesRead reports whether sample, valid UTF-8, read so holds
// characters beyond ASCII that are all accented letters of European names
// (nameLetter), each beside an ASCII letter ("Jürgen", "Straße"): a
// European list saved as "CSV UTF-8" under a campaign that declares a
// double-byte code page. That code page's own text seldom makes UTF-8
// at all, and when it does, not such letters inside ASCII words.
func latinNamesRead(sample []byte) bool {
	runes := []rune(string(sample))
	seen := false
	for i, r := range runes {
		if r < utf8.RuneSelf {
			continue
		}
		if !nameLetter(r) || !asciiLetterAt(runes, i-1) && !asciiLetterAt(runes, i+1) {
			return false
		}
		seen = true
	}
	return seen
}

// asciiLetterAt reports whether runes[i] exists and is an ASCII letter.
func asciiLetterAt(runes []rune, i int) bool {
	if i < 0 || i >= len(runes) {
		return false
	}
	r := runes[i] | 0x20
	return r >= 'a' && r <= 'z'
}

// nameLetter reports whether r is a letter of the Latin-1 Supplement or
// Latin Extended-A, the accented letters of European names.
func nameLetter(r rune) bool {
	return r >= '\u00c0' && r <= '\u017f' && r != '\u00d7' && r != '\u00f7'
}

// noLetterIn reports whether read holds a character that is neither a
// letter nor a mark (a symbol, punctuation, a control, or none).
func noLetterIn(read []rune) bool {
	return slices.ContainsFunc(read, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsMark(r) })
}

// capitalInside reports whether one of runes[from:to] is a capital
// inside a word: a letter before it, and that one or the one after it
// small ("SĆø").
func capitalInside(runes []rune, from, to int) bool {
	for k := max(from, 1); k < to; k++ {
		if !unicode.IsUpper(runes[k]) || !unicode.IsLetter(runes[k-1]) {
			continue
		}
		if unicode.IsLower(runes[k-1]) || k+1 < len(runes) && unicode.IsLower(runes[k+1]) {
			return true
		}
	}
	return false
}

// trimPartialRune is b without the start of a character its end cuts off.
func trimPartialRune(b []byte) []byte {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

// countBeyondASCII counts the characters beyond ASCII in b, valid UTF-8.
func countBeyondASCII(b []byte) int {
	n := 0
	for _, c := range b {
		if c >= 0xC0 { // a lead byte: one character
			n++
		}
	}
	return n
}

// firstCellBeyondASCII is the first run of b between delimiters, quotes
// and line ends (what a CSV sheet's cell most likely is) that holds a byte
// beyond ASCII; nil when there is none.
func firstCellBeyondASCII(b []byte) []byte {
	i := bytes.IndexFunc(b, func(r rune) bool { return r >= utf8.RuneSelf })
	if i < 0 {
		return nil
	}
	start := bytes.LastIndexAny(b[:i], cellEnds) + 1
	end := len(b)
	if j := bytes.IndexAny(b[i:], cellEnds); j >= 0 {
		end = i + j
	}
	return b[start:end]
}

// cellEnds are the bytes that end a cell of a CSV sheet, whatever its
// delimiter.
const cellEnds = ",;\t|\"\r\n"
