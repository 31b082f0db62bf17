package campaign

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf16"
)

// TestLoadNotUTF8: a campaign file Notepad saved as UTF-16 ("Unicode") or
// in a legacy code page ("ANSI": here Shift_JIS) is refused as such, with
// the line of the first byte that is not UTF-8, rather than read as YAML
// ("string was used where mapping is expected") or with its values
// turned into U+FFFD.
func TestLoadNotUTF8(t *testing.T) {
	var u16 []byte
	u16 = append(u16, 0xff, 0xfe)
	for _, c := range utf16.Encode([]rune(minimalCampaign)) {
		u16 = append(u16, byte(c), byte(c>>8))
	}
	sjis := strings.Replace(minimalCampaign, "your digest", "\x82\xb1\x82\xf1\x82\xc9\x82\xbf\x82\xcd", 1) // こんにちは in Shift_JIS
	for _, tc := range []struct {
		name, data, want string
		line             int
	}{
		{"utf-16", string(u16), "UTF-16", 0},
		{"shift_jis", sjis, "legacy code page", 3},
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
