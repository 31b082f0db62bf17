package campaign

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// UTF8Text checks data, the contents of a text file a campaign is made
// of (the campaign file, a template), and returns it without the UTF-8
// byte order mark Windows' Notepad writes, which would otherwise be the
// first character of every message's body. Text that is not UTF-8 is an
// error wrapping ErrBadEncoding, with the 1-based line it is on (0 for
// the whole file): a file saved as UTF-16 (Notepad's "Unicode", told by
// its byte order mark or its NUL bytes), or as a legacy code page
// (Notepad's "ANSI": Shift_JIS on a Japanese Windows, GBK on a Chinese
// one), whose bytes would go out labelled UTF-8 and reach every
// recipient as mojibake.
func UTF8Text(data []byte) (text []byte, line int, err error) {
	if bytes.HasPrefix(data, bomUTF16LE) || bytes.HasPrefix(data, bomUTF16BE) || looksUTF16(data[:min(len(data), sniffSize)]) {
		return nil, 0, fmt.Errorf("%w: the file is saved as UTF-16 (Notepad's \"Unicode\"): save it as UTF-8", ErrBadEncoding)
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
