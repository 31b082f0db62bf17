package campaign

import (
	"bytes"
	"errors"
	"fmt"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// ErrGarbled: a cell holds UTF-8 text that was read as Windows-1252
// before the sheet was saved ("JÃ¼rgen" for "Jürgen"; see Garbled).
var ErrGarbled = errors.New("garbled text")

// GarbledAdvice says how such a sheet comes about and how to mend it, for
// the messages about a garbled cell or header.
const GarbledAdvice = "the sheet was made from a UTF-8 CSV opened as Windows-1252 (Excel's or LibreOffice's import without choosing UTF-8): import the CSV again choosing UTF-8 (Unicode), or fix the cells"

// GarbledAdviceFor is the advice for a garbled cell or header of a sheet
// read under recipients.encoding declared: GarbledAdvice, unless
// declared names a single-byte code page other than Windows-1252, which
// read the cell's bytes, UTF-8, as the letters Garbled knows (windows-1257
// reads "ą" as "Ä…" as Windows-1252 does): then that code page, as
// written, and the setting to take out.
func GarbledAdviceFor(declared string) string {
	_, canon, err := LookupEncoding(declared)
	if declared == "" || err != nil || canon == "windows-1252" || !singleByte(canon) {
		return GarbledAdvice
	}
	return fmt.Sprintf("the sheet holds UTF-8 text read as %s, as recipients.encoding %q says: if it was saved as \"CSV UTF-8\", take `encoding: %s` out from under recipients; else fix the cells", canon, declared, declared)
}

// Garbled reports whether s is UTF-8 text read as Windows-1252, as a
// spreadsheet makes it of a UTF-8 CSV imported in the wrong character set
// ("JÃ¼rgen GroÃŸ" of "Jürgen Groß"), and gives the text it was: s in
// Windows-1252 is valid UTF-8 holding a letter beyond ASCII, and none that
// no text holds (wasNever). Text written in Windows-1252 itself ("Müller",
// "São") is not: its bytes beyond ASCII are no UTF-8; nor is a capital
// with a sign or a no-break space right after it ("CAFÉ\u00a0", "PATÉ®"),
// whose bytes are UTF-8 of such a letter ("ɠ", "ɮ").
func Garbled(s string) (string, bool) {
	if !leadPair(s) {
		return "", false // ASCII, and almost all other text: no encoder run
	}
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil || !utf8.Valid(b) || string(b) == s || bytes.ContainsFunc(b, wasNever) {
		return "", false
	}
	return string(b), true
}

// wasNever reports whether r is a character that text garbled so never
// was, while a capital letter of Windows-1252 followed by a sign or a
// no-break space reads as one: a C1 control (U+0080 to U+009F), an IPA
// letter or a spacing modifier (U+0250 to U+02FF: É, Ê, Ë and a sign),
// or a letter of Syriac, Thaana or NKo (U+0700 to U+07FF: Ü to ß and a
// sign), scripts a sheet for mail merge does not hold.
func wasNever(r rune) bool {
	return r >= 0x80 && r <= 0x9F || r >= 0x250 && r <= 0x2FF || r >= 0x700 && r <= 0x7FF
}

// isLeadByteChar reports whether r is what Windows-1252 reads a UTF-8
// lead byte of a character beyond ASCII as (0xC2 to 0xF4: Â to ô), which
// text garbled so always holds.
func isLeadByteChar(r rune) bool { return r >= 0xC2 && r <= 0xF4 }

// leadPair reports whether s holds what Windows-1252 reads a UTF-8 lead
// byte as right before what it reads a continuation byte as (0x80 to
// 0xBF: "Ã¼"), which text garbled so always holds. Text with letters
// such as é, ñ or ö (lead bytes in Windows-1252) and a letter after them
// does not: Garbled runs no encoder for it.
func leadPair(s string) bool {
	lead := false
	for _, r := range s {
		if lead && isContinuationChar(r) {
			return true
		}
		lead = isLeadByteChar(r)
	}
	return false
}

// continuationChars are what Windows-1252 reads the bytes 0x80 to 0xBF
// as, a UTF-8 continuation byte each.
var continuationChars = func() map[rune]bool {
	m := make(map[rune]bool, 0x40)
	for b := 0x80; b <= 0xBF; b++ {
		m[charmap.Windows1252.DecodeByte(byte(b))] = true
	}
	return m
}()

// isContinuationChar reports whether r is one of continuationChars.
func isContinuationChar(r rune) bool { return r >= 0x80 && continuationChars[r] }
