package campaign

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	xunicode "golang.org/x/text/encoding/unicode"
)

// UTF8Text checks data, the contents of a text file a campaign is made
// of (the campaign file, a template), and returns it as UTF-8 without a
// byte order mark: the UTF-8 one Windows' Notepad writes, which would
// otherwise be the first character of every message's body, or the
// UTF-16 one of Notepad's "Unicode", whose text is decoded (the mark says
// how, as it does for a sheet). Text that is not UTF-8 is an error
// wrapping ErrBadEncoding, with the 1-based line it is on (0 for the
// whole file): UTF-16 without a byte order mark (told by its NUL bytes,
// its byte order a guess), UTF-32, or a legacy code page (Notepad's "ANSI":
// Shift_JIS on a Japanese Windows, GBK on a Chinese one), whose bytes
// would go out labelled UTF-8 and reach every recipient as mojibake.
func UTF8Text(data []byte) (text []byte, line int, err error) {
	switch {
	case bytes.HasPrefix(data, bomUTF32LE), bytes.HasPrefix(data, bomUTF32BE):
		// UTF-32LE's mark begins as UTF-16LE's does: decoded as UTF-16,
		// it would read with a NUL after every character.
		return nil, 0, fmt.Errorf("%w: the file is saved as UTF-32: save it as UTF-8", ErrBadEncoding)
	case bytes.HasPrefix(data, bomUTF16LE):
		return utf16Text(data[len(bomUTF16LE):], xunicode.LittleEndian)
	case bytes.HasPrefix(data, bomUTF16BE):
		return utf16Text(data[len(bomUTF16BE):], xunicode.BigEndian)
	case looksUTF16(data[:min(len(data), sniffSize)]):
		return nil, 0, fmt.Errorf("%w: the file is saved as UTF-16 without a byte order mark: save it as UTF-8", ErrBadEncoding)
	}
	data = bytes.TrimPrefix(data, bomUTF8)
	if utf8.Valid(data) {
		return data, 0, nil
	}
	bad := 0
	for bad < len(data) {
		r, size := utf8.DecodeRune(data[bad:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		bad += size
	}
	line = 1 + bytes.Count(data[:bad], []byte("\n"))
	return nil, line, fmt.Errorf("%w (bytes % x): the file is saved in a legacy code page (Notepad's \"ANSI\": Shift_JIS, GBK, Windows-1252 …), which would reach recipients garbled: save it as UTF-8", ErrBadEncoding, data[bad:min(bad+8, len(data))])
}

// utf16Text decodes data, UTF-16 text in the byte order order after its
// byte order mark, to UTF-8 (a lone surrogate becomes U+FFFD, as for a
// sheet).
func utf16Text(data []byte, order xunicode.Endianness) ([]byte, int, error) {
	text, err := xunicode.UTF16(order, xunicode.IgnoreBOM).NewDecoder().Bytes(data)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: the file starts with a UTF-16 byte order mark and does not decode as UTF-16 (%w): save it as UTF-8", ErrBadEncoding, err)
	}
	return text, 0, nil
}
