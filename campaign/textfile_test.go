package campaign

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf16"
)

// TestLoadNotUTF8: a campaign file saved as UTF-16 without a byte order
// mark or in a legacy code page ("ANSI": here Shift_JIS) is refused as
// such, with the line of the first byte that is not UTF-8, rather than
// read as YAML ("string was used where mapping is expected") or with its
// values turned into U+FFFD.
func TestLoadNotUTF8(t *testing.T) {
	sjis := strings.Replace(minimalCampaign, "your digest", "\x82\xb1\x82\xf1\x82\xc9\x82\xbf\x82\xcd", 1) // こんにちは in Shift_JIS
	for _, tc := range []struct {
		name, data, want string
		line             int
	}{
		{"utf-16 without a byte order mark", string(utf16LE(minimalCampaign)), "UTF-16 without a byte order mark", 0},
		{"shift_jis", sjis, "legacy code page", 3},
		{"utf-32le", string(utf32LE(minimalCampaign)), "saved as UTF-32", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(writeCampaign(t, tc.data))
			var fe *FileError
			if !errors.As(err, &fe) || !errors.Is(err, ErrBadEncoding) {
				t.Fatalf("Load = %v, want a FileError wrapping ErrBadEncoding", err)
			}
			if fe.Line != tc.line || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load = %v (line %d), want line %d saying %q", err, fe.Line, tc.line, tc.want)
			}
		})
	}
}

// utf16LE is text in UTF-16, little-endian, without a byte order mark.
func utf16LE(text string) []byte {
	var b []byte
	for _, c := range utf16.Encode([]rune(text)) {
		b = append(b, byte(c), byte(c>>8))
	}
	return b
}

// utf32LE is text in UTF-32, little-endian, with its byte order mark
// (whose first two bytes are UTF-16LE's).
func utf32LE(text string) []byte {
	b := []byte{0xFF, 0xFE, 0, 0}
	for _, r := range text {
		b = append(b, byte(r), byte(r>>8), byte(r>>16), 0)
	}
	return b
}

// TestLoadUTF16: a campaign file Notepad saved as "Unicode" (UTF-16 with
// its byte order mark, either order) is read as the text it holds; it
// was refused, while a sheet saved so was read.
func TestLoadUTF16(t *testing.T) {
	le := append([]byte{0xff, 0xfe}, utf16LE(minimalCampaign)...)
	be := []byte{0xfe, 0xff}
	for _, c := range utf16.Encode([]rune(minimalCampaign)) {
		be = append(be, byte(c>>8), byte(c))
	}
	for name, data := range map[string][]byte{"little-endian": le, "big-endian": be} {
		c, err := Load(writeCampaign(t, string(data)))
		if err != nil || !strings.Contains(c.Subject, "your digest") {
			t.Errorf("%s: Load = %v, subject %q", name, err, c.Subject)
		}
	}
}
