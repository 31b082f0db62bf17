package campaign

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"
)

// LookupEncoding returns the character encoding a recipients.encoding
// setting names, and its canonical WHATWG name ("gbk" → "gbk", "GB2312" →
// "gbk", "latin1" → "windows-1252", "cp932" → "shift_jis"). Any label
// golang.org/x/text's htmlindex knows is accepted, and Windows' code page
// names (see codePage); anything else is an error, naming the setting,
// that lists common choices.
func LookupEncoding(name string) (encoding.Encoding, string, error) {
	name = strings.TrimSpace(name)
	if enc, canon, err := lookupWHATWG(name); err == nil {
		return enc, canon, nil
	}
	if enc, canon, ok := codePage(name); ok {
		return enc, canon, nil
	}
	return nil, "", fmt.Errorf("recipients.encoding: unknown encoding %q (use e.g. utf-8, gb18030, gbk, big5, utf-16le, windows-1252, shift_jis, or a Windows code page: cp932, cp1252 …)", name)
}

// lookupWHATWG is the encoding a WHATWG label names, and its canonical
// name.
func lookupWHATWG(label string) (encoding.Encoding, string, error) {
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, "", err
	}
	canon, err := htmlindex.Name(enc)
	if err != nil {
		canon = strings.ToLower(label)
	}
	return enc, canon, nil
}

// textSource is a CSV file's bytes turned into UTF-8, as a stream, read
// by one goroutine (its checks reuse buffers).
type textSource struct {
	// r yields UTF-8 text (unless validate finds otherwise), BOM removed.
	r *bufio.Reader
	// name is the encoding the text was read as, e.g. "utf-8", "gb18030".
	name string
	// validate is set when r passes the file's bytes through unchanged, so
	// each value must be checked to be valid UTF-8.
	validate bool
	// decoded is set when r comes out of a decoder, which turns bytes that
	// are invalid in that encoding into U+FFFD.
	decoded bool
	// declared is recipients.encoding as written, when it chose the
	// encoding; "" otherwise.
	declared string
	// legacy is the declared encoding when it is one of the single-byte
	// code pages guessEncodings knows, for misread; nil otherwise.
	legacy encoding.Encoding
	script func(rune) bool
	// compose is set when the declared code page writes accents as
	// combining marks (windows-1258's tones), which value composes.
	compose bool
	// turkish is set when a file declared windows-1252 shows itself
	// Turkish, in its start or a value (turkishAsWestern).
	turkish bool
	// central is set when a file declared windows-1252 shows itself
	// Central European, in its start or a value (centralAsWestern).
	central bool
	// latinSeen is the Latin code page that read a value of a file
	// declared in a non-Latin one as Latin words, in its start or a value
	// (latinAsScript); nil when none did.
	latinSeen *legacyEncoding
	// scriptRead is set when the start of a file declared in a non-Latin
	// single-byte code page reads as its script's text (scriptSample):
	// Latin words misread in a value then came from another file.
	scriptRead bool
	// byteOrder is the UTF-16 byte order the file's first bytes suggest,
	// should its text turn out to hold NULs (see utf16Advice).
	byteOrder string
	// double is the declared encoding when it is a double-byte code page
	// (gbk, gb18030, big5, shift_jis, euc-kr …), for utf8AsDoubleByte;
	// nil otherwise.
	double encoding.Encoding
	// doubleEncoder, doubleIn and doubleOut are inDoubleByte's encoder
	// into double and its buffers, kept from value to value.
	doubleEncoder *encoding.Encoder
	doubleIn      []byte
	doubleOut     []byte
	// sample is the file's start (sniffSize bytes) when it is read as
	// UTF-8 undeclared: evidence for the code page a value that is not
	// UTF-8 is in (sampleGuesses).
	sample []byte
	// warnings are notes about the choice.
	warnings []string
}

const (
	// readBufferSize is the buffer between the file (or decoder) and
	// encoding/csv; also the most that is sniffed.
	readBufferSize = 64 << 10
	// sniffSize is how much text the delimiter and UTF-16 sniffing looks at.
	sniffSize = 16 << 10
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
	bomUTF32LE = []byte{0xFF, 0xFE, 0x00, 0x00}
	bomUTF32BE = []byte{0x00, 0x00, 0xFE, 0xFF}
)

// newTextSource decides how to turn raw into UTF-8: a byte order mark wins
// (as in the WHATWG decode algorithm), then the declared encoding, then
// UTF-8, which is then validated value by value as the sheet streams. file
// names the file in messages.
func newTextSource(raw io.Reader, declared, file string) (*textSource, error) {
	br := bufio.NewReaderSize(raw, readBufferSize)
	head, _ := br.Peek(4) // a short file is fine; read errors surface later
	ts := &textSource{}
	if sample, _ := br.Peek(sniffSize); len(sample) > 0 {
		ts.byteOrder = guessUTF16(sample)
	}
	var dec encoding.Encoding
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		_, _ = br.Discard(len(bomUTF8))
		if ts.bomMisleads(br, declared, file) {
			break
		}
		ts.name, ts.validate = "utf-8", true
	case bytes.HasPrefix(head, bomUTF16LE):
		_, _ = br.Discard(len(bomUTF16LE))
		ts.name, dec = "utf-16le", xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM)
	case bytes.HasPrefix(head, bomUTF16BE):
		_, _ = br.Discard(len(bomUTF16BE))
		ts.name, dec = "utf-16be", xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM)
	}
	if declared != "" {
		d, err := ts.declare(br, declared, file)
		if err != nil {
			return nil, err
		}
		if d != nil {
			dec = d
		}
	}
	if ts.name == "" {
		ts.name, ts.validate = "utf-8", true
		sample, _ := br.Peek(sniffSize)
		ts.sample = bytes.Clone(sample)
		if looksUTF16(sample) {
			return nil, fmt.Errorf("%w: the file holds NUL bytes, as UTF-16 text without a byte order mark does; if it is, add `encoding: %s` under recipients: in the campaign file (or save the sheet as \"CSV UTF-8\")", ErrBadEncoding, ts.byteOrder)
		}
	}
	if dec == nil {
		ts.r = br
		return ts, nil
	}
	ts.decoded = true
	ts.r = bufio.NewReaderSize(dec.NewDecoder().Reader(br), readBufferSize)
	// A declared encoding may still carry its own mark, e.g. utf-16le.
	if head, _ := ts.r.Peek(len(bomUTF8)); bytes.Equal(head, bomUTF8) {
		_, _ = ts.r.Discard(len(bomUTF8))
	}
	return ts, nil
}

// bomMisleads reports whether a UTF-8 byte order mark, read past in br
// already, starts a file whose text is not UTF-8 while recipients.encoding
// (declared) names a code page, as a tool that wrote the mark before text
// in the Windows code page does: its start has bytes UTF-8 does not
// allow and no character UTF-8 writes in more than one byte. The setting
// reads it then, with a warning naming file. A mark before UTF-8 text
// (with a value of another file joined in, too) wins, as newTextSource
// says.
func (ts *textSource) bomMisleads(br *bufio.Reader, declared, file string) bool {
	_, canon, err := LookupEncoding(declared)
	if declared == "" || err != nil || canon == "utf-8" || strings.HasPrefix(canon, "utf-16") {
		return false
	}
	sample, _ := br.Peek(sniffSize)
	if multi, invalid := utf8Runs(sample); multi > 0 || invalid == 0 {
		return false
	}
	ts.warnings = append(ts.warnings, fmt.Sprintf("%s: starts with a UTF-8 byte order mark, but its text is not UTF-8; read as recipients.encoding %q says", file, declared))
	return true
}

// utf8Runs counts in b, the start of a file, the characters UTF-8 writes
// in more than one byte (multi) and the byte sequences it does not allow
// (invalid); a character cut off at b's end is neither.
func utf8Runs(b []byte) (multi, invalid int) {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size == 1 && utf8.FullRune(b[i:]):
			invalid++
		case size > 1:
			multi++
		}
		i += size
	}
	return multi, invalid
}

// declare applies recipients.encoding (declared) to ts, whose byte order
// mark, if any, has set its name already (and wins, with a warning naming
// file); it refuses UTF-8 text under a single-byte code page
// (utf8Declared). It returns the decoder to read br with, nil for none
// (UTF-8, or the mark's).
func (ts *textSource) declare(br *bufio.Reader, declared, file string) (encoding.Encoding, error) {
	enc, canon, err := LookupEncoding(declared)
	if err != nil {
		return nil, err
	}
	ts.declared = declared
	switch {
	case ts.name != "" && ts.name != canon:
		ts.warnings = append(ts.warnings, fmt.Sprintf("%s: starts with a %s byte order mark; read as %s, not as recipients.encoding %q", file, strings.ToUpper(ts.name), ts.name, declared))
	case ts.name != "":
		// The mark agrees with the setting.
	case canon == "utf-8":
		ts.name, ts.validate = "utf-8", true
	default:
		sample, _ := br.Peek(sniffSize)
		if !strings.HasPrefix(canon, "utf-16") {
			if err := utf8Declared(sample, enc, canon, declared); err != nil {
				return nil, err
			}
		}
		ts.name = canon
		if !strings.HasPrefix(canon, "utf-16") && !oneByteEach(enc) {
			ts.double = enc
		}
		ts.legacy, ts.script = singleByteScript(canon, enc)
		ts.compose = canon == "windows-1258"
		ts.turkish = canon == "windows-1252" && turkishSample(sample)
		ts.central = canon == "windows-1252" && centralSample(sample)
		ts.latinSeen = ts.latinSample(sample)
		ts.scriptRead = ts.scriptSample(sample)
		return enc, nil
	}
	return nil, nil
}

// looksUTF16 reports whether sample, the start of a file without a byte
// order mark, is most likely UTF-16: its NUL bytes (the other half of
// every ASCII character: delimiters, digits, addresses) are at least four,
// stand three in four at even or at odd offsets (a Chinese character such
// as 一, U+4E00, puts one at the other), and make a sixteenth of it or more
// (text in Chinese has few). Stray NULs in UTF-8 text are a problem of
// their cells (ErrNULChar), not of the file's encoding.
func looksUTF16(sample []byte) bool {
	even, odd := nulParity(sample)
	n := even + odd
	return n >= 4 && 4*max(even, odd) >= 3*n && 16*n >= len(sample)
}

// utf16Advice says how to read a file whose header text holds NULs: the
// UTF-16 byte order its first bytes suggest, added or in place of the
// encoding declared (as written).
func (ts *textSource) utf16Advice() string {
	if ts.declared != "" {
		return fmt.Sprintf("set `encoding: %s` under recipients: in place of %q (or save the sheet as \"CSV UTF-8\")", ts.byteOrder, ts.declared)
	}
	return fmt.Sprintf("add `encoding: %s` under recipients: (or save the sheet as \"CSV UTF-8\")", ts.byteOrder)
}

// nulParity counts b's NUL bytes at even and at odd offsets.
func nulParity(b []byte) (even, odd int) {
	for i, c := range b {
		if c == 0 {
			if i%2 == 0 {
				even++
			} else {
				odd++
			}
		}
	}
	return even, odd
}

// guessUTF16 says which byte order NUL-laden text most likely has.
func guessUTF16(b []byte) string {
	if even, odd := nulParity(b); even > odd {
		return "utf-16be"
	}
	return "utf-16le"
}

// checkText reports whether a value read from ts is sound: valid UTF-8 when
// the bytes passed through unchanged, free of U+FFFD (the decoder's mark for
// bytes invalid in the encoding) when decoded. It returns nil when sound.
func (ts *textSource) checkText(v string) error {
	switch {
	case ts.validate && !utf8.ValidString(v):
		return ts.invalidUTF8(v)
	case ts.decoded && strings.ContainsRune(v, utf8.RuneError):
		return badEncodingError(fmt.Sprintf("text is not valid %s: bytes it does not define (read as U+FFFD); check recipients.encoding", ts.name))
	}
	return nil
}

// cellProblem is what is wrong with v, a value read and checked
// (checkText), as one cell of a row: a NUL (ErrNULChar), text the
// declared code page misreads (misread), a letter lost as "?"
// (lostLetters); nil when nothing is.
func (ts *textSource) cellProblem(v string) error {
	if strings.IndexByte(v, 0) >= 0 {
		return ErrNULChar
	}
	return cmp.Or(ts.misread(v), ts.utf8AsDoubleByte(v), ts.lostLetters(v))
}

// value is v, a value read and checked, as the sheet gives it: composed
// (Unicode NFC) when the code page writes accents as combining marks, so
// that windows-1258's "Nguye\u0302\u0303n" is the "Nguyễn" a template or
// a suppression list compares it with.
func (ts *textSource) value(v string) string {
	if ts.compose {
		return norm.NFC.String(v)
	}
	return v
}

// singleByteScript is enc, the declared encoding named canon, and the
// script of its letters when it is one of the single-byte code pages of
// legacyEncodings; nil, nil otherwise.
func singleByteScript(canon string, enc encoding.Encoding) (encoding.Encoding, func(rune) bool) {
	for _, e := range legacyEncodings {
		if e.name == canon && singleByte(canon) {
			return enc, e.script
		}
	}
	return nil, nil
}

// isASCIIText reports whether s is all ASCII.
func isASCIIText(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// invalidUTF8 explains a value that is not UTF-8 and suggests the encoding
// setting that most likely reads it; in a file whose UTF-8 byte order mark
// and text won over a code page declared (bomMisleads), it says the value
// was joined in from another file.
func (ts *textSource) invalidUTF8(v string) error {
	bad := v
	for i := 0; i < len(v); {
		r, size := utf8.DecodeRuneInString(v[i:])
		if r == utf8.RuneError && size == 1 {
			bad = v[i:]
			break
		}
		i += size
	}
	if len(bad) > 8 {
		bad = bad[:8]
	}
	if _, canon, _ := LookupEncoding(ts.declared); ts.declared != "" && canon != "utf-8" {
		return fmt.Errorf("%w (bytes % x), read as UTF-8 for the UTF-8 byte order mark the file starts with and the UTF-8 text in it, not as recipients.encoding %q: this value came from another file, joined in: type it again, or save the sheet as \"CSV UTF-8\" from a program that shows it right", ErrBadEncoding, bad, ts.declared)
	}
	guesses := sampleGuesses(v, ts.sample)
	if ts.declared != "" {
		return fmt.Errorf("%w (bytes % x) although recipients.encoding says utf-8; %s under recipients", ErrBadEncoding, bad, guessWords(guesses, "set"))
	}
	return fmt.Errorf("%w (bytes % x); %s under recipients: in the campaign file, or save the sheet as \"CSV UTF-8\"", ErrBadEncoding, bad, guessWords(guesses, "add"))
}
