package campaign

import (
	"fmt"
	"slices"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// misread refuses a value the declared single-byte code page reads as no
// text while another code page reads it as text: at least two letters
// beyond ASCII, none of them where the code page's script has its letters
// (readingScore 0: "Èâàí Ïåòðîâ", Cyrillic "Иван Петров" read as
// windows-1252; "ÀÎ" for "АО"; "SШREN" for "SØREN" read as windows-1251),
// so every message would show it garbled. It returns nil when v is sound,
// no other code page reads it better, or the encoding was not declared.
// A word all of letters beyond ASCII that one language writes
// (oneLanguageWord of wordAlphabets: "ÆØÅ ApS", "Żółć", "ÞÚ") counts as
// letters but reads neither way (weighWords). Under windows-1252, Turkish
// written in windows-1254 is refused too (turkishAsWestern), and so is
// Central European text written in windows-1250 (centralAsWestern), and under a
// non-Latin one Latin words with its letters in them ("Mьller":
// latinAsScript) that misreadText lets pass, and once the sheet showed
// that, a word one language writes read in its letters ("ЖШЕ" for "ÆØÅ":
// capitalsAsScript). A row
// problem, not the file's: the value may be one odd word in a sheet read
// right.
func (ts *textSource) misread(v string) error {
	if err := ts.misreadText(v); err != nil || ts.legacy == nil || ts.script('a') {
		return err
	}
	if err := ts.latinAsScript(v); err != nil {
		return err
	}
	return ts.capitalsAsScript(v)
}

// misreadText is misread but for latinAsScript: a value read as no text.
func (ts *textSource) misreadText(v string) error {
	if ts.legacy == nil || isASCIIText(v) {
		return nil
	}
	if err := ts.utf8AsCodePage(v); err != nil {
		return err
	}
	if ts.name == "windows-1252" {
		if err := ts.turkishAsWestern(v); err != nil {
			return err
		}
		if err := ts.centralAsWestern(v); err != nil {
			return err
		}
	}
	runes := []rune(v)
	latin := ts.script('a')
	if !latin && hasASCIILetter(v) {
		ts.blankCaseEndings(runes)
	}
	letters := weighWords(runes, latin)
	if letters < 2 || readingScore(runes, ts.script, true) != 0 {
		return nil
	}
	if latin && !slices.ContainsFunc(runes, isLetterBeyondASCII) {
		// Its letters beyond ASCII all in words one language writes,
		// beside a sign ("ÆØÅ ©", "ÅÄÖ € 50"): no reading either way.
		return nil
	}
	if !latin && readingScore(runes, isIn(unicode.Latin), true) > 0 {
		// Latin words the code page holds too: windows-1256 has
		// French's letters, for "Gérard Lefèvre" in an Arabic sheet.
		return nil
	}
	raw, err := ts.legacy.NewEncoder().String(v)
	if err != nil {
		return nil
	}
	var others []encodingGuess
	for _, g := range guessEncodings(raw) {
		if g.reading != v {
			others = append(others, g)
		}
	}
	if len(others) == 0 {
		return nil
	}
	if g, ok := latinGuess(others); ok && ts.scriptRead {
		return ts.latinPastedIn(v, g.name, g.reading)
	}
	return fmt.Errorf("%w: recipients.encoding says %s, which reads this as %q, and every message would show that; %s under recipients", ErrMisread, ts.name, shorten(v), guessWords(others, "set"))
}

// latinGuess is the first of guesses whose code page is a Latin one.
func latinGuess(guesses []encodingGuess) (encodingGuess, bool) {
	for _, g := range guesses {
		for _, e := range legacyEncodings {
			if e.name == g.name && e.script('a') {
				return g, true
			}
		}
	}
	return encodingGuess{}, false
}

// weighWords counts the letters beyond ASCII of runes (a value) that
// misread weighs, latin when the declared code page is a Latin one, and
// blanks in runes what is to be read neither way: a word all of letters
// one language writes (wordAlphabets), and the ASCII look-alikes in a
// word mostly of a non-Latin code page's script. A lone letter beyond
// ASCII in its word is not counted under a Latin code page.
func weighWords(runes []rune, latin bool) int {
	letters := 0
	for _, w := range letterWords(runes) {
		beyond, ascii := 0, 0
		for _, r := range runes[w[0]:w[1]] {
			switch {
			case r < utf8.RuneSelf:
				ascii++
			case !unicode.Is(unicode.Mn, r):
				beyond++
			}
		}
		switch {
		case latin && beyond < 2:
			// A letter beyond ASCII on its own ("à Paris", "è",
			// "1ª") or the only one in its word ("µg"): a Latin
			// code page misreads other scripts as words of them.
		case latin && ascii == 0 && oneLanguageWord(runes[w[0]:w[1]], wordAlphabets):
			// A word all of letters beyond ASCII that one language
			// writes ("ÆØÅ ApS", "Żółć", "ÅÄÖ"): another script's
			// short words read so too ("ООО" as "ÎÎÎ"), so it counts
			// as letters but not as a reading either way.
			letters += beyond
			for i := w[0]; i < w[1]; i++ {
				runes[i] = ' '
			}
		case !latin && beyond > ascii:
			// A word mostly of the script with an ASCII look-alike
			// typed in ("Вiктор", Ukrainian with a Latin i): what
			// another script's text reads as is mostly ASCII
			// ("Јukasz"), so the look-alike does not rule it out.
			letters += beyond
			for i := w[0]; i < w[1]; i++ {
				if runes[i] < utf8.RuneSelf {
					runes[i] = ' '
				}
			}
		default:
			letters += beyond
		}
	}
	return letters
}

// letterWords are the [start, end) spans of runes' runs of letters, with
// the combining marks after a letter (windows-1258's tones: "Đư\u0301c").
func letterWords(runes []rune) [][2]int {
	var out [][2]int
	start := -1
	for i, r := range runes {
		inWord := unicode.IsLetter(r) || start >= 0 && unicode.Is(unicode.Mn, r)
		switch {
		case inWord && start < 0:
			start = i
		case !inWord && start >= 0:
			out = append(out, [2]int{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, [2]int{start, len(runes)})
	}
	return out
}

// isLetterBeyondASCII reports whether r is a letter beyond ASCII.
func isLetterBeyondASCII(r rune) bool { return r >= utf8.RuneSelf && unicode.IsLetter(r) }

// utf8AsCodePage refuses v, a value read in the single-byte code page
// declared, whose bytes are UTF-8 text: characters of more than one byte,
// letters all where v has signs beyond ASCII that are none ("JÃ¼rgen" for
// "Jürgen"), as a sheet saved as UTF-8 whose first 16 KB were plain ASCII
// gives, or a row joined in from a UTF-8 file. The other code pages'
// readings of such bytes are as wrong ("JĂĽrgen"). It returns nil
// otherwise.
func (ts *textSource) utf8AsCodePage(v string) error {
	if _, single := ts.legacy.(*charmap.Charmap); !single || !hasSignBeyondASCII(v) {
		return nil
	}
	raw, err := ts.legacy.NewEncoder().String(v)
	if err != nil || !utf8.ValidString(raw) || utf8.RuneCountInString(raw) == len(raw) || hasSignBeyondASCII(raw) {
		return nil
	}
	return fmt.Errorf("%w: recipients.encoding says %s, which reads this as %q, and every message would show that; its bytes are UTF-8, which reads them as %q: if the sheet was saved as UTF-8, take recipients.encoding out; if this row came from a UTF-8 file, joined in, type it again", ErrMisread, ts.name, shorten(v), shorten(raw))
}

// utf8AsDoubleByte refuses v, a value read in the double-byte code page
// declared (gbk, gb18030, big5 …), whose bytes are UTF-8 text of two
// characters or more beyond ASCII, all Chinese, Japanese or Korean
// (eastAsianOnly), or accented letters inside Latin words
// (latinNamesRead): a row joined in from a UTF-8 file, or typed in an
// editor that saved it so, into a sheet the start of which is in the code
// page (utf8Declared refuses a file that starts so), whose name gbk would
// send as "鏉庡崕" for "李华". The code page's own text seldom makes
// UTF-8, and when it does, seldom of those scripts alone. It returns nil
// otherwise.
func (ts *textSource) utf8AsDoubleByte(v string) error {
	if ts.double == nil || isASCIIText(v) {
		return nil
	}
	raw, ok := ts.inDoubleByte(v)
	if !ok || !utf8.Valid(raw) || countBeyondASCII(raw) < 2 {
		return nil
	}
	if !eastAsianOnly(raw) && !latinNamesRead(raw) {
		return nil
	}
	return fmt.Errorf("%w: recipients.encoding says %s, which reads this as %q, and every message would show that; its bytes are UTF-8, which reads them as %q: if this row came from a UTF-8 file, joined in or saved by another editor, type it again in the sheet (or save the whole sheet as \"CSV UTF-8\" and take recipients.encoding out)", ErrMisread, ts.name, shorten(v), shorten(string(raw)))
}

// inDoubleByte is v written back in the declared double-byte code page
// (ts.double): the bytes the file holds. It writes into buffers ts keeps,
// so that a sheet of a million rows allocates nothing for it per cell;
// the result holds until the next call. ok is false when the code page
// has no bytes for a character of v.
func (ts *textSource) inDoubleByte(v string) (raw []byte, ok bool) {
	if ts.doubleEncoder == nil {
		ts.doubleEncoder = ts.double.NewEncoder()
	}
	ts.doubleEncoder.Reset()
	ts.doubleIn = append(ts.doubleIn[:0], v...)
	// A character takes at most twice its UTF-8 bytes in a code page
	// (gb18030's four bytes for a two-byte one).
	ts.doubleOut = slices.Grow(ts.doubleOut[:0], 2*len(v)+utf8.UTFMax)
	n, _, err := ts.doubleEncoder.Transform(ts.doubleOut[:cap(ts.doubleOut)], ts.doubleIn, true)
	if err != nil {
		return nil, false
	}
	return ts.doubleOut[:n], true
}

// eastAsianOnly reports whether every character of s beyond ASCII is
// Chinese, Japanese or Korean (eastAsianChar).
func eastAsianOnly(s []byte) bool {
	for _, r := range string(s) {
		if r >= utf8.RuneSelf && !eastAsianChar(r) {
			return false
		}
	}
	return true
}

// hasSignBeyondASCII reports whether s holds a character beyond ASCII
// that is no letter (nor a mark of one): a sign, a space or a control.
func hasSignBeyondASCII(s string) bool {
	for _, r := range s {
		if r >= utf8.RuneSelf && !unicode.IsLetter(r) && !unicode.IsMark(r) {
			return true
		}
	}
	return false
}
